import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienhe213.meetings.models import Attendance, Meeting
from lienhe213.meetings.tests.conftest import (
    DAY,
    TODAY,
    held_meeting,
    linked,
    meeting_state,
    plan,
    working_member,
)

pytestmark = pytest.mark.django_db

CAST = [
    "anonymous",
    "stranger",
    "workplace_officer",
    "other_clerk",
    "secretary_a1",
    "secretary_a2",
    "commune_clerk",
    "provincial_officer",
    "member_user",
]


def login(client, world, name):
    user = world.user(name)
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anonymous", 302),
        ("stranger", 404),
        ("workplace_officer", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("secretary_a2", 200),
        ("commune_clerk", 200),
        ("provincial_officer", 200),
        ("member_user", 404),
    ],
)
def test_cell_meetings_page_permissions(client, world, name, expected):
    login(client, world, name)

    response = client.get(reverse("meetings:cell", args=[world.cell_a2.pk]))

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anonymous", 302),
        ("stranger", 404),
        ("workplace_officer", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("secretary_a2", 302),
        ("commune_clerk", 302),
        ("provincial_officer", 302),
        ("member_user", 404),
    ],
)
def test_plan_a_meeting_permissions(client, world, name, expected):
    linked(world)
    login(client, world, name)

    response = client.post(
        reverse("meetings:cell", args=[world.cell_a2.pk]),
        {"kind": "periodic", "date": "2025-06-02", "place": "Nhà văn hoá", "agenda": ""},
    )

    assert response.status_code == expected
    planned = list(Meeting.objects.values_list("cell_id", "date"))
    if expected == 302 and name != "anonymous":
        assert planned == [(world.cell_a2.pk, DAY)]
        assert list(Attendance.objects.values_list("member_id", "invited")) == [
            (world.member_w1.pk, True)
        ]
    else:
        assert planned == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anonymous", 302),
        ("stranger", 404),
        ("workplace_officer", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("secretary_a2", 200),
        ("commune_clerk", 200),
        ("provincial_officer", 200),
        ("member_user", 302),
    ],
)
def test_meeting_page_permissions(client, world, name, expected):
    linked(world)
    meeting = plan(world)
    login(client, world, name)

    response = client.get(reverse("meetings:detail", args=[meeting.pk]))

    assert response.status_code == expected
    if name == "member_user":
        assert response["Location"] == reverse("meetings:mine")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anonymous", 302),
        ("stranger", 404),
        ("workplace_officer", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("secretary_a2", 302),
        ("commune_clerk", 302),
        ("provincial_officer", 302),
        ("member_user", 403),
    ],
)
def test_attendance_post_permissions(client, world, name, expected):
    linked(world)
    meeting = plan(world)
    login(client, world, name)

    response = client.post(
        reverse("meetings:attendance", args=[meeting.pk, world.member_w1.pk]),
        {f"m{world.member_w1.pk}-status": "present", f"m{world.member_w1.pk}-version": "1"},
    )

    assert response.status_code == expected
    status = Attendance.objects.get(meeting=meeting).status
    assert status == ("present" if expected == 302 and name != "anonymous" else "unknown")


def test_attendance_post_for_an_unlinked_member_shows_the_refusal(client, world):
    linked(world)
    meeting = plan(world)
    client.force_login(world.secretary_a2)
    before = meeting_state()
    prefix = f"m{world.member_a1.pk}"

    response = client.post(
        reverse("meetings:attendance", args=[meeting.pk, world.member_a1.pk]),
        {f"{prefix}-status": "present", f"{prefix}-version": "1"},
    )

    assert response.status_code == 200
    assert "“Đặng Thị Hoa” is not linked to “Chi bộ tổ 2”." in response.content.decode()
    assert meeting_state() == before


def test_follow_up_form_offers_the_meetings_members(client, world):
    # given a meeting of cell A2 with member_w1 invited; member_a1 lives in cell A1
    linked(world)
    meeting = plan(world)
    client.force_login(world.secretary_a2)

    response = client.get(reverse("meetings:detail", args=[meeting.pk]))

    form = response.context["follow_up_form"]
    assert form.fields["member"].choices == [("", "—"), (world.member_w1.pk, "Nguyễn Văn Đức")]
    assert (
        '<select name="member" aria-describedby="id_follow_up_member_helptext" '
        'id="id_follow_up_member">'
    ) in response.text
    assert '<span class="help" id="id_follow_up_member_helptext">The member it is' in (
        response.text
    )
    assert f'<option value="{world.member_w1.pk}">Nguyễn Văn Đức</option>' in response.text


def test_follow_up_about_a_member_through_the_page(client, world):
    linked(world)
    meeting = plan(world)
    client.force_login(world.secretary_a2)

    response = client.post(
        reverse("meetings:follow_up", args=[meeting.pk]),
        {
            "version": "1",
            "description": "Nhắc đồng chí nộp đảng phí",
            "owner": "Bí thư chi bộ",
            "member": str(world.member_w1.pk),
            "due_on": "2025-06-30",
        },
        follow=True,
    )

    assert "Follow-up added." in response.text
    assert "Bí thư chi bộ · Member concerned: Nguyễn Văn Đức" in response.text
    assert list(meeting.follow_ups.values_list("member_id", "owner")) == [
        (world.member_w1.pk, "Bí thư chi bộ")
    ]


