"""The member import through the services: every outcome, every rejection reason, the
matching rules, re-imports, and the all-or-nothing guarantee."""

import datetime

import pytest

from lienhe213.core.models import AuditEvent
from lienhe213.imports.models import ImportBatch
from lienhe213.imports.tests.helpers import check, commit, outcomes, reasons, xlsx
from lienhe213.members.models import Member, PreviousPartyCard

HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số thẻ đảng viên",
    "Số CCCD",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Chi bộ",
    "Điện thoại",
]


def _row(
    n,
    name,
    born="14/03/1985",
    gender="Nam",
    card="",
    cid="",
    joined="19/05/2010",
    official="",
    cell="Chi bộ Văn phòng Sở",
    phone="",
):
    return [n, name, born, gender, card, cid, joined, official, cell, phone]


def test_a_messy_workplace_list_is_classified_row_by_row(world):
    rows = [
        _row(
            1,
            "TRẦN THỊ BÌNH",
            born=datetime.datetime(1990, 2, 3),
            gender="Nữ",
            card="49.267896",
            cid="001 190 004 567",
            phone="0912.345.678",
        ),
        _row(2, "Nguye\u0302\u0303n  Văn   Cường", born=" 5/6/1979 ", card="49 267 897"),
        _row(3, "Lê Văn Dũng", born="31/02/1980"),
        _row(4, "Phạm Văn Em", born="01/01/2090"),
        _row(5, "Hoàng Văn Phúc", joined="01/01/2012", official="01/01/2011"),
        _row(6, "Vũ Văn Giang", cid="12345"),
        _row(7, "Đỗ Văn Hải", card="55555555"),
        _row(8, "Đỗ Văn Hùng", card="55555555"),
        _row(9, "", born="01/01/1980"),
        _row(10, "Ngô Văn Khải", cell="Chi bộ không có"),
        _row(11, "Bùi Văn Long", card="12345678"),  # member_a1's card, outside the workplace
        ["Tổng cộng", "11 đảng viên"],
    ]
    batch = check(
        world.workplace_officer, "members", world.workplace, xlsx([HEADER, *rows], title_rows=2)
    )

    assert batch.status == ImportBatch.Status.READY
    assert outcomes(batch) == {
        4: "new",
        5: "new",
        6: "rejected",
        7: "rejected",
        8: "rejected",
        9: "rejected",
        10: "rejected",
        11: "rejected",
        12: "rejected",
        13: "rejected",
        14: "rejected",
    }
    assert batch.counts["rows"] == 11 and batch.counts["new"] == 2 and batch.counts["rejected"] == 9
    assert reasons(batch, 6) == ["Ngày sinh: 31/02/1980 is not a real date."]
    assert "in the future" in reasons(batch, 7)[0]
    assert reasons(batch, 8) == ["Ngày chính thức: the official date is before the joining date."]
    assert reasons(batch, 9)[0].startswith("Số CCCD: ")
    assert reasons(batch, 10) == ["Số thẻ đảng viên: the same value is also on row 11."]
    assert reasons(batch, 11) == ["Số thẻ đảng viên: the same value is also on row 10."]
    assert reasons(batch, 12) == ["Họ và tên: the name is empty."]
    assert reasons(batch, 13)[0].startswith("Chi bộ: “Chi bộ không có” is not")
    assert reasons(batch, 14) == [
        "Số thẻ đảng viên: this identifier belongs to a member outside this import's organization."
    ]
    assert Member.objects.count() == 3  # nothing written before the commit

    batch = commit(world.workplace_officer, batch)

    assert batch.status == ImportBatch.Status.DONE
    binh = Member.objects.get(given_name="Bình")
    assert (binh.family_name, binh.middle_name, binh.gender) == ("Trần", "Thị", "female")
    assert binh.birth_date == datetime.date(1990, 2, 3)
    assert (binh.party_card_number, binh.citizen_id, binh.phone) == (
        "49267896",
        "001190004567",
        "0912345678",
    )
    assert binh.organization == world.workplace_cell
    assert binh.unit_path == world.workplace_cell.path
    assert binh.search_text == "tran thi binh" and binh.import_batch == batch
    cuong = Member.objects.get(given_name="Cường")
    assert cuong.family_name == "Nguyễn" and cuong.birth_date == datetime.date(1979, 6, 5)
    assert Member.objects.filter(search_text="nguyen van cuong").exists()
    event = AuditEvent.objects.get(action="import")
    assert event.changes["file_name"] == "ds.xlsx"
    assert event.changes["counts"]["new"] == 2 and event.actor == world.workplace_officer


