"""Turning an uploaded file into rows of cells, and finding the header among them.

``read_rows`` reads Excel (.xlsx, .xls, .xlsb), OpenDocument (.ods) and CSV files. The
format is decided by the file's first bytes, never by its name alone: offices rename
files freely (a PDF called .xlsx, a CSV called .xls). A file that cannot be imported at
all raises ``ReadError`` with a message that says what to do.

Workbooks are read with calamine, which returns the value Excel saved for a formula
cell and never evaluates formulas (a formula Excel never computed reads as empty).
Cells come back as Python values: text, int/float, bool, date/datetime/time, and None
for an empty cell (an empty or whitespace-only text too), so that "is this cell empty"
has one answer. Numbers are kept as Excel stored them (a citizen ID typed as a number
is the float 1234567890.0); restoring its leading zeros is the cleaner's job.

``find_header`` then locates the header row below any title rows, including a header
split over two rows by merged cells, and ``data_rows`` yields the rows after it.
"""

import codecs
import csv
import datetime
import io
import itertools
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

import python_calamine
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lienhe213.imports.cleaning import Cell, cell_text, interpolate
from lienhe213.imports.columns import fold_header

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "Cell",
    "Header",
    "ReadError",
    "cell_text",
    "data_rows",
    "find_header",
    "read_rows",
]

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_CELLS = 10_000_000  # 200,000 rows of 50 columns; a sheet "used" up to XFD1048576 is not
MAX_UNCOMPRESSED = 500 * 1024 * 1024  # what a zip-based workbook may expand to
MAX_RATIO = 100  # sheet XML compresses 10-20 times; 100 times is a zip bomb's signature
BIG_MEMBER = 10 * 1024 * 1024  # the ratio matters only for a member this large
HEADER_SCAN_ROWS = 30

_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ReadError(Exception):
    """A file that cannot be imported at all; ``message`` (lazy) says why and what to do."""

    def __init__(self, message: str | Promise):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def _not_spreadsheet(kind: str | Promise | None = None) -> ReadError:
    advice = _(
        "Upload the list as an Excel workbook (.xlsx or .xls), an OpenDocument spreadsheet "
        "(.ods) or a CSV file."
    )
    if kind is None:
        return ReadError(
            interpolate(_("This file is not a spreadsheet. %(advice)s"), advice=advice)
        )
    return ReadError(
        interpolate(
            _("This file is %(kind)s, not a spreadsheet. %(advice)s"), kind=kind, advice=advice
        )
    )


def _damaged() -> ReadError:
    return ReadError(
        _(
            "The file could not be read as a spreadsheet; it may be damaged. Open it in "
            "Excel, save it again and upload the new copy."
        )
    )


