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
# The columns the book's page shows (templates/registry/book.html), read with ``only()``:
# a page of 50 rows of five tables need not carry every column (the export reads all).
BOOK_PAGE_COLUMNS = (
    "status",
    "category",
    "letter_form",
    "letter_number",
    "letter_year",
    "issued_on",
    "deadline",
    "received_on",
    "assigned_on",
    "member__family_name",
    "member__middle_name",
    "member__given_name",
    "member__anonymised_on",
    "member__gender",
    "member__birth_date",
    "member__phone",
    "member__workplace_name",
    "member__residence_address",
    "member__residence_community__name",
    "workplace_organization__name",
    "residence_commune_organization__name",
    "residence_cell__name",
)
REGISTRY_CAPABILITIES = (
    Capability.MANAGE_LETTERS,
    Capability.RECEIVE_LETTERS,
    Capability.ACKNOWLEDGE_LINKS,
)
WORKLIST_ROWS = 50
