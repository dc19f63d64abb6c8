import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from lienhe213.meetings.models import Attendance, Meeting
from lienhe213.meetings.tests.conftest import linked, meeting_state, plan, working_member

pytestmark = pytest.mark.django_db

URL = "/api/v1/meetings/"


def api(world, name):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    user = world.user(name)
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anonymous", None),
        ("stranger", []),
        ("workplace_officer", []),
        ("other_clerk", []),
        ("secretary_a1", []),
        ("secretary_a2", ["a2"]),
        ("commune_clerk", ["a2"]),
        ("provincial_officer", ["a2"]),
        ("member_user", ["a2"]),
    ],
)
def test_list_is_scoped(world, name, expected):
    linked(world)
    plan(world)

    response = api(world, name).get(URL)

    if expected is None:
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 200
        assert [m["cell"] for m in response.json()["results"]] == (
            [world.cell_a2.pk] if expected else []
        )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("stranger", 400),
        ("other_clerk", 400),
        ("secretary_a1", 400),
        ("member_user", 400),
        ("secretary_a2", 201),
        ("commune_clerk", 201),
        ("provincial_officer", 201),
    ],
)
def test_plan_permissions(world, name, expected):
    linked(world)

    response = api(world, name).post(
        URL, {"cell": world.cell_a2.pk, "kind": "thematic", "date": "2025-06-02"}, format="json"
    )

    assert response.status_code == expected
    if expected == 201:
        assert [a["member"] for a in response.json()["attendances"]] == [world.member_w1.pk]
        assert Meeting.objects.get().kind == "thematic"
    else:
        assert response.json()["cell"]
        assert not Meeting.objects.exists()


def test_plan_in_a_visible_cell_one_may_not_run_is_forbidden(world):
    # the workplace officer sees the workplace cell but runs no residence meetings
    linked(world)
    response = api(world, "workplace_officer").post(
        URL, {"cell": world.workplace_cell.pk, "kind": "periodic", "date": "2025-06-02"}
    )

    assert response.status_code == 403
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("stranger", 404),
        ("workplace_officer", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("member_user", 403),
        ("secretary_a2", 200),
        ("commune_clerk", 200),
        ("provincial_officer", 200),
    ],
)
def test_attendance_permissions(world, name, expected):
    linked(world)
    meeting = plan(world)
    before = meeting_state()

    response = api(world, name).post(
        f"{URL}{meeting.pk}/attendance/",
        {"member": world.member_w1.pk, "status": "present", "version": 1},
        format="json",
    )

    assert response.status_code == expected
    if expected == 200:
        assert response.json()["attendances"][0]["status"] == "present"
        assert response.json()["version"] == 2
    else:
        assert meeting_state() == before


def test_attendance_for_an_unlinked_member_is_400_and_changes_nothing(world):
    linked(world)
    meeting = plan(world)
    before = meeting_state()

    response = api(world, "commune_clerk").post(
        f"{URL}{meeting.pk}/attendance/",
        {"member": world.member_a1.pk, "status": "present", "version": 1},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"member": ["“Đặng Thị Hoa” is not linked to “Chi bộ tổ 2”."]}
    assert meeting_state() == before