def test_the_same_file_again_changes_nothing(world):
    content = xlsx([HEADER, _row(1, "Trần Thị Bình", gender="Nữ", card="49267896")])
    commit(
        world.workplace_officer, check(world.workplace_officer, "members", world.workplace, content)
    )
    before = list(Member.objects.values())

    again = check(world.workplace_officer, "members", world.workplace, content)

    assert outcomes(again) == {2: "unchanged"}
    assert list(Member.objects.values()) == before


def test_a_changed_row_updates_the_record_and_shows_before_and_after(world):
    content = xlsx(
        [HEADER, _row(1, "Nguyễn Văn Đức", card="22345678", born="14/03/1985", phone="0987654321")]
    )

    batch = check(world.workplace_officer, "members", world.workplace, content)

    assert outcomes(batch) == {2: "update"}
    row = batch.rows.get()
    assert row.changes == {"phone": ["", "0987654321"]}
    assert row.target_id == world.member_w1.pk
    commit(world.workplace_officer, batch)
    world.member_w1.refresh_from_db()
    assert world.member_w1.phone == "0987654321" and world.member_w1.version == 2


def test_a_new_card_number_keeps_the_old_one_as_history(world):
    content = xlsx([HEADER, _row(1, "Nguyễn Văn Đức", card="49.000123", cid="002085004321")])

    batch = commit(
        world.workplace_officer, check(world.workplace_officer, "members", world.workplace, content)
    )

    world.member_w1.refresh_from_db()
    assert batch.status == "done"
    assert world.member_w1.party_card_number == "49000123"
    assert list(PreviousPartyCard.objects.values_list("member_id", "number")) == [
        (world.member_w1.pk, "22345678")
    ]
    old_list = xlsx([HEADER, _row(1, "Nguyễn Văn Đức", card="22345678")])
    again = check(world.workplace_officer, "members", world.workplace, old_list)
    assert outcomes(again) == {2: "unchanged"}


def test_matching_by_name_and_birth_date_inside_the_organization(world):
    content = xlsx([HEADER, _row(1, "NGUYỄN VĂN ĐỨC", born="14/03/1985", cid="002085004321")])

    batch = check(world.workplace_officer, "members", world.workplace, content)

    assert outcomes(batch) == {2: "unchanged"}


def test_a_citizen_id_of_another_member_is_refused(world):
    content = xlsx([HEADER, _row(1, "Nguyễn Văn Mới", cid="002185001234")])  # member_a1's

    batch = check(world.workplace_officer, "members", world.workplace, content)

    assert outcomes(batch) == {2: "rejected"}
    assert reasons(batch, 2) == [
        "Số CCCD: this identifier belongs to a member outside this import's organization."
    ]


def test_a_new_member_needs_the_dates_gender_and_cell(world):
    content = xlsx([["Họ và tên", "Ngày sinh"], ["Nguyễn Văn Mới", "01/01/1980"]])

    batch = check(world.workplace_officer, "members", world.workplace, content)

    assert reasons(batch, 2) == [
        "Gender: needed for a new member.",
        "Date admitted to the Party: needed for a new member.",
        "Party unit: needed for a new member.",
    ]


