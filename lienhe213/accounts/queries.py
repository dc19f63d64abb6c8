"""Reusable reads of accounts and role assignments, scoped to the reader.

``RoleAssignmentQuerySet`` is the manager of ``RoleAssignment``: this module is imported
while the accounts models load, so it reads the models and the access rules inside its
functions."""

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from lienhe213.core.text import fold
from lienhe213.organizations.queries import paths_condition

if TYPE_CHECKING:
    from lienhe213.accounts.access import AnyUser
    from lienhe213.accounts.models import RoleAssignment, User


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def held_by(self, user: "AnyUser") -> "RoleAssignmentQuerySet":
        """The roles ``user`` holds."""
        return self.filter(user_id=user.pk or 0)

    def current(self) -> "RoleAssignmentQuerySet":
        """Roles over organizations still in force."""
        return self.filter(organization__valid_until__isnull=True)

    def managed_by(self, user: "AnyUser") -> "RoleAssignmentQuerySet":
        """The role assignments ``user`` manages: those under a subtree where they hold
        MANAGE_ROLES, and the community representatives under a subtree where they
        appoint them (superusers: all)."""
        from lienhe213.accounts.access import sees_everything

        if sees_everything(user):
            return self
        return self.filter(_managed_condition(user))

    def visible_to(self, user: "AnyUser") -> "RoleAssignmentQuerySet":
        """The role assignments ``user`` may read: those they manage and their own."""
        from lienhe213.accounts.access import sees_everything

        if sees_everything(user):
            return self
        return self.filter(_managed_condition(user) | models.Q(user_id=user.pk or 0))


def _managed_condition(user: "AnyUser") -> models.Q:
    from lienhe213.accounts.access import Capability, scope_paths
    from lienhe213.accounts.models import Role

    appointed = models.Q(role=Role.COMMUNITY_REPRESENTATIVE) & paths_condition(
        "organization__path", scope_paths(user, Capability.APPOINT_REPRESENTATIVES)
    )
    return paths_condition("organization__path", scope_paths(user, Capability.MANAGE_ROLES)) | (
        appointed
    )


def audit_paths(user: "AnyUser") -> list[str] | None:
    """The tree paths under which ``user`` reads the audit trail (VIEW_AUDIT), or None
    for a superuser, who reads every row (``AuditEvent.objects.visible_to``)."""
    from lienhe213.accounts.access import Capability, scope_paths, sees_everything

    return None if sees_everything(user) else scope_paths(user, Capability.VIEW_AUDIT)


def assignments_in_scope(user: "AnyUser") -> "QuerySet[RoleAssignment]":
    """The role assignments ``user`` manages (``RoleAssignment.objects.managed_by``)."""
    from lienhe213.accounts.models import RoleAssignment

    return RoleAssignment.objects.managed_by(user)


def accounts_in_scope(user: "AnyUser") -> "QuerySet[User]":
    """The accounts ``user`` manages: those holding a role they manage
    (``assignments_in_scope``; superusers: every account, also those without a role)."""
    from lienhe213.accounts.access import sees_everything
    from lienhe213.accounts.models import User

    if sees_everything(user):
        return User.objects.all()
    held = assignments_in_scope(user).filter(user=OuterRef("pk"))
    return User.objects.filter(Exists(held))


def search_accounts(accounts: "QuerySet[User]", text: str) -> list[int]:
    """Ids of ``accounts`` (in their order) whose username or name contains every word
    of ``text``, ignoring accents and case.

    Accounts have no stored folded name, so the names are folded here, over the scoped
    set only (a few columns per account).
    """
    words = fold(text).split()
    rows = accounts.values_list("pk", "username", "first_name", "last_name")
    return [pk for pk, *names in rows if all(word in fold(" ".join(names)) for word in words)]


def accounts_with_roles(accounts: "QuerySet[User]") -> "QuerySet[User]":
    """``accounts`` with their role assignments and organizations fetched in one query."""
    from lienhe213.accounts.models import RoleAssignment

    return accounts.prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related("organization").order_by(
                "organization__path", "role"
            ),
        )
    )


def describe_accounts(by: "AnyUser", accounts: "list[User]") -> None:
    """Attach to each account (fetched with ``accounts_with_roles``) the roles ``by``
    may see (``shown_roles``: those they manage, ``access.manages_role``) and whether ``by``
    may enable or disable it (``can_toggle``), and whether it has two-factor sign-in
    on (``has_two_factor``)."""
    from lienhe213.accounts.access import manages_role, sees_everything
    from lienhe213.accounts.services.accounts import account_refusal

    with_app = {account.pk for account in accounts if account.two_factor_enabled}
    everything = sees_everything(by)
    for account in accounts:
        held = list(account.role_assignments.all())
        account.shown_roles = [  # type: ignore[attr-defined]
            a for a in held if everything or manages_role(by, a.role, a.organization.path)
        ]
        roles = [(a.role, a.organization.path) for a in held]
        account.can_toggle = account_refusal(by, account, roles) is None  # type: ignore[attr-defined]
        account.has_two_factor = account.pk in with_app  # type: ignore[attr-defined]


def authenticator(user: "User") -> TOTPDevice | None:
    """The account's confirmed authenticator app: set when two-factor sign-in is on."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()
