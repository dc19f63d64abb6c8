"""Writes to accounts and role assignments, passwords, API tokens and the audit of logins."""

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from lienhe213.accounts import access
from lienhe213.accounts.models import (
    RepresentativeKind,
    Role,
    RoleAssignment,
    User,
    account_named,
    normalize_username,
)
from lienhe213.accounts.throttles import Lockout
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization


def home_path(user: User) -> str:
    paths = sorted((p for _role, p in access.roles_of(user)), key=len)
    return paths[0] if paths else ""


@transaction.atomic
def grant_role(
    *,
    by: access.AnyUser,
    user: User,
    organization: Organization,
    role: str,
    representative_kind: str = "",
) -> RoleAssignment:
    """Grant ``role`` over ``organization``'s subtree.

    Only inside the grantor's own scope, and never a role stronger than the grantor's
    own there: a provincial officer cannot make an administrator. A commune clerk grants
    the community representative role alone, over a residential cell of the commune
    (``access.manages_role``); that role names whom the representative speaks for
    (``representative_kind``), which no other role takes.
    """
    if role not in Role.values:
        raise DomainError(_("Choose one of the roles."), field="role")
    role = Role(role)
    if not access.manages_role(by, role, organization.path):
        raise DomainError(
            _("You may not assign roles in “%(org)s”.") % {"org": organization.name},
            field="organization",
        )
    if access.ROLE_RANK[role] > access.highest_rank_at(by, organization.path):
        raise DomainError(_("You may not grant a role above your own."), field="role")
    if not organization.is_current:
        raise DomainError(_("This organization no longer exists."), field="organization")
    if role == Role.MEMBER and user.member_id is None:
        raise DomainError(_("This account is not linked to a member record."), field="role")
    if role == Role.COMMUNITY_REPRESENTATIVE:
        if not organization.is_residential_cell:
            raise DomainError(
                _("A community representative speaks for the community of a residential cell."),
                field="organization",
            )
        if representative_kind not in RepresentativeKind.values:
            raise DomainError(
                _("Choose whom the representative speaks for."), field="representative_kind"
            )
    elif representative_kind:
        raise DomainError(
            _("Only a community representative speaks for a community."),
            field="representative_kind",
        )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        organization=organization,
        role=role,
        defaults={"granted_by": by, "representative_kind": representative_kind},
    )
    if not created:
        raise DomainError(_("This person already has this role here."), field="role")
    changes: dict[str, Any] = {
        "user": user.username,
        "role": role.value,
        "organization": organization.pk,
    }
    if representative_kind:
        changes["representative_kind"] = representative_kind
    audit.record(
        by=by,
        action="grant",
        obj=assignment,
        scope_path=organization.path,
        changes=changes,
    )
    access.forget_roles(user)
    return assignment


@transaction.atomic
def revoke_role(*, by: access.AnyUser, assignment: RoleAssignment) -> None:
    """Withdraw a role, under the same rules as granting it."""
    org = assignment.organization
    if not access.manages_role(by, assignment.role, org.path):
        raise DomainError(_("You may not assign roles in “%(org)s”.") % {"org": org.name})
    if access.ROLE_RANK[Role(assignment.role)] > access.highest_rank_at(by, org.path):
        raise DomainError(_("You may not withdraw a role above your own."))
    audit.record(
        by=by,
        action="revoke",
        obj=assignment,
        scope_path=org.path,
        changes={"user": assignment.user.username, "role": assignment.role},
    )
    assignment.delete()
    access.forget_roles(assignment.user)


def new_temporary_password() -> str:
    """A random password to hand to a new account's owner once (12 URL-safe characters)."""
    return secrets.token_urlsafe(9)


def _account_scope_path(by: access.AnyUser, member: Member | None) -> str:
    """Where an account's audit rows belong: its member record's unit, else the most
    general subtree in which the creator manages roles or appoints representatives
    (empty for superusers)."""
    if member is not None:
        return member.unit_path
    paths = access.scope_paths(by, access.Capability.MANAGE_ROLES) or access.scope_paths(
        by, access.Capability.APPOINT_REPRESENTATIVES
    )
    return paths[0] if paths else ""


