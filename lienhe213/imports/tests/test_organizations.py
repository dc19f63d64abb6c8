"""The organization import: a commune's cells, and a district's committees, under the
organization given, with the commune and the community of each residential unit."""

from lienhe213.imports.tests.helpers import check, commit, outcomes, reasons, xlsx
from lienhe213.organizations.models import Community, Organization, OrganizationHistory

HEADER = ["Tên tổ chức", "Loại", "Trực thuộc", "Mã", "Xã, phường", "Thôn, tổ dân phố"]


def test_cells_and_their_communities_are_created_parents_first(world):
    rows = [
        ["Chi bộ tổ 3", "Chi bộ", "", "", "Phường Hà Giang 1", "Tổ 3"],
        ["Chi bộ tổ 4", "Chi bộ", "Đảng bộ bộ phận khu A", "", "Phường Hà Giang 1", "Tổ 1"],
        ["Đảng bộ bộ phận khu A", "Đảng bộ bộ phận", "", "KA", "Phường Hà Giang 1", ""],
        ["Chi bộ tổ 1", "Chi bộ", "", "", "Phường Hà Giang 1", "Tổ 1"],
    ]

    batch = check(
        world.provincial_officer, "organizations", world.commune_a_committee, xlsx([HEADER, *rows])
    )

    assert outcomes(batch) == {2: "new", 3: "new", 4: "new", 5: "unchanged"}
    batch = commit(world.provincial_officer, batch)
    assert batch.status == "done"
    tổ3 = Organization.objects.get(name="Chi bộ tổ 3")
    assert (tổ3.parent, tổ3.kind, tổ3.side) == (world.commune_a_committee, "cell", "residential")
    assert tổ3.administrative_unit == world.commune_a
    assert tổ3.community == Community.objects.get(name="Tổ 3", commune=world.commune_a)
    assert tổ3.community.kind == "residential_group"
    khu = Organization.objects.get(code="KA")
    tổ4 = Organization.objects.get(name="Chi bộ tổ 4")
    assert tổ4.parent == khu and tổ4.path == f"{khu.path}{tổ4.pk}."
    assert tổ4.community == world.community_a1
    assert OrganizationHistory.objects.filter(organization=tổ4, kind="created").exists()
    assert set(Organization.objects.filter(import_batch=batch).values_list("name", flat=True)) == {
        "Chi bộ tổ 3",
        "Chi bộ tổ 4",
        "Đảng bộ bộ phận khu A",
    }


def test_a_code_matching_under_another_name_renames(world):
    Organization.objects.filter(pk=world.cell_a1.pk).update(code="T1")
    rows = [["Chi bộ tổ dân phố 1", "Chi bộ", "", "T1", "", ""]]

    batch = check(
        world.provincial_officer, "organizations", world.commune_a_committee, xlsx([HEADER, *rows])
    )

    assert outcomes(batch) == {2: "update"}
    assert batch.rows.get().changes == {"name": ["Chi bộ tổ 1", "Chi bộ tổ dân phố 1"]}
    commit(world.provincial_officer, batch)
    world.cell_a1.refresh_from_db()
    assert world.cell_a1.name == "Chi bộ tổ dân phố 1"
    assert world.cell_a1.history.filter(kind="renamed", old_name="Chi bộ tổ 1").exists()


def test_rows_that_cannot_be_placed_are_rejected(world):
    rows = [
        ["", "Chi bộ", "", "", "", ""],
        ["Chi bộ X", "", "", "", "", ""],
        ["Chi bộ Y", "Chi bộ", "Không có cấp trên này", "", "", ""],
        ["Chi bộ Z", "Chi bộ", "", "", "Xã Không Tồn Tại", ""],
        ["Chi bộ tổ 1", "Chi bộ", "Đảng bộ xã Lâm Bình", "", "", ""],
        ["Chi bộ V", "Chi bộ", "", "D1", "", ""],
        ["Chi bộ W", "Chi bộ", "", "D1", "", ""],
    ]

    batch = check(
        world.provincial_officer, "organizations", world.commune_a_committee, xlsx([HEADER, *rows])
    )

    assert set(outcomes(batch).values()) == {"rejected"}
    assert reasons(batch, 2) == ["Tên tổ chức: the name is empty."]
    assert reasons(batch, 3) == ["Loại: the kind is empty."]
    assert reasons(batch, 4)[0].startswith("Trực thuộc: “Không có cấp trên này” is not")
    assert reasons(batch, 5)[0].startswith("Xã, phường: the commune “Xã Không Tồn Tại”")
    assert reasons(batch, 6)[0].startswith("Trực thuộc: “Đảng bộ xã Lâm Bình” is not")
    assert reasons(batch, 7) == ["Mã: the same code is on another row."]


def test_a_clerk_may_not_import_organizations(world):
    import pytest

    from lienhe213.core.errors import DomainError

    with pytest.raises(DomainError, match="may not import"):
        check(world.commune_clerk, "organizations", world.commune_a_committee, xlsx([HEADER]))
