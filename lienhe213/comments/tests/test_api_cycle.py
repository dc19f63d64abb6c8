"""The same year as ``test_full_cycle``, through the REST API ``/api/v1/``: each actor
obtains their token with their password and acts with it. Along the way, a stale
version answers 409 with the stored version and changes nothing, and the other side's
step answers 403 and changes nothing."""

import datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from lienhe213.comments import services as comment_services
from lienhe213.comments.models import Comment, CommentRequest
from lienhe213.comments.tests.conftest import NOW, cycle_state
from lienhe213.comments.tests.test_full_cycle import (
    CLOSES,
    DAY,
    DEADLINE,
    FORM_3_ITEMS,
    FORM_4_ITEMS,
    FRONT_MEETING_ON,
    MEETING_ON,
    OPENS,
    REQUESTED,
    TODAY,
    Links,
    linked_members,
    trail,
)
from lienhe213.meetings.models import Meeting
from lienhe213.meetings.tests.conftest import meeting_state
from lienhe213.notices import services as notice_services
from lienhe213.notices.models import Notice
from lienhe213.notices.tests.conftest import notice_state

API = "/api/v1"
REQUESTS = f"{API}/comments/requests/"


class Actor:
    """An API client holding one user's token, obtained with their password."""

    def __init__(self, user: Any) -> None:
        self.client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        response = self.client.post(
            f"{API}/auth/token/", {"username": user.username, "password": "demo"}, format="json"
        )
        assert response.status_code == 200
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    def get(self, url: str, status: int = 200) -> Any:
        response = self.client.get(url)
        assert response.status_code == status, (url, response.status_code, response.content)
        return response.json()

    def post(self, url: str, body: dict[str, Any], status: int = 200) -> Any:
        response = self.client.post(url, body, format="json")
        assert response.status_code == status, (url, response.status_code, response.content)
        return response.json()


@pytest.fixture
def actors(world: Any) -> dict[str, Actor]:
    names = {
        "tinh": world.provincial_officer,
        "xa": world.commune_clerk,
        "chibo2": world.secretary_a2,
        "coquan": world.workplace_officer,
        "dangvien": world.member_user,
    }
    return {name: Actor(user) for name, user in names.items()}


def meetings_through_the_api(actors: dict[str, Actor], world: Any, links: Links) -> None:
    cell, coquan = actors["chibo2"], actors["coquan"]
    duc, binh = links.duc.member_id, links.binh.member_id

    # when the cell plans the periodic meeting
    meeting = cell.post(
        f"{API}/meetings/",
        {
            "cell": world.cell_a2.pk,
            "kind": "periodic",
            "date": MEETING_ON.isoformat(),
            "place": "Nhà văn hóa tổ 2",
        },
        status=201,
    )

    # then the normal members are invited, the category-A member is not
    url = f"{API}/meetings/{meeting['id']}/"
    assert sorted((a["member"], a["invited"], a["status"]) for a in meeting["attendances"]) == (
        sorted([(duc, True, "unknown"), (binh, True, "unknown")])
    )

    # when it records attendance, an opinion and a follow-up, each from the version it saw
    version = meeting["version"]
    meeting = cell.post(
        f"{url}attendance/", {"version": version, "member": duc, "status": "present"}
    )
    # and an edit from the same, now stale, version is refused with the stored version
    before = meeting_state()
    conflict = cell.post(
        f"{url}attendance/", {"version": version, "member": binh, "status": "absent"}, status=409
    )
    assert conflict == {
        "detail": "This meeting was changed by someone else meanwhile. Reload it and try again.",
        "version": version + 1,
    }
    assert meeting_state() == before
    meeting = cell.post(
        f"{url}attendance/",
        {"version": meeting["version"], "member": binh, "status": "excused", "excuse_reason": "Ốm"},
    )
    meeting = cell.post(
        f"{url}opinion/",
        {"version": meeting["version"], "member": duc, "text": "Đề nghị sửa đèn đường."},
    )
    meeting = cell.post(
        f"{url}follow-up/",
        {
            "version": meeting["version"],
            "description": "Báo tổ dân phố sửa đèn",
            "owner": "Tổ trưởng",
            "due_on": (MEETING_ON + 14 * DAY).isoformat(),
        },
    )
    # and the workplace, which sees nothing of the cell's meetings, cannot mark it held
    before = meeting_state()
    coquan.post(f"{url}held/", {"version": meeting["version"]}, status=404)
    assert meeting_state() == before
    # (a held meeting needs its agenda: given with the step, as the plan had none)
    meeting = cell.post(
        f"{url}held/", {"version": meeting["version"], "agenda": "Tình hình địa phương"}
    )

    # then
    assert (meeting["status"], meeting["version"]) == ("held", 6)
    assert sorted((a["member"], a["status"]) for a in meeting["attendances"]) == sorted(
        [(duc, "present"), (binh, "excused")]
    )
    assert [(o["member"], o["text"]) for o in meeting["opinions"]] == [
        (duc, "Đề nghị sửa đèn đường.")
    ]
    assert [f["owner"] for f in meeting["follow_ups"]] == ["Tổ trưởng"]
    assert [event for _actor, _action, event in trail(Meeting.objects.get())] == [
        None,
        "attendance",
        "attendance",
        "opinion",
        "follow_up",
        "held",
    ]
    # and the member reads their meetings
    mine = actors["dangvien"].get(f"{API}/meetings/")
    assert [(m["id"], m["status"]) for m in mine["results"]] == [(meeting["id"], "held")]


