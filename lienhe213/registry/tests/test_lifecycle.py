"""Every tracking-book service on its happy path: the rows it leaves, its one history
event and its audit row."""

import datetime

from lienhe213.core.models import AuditEvent
from lienhe213.members.models import Member
from lienhe213.members.services import update_member
from lienhe213.organizations.services import create_organization, merge_organizations
from lienhe213.registry import services
from lienhe213.registry.models import ExemptionDecision, LinkEvent, ResidenceLink
from lienhe213.registry.tests.conftest import MONDAY, TODAY, classify, link_at

DAY = datetime.timedelta(days=1)


def events(link):
    return list(LinkEvent.objects.filter(link=link).values_list("kind", flat=True))


def last_audit():
    return AuditEvent.objects.order_by("-pk").first()


def test_classify_member_records_a_normal_decision(world):
    decision = services.classify_member(
        by=world.workplace_officer,
        member=world.member_w1,
        decided_by=world.workplace,
        proposed_by=world.workplace_cell,
        decided_on=MONDAY,
    )

    row = ExemptionDecision.objects.values(
        "member", "category", "reason", "decided_by", "proposed_by", "valid_from", "valid_until"
    ).get()
    assert row == {
        "member": world.member_w1.pk,
        "category": "normal",
        "reason": "",
        "decided_by": world.workplace.pk,
        "proposed_by": world.workplace_cell.pk,
        "valid_from": MONDAY,
        "valid_until": None,
    }
    audit = last_audit()
    assert (audit.action, audit.object_id, audit.scope_path) == (
        "create",
        str(decision.pk),
        world.workplace.path,
    )
    assert audit.actor == world.workplace_officer


def test_a_new_decision_ends_the_running_one(world):
    first = classify(world)

    second = services.record_exemption(
        by=world.workplace_officer,
        member=world.member_w1,
        category="b",
        reason="abroad",
        decided_by=world.workplace,
        decided_on=MONDAY + 10 * DAY,
        valid_until=datetime.date(2026, 3, 12),
        review_on=datetime.date(2026, 3, 1),
        evidence="Decision 12/QĐ on study abroad",
    )

    first.refresh_from_db()
    assert first.valid_until == MONDAY + 9 * DAY
    assert (second.category, second.reason, second.valid_from) == ("b", "abroad", MONDAY + 10 * DAY)
    assert last_audit().changes["ended_decisions"] == [first.pk]


def test_revoke_exemption(world):
    decision = services.record_exemption(
        by=world.root_user,
        member=world.member_w1,
        category="a",
        reason="mobile_work",
        decided_by=world.workplace,
        decided_on=MONDAY,
    )

    services.revoke_exemption(
        by=world.workplace_officer, decision=decision, revoked_on=MONDAY + 30 * DAY
    )

    decision.refresh_from_db()
    assert (decision.revoked_on, decision.revoked_by) == (
        MONDAY + 30 * DAY,
        world.workplace_officer,
    )
    assert last_audit().changes == {"revoked_on": [None, "2025-04-02"]}


def test_issue_letter_introduces_the_member_to_the_commune_of_residence(world):
    classify(world)
    before = AuditEvent.objects.count()

    link = services.issue_letter(
        by=world.workplace_officer,
        workplace=world.workplace,
        member=world.member_w1,
        issued_on=MONDAY,
    )

    row = ResidenceLink.objects.values(
        "member",
        "issued_by_organization",
        "workplace_organization",
        "residence_commune_organization",
        "residence_cell",
        "category",
        "letter_form",
        "letter_number",
        "letter_year",
        "issued_on",
        "deadline",
        "status",
        "version",
    ).get()
    assert row == {
        "member": world.member_w1.pk,
        "issued_by_organization": world.workplace.pk,
        "workplace_organization": world.workplace.pk,
        "residence_commune_organization": world.commune_a_committee.pk,
        "residence_cell": None,
        "category": "normal",
        "letter_form": "1-213",
        "letter_number": 1,
        "letter_year": 2025,
        "issued_on": MONDAY,
        # 30 working days: five weekends and Hùng Kings day (7 April 2025) skipped
        "deadline": datetime.date(2025, 4, 15),
        "status": "issued",
        "version": 1,
    }
    assert events(link) == ["issued"]
    event = LinkEvent.objects.get()
    assert event.by == world.workplace_officer
    assert event.after["letter_number"] == 1
    assert AuditEvent.objects.count() == before + 1
    audit = last_audit()
    assert (audit.action, audit.object_type, audit.object_id, audit.scope_path) == (
        "create",
        "registry.residencelink",
        str(link.pk),
        world.workplace.path,
    )