def _sniff_other(content: bytes) -> ReadError | None:
    """The error for a known non-spreadsheet format (by its magic bytes), if any."""
    head = content[:8]
    kinds: list[tuple[tuple[bytes, ...], str | Promise]] = [
        ((b"%PDF",), _("a PDF document")),
        ((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM"), _("an image")),
        ((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b"), _("a compressed archive")),
        ((b"{\\rtf",), _("a Word document")),
    ]
    for magics, kind in kinds:
        if head.startswith(magics):
            return _not_spreadsheet(kind)
    start = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        # Many systems export an HTML table or an Excel 2003 XML file named .xls.
        return ReadError(
            _(
                "This file is a web page or an XML file with a spreadsheet's name, not a "
                "real workbook (many systems export such files). Open it in Excel, save it "
                "as .xlsx (Excel Workbook) and upload it again."
            )
        )
    return None


def read_rows(content: bytes, filename: str) -> list[list[Cell]]:
    """The rows of the file's first visible worksheet with data (or of the CSV file),
    every row as long as the longest; row 0 is the spreadsheet's row 1."""
    if not content:
        raise ReadError(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise ReadError(
            interpolate(
                _("The file is %(size)s MB; files up to %(limit)s MB can be imported."),
                size=round(len(content) / 1024 / 1024, 1),
                limit=MAX_BYTES // 1024 // 1024,
            )
        )
    extension = PurePath(filename).suffix.lower()
    if extension in (".xlsm", ".xltm"):
        raise _macro_error()
    if content.startswith(_ZIP):
        _check_zip(content, extension)
        return _read_workbook(content)
    if content.startswith(_OLE2):
        _check_ole2(content)
        return _read_workbook(content)
    if (error := _sniff_other(content)) is not None:
        raise error
    return _read_csv(content)


# --- workbooks ------------------------------------------------------------------------


def _macro_error() -> ReadError:
    return ReadError(
        _(
            "Macro-enabled workbooks (.xlsm) are not accepted. Open the file in Excel, save "
            "it as .xlsx (Excel Workbook) and upload it again."
        )
    )


def _encrypted_error() -> ReadError:
    return ReadError(
        _(
            "The workbook is protected by a password. Open it in Excel, remove the password "
            "(File › Info › Protect Workbook › Encrypt with Password), save it and upload "
            "it again."
        )
    )


def _check_zip(content: bytes, extension: str) -> None:
    """Refuse a zip bomb before calamine expands it, then tell an Excel or OpenDocument
    workbook from other zip files (a Word document, a plain archive) and from a
    macro-enabled workbook renamed .xlsx. The sizes checked are the ones the archive
    declares; calamine reads each member only up to its declared size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _damaged() from None
    total = sum(info.file_size for info in infos)
    bomb = any(
        info.file_size > BIG_MEMBER and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        for info in infos
    )
    if total > MAX_UNCOMPRESSED or bomb:
        raise ReadError(
            interpolate(
                _(
                    "The file would expand to %(size)s MB when opened, which no list of "
                    "members needs; it cannot be imported."
                ),
                size=total // 1024 // 1024,
            )
        )
    names = {info.filename for info in infos}
    if "xl/vbaProject.bin" in names:
        raise _macro_error()
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        types = archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
        if (
            types is not None
            and types.file_size < 1024 * 1024
            and b"macroEnabled" in archive.read(types)
        ):
            raise _macro_error()
        return
    if "mimetype" in names and archive.read("mimetype").startswith(
        b"application/vnd.oasis.opendocument.spreadsheet"
    ):
        return
    if "word/document.xml" in names or "mimetype" in names:
        raise _not_spreadsheet(_("a text document"))
    raise _not_spreadsheet(_("a compressed archive"))


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _check_ole2(content: bytes) -> None:
    """An OLE2 compound file is a legacy .xls, a legacy .doc, or a password-encrypted
    Office file of any kind: encryption wraps even an .xlsx in OLE2, with the streams
    "EncryptionInfo" and "EncryptedPackage" whose UTF-16 names sit in its directory."""
    if _utf16("EncryptedPackage") in content or _utf16("EncryptionInfo") in content:
        raise _encrypted_error()
    if _utf16("WordDocument") in content:
        raise _not_spreadsheet(_("a Word document"))


def _python_cell(value: object) -> Cell:
    """A calamine value as a ``Cell``: empty text and error cells (which calamine gives
    as "") become None; NULs are stripped from text (some exporters pad with them);
    a duration ([h]:mm) becomes a time of day, or text beyond 24 hours."""
    if isinstance(value, str):
        text = value.replace("\x00", "")
        return unicodedata.normalize("NFC", text) if text.strip() else None
    if isinstance(value, datetime.timedelta):
        seconds = int(value.total_seconds())
        if 0 <= seconds < 24 * 3600:
            return datetime.time(seconds // 3600, seconds // 60 % 60, seconds % 60)
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}"
    if isinstance(value, bool | int | float | datetime.date | datetime.time):
        return value
    return None


def _read_workbook(content: bytes) -> list[list[Cell]]:
    """The first visible worksheet that has data (an empty "Sheet1" before the list is
    common); hidden sheets, chart sheets and macro sheets are passed over."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        for meta in workbook.sheets_metadata:
            if meta.visible != python_calamine.SheetVisibleEnum.Visible:
                continue
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            end = sheet.end
            if end is None:
                continue
            height, width = end[0] + 1, end[1] + 1
            if height > MAX_ROWS:
                raise _too_many_rows()
            if height * width > MAX_CELLS:
                raise ReadError(
                    interpolate(
                        _(
                            "The sheet is too large to import (%(rows)s rows × %(columns)s "
                            "columns); delete the unused rows and columns and save it again."
                        ),
                        rows=height,
                        columns=width,
                    )
                )
            rows = [
                [_python_cell(value) for value in row]
                for row in sheet.to_python(skip_empty_area=False)
            ]
            if any(value is not None for row in rows for value in row):
                return rows
    except ReadError:
        raise
    except python_calamine.PasswordError:
        raise _encrypted_error() from None
    except Exception:  # a parser failing on a damaged or hostile file, whatever its error
        raise _damaged() from None
    raise ReadError(_("The workbook has no visible sheet with data."))


def _too_many_rows() -> ReadError:
    return ReadError(
        interpolate(
            _("The file has more than %(limit)s rows; split it into smaller files."),
            limit=f"{MAX_ROWS:,}".replace(",", "."),
        )
    )


# --- CSV ------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")


def _encoding_error() -> ReadError:
    return ReadError(
        _(
            "The text encoding of the CSV file is not recognised. Save it from Excel as "
            "“CSV UTF-8 (Comma delimited)” and upload it again."
        )
    )


def _utf16_without_bom(content: bytes) -> str | None:
    """UTF-16 without a byte-order mark: NULs at every other byte, as the high byte of
    the ASCII letters, digits and separators that make up most of a Vietnamese list (a
    third is plenty; UTF-8 and Windows-1258 text has no NUL at all). Checked before
    UTF-8, since ASCII text in UTF-16 is also valid UTF-8."""
    head = content[:1024]
    even, odd = head[0::2], head[1::2]
    if len(head) < 4:
        return None
    # The other half may hold a few NULs: U+0300 (a combining grave) is 00 03 in LE.
    if odd.count(0) * 3 >= len(odd) and even.count(0) * 10 <= odd.count(0):
        return "utf-16-le"
    if even.count(0) * 3 >= len(even) and odd.count(0) * 10 <= even.count(0):
        return "utf-16-be"
    return None


def _decode(content: bytes) -> str:
    """The CSV's text: by its BOM (UTF-8, UTF-16 LE/BE), else UTF-16 recognised by its
    NULs, else UTF-8, else Windows-1258 (what Vietnamese Excel saves as "CSV (Comma
    delimited)"). Windows-1258 writes most tone marks as combining characters, so the
    text is composed (NFC) to compare equal to what people type elsewhere."""
    encoding = next((enc for bom, enc in _BOMS if content.startswith(bom)), None)
    if encoding is not None:
        bom = next(bom for bom, enc in _BOMS if enc == encoding)
        body = content[len(bom) :]
    else:
        body = content
        encoding = _utf16_without_bom(content)
    candidates = [encoding] if encoding else ["utf-8", "cp1258"]
    for candidate in candidates:
        try:
            return unicodedata.normalize("NFC", body.decode(candidate))
        except UnicodeDecodeError:
            continue
    raise _encoding_error()


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel's CSV where the decimal mark is a comma) or tab: the one
    that splits the most of the first lines into the same number of cells (title lines
    have a single cell whatever the delimiter; an unquoted comma in an address only
    upsets the comma's count)."""
    lines = [line for line in text.splitlines()[:50] if line.strip()][:20]
    best, best_score = ",", (0, 0)
    for delimiter in ",;\t":
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        counts = Counter(width for width in widths if width > 1)
        if not counts:
            continue
        width, count = counts.most_common(1)[0]
        if (count, width) > best_score:
            best, best_score = delimiter, (count, width)
    return best


def _read_csv(content: bytes) -> list[list[Cell]]:
    """Rows of a CSV file, every cell text (or None when empty).

    A CSV with NUL characters is refused, not cleaned: after the decoding above, NULs
    mean a UTF-16 file that could not be recognised, and stripping them would import
    garbled text. (Spreadsheet cells, by contrast, lose stray NULs silently: there the
    encoding is not in doubt.)"""
    text = _decode(content)
    sample = text[:4096]
    if len(_CONTROL.findall(sample)) * 100 > len(sample):
        raise _not_spreadsheet()
    if "\x00" in text:
        raise ReadError(
            _(
                "The CSV file contains NUL characters, so it is not plain text (it may be "
                "UTF-16 without a marker). Save it from Excel as “CSV UTF-8 (Comma "
                "delimited)” and upload it again."
            )
        )
    rows: list[list[Cell]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise _too_many_rows()
            rows.append([value if value.strip() else None for value in row])
    except csv.Error:
        raise ReadError(
            interpolate(_("The CSV file is malformed near line %(line)s."), line=reader.line_num)
        ) from None
    if not any(value is not None for row in rows for value in row):
        raise ReadError(_("The file is empty."))
    width = max(len(row) for row in rows)
    return [row + [None] * (width - len(row)) for row in rows]


# --- the header -----------------------------------------------------------------------


@dataclass
class Header:
    """Where the header is and what its columns mean.

    ``row_index`` is the 0-based index of the (first) header row; ``depth`` is 2 when
    a second row of sub-labels completes it. ``labels`` are the header texts by column
    ("Giới tính / Nam" for a sub-column). ``mapping`` maps a column index to its field;
    a field maps from one column only (the leftmost)."""

    row_index: int
    labels: list[str]
    mapping: dict[int, str]
    depth: int = 1


# Words a header may add after a field's label: "Ngày sinh của đảng viên", "Số thẻ ĐV".
_TOLERATED_SUFFIXES = ("cua dang vien", "dang vien", "dv")


def _labels(row: Sequence[Cell]) -> list[str]:
    return [" ".join(cell_text(value).split()) for value in row]


def _match(label: str, index: Mapping[str, str]) -> str | None:
    """The field a header label names: its folded text equals an alias, once what
    brackets hold is dropped ("Ngày sinh (dd/mm/yyyy)", "Họ và tên (1)") and once a
    tolerated suffix is dropped. Nothing fuzzier: a wrong guess would import a column
    into the wrong field."""
    for key in (fold_header(label), fold_header(re.sub(r"\([^)]*\)", " ", label))):
        if key in index:
            return index[key]
        for suffix in _TOLERATED_SUFFIXES:
            if key.endswith(" " + suffix) and key[: -len(suffix) - 1] in index:
                return index[key[: -len(suffix) - 1]]
    return None


def _row_fields(labels: list[str], index: Mapping[str, str]) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for column, label in enumerate(labels):
        field = _match(label, index) if label else None
        if field is not None and field not in mapping.values():
            mapping[column] = field
    return mapping


def _combine(
    top: list[str], sub: list[str], index: Mapping[str, str]
) -> tuple[dict[int, str], list[str]] | None:
    """The mapping and labels of a header on two rows, or None when ``sub`` is not a
    row of sub-labels.

    A merged cell keeps its text in its first column only: "Giới tính" merged over two
    columns leaves the second empty, and the row below holds "Nam" | "Nữ". Every
    sub-label is read under its parent: the label above it, or the nearest one to the
    left while the top row stays empty. A sub-label names a field alone ("Nữ") or with
    its parent ("Ngày tháng năm" + "sinh") and then replaces the parent's field in that
    column. ``sub`` is data, not sub-labels, when a cell under a recognised column
    names no field ("Nguyễn Văn An" under "Họ và tên")."""
    width = max(len(top), len(sub))
    top, sub = top + [""] * (width - len(top)), sub + [""] * (width - len(sub))
    top_fields = {column: _match(label, index) for column, label in enumerate(top) if label}
    mapping: dict[int, str] = {}
    labels = list(top)
    parent, changed = "", False
    for column, (above, below) in enumerate(zip(top, sub, strict=True)):
        if above:
            parent = above
        elif not below:
            parent = ""  # a gap ends a merged cell
        if not below:
            if (kept := top_fields.get(column)) is not None:
                mapping[column] = kept
            continue
        field = _match(below, index) or (_match(f"{parent} {below}", index) if parent else None)
        labels[column] = f"{parent} / {below}" if parent else below
        if field is None:
            if top_fields.get(column):
                return None
            continue
        changed = changed or field != top_fields.get(column)
        mapping[column] = field
    if not changed:
        return None
    unique: dict[int, str] = {}
    for column, field in mapping.items():
        if field not in unique.values():
            unique[column] = field
    return unique, labels


def _quoted(labels: Sequence[str]) -> str:
    return ", ".join(f"“{label}”" for label in labels)


def find_header(
    rows: Sequence[Sequence[Cell]], aliases: Mapping[str, Sequence[str]], required: Sequence[str]
) -> Header:
    """The header among the first 30 rows: the row (or pair of rows, see ``_combine``)
    that names the most fields and all the ``required`` ones; the first such row wins a
    tie. A two-row reading is used only when it names more fields than either row alone,
    so a title row above the header is never mistaken for a parent row."""
    index: dict[str, str] = {}
    for field, names in aliases.items():
        for name in names:
            index.setdefault(fold_header(name), field)
    best: Header | None = None
    closest: Header | None = None  # the best header lacking a required column
    for row_index in range(min(len(rows), HEADER_SCAN_ROWS)):
        top = _labels(rows[row_index])
        candidate = Header(row_index, top, _row_fields(top, index))
        if row_index + 1 < len(rows):
            sub = _labels(rows[row_index + 1])
            combined = _combine(top, sub, index)
            alone = max(len(candidate.mapping), len(_row_fields(sub, index)))
            if combined is not None and len(combined[0]) > alone:
                candidate = Header(row_index, combined[1], combined[0], depth=2)
        score = len(candidate.mapping)
        if all(field in candidate.mapping.values() for field in required):
            if best is None or score > len(best.mapping):
                best = candidate
        elif score >= 2 and (closest is None or score > len(closest.mapping)):
            closest = candidate
    if best is not None:
        return best
    first_labels = [aliases[field][0] for field in required]
    if closest is not None:
        missing = [aliases[f][0] for f in required if f not in closest.mapping.values()]
        raise ReadError(
            interpolate(
                _("The header on row %(row)s has no column %(columns)s."),
                row=closest.row_index + 1,
                columns=_quoted(missing),
            )
        )
    raise ReadError(
        interpolate(
            _(
                "No recognisable header in the first %(count)s rows: the file needs at "
                "least the columns %(columns)s."
            ),
            count=HEADER_SCAN_ROWS,
            columns=_quoted(first_labels),
        )
    )


# --- data rows ------------------------------------------------------------------------

# A summary row starts with one of these words. Compared with tone marks: folded,
# "Tổng cộng" would also match the member "Tống Công Minh" and "Cộng" the "Công an".
_TOTAL = re.compile(r"^(tổng cộng|tổng số|cộng|total)(?![^\W\d_])", re.IGNORECASE)
_TOTAL_FOLDED = {"tong cong", "tong so", "total"}
_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,3})\)?$")


def _is_total(cells: Sequence[Cell]) -> bool:
    """A summary row ("Tổng cộng: 25 đảng viên") is one whose first filled cell is text
    starting with a total word: data rows start with their number or a name."""
    first = next((value for value in cells if value is not None), None)
    if not isinstance(first, str):
        return False
    text = unicodedata.normalize("NFC", first.strip())
    return bool(_TOTAL.match(text)) or fold_header(text) in _TOTAL_FOLDED


def _is_column_numbering(cells: Sequence[Cell]) -> bool:
    """The row of column numbers many forms print under the header: (1) (2) (3)…"""
    numbers: list[int] = []
    for value in cells:
        if value is None:
            continue
        match = _COLUMN_NUMBER.match(cell_text(value).strip())
        if match is None:
            return False
        numbers.append(int(match[1]))
    return len(numbers) >= 3 and all(b == a + 1 for a, b in itertools.pairwise(numbers))


def _repeats_header(cells: Sequence[Cell], keys: Mapping[int, set[str]]) -> bool:
    """A header printed again further down (a list pasted from several pages): every
    filled cell under a mapped column equals one of that column's header labels, and
    at least two do (one when a single column is mapped)."""
    matches = 0
    for column, labels in keys.items():
        value = cells[column] if column < len(cells) else None
        if value is None:
            continue
        if fold_header(cell_text(value)) not in labels:
            return False
        matches += 1
    return matches >= min(2, len(keys))


def data_rows(rows: Sequence[Sequence[Cell]], header: Header) -> Iterator[tuple[int, list[Cell]]]:
    """(row number as Excel shows it, cells) for every row below the header, skipping
    blank rows, summary rows, the row of column numbers and repeated headers."""
    header_rows = rows[header.row_index : header.row_index + header.depth]
    keys = {
        column: {fold_header(cell_text(row[column])) for row in header_rows if column < len(row)}
        - {""}
        for column in header.mapping
    }
    for index in range(header.row_index + header.depth, len(rows)):
        cells = list(rows[index])
        if all(value is None for value in cells):
            continue
        if _is_total(cells) or _is_column_numbering(cells) or _repeats_header(cells, keys):
            continue
        yield index + 1, cells