def comment_to_the_end(
    actors: dict[str, Actor], world: Any, request_id: int, values: dict[str, str]
) -> dict[str, Any]:
    """One comment from the Front meeting to its return, each side refused the other's
    steps."""
    cell, commune, workplace = actors["chibo2"], actors["xa"], actors["coquan"]
    url = f"{REQUESTS}{request_id}/"
    item = cell.get(url)
    started = item["comment"]["version"]

    item = cell.post(
        f"{url}front-meeting/",
        {
            "version": started,
            "met_on": FRONT_MEETING_ON.isoformat(),
            "participants": "Chi ủy; Ban công tác Mặt trận tổ 2",
        },
    )
    # a draft from the version the secretary started from is stale now: 409, nothing changed
    before = cycle_state()
    conflict = cell.post(f"{url}draft/", {"version": started, "values": values}, status=409)
    assert conflict == {
        "detail": "This comment was changed by someone else meanwhile. Reload it and try again.",
        "version": started + 1,
    }
    assert cycle_state() == before
    item = cell.post(f"{url}draft/", {"version": item["comment"]["version"], "values": values})
    assert item["status"] == "drafted"

    # the workplace and the commune may not sign for the cell: 403, nothing changed
    before = cycle_state()
    workplace.post(f"{url}sign/", {"version": item["comment"]["version"]}, status=403)
    commune.post(f"{url}sign/", {"version": item["comment"]["version"]}, status=403)
    assert cycle_state() == before
    item = cell.post(f"{url}sign/", {"version": item["comment"]["version"]})
    assert item["status"] == "signed"

    # the cell and the workplace may not confirm for the commune: 403
    before = cycle_state()
    cell.post(f"{url}confirm/", {"version": item["version"]}, status=403)
    workplace.post(f"{url}confirm/", {"version": item["version"]}, status=403)
    assert cycle_state() == before
    item = commune.post(f"{url}confirm/", {"version": item["version"]})
    assert item["status"] == "confirmed"
    item = commune.post(f"{url}return/", {"version": item["version"]})
    assert item["status"] == "returned"
    assert {name: item["comment"][name] for name in values} == values
    return item


