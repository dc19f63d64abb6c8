"""The annual thematic review of a province or a commune (docs/domain.md §4.8; ADR 0009).

``build_review`` returns a plain ``Review``: the year's indicators beside the previous
year's with the change, the residence-side child units ranked on a documented score
(the weakest and the strongest), and the commendations: the cells' "commend"
recommendations not yet taken up, the proposals recorded and the decisions. The page,
its XLSX export, the API and (later) the printed review all read this one value.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lienhe213.accounts.access import AnyUser
from lienhe213.comments.models import CommentRequest, Recommendation
from lienhe213.comments.queries import RETURNED_STATUSES
from lienhe213.organizations.models import Organization, OrganizationHistory
from lienhe213.registry.queries import link_scope_condition
from lienhe213.reports.history import tree_day, tree_on
from lienhe213.reports.indicators import FIGURES, Counts, Period, Report, compute
from lienhe213.reports.models import Commendation

# How many units the review names as the weakest and as the strongest.
EXTREMES = 3
# The parts of a unit's score, each a share between 0 and 1 (ADR 0009).
SCORE_LABELS: dict[str, Promise] = {
    "meetings": _("Meetings held / required"),
    "comments_on_time": _("Comments returned on time"),
    "attendance": _("Attendance"),
    "varied_ratings": _("Cells without uniform ratings"),
}
SCORE_PARTS = tuple(SCORE_LABELS)


@dataclass(frozen=True)
class FigureRow:
    name: str
    label: Promise
    current: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return round(self.current - self.previous, 1)


@dataclass(frozen=True)
class UnitScore:
    organization: Organization
    name: str
    formerly: list[str]
    score: float | None
    parts: dict[str, float | None]
    figures: Counts


@dataclass(frozen=True)
class Recommended:
    """A returned comment recommending to commend a member, not yet taken up."""

    request: CommentRequest
    member_name: str
    cell_name: str


@dataclass
class Review:
    organization: Organization
    year: int
    name: str
    formerly: list[str]
    report: Report
    previous: Report
    rows: list[FigureRow]
    ranked: list[UnitScore]
    unranked: list[UnitScore]
    recommended: list[Recommended] = field(default_factory=list)
    proposed: list[Commendation] = field(default_factory=list)
    decided: list[Commendation] = field(default_factory=list)
    rejected: list[Commendation] = field(default_factory=list)

    @property
    def _named(self) -> int:
        # At most EXTREMES each, and never the same unit on both lists.
        return min(EXTREMES, len(self.ranked) // 2)

    @property
    def weakest(self) -> list[UnitScore]:
        """The lowest scores first."""
        return list(reversed(self.ranked))[: self._named]

    @property
    def strongest(self) -> list[UnitScore]:
        return self.ranked[: self._named]


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def score_parts(figures: Counts) -> dict[str, float | None]:
    """The parts of a unit's score; None where the unit had nothing to measure."""
    required = figures.get("meetings_required", 0)
    cells = figures.get("cells_with_links", 0)
    uniform = figures.get("cells_uniform_ratings", 0)
    return {
        "meetings": min(1.0, figures.get("meetings_held", 0) / required) if required else None,
        "comments_on_time": _share(
            figures.get("comments_returned_on_time", 0), figures.get("comments_requested", 0)
        ),
        "attendance": _share(
            figures.get("attendance_present", 0), figures.get("attendance_invited", 0)
        ),
        "varied_ratings": 1 - min(1.0, uniform / cells) if cells else None,
    }


def unit_score(parts: dict[str, float | None]) -> float | None:
    """The mean of the parts the unit has, as a percentage with one decimal."""
    present = [value for value in parts.values() if value is not None]
    if not present:
        return None
    return round(100 * sum(present) / len(present), 1)


def _recommended(user: AnyUser, paths: list[str], year: int, taken: set[int]) -> list[Recommended]:
    requests = (
        CommentRequest.objects.visible_to(user)
        .filter(link_scope_condition(paths, prefix="link__"))
        .filter(
            Q(campaign__year=year),
            status__in=RETURNED_STATUSES,
            comment__recommendation=Recommendation.COMMEND,
        )
        .exclude(member_id__in=taken)
        .select_related("member", "link__residence_cell")
        .order_by("member__family_name", "member__given_name", "pk")
    )
    return [
        Recommended(
            request=request,
            member_name=str(request.member),
            cell_name=str(request.link.residence_cell or ""),
        )
        for request in requests
    ]


