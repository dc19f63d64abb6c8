"""Who may do what where: the single source of the role rules.

A role assignment covers its organization's subtree. Every gatekeeper
(``Organization.objects.visible_to``, ``Member.objects.visible_to``, the audit page…)
asks ``scope_paths`` for the tree paths a user may act under for a capability.
"""

from enum import Enum

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from lienhe213.accounts.models import Role, RoleAssignment, User
from lienhe213.core.pages import HtmxHttpRequest


class Capability(Enum):
    VIEW_ORGANIZATIONS = "view_organizations"
    VIEW_MEMBERS = "view_members"
    EDIT_MEMBERS = "edit_members"
    MANAGE_ORGANIZATIONS = "manage_organizations"
    MANAGE_ROLES = "manage_roles"
    VIEW_AUDIT = "view_audit"
    # The tracking book: each side of a residence link acts only on its own steps.
    MANAGE_LETTERS = "manage_letters"  # workplace: classify, issue, move, end links
    RECEIVE_LETTERS = "receive_letters"  # residence commune: receive, return, assign
    ACKNOWLEDGE_LINKS = "acknowledge_links"  # residential cell: take the member in
    RESTRUCTURE_LINKS = "restructure_links"  # re-map links after communes or cells merge
    # The annual comment cycle (forms 3-213 and 4-213).
    MANAGE_COMMENT_CAMPAIGNS = "manage_comment_campaigns"  # province: open the year's campaign
    REQUEST_COMMENTS = "request_comments"  # workplace: request, acknowledge, record rating use
    WRITE_COMMENTS = "write_comments"  # residential cell: draft, Front meeting, sign
    CONFIRM_COMMENTS = "confirm_comments"  # commune: confirm and return
    # The annual thematic review: committees propose commendations, the province decides.
    PROPOSE_COMMENDATIONS = "propose_commendations"
    DECIDE_COMMENDATIONS = "decide_commendations"
    # Imports of the spreadsheets offices keep; each kind asks its own capability too
    # (organizations: MANAGE_ORGANIZATIONS, members: EDIT_MEMBERS, tracking book:
    # RECEIVE_LETTERS).
    IMPORT_RECORDS = "import_records"
    # Residents' feedback: give a residential cell's community representatives their
    # accounts (the role ``Role.COMMUNITY_REPRESENTATIVE`` and nothing else).
    APPOINT_REPRESENTATIVES = "appoint_representatives"


_COMMITTEE_ROLES = {
    Role.ADMINISTRATOR,
    Role.PROVINCIAL_OFFICER,
    Role.COMMUNE_CLERK,
    Role.CELL_SECRETARY,
    Role.WORKPLACE_OFFICER,
}

ROLE_CAPABILITIES: dict[Capability, set[Role]] = {
    Capability.VIEW_ORGANIZATIONS: _COMMITTEE_ROLES,
    Capability.VIEW_MEMBERS: _COMMITTEE_ROLES,
    Capability.EDIT_MEMBERS: {
        Role.ADMINISTRATOR,
        Role.PROVINCIAL_OFFICER,
        Role.COMMUNE_CLERK,
        Role.WORKPLACE_OFFICER,
    },
    Capability.MANAGE_ORGANIZATIONS: {Role.ADMINISTRATOR, Role.PROVINCIAL_OFFICER},
    Capability.MANAGE_ROLES: {Role.ADMINISTRATOR, Role.PROVINCIAL_OFFICER},
    Capability.VIEW_AUDIT: {Role.ADMINISTRATOR, Role.PROVINCIAL_OFFICER},
    Capability.MANAGE_LETTERS: {
        Role.ADMINISTRATOR,
        Role.PROVINCIAL_OFFICER,
        Role.WORKPLACE_OFFICER,
    },
    Capability.RECEIVE_LETTERS: {Role.ADMINISTRATOR, Role.PROVINCIAL_OFFICER, Role.COMMUNE_CLERK},
    Capability.ACKNOWLEDGE_LINKS: {
        Role.ADMINISTRATOR,
        Role.PROVINCIAL_OFFICER,
        Role.CELL_SECRETARY,
    },
    Capability.RESTRUCTURE_LINKS: {Role.ADMINISTRATOR, Role.PROVINCIAL_OFFICER},
    Capability.MANAGE_COMMENT_CAMPAIGNS: {Role.ADMINISTRATOR, Role.PROVINCIAL_OFFICER},
    Capability.REQUEST_COMMENTS: {
        Role.ADMINISTRATOR,
        Role.PROVINCIAL_OFFICER,
        Role.WORKPLACE_OFFICER,
    },
    Capability.WRITE_COMMENTS: {Role.ADMINISTRATOR, Role.PROVINCIAL_OFFICER, Role.CELL_SECRETARY},
    Capability.CONFIRM_COMMENTS: {Role.ADMINISTRATOR, Role.PROVINCIAL_OFFICER, Role.COMMUNE_CLERK},
    Capability.PROPOSE_COMMENDATIONS: {
        Role.ADMINISTRATOR,
        Role.PROVINCIAL_OFFICER,
        Role.COMMUNE_CLERK,
        Role.WORKPLACE_OFFICER,
    },
    Capability.DECIDE_COMMENDATIONS: {Role.ADMINISTRATOR, Role.PROVINCIAL_OFFICER},
    Capability.IMPORT_RECORDS: {
        Role.ADMINISTRATOR,
        Role.PROVINCIAL_OFFICER,
        Role.COMMUNE_CLERK,
        Role.WORKPLACE_OFFICER,
    },
    Capability.APPOINT_REPRESENTATIVES: {
        Role.ADMINISTRATOR,
        Role.PROVINCIAL_OFFICER,
        Role.COMMUNE_CLERK,
    },
}
# The community representative is in no set above: they write opinions for their cell
# and read their own (``feedback.access``), and nothing else.

