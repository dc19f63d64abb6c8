"""Reading uploaded files: formats, refusals, the header and the data rows.

Every file is built in memory: workbooks with openpyxl (no .xls writer is installed,
so .xls is read by the same calamine path but not tested here), an .ods and the
refused files byte by byte.
"""

import codecs
import datetime
import io
import unicodedata
import zipfile

import openpyxl
import pytest

from lienhe213.imports import reading
from lienhe213.imports.columns import LINK_COLUMNS, MEMBER_COLUMNS, MEMBER_REQUIRED
from lienhe213.imports.reading import (
    Header,
    ReadError,
    cell_text,
    data_rows,
    find_header,
    read_rows,
)


def xlsx(*sheets: list[list[object]], merges: tuple[str, ...] = (), hidden: int = -1) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for number, rows in enumerate(sheets):
        sheet = book.create_sheet(f"Sheet{number + 1}")
        for row in rows:
            sheet.append(row)
        if number == 0:
            for cells in merges:
                sheet.merge_cells(cells)
        if number == hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def error_of(content: bytes, filename: str) -> str:
    with pytest.raises(ReadError) as caught:
        read_rows(content, filename)
    return str(caught.value.message)


def to_cp1258(text: str) -> bytes:
    """What Vietnamese Windows saves: letters precomposed (â, ơ, đ…), tones combining."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


MEMBER_SHEET: list[list[object]] = [
    ["ĐẢNG BỘ PHƯỜNG HÀ GIANG 1"],
    ["DANH SÁCH ĐẢNG VIÊN"],
    [],
    ["STT", "Họ và tên", "Ngày sinh", "Giới tính", None, "Số thẻ đảng viên", "Số CCCD"],
    [None, None, None, "Nam", "Nữ", None, None],
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
    [1, "Nguyễn Văn An", datetime.date(1985, 3, 14), "x", None, "12.345.678", 2185001234],
    [None, None, None, None, None, None, None],
    [2, "Đặng Thị Hoa", "14/03/1990", None, "x", "22345678", "002185001235"],
    ["Tổng cộng: 2 đảng viên"],
]
MEMBER_MERGES = ("A1:G1", "A2:G2", "A4:A5", "B4:B5", "C4:C5", "D4:E4", "F4:F5", "G4:G5")


# --- workbooks ------------------------------------------------------------------------


def test_a_members_workbook_reads_as_excel_shows_it():
    # given a list with title rows, a merged Nam/Nữ header, column numbers, a blank row
    # and a total row
    content = xlsx(MEMBER_SHEET, merges=MEMBER_MERGES)
    # when it is read and its header found
    rows = read_rows(content, "danh sach.xlsx")
    header = find_header(rows, MEMBER_COLUMNS, MEMBER_REQUIRED)
    # then the header spans rows 4-5 and the Nam/Nữ sub-columns replace "Giới tính"
    assert header.row_index == 3
    assert header.depth == 2
    fields = ["row_number", "full_name", "birth_date", "gender_male", "gender_female"]
    assert header.mapping == dict(enumerate([*fields, "party_card_number", "citizen_id"]))
    assert header.labels[3:5] == ["Giới tính / Nam", "Giới tính / Nữ"]
    # and only the two members come out, numbered as Excel numbers its rows, with the
    # values as Excel stored them (the citizen ID typed as a number is a float)
    found = dict(data_rows(rows, header))
    assert list(found) == [7, 9]
    assert found[7][:3] == [1.0, "Nguyễn Văn An", datetime.date(1985, 3, 14)]
    assert found[7][3:] == ["x", None, "12.345.678", 2185001234.0]
    assert found[9][2:5] == ["14/03/1990", None, "x"]


def test_rows_keep_excel_positions_when_the_data_starts_away_from_a1():
    content = xlsx(
        [[], [], [None, None, "Họ và tên", "Ngày sinh"], [None, None, "Lò Văn Pọm", "x"]]
    )
    rows = read_rows(content, "x.xlsx")
    assert rows[0] == [None, None, None, None]
    assert list(data_rows(rows, find_header(rows, MEMBER_COLUMNS, MEMBER_REQUIRED))) == [
        (4, [None, None, "Lò Văn Pọm", "x"])
    ]


def test_the_first_visible_sheet_with_data_is_read():
    # given a hidden first sheet, then an empty visible one, then the list
    content = xlsx([["hidden"]], [], [["Họ và tên"]], hidden=0)
    assert read_rows(content, "x.xlsx") == [["Họ và tên"]]


def test_a_workbook_without_data_is_refused():
    assert error_of(xlsx([]), "x.xlsx") == "The workbook has no visible sheet with data."


def with_formula_cell(value_xml: bytes) -> bytes:
    """An .xlsx whose A1 holds the formula =1+2 and, as Excel saves it, a cached value."""
    book = openpyxl.Workbook()
    book.active["A1"] = "=1+2"
    book.active["B1"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    source, target = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>1+2</f><v></v>", b"<f>1+2</f>" + value_xml)
            out.writestr(name, data)
    return target.getvalue()


def test_a_formula_reads_as_the_value_excel_saved_never_evaluated():
    # given a cached value that is not what the formula computes (=1+2 saved as 7)
    rows = read_rows(with_formula_cell(b"<v>7</v>"), "x.xlsx")
    # then the saved value is read, proving nothing is evaluated
    assert rows == [[7.0, "x"]]


def test_a_formula_excel_never_computed_reads_empty():
    # openpyxl writes formulas without a cached value
    assert read_rows(with_formula_cell(b"<v></v>"), "x.xlsx") == [[None, "x"]]


def test_blank_workbook_cells_are_none_and_text_is_composed():
    rows = read_rows(xlsx([["  ", "Nguye\u0302\u0303n", ""]]), "x.xlsx")
    assert rows == [[None, "Nguyễn"]]


def test_nul_characters_are_dropped_from_workbook_text():
    # XML cannot carry a NUL, but a legacy .xls string can; it is dropped, not refused
    assert reading._python_cell("An\x00h") == "Anh"
    assert reading._python_cell("\x00") is None


ODS = "urn:oasis:names:tc:opendocument:xmlns"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"


def test_an_ods_spreadsheet_is_read():
    content = (
        f'<office:document-content xmlns:office="{ODS}:office:1.0" xmlns:text="{ODS}:text:1.0"'
        f' xmlns:table="{ODS}:table:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="S">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Họ và tên</text:p>'
        "</table:table-cell>"
        '<table:table-cell office:value-type="date" office:date-value="1980-03-12"/>'
        "</table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        f'<manifest:manifest xmlns:manifest="{ODS}:manifest:1.0"><manifest:file-entry '
        f'manifest:full-path="/" manifest:media-type="{ODS_TYPE}"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", ODS_TYPE)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    assert read_rows(buffer.getvalue(), "x.ods") == [["Họ và tên", datetime.date(1980, 3, 12)]]


# --- CSV ------------------------------------------------------------------------------

CSV_TEXT = "Họ và tên,Ngày sinh\r\nNguyễn Văn Đức,14/03/1985\r\n"
CSV_ROWS = [["Họ và tên", "Ngày sinh"], ["Nguyễn Văn Đức", "14/03/1985"]]


@pytest.mark.parametrize(
    "content",
    [
        CSV_TEXT.encode("utf-8"),
        CSV_TEXT.encode("utf-8-sig"),
        CSV_TEXT.encode("utf-16"),  # with a BOM
        codecs.BOM_UTF16_BE + CSV_TEXT.encode("utf-16-be"),
        CSV_TEXT.encode("utf-16-le"),  # without a BOM
        to_cp1258(CSV_TEXT),
    ],
    ids=["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-16-le-no-bom", "cp1258"],
)
def test_csv_encodings_are_recognised(content):
    assert read_rows(content, "ds.csv") == CSV_ROWS


def test_cp1258_text_is_composed():
    # given Windows-1258 bytes, which carry tone marks as combining characters
    raw = to_cp1258("Nguyễn")
    assert "\u0303".encode("cp1258") in raw
    # then the cell is the precomposed text people type elsewhere
    assert read_rows(raw, "ds.csv") == [["Nguyễn"]]


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_the_csv_delimiter_is_sniffed(delimiter):
    # given a title line and cells holding the other delimiters inside quotes
    lines = ["DANH SÁCH", f"Họ và tên{delimiter}Nơi cư trú", f'Lò Văn Pọm{delimiter}"Tổ 1, P. A"']
    rows = read_rows("\n".join(lines).encode(), "ds.csv")
    assert rows == [["DANH SÁCH", None], ["Họ và tên", "Nơi cư trú"], ["Lò Văn Pọm", "Tổ 1, P. A"]]


def test_a_semicolon_csv_with_unquoted_commas_is_split_on_semicolons():
    content = "Họ và tên;Địa chỉ\nA B;Tổ 1, phường X\nC D;Tổ 2, phường Y\n".encode()
    assert read_rows(content, "ds.csv")[1] == ["A B", "Tổ 1, phường X"]


def test_a_csv_with_nul_characters_is_refused():
    content = b"H\x00o ten,Ngay sinh\r\nAn,1\x00\r\n"
    assert error_of(content, "ds.csv").startswith("The CSV file contains NUL characters")


def test_a_csv_in_an_unknown_encoding_is_refused():
    # 0x81 is undefined in Windows-1258 and invalid in UTF-8
    assert error_of(b"Ho ten\x81\n", "ds.csv").startswith(
        "The text encoding of the CSV file is not recognised."
    )


def test_a_csv_of_blank_lines_is_empty():
    assert error_of(b",,\r\n , \r\n", "ds.csv") == "The file is empty."


# --- refused files --------------------------------------------------------------------

ADVICE = (
    "Upload the list as an Excel workbook (.xlsx or .xls), an OpenDocument spreadsheet "
    "(.ods) or a CSV file."
)


def test_an_empty_file_is_refused():
    assert error_of(b"", "ds.xlsx") == "The file is empty."


def test_a_pdf_renamed_xlsx_is_refused_by_its_content():
    content = b"%PDF-1.7\n1 0 obj <<>> endobj\n"
    assert (
        error_of(content, "ds.xlsx") == f"This file is a PDF document, not a spreadsheet. {ADVICE}"
    )


def test_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert error_of(buffer.getvalue(), "ds.xlsx") == (
        f"This file is a text document, not a spreadsheet. {ADVICE}"
    )


def test_an_html_table_named_xls_is_refused_with_advice():
    message = error_of(b"<html><body><table><tr><td>1</td></tr></table>", "export.xls")
    assert message.startswith("This file is a web page or an XML file")


def test_a_damaged_workbook_is_refused():
    assert error_of(b"PK\x03\x04" + b"\x00" * 40, "ds.xlsx") == (
        "The file could not be read as a spreadsheet; it may be damaged. Open it in Excel, "
        "save it again and upload the new copy."
    )


MACRO = (
    "Macro-enabled workbooks (.xlsm) are not accepted. Open the file in Excel, save it as "
    ".xlsx (Excel Workbook) and upload it again."
)


def test_an_xlsm_is_refused_by_its_name():
    assert error_of(xlsx([["Họ và tên"]]), "ds.xlsm") == MACRO


def test_an_xlsm_renamed_xlsx_is_refused_by_its_content():
    buffer = io.BytesIO(xlsx([["Họ và tên"]]))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\x00macro")
    assert error_of(buffer.getvalue(), "ds.xlsx") == MACRO


def test_an_encrypted_workbook_is_refused():
    # given an OLE2 compound file naming the EncryptedPackage stream (how Excel wraps an
    # .xlsx protected by a password)
    content = (
        bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le")
    )
    assert error_of(content, "ds.xlsx").startswith("The workbook is protected by a password.")


def test_a_zip_bomb_is_refused_before_it_is_expanded():
    # given a 20 MB member that compresses more than a thousand times
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000
    assert error_of(buffer.getvalue(), "ds.xlsx") == (
        "The file would expand to 20 MB when opened, which no list of members needs; "
        "it cannot be imported."
    )


def test_a_workbook_expanding_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNCOMPRESSED", 1000)
    content = xlsx([["Họ và tên"] * 50])
    assert error_of(content, "ds.xlsx").startswith("The file would expand to 0 MB")


def test_a_file_over_the_size_limit_is_refused():
    content = b"a" * (reading.MAX_BYTES + 1)
    assert error_of(content, "ds.csv") == "The file is 50.0 MB; files up to 50 MB can be imported."


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    message = "The file has more than 2 rows; split it into smaller files."
    assert error_of(b"a\nb\nc\n", "ds.csv") == message
    assert error_of(xlsx([["a"], ["b"], ["c"]]), "ds.xlsx") == message


# --- the header -----------------------------------------------------------------------


def header_of(*rows: list[object]) -> Header:
    return find_header([list(row) for row in rows], MEMBER_COLUMNS, MEMBER_REQUIRED)


def test_header_labels_tolerate_case_punctuation_brackets_and_suffixes():
    header = header_of(
        ["HỌ VÀ TÊN\nĐẢNG VIÊN", "Ngày, tháng, năm sinh (dd/mm/yyyy)", "Số thẻ ĐV", "Ngày sinh"]
    )
    # the second birth-date column is ignored: the leftmost wins
    assert header.mapping == {0: "full_name", 1: "birth_date", 2: "party_card_number"}


def test_a_parent_label_completes_its_sub_labels():
    # "Ngày" merged over "sinh" | "vào Đảng"
    header = header_of(["Họ và tên", "Ngày", None], [None, "sinh", "vào Đảng"])
    assert header.mapping == {0: "full_name", 1: "birth_date", 2: "joined_on"}
    assert header.labels == ["Họ và tên", "Ngày / sinh", "Ngày / vào Đảng"]


def test_a_first_data_row_is_not_taken_for_sub_labels():
    # given a data row whose gender cell is "Nam" right under the header
    header = header_of(["Họ và tên", "Ngày sinh", "Giới tính"], ["Lò Văn Pọm", "1/1/1980", "Nam"])
    assert (header.row_index, header.depth) == (0, 1)
    assert header.mapping == {0: "full_name", 1: "birth_date", 2: "gender"}


def test_a_title_row_is_not_taken_for_a_parent_row():
    header = header_of(["DANH SÁCH ĐẢNG VIÊN"], ["Họ và tên", "Ngày sinh"])
    assert (header.row_index, header.depth) == (1, 1)


def test_no_header_names_the_required_columns():
    with pytest.raises(ReadError) as caught:
        header_of(["a", "b"], ["c", "d"])
    assert str(caught.value.message) == (
        "No recognisable header in the first 30 rows: the file needs at least the columns "
        "“Họ và tên”, “Ngày sinh”."
    )


def test_a_header_missing_a_required_column_says_which():
    with pytest.raises(ReadError) as caught:
        header_of(["DANH SÁCH"], ["STT", "Họ và tên", "Số CCCD"])
    assert str(caught.value.message) == "The header on row 2 has no column “Ngày sinh”."


def test_link_columns_find_their_header():
    header = find_header(
        [["STT", "Họ và tên", "Số GGT", "Ngày ký", "Diện"]],
        LINK_COLUMNS,
        ("full_name", "letter_number"),
    )
    fields = ["row_number", "full_name", "letter_number", "letter_date", "category"]
    assert header.mapping == dict(enumerate(fields))


# --- data rows ------------------------------------------------------------------------


def test_data_rows_skip_totals_and_repeated_headers_but_not_look_alike_names():
    rows: list[list[object]] = [
        ["Họ và tên", "Nơi công tác"],
        ["Tống Công Minh", "Công an tỉnh"],
        ["Họ và tên", "Nơi công tác"],
        ["Cộng tác viên", None],
        ["Tong cong", None],
        ["TOTAL", None],
        ["Tổng số: 1", None],
        [None, "Công ty Cổ phần"],
    ]
    header = find_header(rows, MEMBER_COLUMNS, ("full_name",))
    assert [number for number, _cells in data_rows(rows, header)] == [2, 8]


# --- cell text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("Nguyễn", "Nguyễn"),
        (1234567890.0, "1234567890"),
        (1.5, "1.5"),
        (12, "12"),
        (True, "TRUE"),
        (datetime.date(1985, 3, 4), "04/03/1985"),
        (datetime.datetime(1985, 3, 4), "04/03/1985"),
        (datetime.datetime(1985, 3, 4, 7, 30), "04/03/1985 07:30"),
        (datetime.time(7, 30), "07:30"),
    ],
)
def test_cell_text_shows_the_cell_as_excel_does(value, text):
    assert cell_text(value) == text
