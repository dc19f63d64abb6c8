"""The report and the annual thematic review as a workbook or a PDF: the indicators,
the children's main figures and the rating distribution (the review: the figures beside
the previous year's, the ranked units, the commendations), one sheet or table each,
headers in the user's language (Vietnamese for the committees).

The sheets are built once; ``fmt`` only chooses the file (``core.exports`` writes
the workbook, and its ``list_pdf_renderer`` prints the same rows on A4), so the two
exports never disagree."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lienhe213.core.exports import (
    PDF,
    Sheet,
    attachment,
    download_name,
    list_pdf_renderer,
    xlsx_sheets_response,
)
from lienhe213.registry.models import Reason
from lienhe213.reports.charts import distribution
from lienhe213.reports.indicators import CHILD_FIGURES, FIGURES, Report
from lienhe213.reports.links import notes_in_words, successor_in_words

if TYPE_CHECKING:
    from lienhe213.reports.review import Review


def _export(
    *, filename: str, title: str, subtitle: str, sheets: Sequence[Sheet], fmt: str
) -> HttpResponse:
    """The sheets as an XLSX download, or (``fmt="pdf"``) as one PDF under ``title``;
    both named after ``filename`` folded to ASCII."""
    if fmt != "pdf":
        return xlsx_sheets_response(filename=filename, sheets=sheets, fmt="xlsx")
    pdf = list_pdf_renderer()(title, subtitle, sheets)
    return attachment(pdf, filename=f"{download_name(filename, 'report')}.pdf", content_type=PDF)


def _display_name(report: Report, org: Any) -> str:
    """The name on the report's tree day, with the units folded into it (ADR 0009)."""
    return _unit_name(report.name_of(org), report.formerly.get(org.pk, []))


def period_label(report: Report) -> str:
    period = report.period
    if period.year is not None:
        return str(period.year)
    return f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"


def report_sheets(report: Report) -> list[Sheet]:
    """The report's sheets: its indicators, its children's main figures, the ratings."""
    figures: list[list[Any]] = [
        [str(label), report.figures[name]] for name, label in FIGURES.items()
    ]
    figures += [
        [f"{_('Reason')}: {Reason(reason).label}", count]
        for reason, count in report.reasons.items()
    ]
    figures.append([_("Reconciliation problems open"), report.problems_open])
    # across a restructuring (ADR 0018): whose records it includes, where it went
    notes = [*notes_in_words(report), successor_in_words(report)]
    figures += [[_("Note"), note] for note in notes if note]
    header = f"{report.name_of(report.organization)} · {period_label(report)}"
    children: list[list[Any]] = [
        [_display_name(report, child)] + [values[name] for name in CHILD_FIGURES]
        for child, values in report.children
    ]
    ratings: list[list[Any]] = [
        [bar.label, segment.label, segment.count]
        for bar in distribution(report)
        for segment in bar.segments
    ]
    return [
        (_("Indicators"), [(header, 60), (_("Value"), 14)], figures),
        (
            _("Organizations"),
            [(_("Organization"), 40)] + [(str(FIGURES[name]), 14) for name in CHILD_FIGURES],
            children,
        ),
        (
            _("Ratings"),
            [(_("Item"), 50), (_("Level"), 30), (pgettext("number of comments", "Comments"), 12)],
            ratings,
        ),
    ]


def report_xlsx(report: Report, *, fmt: str = "xlsx") -> HttpResponse:
    """The report of one organization and period as an XLSX download, or as a PDF."""
    as_of = _("Links, letters overdue and classification as of")
    return _export(
        filename=f"{report.organization.name} {period_label(report)}",
        title=f"{_('Report')}: {_display_name(report, report.organization)}",
        subtitle=f"{period_label(report)} · {as_of} {report.on:%d/%m/%Y}",
        sheets=report_sheets(report),
        fmt=fmt,
    )


def review_sheets(review: "Review") -> list[Sheet]:
    """The review's sheets: the figures beside the previous year's, the units ranked on
    their score, the commendations."""
    from lienhe213.reports.review import SCORE_LABELS, SCORE_PARTS

    year, before = str(review.year), str(review.year - 1)
    title = _unit_name(review.name, review.formerly)
    figures: list[list[Any]] = [
        [str(row.label), row.current, row.previous, row.change] for row in review.rows
    ]
    units: list[list[Any]] = [
        [rank, _unit_name(unit.name, unit.formerly), unit.score]
        + [
            None if unit.parts[p] is None else round(100 * (unit.parts[p] or 0), 1)
            for p in SCORE_PARTS
        ]
        for rank, unit in enumerate(review.ranked, start=1)
    ]
    commendations: list[list[Any]] = [
        [_("Recommended by a comment"), r.member_name, r.cell_name, "", "", ""]
        for r in review.recommended
    ]
    commendations += [
        [
            c.get_status_display(),
            str(c.subject),
            str(c.proposed_by_organization),
            c.proposed_on,
            c.decision_number,
            c.decided_on,
        ]
        for c in [*review.proposed, *review.decided, *review.rejected]
    ]
    return [
        (
            _("Indicators"),
            [(f"{title} · {year}", 60), (year, 12), (before, 12), (_("Change"), 12)],
            figures,
        ),
        (
            _("Units"),
            [(_("Rank"), 8), (_("Organization"), 40), (_("Score"), 10)]
            + [(str(SCORE_LABELS[part]), 14) for part in SCORE_PARTS],
            units,
        ),
        (
            _("Commendations"),
            [
                (_("Status"), 22),
                (_("Commended"), 36),
                (_("Proposed by"), 36),
                (_("Proposed on"), 14),
                (_("Decision number"), 16),
                (_("Decision date"), 14),
            ],
            commendations,
        ),
    ]


def review_xlsx(review: "Review", *, fmt: str = "xlsx") -> HttpResponse:
    """The annual thematic review as an XLSX download, or as a PDF."""
    return _export(
        filename=f"review {review.name} {review.year}",
        title=f"{_('Annual thematic review')} {review.year}: {review.name}",
        subtitle=f"{_('formerly:')} {', '.join(review.formerly)}" if review.formerly else "",
        sheets=review_sheets(review),
        fmt=fmt,
    )


def _unit_name(name: str, formerly: list[str]) -> str:
    return f"{name} ({_('formerly:')} {', '.join(formerly)})" if formerly else name
