"""The member list as a workbook: every row the list's scope and filters give, in the
list's order, with the columns of the record that the list may show (the citizen ID
stays on the record page, shown only to those who may read it)."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lienhe213.members.models import Member
from lienhe213.registry.exports import xlsx_response


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
