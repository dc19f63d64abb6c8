"""The dashboard of one role over one organization: the key indicators of the current
year as cards that click through to the list behind them, a compact chart and the
organizations below (ADR 0010).

Every figure comes from ``reports.indicators.compute`` (so through each model's
``visible_to``), or from the same queries the linked list runs. A dashboard is built
once per user, organization, year, day and language and kept in Django's cache for
``CACHE_SECONDS``: several visits of the home page in a few minutes cost one
computation.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.accounts.models import Role
from lienhe213.comments.models import CommentRequest
from lienhe213.meetings.queries import links_absent_twice
from lienhe213.organizations.models import Organization
from lienhe213.reports import charts, links
from lienhe213.reports.indicators import FIGURES, Period, Report, compute

CACHE_SECONDS = 5 * 60

# The roles that have a dashboard, and the kind of dashboard each gets.
PROVINCE, COMMUNE, WORKPLACE, CELL = "province", "commune", "workplace", "cell"
KIND_OF_ROLE = {
    Role.ADMINISTRATOR: PROVINCE,
    Role.PROVINCIAL_OFFICER: PROVINCE,
    Role.COMMUNE_CLERK: COMMUNE,
    Role.WORKPLACE_OFFICER: WORKPLACE,
    Role.CELL_SECRETARY: CELL,
}
# Cards that ask for action when not zero.
FLAGGED = frozenset(
    {
        "letters_overdue",
        "problems",
        "absent_twice",
        "comments_to_write",
        "recommend_awaiting_follow_up",
    }
)
# The columns of the table of organizations below.
CHILD_COLUMNS = {
    PROVINCE: (
        "working_members",
        "active_links",
        "letters_overdue",
        "meetings_held",
        "meetings_required",
        "comments_returned",
        "good_example_share",
    ),
    COMMUNE: (
        "working_members",
        "active_links",
        "letters_overdue",
        "meetings_held",
        "meetings_required",
        "comments_returned",
        "good_example_share",
    ),
    WORKPLACE: (
        "working_members",
        "active_links",
        "letters_issued",
        "letters_overdue",
        "comments_requested",
        "comments_returned",
    ),
    CELL: (),
}


@dataclass
class Card:
    """One number of the dashboard; ``of`` is the whole it is read against, if any."""

    key: str
    label: str
    value: Any
    url: str
    of: Any = None

    @property
    def flagged(self) -> bool:
        """A number that asks for action (overdue, problems, absences) and is not zero."""
        return self.key in FLAGGED and bool(self.value)


@dataclass
class ChildRow:
    """A child organization: its report, and each figure with its list's URL (or "")."""

    name: str
    url: str
    figures: list[Any]
    urls: list[str] = field(default_factory=list)

    @property
    def cells(self) -> list[tuple[Any, str]]:
        return list(zip(self.figures, self.urls, strict=True))


@dataclass
class Dashboard:
    kind: str
    organization_pk: int
    year: int
    report_url: str
    cards: list[Card]
    chart_title: str = ""
    chart: list[charts.Pair] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[ChildRow] = field(default_factory=list)


def _url(name: str, pk: int, **query: Any) -> str:
    url = reverse(name, args=[pk])
    return f"{url}?{urlencode(query)}" if query else url


def _residential(org: Organization) -> bool:
    return org.side != Organization.Side.WORKPLACE