def test_category_a_member_gets_form_2(world):
    services.record_exemption(
        by=world.root_user,
        member=world.member_w1,
        category="a",
        reason="full_time_study",
        decided_by=world.workplace,
        decided_on=MONDAY,
    )

    link = services.issue_letter(
        by=world.workplace_officer,
        workplace=world.workplace,
        member=world.member_w1,
        issued_on=MONDAY,
    )

    assert (link.category, link.letter_form) == ("a", "2-213")


def test_bulk_issue_numbers_without_gaps_and_continues(world):
    members = []
    for n in range(60):
        member = Member(
            family_name="Trần",
            given_name=f"Số {n:02d}",
            gender="male",
            birth_date=datetime.date(1990, 1, 1),
            joined_on=datetime.date(2015, 1, 1),
            organization=world.workplace_cell,
            residence_commune=world.commune_a,
        )
        member.refresh_derived()
        members.append(member)
    Member.objects.bulk_create(members)
    for member in members:
        classify(world, member)

    first = services.issue_letters(
        by=world.workplace_officer,
        workplace=world.workplace,
        members=members[:50],
        issued_on=MONDAY,
    )
    second = services.issue_letters(
        by=world.workplace_officer,
        workplace=world.workplace,
        members=members[50:],
        issued_on=MONDAY,
    )

    assert [link.letter_number for link in first] == list(range(1, 51))
    assert [link.letter_number for link in second] == list(range(51, 61))
    assert [link.member_id for link in first + second] == [m.pk for m in members]
    assert (
        ResidenceLink.objects.filter(
            residence_commune_organization=world.commune_a_committee
        ).count()
        == 60
    )
    assert LinkEvent.objects.filter(kind="issued").count() == 60
    assert AuditEvent.objects.filter(object_type="registry.residencelink").count() == 60


def test_numbering_restarts_each_year(world, issued):
    services.return_letter(
        by=world.commune_clerk, link=issued, returned_on=MONDAY + DAY, reason="Wrong address"
    )

    link = services.issue_letter(
        by=world.workplace_officer,
        workplace=world.workplace,
        member=world.member_w1,
        issued_on=datetime.date(2026, 1, 5),
    )

    assert (link.letter_number, link.letter_year) == (1, 2026)


def test_record_presentation(world, issued):
    link = services.record_presentation(
        by=world.commune_clerk, link=issued, presented_on=MONDAY + 2 * DAY, version=1
    )

    assert (link.presented_on, link.status, link.version) == (MONDAY + 2 * DAY, "issued", 2)
    assert events(link) == ["issued", "presented"]


def test_receive_letter(world, issued):
    link = services.receive_letter(
        by=world.commune_clerk, link=issued, received_on=MONDAY + 5 * DAY
    )

    link.refresh_from_db()
    assert (link.status, link.received_on, link.version) == ("received", MONDAY + 5 * DAY, 2)
    assert events(link) == ["issued", "received"]
    event = LinkEvent.objects.get(kind="received")
    assert (event.before, event.after) == (
        {"received_on": None, "status": "issued"},
        {"received_on": "2025-03-08", "status": "received"},
    )
    audit = last_audit()
    assert (audit.action, audit.scope_path, audit.actor) == (
        "update",
        world.commune_a_committee.path,
        world.commune_clerk,
    )
    assert audit.changes == {
        "event": "received",
        "received_on": [None, "2025-03-08"],
        "status": ["issued", "received"],
    }


