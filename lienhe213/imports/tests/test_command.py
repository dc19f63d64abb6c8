"""``manage.py import_records``: the same counts as the pages, and --commit."""

import pytest
from django.core.management import CommandError, call_command

from lienhe213.imports.tests.helpers import xlsx
from lienhe213.members.models import Member

ROWS = [
    ["Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Chi bộ"],
    ["Trần Văn An", "01/01/1980", "Nam", "01/01/2010", "Chi bộ tổ 1"],
    ["Lê Văn Bình", "31/02/1980", "Nam", "01/01/2010", "Chi bộ tổ 1"],
]


def test_the_command_prints_the_counts_and_commits(world, tmp_path, capsys):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx(ROWS))
    org = str(world.commune_a_committee.pk)

    call_command("import_records", str(path), kind="members", organization=org, user="xa")
    checked = capsys.readouterr().out
    call_command(
        "import_records", str(path), kind="members", organization=org, user="xa", commit=True
    )
    committed = capsys.readouterr().out

    assert "rows=2 new=1 update=0 unchanged=0 rejected=1" in checked
    assert "  row 3: Ngày sinh: 31/02/1980 is not a real date." in checked
    assert "imported" not in checked
    assert "imported: import" in committed
    assert Member.objects.filter(search_text="tran van an").count() == 1


def test_the_command_refuses_a_user_without_the_right(world, tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx(ROWS))

    with pytest.raises(CommandError, match="may not import"):
        call_command(
            "import_records",
            str(path),
            kind="members",
            organization=str(world.commune_a_committee.pk),
            user="chibo1",
        )
    assert Member.objects.count() == 3
