"""Turning a registered document into paper: the party document layout as HTML for
WeasyPrint (PDF, A4) and the same content as an editable DOCX (python-docx).

A ``Paper`` holds the text of one document, always in Vietnamese whatever the UI
language: the content is the official form's. One HTML template and one DOCX builder
render every kind, so the two files never disagree. Rendering is deterministic (no
dates but the document's own), so the PDF's checksum identifies it.
"""

import datetime
import decimal
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats

from lienhe213.core.exports import ListTooLong
from lienhe213.organizations.models import Organization

# Liberation Serif: metric-compatible with Times New Roman, covers Vietnamese (Debian's
# fonts-liberation2; ``make system-deps`` installs it). Fontconfig's name is the fallback.
FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")


@dataclass
class Tick:
    """One rated item of a comment form and its three levels, the chosen one ticked."""

    title: str
    options: list[tuple[str, bool]]


@dataclass
class Paper:
    """The text of one official document, laid out by ``paper.html`` and ``build_docx``."""

    form_label: str
    superior: str
    issuer: str
    number: str
    place_date: str
    title: str
    subtitle: list[str] = field(default_factory=list)
    addressee: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    after_facts: list[str] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    free_text: tuple[str, str] | None = None
    signatures: list[list[str]] = field(default_factory=list)
    receipt: list[str] = field(default_factory=list)
    table_columns: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)
    landscape: bool = False
    # Paragraphs after the table (an annual report's units and commendations).
    closing: list[str] = field(default_factory=list)
    verification_code: str = ""
    verify_url: str = ""

    @property
    def qr_svg(self) -> str:
        """The verification address as a QR code (SVG data URI)."""
        return str(segno.make(self.verify_url, error="m").svg_data_uri(scale=3, border=1))

    def qr_png(self) -> bytes:
        out = io.BytesIO()
        segno.make(self.verify_url, error="m").save(out, kind="png", scale=4, border=1)
        return out.getvalue()


def verify_url(code: str) -> str:
    """The absolute address the QR code opens."""
    return f"{settings.SITE_URL}{reverse('documents:verify', args=[code])}"


def vietnamese_date(day: datetime.date | None) -> str:
    """``ngày 03 tháng 3 năm 2025`` (the party documents' dating style)."""
    if day is None:
        return "ngày … tháng … năm …"
    return f"ngày {day.day:02d} tháng {day.month} năm {day.year}"


def short_date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "…"


def place_of(org: Organization) -> str:
    """The place in the date line: the province the issuer belongs to (its provincial
    committee's administrative unit), else the issuer's own unit."""
    ids = org.ancestor_ids()
    units = {
        o.pk: o
        for o in Organization.objects.filter(pk__in=ids).select_related("administrative_unit")
    }
    for pk in ids:
        unit = units[pk].administrative_unit if pk in units else None
        if unit is not None:
            return unit.name
    return ""