def test_a_full_year_through_the_api(world, actors):
    links = linked_members(world)
    tinh, coquan, dangvien = actors["tinh"], actors["coquan"], actors["dangvien"]

    # the cell meets its members
    meetings_through_the_api(actors, world, links)

    # the province opens the campaign
    campaign = tinh.post(
        f"{API}/comments/campaigns/",
        {
            "province": world.province.pk,
            "year": OPENS.year,
            "opens_on": OPENS.isoformat(),
            "closes_on": CLOSES.isoformat(),
            "deadline": DEADLINE.isoformat(),
        },
        status=201,
    )
    assert campaign["deadline"] == DEADLINE.isoformat()

    # the workplace requests form 3-213 in bulk, and a 4-213 for cadre work
    bulk = coquan.post(
        REQUESTS,
        {
            "campaign": campaign["id"],
            "workplace": world.workplace.pk,
            "members": [links.duc.member_id, links.binh.member_id],
            "requested_on": REQUESTED.isoformat(),
        },
        status=201,
    )
    (form_4,) = coquan.post(
        REQUESTS,
        {
            "campaign": campaign["id"],
            "workplace": world.workplace.pk,
            "members": [links.cuong.member_id],
            "requested_on": REQUESTED.isoformat(),
            "purpose": "cadre_work",
        },
        status=201,
    )
    assert sorted((r["member_name"], r["form"], r["purpose"], r["status"]) for r in bulk) == [
        ("Nguyễn Văn Bình", "3-213", "", "requested"),
        ("Nguyễn Văn Đức", "3-213", "", "requested"),
    ]
    assert (form_4["form"], form_4["purpose"]) == ("4-213", "cadre_work")
    duc_id = next(r["id"] for r in bulk if r["member"] == links.duc.member_id)
    binh_id = next(r["id"] for r in bulk if r["member"] == links.binh.member_id)

    # the cell sees the three in its scope, the member sees none yet
    assert len(actors["chibo2"].get(REQUESTS)["results"]) == 3
    assert dangvien.get(REQUESTS)["results"] == []

    # the cell writes and signs, the commune confirms and returns, both forms
    comment_to_the_end(actors, world, duc_id, FORM_3_ITEMS)
    comment_to_the_end(actors, world, form_4["id"], FORM_4_ITEMS)

    # the workplace acknowledges Đức's comment and records its use in the rating
    url = f"{REQUESTS}{duc_id}/"
    item = coquan.get(url)
    # a rating sent from the version before the acknowledgement is stale: 409
    seen = item["version"]
    item = coquan.post(f"{url}acknowledge/", {"version": seen})
    assert item["status"] == "acknowledged"
    before = cycle_state()
    conflict = coquan.post(f"{url}rating/", {"version": seen, "rating_level": "good"}, status=409)
    assert conflict["version"] == seen + 1
    assert cycle_state() == before
    item = coquan.post(
        f"{url}rating/",
        {"version": item["version"], "rating_level": "good", "rating_note": "Có xét nhận xét."},
    )
    assert (item["status"], item["comment"]["rating_level"]) == ("used", "good")

    # the member reads the comment about them and answers; nobody else may answer
    mine = dangvien.get(REQUESTS)["results"]
    assert [(r["id"], r["comment"]["item_3"]) for r in mine] == [(duc_id, "partial")]
    before = cycle_state()
    coquan.post(f"{url}answer/", {"answer": "Thay đương sự"}, status=403)
    assert cycle_state() == before
    item = dangvien.post(f"{url}answer/", {"answer": "Tôi xin tiếp thu."})
    assert item["comment"]["member_answer"] == "Tôi xin tiếp thu."
    assert trail(CommentRequest.objects.get(pk=duc_id)) == [
        ("coquan", "create", "requested"),
        ("chibo2", "update", "front_meeting"),
        ("chibo2", "update", "drafted"),
        ("chibo2", "update", "signed"),
        ("xa", "update", "confirmed"),
        ("xa", "update", "returned"),
        ("coquan", "update", "acknowledged"),
        ("coquan", "update", "rating_used"),
        ("dangvien", "update", "answered"),
    ]
    assert Comment.objects.get(request_id=duc_id).answered_at == NOW

    # Bình's request missed the deadline: escalated once, as the API shows
    assert comment_services.escalate_overdue_requests(on=TODAY) == [
        CommentRequest.objects.get(pk=binh_id)
    ]
    assert comment_services.escalate_overdue_requests(on=TODAY + DAY) == []
    late = actors["xa"].get(f"{REQUESTS}{binh_id}/")
    assert (late["status"], late["escalated_at"]) == ("requested", "2026-01-15T09:00:00+07:00")
    assert coquan.get(url)["escalated_at"] is None

    notices_through_the_api(actors, world, links)


