import datetime

import pytest

from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent
from lienhe213.meetings import services
from lienhe213.meetings.models import Attendance, FollowUp, Meeting, Opinion
from lienhe213.meetings.tests.conftest import (
    DAY,
    TODAY,
    linked,
    meeting_state,
    plan,
    working_member,
)

pytestmark = pytest.mark.django_db


def test_plan_meeting_invites_active_members_not_exempt(world):
    # given member_w1 (normal) and a category-A member, both active in cell A2
    normal = linked(world)
    exempt = linked(world, working_member(world, "Bình", "002085009999"), category="a")

    # when the secretary of A2 plans a meeting
    meeting = plan(world, place="Nhà văn hoá tổ 2", agenda="Sáu tháng đầu năm")

    # then only the normal member is invited, and one audit row says so
    assert (meeting.cell, meeting.kind, meeting.date, meeting.status, meeting.version) == (
        world.cell_a2,
        "periodic",
        DAY,
        "planned",
        1,
    )
    assert list(meeting.attendances.values_list("member_id", "link_id", "invited", "status")) == [
        (world.member_w1.pk, normal.pk, True, "unknown")
    ]
    event = AuditEvent.objects.get(object_type="meetings.meeting", object_id=str(meeting.pk))
    assert (event.action, event.actor, event.scope_path) == (
        "create",
        world.secretary_a2,
        world.cell_a2.path,
    )
    assert event.changes["invited"] == [world.member_w1.pk]
    assert exempt.member_id not in event.changes["invited"]


def test_plan_meeting_can_include_category_a(world):
    linked(world)
    exempt = linked(world, working_member(world, "Bình", "002085009999"), category="a")

    meeting = plan(world, include_category_a=True)

    assert sorted(meeting.attendances.values_list("member_id", flat=True)) == sorted(
        [world.member_w1.pk, exempt.member_id]
    )


def test_record_attendance_updates_invitation_and_audits(world):
    linked(world)
    meeting = plan(world)

    attendance = services.record_attendance(
        by=world.secretary_a2,
        meeting=meeting,
        member=world.member_w1,
        status="excused",
        excuse_reason="  On a work trip ",
        version=1,
    )

    stored = Attendance.objects.get(pk=attendance.pk)
    assert (stored.status, stored.excuse_reason, stored.invited) == (
        "excused",
        "On a work trip",
        True,
    )
    assert Meeting.objects.get(pk=meeting.pk).version == 2
    event = AuditEvent.objects.filter(
        object_type="meetings.meeting", object_id=str(meeting.pk)
    ).latest("pk")
    assert event.changes == {
        "event": "attendance",
        "member": world.member_w1.pk,
        "status": ["unknown", "excused"],
        "excuse_reason": ["", "On a work trip"],
    }


def test_record_attendance_of_a_linked_member_not_invited(world):
    exempt = linked(world, working_member(world, "Bình", "002085009999"), category="a")
    meeting = plan(world)

    services.record_attendance(
        by=world.commune_clerk, meeting=meeting, member=exempt.member, status="present"
    )

    assert list(meeting.attendances.values_list("member_id", "link_id", "invited", "status")) == [
        (exempt.member_id, exempt.pk, False, "present")
    ]


def test_attendance_for_a_member_not_linked_to_the_cell_is_refused(world):
    linked(world)
    meeting = plan(world)
    before = meeting_state()

    with pytest.raises(DomainError) as refused:
        services.record_attendance(
            by=world.secretary_a2, meeting=meeting, member=world.member_a1, status="present"
        )

    assert str(refused.value) == "“Đặng Thị Hoa” is not linked to “Chi bộ tổ 2”."
    assert refused.value.field == "member"
    assert meeting_state() == before


def test_acting_from_another_cell_is_refused(world):
    linked(world)
    meeting = plan(world)
    before = meeting_state()

    with pytest.raises(DomainError) as refused:
        services.record_attendance(
            by=world.secretary_a1, meeting=meeting, member=world.member_w1, status="present"
        )
    with pytest.raises(DomainError):
        services.mark_held(by=world.other_clerk, meeting=meeting)
    with pytest.raises(DomainError):
        plan(world, by=world.secretary_a1)

    assert str(refused.value) == "You may not run the meetings of “Chi bộ tổ 2”."
    assert meeting_state() == before


def test_stale_version_is_refused(world):
    linked(world)
    meeting = plan(world)
    services.record_attendance(
        by=world.secretary_a2, meeting=meeting, member=world.member_w1, status="present"
    )
    before = meeting_state()

    with pytest.raises(DomainError) as refused:
        services.record_attendance(
            by=world.commune_clerk,
            meeting=meeting,
            member=world.member_w1,
            status="absent",
            version=1,
        )

    assert str(refused.value) == (
        "This meeting was changed by someone else meanwhile. Reload it and try again."
    )
    assert meeting_state() == before


def test_excused_without_reason_is_refused(world):
    linked(world)
    meeting = plan(world)
    before = meeting_state()

    with pytest.raises(DomainError) as refused:
        services.record_attendance(
            by=world.secretary_a2, meeting=meeting, member=world.member_w1, status="excused"
        )

    assert refused.value.field == "excuse_reason"
    assert meeting_state() == before


