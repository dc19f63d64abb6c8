"""The whole meeting's attendance in one form (everyone present unless marked absent or
excused with the reason, saved by one service call), and a meeting marked held only
with a place and an agenda."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent
from lienhe213.meetings import services
from lienhe213.meetings.models import Attendance, Meeting
from lienhe213.meetings.tests.conftest import linked, meeting_state, plan, working_member


@pytest.fixture
def three(world):
    """A planned meeting of cell A2 with Đức, An and Bình invited."""
    linked(world)
    an = linked(world, working_member(world, "An", "002085001111")).member
    binh = linked(world, working_member(world, "Bình", "002085002222")).member
    meeting = plan(world)
    return meeting, world.member_w1, an, binh


def statuses(meeting):
    return dict(
        Attendance.objects.filter(meeting=meeting).values_list("member__given_name", "status")
    )


def sheet(meeting, marks, version=1):
    """The posted form: ``{member: (status, reason)}``."""
    data = {"version": version}
    for member, (status, reason) in marks.items():
        data[f"status-{member.pk}"] = status
        data[f"reason-{member.pk}"] = reason
    return data


# --- the service ----------------------------------------------------------------------


def test_one_call_records_everyone_with_one_audit_row(world, three):
    meeting, duc, an, binh = three
    audits = AuditEvent.objects.count()

    services.record_attendances(
        by=world.secretary_a2,
        meeting=meeting,
        entries=[(duc, "present", ""), (an, "excused", " Ốm "), (binh, "absent", "ignored")],
        version=1,
    )

    assert statuses(meeting) == {"Đức": "present", "An": "excused", "Bình": "absent"}
    assert list(
        Attendance.objects.filter(meeting=meeting)
        .order_by("member__given_name")
        .values_list("member__given_name", "excuse_reason")
    ) == [("An", "Ốm"), ("Bình", ""), ("Đức", "")]
    assert Meeting.objects.get(pk=meeting.pk).version == 2
    assert AuditEvent.objects.count() == audits + 1
    event = AuditEvent.objects.latest("pk")
    assert event.changes["event"] == "attendance"
    assert event.changes["members"][str(an.pk)] == {
        "status": ["unknown", "excused"],
        "excuse_reason": ["", "Ốm"],
    }


def test_an_excuse_without_reason_refuses_the_whole_sheet_naming_the_member(world, three):
    meeting, duc, an, binh = three
    before = meeting_state()

    with pytest.raises(DomainError) as refused:
        services.record_attendances(
            by=world.secretary_a2,
            meeting=meeting,
            entries=[(duc, "present", ""), (an, "excused", "  "), (binh, "absent", "")],
            version=1,
        )

    assert str(refused.value) == "Give the reason for the excuse of “Nguyễn Văn An”."
    assert meeting_state() == before


def test_a_stale_sheet_is_refused(world, three):
    meeting, duc, _an, _binh = three
    services.record_attendance(by=world.commune_clerk, meeting=meeting, member=duc, status="absent")
    before = meeting_state()

    with pytest.raises(DomainError) as refused:
        services.record_attendances(
            by=world.secretary_a2, meeting=meeting, entries=[(duc, "present", "")], version=1
        )

    assert str(refused.value) == (
        "This meeting was changed by someone else meanwhile. Reload it and try again."
    )
    assert meeting_state() == before


def test_a_member_without_a_record_at_the_meeting_is_refused(world, three):
    meeting, duc, _an, _binh = three
    before = meeting_state()

    with pytest.raises(DomainError) as refused:
        services.record_attendances(
            by=world.secretary_a2,
            meeting=meeting,
            entries=[(duc, "present", ""), (world.member_a1, "present", "")],
        )

    assert str(refused.value) == "“Đặng Thị Hoa” has no invitation or record at this meeting."
    assert meeting_state() == before


# --- the page -------------------------------------------------------------------------


def test_the_page_offers_everyone_present_by_default(client, world, three):
    meeting, _duc, _an, _binh = three
    client.force_login(world.secretary_a2)

    response = client.get(reverse("meetings:detail", args=[meeting.pk]))

    form = response.context["sheet"]
    assert {a.member.given_name: bound.value() for a, bound, _r in form.rows()} == {
        "Đức": "present",
        "An": "present",
        "Bình": "present",
    }
    assert f'action="{reverse("meetings:attendance_sheet", args=[meeting.pk])}"' in response.text


def test_one_save_through_the_page(client, world, three):
    meeting, duc, an, binh = three
    client.force_login(world.secretary_a2)

    response = client.post(
        reverse("meetings:attendance_sheet", args=[meeting.pk]),
        sheet(
            meeting, {duc: ("present", ""), an: ("excused", "Đi công tác"), binh: ("absent", "")}
        ),
    )

    assert response.status_code == 302
    assert statuses(meeting) == {"Đức": "present", "An": "excused", "Bình": "absent"}
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The attendance of 3 members is recorded: 1 present, 1 excused, 1 absent."
    ]


def test_a_refused_sheet_is_shown_again_with_the_reason(client, world, three):
    meeting, duc, an, binh = three
    client.force_login(world.secretary_a2)
    before = meeting_state()

    response = client.post(
        reverse("meetings:attendance_sheet", args=[meeting.pk]),
        sheet(meeting, {duc: ("present", ""), an: ("excused", ""), binh: ("absent", "")}),
    )

    assert response.status_code == 200
    assert response.context["sheet"].non_field_errors() == [
        "Give the reason for the excuse of “Nguyễn Văn An”."
    ]
    assert response.context["sheet"]["status-" + str(an.pk)].value() == "excused"
    assert meeting_state() == before


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anonymous", 302),
        ("stranger", 404),
        ("representative_a1", 404),
        ("workplace_officer", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("member_user", 403),
        ("secretary_a2", 302),
        ("commune_clerk", 302),
        ("provincial_officer", 302),
    ],
)
def test_the_attendance_sheet_matrix(client, world, three, name, expected):
    meeting, duc, an, binh = three
    user = world.user(name)
    if user is not None:
        client.force_login(user)
    marks = {duc: ("absent", ""), an: ("present", ""), binh: ("present", "")}

    response = client.post(
        reverse("meetings:attendance_sheet", args=[meeting.pk]), sheet(meeting, marks)
    )

    assert response.status_code == expected
    done = expected == 302 and name != "anonymous"
    assert statuses(meeting)["Đức"] == ("absent" if done else "unknown")


# --- held only with a place and an agenda ---------------------------------------------


@pytest.mark.parametrize(
    ("place", "agenda", "message"),
    [
        ("", "Sáu tháng đầu năm", "Say where the meeting took place before marking it held."),
        ("Nhà văn hoá", "", "Write down the agenda before marking the meeting held."),
    ],
)
def test_a_meeting_without_a_place_or_an_agenda_cannot_be_marked_held(
    world, place, agenda, message
):
    linked(world)
    meeting = plan(world, place=place, agenda=agenda)
    before = meeting_state()

    with pytest.raises(DomainError) as refused:
        services.mark_held(by=world.secretary_a2, meeting=meeting)

    assert str(refused.value) == message
    assert refused.value.field == ("place" if not place else "agenda")
    assert meeting_state() == before


def test_place_and_agenda_given_when_marking_held_are_kept_and_audited(world):
    linked(world)
    meeting = plan(world)

    services.mark_held(
        by=world.secretary_a2, meeting=meeting, place=" Nhà văn hoá ", agenda="Tình hình địa bàn"
    )

    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.status, stored.place, stored.agenda) == (
        "held",
        "Nhà văn hoá",
        "Tình hình địa bàn",
    )
    assert AuditEvent.objects.latest("pk").changes == {
        "event": "held",
        "status": ["planned", "held"],
        "place": ["", "Nhà văn hoá"],
        "agenda": ["", "Tình hình địa bàn"],
    }


def test_the_page_asks_for_the_place_and_the_agenda(client, world):
    linked(world)
    meeting = plan(world, place="Nhà văn hoá")
    client.force_login(world.secretary_a2)
    before = meeting_state()

    response = client.post(
        reverse("meetings:held", args=[meeting.pk]),
        {"version": 1, "place": "Nhà văn hoá", "agenda": ""},
    )

    assert response.status_code == 200
    assert response.context["held_form"].errors == {
        "agenda": ["Write down the agenda before marking the meeting held."]
    }
    assert meeting_state() == before