def test_all_or_nothing_refuses_the_commit_when_a_row_is_rejected(world):
    content = xlsx([HEADER, _row(1, "Trần Văn An"), _row(2, "Lê Văn Bình", born="31/02/1980")])
    batch = check(world.workplace_officer, "members", world.workplace, content, all_or_nothing=True)

    from lienhe213.core.errors import DomainError

    with pytest.raises(DomainError, match="All or nothing"):
        commit(world.workplace_officer, batch)
    assert Member.objects.count() == 3
    batch.refresh_from_db()
    assert batch.status == "ready"


def test_a_member_changed_after_the_check_stops_the_whole_commit(world):
    content = xlsx([HEADER, _row(1, "Trần Văn An"), _row(2, "Nguyễn Văn Đức", phone="0987654321")])
    batch = check(world.workplace_officer, "members", world.workplace, content)
    Member.objects.filter(pk=world.member_w1.pk).update(version=5)

    batch = commit(world.workplace_officer, batch)

    assert batch.status == "validating"
    assert "changed since the check" in batch.error
    assert not Member.objects.filter(given_name="An", family_name="Trần").exists()


def test_a_second_import_into_the_same_organization_waits(world):
    content = xlsx([HEADER, _row(1, "Trần Văn An")])
    from lienhe213.core.errors import DomainError
    from lienhe213.imports import services

    services.start_import(
        by=world.workplace_officer,
        kind="members",
        organization=world.workplace,
        file_name="a.xlsx",
        content=content,
        background=False,
    )
    with pytest.raises(DomainError, match="Another import"):
        services.start_import(
            by=world.workplace_officer,
            kind="members",
            organization=world.workplace,
            file_name="b.xlsx",
            content=content,
            background=False,
        )
    assert ImportBatch.objects.count() == 1


@pytest.mark.parametrize("who", ["secretary_a1", "other_clerk", "member_user", "stranger"])
def test_an_import_outside_the_scope_is_refused(world, who):
    from lienhe213.core.errors import DomainError
    from lienhe213.imports import services

    with pytest.raises(DomainError):
        services.start_import(
            by=world.user(who),
            kind="members",
            organization=world.workplace,
            file_name="a.xlsx",
            content=b"x",
            background=False,
        )
    assert ImportBatch.objects.count() == 0


def test_the_member_list_export_reimports_with_no_change(world, client):
    client.force_login(world.workplace_officer)
    exported = client.get("/members/", {"format": "xlsx"}).content

    batch = check(world.workplace_officer, "members", world.workplace, exported)

    assert batch.counts["rows"] == 1
    assert outcomes(batch) == {2: "unchanged"}


def test_the_error_workbook_reimports_after_correction(world):
    from io import BytesIO

    from openpyxl import load_workbook

    from lienhe213.imports import workbooks

    content = xlsx([HEADER, _row(1, "Trần Văn An"), _row(2, "Lê Văn Bình", born="31/02/1980")])
    batch = commit(
        world.workplace_officer, check(world.workplace_officer, "members", world.workplace, content)
    )
    errors = load_workbook(BytesIO(workbooks.error_workbook(batch))).active
    values = [[c.value for c in row] for row in errors.iter_rows()]
    assert values[0] == [*HEADER, "Reason"]
    assert values[1][:3] == ["2", "Lê Văn Bình", "31/02/1980"]
    assert values[1][-1] == "Ngày sinh: 31/02/1980 is not a real date."

    errors["C2"] = "28/02/1980"
    fixed = BytesIO()
    errors.parent.save(fixed)
    again = commit(
        world.workplace_officer,
        check(world.workplace_officer, "members", world.workplace, fixed.getvalue()),
    )

    assert outcomes(again) == {2: "new"}
    assert Member.objects.get(given_name="Bình").birth_date == datetime.date(1980, 2, 28)