def test_return_letter(world, issued):
    link = services.return_letter(
        by=world.commune_clerk, link=issued, returned_on=MONDAY + DAY, reason="  No such   group "
    )

    link.refresh_from_db()
    assert (link.status, link.returned_on, link.return_reason) == (
        "returned",
        MONDAY + DAY,
        "No such group",
    )
    assert LinkEvent.objects.get(kind="returned").note == "No such group"
    assert last_audit().reason == "No such group"


def test_assign_to_cell(world):
    link = link_at(world, "received")

    services.assign_to_cell(
        by=world.commune_clerk, link=link, cell=world.cell_a2, assigned_on=MONDAY + 10 * DAY
    )

    link.refresh_from_db()
    assert (link.status, link.residence_cell, link.assigned_on) == (
        "assigned",
        world.cell_a2,
        MONDAY + 10 * DAY,
    )
    assert events(link) == ["issued", "received", "assigned"]
    assert last_audit().changes["residence_cell"] == [None, world.cell_a2.pk]


def test_acknowledge_link_makes_it_active(world):
    link = link_at(world, "assigned")

    services.acknowledge_link(by=world.secretary_a2, link=link, acknowledged_on=MONDAY + 12 * DAY)

    link.refresh_from_db()
    assert (link.status, link.acknowledged_on) == ("active", MONDAY + 12 * DAY)
    assert events(link) == ["issued", "received", "assigned", "acknowledged"]
    assert last_audit().scope_path == world.commune_a_committee.path


def test_move_residence_closes_the_old_link_and_issues_a_new_one(world):
    old = link_at(world, "active")
    audits = AuditEvent.objects.count()

    new = services.move_residence(
        by=world.workplace_officer,
        link=old,
        moved_on=datetime.date(2025, 6, 2),
        residence_commune=world.commune_b_committee,
    )

    old.refresh_from_db()
    assert (old.status, old.ended_on, old.end_reason, old.superseded_by) == (
        "closed",
        datetime.date(2025, 6, 2),
        "moved_residence",
        new,
    )
    assert (new.status, new.residence_commune_organization, new.letter_number) == (
        "issued",
        world.commune_b_committee,
        2,
    )
    assert events(old)[-1] == "moved"
    assert LinkEvent.objects.get(link=old, kind="moved").after == {
        "status": "closed",
        "ended_on": "2025-06-02",
        "end_reason": "moved_residence",
        "superseded_by": new.pk,
    }
    assert events(new) == ["issued"]
    assert AuditEvent.objects.count() == audits + 2


def test_change_workplace_keeps_the_link_under_the_new_committee(world):
    link = link_at(world, "active")
    new_workplace = create_organization(
        by=world.root_user,
        name="Đảng bộ Sở Y tế",
        kind="grassroots_committee",
        side="workplace",
        parent=world.province,
    )
    new_cell = create_organization(
        by=world.root_user,
        name="Chi bộ Phòng Kế hoạch",
        kind="cell",
        side="workplace",
        parent=new_workplace,
    )
    member = update_member(
        by=world.root_user, member=world.member_w1, version=None, organization=new_cell
    )
    officer = world.workplace_officer
    officer.role_assignments.create(organization=new_workplace, role="workplace_officer")
    officer = type(officer).objects.get(pk=officer.pk)

    services.change_workplace(
        by=officer, link=link, workplace=new_workplace, changed_on=datetime.date(2025, 7, 1)
    )

    link.refresh_from_db()
    assert (link.workplace_organization, link.issued_by_organization, link.status) == (
        new_workplace,
        world.workplace,
        "active",
    )
    assert events(link)[-1] == "workplace_changed"
    assert last_audit().scope_path == new_workplace.path
    assert member.unit_path.startswith(new_workplace.path)


def test_exempt_temporarily_with_category_a_keeps_the_link(world):
    link = link_at(world, "active")

    link, decision = services.exempt_temporarily(
        by=world.workplace_officer,
        link=link,
        category="a",
        reason="full_time_study",
        decided_by=world.workplace,
        decided_on=datetime.date(2025, 9, 1),
        valid_until=datetime.date(2026, 8, 31),
    )

    link.refresh_from_db()
    assert (link.status, link.category, link.letter_form) == ("active", "a", "1-213")
    assert (decision.category, decision.valid_from) == ("a", datetime.date(2025, 9, 1))
    assert events(link)[-1] == "exempted"