def build_review(
    *,
    user: AnyUser,
    organization: Organization,
    year: int,
    today: datetime.date | None = None,
) -> Review:
    """The thematic review of ``organization`` for ``year`` as ``user`` may see it; the
    caller fetched ``organization`` through its gatekeeper. A fixed number of queries:
    two reports, the tree of the year, the comments and the commendations."""
    today = today or timezone.localdate()
    period = Period.for_year(year)
    report = compute(user=user, organization=organization, period=period, today=today)
    previous = compute(
        user=user, organization=organization, period=Period.for_year(year - 1), today=today
    )
    rows = [
        FigureRow(name, label, report.figures[name], previous.figures[name])
        for name, label in FIGURES.items()
    ]
    ranked: list[UnitScore] = []
    unranked: list[UnitScore] = []
    renamed = _renamed(report, previous, [organization, *(child for child, _f in report.children)])
    for child, figures in report.children:
        if child.side == Organization.Side.WORKPLACE:
            continue
        parts = score_parts(figures)
        unit = UnitScore(
            organization=child,
            name=report.name_of(child),
            formerly=_formerly(report, renamed, child),
            score=unit_score(parts),
            parts=parts,
            figures=figures,
        )
        (ranked if unit.score is not None else unranked).append(unit)
    ranked.sort(key=lambda unit: (-(unit.score or 0), unit.name))

    tree = tree_on(organization, day=tree_day(organization, period.end), start=period.start)
    commendations = list(
        Commendation.objects.visible_to(user)
        .under(tree.paths)
        .filter(year=year)
        .select_related("organization", "member", "proposed_by_organization")
        .order_by("status", "pk")
    )
    taken = {
        c.member_id
        for c in commendations
        if c.member_id is not None and c.status != Commendation.Status.REJECTED
    }
    by_status: dict[str, list[Commendation]] = {status: [] for status in Commendation.Status}
    for commendation in commendations:
        by_status[commendation.status].append(commendation)
    return Review(
        organization=organization,
        year=year,
        name=report.name_of(organization),
        formerly=_formerly(report, renamed, organization),
        report=report,
        previous=previous,
        rows=rows,
        ranked=ranked,
        unranked=unranked,
        recommended=_recommended(user, tree.paths, year, taken),
        proposed=by_status[Commendation.Status.PROPOSED],
        decided=by_status[Commendation.Status.DECIDED],
        rejected=by_status[Commendation.Status.REJECTED],
    )


def _renamed(report: Report, previous: Report, orgs: list[Organization]) -> dict[int, str]:
    """The name each of ``orgs`` bore on the previous year's tree day, for those renamed
    between it and this year's (the first rename after it gives it, as
    ``Organization.name_on`` does); one query."""
    start, end = previous.tree_day, report.tree_day
    if start is None or end is None:
        return {}
    before: dict[int, str] = {}
    events = (
        OrganizationHistory.objects.filter(
            kind=OrganizationHistory.Kind.RENAMED,
            organization__in=[org.pk for org in orgs],
            effective_date__gt=start,
            effective_date__lte=end,
        )
        .order_by("effective_date", "pk")
        .values_list("organization_id", "old_name")
    )
    for pk, old_name in events:
        before.setdefault(pk, old_name)
    return before


def _formerly(report: Report, renamed: dict[int, str], org: Organization) -> list[str]:
    """What a unit of the review was before it changed (ADR 0018): the name it bore at
    the end of the year compared with, when it was renamed since, then the units merged
    into it."""
    former = list(report.formerly.get(org.pk, []))
    before = renamed.get(org.pk)
    if before and before != report.name_of(org) and before not in former:
        former.insert(0, before)
    return former


def review_body(review: Review) -> dict[str, Any]:
    """The review as plain data (the API's body; a document template can use it too)."""

    def commendation(c: Commendation) -> dict[str, Any]:
        return {
            "id": c.pk,
            "status": c.status,
            "organization": c.organization_id,
            "member": c.member_id,
            "subject": str(c.subject),
            "reason": c.reason,
            "proposed_by_organization": c.proposed_by_organization_id,
            "proposed_on": c.proposed_on,
            "decision_number": c.decision_number,
            "decided_on": c.decided_on,
            "version": c.version,
        }

    def unit(u: UnitScore) -> dict[str, Any]:
        return {
            "id": u.organization.pk,
            "name": u.name,
            "formerly": u.formerly,
            "score": u.score,
            "parts": u.parts,
        }

    return {
        "organization": review.organization.pk,
        "name": review.name,
        "formerly": review.formerly,
        "year": review.year,
        "figures": [
            {
                "name": row.name,
                "current": row.current,
                "previous": row.previous,
                "change": row.change,
            }
            for row in review.rows
        ],
        "ranked": [unit(u) for u in review.ranked],
        "unranked": [unit(u) for u in review.unranked],
        "weakest": [u.organization.pk for u in review.weakest],
        "strongest": [u.organization.pk for u in review.strongest],
        "recommended": [
            {
                "comment_request": r.request.pk,
                "member": r.request.member_id,
                "member_name": r.member_name,
                "cell": r.cell_name,
            }
            for r in review.recommended
        ],
        "proposed": [commendation(c) for c in review.proposed],
        "decided": [commendation(c) for c in review.decided],
        "rejected": [commendation(c) for c in review.rejected],
    }
