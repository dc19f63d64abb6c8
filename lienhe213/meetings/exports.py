"""The overdue flags of a subtree as a workbook: the cells that have not met their
members in six months, and the members absent from their last two meetings."""

import datetime
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lienhe213.core.exports import xlsx_sheets_response
from lienhe213.meetings.queries import cells_without_recent_meeting, links_absent_twice
from lienhe213.organizations.models import Organization


def overdue_xlsx(org: Organization, today: datetime.date, *, fmt: str = "xlsx") -> HttpResponse:
    """Every flagged cell and member of ``org``'s subtree (the page shows the first
    500 of each); members in Vietnamese name order within their cell."""
    number = pgettext("row number column", "No.")
    cells = cells_without_recent_meeting(org, on=today)
    absent = (
        links_absent_twice(org)
        .select_related("residence_commune_organization")
        .order_by("residence_cell__path", "member__name_sort_key", "pk")
    )
    cell_rows: list[list[Any]] = [
        [n, cell.name, cell.last_held_on]  # type: ignore[attr-defined]
        for n, cell in enumerate(cells, start=1)
    ]
    member_rows: list[list[Any]] = [
        [
            n,
            link.member.full_name,
            link.member.birth_date,
            link.residence_cell.name if link.residence_cell else "",
            link.residence_commune_organization.name,
        ]
        for n, link in enumerate(absent, start=1)
    ]
    return xlsx_sheets_response(
        filename=f"{org.name} {today.isoformat()}",
        sheets=[
            (
                _("Cells without a meeting"),
                [(number, 6), (_("Cell"), 32), (_("Last meeting held"), 14)],
                cell_rows,
            ),
            (
                _("Absent twice"),
                [
                    (number, 6),
                    (_("Full name"), 26),
                    (_("Date of birth"), 12),
                    (_("Cell"), 28),
                    (_("Commune"), 28),
                ],
                member_rows,
            ),
        ],
        fmt=fmt,
    )