def _font_face() -> str:
    faces = []
    for weight, style, name in (
        ("normal", "normal", "Regular"),
        ("bold", "normal", "Bold"),
        ("normal", "italic", "Italic"),
        ("bold", "italic", "BoldItalic"),
    ):
        path = FONT_DIR / f"LiberationSerif-{name}.ttf"
        source = f"url('{path.as_uri()}'), " if path.exists() else ""
        faces.append(
            "@font-face { font-family: 'Document Serif'; "
            f"src: {source}local('Liberation Serif'); "
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(faces)


def render_html(papers: Sequence[Paper]) -> str:
    """The HTML of ``papers``, one per A4 page (or more when a paper is long)."""
    return render_to_string("documents/paper.html", {"papers": papers, "font_face": _font_face()})


def render_pdf(papers: Sequence[Paper]) -> bytes:
    """One PDF with every paper, each starting on a new page."""
    from weasyprint import HTML

    return bytes(HTML(string=render_html(papers)).write_pdf())


def template_pdf(template: str, context: dict[str, Any]) -> bytes:
    """A page of another app's own layout as a PDF with the documents' fonts (a cell's
    notice for the residents' board): ``font_face`` is added to ``context``."""
    from weasyprint import HTML

    html = render_to_string(template, {**context, "font_face": _font_face()})
    return bytes(HTML(string=html).write_pdf())


# A list with more columns than this is printed on A4 landscape.
PORTRAIT_MAX_COLUMNS = 6
# ... and in smaller type with more than this.
WIDE_COLUMNS = 12

# One table of a list export: its title, its columns (a header, or the XLSX export's
# (header, width): the PDF sizes its columns to their content) and its rows.
ListSheet = tuple[str, Sequence[str | tuple[str, int]], Iterable[Sequence[Any]]]


def list_cell(value: Any) -> str:
    """A value of a list export as printed: dates dd/mm/yyyy, decimals with the active
    language's separator (71,4 in Vietnamese), nothing for None. Whole numbers are left
    as they are: some are years or registered numbers, which take no grouping."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, float | decimal.Decimal):
        return formats.number_format(value, use_l10n=True)
    return str(value)


def list_pdf(
    title: str,
    subtitle: str,
    headers: Sequence[str | tuple[str, int]],
    rows: Iterable[Sequence[Any]],
) -> bytes:
    """A list (the rows of an XLSX export) as a PDF: A4, landscape when it has more than
    ``PORTRAIT_MAX_COLUMNS`` columns, Liberation Serif, the table header repeated on
    every page, page numbers at the foot."""
    return sheets_pdf(title, subtitle, [(title, headers, rows)])


# WeasyPrint holds every laid-out page until the end (about 0.2 MB a row of a list):
# a long list is rendered this many rows at a time and the parts joined, and a list
# longer than ``LIST_MAX_ROWS`` (hundreds of pages nobody prints) is refused.
LIST_CHUNK_ROWS = 1000
LIST_MAX_ROWS = 5000


def sheets_pdf(title: str, subtitle: str, sheets: Sequence[ListSheet]) -> bytes:
    """Several lists in one PDF, one table after the other under its own heading (the
    sheets of a workbook); the page is landscape when any table is wide. Raises
    ``ListTooLong`` past ``LIST_MAX_ROWS`` rows in all."""
    tables = []
    count = 0
    for name, headers, rows in sheets:
        cells = []
        for row in rows:
            count += 1
            if count > LIST_MAX_ROWS:
                raise ListTooLong(count, LIST_MAX_ROWS)
            cells.append([list_cell(value) for value in row])
        columns = [h if isinstance(h, str) else h[0] for h in headers]
        tables.append({"title": name, "columns": columns, "rows": cells})
    most = max((len(table["columns"]) for table in tables), default=0)
    wide = most > PORTRAIT_MAX_COLUMNS
    context = {
        "title": title,
        "subtitle": subtitle,
        "several": len(tables) > 1,
        "landscape": wide,
        # Smaller type for the widest lists (the tracking book has 20 columns).
        "font_size": 10 if not wide else 9 if most <= WIDE_COLUMNS else 7,
        "font_face": _font_face(),
    }
    parts = _list_parts(tables)
    if len(parts) == 1:
        return _list_part_pdf({**context, "tables": parts[0], "numbered": True})
    pdfs = [
        _list_part_pdf({**context, "tables": part, "numbered": False, "continued": i > 0})
        for i, part in enumerate(parts)
    ]
    return _number_pages(join_pdfs(pdfs), context)


def _list_parts(tables: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The tables cut into parts of at most ``LIST_CHUNK_ROWS`` rows; a table's heading
    only on its first slice."""
    parts: list[list[dict[str, Any]]] = [[]]
    room = LIST_CHUNK_ROWS
    for table in tables:
        rows = table["rows"]
        first = True
        while first or rows:
            if room == 0:
                parts.append([])
                room = LIST_CHUNK_ROWS
            piece, rows = rows[:room], rows[room:]
            parts[-1].append({**table, "rows": piece, "heading": first})
            room -= len(piece)
            first = False
    return parts


def _list_part_pdf(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=render_to_string("documents/list.html", context)).write_pdf())