def test_stale_version_is_409(world):
    linked(world)
    meeting = plan(world, place="Nhà văn hoá tổ 2", agenda="Sáu tháng đầu năm")
    client = api(world, "secretary_a2")
    client.post(f"{URL}{meeting.pk}/held/", {"version": 1}, format="json")
    before = meeting_state()

    response = client.post(
        f"{URL}{meeting.pk}/cancel/", {"version": 1, "reason": "Bão"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["version"] == 2
    assert meeting_state() == before


def test_opinion_follow_up_and_done_through_the_api(world):
    linked(world)
    meeting = plan(world)
    client = api(world, "secretary_a2")

    client.post(
        f"{URL}{meeting.pk}/opinion/",
        {"member": world.member_w1.pk, "text": "Đường ngập", "version": 1},
        format="json",
    )
    client.post(
        f"{URL}{meeting.pk}/follow-up/",
        {"description": "Báo phường", "owner": "Tổ trưởng", "due_on": "2025-06-30", "version": 2},
        format="json",
    )
    follow_up = meeting.follow_ups.get()
    response = client.post(
        f"{URL}{meeting.pk}/follow-up-done/",
        {"follow_up": follow_up.pk, "done_on": "2025-06-20", "version": 3},
        format="json",
    )

    body = response.json()
    assert response.status_code == 200
    assert [(o["member"], o["text"]) for o in body["opinions"]] == [
        (world.member_w1.pk, "Đường ngập")
    ]
    assert [(f["owner"], f["done_on"]) for f in body["follow_ups"]] == [("Tổ trưởng", "2025-06-20")]
    assert body["version"] == 4


def test_follow_up_about_a_member_through_the_api(world):
    linked(world)
    meeting = plan(world)
    client = api(world, "secretary_a2")

    response = client.post(
        f"{URL}{meeting.pk}/follow-up/",
        {
            "description": "Nhắc đồng chí nộp đảng phí",
            "owner": "Bí thư chi bộ",
            "member": world.member_w1.pk,
            "due_on": "2025-06-30",
            "version": 1,
        },
        format="json",
    )

    assert response.status_code == 200
    assert [(f["owner"], f["member"], f["member_name"]) for f in response.json()["follow_ups"]] == [
        ("Bí thư chi bộ", world.member_w1.pk, "Nguyễn Văn Đức")
    ]
    assert list(meeting.follow_ups.values_list("member_id", flat=True)) == [world.member_w1.pk]


def test_follow_up_about_a_member_not_linked_is_refused_through_the_api(world):
    # given a meeting of cell A2; the commune clerk also sees member_a1 of cell A1
    linked(world)
    meeting = plan(world)
    before = meeting_state()

    response = api(world, "commune_clerk").post(
        f"{URL}{meeting.pk}/follow-up/",
        {
            "description": "Nhắc đồng chí",
            "owner": "Chi ủy",
            "member": world.member_a1.pk,
            "due_on": "2025-06-30",
            "version": 1,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"member": ["“Đặng Thị Hoa” is not linked to “Chi bộ tổ 2”."]}
    assert meeting_state() == before


def test_detail_and_list_do_not_query_per_row(world):
    linked(world)
    for name, citizen_id in (("Bình", "002085009991"), ("Cường", "002085009992")):
        linked(world, working_member(world, name, citizen_id))
    client = api(world, "commune_clerk")
    small = plan(world)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count(URL)  # the first request loads the user's roles
    few = (count(f"{URL}{small.pk}/"), count(URL))
    big = plan(world)
    for _ in range(3):
        plan(world)
    Attendance.objects.filter(meeting=big).update(status="present")

    assert (count(f"{URL}{big.pk}/"), count(URL)) == few


@pytest.mark.parametrize(
    ("name", "sees_others"),
    [("member_user", False), ("secretary_a2", True), ("commune_clerk", True)],
)
def test_a_member_reads_only_their_own_attendance_and_opinions(world, name, sees_others):
    from lienhe213.meetings import services

    linked(world)
    neighbour = working_member(world, "Bình", "002085009999")
    linked(world, member=neighbour)
    meeting = plan(world)
    for member, status, reason in (
        (world.member_w1, "present", ""),
        (neighbour, "excused", "Ốm, điều trị tại bệnh viện"),
    ):
        services.record_attendance(
            by=world.secretary_a2,
            meeting=meeting,
            member=member,
            status=status,
            excuse_reason=reason,
        )
    services.record_opinion(by=world.secretary_a2, meeting=meeting, member=neighbour, text="Ý kiến")

    body = api(world, name).get(f"{URL}{meeting.pk}/").json()

    members = {row["member"] for row in body["attendances"]}
    reasons = [row["excuse_reason"] for row in body["attendances"]]
    if sees_others:
        assert members == {world.member_w1.pk, neighbour.pk}
        assert "Ốm, điều trị tại bệnh viện" in reasons
        assert [o["member"] for o in body["opinions"]] == [neighbour.pk]
    else:
        assert members == {world.member_w1.pk}
        assert reasons == [""]
        assert body["opinions"] == []