def test_follow_up_about_a_member_not_offered_is_refused(client, world):
    # given a meeting of cell A2; member_a1 is not one of its members
    linked(world)
    meeting = plan(world)
    client.force_login(world.secretary_a2)
    before = meeting_state()

    response = client.post(
        reverse("meetings:follow_up", args=[meeting.pk]),
        {
            "version": "1",
            "description": "Nhắc đồng chí",
            "owner": "Chi ủy",
            "member": str(world.member_a1.pk),
            "due_on": "2025-06-30",
        },
    )

    assert response.status_code == 200
    assert response.context["follow_up_form"].errors == {
        "member": [
            f"Select a valid choice. {world.member_a1.pk} is not one of the available choices."
        ]
    }
    assert meeting_state() == before


def test_stale_page_shows_the_conflict(client, world):
    linked(world)
    meeting = plan(world)
    client.force_login(world.secretary_a2)
    url = reverse("meetings:held", args=[meeting.pk])
    client.post(
        reverse("meetings:follow_up", args=[meeting.pk]),
        {"version": "1", "description": "x", "owner": "y", "due_on": "2025-06-30"},
    )
    before = meeting_state()

    response = client.post(url, {"version": "1"})

    assert response.status_code == 200
    assert "changed by someone else meanwhile" in response.content.decode()
    assert meeting_state() == before


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anonymous", 302),
        ("stranger", 404),
        ("other_clerk", 404),
        ("secretary_a2", 404),
        ("commune_clerk", 200),
        ("provincial_officer", 200),
    ],
)
def test_overdue_page_for_the_commune(client, world, name, expected):
    linked(world)
    login(client, world, name)

    response = client.get(reverse("meetings:overdue", args=[world.commune_a_committee.pk]))

    assert response.status_code == expected
    if expected == 200:
        assert "Chi bộ tổ 2" in response.content.decode()


def test_overdue_page_lists_members_absent_twice(client, world):
    linked(world)
    held_meeting(world, TODAY - datetime.timedelta(days=60), {world.member_w1: "absent"})
    held_meeting(world, TODAY - datetime.timedelta(days=30), {world.member_w1: "absent"})
    client.force_login(world.provincial_officer)

    response = client.get(reverse("meetings:overdue", args=[world.province.pk]))

    page = response.content.decode()
    assert "Every cell met its members in the last six months." in page
    assert "Nguyễn Văn Đức" in page


@pytest.mark.parametrize(
    ("name", "expected"),
    [("anonymous", 302), ("stranger", 403), ("secretary_a2", 403), ("member_user", 200)],
)
def test_my_meetings_permissions(client, world, name, expected):
    linked(world)
    plan(world, place="Nhà văn hoá tổ 2")
    login(client, world, name)

    response = client.get(reverse("meetings:mine"))

    assert response.status_code == expected
    if expected == 200:
        assert "Nhà văn hoá tổ 2" in response.content.decode()


def test_pages_do_not_query_per_row(client, world):
    names = [("Bình", "002085009991"), ("Cường", "002085009992"), ("Dũng", "002085009993")]
    linked(world)
    client.force_login(world.secretary_a2)
    meeting = plan(world)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    detail = reverse("meetings:detail", args=[meeting.pk])
    cell = reverse("meetings:cell", args=[world.cell_a2.pk])
    few = (count(detail), count(cell))
    for name, citizen_id in names:
        linked(world, working_member(world, name, citizen_id))
    meeting = plan(world)
    for _ in range(3):
        plan(world)
    detail = reverse("meetings:detail", args=[meeting.pk])

    assert (count(detail), count(cell)) == few


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("stranger", None),
        ("secretary_a2", "cell"),
        ("commune_clerk", "overdue"),
        ("member_user", "mine"),
    ],
)
def test_meetings_index_leads_each_role_to_its_page(client, world, name, expected):
    login(client, world, name)

    response = client.get(reverse("meetings:index"))

    if expected is None:
        assert response.status_code == 403
    else:
        targets = {
            "cell": reverse("meetings:cell", args=[world.cell_a2.pk]),
            "overdue": reverse("meetings:overdue", args=[world.commune_a_committee.pk]),
            "mine": reverse("meetings:mine"),
        }
        assert response["Location"] == targets[expected]


# --- the step the page is for is unfolded (issue 11: taps) ------------------------------


def _open_step(html: str, action: str) -> bool:
    """Whether the ``<details>`` around the form posting to ``action`` is open."""
    start = html.index(f'action="{action}"')
    details = html.rindex("<details", 0, start)
    return " open>" in html[details : html.index(">", details) + 1]


def test_the_plan_form_is_unfolded_only_while_nothing_is_planned(client, world):
    client.force_login(world.secretary_a2)
    url = reverse("meetings:cell", args=[world.cell_a2.pk])

    nothing_planned = client.get(url).content.decode()
    plan(world)
    one_planned = client.get(url).content.decode()

    assert _open_step(nothing_planned, url) is True
    assert _open_step(one_planned, url) is False


def test_marking_held_is_unfolded_once_the_day_has_come(client, world):
    future = plan(world, day=TODAY + datetime.timedelta(days=3), place="Nhà văn hoá")
    due = plan(world, day=TODAY, place="Nhà văn hoá")
    client.force_login(world.secretary_a2)

    pages = {
        m: client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
        for m in (future, due)
    }

    assert _open_step(pages[future], reverse("meetings:held", args=[future.pk])) is False
    assert _open_step(pages[due], reverse("meetings:held", args=[due.pk])) is True
    assert _open_step(pages[due], reverse("meetings:cancel", args=[due.pk])) is False
