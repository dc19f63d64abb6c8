"""XLSX (and PDF) exports of the tracking book and of its workplace mirror.

A real spreadsheet: headers in the user's language, dates as date cells shown
dd/mm/yyyy, widths set, the header row frozen. openpyxl's write-only mode streams rows
and is the library's own speed floor (docs/performance.md).
"""

import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from lienhe213.core import audit
from lienhe213.core.text import fold
from lienhe213.registry.models import ResidenceLink

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"


def field_label(name: str) -> str:
    """A link field's own (translated) name, as a column header."""
    return str(capfirst(ResidenceLink._meta.get_field(name).verbose_name))  # type: ignore[union-attr]


def book_columns(on_commune: bool) -> list[tuple[str, int]]:
    """The tracking book's columns (docs/domain.md §5.3, those that exist so far) and widths."""
    columns = [
        (pgettext("row number column", "No."), 6),
        (_("Full name"), 26),
        (_("Date of birth"), 12),
        (_("Gender"), 8),
        (_("Workplace"), 28),
        (field_label("workplace_organization"), 28),
        (_("Residence community"), 18),
        (_("Address"), 26),
        (_("Phone"), 13),
        (field_label("category"), 14),
        (_("Exemption reason"), 28),
        (field_label("letter_form"), 10),
        (field_label("letter_number"), 10),
        (field_label("issued_on"), 12),
        (field_label("received_on"), 12),
        (field_label("assigned_on"), 12),
    ]
    if on_commune:
        columns.append((field_label("residence_cell"), 22))
    columns += [(field_label("status"), 18), (field_label("deadline"), 12), (_("Overdue"), 9)]
    return columns


def book_row(
    number: int, link: ResidenceLink, reason: str, on: datetime.date, on_commune: bool
) -> list[Any]:
    member = link.member
    row: list[Any] = [
        number,
        member.full_name,
        member.birth_date,
        member.get_gender_display(),
        member.workplace_name,
        link.workplace_organization.name,
        member.residence_community.name if member.residence_community else "",
        member.residence_address,
        member.phone,
        _("Category A") if link.category == "a" else link.get_category_display(),
        reason,
        link.get_letter_form_display(),
        f"{link.letter_number}/{link.letter_year}",
        link.issued_on,
        link.received_on,
        link.assigned_on,
    ]
    if on_commune:
        row.append(link.residence_cell.name if link.residence_cell else "")
    row += [link.get_status_display(), link.deadline, _("Yes") if link.is_overdue(on) else ""]
    return row


def workplace_columns() -> list[tuple[str, int]]:
    return [
        (pgettext("row number column", "No."), 6),
        (_("Full name"), 26),
        (_("Date of birth"), 12),
        (_("Party unit"), 26),
        (_("Classification"), 16),
        (field_label("residence_commune_organization"), 28),
        (field_label("residence_cell"), 22),
        (field_label("letter_number"), 10),
        (field_label("issued_on"), 12),
        (field_label("status"), 18),
        (field_label("deadline"), 12),
        (_("Overdue"), 9),
    ]


# The step dates a subtree's list shows: those a report's link figures count.
SUBTREE_DATES = ("issued_on", "received_on", "returned_on", "acknowledged_on", "ended_on")


def subtree_columns() -> list[tuple[str, int]]:
    """The columns of the links of a subtree (the rows behind a report's link figures)."""
    return [
        (pgettext("row number column", "No."), 6),
        (_("Full name"), 26),
        (_("Date of birth"), 12),
        (field_label("workplace_organization"), 28),
        (field_label("residence_commune_organization"), 28),
        (field_label("residence_cell"), 22),
        (field_label("letter_number"), 10),
        (field_label("status"), 18),
        *((field_label(name), 12) for name in SUBTREE_DATES),
    ]


def subtree_row(number: int, link: ResidenceLink) -> list[Any]:
    return [
        number,
        link.member.full_name,
        link.member.birth_date,
        link.workplace_organization.name,
        link.residence_commune_organization.name,
        link.residence_cell.name if link.residence_cell else "",
        f"{link.letter_number}/{link.letter_year}",
        link.get_status_display(),
        *(getattr(link, name) for name in SUBTREE_DATES),
    ]


def sheet_cell(sheet: WriteOnlyWorksheet, value: Any, *, header: bool = False) -> WriteOnlyCell:
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


# ``?format=`` values a list page exports to: the workbook, or the same rows as a PDF.
EXPORT_FORMATS = ("xlsx", "pdf")


def xlsx_response(
    *,
    title: str,
    filename: str,
    columns: Sequence[tuple[str, int]],
    rows: Iterable[list[Any]],
    fmt: str = "xlsx",
) -> HttpResponse:
    """A one-sheet workbook as a download named after ``filename`` (folded, so that every
    browser and mail client keeps it); ``fmt="pdf"``: the same rows as a PDF table."""
    return xlsx_sheets_response(filename=filename, sheets=[(title, columns, rows)], fmt=fmt)


Sheet = tuple[str, Sequence[tuple[str, int]], Iterable[list[Any]]]


def xlsx_sheets_response(
    *, filename: str, sheets: Sequence[Sheet], fmt: str = "xlsx"
) -> HttpResponse:
    """A workbook of ``(title, columns, rows)`` sheets, each formatted as above;
    ``fmt="pdf"``: the same sheets as tables of one PDF (``documents.rendering``)."""
    name = slugify(fold(filename)) or "export"
    written = [0]

    def counted(rows: Iterable[list[Any]]) -> Iterable[list[Any]]:
        for row in rows:
            written[0] += 1
            yield row

    sheets = [(title, columns, counted(rows)) for title, columns, rows in sheets]
    if fmt == "pdf":
        from lienhe213.documents.rendering import LIST_MAX_ROWS, ListTooLong, sheets_pdf

        one = len(sheets) == 1
        title = sheets[0][0] if one else filename
        try:
            pdf = sheets_pdf(title, filename if one else "", sheets)
        except ListTooLong:
            message = _(
                "The list has more than %(max)s rows, too many to print: filter it, or "
                "export it to Excel."
            ) % {"max": LIST_MAX_ROWS}
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return audit.mark_export(response, title=filename, rows=written[0])
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
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return audit.mark_export(response, title=filename, rows=written[0])
