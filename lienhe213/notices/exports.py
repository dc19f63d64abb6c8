"""An organization's inbox or outbox as a workbook: every notice the box's filters
give, newest first as on the page."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lienhe213.core.exports import xlsx_response
from lienhe213.notices.models import Notice
from lienhe213.organizations.models import Organization


def _label(name: str) -> str:
    return str(capfirst(Notice._meta.get_field(name).verbose_name))  # type: ignore[union-attr]


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def columns() -> list[tuple[str, int]]:
    return [
        (pgettext("row number column", "No."), 6),
        (_label("sent_on"), 12),
        (_label("kind"), 18),
        (_("Full name"), 26),
        (_("From"), 28),
        (_("To"), 28),
        (_label("body"), 50),
        (_label("response_due"), 12),
        (_label("acknowledged_at"), 12),
        (_label("status"), 14),
        (_label("outcome"), 30),
    ]


def row(number: int, notice: Notice) -> list[Any]:
    return [
        number,
        notice.sent_on,
        notice.get_kind_display(),
        notice.member.full_name,
        notice.sender.name,
        notice.recipient.name,
        notice.body,
        notice.response_due,
        _day(notice.acknowledged_at),
        notice.get_status_display(),
        notice.outcome,
    ]


def box_xlsx(
    notices: Iterable[Notice], org: Organization, box: str, *, fmt: str = "xlsx"
) -> HttpResponse:
    title = _("Notices received") if box == "inbox" else _("Notices sent")
    return xlsx_response(
        title=title,
        filename=f"{org.name} {title} {timezone.localdate().isoformat()}",
        columns=columns(),
        rows=(row(number, notice) for number, notice in enumerate(notices, start=1)),
        fmt=fmt,
    )
