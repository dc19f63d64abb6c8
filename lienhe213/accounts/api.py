"""REST API for accounts: exchange a username and password for an API token; manage
accounts and role assignments.

Logins through the API are audited exactly like logins through the login page: Django's
``authenticate()`` fires ``user_login_failed`` on bad credentials, and this view fires
``user_logged_in`` on success (token authentication never calls ``login()``, which is
what fires it for the login page). ``accounts.services`` records both signals.

Attempts are limited per client address and username (``LIENHE213_TOKEN_RATE``, 10 a
minute by default), and a username is locked after wrong passwords from any address
(``LIENHE213_LOCKOUT_*``, see ``accounts.throttles``); an attempt over the limit or
at a locked username is answered 429 without looking at the password and is recorded
as a failed login.
"""

import math
from typing import Any, NoReturn

from django.contrib.auth import authenticate, logout, update_session_auth_hash
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lienhe213.accounts import services
from lienhe213.accounts.access import AnyUser, manages_accounts, manages_role, needs_second_factor
from lienhe213.accounts.authentication import SecondFactorDone, token_expires
from lienhe213.accounts.filters import AccountFilter, RoleAssignmentFilter
from lienhe213.accounts.models import RoleAssignment, User
from lienhe213.accounts.queries import (
    accounts_in_scope,
    accounts_with_roles,
    describe_accounts,
)
from lienhe213.accounts.serializers import (
    AccountActiveSerializer,
    AccountCreatedSerializer,
    AccountCreateSerializer,
    AccountSerializer,
    GrantRoleSerializer,
    PasswordChangeSerializer,
    RoleAssignmentSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from lienhe213.accounts.throttles import Lockout, TokenAttemptThrottle, attempted_username
from lienhe213.core.api import validated_input
from lienhe213.core.errors import DomainError


class TokenAttemptsThrottled(exceptions.Throttled):
    """429 with the whole message translated (DRF's own "Expected available in ..." is
    formatted before it is looked up, so it stays in English)."""

    def __init__(self, wait: float | None) -> None:
        if wait is None:
            detail = gettext("Too many attempts to obtain a token. Try again later.")
        else:
            seconds = max(1, math.ceil(wait))
            detail = ngettext(
                "Too many attempts to obtain a token. Try again in %(seconds)d second.",
                "Too many attempts to obtain a token. Try again in %(seconds)d seconds.",
                seconds,
            ) % {"seconds": seconds}
        super().__init__(detail=detail)
        self.wait = None if wait is None else max(1, math.ceil(wait))


class TokenUsernameLocked(exceptions.Throttled):
    """429 for a username locked after failed logins, with the seconds left."""

    def __init__(self, wait: float) -> None:
        seconds = max(1, math.ceil(wait))
        detail = ngettext(
            "Too many failed attempts to obtain a token with this username. "
            "Try again in %(seconds)d second.",
            "Too many failed attempts to obtain a token with this username. "
            "Try again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
        super().__init__(detail=detail)
        self.wait = seconds


class ObtainTokenView(APIView):
    """POST a username and password, receive the user's API token.

    Send the token afterwards as ``Authorization: Token <token>``. Inactive accounts and
    wrong passwords get the same answer, so the endpoint does not reveal which accounts
    exist. The token lasts ``LIENHE213_TOKEN_HOURS`` (12) from its creation: while it
    does, asking again returns the same token, afterwards a new one. An account with a
    temporary password gets its token, but only the password change accepts it.
    """

    authentication_classes: list[type[Any]] = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenAttemptThrottle]

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        # Recorded through Django's signal, as a wrong password is; no password is read.
        user_login_failed.send(
            sender=__name__,
            credentials={"username": attempted_username(request.data)},
            request=request._request,
            refused="throttled",
        )
        raise TokenAttemptsThrottled(wait)

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                description=_(
                    "Wrong username or password, a missing field, or a missing or wrong "
                    "second-factor code."
                )
            ),
            403: OpenApiResponse(
                description=_("Two-factor sign-in is required and not yet set up.")
            ),
            429: OpenApiResponse(description=_("Too many attempts; try again later.")),
        },
        auth=[],
        summary="Obtain an API token",
    )
    def post(self, request: Request) -> Response:
        username = attempted_username(request.data)
        lockout = Lockout(username)
        if lockout.is_locked():
            user_login_failed.send(
                sender=__name__,
                credentials={"username": username},
                request=request._request,
                refused="locked",
            )
            raise TokenUsernameLocked(lockout.remaining())
        credentials = validated_input(TokenRequestSerializer, request)
        user = authenticate(
            request._request, username=credentials["username"], password=credentials["password"]
        )
        if not isinstance(user, User):
            raise serializers.ValidationError(
                {"detail": _("The username or password is incorrect.")}
            )
        self._second_factor(user, credentials.get("code", ""))
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        token = services.issue_token(by=user)
        return Response(TokenSerializer({"token": token.key, "expires": token_expires(token)}).data)

    @staticmethod
    def _second_factor(user: User, code: str) -> None:
        """An account with an authenticator app proves a code; one that must have an
        app and has none gets no token until it sets one up on the website."""
        if not user.two_factor_enabled:
            if needs_second_factor(user):
                raise exceptions.PermissionDenied(
                    _(
                        "Your role requires two-factor sign-in. Set it up on the website, "
                        "then obtain a token with a code from your authenticator app."
                    )
                )
            return
        if not code.strip():
            raise serializers.ValidationError(
                {"code": _("Enter the code from your authenticator app, or a recovery code.")}
            )
        try:
            device = services.verify_second_factor(user=user, code=code)
        except DomainError as err:
            raise serializers.ValidationError({"code": str(err)}) from err
        if device is None:
            raise serializers.ValidationError(
                {"code": _("This code is not right. Enter the code your app shows now.")}
            )