def test_opinion_and_follow_up_are_recorded(world):
    linked(world)
    meeting = plan(world)

    opinion = services.record_opinion(
        by=world.secretary_a2, meeting=meeting, member=world.member_w1, text=" Đường ngập "
    )
    follow_up = services.add_follow_up(
        by=world.secretary_a2,
        meeting=meeting,
        description="Báo phường về đường ngập",
        owner="Tổ trưởng",
        due_on=DAY + datetime.timedelta(days=14),
    )
    services.complete_follow_up(
        by=world.secretary_a2, follow_up=follow_up, done_on=DAY + datetime.timedelta(days=10)
    )

    assert list(Opinion.objects.values_list("meeting_id", "member_id", "text")) == [
        (meeting.pk, world.member_w1.pk, "Đường ngập")
    ]
    assert list(FollowUp.objects.values_list("description", "owner", "due_on", "done_on")) == [
        (
            "Báo phường về đường ngập",
            "Tổ trưởng",
            datetime.date(2025, 6, 16),
            datetime.date(2025, 6, 12),
        )
    ]
    events = AuditEvent.objects.filter(
        object_type="meetings.meeting", object_id=str(meeting.pk)
    ).order_by("pk")
    assert [e.changes.get("event") for e in events] == [
        None,
        "opinion",
        "follow_up",
        "follow_up_done",
    ]
    assert opinion.pk == events[1].changes["opinion"]


def test_opinion_of_an_unlinked_member_is_refused(world):
    linked(world)
    meeting = plan(world)
    before = meeting_state()

    with pytest.raises(DomainError):
        services.record_opinion(
            by=world.secretary_a2, meeting=meeting, member=world.member_b1, text="Ý kiến"
        )

    assert meeting_state() == before


def test_follow_up_about_a_member_of_the_meeting(world):
    # given a meeting of cell A2 with member_w1 invited, and a category-A member who is
    # linked to the cell but not invited
    linked(world)
    exempt = working_member(world, "Bình", "002085009999")
    linked(world, exempt, category="a")
    meeting = plan(world)

    # when follow-ups name each of them
    about_invited = services.add_follow_up(
        by=world.secretary_a2,
        meeting=meeting,
        description="Nhắc đồng chí nộp đảng phí",
        owner="Bí thư chi bộ",
        member=world.member_w1,
        due_on=DAY,
    )
    about_linked = services.add_follow_up(
        by=world.secretary_a2,
        meeting=meeting,
        description="Mời đồng chí dự họp chuyên đề",
        owner="Bí thư chi bộ",
        member=exempt,
        due_on=DAY,
    )

    # then both are tied to their member, and the audit row says whom
    assert list(FollowUp.objects.order_by("pk").values_list("pk", "member_id", "owner")) == [
        (about_invited.pk, world.member_w1.pk, "Bí thư chi bộ"),
        (about_linked.pk, exempt.pk, "Bí thư chi bộ"),
    ]
    event = AuditEvent.objects.filter(object_type="meetings.meeting").order_by("pk").last()
    assert event.changes == {
        "event": "follow_up",
        "follow_up": about_linked.pk,
        "due_on": "2025-06-02",
        "member": exempt.pk,
    }


def test_follow_up_about_a_member_not_linked_to_the_cell_is_refused(world):
    # given a meeting of cell A2; member_b1 lives in commune B, member_a1 in cell A1
    linked(world)
    meeting = plan(world)
    before = meeting_state()

    for member in (world.member_b1, world.member_a1):
        with pytest.raises(DomainError) as refused:
            services.add_follow_up(
                by=world.secretary_a2,
                meeting=meeting,
                description="Nhắc đồng chí",
                owner="Chi ủy",
                member=member,
                due_on=DAY,
            )

        assert str(refused.value) == f"“{member.full_name}” is not linked to “Chi bộ tổ 2”."
        assert refused.value.field == "member"
    assert meeting_state() == before


def test_completing_a_follow_up_twice_is_refused(world):
    linked(world)
    meeting = plan(world)
    follow_up = services.add_follow_up(
        by=world.secretary_a2, meeting=meeting, description="x", owner="y", due_on=DAY
    )
    services.complete_follow_up(by=world.secretary_a2, follow_up=follow_up, done_on=DAY)
    before = meeting_state()

    with pytest.raises(DomainError) as refused:
        services.complete_follow_up(by=world.secretary_a2, follow_up=follow_up, done_on=DAY)

    assert str(refused.value) == "This follow-up is already done."
    assert meeting_state() == before


def test_mark_held_and_cancel(world):
    linked(world)
    held = plan(world, place="Nhà văn hoá tổ 2", agenda="Sáu tháng đầu năm")
    called_off = plan(world, day=DAY + datetime.timedelta(days=1))

    services.mark_held(by=world.secretary_a2, meeting=held, version=1)
    services.cancel_meeting(by=world.commune_clerk, meeting=called_off, reason="Bão")

    assert list(Meeting.objects.order_by("pk").values_list("status", "cancel_reason")) == [
        ("held", ""),
        ("cancelled", "Bão"),
    ]
    before = meeting_state()
    with pytest.raises(DomainError):
        services.cancel_meeting(by=world.secretary_a2, meeting=held, reason="x")
    with pytest.raises(DomainError):
        services.record_attendance(
            by=world.secretary_a2, meeting=called_off, member=world.member_w1, status="present"
        )
    assert meeting_state() == before


def test_a_future_meeting_cannot_be_marked_held(world):
    linked(world)
    meeting = plan(world, day=TODAY + datetime.timedelta(days=3))
    before = meeting_state()

    with pytest.raises(DomainError):
        services.mark_held(by=world.secretary_a2, meeting=meeting)

    assert meeting_state() == before


def test_a_meeting_of_a_commune_is_refused(world):
    before = meeting_state()

    with pytest.raises(DomainError) as refused:
        plan(world, by=world.root_user, cell=world.commune_a_committee)

    assert refused.value.field == "cell"
    assert meeting_state() == before