def _hà_giang_communes(world):
    from lienhe213.organizations.models import AdministrativeUnit

    def unit(code, name):
        return AdministrativeUnit.objects.create(
            code=code,
            name=name,
            level="commune",
            division_type="phường",
            parent=world.province_unit,
        )

    return (
        unit("00691", "Phường Hà Giang 2"),
        unit("00700", "Xã Ngọc Đường"),
        unit("00994", "Xã Minh Ngọc"),
    )


def test_old_commune_names_resolve_to_the_2025_commune_and_a_split_one_asks(world):
    from lienhe213.imports import services

    hà_giang_2, ngọc_đường, minh_ngọc = _hà_giang_communes(world)
    header = [*HEADER, "Nơi cư trú"]
    rows = [
        [*_row(1, "Trần Văn An"), "P. Trần Phú, TP Hà Giang"],
        [*_row(2, "Lê Văn Bình"), "Xã Yên Định, huyện Bắc Mê, tỉnh Hà Giang"],
        [*_row(3, "Lò Văn Chung"), "Tổ 2, Phường Hà Giang 1"],
    ]

    batch = check(world.workplace_officer, "members", world.workplace, xlsx([header, *rows]))

    assert outcomes(batch) == {2: "new", 3: "rejected", 4: "new"}
    assert batch.rows.get(number=2).values["residence_commune_id"] == hà_giang_2.pk
    assert batch.rows.get(number=4).values["residence_community_id"] == world.community_a2.pk
    assert "choose the commune" in reasons(batch, 3)[0]
    [(key, (typed, codes))] = batch.counts["choose"].items()
    assert (typed, codes) == ("Xã Yên Định, huyện Bắc Mê, tỉnh Hà Giang", ["00700", "00994"])

    services.choose_communes(by=world.workplace_officer, batch=batch, choices={key: "00994"})
    batch = services.run_check(batch_id=batch.pk)

    assert outcomes(batch) == {2: "new", 3: "new", 4: "new"}
    assert batch.rows.get(number=3).values["residence_commune_id"] == minh_ngọc.pk
    assert ngọc_đường.pk != minh_ngọc.pk


def test_the_column_mapping_can_be_corrected(world):
    from lienhe213.imports import services

    content = xlsx(
        [
            ["Họ và tên", "Ngày sinh", "Điện thoại di động"],
            ["Trần Văn An", "01/01/1980", "0912345678"],
        ]
    )
    batch = check(world.workplace_officer, "members", world.workplace, content)
    assert batch.mapping == {"0": "full_name", "1": "birth_date"}

    services.set_mapping(
        by=world.workplace_officer,
        batch=batch,
        mapping={0: "full_name", 1: "birth_date", 2: "phone"},
        version=batch.version,
    )
    batch = services.run_check(batch_id=batch.pk)

    assert batch.rows.get().values["phone"] == "0912345678"


def test_a_file_that_is_not_a_spreadsheet_fails_with_a_reason_and_writes_nothing(world):
    batch = check(
        world.workplace_officer, "members", world.workplace, b"%PDF-1.7\n...", name="ds.xlsx"
    )

    assert batch.status == "failed"
    assert "PDF" in batch.error
    assert not batch.rows.exists()


def test_cells_of_ten_thousand_characters_are_rejected_not_cut(world):
    rows = [
        _row(1, "Trần " + "A" * 10_000 + " An"),
        [*_row(2, "Lê Văn Bình"), "x" * 10_000],
        _row(3, "Ngô Văn Chín"),
        _row(4, "Đào Văn Dũng", cell="C" * 10_000),
        [*_row(5, "Đào Văn Em"), "", "x" * 10_000],
    ]
    header = [*HEADER, "Nơi công tác", "Xã, phường"]

    batch = check(world.workplace_officer, "members", world.workplace, xlsx([header, *rows]))

    assert outcomes(batch) == {2: "rejected", 3: "rejected", 4: "new", 5: "rejected", 6: "rejected"}
    assert reasons(batch, 2) == ["Họ và tên: the name is too long."]
    assert reasons(batch, 3)[0].startswith("Nơi công tác: ")
    assert reasons(batch, 5)[0].startswith("Chi bộ: ")
    assert reasons(batch, 6)[0].startswith("Xã, phường: ")
    assert batch.rows.get(number=4).values["given_name"] == "Chín"


