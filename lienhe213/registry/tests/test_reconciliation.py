"""No member lost: each planted problem is found, a clean book shows none, and
check_book fails only on invariants that must never break."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lienhe213.members.models import Member
from lienhe213.organizations.services import merge_organizations
from lienhe213.registry import services
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.reconciliation import reconcile
from lienhe213.registry.tests.conftest import MONDAY, TODAY, classify, link_at

LATER = datetime.date(2025, 6, 2)
EMPTY = {
    "unclassified": [],
    "not_introduced": [],
    "overdue_letters": [],
    "several_open_links": [],
    "links_without_commune": [],
    "links_to_ended_organizations": [],
    "workplace_mismatch": [],
    "expired_category_b": [],
}


def found(on=LATER, organization=None):
    check = reconcile(on=on, organization=organization)
    return {kind: finding.ids for kind, finding in check.findings.items()}


def clean_book(world):
    """Every working member of the cast in the loop: member_w1 active in cell A2,
    member_b1 active in cell B1 (member_a1 is retired)."""
    w1 = link_at(world, "active")
    classify(world, world.member_b1, workplace=world.commune_b_committee)
    b1 = services.issue_letter(
        by=world.root_user,
        workplace=world.commune_b_committee,
        member=world.member_b1,
        issued_on=MONDAY,
    )
    services.receive_letter(by=world.root_user, link=b1, received_on=MONDAY)
    services.assign_to_cell(by=world.root_user, link=b1, cell=world.cell_b1, assigned_on=MONDAY)
    services.acknowledge_link(by=world.root_user, link=b1, acknowledged_on=MONDAY)
    return w1, b1


def test_a_clean_book_has_no_finding(world):
    clean_book(world)

    assert found() == EMPTY
    assert reconcile(on=LATER).is_clean


def test_the_cast_starts_with_two_unclassified_working_members(world):
    assert found()["unclassified"] == sorted([world.member_w1.pk, world.member_b1.pk])
    assert found(organization=world.workplace)["unclassified"] == [world.member_w1.pk]
    assert found(organization=world.commune_a_committee)["unclassified"] == []


def test_overdue_letter_is_flagged_on_both_sides(world, issued):
    # the deadline is 15 April 2025
    assert found(on=datetime.date(2025, 4, 15))["overdue_letters"] == []
    assert found(on=datetime.date(2025, 4, 16))["overdue_letters"] == [issued.pk]
    assert found(organization=world.workplace)["overdue_letters"] == [issued.pk]
    assert found(organization=world.commune_a_committee)["overdue_letters"] == [issued.pk]
    assert found(organization=world.commune_b_committee)["overdue_letters"] == []


def test_returned_letter_leaves_the_member_to_introduce(world, issued):
    services.return_letter(by=world.commune_clerk, link=issued, returned_on=MONDAY, reason="x")

    assert found()["not_introduced"] == [world.member_w1.pk]
    assert found()["unclassified"] == [world.member_b1.pk]


def test_link_to_a_merged_commune(world):
    _w1, b1 = clean_book(world)
    merged_on = TODAY + datetime.timedelta(days=10)
    merge_organizations(
        by=world.root_user,
        absorbed=world.commune_b_committee,
        into=world.commune_a_committee,
        effective_date=merged_on,
    )

    # member_b1's cell moved under commune A, away from the committee that issued the
    # letter (commune B also acted as the workplace here)
    assert found(on=merged_on - datetime.timedelta(days=1)) == {
        **EMPTY,
        "workplace_mismatch": [b1.pk],
    }
    assert found(on=merged_on) == {
        **EMPTY,
        "workplace_mismatch": [b1.pk],
        "links_to_ended_organizations": [b1.pk],
    }


def test_workplace_no_longer_holding_the_member(world):
    w1, _b1 = clean_book(world)
    Member.objects.filter(pk=world.member_w1.pk).update(unit_path=world.cell_b1.path)

    assert found()["workplace_mismatch"] == [w1.pk]


def test_expired_category_b_exemption(world):
    clean_book(world)
    decision = services.exempt_temporarily(
        by=world.root_user,
        link=ResidenceLink.objects.get(member=world.member_w1),
        category="b",
        reason="abroad",
        decided_by=world.workplace,
        decided_on=MONDAY,
        valid_from=datetime.date(2025, 4, 1),
        valid_until=datetime.date(2025, 12, 31),
    )[1]

    assert found(on=datetime.date(2025, 12, 31)) == EMPTY
    later = found(on=datetime.date(2026, 1, 1))
    assert later["expired_category_b"] == [decision.pk]
    assert later["unclassified"] == [world.member_w1.pk]


def plant_duplicate_open_link(link):
    """Write around the application: drop the partial unique index for this test's
    transaction (rolled back with it) and add a second open link."""
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX residence_link_one_open_per_member")
    twin = ResidenceLink.objects.get(pk=link.pk)
    twin.pk = None
    twin.letter_number = 99
    twin.save()
    return twin


def test_several_open_links_are_found(world, issued):
    plant_duplicate_open_link(issued)

    check = reconcile(on=LATER)
    assert check.findings["several_open_links"].ids == [world.member_w1.pk]
    assert [f.kind for f in check.broken_invariants] == ["several_open_links"]


def test_reconciliation_costs_a_fixed_number_of_queries(world):
    clean_book(world)
    with CaptureQueriesContext(connection) as small:
        reconcile(on=LATER)
    for _ in range(5):
        link_at_member = Member.objects.create(
            family_name="Vũ",
            given_name="Bình",
            gender="male",
            birth_date=datetime.date(1990, 1, 1),
            joined_on=datetime.date(2015, 1, 1),
            organization=world.workplace_cell,
            unit_path=world.workplace_cell.path,
        )
        assert link_at_member.pk
    with CaptureQueriesContext(connection) as larger:
        check = reconcile(on=LATER)

    assert len(larger) == len(small) == 8
    assert check.findings["unclassified"].count == 5


def test_check_book_passes_on_a_book_with_only_worklist_findings(world, issued):
    out = io.StringIO()

    call_command("check_book", "--date", "2025-06-02", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "Tracking book on 2025-06-02"
    assert f"unclassified: 1 (member {world.member_b1.pk})" in lines
    assert f"overdue_letters: 1 (link {issued.pk})" in lines
    assert "several_open_links: 0" in lines
    assert lines[-1] == "No invariant broken."


def test_check_book_fails_when_an_invariant_is_broken(world, issued):
    plant_duplicate_open_link(issued)

    with pytest.raises(CommandError) as caught:
        call_command("check_book", "--date", "2025-06-02", stdout=io.StringIO())

    assert caught.value.returncode == 1
    assert str(caught.value) == "broken invariants: several_open_links (1)"
