"""Helpers for the personal-data and retention tests: members with a history in every
app (links, meetings, comments, notices), taken through the services.

Every member test runs at 9:00 on ``TODAY`` (15/01/2026, local time), whatever day the
suite runs: changes effective today or tomorrow, the day in an export's name and the
timestamps written are known."""

import datetime
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine
from django.conf import settings

from conftest import member_fields
from lienhe213.comments import services as comments
from lienhe213.comments.tests.conftest import BEST_FORM_3
from lienhe213.meetings import services as meetings
from lienhe213.members.models import Member
from lienhe213.members.services import create_member
from lienhe213.notices import services as notices
from lienhe213.registry import services as registry

TODAY = datetime.date(2026, 1, 15)
NOW = datetime.datetime.combine(
    TODAY, datetime.time(9), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW.astimezone(datetime.UTC), tick=False):
        yield


def working_member(world, given_name, citizen_id, **extra):
    """A working member of the workplace cell living in community A2 of commune A."""
    return create_member(
        by=world.root_user,
        **member_fields(
            world.workplace_cell,
            given_name=given_name,
            citizen_id=citizen_id,
            residence_commune=world.commune_a,
            residence_community=world.community_a2,
            **extra,
        ),
    )


def year_in_cell_a2(world, member, year, *, words):
    """``member`` introduced to commune A in March of ``year`` and active in cell A2,
    with a held meeting in June (excused, an opinion, a follow-up about them), a form
    3-213 comment returned in November and a closed notice in December, each carrying
    ``words`` in its free text. Returns the link."""
    root, day = world.root_user, datetime.date
    registry.classify_member(
        by=root, member=member, decided_by=world.workplace, decided_on=day(year, 3, 4)
    )
    link = registry.issue_letter(
        by=root, workplace=world.workplace, member=member, issued_on=day(year, 3, 4)
    )
    registry.receive_letter(by=root, link=link, received_on=day(year, 3, 11))
    registry.assign_to_cell(by=root, link=link, cell=world.cell_a2, assigned_on=day(year, 3, 12))
    registry.acknowledge_link(by=root, link=link, acknowledged_on=day(year, 3, 13))

    meeting = meetings.plan_meeting(
        by=root, cell=world.cell_a2, kind="periodic", date=day(year, 6, 3), place="Nhà văn hóa"
    )
    meetings.record_attendance(
        by=root, meeting=meeting, member=member, status="excused", excuse_reason=f"Ốm {words}"
    )
    meetings.record_opinion(by=root, meeting=meeting, member=member, text=f"Ý kiến {words}")
    meetings.add_follow_up(
        by=root,
        meeting=meeting,
        description=f"Thăm hỏi {words}",
        owner="Chi ủy",
        due_on=day(year, 7, 1),
        member=member,
    )
    meetings.mark_held(by=root, meeting=meeting, agenda="Sinh hoạt định kỳ")

    campaign = comments.open_campaign(
        by=world.provincial_officer,
        province=world.province,
        year=year,
        opens_on=day(year, 11, 1),
        closes_on=day(year, 11, 30),
        deadline=day(year, 12, 15),
    )
    (request,) = comments.request_comments(
        by=world.workplace_officer,
        campaign=campaign,
        workplace=world.workplace,
        members=[member],
        requested_on=day(year, 11, 4),
    )
    comments.save_draft(
        by=world.secretary_a2,
        request=request,
        version=None,
        values={**BEST_FORM_3, "other_comments": f"Nhận xét {words}"},
    )
    comments.record_front_meeting(
        by=world.secretary_a2,
        request=request,
        met_on=day(year, 11, 10),
        participants="Chi ủy; Ban công tác Mặt trận tổ 2",
    )
    comments.sign_comment(by=world.secretary_a2, request=request)
    comments.confirm_comment(by=world.commune_clerk, request=request)
    comments.return_comment(by=world.commune_clerk, request=request)

    notice = notices.send_notice(
        by=root,
        link=link,
        kind="violation",
        sender=world.cell_a2,
        recipient=world.workplace,
        body=f"Thông báo {words}",
        sent_on=day(year, 12, 1),
    )
    notices.reply_to_notice(by=world.workplace_officer, notice=notice, body=f"Trả lời {words}")
    notices.close_notice(by=world.workplace_officer, notice=notice, outcome=f"Kết quả {words}")
    link.refresh_from_db()
    return link


def former_member(world, given_name, citizen_id, *, year, reason="left_party", **extra):
    """A member with a year of history in cell A2 (``year_in_cell_a2``) who left the
    party (or died) on 4 May of the next year; the workplace's note says why."""
    member = working_member(
        world,
        given_name,
        citizen_id,
        phone="0912000111",
        email="dv@example.vn",
        residence_address="Số 5 ngõ 7",
        workplace_name="Sở Giáo dục",
        **extra,
    )
    link = year_in_cell_a2(world, member, year, words=f"về đồng chí {given_name}")
    registry.end_link_for_departure(
        by=world.root_user,
        link=link,
        ended_on=datetime.date(year + 1, 5, 4),
        reason=reason,
        note=f"Đồng chí {given_name} xin ra khỏi Đảng",
    )
    return Member.objects.get(pk=member.pk)
