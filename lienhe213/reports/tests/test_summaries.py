"""The maintained counts (ADR 0022): kept equal to the rows by every service that
changes them, rebuilt and checked by ``manage.py summaries``, and read by a report only
where they give the same figures as the rows."""

import datetime
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from lienhe213.meetings import services as meeting_services
from lienhe213.members.services import update_member
from lienhe213.organizations.models import Organization
from lienhe213.organizations.services import merge_organizations, move_organization
from lienhe213.registry import services as registry_services
from lienhe213.registry.models import ExemptionDecision, ResidenceLink
from lienhe213.registry.reconciliation import reconcile
from lienhe213.registry.tests.conftest import classify, link_at
from lienhe213.registry.tests.test_reconciliation import plant_duplicate_open_link
from lienhe213.registry.tests.test_views import second_member
from lienhe213.reports import indicators, summaries
from lienhe213.reports.indicators import Period, compute
from lienhe213.reports.models import Tally, TallyState
from lienhe213.reports.tests.conftest import TODAY, held, rows_elsewhere, year_in_commune_a

YEAR = Period.for_year(2025)
DAY = datetime.timedelta(days=1)


def a_busy_book(world):
    """The reports' small year and its rows elsewhere, then every kind of change the
    counts follow: a letter returned, a link moved to another commune, one ended, a
    meeting held, an exemption revoked, a member's party unit changed, a cell moved to
    another commune, the links of a cell re-mapped and a commune merged into another
    (its cells move under it)."""
    link, campaign = year_in_commune_a(world)
    rows_elsewhere(world, campaign)
    day = datetime.date(2025, 9, 1)
    lan = second_member(world, given_name="Lan", party_card_number="61111111")
    mai = second_member(world, given_name="Mai", party_card_number="62222222")
    returned = link_at(world, "received", member=lan)
    registry_services.return_letter(
        by=world.root_user, link=returned, returned_on=day, reason="Không cư trú tại địa bàn."
    )
    ended = link_at(world, "active", member=mai)
    registry_services.end_link_for_departure(
        by=world.root_user, link=ended, ended_on=day, reason="died"
    )
    registry_services.move_residence(
        by=world.root_user,
        link=ResidenceLink.objects.get(pk=link.pk),
        moved_on=datetime.date(2025, 11, 3),
        residence_commune=world.commune_b_committee,
    )
    meeting = held(world, world.cell_a1, datetime.date(2025, 3, 2), {})
    assert meeting.pk
    registry_services.revoke_exemption(
        by=world.root_user,
        decision=ExemptionDecision.objects.get(reason="abroad"),
        revoked_on=datetime.date(2025, 12, 1),
    )
    update_member(
        by=world.root_user,
        member=world.member_b1,
        version=None,
        organization=world.workplace_cell,
    )
    move_organization(
        by=world.root_user,
        organization=world.cell_a1,
        new_parent=world.commune_b_committee,
        effective_date=TODAY,
    )
    registry_services.remap_links(
        by=world.provincial_officer,
        source=world.cell_b1,
        commune=world.commune_b_committee,
        cell=world.cell_a1,
        effective_on=TODAY,
    )
    merge_organizations(
        by=world.root_user,
        absorbed=world.commune_b_committee,
        into=world.commune_a_committee,
        effective_date=TODAY + datetime.timedelta(days=30),
    )


def test_every_service_keeps_the_counts_equal_to_the_rows(world):
    a_busy_book(world)

    assert summaries.differences() == {}
    assert len(summaries.stored()) > 100  # the counts were really written


