"""Reusable reads of accounts and role assignments, scoped to the reader."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from lienhe213.accounts.access import AnyUser, Capability, scope_paths, sees_everything
from lienhe213.accounts.models import RoleAssignment, User
from lienhe213.accounts.services.accounts import account_refusal
from lienhe213.core.text import fold
from lienhe213.organizations.queries import paths_condition


def assignments_in_scope(user: AnyUser) -> "QuerySet[RoleAssignment]":
    """The role assignments ``user`` manages: those under a subtree where they hold
    MANAGE_ROLES (superusers: all)."""
    if sees_everything(user):
        return RoleAssignment.objects.all()
    paths = scope_paths(user, Capability.MANAGE_ROLES)
    return RoleAssignment.objects.filter(paths_condition("organization__path", paths))


def accounts_in_scope(user: AnyUser) -> "QuerySet[User]":
    """The accounts ``user`` manages: those holding a role inside their MANAGE_ROLES
    scope (superusers: every account, also those without a role)."""
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
    return accounts.prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related("organization").order_by(
                "organization__path", "role"
            ),
        )
    )


def describe_accounts(by: AnyUser, accounts: list[User]) -> None:
    """Attach to each account (fetched with ``accounts_with_roles``) the roles ``by``
    may see (``shown_roles``: those inside their MANAGE_ROLES scope) and whether ``by``
    may enable or disable it (``can_toggle``), and whether it has two-factor sign-in
    on (``has_two_factor``)."""
    paths = scope_paths(by, Capability.MANAGE_ROLES)
    with_app = {account.pk for account in accounts if account.two_factor_enabled}
    everything = sees_everything(by)
    for account in accounts:
        held = list(account.role_assignments.all())
        account.shown_roles = [  # type: ignore[attr-defined]
            a for a in held if everything or any(a.organization.path.startswith(p) for p in paths)
        ]
        roles = [(a.role, a.organization.path) for a in held]
        account.can_toggle = account_refusal(by, account, roles) is None  # type: ignore[attr-defined]
        account.has_two_factor = account.pk in with_app  # type: ignore[attr-defined]


def authenticator(user: User) -> TOTPDevice | None:
    """The account's confirmed authenticator app: set when two-factor sign-in is on."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()
