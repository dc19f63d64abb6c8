"""Workbooks of the comment cycle: a commune committee's requests (its list, every
matching row) and the progress of a campaign with the uniform-ratings indicator."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lienhe213.comments.models import Comment, CommentCampaign, CommentRequest
from lienhe213.comments.queries import PROGRESS_STEPS
from lienhe213.core.exports import xlsx_response, xlsx_sheets_response
from lienhe213.core.text import sort_key
from lienhe213.organizations.models import Organization
from lienhe213.registry.exports import field_label


def _label(name: str) -> str:
    return str(capfirst(CommentRequest._meta.get_field(name).verbose_name))  # type: ignore[union-attr]


def _number() -> str:
    return pgettext("row number column", "No.")


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def commune_requests_xlsx(
    requests: Iterable[CommentRequest],
    org: Organization,
    campaign: CommentCampaign | None,
    *,
    fmt: str = "xlsx",
) -> HttpResponse:
    """The commune's list as shown (status, cell and escalation filters applied), in
    Vietnamese name order."""
    columns = [
        (_number(), 6),
        (_("Full name"), 26),
        (_("Date of birth"), 12),
        (_("Cell"), 24),
        (_label("workplace_organization"), 28),
        (_label("form"), 8),
        (_label("purpose"), 18),
        (_label("requested_on"), 12),
        (_label("status"), 16),
        (_label("escalated_at"), 12),
        (_("Deadline for return"), 12),
    ]

    def row(number: int, item: CommentRequest) -> list[Any]:
        cell = item.link.residence_cell
        return [
            number,
            item.member.full_name,
            item.member.birth_date,
            cell.name if cell else "",
            item.workplace_organization.name,
            item.get_form_display(),
            item.get_purpose_display() if item.purpose else "",
            item.requested_on,
            item.get_status_display(),
            _day(item.escalated_at),
            item.campaign.deadline,
        ]

    year = f" {campaign.year}" if campaign else ""
    return xlsx_response(
        title=_("Comments at the commune"),
        filename=f"{org.name}{year} {timezone.localdate().isoformat()}",
        columns=columns,
        rows=(row(number, item) for number, item in enumerate(requests, start=1)),
        fmt=fmt,
    )


def subtree_requests_xlsx(
    requests: Iterable[CommentRequest], org: Organization, *, fmt: str = "xlsx"
) -> HttpResponse:
    """The comment requests of a subtree as listed (the rows behind a report's comment
    figures), in Vietnamese name order."""
    columns = [
        (_number(), 6),
        (_("Full name"), 26),
        (_("Date of birth"), 12),
        (_label("workplace_organization"), 28),
        (field_label("residence_commune_organization"), 28),
        (_("Cell"), 24),
        (_label("status"), 16),
        (_label("requested_on"), 12),
        (str(capfirst(Comment._meta.get_field("returned_at").verbose_name)), 12),
        (_("Recommendation"), 22),
    ]

    def row(number: int, item: CommentRequest) -> list[Any]:
        link, comment = item.link, item.comment
        return [
            number,
            item.member.full_name,
            item.member.birth_date,
            item.workplace_organization.name,
            link.residence_commune_organization.name,
            link.residence_cell.name if link.residence_cell else "",
            item.get_status_display(),
            item.requested_on,
            _day(comment.returned_at),
            comment.get_recommendation_display() if comment.recommendation else "",
        ]

    return xlsx_response(
        title=_("Comment requests"),
        filename=f"{org.name} {timezone.localdate().isoformat()}",
        columns=columns,
        rows=(row(number, item) for number, item in enumerate(requests, start=1)),
        fmt=fmt,
    )


def _by_name(rows: Iterable[Mapping[str, Any]], key: str) -> list[Mapping[str, Any]]:
    return sorted(rows, key=lambda row: sort_key(row[key] or ""))


def progress_xlsx(
    *,
    org: Organization,
    campaign: CommentCampaign | None,
    rows: Sequence[Mapping[str, Any]],
    uniform_communes: Sequence[Mapping[str, Any]],
    uniform_cells: Sequence[Mapping[str, Any]],
    late: int,
    fmt: str = "xlsx",
) -> HttpResponse:
    """The progress table (a row per commune, in Vietnamese order, and the total), the
    number past the deadline, and the communes and cells with uniform ratings."""
    steps = [_("Requested"), _("Drafted"), _("Signed"), _("Confirmed")]
    steps += [pgettext("comment", "Returned"), _("Acknowledged")]
    progress: list[list[Any]] = [
        [row["commune_name"]] + [row[step] for step in PROGRESS_STEPS] + [row["escalated"]]
        for row in _by_name(rows, "commune_name")
    ]
    if progress:
        totals = [sum(row[i] for row in progress) for i in range(1, len(PROGRESS_STEPS) + 2)]
        progress.append([_("Total"), *totals])
    progress.append([_("Past the deadline, not yet returned:"), late])
    uniform = [
        [row["name"], _("Commune"), row["returned_count"]]
        for row in _by_name(uniform_communes, "name")
    ] + [[row["name"], _("Cell"), row["returned_count"]] for row in _by_name(uniform_cells, "name")]
    year = f" {campaign.year}" if campaign else ""
    return xlsx_sheets_response(
        filename=f"{org.name}{year} {timezone.localdate().isoformat()}",
        sheets=[
            (
                _("Campaign progress"),
                [(_("Commune"), 32)] + [(step, 11) for step in steps] + [(_("Escalated"), 11)],
                progress,
            ),
            (
                _("Uniform ratings"),
                [
                    (_("Organization"), 32),
                    (pgettext("organization level", "Level"), 12),
                    (_("Comments returned"), 12),
                ],
                uniform,
            ),
        ],
        fmt=fmt,
    )
