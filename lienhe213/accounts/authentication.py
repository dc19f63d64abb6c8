"""How an API request proves who it comes from, and what a temporary password allows.

* A token lives ``TOKEN_HOURS`` (``LIENHE213_TOKEN_HOURS``, 12 by default) from its
  creation: afterwards it is refused with 401 and deleted, and the token endpoint hands
  out a new one. Logging out (of the site or ``POST /api/v1/auth/logout/``) and
  changing or resetting the password delete the user's tokens (``accounts.services``).
* An account whose password is temporary (``User.must_change_password``) gets 403 from
  every endpoint but the token endpoint, the password change and the logout, which
  declare their own permissions.
* Two-factor sign-in: the token endpoint asks an account with an authenticator app for
  a code as well, and gives no token to an account that must have one and has none;
  every token in use was therefore issued after a second factor (turning it on or off
  ends the account's tokens). A request signed in by the site's session needs the
  session's second factor too (``SecondFactorDone``).
"""

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from lienhe213.accounts.access import needs_second_factor


def token_expires(token: Token) -> datetime.datetime:
    """When ``token`` stops being accepted."""
    return token.created + datetime.timedelta(hours=settings.TOKEN_HOURS)


def token_expired(token: Token) -> bool:
    return token_expires(token) <= timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication (``Authorization: Token <key>``), refusing a token
    older than ``TOKEN_HOURS``: 401, and the token is deleted."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            Token.objects.filter(pk=token.pk).delete()
            raise exceptions.AuthenticationFailed(_("The token has expired. Obtain a new one."))
        return user, token


class PasswordChanged(BasePermission):
    """Refuses (403) an account that must still replace its temporary password."""

    message = _(
        "You must change your temporary password before using the API: POST /api/v1/auth/password/."
    )

    def has_permission(self, request: Request, view: Any) -> bool:
        return not getattr(request.user, "must_change_password", False)


class SecondFactorDone(BasePermission):
    """Refuses (403) a request whose account has not given the second factor it must:
    a session signed in with the password only, while the account has an authenticator
    app or its role requires one; a token of an account that must set one up (tokens
    are otherwise only issued after the second factor)."""

    message = _(
        "Sign in with your second factor first: two-factor sign-in is required for "
        "your account. Set it up on the website."
    )

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user.is_authenticated:
            return True  # IsAuthenticated answers
        if request.auth is None and getattr(user, "is_verified", lambda: False)():
            return True
        enabled = getattr(user, "two_factor_enabled", False)
        if request.auth is not None:
            return enabled or not needs_second_factor(user)
        return not enabled and not needs_second_factor(user)
