"""The indicators of Regulation 213 for an organization's subtree and a period
(docs/domain.md §6.2), and the same figures for each child organization, for drill-down.

Every figure is read through the ``visible_to(user)`` of its model, then narrowed to
the subtree, so a report never counts what the user could not list. Each family of
figures is one conditional-aggregate query (or one ``GROUP BY`` per side for the
breakdown); the number of queries does not depend on the size of the subtree
(ADR 0008). How each figure is defined, and which side of a link it belongs to, is
documented in ADR 0008.
"""

import calendar
import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lienhe213.accounts.access import AnyUser, Capability, has_capability
from lienhe213.accounts.models import RoleAssignment
from lienhe213.comments.models import CommentRequest
from lienhe213.comments.queries import requested_in_period
from lienhe213.meetings.models import Meeting
from lienhe213.members.models import Member
from lienhe213.notices.models import Notice
from lienhe213.organizations.models import Organization
from lienhe213.organizations.queries import paths_condition
from lienhe213.registry.models import (
    Category,
    ExemptionDecision,
    LinkEvent,
    Reason,
    ResidenceLink,
)
from lienhe213.registry.queries import (
    active_on_condition,
    link_scope_condition,
    overdue_on_condition,
    step_in_period,
)
from lienhe213.registry.reconciliation import reconcile
from lienhe213.reports import summaries
from lienhe213.reports.history import (
    Merged,
    Successor,
    Tree,
    successor,
    tree_day,
    tree_on,
)
from lienhe213.reports.models import Tally, TallyState
from lienhe213.reports.summaries import (
    LINK_STEP_FIGURES,
    MEETING_FIGURES,
    comment_aggregates,
    distribution_aggregates,
    notice_aggregates,
)
from lienhe213.training.models import Invitation
from lienhe213.training.queries import STAFF_ROLES

MEETINGS_PER_YEAR = 2

Counts = dict[str, Any]


# --- the period -----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A calendar year or a custom range of days, both ends included."""

    start: datetime.date
    end: datetime.date
    year: int | None = None

    @classmethod
    def for_year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), year)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def reference_day(self, today: datetime.date) -> datetime.date:
        """The day the "as of" figures (active links, overdue letters, classification)
        are read on: the period's last day, or today while the period runs."""
        return min(self.end, max(today, self.start))

    @property
    def meetings_required_per_cell(self) -> int:
        """Two meetings a year (Regulation 213 art. 4.3, "every six months"); for a
        custom range, pro rata to its length in days, rounded up: any range asks at
        least one meeting of a cell with linked members."""
        if self.year is not None:
            return MEETINGS_PER_YEAR
        year_days = 366 if calendar.isleap(self.start.year) else 365
        return max(1, math.ceil(MEETINGS_PER_YEAR * self.days / year_days - 1e-9))


# --- the figures ----------------------------------------------------------------------

# Every figure a report shows, in order, with its label (the API uses the keys).
FIGURES: dict[str, Promise] = {
    "working_members": _("Working members"),
    "classified_normal": _("Classified normal"),
    "classified_a": _("Category A"),
    "classified_b": _("Category B"),
    "letters_issued": _("Letters issued"),
    "letters_received": _("Letters received"),
    "letters_returned": _("Letters returned"),
    "letters_overdue": _("Letters overdue"),
    "active_links": _("Active links"),
    "moved_in": _("Members moved in"),
    "moved_out": _("Members moved out"),
    "cells_with_links": _("Cells with linked members"),
    "meetings_required": _("Meetings required"),
    "meetings_held": _("Meetings held"),
    "cells_meeting_requirement": _("Cells that met the requirement"),
    "attendance_invited": _("Invitations to held meetings"),
    "attendance_present": _("Present"),
    "attendance_rate": _("Attendance rate (%)"),
    "comments_requested": _("Comments requested"),
    "comments_returned": _("Comments returned"),
    "comments_returned_on_time": _("Returned on time"),
    "good_example": _("Rated setting a good example"),
    "good_example_share": _("Share setting a good example (%)"),
    "recommend_commend": _("Proposed for commendation"),
    "recommend_consider_handling": _("Proposed for consideration of handling"),
    "recommend_followed_up": _("Proposals followed up"),
    "recommend_awaiting_follow_up": _("Proposals awaiting follow-up"),
    "cells_uniform_ratings": _("Cells with uniform ratings"),
    "notices_sent": _("Notices sent"),
    "notices_acknowledged": _("Notices acknowledged"),
    "notices_needing_answer": _("Notices needing an answer"),
    "notices_answered_on_time": _("Answered on time"),
    "staff_to_train": _("Cell secretaries and commune clerks"),
    "staff_trained": _("Of them, trained in the period"),
    "staff_trained_share": _("Share trained (%)"),
}
# Figures shown for each child organization (the drill-down table).
CHILD_FIGURES = (
    "working_members",
    "active_links",
    "letters_issued",
    "letters_overdue",
    "meetings_held",
    "meetings_required",
    "attendance_rate",
    "comments_requested",
    "comments_returned",
    "good_example_share",
    "notices_sent",
    "staff_trained_share",
)
CATEGORY_B_REASONS = (Reason.SPECIAL_MISSION, Reason.REMOTE_POST, Reason.ABROAD, Reason.ILLNESS)
CATEGORY_A_REASONS = (
    Reason.ARMED_FORCES_BARRACKS,
    Reason.MOBILE_WORK,
    Reason.FULL_TIME_STUDY,
    Reason.STUDENT_AWAY,
)