def test_exempt_temporarily_with_category_b_closes_the_link(world):
    link = link_at(world, "active")

    services.exempt_temporarily(
        by=world.workplace_officer,
        link=link,
        category="b",
        reason="abroad",
        decided_by=world.workplace,
        decided_on=datetime.date(2025, 9, 1),
    )

    link.refresh_from_db()
    assert (link.status, link.end_reason, link.ended_on) == (
        "closed",
        "category_b",
        datetime.date(2025, 9, 1),
    )
    assert events(link)[-1] == "closed"


def test_retire_member_closes_the_link_and_transfers_to_the_cell(world):
    link = link_at(world, "active")
    version = Member.objects.get(pk=world.member_w1.pk).version
    audits = AuditEvent.objects.count()

    services.retire_member(
        by=world.provincial_officer,
        link=link,
        retired_on=datetime.date(2025, 10, 1),
        member_version=version,
    )

    link.refresh_from_db()
    member = Member.objects.get(pk=world.member_w1.pk)
    assert (link.status, link.end_reason) == ("closed", "retired_transferred")
    assert (member.employment, member.organization, member.unit_path) == (
        "retired",
        world.cell_a2,
        world.cell_a2.path,
    )
    assert list(
        AuditEvent.objects.filter(pk__gt=0).order_by("pk").values_list("object_type", "action")
    )[-2:] == [("registry.residencelink", "update"), ("members.member", "update")]
    assert AuditEvent.objects.count() == audits + 2


def test_end_link_for_departure(world):
    link = link_at(world, "assigned")

    services.end_link_for_departure(
        by=world.workplace_officer, link=link, ended_on=datetime.date(2025, 5, 5), reason="died"
    )

    link.refresh_from_db()
    assert (link.status, link.end_reason, link.ended_on) == (
        "closed",
        "died",
        datetime.date(2025, 5, 5),
    )
    assert events(link)[-1] == "closed"


def test_remap_links_after_communes_merge(world):
    classify(world)
    link = services.issue_letter(
        by=world.root_user,
        workplace=world.workplace,
        member=world.member_w1,
        issued_on=MONDAY,
        residence_commune=world.commune_b_committee,
    )
    merged_on = TODAY + 30 * DAY
    merge_organizations(
        by=world.root_user,
        absorbed=world.commune_b_committee,
        into=world.commune_a_committee,
        effective_date=merged_on,
    )

    services.remap_links(
        by=world.provincial_officer,
        source=world.commune_b_committee,
        commune=world.commune_a_committee,
        effective_on=merged_on,
    )

    link.refresh_from_db()
    assert link.residence_commune_organization == world.commune_a_committee
    event = LinkEvent.objects.get(link=link, kind="remapped")
    assert event.before == {
        "residence_commune_organization": world.commune_b_committee.pk,
        "residence_cell": None,
        "names": ["Đảng bộ xã Lâm Bình", ""],
    }
    assert event.after["residence_commune_organization"] == world.commune_a_committee.pk
    assert last_audit().scope_path == world.commune_a_committee.path


def test_remap_links_when_a_community_moves_to_another_cell(world):
    link = link_at(world, "active")
    other = link_at(world, "issued", member=world.member_b1, workplace=world.commune_b_committee)

    changed = services.remap_links(
        by=world.provincial_officer,
        source=world.cell_a2,
        commune=world.commune_a_committee,
        cell=world.cell_a1,
        community=world.community_a2,
        effective_on=datetime.date(2025, 8, 1),
    )

    link.refresh_from_db()
    assert changed == [link]
    assert (link.residence_cell, link.status, link.version) == (world.cell_a1, "active", 5)
    assert LinkEvent.objects.get(kind="remapped").before["names"] == [
        "Đảng bộ phường Hà Giang 1",
        "Chi bộ tổ 2",
    ]
    assert LinkEvent.objects.filter(link=other).count() == 1
