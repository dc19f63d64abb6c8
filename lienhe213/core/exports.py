"""The plumbing every list export shares: a workbook (or the same rows as a PDF) as a
download, its cells, its file name and its export-audit label. Each app's
``exports.py`` keeps only its own columns and rows.

A real spreadsheet: headers in the user's language, dates as date cells shown
dd/mm/yyyy, widths set, the header row frozen. openpyxl's write-only mode streams rows
and is the library's own speed floor (docs/performance.md).
"""

import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils.module_loading import import_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from lienhe213.core import audit
from lienhe213.core.text import fold

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
DATE_FORMAT = "dd/mm/yyyy"

# ``?format=`` values a list page exports to: the workbook, or the same rows as a PDF.
EXPORT_FORMATS = ("xlsx", "pdf")

# One sheet of an export: its title, its (header, width) columns and its rows.
Sheet = tuple[str, Sequence[tuple[str, int]], Iterable[list[Any]]]

# The PDF of a list is laid out by the documents app (its A4 layout and fonts), which
# core may not import: it is named here (or by ``settings.LIST_PDF_RENDERER``) and
# resolved when a PDF is asked for, as ``AUDIT_READER_PATHS`` in ``core.models``. It
# takes ``(title, subtitle, sheets)`` and returns the PDF's bytes, or raises
# ``ListTooLong``.
LIST_PDF_RENDERER = "lienhe213.documents.rendering.sheets_pdf"


class ListTooLong(Exception):
    """The list has more rows than a PDF prints (``limit``); filter it or take the XLSX."""

    def __init__(self, rows: int, limit: int) -> None:
        super().__init__(rows)
        self.rows = rows
        self.limit = limit


def list_pdf_renderer() -> Callable[[str, str, Sequence[Sheet]], bytes]:
    """The function that prints sheets as a PDF (``LIST_PDF_RENDERER``)."""
    renderer: Callable[[str, str, Sequence[Sheet]], bytes] = import_string(
        getattr(settings, "LIST_PDF_RENDERER", LIST_PDF_RENDERER)
    )
    return renderer


def download_name(filename: str, default: str = "export") -> str:
    """``filename`` folded to ASCII and slugified, so that every browser and mail client
    keeps it (``default`` when nothing is left)."""
    return slugify(fold(filename)) or default


def attachment(content: bytes, *, filename: str, content_type: str = XLSX) -> HttpResponse:
    """``content`` as a download named ``filename`` (already safe: see ``download_name``)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def sheet_cell(sheet: WriteOnlyWorksheet, value: Any, *, header: bool = False) -> WriteOnlyCell:
    """One cell of a write-only sheet: dates shown dd/mm/yyyy, headers bold and wrapped,
    and text that starts with "=" kept as text."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        # Text typed by users (a name, a workplace) is never a formula in our files.
        cell.data_type = "s"
    if isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    if header:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def xlsx_response(
    *,
    title: str,
    filename: str,
    columns: Sequence[tuple[str, int]],
    rows: Iterable[list[Any]],
    fmt: str = "xlsx",
) -> HttpResponse:
    """A one-sheet workbook as a download named after ``filename`` (``download_name``);
    ``fmt="pdf"``: the same rows as a PDF table."""
    return xlsx_sheets_response(filename=filename, sheets=[(title, columns, rows)], fmt=fmt)


def xlsx_sheets_response(
    *,
    filename: str,
    sheets: Sequence[Sheet],
    fmt: str = "xlsx",
) -> HttpResponse:
    """A workbook of ``(title, columns, rows)`` sheets, each formatted as above;
    ``fmt="pdf"``: the same sheets as tables of one PDF (``LIST_PDF_RENDERER``), under
    the only sheet's title and ``filename``, or ``filename`` alone over several sheets.
    A list too long to print is refused with a 400 that says so. The download is
    labelled for the export audit (``audit.mark_export``) with its row count."""
    name = download_name(filename)
    written = [0]

    def counted(rows: Iterable[list[Any]]) -> Iterable[list[Any]]:
        for row in rows:
            written[0] += 1
            yield row

    sheets = [(title, columns, counted(rows)) for title, columns, rows in sheets]
    if fmt == "pdf":
        one = len(sheets) == 1
        title = sheets[0][0] if one else filename
        try:
            pdf = list_pdf_renderer()(title, filename if one else "", sheets)
        except ListTooLong as exc:
            message = _(
                "The list has more than %(max)s rows, too many to print: filter it, or "
                "export it to Excel."
            ) % {"max": exc.limit}
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        response = attachment(pdf, filename=f"{name}.pdf", content_type=PDF)
    else:
        response = attachment(xlsx_bytes(sheets), filename=f"{name}.xlsx")
    return audit.mark_export(response, title=filename, rows=written[0])


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The workbook of ``sheets``: widths set, header row bold and frozen."""
    workbook = Workbook(write_only=True)
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        for index, (_header, width) in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        sheet.append([sheet_cell(sheet, header, header=True) for header, _width in columns])
        for row in rows:
            sheet.append([sheet_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