@dataclass
class Report:
    """The figures of one organization's subtree for a period, with the rating
    distribution, the category reasons, the reconciliation problems and a row of
    main figures per child organization."""

    organization: Organization
    period: Period
    on: datetime.date
    figures: Counts
    reasons: dict[str, int]
    distribution: dict[str, dict[str, int]]
    problems: dict[str, int]
    children: list[tuple[Organization, Counts]] = field(default_factory=list)
    # History-true names (ADR 0009): the day whose tree the report uses, the names the
    # organization and its children bore on it, and the units folded into each.
    tree_day: datetime.date | None = None
    names: dict[int, str] = field(default_factory=dict)
    formerly: dict[int, list[str]] = field(default_factory=dict)
    # The tree agrees with today's paths (``Tree.follows_paths``): the lists, which
    # narrow by today's paths, can show the same rows as the figures.
    follows_paths: bool = False
    # Across a restructuring (ADR 0018): the units merged into the organization during
    # the period, whose records before the merger it counts; where it went when it
    # ended before the period's end (the figures stop at its last day, and a period
    # starting after it has none).
    merged_in: list[Merged] = field(default_factory=list)
    successor: Successor | None = None

    @property
    def ended_before(self) -> bool:
        """The organization ended before the period started: the report has no figures
        of its own, only where it went."""
        return self.successor is not None and self.successor.on <= self.period.start

    def name_of(self, org: Organization) -> str:
        """The name ``org`` bore on the report's tree day (today's when unknown)."""
        return self.names.get(org.pk, org.name)

    @property
    def problems_open(self) -> int:
        return sum(self.problems.values())


