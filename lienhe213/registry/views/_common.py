"""What the tracking-book pages share: related rows to fetch, the capabilities that
open them, the worklist's length. What an organization keeps (a book, a mirror) it
answers itself: ``Organization.has_tracking_book`` and ``is_workplace_unit``."""

from lienhe213.accounts.access import Capability

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
