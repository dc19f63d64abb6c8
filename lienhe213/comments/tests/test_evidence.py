"""The evidence panel of a comment request: the member's attendance at the cell's
meetings of the last twelve months, the notices about the member, the open follow-ups
naming the member (``FollowUp.member``, not the free text); each scoped to the viewer,
in a fixed number of queries."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienhe213.comments.tests.conftest import TODAY, request_at
from lienhe213.meetings import services as meeting_services
from lienhe213.meetings.models import Meeting
from lienhe213.meetings.tests.conftest import held_meeting
from lienhe213.notices.tests.conftest import send


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


def evidence(client, user, item):
    client.force_login(user)
    response = client.get(reverse("comments:request", args=[item.pk]))
    assert response.status_code == 200
    return response


def test_attendance_of_the_last_twelve_months_with_a_tally(client, world):
    # given three held meetings in the year and one older than twelve months
    item = request_at(world, "drafted")
    member = world.member_w1
    held_meeting(world, days_ago(400), {member: "absent"})
    held_meeting(world, days_ago(300), {member: "absent"})
    held_meeting(world, days_ago(200), {member: "excused"})
    held_meeting(world, days_ago(20), {member: "present"})

    # when
    response = evidence(client, world.secretary_a2, item)

    # then
    rows = [(m.date, m.member_attendance) for m in response.context["attendance"]]
    assert rows == [
        (days_ago(20), "present"),
        (days_ago(200), "excused"),
        (days_ago(300), "absent"),
    ]
    assert response.context["attendance_tally"] == {"present": 1, "excused": 1, "absent": 1}
    assert '<span class="badge attendance-absent">Absent</span>' in response.text


def test_notices_both_ways_and_open_follow_ups_naming_the_member(client, world):
    item = request_at(world, "drafted")
    violation = send(world, item.link)  # from the cell to the workplace
    retirement = send(world, item.link, kind="retirement")  # from the workplace
    meeting = held_meeting(world, days_ago(30), {world.member_w1: "absent"})
    named = meeting_services.add_follow_up(
        by=world.root_user,
        meeting=meeting,
        description="Nhắc đồng chí dự họp đầy đủ.",
        owner="Bí thư chi bộ",
        member=world.member_w1,
        due_on=days_ago(5),
    )
    done = meeting_services.add_follow_up(
        by=world.root_user,
        meeting=meeting,
        description="Gửi giấy mời",
        owner="Nguyễn Văn Đức",
        member=world.member_w1,
        due_on=days_ago(10),
    )
    meeting_services.complete_follow_up(by=world.root_user, follow_up=done, done_on=days_ago(9))
    # his name in the text, but not about him: a namesake, or a mere mention
    meeting_services.add_follow_up(
        by=world.root_user,
        meeting=meeting,
        description="Sửa đường ngõ 3 trước nhà Nguyễn Văn Đức",
        owner="Nguyễn Văn Đức (tổ trưởng)",
        due_on=days_ago(1),
    )

    response = evidence(client, world.commune_clerk, item)

    assert list(response.context["notices"]) == [retirement, violation]
    assert list(response.context["follow_ups"]) == [named]
    assert "Nhắc đồng chí dự họp đầy đủ." in response.text
    assert "Sửa đường ngõ 3" not in response.text


def test_a_follow_up_about_the_member_at_another_cells_meeting_is_evidence_too(client, world):
    # given a follow-up about the member from a meeting of cell A1 (planted: the member
    # lived in Tổ 1 before; the meeting is moved there once his record is taken)
    item = request_at(world, "drafted")
    meeting = held_meeting(world, days_ago(30), {world.member_w1: "present"})
    Meeting.objects.filter(pk=meeting.pk).update(cell=world.cell_a1)
    follow_up = meeting_services.add_follow_up(
        by=world.root_user,
        meeting=meeting,
        description="Giúp tổ 1 lập danh sách hộ khó khăn",
        owner="Chi ủy",
        member=world.member_w1,
        due_on=days_ago(1),
    )

    clerk = evidence(client, world.commune_clerk, item)
    secretary = evidence(client, world.secretary_a2, item)

    assert list(clerk.context["follow_ups"]) == [follow_up]
    # the secretary of cell A2 does not see cell A1's meetings
    assert list(secretary.context["follow_ups"]) == []


def test_the_workplace_sees_its_notices_but_not_the_cells_meetings(client, world):
    item = request_at(world, "drafted")
    violation = send(world, item.link)
    meeting = held_meeting(world, days_ago(30), {world.member_w1: "absent"})
    meeting_services.add_follow_up(
        by=world.root_user,
        meeting=meeting,
        description="Gặp đồng chí",
        owner="Nguyễn Văn Đức",
        member=world.member_w1,
        due_on=days_ago(1),
    )

    response = evidence(client, world.workplace_officer, item)

    assert response.context["attendance"] == []
    assert list(response.context["follow_ups"]) == []
    assert list(response.context["notices"]) == [violation]


def test_evidence_panel_query_count_does_not_grow_with_rows(
    client, world, django_assert_num_queries
):
    # given one meeting, one notice and one follow-up: count the page's queries
    item = request_at(world, "drafted")
    send(world, item.link)
    first = held_meeting(world, days_ago(60), {world.member_w1: "present"})
    meeting_services.add_follow_up(
        by=world.root_user,
        meeting=first,
        description="Việc 1",
        owner="Nguyễn Văn Đức",
        member=world.member_w1,
        due_on=days_ago(1),
    )
    client.force_login(world.secretary_a2)
    url = reverse("comments:request", args=[item.pk])
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)

    # when three more of each are added
    for days in (50, 40, 30):
        meeting = held_meeting(world, days_ago(days), {world.member_w1: "absent"})
        send(world, item.link, kind="good_conduct")
        meeting_services.add_follow_up(
            by=world.root_user,
            meeting=meeting,
            description=f"Việc {days}",
            owner="Nguyễn Văn Đức",
            member=world.member_w1,
            due_on=days_ago(1),
        )

    # then the page makes the same number of queries
    with django_assert_num_queries(len(baseline.captured_queries)):
        response = client.get(url)
    assert len(response.context["attendance"]) == 4
    assert len(response.context["follow_ups"]) == 4
    assert Meeting.objects.count() == 4