def test_a_closed_years_report_from_the_counts_equals_the_live_one(world):
    year_in_commune_a(world)
    read = []
    reads_tallies = indicators._reads_tallies

    def spy(scope, today):
        read.append(reads_tallies(scope, today))
        return read[-1]

    cases = [
        ("provincial_officer", world.province),
        ("provincial_officer", world.commune_a_committee),
        ("commune_clerk", world.commune_a_committee),
        ("commune_clerk", world.cell_a2),
        ("workplace_officer", world.workplace),
        ("root_user", world.province),
    ]
    for who, org in cases:
        user = getattr(world, who)
        with mock.patch.object(indicators, "_reads_tallies", spy):
            counted = compute(user=user, organization=org, period=YEAR, today=TODAY)
        with mock.patch.object(indicators, "_reads_tallies", return_value=False):
            live = compute(user=user, organization=org, period=YEAR, today=TODAY)
        assert counted.figures == live.figures, (who, org)
        assert counted.problems == live.problems, (who, org)
        assert [(c.pk, f) for c, f in counted.children] == [(c.pk, f) for c, f in live.children]
    assert read == [True] * len(cases)  # each report above read the counts
    # the figures compared are not all zero
    assert (counted.figures["active_links"], counted.figures["meetings_held"]) == (1, 1)
    assert sum(counted.problems.values()) > 0


def test_the_counts_equal_the_rows_after_a_busy_book_in_every_report(world):
    a_busy_book(world)
    for org in (world.province, world.commune_a_committee, world.commune_b_committee):
        with mock.patch.object(indicators, "_reads_tallies", return_value=False):
            live = compute(user=world.root_user, organization=org, period=YEAR, today=TODAY)
        counted = compute(user=world.root_user, organization=org, period=YEAR, today=TODAY)
        assert counted.figures == live.figures
        assert counted.problems == live.problems
        assert [(c.pk, f) for c, f in counted.children] == [(c.pk, f) for c, f in live.children]


def problems_from_counts(org, year):
    either = summaries.read([org.pk], year).get(org.pk, {}).get(Tally.Side.EITHER, {})
    return {kind: either.get(name, 0) for kind, name in summaries.BOOK_FIGURES.items()}


def a_book_with_every_problem(world):
    """Through the services: the cast's two members not yet classified; a letter past
    its deadline; another returned (its member to introduce again); a category B
    exemption that expired at the end of 2025; a commune merged into another, ending the
    committee that issued a letter and no longer holds its member; and, written around
    the services, a second open link (the counts then rebuilt)."""
    overdue = link_at(world, "issued")  # member_w1, deadline 15 April 2025
    lan = second_member(world, given_name="Lan", party_card_number="61111111")
    registry_services.return_letter(
        by=world.root_user,
        link=link_at(world, "received", member=lan),
        returned_on=datetime.date(2025, 5, 5),
        reason="Không cư trú tại địa bàn.",
    )
    mai = second_member(world, given_name="Mai", party_card_number="62222222")
    registry_services.exempt_temporarily(
        by=world.root_user,
        link=link_at(world, "active", member=mai),
        category="b",
        reason="abroad",
        decided_by=world.workplace,
        decided_on=datetime.date(2025, 3, 3),
        valid_from=datetime.date(2025, 4, 1),
        valid_until=datetime.date(2025, 12, 31),
    )
    classify(world, world.member_b1, workplace=world.commune_b_committee)
    b1 = registry_services.issue_letter(
        by=world.root_user,
        workplace=world.commune_b_committee,
        member=world.member_b1,
        issued_on=datetime.date(2025, 3, 3),
    )
    registry_services.receive_letter(by=world.root_user, link=b1, received_on=b1.issued_on)
    merge_organizations(
        by=world.root_user,
        absorbed=world.commune_b_committee,
        into=world.commune_a_committee,
        effective_date=TODAY + datetime.timedelta(days=10),
    )
    return overdue