def _cards(
    kind: str, org: Organization, report: Report, today: datetime.date, user: AnyUser
) -> list[Card]:
    f = report.figures
    to = links.figure_links(org, report, today, user=user)
    report_url = _url("reports:organization", org.pk, year=report.period.year)

    def card(key: str, url: str | None = None, of: Any = None, label: str = "") -> Card:
        # the list with the card's own rows first, else the nearest list, else the report
        return Card(key, label or str(FIGURES[key]), f[key], to.get(key) or url or report_url, of)

    progress = _url("comments:progress", org.pk) if _residential(org) else report_url
    meetings = (
        to.get("meetings_held") or _url("meetings:overdue", org.pk)
        if _residential(org)
        else report_url
    )
    problems = Card(
        "problems",
        _("Reconciliation problems open"),
        report.problems_open,
        to.get("problems", report_url),
    )
    if kind == WORKPLACE:
        comments = _url("comments:workplace", org.pk)
        return [
            card("working_members"),
            card("active_links"),
            card("letters_issued", to.get("active_links")),
            card("letters_overdue"),
            card("comments_returned", comments, of=f["comments_requested"]),
            card("comments_returned_on_time", comments, of=f["comments_returned"]),
            card(
                "recommend_awaiting_follow_up",
                _url(
                    "comments:workplace",
                    org.pk,
                    follow_up="awaiting",
                    requested_from=report.period.start.isoformat(),
                    requested_to=report.period.end.isoformat(),
                ),
            ),
            problems,
        ]
    if kind == CELL:
        return [
            card("active_links"),
            card("meetings_held", meetings, of=f["meetings_required"]),
            card("attendance_rate", meetings),
            card("comments_returned", _url("comments:cell", org.pk), of=f["comments_requested"]),
            card("cells_uniform_ratings", progress),
        ]
    return [
        card("working_members"),
        card("active_links"),
        card("letters_overdue"),
        card("meetings_held", meetings, of=f["meetings_required"]),
        card("comments_returned_on_time", progress, of=f["comments_returned"]),
        card("good_example_share", progress),
        card("cells_uniform_ratings", progress),
        card(
            "notices_answered_on_time",
            _url("notices:inbox", org.pk),
            of=f["notices_needing_answer"],
        ),
        problems,
    ]


def _cell_cards(user: AnyUser, org: Organization) -> list[Card]:
    """What a cell's secretary acts on: the comments still to write, and the members
    absent from their last two meetings."""
    to_write = (
        CommentRequest.objects.visible_to(user)
        .at_residence_cell(org.pk)
        .filter(status__in=CommentRequest.EDITABLE_STATUSES)
        .count()
    )
    absent = links_absent_twice(org).count()
    return [
        Card("comments_to_write", _("Comments to write"), to_write, _url("comments:cell", org.pk)),
        Card(
            "absent_twice",
            _("Members absent from their last two meetings"),
            absent,
            _url("meetings:overdue", org.pk),
        ),
    ]


def _child_row(
    kind: str,
    child: Organization,
    figures: dict[str, Any],
    report: Report,
    today: datetime.date,
    user: AnyUser,
) -> ChildRow:
    to = links.figure_links(child, report, today, user=user)
    return ChildRow(
        child.name,
        _url("reports:organization", child.pk, year=report.period.year),
        [figures[name] for name in CHILD_COLUMNS[kind]],
        [to.get(name, "") for name in CHILD_COLUMNS[kind]],
    )


def build(
    *, user: AnyUser, kind: str, organization: Organization, year: int, today: datetime.date
) -> Dashboard:
    """The dashboard of ``kind`` over ``organization`` for ``year``, as ``user`` sees it.

    The caller has fetched ``organization`` through its gatekeeper and checked the role.
    """
    org = organization
    report = compute(user=user, organization=org, period=Period.for_year(year), today=today)
    cards = _cards(kind, org, report, today, user)
    if kind == CELL:
        cards += _cell_cards(user, org)
    dashboard = Dashboard(
        kind=kind,
        organization_pk=org.pk,
        year=year,
        report_url=_url("reports:organization", org.pk, year=year),
        cards=cards,
        columns=[str(FIGURES[name]) for name in CHILD_COLUMNS[kind]],
        rows=[
            _child_row(kind, child, figures, report, today, user)
            for child, figures in report.children
        ]
        if CHILD_COLUMNS[kind]
        else [],
    )
    if kind != WORKPLACE and report.figures["meetings_required"]:
        title, pairs = charts.meetings(report)
        dashboard.chart_title, dashboard.chart = str(title), pairs
    return dashboard


def cached(
    *, user: AnyUser, kind: str, organization: Organization, year: int, today: datetime.date
) -> Dashboard:
    """``build``, kept for ``CACHE_SECONDS`` per user, organization, kind, year, day and
    language (the labels are translated)."""
    key = (
        f"dashboard:{user.pk}:{organization.pk}:{kind}:{year}:{today.isoformat()}:{get_language()}"
    )
    dashboard: Dashboard | None = cache.get(key)
    if dashboard is None:
        dashboard = build(user=user, kind=kind, organization=organization, year=year, today=today)
        cache.set(key, dashboard, CACHE_SECONDS)
    return dashboard