@transaction.atomic
def create_account(
    *,
    by: access.AnyUser,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    member: Member | None = None,
    password: str | None = None,
) -> User:
    """Create a login for a person, without any role (roles are granted separately).

    Only users who manage roles or appoint community representatives somewhere may
    create accounts. A member record may be linked only by one who manages roles, if
    they may see it and no other account holds it: the member role later shows that
    record, and only that one, to the account. Without a password
    the account cannot log in until one is set; the audit row never holds the password.
    A password given here is temporary: its owner must replace it before doing anything
    else (``User.must_change_password``).
    The username is stored normalised (``normalize_username``: "ＸＡ " is "xa"), and
    refused when an account already normalises the same.
    """
    if not access.manages_accounts(by):
        raise DomainError(_("You may not create accounts."))
    typed, username = username.strip(), normalize_username(username)
    if not username:
        raise DomainError(_("Enter a username."), field="username")
    try:
        User.username_validator(username)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="username") from exc
    if account_named(username) is not None:
        raise DomainError(
            _("The username “%(username)s” is already taken.") % {"username": typed},
            field="username",
        )
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise DomainError(_("Enter a valid e-mail address."), field="email") from exc
    if member is not None and not access.has_capability(by, access.Capability.MANAGE_ROLES):
        raise DomainError(_("You may not link this member record."), field="member")
    if member is not None:
        # Locking the record makes two admins linking it at once queue behind each other.
        visible = Member.objects.visible_to(by).select_for_update().filter(pk=member.pk)
        if not visible.exists():
            raise DomainError(_("You may not link this member record."), field="member")
        if User.objects.filter(member=member).exists():
            raise DomainError(
                _("This member record is already linked to another account."), field="member"
            )
    user = User(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        member=member,
    )
    if password is None:
        user.set_unusable_password()
    else:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), field="password") from exc
        user.set_password(password)
        user.must_change_password = True
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # The same username saved by someone else between the check and the insert.
        raise DomainError(
            _("The username “%(username)s” is already taken.") % {"username": typed},
            field="username",
        ) from exc
    audit.record(
        by=by,
        action="create",
        obj=user,
        scope_path=_account_scope_path(by, member),
        changes={
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "member": member.pk if member is not None else None,
            "has_password": password is not None,
        },
    )
    return user


def account_refusal(by: access.AnyUser, user: User, roles: list[tuple[str, str]]) -> str | None:
    """Why ``by`` may not enable or disable ``user`` (None when they may).

    ``roles`` are the target's ``(role, organization path)`` pairs. Each must lie in a
    subtree where ``by`` manages that role (``access.manages_role``) and rank no higher
    than ``by``'s own role there (the rule of ``revoke_role``: disabling an account
    withdraws all its roles at once).
    An account without roles belongs to nobody's subtree: only superusers manage it.
    """
    if user.pk == getattr(by, "pk", None):
        return _("You may not disable or enable your own account.")
    return _management_refusal(by, user, roles)


def unlock_refusal(by: access.AnyUser, user: User, roles: list[tuple[str, str]]) -> str | None:
    """Why ``by`` may not unlock ``user`` (None when they may): the rules of
    ``account_refusal``, those who may disable an account may unlock it."""
    if user.pk == getattr(by, "pk", None):
        return _("You may not unlock your own account.")
    return _management_refusal(by, user, roles)


def _management_refusal(by: access.AnyUser, user: User, roles: list[tuple[str, str]]) -> str | None:
    if access.sees_everything(by):
        return None
    if user.is_superuser or not roles:
        return _("Only a system administrator may change this account.")
    for role, path in roles:
        if not access.manages_role(by, role, path):
            return _("This account holds roles outside the organizations you manage.")
        if access.ROLE_RANK[Role(role)] > access.highest_rank_at(by, path):
            return _("This account holds a role above your own.")
    return None


@transaction.atomic
def set_account_active(*, by: access.AnyUser, user: User, is_active: bool) -> User:
    """Enable or disable an account; a disabled account can neither log in nor use
    its API token. Allowed only when ``account_refusal`` finds nothing against it.
    Setting the state the account already has writes nothing."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    roles = list(locked.role_assignments.values_list("role", "organization__path"))
    refusal = account_refusal(by, locked, roles)
    if refusal is not None:
        raise DomainError(refusal, field="is_active")
    if locked.is_active == is_active:
        user.is_active = is_active
        return locked
    locked.is_active = is_active
    locked.save(update_fields=["is_active"])
    user.is_active = is_active
    paths = sorted((path for _role, path in roles), key=len)
    audit.record(
        by=by,
        action="update",
        obj=locked,
        scope_path=paths[0] if paths else "",
        changes={"is_active": [not is_active, is_active]},
    )
    access.forget_roles(user)
    return locked


@transaction.atomic
def unlock_account(*, by: access.AnyUser, user: User) -> User:
    """End the lockout of an account after failed logins (``accounts.throttles``) and
    forget its failures, so its owner may log in at once. Allowed only when
    ``unlock_refusal`` finds nothing against it. An account that is not locked has its
    failures forgotten and nothing is recorded."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    roles = list(locked.role_assignments.values_list("role", "organization__path"))
    refusal = unlock_refusal(by, locked, roles)
    if refusal is not None:
        raise DomainError(refusal)
    lockout = Lockout(locked.username)
    if lockout.is_locked():
        paths = sorted((path for _role, path in roles), key=len)
        audit.record(
            by=by,
            action="update",
            obj=locked,
            scope_path=paths[0] if paths else "",
            changes={"locked": [True, False]},
            reason="unlocked",
        )
    lockout.clear()
    return locked


