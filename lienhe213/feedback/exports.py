"""A queue of residents' reports as a workbook (or PDF): every report the queue's filter
gives, oldest first as on the page. Never the resident's phone. What residents wrote is
written as text, never as a formula (``core.exports.sheet_cell``)."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lienhe213.core.exports import xlsx_response
from lienhe213.feedback.models import ResidentReport
from lienhe213.organizations.models import Organization


def _label(name: str) -> str:
    return str(capfirst(ResidentReport._meta.get_field(name).verbose_name))  # type: ignore[union-attr]


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def writer(report: ResidentReport) -> str:
    """Who wrote an opinion (whom they speak for, their name); "" for a resident."""
    if not report.is_opinion:
        return ""
    return _("%(kind)s: %(name)s") % {
        "kind": report.get_representative_kind_display(),
        "name": report.representative_name,
    }


def columns() -> list[tuple[str, int]]:
    return [
        (pgettext("row number column", "No."), 6),
        (_label("received_at"), 12),
        (_label("cell"), 24),
        (_label("topic"), 22),
        (_label("member_name"), 24),
        (_label("community"), 18),
        (_("Written by"), 30),
        (_label("body"), 50),
        (_label("status"), 14),
        (_label("member"), 24),
        (_label("close_reason"), 22),
        (_label("note"), 30),
    ]


def row(number: int, report: ResidentReport) -> list[Any]:
    return [
        number,
        _day(report.received_at),
        report.cell.name,
        report.get_topic_display(),
        report.member_name,
        report.community,
        writer(report),
        report.body,
        report.get_status_display(),
        report.member.full_name if report.member else "",
        report.get_close_reason_display(),
        report.note,
    ]


def queue_xlsx(
    reports: Iterable[ResidentReport], org: Organization, *, fmt: str = "xlsx"
) -> HttpResponse:
    title = _("Residents' reports")
    return xlsx_response(
        title=title,
        filename=f"{org.name} {title} {timezone.localdate().isoformat()}",
        columns=columns(),
        rows=(row(number, report) for number, report in enumerate(reports, start=1)),
        fmt=fmt,
    )