def _number_pages(pdf: bytes, context: dict[str, Any]) -> bytes:
    """Stamp "page / pages" at the foot of every page of a list joined from parts: a
    document of as many empty pages with only the footer, laid over the list's."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    total = len(reader.pages)
    footer = render_to_string(
        "documents/list.html", {**context, "tables": [], "blank_pages": range(total)}
    )
    from weasyprint import HTML

    numbers = PdfReader(io.BytesIO(HTML(string=footer).write_pdf()))
    writer = PdfWriter(clone_from=reader)
    for page, number in zip(writer.pages, numbers.pages, strict=True):
        page.merge_page(number)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def join_pdfs(parts: Sequence[bytes]) -> bytes:
    """One PDF from several, pages in order (pypdf). A batch renders its letters in
    chunks and joins the chunks' files: holding every laid-out page of 1,655 letters
    until the end would take gigabytes."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_files(files: Sequence[tuple[str, bytes]]) -> bytes:
    """A ZIP archive of ``(name, content)`` files, in order, with a fixed timestamp so
    that the same files give the same archive."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return out.getvalue()


def build_docx(paper: Paper) -> bytes:
    """The same paper as an editable Word document (A4, Times New Roman)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    if paper.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)

    def line(
        cell_or_doc: object,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        center: bool = False,
        underline: bool = False,
        size: int | None = None,
    ) -> None:
        para = cell_or_doc.add_paragraph()  # type: ignore[attr-defined]
        run = para.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
        if center:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER

    line(doc, paper.form_label, italic=True, size=11)
    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.paragraphs[0].add_run(paper.superior.upper())
    line(left, paper.issuer.upper(), bold=True, center=True)
    line(left, "*", center=True)
    line(left, paper.number, center=True)
    right.paragraphs[0].add_run("ĐẢNG CỘNG SẢN VIỆT NAM").bold = True
    line(right, paper.place_date, italic=True, underline=False, center=True)
    for para in (left.paragraphs[0], right.paragraphs[0]):
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line(doc, paper.title, bold=True, center=True, size=15)
    for text in paper.subtitle:
        line(doc, text, bold=True, center=True)
    for text in paper.addressee:
        line(doc, text, center=True)
    for text in paper.paragraphs:
        line(doc, text)
    for label, value in paper.facts:
        para = doc.add_paragraph()
        para.add_run(f"{label}: ")
        para.add_run(value).bold = True
    for text in paper.after_facts:
        line(doc, text)
    for tick in paper.ticks:
        line(doc, tick.title, bold=True)
        line(doc, "    ".join(("☒ " if on else "☐ ") + label for label, on in tick.options))
    if paper.table_columns:
        table = doc.add_table(rows=1 + len(paper.table_rows), cols=len(paper.table_columns))
        table.style = "Table Grid"
        for row, values in zip(table.rows, [paper.table_columns, *paper.table_rows], strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
        for cell in table.rows[0].cells:
            for run in cell.paragraphs[0].runs:
                run.bold = True
    for text in paper.closing:
        line(doc, text)
    if paper.free_text:
        line(doc, paper.free_text[0], bold=True)
        line(doc, paper.free_text[1] or "…")
    if paper.signatures:
        table = doc.add_table(rows=1, cols=len(paper.signatures))
        for cell, block in zip(table.rows[0].cells, paper.signatures, strict=True):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            for position, text in enumerate(block):
                if position == 0:
                    cell.paragraphs[0].add_run(text).bold = True
                else:
                    line(cell, text, bold=True, center=True)
    for text in paper.receipt:
        line(doc, text, center=text.isupper())
    if paper.verify_url:
        doc.add_paragraph().add_run().add_picture(io.BytesIO(paper.qr_png()), width=Cm(2.5))
        line(doc, f"Mã xác thực: {paper.verification_code}", size=10)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