@transaction.atomic
def issue_token(*, by: User) -> Token:
    """The API token of ``by``: the one it holds while it lasts (``TOKEN_HOURS`` from
    its creation), else a new one. Obtaining a token is audited as a login by the token
    endpoint, not here."""
    born_before = timezone.now() - datetime.timedelta(hours=settings.TOKEN_HOURS)
    Token.objects.filter(user=by, created__lte=born_before).delete()
    token, _created = Token.objects.get_or_create(user=by)
    return token


def end_tokens(*, user: User) -> int:
    """Delete ``user``'s API tokens; how many there were."""
    deleted, _kinds = Token.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def change_password(*, by: User, old_password: str, new_password: str) -> User:
    """``by`` replaces their own password, proving the old one.

    The new password passes the configured validators and differs from the old one.
    Afterwards the account's API tokens are deleted and, the password's hash being part
    of every session, its other sessions end (the caller keeps its own with
    ``update_session_auth_hash``); a temporary password stops being one."""
    user = User.objects.select_for_update().get(pk=by.pk)
    if not user.check_password(old_password):
        raise DomainError(
            _("Your old password was entered incorrectly. Please enter it again."),
            field="old_password",
        )
    if new_password == old_password:
        raise DomainError(
            _("Choose a new password different from the old one."), field="new_password"
        )
    _set_password(by=by, user=user, password=new_password, reason="password changed")
    by.password, by.must_change_password = user.password, False
    return user


@transaction.atomic
def reset_password(*, user: User, new_password: str) -> User:
    """Set ``user``'s password through a reset link sent to their e-mail address (which
    proves who they are: the actor is the account itself). The effects of
    ``change_password``: tokens deleted, other sessions ended, no longer temporary."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    _set_password(by=locked, user=locked, password=new_password, reason="password reset")
    user.password, user.must_change_password = locked.password, False
    return locked


def _set_password(*, by: User, user: User, password: str, reason: str) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="new_password") from exc
    was_temporary = user.must_change_password
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    tokens = end_tokens(user=user)
    changes: dict[str, Any] = {"api_tokens_deleted": tokens}
    if was_temporary:
        changes["must_change_password"] = [True, False]
    audit.record(
        by=by,
        action="update",
        obj=user,
        scope_path=home_path(user),
        changes=changes,
        reason=reason,
    )


# Logins are recorded from Django's own authentication signals: they fire for every
# way in (login page, API token, admin) and carry no business logic.
@receiver(user_logged_in)
def _record_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit.record(by=user, action="login", obj=user, scope_path=home_path(user))
    Lockout(user.username).clear()


# Logging out, of the site (by the button or after the idle time, ``accounts.middleware``)
# or of the API (``POST /api/v1/auth/logout/``), ends the account's API tokens too.
@receiver(user_logged_out)
def _record_logout(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(by=user, action="logout", obj=user, scope_path=home_path(user))
        end_tokens(user=user)


# A failed login counts towards the username's lockout, unless no password was checked:
# the views send ``refused="throttled"`` or ``refused="locked"`` for the attempts they
# answer 429, and the authentication backend checks none while the username is locked.
@receiver(user_login_failed)
def _record_failed_login(
    sender: Any, credentials: dict[str, Any], refused: str = "", **kwargs: Any
) -> None:
    typed = credentials.get("username", "")
    username = normalize_username(typed if isinstance(typed, str) else "")[:150]
    known = account_named(username)
    scope_path = home_path(known) if known else ""
    lockout = Lockout(username)
    if refused == "locked" or (not refused and lockout.is_locked()):
        refused = "locked"
    audit.record(
        by=None,
        action="login_failed",
        obj=known,
        object_repr=username,
        scope_path=scope_path,
        reason="locked" if refused == "locked" else "",
    )
    if refused:
        return
    lock = lockout.fail()
    if lock is not None:
        audit.record(
            by=None,
            action="update",
            obj=known,
            object_repr=username,
            scope_path=scope_path,
            changes={"locked": [False, True], "lockout": lock.level, "seconds": lock.seconds},
            reason=f"locked after {settings.LOCKOUT_AFTER} failed logins",
        )
