"""Writes to accounts and role assignments."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _

from lienhe213.accounts import access
from lienhe213.accounts.models import Role, RoleAssignment, User
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.organizations.models import Organization


def _home_path(user: User) -> str:
    paths = sorted((p for _role, p in access.roles_of(user)), key=len)
    return paths[0] if paths else ""


@transaction.atomic
def grant_role(
    *, by: access.AnyUser, user: User, organization: Organization, role: str
) -> RoleAssignment:
    """Grant ``role`` over ``organization``'s subtree.

    Only inside the grantor's own scope, and never a role stronger than the grantor's
    own there: a provincial officer cannot make an administrator.
    """
    role = Role(role)
    if not access.has_capability(by, access.Capability.MANAGE_ROLES, organization.path):
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
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, organization=organization, role=role, defaults={"granted_by": by}
    )
    if not created:
        raise DomainError(_("This person already has this role here."), field="role")
    audit.record(
        by=by,
        action="grant",
        obj=assignment,
        scope_path=organization.path,
        changes={"user": user.username, "role": role.value, "organization": organization.pk},
    )
    access.forget_roles(user)
    return assignment


@transaction.atomic
def revoke_role(*, by: access.AnyUser, assignment: RoleAssignment) -> None:
    """Withdraw a role, under the same rules as granting it."""
    org = assignment.organization
    if not access.has_capability(by, access.Capability.MANAGE_ROLES, org.path):
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


# Logins are recorded from Django's own authentication signals: they fire for every
# way in (login page, API token, admin) and carry no business logic.
@receiver(user_logged_in)
def _record_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit.record(by=user, action="login", obj=user, scope_path=_home_path(user))


@receiver(user_logged_out)
def _record_logout(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(by=user, action="logout", obj=user, scope_path=_home_path(user))


@receiver(user_login_failed)
def _record_failed_login(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    known = User.objects.filter(username=username).first()
    audit.record(
        by=None,
        action="login_failed",
        obj=known,
        object_repr=username,
        scope_path=_home_path(known) if known else "",
    )