def notices_through_the_api(actors: dict[str, Actor], world: Any, links: Links) -> None:
    cell, commune, workplace = actors["chibo2"], actors["xa"], actors["coquan"]

    # the cell tells the workplace of Đức's good conduct
    up = cell.post(
        f"{API}/notices/",
        {
            "link": links.duc.pk,
            "kind": "good_conduct",
            "sender": world.cell_a2.pk,
            "recipient": world.workplace.pk,
            "body": "Đồng chí Đức vận động làm đường bê tông.",
        },
        status=201,
    )
    url = f"{API}/notices/{up['id']}/"
    # only the recipient acknowledges: the sender gets 403
    before = notice_state()
    cell.post(f"{url}acknowledge/", {"version": up["version"]}, status=403)
    assert notice_state() == before
    ack = workplace.post(f"{url}acknowledge/", {"version": up["version"]})
    assert ack["status"] == "acknowledged"
    # a reply from the version before the acknowledgement is stale: 409
    before = notice_state()
    conflict = workplace.post(
        f"{url}reply/", {"version": up["version"], "body": "Đã nhận."}, status=409
    )
    assert conflict["version"] == ack["version"]
    assert notice_state() == before
    answered = workplace.post(
        f"{url}reply/", {"version": ack["version"], "body": "Sẽ xét biểu dương cuối năm."}
    )
    assert answered["status"] == "answered"
    assert [r["body"] for r in answered["replies"]] == ["Sẽ xét biểu dương cuối năm."]
    closed = cell.post(
        f"{url}close/", {"version": answered["version"], "outcome": "Được biểu dương."}
    )
    assert (closed["status"], closed["outcome"]) == ("closed", "Được biểu dương.")

    # the workplace tells the commune of Đức's appointment; the commune answers
    down = workplace.post(
        f"{API}/notices/",
        {
            "link": links.duc.pk,
            "kind": "appointment",
            "sender": world.workplace.pk,
            "recipient": world.commune_a_committee.pk,
            "body": "Đề nghị cho ý kiến về việc quy hoạch đồng chí Đức.",
        },
        status=201,
    )
    url = f"{API}/notices/{down['id']}/"
    ack = commune.post(f"{url}acknowledge/", {"version": down["version"]})
    answered = commune.post(f"{url}reply/", {"version": ack["version"], "body": "Chi bộ nhất trí."})
    closed = workplace.post(
        f"{url}close/", {"version": answered["version"], "outcome": "Đưa vào hồ sơ."}
    )
    assert [n["status"] for n in (ack, answered, closed)] == ["acknowledged", "answered", "closed"]

    # an appointment about Bình goes unanswered past its deadline: escalated once
    late = workplace.post(
        f"{API}/notices/",
        {
            "link": links.binh.pk,
            "kind": "appointment",
            "sender": world.workplace.pk,
            "recipient": world.commune_a_committee.pk,
            "body": "Đề nghị cho ý kiến về việc bổ nhiệm đồng chí Bình.",
        },
        status=201,
    )
    due = Notice.objects.get(pk=late["id"]).response_due
    assert due == datetime.date(2026, 1, 29)  # 10 working days after Thursday 15/01/2026
    escalated = notice_services.escalate_overdue_notices(on=due + DAY)
    assert [n.pk for n in escalated] == [late["id"]]
    assert notice_services.escalate_overdue_notices(on=due + 2 * DAY) == []
    assert commune.get(f"{API}/notices/{late['id']}/")["escalated_at"] == (
        "2026-01-15T09:00:00+07:00"
    )

    # every notice about Đức is in his thread, on both sides
    for actor in (workplace, commune):
        thread = actor.get(f"{API}/notices/?member={links.duc.member_id}")["results"]
        assert sorted((n["kind"], n["status"]) for n in thread) == [
            ("appointment", "closed"),
            ("good_conduct", "closed"),
        ]