# A role may only grant roles at or below its own rank.
ROLE_RANK = {
    Role.ADMINISTRATOR: 5,
    Role.PROVINCIAL_OFFICER: 4,
    Role.COMMUNE_CLERK: 3,
    Role.WORKPLACE_OFFICER: 3,
    Role.CELL_SECRETARY: 2,
    Role.MEMBER: 1,
    Role.COMMUNITY_REPRESENTATIVE: 1,
}

AnyUser = User | AnonymousUser


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request to a view behind ``login_required``: its ``user`` is a signed-in
    ``User``, never ``AnonymousUser`` (the django-stubs pattern for typing such views),
    and, like every request, it has been through the htmx middleware."""

    user: User


_CACHE_ATTR = "_lienhe213_roles"
_ASSIGNMENTS_ATTR = "_lienhe213_assignments"


def assignments_of(user: AnyUser) -> list[RoleAssignment]:
    """The user's role assignments over current organizations, each with its
    organization: what every gatekeeper, the navigation and the inbox read.

    Cached on the user object, so a request asks the database once.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[RoleAssignment] | None = getattr(user, _ASSIGNMENTS_ATTR, None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(
                user=user, organization__valid_until__isnull=True
            ).select_related("organization")
        )
        setattr(user, _ASSIGNMENTS_ATTR, cached)
    return cached


def roles_of(user: AnyUser) -> list[tuple[str, str]]:
    """``(role, organization path)`` pairs of the user's current organizations
    (``assignments_of``: one query a request)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[tuple[str, str]] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = [(a.role, a.organization.path) for a in assignments_of(user)]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: AnyUser) -> None:
    """Drop the cached roles after the user's assignments changed."""
    for attr in (_CACHE_ATTR, _ASSIGNMENTS_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def sees_everything(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def scope_paths(user: AnyUser, capability: Capability) -> list[str]:
    """The tree paths under which ``user`` holds ``capability``, most general first,
    with nested paths removed (a path covered by a shorter one adds nothing)."""
    allowed = ROLE_CAPABILITIES[capability]
    paths = sorted({path for role, path in roles_of(user) if role in allowed}, key=len)
    result: list[str] = []
    for path in paths:
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result


def has_capability(user: AnyUser, capability: Capability, path: str | None = None) -> bool:
    """Whether ``user`` holds ``capability`` anywhere, or over the node at ``path``."""
    if sees_everything(user):
        return True
    paths = scope_paths(user, capability)
    if path is None:
        return bool(paths)
    return any(path.startswith(p) for p in paths)


def highest_rank_at(user: AnyUser, path: str) -> int:
    """The rank of the strongest role the user holds over the node at ``path``."""
    if sees_everything(user):
        return max(ROLE_RANK.values())
    ranks = [ROLE_RANK[Role(role)] for role, p in roles_of(user) if path.startswith(p)]
    return max(ranks, default=0)


def manages_role(user: AnyUser, role: str, path: str) -> bool:
    """Whether ``user`` may grant or withdraw ``role`` over the node at ``path``: where
    they manage roles, or — the community representative role only — where they
    appoint representatives (a commune clerk over the cells of the commune)."""
    if has_capability(user, Capability.MANAGE_ROLES, path):
        return True
    return role == Role.COMMUNITY_REPRESENTATIVE and has_capability(
        user, Capability.APPOINT_REPRESENTATIVES, path
    )


def manages_accounts(user: AnyUser, path: str | None = None) -> bool:
    """Whether ``user`` opens the account and role pages (anywhere, or over the node at
    ``path``): those who manage roles, and those who appoint representatives."""
    return has_capability(user, Capability.MANAGE_ROLES, path) or has_capability(
        user, Capability.APPOINT_REPRESENTATIVES, path
    )


def representative_assignments(user: AnyUser) -> list[RoleAssignment]:
    """The user's community representative roles over current residential cells."""
    return [
        a
        for a in assignments_of(user)
        if a.role == Role.COMMUNITY_REPRESENTATIVE and a.organization.is_residential_cell
    ]


def own_member_id(user: AnyUser) -> int | None:
    """The member record of a user with the member role (self-only access)."""
    if not user.is_authenticated or not isinstance(user, User):
        return None
    if any(role == Role.MEMBER for role, _path in roles_of(user)):
        return user.member_id
    return None


# Roles that handle other members' personal data: their accounts sign in with a second
# factor wherever two-factor sign-in is required (``TWO_FACTOR_REQUIRED``, on by default
# in production); a member who sees only themself may turn it on, and is then asked too,
# and so may a community representative, who reads only the opinions they wrote.
SECOND_FACTOR_ROLES = frozenset(Role) - {Role.MEMBER, Role.COMMUNITY_REPRESENTATIVE}


def needs_second_factor(user: AnyUser) -> bool:
    """Whether ``user`` must sign in with a second factor: a superuser, or an account
    holding a committee role (``SECOND_FACTOR_ROLES``), while the deployment requires it."""
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    return user.is_superuser or any(role in SECOND_FACTOR_ROLES for role, _p in roles_of(user))
