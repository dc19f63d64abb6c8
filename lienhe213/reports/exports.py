"""The report as a workbook: the indicators, the children's main figures and the
rating distribution, one sheet each, headers in the user's language (Vietnamese for
the committees), the header row bold and frozen."""

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lienhe213.core.text import fold
from lienhe213.registry.exports import XLSX
from lienhe213.registry.models import Reason
from lienhe213.reports.charts import distribution
from lienhe213.reports.indicators import CHILD_FIGURES, FIGURES, Report

if TYPE_CHECKING:
    from lienhe213.reports.review import Review


def _sheet(
    workbook: Workbook, title: str, headers: Sequence[tuple[str, int]], rows: Iterable[list[Any]]
) -> None:
    sheet: Worksheet = workbook.create_sheet(title=title[:31])
    sheet.append([header for header, _width in headers])
    for index, (_header, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(row)


def _display_name(report: Report, org: Any) -> str:
    """The name on the report's tree day, with the units folded into it (ADR 0009)."""
    return _unit_name(report.name_of(org), report.formerly.get(org.pk, []))


def period_label(report: Report) -> str:
    period = report.period
    if period.year is not None:
        return str(period.year)
    return f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"


def report_xlsx(report: Report) -> HttpResponse:
    """The report of one organization and period as an XLSX download."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    figures = [[str(label), report.figures[name]] for name, label in FIGURES.items()]
    figures += [
        [f"{_('Reason')}: {Reason(reason).label}", count]
        for reason, count in report.reasons.items()
    ]
    figures.append([_("Reconciliation problems open"), report.problems_open])
    header = f"{report.name_of(report.organization)} · {period_label(report)}"
    _sheet(workbook, _("Indicators"), [(header, 60), (_("Value"), 14)], figures)
    _sheet(
        workbook,
        _("Organizations"),
        [(_("Organization"), 40)] + [(str(FIGURES[name]), 14) for name in CHILD_FIGURES],
        (
            [_display_name(report, child)] + [figures[name] for name in CHILD_FIGURES]
            for child, figures in report.children
        ),
    )
    rows = []
    for bar in distribution(report):
        for segment in bar.segments:
            rows.append([bar.label, segment.label, segment.count])
    _sheet(workbook, _("Ratings"), [(_("Item"), 50), (_("Level"), 30), (_("Comments"), 12)], rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    name = slugify(fold(f"{report.organization.name} {period_label(report)}")) or "report"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def review_xlsx(review: "Review") -> HttpResponse:
    """The annual thematic review as an XLSX download: the figures beside the previous
    year's, the units ranked on their score, the commendations."""
    from lienhe213.reports.review import SCORE_LABELS, SCORE_PARTS

    workbook = Workbook()
    workbook.remove(workbook.active)
    year, before = str(review.year), str(review.year - 1)
    title = _unit_name(review.name, review.formerly)
    _sheet(
        workbook,
        _("Indicators"),
        [(f"{title} · {year}", 60), (year, 12), (before, 12), (_("Change"), 12)],
        ([str(row.label), row.current, row.previous, row.change] for row in review.rows),
    )
    _sheet(
        workbook,
        _("Units"),
        [(_("Rank"), 8), (_("Organization"), 40), (_("Score"), 10)]
        + [(str(SCORE_LABELS[part]), 14) for part in SCORE_PARTS],
        (
            [rank, _unit_name(unit.name, unit.formerly), unit.score]
            + [
                None if unit.parts[p] is None else round(100 * (unit.parts[p] or 0), 1)
                for p in SCORE_PARTS
            ]
            for rank, unit in enumerate(review.ranked, start=1)
        ),
    )
    rows: list[list[Any]] = [
        [_("Recommended by a comment"), r.member_name, r.cell_name, "", "", ""]
        for r in review.recommended
    ]
    for c in [*review.proposed, *review.decided, *review.rejected]:
        rows.append(
            [
                c.get_status_display(),
                str(c.subject),
                str(c.proposed_by_organization),
                c.proposed_on,
                c.decision_number,
                c.decided_on,
            ]
        )
    _sheet(
        workbook,
        _("Commendations"),
        [
            (_("Status"), 22),
            (_("Commended"), 36),
            (_("Proposed by"), 36),
            (_("Proposed on"), 14),
            (_("Decision number"), 16),
            (_("Decision date"), 14),
        ],
        rows,
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    name = slugify(fold(f"{review.name} {review.year}")) or "review"
    response["Content-Disposition"] = f'attachment; filename="review-{name}.xlsx"'
    return response


def _unit_name(name: str, formerly: list[str]) -> str:
    return f"{name} ({_('formerly:')} {', '.join(formerly)})" if formerly else name