def test_the_books_problems_from_the_counts_are_the_reconciliations_on_every_31_december(
    world,
):
    overdue = a_book_with_every_problem(world)
    assert summaries.differences() == {}
    organizations = [
        world.province,
        world.workplace,
        world.commune_a_committee,
        world.commune_b_committee,
        world.cell_a1,
        world.cell_a2,
    ]

    def compare():
        seen = set()
        for year in range(2023, 2029):
            for org in organizations:
                live = reconcile(on=datetime.date(year, 12, 31), organization=org).counts()
                assert problems_from_counts(org, year) == live, (year, org.name)
                seen |= {kind for kind, n in live.items() if n}
        return seen

    assert compare() == {
        "unclassified",
        "not_introduced",
        "overdue_letters",
        "links_to_ended_organizations",
        "workplace_mismatch",
        "expired_category_b",
    }
    # On a year's last day itself: a deadline, the end of a committee and of an
    # exemption on 31 December (written around the services, the counts rebuilt).
    last_day = datetime.date(2025, 12, 31)
    ResidenceLink.objects.filter(pk=overdue.pk).update(deadline=last_day)
    Organization.objects.filter(pk=world.commune_b_committee.pk).update(
        valid_until=datetime.date(2026, 12, 31)
    )
    ExemptionDecision.objects.filter(category="b").update(valid_until=last_day - DAY)
    plant_duplicate_open_link(overdue)
    summaries.rebuild()
    assert "several_open_links" in compare()


def spied(world, org, period, user=None, today=TODAY):
    read = []
    reads_tallies = indicators._reads_tallies

    def spy(scope, today):
        read.append(reads_tallies(scope, today))
        return read[-1]

    with mock.patch.object(indicators, "_reads_tallies", spy):
        compute(user=user or world.root_user, organization=org, period=period, today=today)
    return read


def test_a_report_reads_the_rows_where_the_counts_could_differ(world):
    year_in_commune_a(world)
    province = world.province

    assert spied(world, province, YEAR) == [True]
    # the year still running: its figures as of today
    assert spied(world, province, Period.for_year(2026)) == [False]
    # a range of days
    assert spied(
        world, province, Period(datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))
    ) == [False]
    # a reader who sees only part of the subtree (a cell secretary, the province)
    assert spied(world, province, YEAR, user=world.secretary_a2) == [False]
    # a unit of the subtree ended before the year's end (out of the tree, under the path)
    lived = {"valid_from": datetime.date(2020, 1, 1), "valid_until": datetime.date(2025, 6, 30)}
    Organization.objects.filter(pk=world.cell_b1.pk).update(**lived)
    assert spied(world, province, YEAR) == [False]
    Organization.objects.filter(pk=world.cell_b1.pk).update(valid_until=None)
    assert spied(world, province, YEAR) == [True]
    # the counts not built (a database upgraded from before them)
    TallyState.objects.all().delete()
    assert spied(world, province, YEAR) == [False]


def test_the_command_checks_rebuilds_and_finds_rows_written_around_the_services(world, capsys):
    year_in_commune_a(world)
    call_command("summaries", "--check")
    assert "The counts equal the rows." in capsys.readouterr().out

    ResidenceLink.objects.update(returned_on=datetime.date(2025, 4, 1))

    with pytest.raises(CommandError, match="counts differ from the rows"):
        call_command("summaries", "--check")
    assert "letters_returned: stored 0, from the rows 1" in capsys.readouterr().out
    call_command("summaries", "--rebuild", "--check")
    assert "The counts equal the rows." in capsys.readouterr().out
    assert summaries.differences() == {}


def test_a_meeting_held_and_its_attendance_corrected_move_the_counts(world):
    link = link_at(world, "active")
    meeting = held(world, world.cell_a2, datetime.date(2025, 6, 2), {world.member_w1: "absent"})
    before = summaries.read([world.cell_a2.pk], 2025)[world.cell_a2.pk]["t"]

    meeting_services.record_attendance(
        by=world.root_user, meeting=meeting, member=link.member, status="present"
    )

    after = summaries.read([world.cell_a2.pk], 2025)[world.cell_a2.pk]["t"]
    assert (before["meetings_held"], before.get("attendance_present", 0)) == (1, 0)
    assert (after["meetings_held"], after["attendance_present"]) == (1, 1)
    assert summaries.differences() == {}
