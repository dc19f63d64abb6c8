"""What the tracking-book pages share: related rows to fetch, access helpers."""

from lienhe213.accounts.access import Capability
from lienhe213.organizations.models import Organization

Kind = Organization.Kind
Side = Organization.Side
BOOK_RELATED = (
    "member__residence_community",
    "workplace_organization",
    "residence_commune_organization",
    "residence_cell",
)
REGISTRY_CAPABILITIES = (
    Capability.MANAGE_LETTERS,
    Capability.RECEIVE_LETTERS,
    Capability.ACKNOWLEDGE_LINKS,
)
WORKLIST_ROWS = 50


def has_book(org: Organization) -> bool:
    return org.side == Side.RESIDENTIAL and org.kind in (Kind.GRASSROOTS_COMMITTEE, Kind.CELL)


def has_mirror(org: Organization) -> bool:
    return org.side != Side.RESIDENTIAL and org.is_grassroots