def _percent(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- the queries ----------------------------------------------------------------------


def _subtree(org: Organization, period: Period) -> tuple[Tree, list[Organization]]:
    """``org``'s subtree on the tree day of the period (``history.tree_on``: the tree and
    names that stood at the period's end) and its children, in three queries."""
    tree = tree_on(org, day=tree_day(org, period.end), start=period.start)
    by_pk = Organization.objects.in_bulk(tree.child_ids)
    return tree, [by_pk[pk] for pk in tree.child_ids if pk in by_pk]


# The conditions below are shared with the lists each figure links to (the tracking
# book's period filters, the comment and notice lists), so that both cannot drift.


def _link_aggregates(period: Period, on: datetime.date) -> dict[str, Count]:
    aggregates = {
        name: Count("pk", filter=step_in_period(step, period.start, period.end))
        for name, step in LINK_STEP_FIGURES.items()
    }
    aggregates["letters_overdue"] = Count("pk", filter=overdue_on_condition(on))
    aggregates["active_links"] = Count("pk", filter=active_on_condition(on))
    return aggregates


def _grouped(
    qs: "models.QuerySet[Any, Any]", keys: Iterable[str], aggregates: Mapping[str, Any]
) -> list[dict[str, Any]]:
    keys = list(keys)
    return list(qs.values(*keys).annotate(**aggregates).order_by())


def _bucket(row: Mapping[str, Any], keys: Iterable[str]) -> int | None:
    """The organization a grouped row belongs to: the first non-empty key."""
    return next((row[key] for key in keys if row[key] is not None), None)


def _sum_into(target: Counts, rows: Iterable[Mapping[str, Any]], names: Iterable[str]) -> None:
    names = list(names)
    for name in names:
        target[name] = 0
    for row in rows:
        for name in names:
            target[name] += row[name]


def _roll_up(
    rows: Iterable[Mapping[str, Any]],
    keys: Iterable[str],
    child_of: Mapping[int, int],
    into: dict[int, Counts],
    names: Iterable[str],
) -> None:
    """Add each grouped row's figures to the child its organization hangs from; rows
    of organizations outside the subtree are left out."""
    keys, names = list(keys), list(names)
    for row in rows:
        org_id = _bucket(row, keys)
        if org_id is None or org_id not in child_of:
            continue
        target = into[child_of[org_id]]
        for name in names:
            target[name] = target.get(name, 0) + row[name]


# --- where a link's residence side stood on a past day -------------------------------

RESIDENCE_KEYS = ["residence_cell_id", "residence_commune_organization_id"]


@dataclass(frozen=True)
class _Remapped:
    """The links re-mapped by restructuring after a day: where each pointed on it,
    ``{link: (cell, commune)}`` from the "before" of its first re-map after the day
    (ADR 0009), and the cell it is in today. Links are otherwise never re-pointed (a
    move opens a new link)."""

    former: dict[int, tuple[int | None, int | None]]
    cell_now: dict[int, int | None]


def _remapped_after(day: datetime.date) -> _Remapped:
    """One query: the events' two "before" keys and the link's cell today."""
    remapped = _Remapped(former={}, cell_now={})
    events = (
        LinkEvent.objects.filter(kind=LinkEvent.Kind.REMAPPED, on__gt=day)
        .order_by("link_id", "on", "pk")
        .values_list(
            "link_id",
            "before__residence_cell",
            "before__residence_commune_organization",
            "link__residence_cell_id",
        )
    )
    for link_id, cell, commune, cell_now in events:
        if link_id not in remapped.former:
            remapped.former[link_id] = (cell, commune)
            remapped.cell_now[link_id] = cell_now
    return remapped


def _as_on_the_day(
    rows: list[dict[str, Any]],
    moved: "models.QuerySet[Any, Any]",
    *,
    link_key: str,
    keys: list[str],
    aggregates: Mapping[str, Any],
    in_scope: Q,
    other_side: Q,
    former: Mapping[int, tuple[int | None, int | None]],
    child_of: Mapping[int, int],
    regrouped: list[int] | None,
) -> list[dict[str, Any]]:
    """``rows`` (grouped by today's residence ``keys``) as they stood on the tree day:
    each re-mapped link in ``moved`` (one row per link, one query) leaves the group it
    points at today and joins the one it pointed at then, and enters or leaves the
    subtree with it unless its other side keeps it there. The result has one row per
    group, like ``rows``. ``regrouped`` (``_Scope.regrouped_links``) narrows ``moved`` to
    the links whose group changes, when they are few enough to list."""
    names = list(aggregates)
    corrections: list[dict[str, Any]] = []
    if regrouped is not None:
        moved = moved.filter(**{f"{link_key}__in": regrouped})
    per_link = moved.values(link_key, *keys).annotate(
        in_scope_now=Count("pk", filter=in_scope),
        other_side=Count("pk", filter=other_side),
        **aggregates,
    )
    for row in per_link.order_by():
        cell, commune = former[row[link_key]]
        in_scope_then = cell in child_of or commune in child_of or row["other_side"]
        if row["in_scope_now"]:
            corrections.append({**{k: row[k] for k in keys}, **{n: -row[n] for n in names}})
        if in_scope_then:
            corrections.append({keys[0]: cell, keys[1]: commune, **{n: row[n] for n in names}})
    if not corrections:
        return rows
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in [*rows, *corrections]:
        group = tuple(row[k] for k in keys)
        target = merged.setdefault(group, {**{k: row[k] for k in keys}, **dict.fromkeys(names, 0)})
        for name in names:
            target[name] += row[name]
    return list(merged.values())


REGROUPED_LISTED = 2_000


@dataclass
class _Scope:
    """What every family of figures reads and adds to: who asks, for which period and
    reference day, the subtree on the tree day and the links re-mapped since it (ADR
    0009); ``totals`` and ``per_child`` are filled in family by family."""

    user: AnyUser
    organization: Organization
    period: Period
    on: datetime.date
    tree: Tree
    remapped: _Remapped
    totals: Counts = field(default_factory=dict)
    per_child: dict[int, Counts] = field(default_factory=lambda: defaultdict(dict))

    @property
    def child_of(self) -> dict[int, int]:
        return self.tree.child_of

    @property
    def paths(self) -> list[str]:
        return self.tree.paths

    @property
    def workplace_key(self) -> str:
        """The workplace side of a link: below a grassroots committee by the member's
        party unit (so that its report drills down to its cells), above it by the link's
        workplace committee, which hangs from one child (and needs no join to the
        members)."""
        if below_grassroots(self.organization):
            return "member__organization_id"
        return "workplace_organization_id"

    def organizations_under(self) -> "models.QuerySet[Organization, Any]":
        return Organization.objects.filter(paths_condition("path", self.paths)).values("pk")

    def members_under(self) -> "models.QuerySet[Member, Any]":
        return Member.objects.filter(paths_condition("unit_path", self.paths)).values("pk")

    @property
    def former(self) -> dict[int, tuple[int | None, int | None]]:
        return self.remapped.former

    @cached_property
    def regrouped_links(self) -> list[int] | None:
        """The re-mapped links whose residence group differs on the tree day: all but
        those in the same cell of the subtree then and now, which count in that cell
        either way (``_bucket``) — most links re-mapped by a commune merger (ADR 0019).
        None when more than ``REGROUPED_LISTED`` (the caller reads them all instead)."""
        regrouped = [
            pk
            for pk, cell in self.remapped.cell_now.items()
            if cell is None or cell != self.former[pk][0] or cell not in self.child_of
        ]
        return regrouped if len(regrouped) <= REGROUPED_LISTED else None

    def remapped_link_ids(self) -> "models.QuerySet[LinkEvent, Any]":
        return LinkEvent.objects.filter(kind=LinkEvent.Kind.REMAPPED, on__gt=self.tree.day).values(
            "link_id"
        )


def compute(
    *, user: AnyUser, organization: Organization, period: Period, today: datetime.date
) -> Report:
    """The report of ``organization``'s subtree for ``period``, as ``user`` may see it.

    The caller has fetched ``organization`` through its gatekeeper. The query count is
    fixed: one for the subtree, one per family and side, and reconciliation's own.

    Across a restructuring (ADR 0018): an organization that ended before the period's
    end is counted up to its last day (its successor counts the rest), and one that
    ended before the period started has no figures, only its successor.
    """
    went = successor(organization)
    if went is not None and organization.valid_until is not None:
        if organization.valid_until < period.start:
            return _empty(organization, period, went)
        if organization.valid_until < period.end:
            period = Period(period.start, organization.valid_until)
    on = period.reference_day(today)
    tree, children = _subtree(organization, period)
    scope = _Scope(
        user=user,
        organization=organization,
        period=period,
        on=on,
        tree=tree,
        remapped=_remapped_after(tree.day),
    )
    if _reads_tallies(scope, today):
        residence_rows, held_per_cell, distribution, reasons, problems = _read_tallies(
            scope, children
        )
        _count_cells_with_links(scope, residence_rows, held_per_cell)
    else:
        reasons = _count_classification(scope, _count_working_members(scope))
        residence_rows = _count_links(scope)
        _count_cells_with_links(scope, residence_rows, _count_meetings(scope))
        distribution = _count_comments(scope)
        _count_notices(scope)
        problems = reconcile(on=on, organization=organization).counts()
    _count_training(scope)

    _add_rates(scope.totals)
    return Report(
        organization=organization,
        period=period,
        on=on,
        figures={name: scope.totals.get(name, 0) for name in FIGURES},
        reasons=reasons,
        distribution=distribution,
        problems=problems,
        children=_child_rows(children, scope.per_child),
        tree_day=tree.day,
        names=tree.names,
        formerly=tree.formerly,
        follows_paths=tree.follows_paths,
        merged_in=tree.merged_in,
        successor=went,
    )


def _empty(organization: Organization, period: Period, went: Successor) -> Report:
    """The report of an organization over a period that starts after its end: no
    figures (zeros, not the rows its successor now counts), no children, and where it
    went."""
    return Report(
        organization=organization,
        period=period,
        on=went.on - datetime.timedelta(days=1),
        figures={name: None if name in RATES else 0 for name in FIGURES},
        reasons={reason: 0 for reason in Reason.values},
        distribution=_zero_distribution(),
        problems={},
        tree_day=went.on - datetime.timedelta(days=1),
        names={organization.pk: organization.name},
        successor=went,
    )


def _zero_distribution() -> dict[str, dict[str, int]]:
    return _distribution({})


def _count_working_members(scope: _Scope) -> "models.QuerySet[Member, Any]":
    """Working members, by the member's party unit; returns them for the classification."""
    members = (
        Member.objects.visible_to(scope.user)
        .filter(paths_condition("unit_path", scope.paths))
        .filter(employment=Member.Employment.WORKING)
    )
    rows = _grouped(members, ["organization_id"], {"working_members": Count("pk")})
    _roll_up(rows, ["organization_id"], scope.child_of, scope.per_child, ["working_members"])
    scope.totals["working_members"] = sum(
        row["working_members"] for row in rows if row["organization_id"] in scope.child_of
    )
    return members


def _count_classification(scope: _Scope, members: "models.QuerySet[Member, Any]") -> dict[str, int]:
    """The category of each working member on the reference day (the one governing
    decision), in the totals; returns the count of each reason."""
    decisions = (
        ExemptionDecision.objects.visible_to(scope.user)
        .governing(on=scope.on)
        .filter(member__in=members.values("pk"))
    )
    totals = scope.totals
    reasons: dict[str, int] = defaultdict(int)
    for row in decisions.values("category", "reason").annotate(n=Count("member_id")).order_by():
        totals[f"classified_{row['category']}"] = (
            totals.get(f"classified_{row['category']}", 0) + row["n"]
        )
        if row["reason"]:
            reasons[row["reason"]] += row["n"]
    for category in Category.values:
        totals.setdefault(f"classified_{category}", 0)
    return {reason: reasons.get(reason, 0) for reason in Reason.values}


def _count_links(scope: _Scope) -> list[dict[str, Any]]:
    """The link figures. The total counts a link either side of which is in the subtree;
    a child counts the links of its own side (ADR 0008). Every link in scope falls in
    exactly one residence group, so the total is the sum of all of them; a link
    re-mapped after the tree day counts where it pointed on it (ADR 0009). Returns the
    residence groups, which the meeting requirement reads."""
    in_scope = link_scope_condition(scope.paths)
    links = ResidenceLink.objects.visible_to(scope.user).filter(in_scope)
    aggregates = _link_aggregates(scope.period, scope.on)
    residence_rows = _grouped(links, RESIDENCE_KEYS, aggregates)
    if scope.former:
        residence_rows = _as_on_the_day(
            residence_rows,
            ResidenceLink.objects.visible_to(scope.user).filter(pk__in=scope.remapped_link_ids()),
            link_key="pk",
            keys=RESIDENCE_KEYS,
            aggregates=aggregates,
            in_scope=in_scope,
            other_side=Q(workplace_organization__in=scope.organizations_under())
            | Q(member__in=scope.members_under()),
            former=scope.former,
            child_of=scope.child_of,
            regrouped=scope.regrouped_links,
        )
    _sum_into(scope.totals, residence_rows, aggregates)
    _roll_up(residence_rows, RESIDENCE_KEYS, scope.child_of, scope.per_child, aggregates)
    workplace_rows = _grouped(links, [scope.workplace_key], aggregates)
    _roll_up(workplace_rows, [scope.workplace_key], scope.child_of, scope.per_child, aggregates)
    return residence_rows


def _count_meetings(scope: _Scope) -> dict[int, int]:
    """The meetings the subtree's cells held in the period and their attendance;
    returns the number held by each cell."""
    meetings = (
        Meeting.objects.visible_to(scope.user)
        .filter(cell__in=scope.organizations_under())
        .held_between(scope.period.start, scope.period.end)
    )
    invited = Q(attendances__invited=True)
    rows = _grouped(
        meetings,
        ["cell_id"],
        {
            "meetings_held": Count("pk", distinct=True),
            "attendance_invited": Count("attendances", filter=invited),
            "attendance_present": Count(
                "attendances", filter=invited & Q(attendances__status="present")
            ),
        },
    )
    _roll_up(rows, ["cell_id"], scope.child_of, scope.per_child, MEETING_FIGURES)
    for name in MEETING_FIGURES:
        scope.totals[name] = sum(row[name] for row in rows if row["cell_id"] in scope.child_of)
    return {row["cell_id"]: row["meetings_held"] for row in rows}


def _reads_tallies(scope: _Scope, today: datetime.date) -> bool:
    """Whether the member, link, meeting, comment and notice figures can be read from
    the maintained counts (ADR 0022): a calendar year that has ended, on a tree that
    follows today's paths with no link re-mapped since and no unit ended before the
    year's last day, for a reader who sees the whole subtree, once the counts are built.
    Otherwise they are counted live."""
    period, org = scope.period, scope.organization
    if period.year is None or period != Period.for_year(period.year) or today <= period.end:
        return False
    if scope.former or not scope.tree.follows_paths:
        return False
    if not all(
        has_capability(scope.user, capability, org.path)
        for capability in (Capability.VIEW_MEMBERS, Capability.VIEW_ORGANIZATIONS)
    ):
        return False
    # A unit ended before the year's last day is out of the tree but under the path.
    ended = Organization.objects.filter(path__under=org.path, valid_until__lt=period.end)
    return TallyState.objects.filter(~Exists(ended)).exists()  # built, in one query


def _read_tallies(
    scope: _Scope, children: list[Organization]
) -> tuple[
    list[dict[str, Any]], dict[int, int], dict[str, dict[str, int]], dict[str, int], dict[str, int]
]:
    """The link, meeting, comment and notice figures from the maintained counts: the
    total from the organization's own (either side), a child's from its residence side
    and its workplace side (``_Scope.workplace_key``), or what it sent and received; the
    meetings from the cells'; the cells with uniform ratings from each cell's. Returns,
    as ``_count_links``, ``_count_meetings`` and ``_count_comments`` do, each cell's
    active links, the meetings it held and the rating distribution, as
    ``_count_classification``, the count of each reason, and, as ``reconcile``, the
    count of each problem of the book on the year's last day."""
    org, year = scope.organization, scope.period.year
    assert year is not None
    tallies = summaries.read([org.pk, *(child.pk for child in children)], year)
    Side = Tally.Side
    sides = (Side.RESIDENCE, Side.PARTY_UNIT if below_grassroots(org) else Side.WORKPLACE)
    own = tallies.get(org.pk, {}).get(Side.EITHER, {})
    counted = (
        "working_members",
        *summaries.CLASSIFIED.values(),
        *summaries.LINK_FIGURES,
        *MEETING_FIGURES,
        *summaries.COMMENT_FIGURES,
        *summaries.NOTICE_FIGURES,
    )
    for name in counted:
        scope.totals[name] = own.get(name, 0)
    for child in children:
        counts = tallies.get(child.pk, {})
        target = scope.per_child[child.pk]
        for name in (*summaries.LINK_FIGURES, *summaries.COMMENT_FIGURES):
            target[name] = sum(counts.get(side, {}).get(name, 0) for side in sides)
        for name in (*MEETING_FIGURES, "working_members"):
            target[name] = counts.get(Side.EITHER, {}).get(name, 0)
        for name in summaries.NOTICE_FIGURES:  # what it sent and what it received
            target[name] = sum(
                counts.get(side, {}).get(name, 0) for side in (Side.SENDER, Side.RECIPIENT)
            )
    cells = {
        cell: counts
        for cell, counts in summaries.cells(org.path, year).items()
        if cell in scope.child_of
    }
    residence_rows = [
        {"residence_cell_id": cell, "active_links": counts.get("active_links", 0)}
        for cell, counts in cells.items()
    ]
    _count_uniform_cells(
        scope,
        [
            {
                "link__residence_cell_id": cell,
                "comments_returned": counts.get("comments_returned", 0),
                "all_best": counts.get("all_best", 0),
            }
            for cell, counts in cells.items()
        ],
    )
    held = {cell: counts.get("meetings_held", 0) for cell, counts in cells.items()}
    reasons = {reason: own.get(name, 0) for reason, name in summaries.REASONS.items()}
    problems = {kind: own.get(name, 0) for kind, name in summaries.BOOK_FIGURES.items()}
    return residence_rows, held, _distribution(own), reasons, problems


CELL_FIGURES = ["cells_with_links", "meetings_required", "cells_meeting_requirement"]


def _count_cells_with_links(
    scope: _Scope, residence_rows: Iterable[Mapping[str, Any]], held_per_cell: Mapping[int, int]
) -> None:
    """Residence cells with active links must meet twice a year (pro rata for a custom
    range): the cells, the meetings they owe and those that held enough."""
    required = scope.period.meetings_required_per_cell
    active_per_cell: dict[int, int] = defaultdict(int)
    for row in residence_rows:
        if row["residence_cell_id"] in scope.child_of and row["active_links"] > 0:
            active_per_cell[row["residence_cell_id"]] += row["active_links"]
    rows = [
        {
            "cell_id": cell_id,
            "cells_with_links": 1,
            "meetings_required": required,
            "cells_meeting_requirement": int(held_per_cell.get(cell_id, 0) >= required),
        }
        for cell_id in active_per_cell
    ]
    _roll_up(rows, ["cell_id"], scope.child_of, scope.per_child, CELL_FIGURES)
    for name in CELL_FIGURES:
        scope.totals[name] = sum(row[name] for row in rows)


COMMENT_RESIDENCE_KEYS = ["link__residence_cell_id", "link__residence_commune_organization_id"]


def _count_comments(scope: _Scope) -> dict[str, dict[str, int]]:
    """Comments requested in the period and the results of those returned, on both
    sides as the links are counted; returns the distribution of the ratings."""
    in_scope = link_scope_condition(scope.paths, prefix="link__")
    in_period = requested_in_period(scope.period.start, scope.period.end)
    requests = CommentRequest.objects.visible_to(scope.user).filter(in_scope).filter(in_period)
    figures, distribution_figures = comment_aggregates(), distribution_aggregates()
    aggregates = {**figures, **distribution_figures}
    residence_rows = _grouped(requests, COMMENT_RESIDENCE_KEYS, aggregates)
    if scope.former:
        residence_rows = _as_on_the_day(
            residence_rows,
            CommentRequest.objects.visible_to(scope.user)
            .filter(in_period)
            .filter(link__in=scope.remapped_link_ids()),
            link_key="link_id",
            keys=COMMENT_RESIDENCE_KEYS,
            aggregates=aggregates,
            in_scope=in_scope,
            other_side=Q(link__workplace_organization__in=scope.organizations_under())
            | Q(link__member__in=scope.members_under()),
            former=scope.former,
            child_of=scope.child_of,
            regrouped=scope.regrouped_links,
        )
    comment_totals: Counts = {}
    _sum_into(comment_totals, residence_rows, aggregates)
    scope.totals.update({name: comment_totals[name] for name in figures})
    child_of, per_child = scope.child_of, scope.per_child
    _roll_up(residence_rows, COMMENT_RESIDENCE_KEYS, child_of, per_child, figures)
    workplace_rows = _grouped(requests, [scope.workplace_key], figures)
    _roll_up(workplace_rows, [scope.workplace_key], child_of, per_child, figures)
    _count_uniform_cells(scope, residence_rows)
    return _distribution(comment_totals)


def _distribution(totals: Mapping[str, int]) -> dict[str, dict[str, int]]:
    """The rating distribution (``{item: {level: n}}``) from its totals."""
    distribution: dict[str, dict[str, int]] = defaultdict(dict)
    for name in distribution_aggregates():
        item, level = name.split("__")
        distribution[item][level] = totals.get(name, 0)
    return dict(distribution)


def _count_uniform_cells(scope: _Scope, residence_rows: Iterable[Mapping[str, Any]]) -> None:
    """Residence cells whose every returned comment gives the best rating on each item.
    A cell may have several rows (one per commune its links name: a link re-mapped by a
    merger keeps its row, ``_Scope.regrouped_links``), so the rows are added up first."""
    returned: dict[int, int] = defaultdict(int)
    all_best: dict[int, int] = defaultdict(int)
    for row in residence_rows:
        cell = row["link__residence_cell_id"]
        if cell in scope.child_of:
            returned[cell] += row["comments_returned"]
            all_best[cell] += row["all_best"]
    uniform_cells = [
        {"cell": cell, "cells_uniform_ratings": 1}
        for cell, count in returned.items()
        if count and count == all_best[cell]
    ]
    _roll_up(uniform_cells, ["cell"], scope.child_of, scope.per_child, ["cells_uniform_ratings"])
    scope.totals["cells_uniform_ratings"] = len(uniform_cells)


def _count_notices(scope: _Scope) -> None:
    """Notices sent in the period, between either side and the other: a child counts
    those it sent and those it received; the total counts each notice once."""
    under = scope.organizations_under()
    notices = (
        Notice.objects.visible_to(scope.user)
        .filter(Q(sender__in=under) | Q(recipient__in=under))
        .sent_between(scope.period.start, scope.period.end)
        .with_answered_on_time()
    )
    aggregates = notice_aggregates()
    for key in ("sender_id", "recipient_id"):
        rows = _grouped(notices, [key], aggregates)
        _roll_up(rows, [key], scope.child_of, scope.per_child, aggregates)
        if key == "sender_id":  # each notice has one sender: these rows add up to the total
            _sum_into(scope.totals, rows, aggregates)


TRAINING_FIGURES = ["staff_to_train", "staff_trained"]


def _count_training(scope: _Scope) -> None:
    """The cell secretaries and commune clerks of the subtree — a role granted by the
    reference day and still held over a current organization in it, counted by that
    organization — and those of them who
    attended a held training session dated in the period, whoever organized it (ADR
    0015). One ``GROUP BY``; a person holding both roles, or one role in two
    organizations, counts in each."""
    end = timezone.make_aware(
        datetime.datetime.combine(scope.on + datetime.timedelta(days=1), datetime.time.min)
    )
    trained = Invitation.objects.trained_between(scope.period.start, scope.period.end).filter(
        user_id=OuterRef("user_id")
    )
    holders = (
        RoleAssignment.objects.current()
        .filter(
            role__in=STAFF_ROLES,
            user__is_active=True,
            organization__in=scope.organizations_under(),
            granted_at__lt=end,
        )
        .annotate(trained=Exists(trained))
    )
    aggregates = {
        "staff_to_train": Count("pk"),
        "staff_trained": Count("pk", filter=Q(trained=True)),
    }
    rows = _grouped(holders, ["organization_id"], aggregates)
    _roll_up(rows, ["organization_id"], scope.child_of, scope.per_child, TRAINING_FIGURES)
    _sum_into(scope.totals, rows, TRAINING_FIGURES)


def _child_rows(
    children: list[Organization], per_child: Mapping[int, Counts]
) -> list[tuple[Organization, Counts]]:
    """A row of figures per child organization, zero where it counted nothing."""
    rows = []
    for child in children:
        counted = per_child.get(child.pk, {})
        figures: Counts = {name: counted.get(name, 0) for name in FIGURES}
        _add_rates(figures)
        rows.append((child, figures))
    return rows


def below_grassroots(org: Organization) -> bool:
    """Whether a report of ``org`` puts a link's workplace side in the child holding the
    member's party unit (a grassroots committee or a cell drills down to its cells),
    rather than in the one holding the link's workplace committee (ADR 0008)."""
    return org.is_grassroots or org.kind == Organization.Kind.CELL


RATES = ("attendance_rate", "good_example_share")


def _add_rates(figures: dict[str, Any]) -> None:
    figures["attendance_rate"] = _percent(
        figures.get("attendance_present", 0), figures.get("attendance_invited", 0)
    )
    figures["good_example_share"] = _percent(
        figures.get("good_example", 0), figures.get("comments_returned", 0)
    )
    figures["staff_trained_share"] = _percent(
        figures.get("staff_trained", 0), figures.get("staff_to_train", 0)
    )