@pytest.mark.parametrize("kind", ["members", "organizations", "links"])
def test_each_kind_has_a_template_that_imports_its_example_row(kind):
    from io import BytesIO

    from openpyxl import load_workbook

    from lienhe213.imports import reading, services, workbooks

    content = workbooks.template_workbook(kind)

    sheet = load_workbook(BytesIO(content)).active
    assert [c.value for c in sheet[1]] == [h for h, _e in workbooks.TEMPLATES[kind]]
    assert sheet.data_validations.dataValidation  # drop-down lists
    spec = services.KINDS[kind]
    rows = reading.read_rows(content, "mau.xlsx")
    header = reading.find_header(rows, spec.aliases, spec.required)
    assert sorted(header.mapping) == list(range(len(workbooks.TEMPLATES[kind])))  # every column
    assert len(list(reading.data_rows(rows, header))) == 1


def test_cells_are_found_by_name_with_dashes_tone_marks_and_parent(world):
    from lienhe213.organizations.services import create_organization

    def cell(name, parent):
        return create_organization(
            by=world.root_user, name=name, kind="cell", side="workplace", parent=parent
        )

    dash = cell("Chi bộ Phòng Tổ chức - Hành chính", world.workplace)
    sảng = cell("Chi bộ Lao Sảng", world.workplace)
    sáng = cell("Chi bộ Lao Sáng", world.workplace)
    other = create_organization(
        by=world.root_user,
        name="Đảng bộ Sở Y tế",
        kind="grassroots_committee",
        side="workplace",
        parent=world.province,
    )
    twin = cell("Chi bộ Văn phòng Sở", other)
    rows = [
        _row(1, "Trần Văn An", cell="Chi bộ Phòng Tổ chức - Hành chính"),
        _row(2, "Trần Văn Bình", cell="Chi bộ Lao Sảng"),
        _row(3, "Trần Văn Cường", cell="Chi bộ Lao Sáng"),
        _row(4, "Trần Văn Dũng", cell="Chi bộ Văn phòng Sở — Đảng bộ Sở Y tế"),
        _row(5, "Trần Văn Em", cell="Chi bộ Văn phòng Sở"),
    ]

    batch = check(world.provincial_officer, "members", world.province, xlsx([HEADER, *rows]))

    units = {r.number: r.values.get("organization_id") for r in batch.rows.all()}
    assert units == {2: dash.pk, 3: sảng.pk, 4: sáng.pk, 5: twin.pk, 6: None}
    assert reasons(batch, 6) == [
        "Chi bộ: several organizations are named “Chi bộ Văn phòng Sở”; write it followed by "
        "“ — ” and the name of its parent."
    ]


def test_with_the_pre_2025_units_loaded_an_old_name_still_gives_the_2025_commune(world):
    from lienhe213.organizations.tests.pre_2025 import tran_phu_of_ha_giang

    hà_giang_2, _ngọc_đường, _minh_ngọc = _hà_giang_communes(world)
    old = tran_phu_of_ha_giang(hà_giang_2)
    header = [*HEADER, "Nơi cư trú"]
    rows = [
        [*_row(1, "Trần Văn An"), "Phường Trần Phú"],
        [*_row(2, "Lê Văn Bình"), "Phường Trần Phú, TP Hà Giang"],
    ]

    batch = check(world.workplace_officer, "members", world.workplace, xlsx([header, *rows]))

    assert outcomes(batch) == {2: "new", 3: "new"}
    assert {batch.rows.get(number=n).values["residence_commune_id"] for n in (2, 3)} == {
        hà_giang_2.pk
    }
    assert old.pk != hà_giang_2.pk
