"""The tracking-book import: a commune's paper book becomes links dated as in the file."""

import datetime

from lienhe213.core.models import AuditEvent
from lienhe213.imports.tests.helpers import check, commit, outcomes, reasons, xlsx
from lienhe213.registry.models import LinkEvent, ResidenceLink

HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Số thẻ đảng viên",
    "Đảng bộ cơ quan",
    "Số giấy giới thiệu",
    "Ngày giấy giới thiệu",
    "Ngày tiếp nhận",
    "Chi bộ nơi cư trú",
    "Ngày phân công",
]
WORKPLACE = "Đảng bộ Sở Giáo dục và Đào tạo"


def test_a_paper_book_becomes_links_with_their_steps(world):
    rows = [
        [
            1,
            "Nguyễn Văn Đức",
            "14/03/1985",
            "22.345.678",
            WORKPLACE,
            "12/GGT",
            "02/01/2024",
            "10/01/2024",
            "Chi bộ tổ 2",
            "15/01/2024",
        ],
    ]

    batch = check(world.commune_clerk, "links", world.commune_a_committee, xlsx([HEADER, *rows]))

    assert outcomes(batch) == {2: "new"}
    batch = commit(world.commune_clerk, batch)
    assert batch.status == "done"
    link = ResidenceLink.objects.get(member=world.member_w1)
    assert (link.letter_number, link.letter_year, link.status) == (12, 2024, "active")
    assert link.issued_by_organization == world.workplace
    assert link.residence_commune_organization == world.commune_a_committee
    assert link.residence_cell == world.cell_a2
    assert (link.issued_on, link.received_on, link.assigned_on, link.acknowledged_on) == (
        datetime.date(2024, 1, 2),
        datetime.date(2024, 1, 10),
        datetime.date(2024, 1, 15),
        datetime.date(2024, 1, 15),
    )
    assert link.import_batch == batch
    events = list(link.events.order_by("on", "id").values_list("kind", "on", "import_batch"))
    assert events == [
        ("issued", datetime.date(2024, 1, 2), batch.pk),
        ("received", datetime.date(2024, 1, 10), batch.pk),
        ("assigned", datetime.date(2024, 1, 15), batch.pk),
        ("acknowledged", datetime.date(2024, 1, 15), batch.pk),
    ]
    assert AuditEvent.objects.filter(action="import", object_id=str(batch.pk)).count() == 1

    again = check(world.commune_clerk, "links", world.commune_a_committee, xlsx([HEADER, *rows]))
    assert outcomes(again) == {2: "unchanged"}
    assert LinkEvent.objects.count() == 4


def test_a_received_letter_without_a_cell_waits_for_assignment(world):
    rows = [[1, "Nguyễn Văn Đức", "14/03/1985", "", "", 7, "02/01/2024", "10/01/2024", "", ""]]

    batch = commit(
        world.commune_clerk,
        check(world.commune_clerk, "links", world.commune_a_committee, xlsx([HEADER, *rows])),
    )

    link = ResidenceLink.objects.get(member=world.member_w1)
    assert (link.status, link.residence_cell, batch.status) == ("received", None, "done")
    assert link.issued_by_organization == world.workplace  # the member's own committee


def test_rows_the_book_cannot_take_are_rejected(world):
    rows = [
        [1, "Người Không Có", "01/01/1980", "", WORKPLACE, 1, "02/01/2024", "", "", ""],
        [2, "Nguyễn Văn Sai", "14/03/1985", "22345678", WORKPLACE, 2, "02/01/2024", "", "", ""],
        [3, "Nguyễn Văn Đức", "14/03/1985", "", "Đảng bộ không có", 3, "02/01/2024", "", "", ""],
        [4, "Đặng Thị Hoa", "14/03/1985", "12345678", WORKPLACE, 4, "", "", "", ""],
        [
            5,
            "Đặng Thị Hoa",
            "14/03/1985",
            "12345678",
            WORKPLACE,
            5,
            "05/01/2024",
            "03/01/2024",
            "",
            "",
        ],
        [
            6,
            "Đặng Thị Hoa",
            "14/03/1985",
            "12345678",
            WORKPLACE,
            6,
            "05/01/2024",
            "",
            "",
            "06/01/2024",
        ],
    ]

    batch = check(world.commune_clerk, "links", world.commune_a_committee, xlsx([HEADER, *rows]))

    assert set(outcomes(batch).values()) == {"rejected"}
    assert reasons(batch, 2)[0].startswith("Họ và tên: no member with this name")
    assert reasons(batch, 3)[0].startswith("Họ và tên: no member with this name")
    assert reasons(batch, 4)[0].startswith("Đảng bộ cơ quan: “Đảng bộ không có” is not")
    assert reasons(batch, 5) == [
        "Ngày giấy giới thiệu: the letter's date is needed (its year numbers it)."
    ]
    assert reasons(batch, 6) == ["Ngày tiếp nhận: it is before the Ngày giấy giới thiệu."]
    assert reasons(batch, 7) == ["Chi bộ nơi cư trú: a date assigned needs the cell."]
    assert not ResidenceLink.objects.exists()


def test_a_letter_number_used_for_another_member_is_refused(world):
    first = [[1, "Nguyễn Văn Đức", "14/03/1985", "", WORKPLACE, 9, "02/01/2024", "", "", ""]]
    commit(
        world.commune_clerk,
        check(world.commune_clerk, "links", world.commune_a_committee, xlsx([HEADER, *first])),
    )
    second = [[1, "Đặng Thị Hoa", "14/03/1985", "12345678", WORKPLACE, 9, "03/03/2024", "", "", ""]]

    batch = check(world.commune_clerk, "links", world.commune_a_committee, xlsx([HEADER, *second]))

    assert reasons(batch, 2) == [
        "Số giấy giới thiệu: this letter number is already used that year for another member."
    ]


def test_a_member_with_an_open_link_is_refused(world):
    first = [[1, "Nguyễn Văn Đức", "14/03/1985", "", WORKPLACE, 9, "02/01/2024", "", "", ""]]
    commit(
        world.commune_clerk,
        check(world.commune_clerk, "links", world.commune_a_committee, xlsx([HEADER, *first])),
    )
    second = [[1, "Nguyễn Văn Đức", "14/03/1985", "", WORKPLACE, 10, "02/02/2024", "", "", ""]]

    batch = check(world.commune_clerk, "links", world.commune_a_committee, xlsx([HEADER, *second]))

    assert reasons(batch, 2) == ["Họ và tên: the member already has an open link."]


def test_only_a_residence_commune_or_cell_takes_a_book(world):
    import pytest

    from lienhe213.core.errors import DomainError

    with pytest.raises(DomainError, match="cannot be imported"):
        check(world.provincial_officer, "links", world.workplace, xlsx([HEADER]))
