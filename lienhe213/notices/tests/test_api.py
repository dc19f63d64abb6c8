import pytest
from rest_framework.test import APIClient

from lienhe213.notices.models import Kind, Notice, NoticeReply
from lienhe213.notices.tests.conftest import SENT_ON, notice_state, send

CAST = [
    "anonymous",
    "stranger",
    "member_user",
    "other_clerk",
    "secretary_a1",
    "secretary_a2",
    "commune_clerk",
    "workplace_officer",
    "provincial_officer",
]


def api(world, name):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    user = world.user(name)
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    ("actor", "expected"),
    list(zip(CAST, [401, 0, 0, 0, 0, 1, 1, 1, 1], strict=True)),
)
def test_list_is_scoped(world, active, actor, expected):
    send(world, active)

    response = api(world, actor).get("/api/v1/notices/")

    if actor == "anonymous":
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 200
        assert response.json()["count"] == expected


@pytest.mark.parametrize(
    ("actor", "expected"),
    list(zip(CAST, [401, 404, 404, 404, 404, 200, 200, 200, 200], strict=True)),
)
def test_detail_permissions(world, active, actor, expected):
    notice = send(world, active)
    NoticeReply.objects.create(notice=notice, organization=world.workplace, body="Đã nhận.")

    response = api(world, actor).get(f"/api/v1/notices/{notice.pk}/")

    assert response.status_code == (expected if actor != "anonymous" else response.status_code)
    if expected == 200:
        body = response.json()
        assert (body["kind"], body["status"], body["sender"], body["recipient"]) == (
            "violation",
            "sent",
            world.cell_a2.pk,
            world.workplace.pk,
        )
        assert [r["body"] for r in body["replies"]] == ["Đã nhận."]


@pytest.mark.parametrize(
    ("actor", "expected"),
    list(zip(CAST, [401, 404, 404, 404, 404, 403, 403, 200, 200], strict=True)),
)
def test_acknowledge_permissions(world, active, actor, expected):
    notice = send(world, active)
    before = notice_state()

    response = api(world, actor).post(
        f"/api/v1/notices/{notice.pk}/acknowledge/", {"version": 1}, format="json"
    )

    if actor == "anonymous":
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == expected
    if expected == 200:
        assert response.json()["status"] == "acknowledged"
        assert Notice.objects.get().acknowledged_by == world.user(actor)
    else:
        assert notice_state() == before


def body(world, link, **overrides):
    data = {
        "link": link.pk,
        "kind": Kind.VIOLATION,
        "sender": world.cell_a2.pk,
        "recipient": world.workplace.pk,
        "body": "Vi phạm quy định nơi cư trú.",
        "sent_on": SENT_ON.isoformat(),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("actor", "expected"),
    list(zip(CAST, [401, 400, 400, 400, 400, 201, 201, 400, 201], strict=True)),
)
def test_create_permissions(world, active, actor, expected):
    # a sender the user does not see (the cell, for the workplace officer) is a 400
    before = notice_state()

    response = api(world, actor).post("/api/v1/notices/", body(world, active), format="json")

    if actor == "anonymous":
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == expected
    if expected == 201:
        notice = Notice.objects.get()
        assert response.json()["id"] == notice.pk
        assert notice.response_due.isoformat() == response.json()["response_due"] == "2025-03-31"
    else:
        assert notice_state() == before


def test_create_refuses_a_recipient_outside_the_link(world, active):
    before = notice_state()

    response = api(world, "secretary_a2").post(
        "/api/v1/notices/",
        body(world, active, recipient=world.commune_b_committee.pk),
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "recipient": [
            "“Đảng bộ xã Lâm Bình” is not the other side of this member's link; a notice goes "
            "between the workplace committee and the residence commune or cell."
        ]
    }
    assert notice_state() == before


def test_create_refuses_a_kind_of_the_other_side(world, active):
    before = notice_state()

    response = api(world, "secretary_a2").post(
        "/api/v1/notices/", body(world, active, kind=Kind.DEATH), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"kind": ["A notice of this kind is sent by the workplace side."]}
    assert notice_state() == before


def test_reply_and_close_with_a_stale_version(world, active):
    notice = send(world, active)
    client = api(world, "workplace_officer")

    replied = client.post(
        f"/api/v1/notices/{notice.pk}/reply/", {"version": 1, "body": "Đã xử lý."}, format="json"
    )
    before = notice_state()
    stale = client.post(
        f"/api/v1/notices/{notice.pk}/close/", {"version": 1, "outcome": "Xong."}, format="json"
    )
    after_stale = notice_state()
    closed = api(world, "secretary_a2").post(
        f"/api/v1/notices/{notice.pk}/close/", {"version": 2, "outcome": "Xong."}, format="json"
    )

    assert replied.status_code == 200
    assert replied.json()["status"] == "answered"
    assert stale.status_code == 409
    assert stale.json() == {
        "detail": "This notice was changed by someone else meanwhile. Reload it and try again.",
        "version": 2,
    }
    assert after_stale == before
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["outcome"]) == ("closed", "Xong.")


def test_list_filters(world, active):
    violation = send(world, active)
    retirement = send(world, active, kind=Kind.RETIREMENT)
    client = api(world, "commune_clerk")

    def ids(**params):
        return [row["id"] for row in client.get("/api/v1/notices/", params).json()["results"]]

    assert ids(inbox=world.commune_a_committee.pk) == [retirement.pk]
    assert ids(outbox=world.commune_a_committee.pk) == [violation.pk]
    assert ids(kind="retirement") == [retirement.pk]
    assert ids(overdue="true") == [violation.pk]
    assert ids(member=world.member_w1.pk) == [retirement.pk, violation.pk]