class PasswordChangeView(APIView):
    """Change your own password; the one endpoint besides the token's and the logout
    that an account with a temporary password may use (after its second factor, when
    it has one)."""

    permission_classes = [IsAuthenticated, SecondFactorDone]

    @extend_schema(
        request=PasswordChangeSerializer,
        responses={
            204: OpenApiResponse(
                description=_("Changed. Every API token of the account was deleted.")
            ),
            400: OpenApiResponse(
                description=_("Wrong current password, or a new password the rules refuse.")
            ),
        },
        summary="Change your password",
        description="Proves the current password; the new one must pass the password "
        "rules and differ from it. Afterwards every API token of the account is deleted "
        "(obtain a new one with the new password) and its other sessions end.",
    )
    def post(self, request: Request) -> Response:
        data = validated_input(PasswordChangeSerializer, request)
        user = services.change_password(by=request.user, **data)  # type: ignore[arg-type]
        if request.auth is None:  # signed in by the session, which stays signed in
            update_session_auth_hash(request._request, user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    """Log out of the API: the caller's token is deleted (recorded as a logout)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description=_("The token was deleted."))},
        summary="Log out: delete your API token",
    )
    def post(self, request: Request) -> Response:
        if request.auth is None:  # signed in by the session: log it out
            logout(request._request)
        else:
            # As the site's logout does; ``accounts.services`` records it and deletes
            # the account's tokens.
            user_logged_out.send(sender=User, request=request._request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Role assignments and accounts. The answers about ids are those of
# ``organizations.api``: an id in the URL outside the user's reach is 404, an
# out-of-scope organization or member in the body is a 400 on that field, an object the
# user may see but not change is 403, and a refusal of the services is 400 with their
# message. Writes go through ``accounts.services``.


def _require_manage_roles(user: AnyUser, path: str | None = None) -> None:
    """403 unless ``user`` manages roles or appoints community representatives
    anywhere, or over the node at ``path`` (``access.manages_accounts``)."""
    if not manages_accounts(user, path):
        raise exceptions.PermissionDenied


@extend_schema_view(
    list=extend_schema(summary="List the role assignments you manage, and your own"),
)
class RoleAssignmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[RoleAssignment]):
    """Role assignments: those under the subtrees where the user manages roles, plus the
    user's own (read-only unless they manage them too)."""

    serializer_class = RoleAssignmentSerializer
    filterset_class = RoleAssignmentFilter

    def get_queryset(self) -> QuerySet[RoleAssignment]:
        user = self.request.user
        return (
            RoleAssignment.objects.visible_to(user)
            .select_related("user", "organization", "granted_by")
            .order_by("organization__path", "user__username", "role", "pk")
        )

    @extend_schema(
        summary="Grant a role over an organization's subtree",
        description="Only inside the organizations you manage, never a role above your own "
        "there; the member role only for an account linked to a member record. A commune "
        "clerk grants only the community representative role, over a residential cell of "
        "the commune, saying whom the representative speaks for.",
        request=GrantRoleSerializer,
        responses={201: RoleAssignmentSerializer},
    )
    def create(self, request: Request) -> Response:
        user = request.user
        _require_manage_roles(user)
        data = validated_input(GrantRoleSerializer, request)
        if not manages_role(user, data["role"], data["organization"].path):
            raise exceptions.PermissionDenied
        assignment = services.grant_role(by=user, **data)
        return Response(RoleAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Withdraw a role", responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        user = request.user
        assignment = get_object_or_404(self.get_queryset(), pk=_int_or_404(pk))
        if not manages_role(user, assignment.role, assignment.organization.path):
            raise exceptions.PermissionDenied
        services.revoke_role(by=user, assignment=assignment)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="List the accounts holding roles you manage"),
)
class AccountViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[User]):
    """Accounts holding a role inside the organizations the user manages (superusers:
    every account), with those roles."""

    serializer_class = AccountSerializer
    filterset_class = AccountFilter

    def get_queryset(self) -> QuerySet[User]:
        return accounts_in_scope(self.request.user).order_by("username", "pk")

    def _detail(self, account: User) -> dict[str, Any]:
        fresh = accounts_with_roles(User.objects.filter(pk=account.pk)).get()
        describe_accounts(self.request.user, [fresh])
        return AccountSerializer(fresh).data

    def list(self, request: Request) -> Response:
        accounts = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(accounts_with_roles(accounts))
        rows = list(page if page is not None else accounts_with_roles(accounts))
        describe_accounts(request.user, rows)
        return self.get_paginated_response(AccountSerializer(rows, many=True).data)

    @extend_schema(summary="One account with its roles", responses=AccountSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        account = get_object_or_404(self.get_queryset(), pk=_int_or_404(pk))
        return Response(self._detail(account))

    @extend_schema(
        summary="Create an account",
        description="The account has no role yet. With ``generate_password`` the answer "
        "carries a temporary password, once; it is stored only as a hash.",
        request=AccountCreateSerializer,
        responses={201: AccountCreatedSerializer},
    )
    def create(self, request: Request) -> Response:
        user = request.user
        _require_manage_roles(user)
        data = validated_input(AccountCreateSerializer, request)
        password = services.new_temporary_password() if data.pop("generate_password") else None
        account = services.create_account(by=user, password=password, **data)
        body = {**self._detail(account), "temporary_password": password}
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        summary="Enable or disable an account",
        description="Only for an account whose every role lies in the organizations you "
        "manage and is not above your own role there.",
        request=AccountActiveSerializer,
        responses=AccountSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        user = request.user
        account = get_object_or_404(self.get_queryset(), pk=_int_or_404(pk))
        data = validated_input(AccountActiveSerializer, request)
        services.set_account_active(by=user, user=account, is_active=data["is_active"])
        return Response(self._detail(account))

    @extend_schema(
        summary="Unlock an account locked after failed logins",
        description="Ends the lockout and forgets the failed logins, so the account's "
        "owner may log in at once; under the rules of disabling an account.",
        request=None,
        responses=AccountSerializer,
    )
    @action(detail=True, methods=["post"])
    def unlock(self, request: Request, pk: str) -> Response:
        user = request.user
        account = get_object_or_404(self.get_queryset(), pk=_int_or_404(pk))
        services.unlock_account(by=user, user=account)
        return Response(self._detail(account))


def _int_or_404(pk: str) -> int:
    try:
        return int(pk)
    except ValueError as exc:
        raise Http404 from exc
