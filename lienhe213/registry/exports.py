"""The columns and rows of the tracking book, of its workplace mirror and of a
subtree's links; ``core.exports`` writes them as a workbook or a PDF."""

import datetime
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lienhe213.registry.models import ResidenceLink


def field_label(name: str) -> str:
    """A link field's own (translated) name, as a column header."""
    return str(capfirst(ResidenceLink._meta.get_field(name).verbose_name))  # type: ignore[union-attr]


def book_columns(on_commune: bool) -> list[tuple[str, int]]:
    """The tracking book's columns (docs/domain.md §5.3, those that exist so far) and widths."""
    columns = [
        (pgettext("row number column", "No."), 6),
        (_("Full name"), 26),
        (_("Date of birth"), 12),
        (_("Gender"), 8),
        (_("Workplace"), 28),
        (field_label("workplace_organization"), 28),
        (_("Residence community"), 18),
        (_("Address"), 26),
        (_("Phone"), 13),
        (field_label("category"), 14),
        (_("Exemption reason"), 28),
        (field_label("letter_form"), 10),
        (field_label("letter_number"), 10),
        (field_label("issued_on"), 12),
        (field_label("received_on"), 12),
        (field_label("assigned_on"), 12),
    ]
    if on_commune:
        columns.append((field_label("residence_cell"), 22))
    columns += [(field_label("status"), 18), (field_label("deadline"), 12), (_("Overdue"), 9)]
    return columns


def book_row(
    number: int, link: ResidenceLink, reason: str, on: datetime.date, on_commune: bool
) -> list[Any]:
    member = link.member
    row: list[Any] = [
        number,
        member.full_name,
        member.birth_date,
        member.get_gender_display(),
        member.workplace_name,
        link.workplace_organization.name,
        member.residence_community.name if member.residence_community else "",
        member.residence_address,
        member.phone,
        _("Category A") if link.category == "a" else link.get_category_display(),
        reason,
        link.get_letter_form_display(),
        f"{link.letter_number}/{link.letter_year}",
        link.issued_on,
        link.received_on,
        link.assigned_on,
    ]
    if on_commune:
        row.append(link.residence_cell.name if link.residence_cell else "")
    row += [link.get_status_display(), link.deadline, _("Yes") if link.is_overdue(on) else ""]
    return row


def workplace_columns() -> list[tuple[str, int]]:
    return [
        (pgettext("row number column", "No."), 6),
        (_("Full name"), 26),
        (_("Date of birth"), 12),
        (_("Party unit"), 26),
        (_("Classification"), 16),
        (field_label("residence_commune_organization"), 28),
        (field_label("residence_cell"), 22),
        (field_label("letter_number"), 10),
        (field_label("issued_on"), 12),
        (field_label("status"), 18),
        (field_label("deadline"), 12),
        (_("Overdue"), 9),
    ]


# The step dates a subtree's list shows: those a report's link figures count.
SUBTREE_DATES = ("issued_on", "received_on", "returned_on", "acknowledged_on", "ended_on")


def subtree_columns() -> list[tuple[str, int]]:
    """The columns of the links of a subtree (the rows behind a report's link figures)."""
    return [
        (pgettext("row number column", "No."), 6),
        (_("Full name"), 26),
        (_("Date of birth"), 12),
        (field_label("workplace_organization"), 28),
        (field_label("residence_commune_organization"), 28),
        (field_label("residence_cell"), 22),
        (field_label("letter_number"), 10),
        (field_label("status"), 18),
        *((field_label(name), 12) for name in SUBTREE_DATES),
    ]


def subtree_row(number: int, link: ResidenceLink) -> list[Any]:
    return [
        number,
        link.member.full_name,
        link.member.birth_date,
        link.workplace_organization.name,
        link.residence_commune_organization.name,
        link.residence_cell.name if link.residence_cell else "",
        f"{link.letter_number}/{link.letter_year}",
        link.get_status_display(),
        *(getattr(link, name) for name in SUBTREE_DATES),
    ]
