"""Bar charts drawn on the server as inline SVG: readable on a phone, no JavaScript, no
third-party library; each bar carries its number as text too."""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lienhe213.comments.models import FORM_ITEMS, Comment, Recommendation
from lienhe213.reports.indicators import Report

# The three levels of every scale, best first, in three shades of one colour.
LEVEL_COLOURS = ("#2e7d32", "#f9a825", "#c62828")


@dataclass
class Segment:
    label: str
    count: int
    x: float
    width: float
    colour: str


@dataclass
class Bar:
    label: str
    total: int
    segments: list[Segment]


def _item_label(item: str) -> str:
    return str(Comment._meta.get_field(item).verbose_name)  # type: ignore[union-attr]


def _stacked(label: str, counts: list[tuple[str, int]]) -> Bar:
    total = sum(count for _label, count in counts)
    segments, x = [], 0.0
    for (level_label, count), colour in zip(counts, LEVEL_COLOURS, strict=False):
        width = 100 * count / total if total else 0.0
        segments.append(Segment(level_label, count, round(x, 2), round(width, 2), colour))
        x += width
    return Bar(label, total, segments)


def distribution(report: Report) -> list[Bar]:
    """One bar per item of forms 3-213 and 4-213 (and the recommendation), split into
    its three levels, as shares of the returned comments that carry the item."""
    scales: list[tuple[str, type[models.TextChoices]]] = [
        (item, scale) for items in FORM_ITEMS.values() for item, scale in items.items()
    ]
    scales.append(("recommendation", Recommendation))
    bars = []
    for item, scale in scales:
        counts = report.distribution.get(item, {})
        bars.append(
            _stacked(
                _item_label(item),
                [(str(label), counts.get(value, 0)) for value, label in scale.choices],
            )
        )
    return bars


@dataclass
class Pair:
    label: str
    held: float
    required: float
    held_width: float
    required_width: float


def meetings(report: Report) -> tuple[Promise, list[Pair]]:
    """Meetings held against meetings required, for the organization and each child
    with residential cells: two bars each, on one scale."""
    rows = [(str(_("All")), report.figures)] + [
        (child.name, figures) for child, figures in report.children if figures["meetings_required"]
    ]
    top = max([max(f["meetings_held"], f["meetings_required"]) for _n, f in rows] + [1])
    pairs = [
        Pair(
            name,
            figures["meetings_held"],
            figures["meetings_required"],
            round(100 * figures["meetings_held"] / top, 2),
            round(100 * figures["meetings_required"] / top, 2),
        )
        for name, figures in rows
    ]
    return _("Meetings held and required"), pairs
