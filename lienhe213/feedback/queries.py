"""Reusable reads of residents' reports: the cell's and the commune's queue, what is
overdue, the evidence about one member, and the scoping to the residence side."""

import datetime
from typing import TYPE_CHECKING, Any

from django.db import models

from lienhe213.organizations.queries import paths_condition

if TYPE_CHECKING:
    from lienhe213.accounts.access import AnyUser
    from lienhe213.feedback.models import ResidentReport  # noqa: F401
    from lienhe213.organizations.models import Organization

OPEN_STATUSES = ("received", "handling")
# The evidence panel of a comment shows this many reports about the member.
EVIDENCE_REPORTS = 20


def handler_paths(user: "AnyUser") -> list[str]:
    """The tree paths under which ``user`` handles residents' reports: a cell
    secretary's cell, a commune clerk's commune (the capabilities of the residence side
    of the tracking book, ``registry.access``)."""
    from lienhe213.accounts.access import Capability, scope_paths

    paths = scope_paths(user, Capability.ACKNOWLEDGE_LINKS) + scope_paths(
        user, Capability.RECEIVE_LETTERS
    )
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(shorter) for shorter in kept):
            kept.append(path)
    return kept


class ResidentReportQuerySet(models.QuerySet["ResidentReport"]):
    def visible_to(self, user: "AnyUser") -> "ResidentReportQuerySet":
        """The one gatekeeper for reading reports: the residence side of the cell (its
        secretary, its commune's clerks, and the province above them). The workplace
        never reads a resident's report; it reads the notice the cell forwards."""
        from lienhe213.accounts import access

        if access.sees_everything(user):
            return self
        paths = handler_paths(user)
        if not paths:
            return self.none()
        return self.filter(paths_condition("cell__path", paths))

    def opinions_of(self, user: "AnyUser") -> "ResidentReportQuerySet":
        """The gatekeeper of a community representative: the opinions ``user`` wrote
        to the cells they represent now (``access.representative_assignments``), and
        nothing else — not another representative's, not a resident's report, not an
        opinion to a cell whose role they no longer hold."""
        from lienhe213.accounts import access

        cells = [a.organization_id for a in access.representative_assignments(user)]
        if not cells:
            return self.none()
        return self.filter(submitted_by_id=user.pk, cell_id__in=cells)

    def opinions(self) -> "ResidentReportQuerySet":
        """Written by a community representative."""
        return self.exclude(representative_kind="")

    def under(self, org: "Organization") -> "ResidentReportQuerySet":
        """Reports to ``org``'s cell, or to any cell below it."""
        return self.filter(cell__path__under=org.path)

    def open(self) -> "ResidentReportQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def unhandled(self) -> "ResidentReportQuerySet":
        """Received, and nobody matched or closed it yet."""
        return self.filter(status="received")

    def overdue(self, *, on: datetime.date) -> "ResidentReportQuerySet":
        """Unhandled past the handling date (``FEEDBACK_WORKING_DAYS`` working days)."""
        return self.unhandled().filter(handle_by__lt=on)

    def about_member(self, member_id: int) -> "ResidentReportQuerySet":
        return self.filter(member_id=member_id)

    def received_in(self, year: int) -> "ResidentReportQuerySet":
        return self.filter(received_at__year=year)

    def oldest_first(self) -> "ResidentReportQuerySet":
        return self.order_by("received_at", "pk")


def evidence_for(user: "AnyUser", member_id: int) -> "ResidentReportQuerySet":
    """The residents' reports matched to the member, newest first, as the comments'
    evidence panel shows them: the reports ``user`` may read (the residence side), the
    latest ``EVIDENCE_REPORTS``. Never the phone (the panel does not show it)."""
    from lienhe213.feedback.models import ResidentReport

    return (
        ResidentReport.objects.visible_to(user)
        .about_member(member_id)
        .select_related("cell", "notice")
        .order_by("-received_at", "-pk")[:EVIDENCE_REPORTS]
    )


def representative_opinions_for(
    user: "AnyUser", member_id: int, year: int
) -> "ResidentReportQuerySet":
    """The community representatives' written opinions matched to the member and
    received in ``year``, oldest first, as the cell's meeting with the Front work
    committee and the community before the year's comment has them on record: the
    ones ``user`` may read (the residence side)."""
    from lienhe213.feedback.models import ResidentReport

    return (
        ResidentReport.objects.visible_to(user)
        .about_member(member_id)
        .opinions()
        .received_in(year)
        .select_related("cell")
        .order_by("received_at", "pk")
    )


def linked_members_matching(cell: "Organization", text: str, *, limit: int = 20) -> list[Any]:
    """The links a report to ``cell`` may be matched to — the cell's linked members,
    links open now — whose member's name contains every word of ``text``, folded
    ("dang hoa" finds "Đặng Thị Hoa", as the member search does, ADR 0003); every one
    of them (up to ``limit``) when ``text`` is empty. Vietnamese order."""
    from lienhe213.core.text import fold
    from lienhe213.registry.models import ResidenceLink

    links = ResidenceLink.objects.filter(
        residence_cell=cell, status__in=ResidenceLink.OPEN_STATUSES
    ).select_related("member")
    for word in fold(text).split():
        links = links.filter(member__search_text__contains=word)
    return list(links.order_by("member__name_sort_key", "pk")[:limit])
