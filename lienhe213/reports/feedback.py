"""The year's figures of residents' feedback for a commune or a cell (ADR 0014): reports
received, matched to a member, forwarded to the workplace, and how many of the matched
ones are about members whose comment of that year was rated at the highest level
("completed tasks excellently") — a concern about a member the workplace then rated
best is worth a second look.

It lives here, not in ``feedback``: the comments app reads the feedback app (the
evidence panel), and the reports app is the one that reads both.
"""

from dataclasses import dataclass

from django.db import models

from lienhe213.comments.models import Comment, RatingLevel
from lienhe213.feedback.models import ResidentReport, Topic
from lienhe213.feedback.queries import ResidentReportQuerySet
from lienhe213.organizations.models import Organization


@dataclass
class FeedbackRow:
    """One cell's (or the total's) figures."""

    name: str
    organization_id: int | None
    received: int
    matched: int
    forwarded: int
    rated_excellent: int
    concerns_rated_excellent: int

    @property
    def share_rated_excellent(self) -> float | None:
        """Of the matched reports, the share about members rated excellent that year."""
        return self.rated_excellent / self.matched if self.matched else None


def _rated_excellent(year: int) -> models.Exists:
    return models.Exists(
        Comment.objects.filter(
            request__member_id=models.OuterRef("member_id"),
            request__campaign__year=year,
            rating_level=RatingLevel.EXCELLENT,
        )
    )


def feedback_figures(
    reports: ResidentReportQuerySet, org: Organization, *, year: int
) -> tuple[list[FeedbackRow], FeedbackRow]:
    """A row per residential cell of ``org`` (``org`` itself for a cell) and the total,
    counting ``reports`` (already scoped) received in ``year``; one query."""
    excellent = _rated_excellent(year)
    matched = models.Q(member__isnull=False)
    counted = (
        reports.under(org)
        .received_in(year)
        .values("cell_id")
        .annotate(
            received=models.Count("pk"),
            matched=models.Count("pk", filter=matched),
            forwarded=models.Count("pk", filter=models.Q(notice__isnull=False)),
            rated_excellent=models.Count("pk", filter=matched & models.Q(excellent)),
            concerns_rated_excellent=models.Count(
                "pk", filter=matched & models.Q(excellent) & models.Q(topic=Topic.CONCERN)
            ),
        )
    )
    by_cell = {row.pop("cell_id"): row for row in counted}
    cells = Organization.objects.filter(
        models.Q(valid_until__isnull=True) | models.Q(pk__in=list(by_cell)),
        path__under=org.path,
        kind=Organization.Kind.CELL,
        side=Organization.Side.RESIDENTIAL,
    ).order_by("path")
    zero = {
        "received": 0,
        "matched": 0,
        "forwarded": 0,
        "rated_excellent": 0,
        "concerns_rated_excellent": 0,
    }
    rows = [
        FeedbackRow(name=cell.name, organization_id=cell.pk, **by_cell.get(cell.pk, zero))
        for cell in cells
    ]
    total = FeedbackRow(
        name=org.name,
        organization_id=org.pk,
        **{key: sum(getattr(row, key) for row in rows) for key in zero},
    )
    return rows, total


__all__ = ["FeedbackRow", "ResidentReport", "feedback_figures"]
