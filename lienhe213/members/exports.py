"""The member list as a workbook: every row the list's scope and filters give, in the
list's order, with the columns of the record that the list may show (the citizen ID
stays on the record page, shown only to those who may read it). And a member's own
data as a workbook, one sheet per kind of record (``members.personal_data``)."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lienhe213.core import audit
from lienhe213.core.exports import Sheet, xlsx_response, xlsx_sheets_response
from lienhe213.members.models import Member
from lienhe213.members.personal_data import TITLE, PersonalData


def _label(name: str) -> str:
    return str(capfirst(Member._meta.get_field(name).verbose_name))  # type: ignore[union-attr]


def columns() -> list[tuple[str, int]]:
    return [
        (pgettext("row number column", "No."), 6),
        (_("Full name"), 26),
        (_label("birth_date"), 12),
        (_label("gender"), 8),
        (_label("organization"), 28),
        (_label("joined_on"), 12),
        (_label("official_on"), 12),
        (_label("party_card_number"), 12),
        (_label("employment"), 14),
        (_label("workplace_name"), 28),
        (_label("residence_commune"), 22),
        (_label("residence_community"), 18),
        (_label("residence_address"), 26),
        (_label("phone"), 13),
    ]


def row(number: int, member: Member) -> list[Any]:
    return [
        number,
        member.full_name,
        member.birth_date,
        member.get_gender_display(),
        member.organization.name,
        member.joined_on,
        member.official_on,
        member.party_card_number,
        member.get_employment_display(),
        member.workplace_name,
        member.residence_commune.name if member.residence_commune else "",
        member.residence_community.name if member.residence_community else "",
        member.residence_address,
        member.phone,
    ]


def members_xlsx(members: Iterable[Member], scope: str = "", *, fmt: str = "xlsx") -> HttpResponse:
    """The members as an XLSX (or PDF) download named after the scope and today."""
    today: datetime.date = timezone.localdate()
    return xlsx_response(
        title=_("Members"),
        filename=f"{scope or _('Members')} {today.isoformat()}",
        columns=columns(),
        rows=(row(number, member) for number, member in enumerate(members, start=1)),
        fmt=fmt,
    )


def personal_data_xlsx(data: PersonalData) -> HttpResponse:
    """The member's own data as a download named "du-lieu-ca-nhan-<date>.xlsx" (in the
    user's language, without ids): the record as a sheet of labels and values, then one
    sheet per kind of record, headers in the user's language, dates as date cells shown
    dd/mm/yyyy, every text through ``sheet_cell`` (no text becomes a formula). Labelled
    as an export, so the export audit records it."""
    record = data.record
    sheets: list[Sheet] = [
        (
            record.title,
            [(_("Field"), 30), (_("Value"), 40)],
            [
                [c.label, value.shown]
                for c, value in zip(record.columns, record.rows[0], strict=True)
            ],
        )
    ]
    sheets += [
        (
            section.title,
            [(c.label, c.width) for c in section.columns],
            [[value.shown for value in row] for row in section.rows],
        )
        for section in data.sections
    ]
    title = f"{TITLE} {data.today.isoformat()}"
    response = xlsx_sheets_response(filename=title, sheets=sheets)
    # Counted in records, as the API counts them (the record sheet's rows are fields).
    return audit.mark_export(response, title=title, rows=data.rows)
