"""The report as a workbook: the indicators, the children's main figures and the
rating distribution, one sheet each, headers in the user's language (Vietnamese for
the committees), the header row bold and frozen."""

import io
from collections.abc import Iterable, Sequence
from typing import Any

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
    header = f"{report.organization.name} · {period_label(report)}"
    _sheet(workbook, _("Indicators"), [(header, 60), (_("Value"), 14)], figures)
    _sheet(
        workbook,
        _("Organizations"),
        [(_("Organization"), 40)] + [(str(FIGURES[name]), 14) for name in CHILD_FIGURES],
        (
            [child.name] + [figures[name] for name in CHILD_FIGURES]
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
