"""The workbooks the import pages give: the rejected rows to correct, and a blank
template per kind of file."""

import io
from collections.abc import Sequence

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from lienhe213.core import audit
from lienhe213.core.exports import sheet_cell
from lienhe213.imports.models import ImportBatch, ImportRow


def error_workbook(batch: ImportBatch) -> bytes:
    """The rejected rows exactly as they were typed, under the file's own headers, with a
    last column giving every reason: the clerk corrects them in Excel and imports this
    file again (the reasons column is not read back)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Rejected rows")[:31])
    with translation.override(batch.language):
        reason = _("Reason")
    labels = list(batch.labels)
    sheet.freeze_panes = "A2"
    for index in range(1, len(labels) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 18
    sheet.column_dimensions[get_column_letter(len(labels) + 1)].width = 60
    sheet.append([sheet_cell(sheet, label, header=True) for label in [*labels, reason]])
    rows = (
        ImportRow.objects.filter(batch=batch, outcome=ImportRow.Outcome.REJECTED)
        .order_by("number")
        .values_list("cells", "reasons")
    )
    for cells, reasons in rows.iterator(chunk_size=2_000):
        padded = list(cells) + [""] * (len(labels) - len(cells))
        sheet.append([sheet_cell(sheet, value) for value in [*padded, "; ".join(reasons)]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def mark_rejected_rows(response: HttpResponse, batch: ImportBatch) -> HttpResponse:
    """The error workbook holds rows as typed (identifiers included): its download is
    audited like every export."""
    title = _("Rejected rows of “%(file)s”") % {"file": batch.file_name}
    return audit.mark_export(response, title=title, rows=batch.count(ImportRow.Outcome.REJECTED))


# Per kind: (header, example value) — Vietnamese headers as offices write them.
TEMPLATES: dict[str, Sequence[tuple[str, str]]] = {
    ImportBatch.Kind.MEMBERS: (
        ("STT", "1"),
        ("Họ và tên", "Nguyễn Văn An"),
        ("Ngày sinh", "14/03/1985"),
        ("Giới tính", "Nam"),
        ("Số thẻ đảng viên", "49.267896"),
        ("Số CCCD", "002085001234"),
        ("Ngày vào Đảng", "19/05/2010"),
        ("Ngày chính thức", "19/05/2011"),
        ("Chi bộ", "Chi bộ Văn phòng"),
        ("Thôn, tổ dân phố", "Tổ 1"),
        ("Xã, phường", "Phường Hà Giang 1"),
        ("Điện thoại", "0912 345 678"),
        ("Ghi chú", ""),
    ),
    ImportBatch.Kind.ORGANIZATIONS: (
        ("Tên tổ chức", "Chi bộ tổ 1"),
        ("Loại", "Chi bộ"),
        ("Trực thuộc", "Đảng bộ phường Hà Giang 1"),
        ("Mã", ""),
        ("Xã, phường", "Phường Hà Giang 1"),
        ("Thôn, tổ dân phố", "Tổ 1"),
    ),
    ImportBatch.Kind.LINKS: (
        ("STT", "1"),
        ("Họ và tên", "Nguyễn Văn An"),
        ("Ngày sinh", "14/03/1985"),
        ("Số CCCD", "002085001234"),
        ("Số thẻ đảng viên", "49267896"),
        ("Đảng bộ cơ quan", "Đảng bộ Sở Giáo dục và Đào tạo"),
        ("Diện", "Bình thường"),
        ("Số giấy giới thiệu", "12"),
        ("Ngày giấy giới thiệu", "02/01/2024"),
        ("Ngày tiếp nhận", "10/01/2024"),
        ("Chi bộ nơi cư trú", "Chi bộ tổ 1"),
        ("Ngày phân công", "15/01/2024"),
        ("Ghi chú", ""),
    ),
}

# Lists Excel offers in a drop-down: (header, allowed values).
_CHOICES: dict[str, str] = {
    "Giới tính": "Nam,Nữ",
    "Diện": "Bình thường,Loại A",
    "Loại": "Đảng bộ cơ sở,Chi bộ cơ sở,Chi bộ,Đảng bộ xã,Đảng bộ phường,Đảng bộ cấp trên cơ sở",
}


def template_workbook(kind: str) -> bytes:
    """A blank workbook for ``kind``: the headers, one example row (to overwrite), text
    columns for identifiers (so Excel keeps their leading zeros) and drop-down lists."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Mẫu"
    columns = TEMPLATES[kind]
    sheet.append([header for header, _example in columns])
    sheet.append([example for _header, example in columns])
    for index, (header, _example) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(header) + 4)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.cell(row=2, column=index).number_format = "@"
        if header in _CHOICES:
            validation = DataValidation(type="list", formula1=f'"{_CHOICES[header]}"')
            validation.error = _("Choose a value of the list.")
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}5000")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
