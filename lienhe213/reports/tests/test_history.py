"""History-true reports: a past year reads the tree and names of that year; a year on
the new tree shows the units a merged commune absorbed, with their figures folded in."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conftest import member_fields
from lienhe213.members.services import create_member
from lienhe213.organizations.services import (
    create_organization,
    merge_organizations,
    rename_organization,
)
from lienhe213.reports.indicators import Period, compute
from lienhe213.reports.review import build_review
from lienhe213.reports.tests.conftest import TODAY, held

FOUNDED = datetime.date(2020, 1, 2)
MERGER = datetime.date(2025, 7, 1)


def commune(world, name, cells):
    org = create_organization(
        by=world.root_user,
        name=name,
        kind="grassroots_committee",
        side="residential",
        parent=world.province,
        valid_from=FOUNDED,
    )
    made = [
        create_organization(
            by=world.root_user,
            name=cell,
            kind="cell",
            side="residential",
            parent=org,
            valid_from=FOUNDED,
        )
        for cell in cells
    ]
    return org, made


def restructure(world, before_merger=None):
    """Xã Thượng Lâm (cells Thôn 1, Thôn 2; renamed "Xã Lâm Thượng" on 1/1/2024) and Xã
    Phúc Yên (cell Thôn Nà Ngày) each with members and meetings in 2023 and 2025, merged
    on 1/7/2025 into the new Xã Lâm Bình Mới. ``before_merger(a, b, cells)`` adds what
    happened before the merger."""
    a, (a1, a2) = commune(world, "Xã Thượng Lâm", ["Chi bộ thôn 1", "Chi bộ thôn 2"])
    b, (b1,) = commune(world, "Xã Phúc Yên", ["Chi bộ thôn Nà Ngày"])
    a = rename_organization(
        by=world.root_user,
        organization=a,
        name="Xã Lâm Thượng",
        effective_date=datetime.date(2024, 1, 1),
    )
    people = {}
    for index, cell in enumerate([a1, a1, a2, b1]):
        people[index] = create_member(
            by=world.root_user,
            **member_fields(cell, given_name=f"Hưng {index}", citizen_id=f"00208500{index:04d}"),
        )
    held(world, a1, datetime.date(2023, 5, 5), {})
    held(world, a2, datetime.date(2023, 6, 6), {})
    held(world, b1, datetime.date(2023, 7, 7), {})
    held(world, b1, datetime.date(2025, 3, 3), {})
    if before_merger is not None:
        before_merger(a, b, (a1, a2, b1))
    new = create_organization(
        by=world.root_user,
        name="Xã Lâm Bình Mới",
        kind="grassroots_committee",
        side="residential",
        parent=world.province,
        valid_from=MERGER,
    )
    for old in (a, b):
        merge_organizations(by=world.root_user, absorbed=old, into=new, effective_date=MERGER)
    held(world, a2, datetime.date(2025, 9, 9), {})
    return a, b, new, (a1, a2, b1)


def report(world, org, year):
    return compute(
        user=world.provincial_officer,
        organization=org,
        period=Period.for_year(year),
        today=TODAY,
    )


def rows(result):
    return [
        (result.name_of(child), result.formerly.get(child.pk, []), f["meetings_held"])
        for child, f in result.children
        if child.side == "residential"
    ]


def test_a_2023_report_reads_the_2023_tree_and_names(world):
    _a, _b, _new, _cells = restructure(world)

    result = report(world, world.province, 2023)

    assert result.tree_day == datetime.date(2023, 12, 31)
    assert rows(result) == [
        ("Đảng bộ phường Hà Giang 1", [], 0),
        ("Đảng bộ xã Lâm Bình", [], 0),
        ("Xã Phúc Yên", [], 1),
        ("Xã Thượng Lâm", [], 2),
    ]
    assert result.figures["meetings_held"] == 3
    assert result.figures["working_members"] == 4 + 2  # and two of the cast


def test_a_2025_report_folds_the_absorbed_communes_into_the_new_one(world):
    _a, _b, _new, _cells = restructure(world)

    result = report(world, world.province, 2025)

    assert rows(result) == [
        ("Đảng bộ phường Hà Giang 1", [], 0),
        ("Đảng bộ xã Lâm Bình", [], 0),
        ("Xã Lâm Bình Mới", ["Xã Lâm Thượng", "Xã Phúc Yên"], 2),
    ]
    assert result.figures["meetings_held"] == 2


def test_the_old_commune_reads_its_own_cells_for_2023(world):
    a, _b, _new, (a1, a2, _b1) = restructure(world)

    result = report(world, a, 2023)

    assert result.name_of(a) == "Xã Thượng Lâm"
    assert [
        (child.pk, f["meetings_held"], f["working_members"]) for child, f in result.children
    ] == [
        (a1.pk, 1, 2),
        (a2.pk, 1, 1),
    ]
    assert (result.figures["meetings_held"], result.figures["working_members"]) == (2, 3)


def test_the_new_commune_for_the_year_before_it_existed_shows_its_predecessors(world):
    a, b, new, _cells = restructure(world)

    result = report(world, new, 2024)

    assert [(child.pk, result.name_of(child)) for child, _f in result.children] == [
        (a.pk, "Xã Lâm Thượng"),
        (b.pk, "Xã Phúc Yên"),
    ]
    assert result.formerly[new.pk] == ["Xã Lâm Thượng", "Xã Phúc Yên"]
    assert result.figures["working_members"] == 4
    assert result.figures["meetings_held"] == 0

    result_2023 = report(world, new, 2023)
    assert result_2023.figures["meetings_held"] == 3
    assert [result_2023.name_of(child) for child, _f in result_2023.children] == [
        "Xã Phúc Yên",
        "Xã Thượng Lâm",
    ]


def test_the_new_commune_in_2025_lists_its_cells_and_former_units(world):
    _a, _b, new, (a1, a2, b1) = restructure(world)

    result = report(world, new, 2025)

    assert result.formerly[new.pk] == ["Xã Lâm Thượng", "Xã Phúc Yên"]
    assert [child.pk for child, _f in result.children] == [a1.pk, a2.pk, b1.pk]
    assert result.figures["meetings_held"] == 2


@pytest.mark.parametrize("year", [2023, 2025])
def test_a_history_true_report_keeps_the_query_count(world, year):
    report(world, world.province, year)  # warm the role cache
    with CaptureQueriesContext(connection) as before:
        report(world, world.province, year)
    restructure(world)

    with CaptureQueriesContext(connection) as after:
        report(world, world.province, year)

    # before: the counts (ADR 0022), the book's problems included; after: the rows,
    # history-true, and the reconciliation's own queries, in a fixed number
    assert (len(before), len(after)) == (8, 23)


def test_the_report_page_and_export_show_the_former_units(client, world):
    _a, _b, _new, _cells = restructure(world)
    client.force_login(world.provincial_officer)
    url = reverse("reports:organization", args=[world.province.pk])

    body = client.get(url, {"year": 2025}).content.decode()
    export = client.get(url, {"year": 2025, "format": "xlsx"})

    assert "formerly: Xã Lâm Thượng, Xã Phúc Yên" in body
    names = [row[0].value for row in load_workbook(io.BytesIO(export.content))["Organizations"]]
    assert "Xã Lâm Bình Mới (formerly: Xã Lâm Thượng, Xã Phúc Yên)" in names
    old = client.get(url, {"year": 2023}).content.decode()
    assert "Xã Thượng Lâm" in old
    assert "Xã Lâm Bình Mới" not in old


def test_the_review_of_the_new_commune_compares_with_its_predecessors(world):
    _a, _b, new, _cells = restructure(world)

    review = build_review(user=world.provincial_officer, organization=new, year=2024, today=TODAY)

    rows = {row.name: (row.current, row.previous, row.change) for row in review.rows}
    assert rows["meetings_held"] == (0, 3, -3)
    assert review.formerly == ["Xã Lâm Thượng", "Xã Phúc Yên"]


def test_a_tree_follows_todays_paths_only_where_no_unit_changed_place(world):
    # The subtree lists narrow by today's paths (ADR 0008): a report links them only
    # when its tree agrees. The new commune had no place in 2023; commune A is untouched.
    _a, _b, new, _cells = restructure(world)

    assert report(world, world.commune_a_committee, 2023).follows_paths is True
    assert report(world, world.province, 2023).follows_paths is False
    assert report(world, new, 2023).follows_paths is False
    assert report(world, new, 2025).formerly  # folded units: unlinked whatever the paths


def _letter_to(world, commune, on, *, cell=None):
    """member_w1 introduced by the workplace to ``commune`` on ``on`` (received, and
    taken in by ``cell`` when given)."""
    from lienhe213.registry import services

    services.classify_member(
        by=world.root_user, member=world.member_w1, decided_by=world.workplace, decided_on=on
    )
    link = services.issue_letter(
        by=world.root_user,
        workplace=world.workplace,
        member=world.member_w1,
        issued_on=on,
        residence_commune=commune,
    )
    link = services.receive_letter(by=world.root_user, link=link, received_on=on)
    if cell is not None:
        link = services.assign_to_cell(by=world.root_user, link=link, cell=cell, assigned_on=on)
        link = services.acknowledge_link(by=world.root_user, link=link, acknowledged_on=on)
    return link


def _links_by_child(result):
    return {
        result.name_of(child): (f["letters_issued"], f["letters_received"])
        for child, f in result.children
        if child.side == "residential"
    }


def test_a_link_remapped_after_the_merger_counts_where_it_was_in_the_years_before(world):
    from lienhe213.registry import services

    letters = []
    _a, b, new, _cells = restructure(
        world,  # received in 2023, in no cell yet
        lambda a, b, cells: letters.append(_letter_to(world, b, datetime.date(2023, 3, 6))),
    )
    link = letters[0]
    services.remap_links(by=world.root_user, source=b, commune=new, effective_on=MERGER)
    link.refresh_from_db()
    assert link.residence_commune_organization == new

    report(world, world.province, 2023)  # warm the role cache
    with CaptureQueriesContext(connection) as queries:
        past = report(world, world.province, 2023)
    present = report(world, world.province, 2025)

    assert _links_by_child(past)["Xã Phúc Yên"] == (1, 1)
    assert past.figures["letters_issued"] == past.figures["letters_received"] == 1
    assert _links_by_child(present)["Xã Lâm Bình Mới"] == (0, 0)  # nothing new in 2025
    # the re-mapped links regrouped, and their requests, by link
    assert len(queries) == 23 + 2
    # the old commune's own report of 2023 holds it; the new one's of 2025 its open link
    assert report(world, b, 2023).figures["letters_received"] == 1
    assert report(world, new, 2025).figures["letters_overdue"] == 0
    assert (
        compute(
            user=world.provincial_officer,
            organization=new,
            period=Period(datetime.date(2023, 1, 1), datetime.date(2026, 1, 15)),
            today=TODAY,
        ).figures["letters_received"]
        == 1
    )


def test_a_link_moved_to_another_cell_counts_in_its_former_cell_before_the_move(world):
    from lienhe213.registry import services

    a, _b, new, (a1, a2, _b1) = restructure(
        world, lambda a, b, cells: _letter_to(world, a, datetime.date(2023, 3, 6), cell=cells[1])
    )
    services.remap_links(
        by=world.root_user,
        source=a2,
        commune=new,
        cell=a1,
        effective_on=datetime.date(2025, 8, 1),
    )

    before = report(world, a, 2023)
    after = report(world, new, 2025)

    assert {child.pk: f["active_links"] for child, f in before.children} == {a1.pk: 0, a2.pk: 1}
    assert {child.pk: f["cells_with_links"] for child, f in before.children} == {a1.pk: 0, a2.pk: 1}
    assert {child.pk: f["active_links"] for child, f in after.children}[a1.pk] == 1


def test_a_link_remapped_out_of_a_subtree_leaves_it_only_from_the_remap_on(world):
    from lienhe213.registry import services

    _a, b, new, _cells = restructure(
        world, lambda a, b, cells: _letter_to(world, b, datetime.date(2023, 3, 6))
    )
    # Xã Phúc Yên's links go to commune A of the cast, outside the new commune
    services.remap_links(
        by=world.root_user, source=b, commune=world.commune_a_committee, effective_on=MERGER
    )

    def received(org, year):
        return report(world, org, year).figures["letters_received"]

    assert (received(new, 2023), received(world.commune_a_committee, 2023)) == (1, 0)
    # read from 2023 to today, the link now lies outside the new commune
    everything = Period(datetime.date(2023, 1, 1), TODAY)
    outside = compute(
        user=world.provincial_officer, organization=new, period=everything, today=TODAY
    )
    inside = compute(
        user=world.provincial_officer,
        organization=world.commune_a_committee,
        period=everything,
        today=TODAY,
    )
    assert (outside.figures["letters_received"], inside.figures["letters_received"]) == (0, 1)
