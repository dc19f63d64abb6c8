"""The comment cycle through the REST API: the same services and scoping, 404 / 403 /
400 / 409 as the rest of the API."""

import datetime

import pytest

from lienhe213.comments import services
from lienhe213.comments.models import Comment, CommentRequest
from lienhe213.comments.tests.conftest import (
    DEADLINE,
    REQUESTED,
    cycle_state,
    link_at,
    request_at,
)

BASE = "/api/v1/comments/requests/"


def test_bulk_request_creates_form_3(api, world, campaign):
    link_at(world, "active")
    api.force_authenticate(world.workplace_officer)

    response = api.post(
        BASE,
        {
            "campaign": campaign.pk,
            "workplace": world.workplace.pk,
            "members": [world.member_w1.pk],
            "requested_on": REQUESTED.isoformat(),
        },
        format="json",
    )

    assert response.status_code == 201
    assert [(r["form"], r["status"], r["member_name"]) for r in response.json()] == [
        ("3-213", "requested", "Nguyễn Văn Đức")
    ]


def test_bulk_request_for_a_workplace_out_of_sight_is_400(api, world, campaign):
    link_at(world, "active")
    api.force_authenticate(world.commune_clerk)
    before = cycle_state()

    response = api.post(
        BASE,
        {
            "campaign": campaign.pk,
            "workplace": world.workplace.pk,
            "members": [world.member_w1.pk],
            "requested_on": REQUESTED.isoformat(),
        },
        format="json",
    )

    assert response.status_code == 400  # the workplace is out of the clerk's sight
    assert "workplace" in response.json()
    assert cycle_state() == before


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("stranger", 404),
        ("representative_a1", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("workplace_officer", 403),
        ("commune_clerk", 403),
        ("secretary_a2", 200),
        ("provincial_officer", 200),
    ],
)
def test_sign_matrix(api, world, name, status):
    request = request_at(world, "drafted")
    api.force_authenticate(world.user(name))

    response = api.post(f"{BASE}{request.pk}/sign/", {}, format="json")

    assert response.status_code == status
    expected = "signed" if status == 200 else "drafted"
    assert CommentRequest.objects.get(pk=request.pk).status == expected


def test_signed_twice_is_400_with_the_reason(api, world):
    request = request_at(world, "signed")
    api.force_authenticate(world.secretary_a2)
    before = cycle_state()

    response = api.post(f"{BASE}{request.pk}/sign/", {}, format="json")

    assert response.status_code == 400
    assert "already signed" in str(response.json())
    assert cycle_state() == before


def test_stale_draft_is_409_with_the_stored_version(api, world):
    request = request_at(world, "requested")
    api.force_authenticate(world.secretary_a2)
    first = api.post(
        f"{BASE}{request.pk}/draft/", {"version": 1, "values": {"item_1": "fair"}}, format="json"
    )
    api.force_authenticate(world.commune_clerk)
    before = cycle_state()

    response = api.post(
        f"{BASE}{request.pk}/draft/", {"version": 1, "values": {"item_1": "good"}}, format="json"
    )

    assert first.status_code == 200
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This comment was changed by someone else meanwhile. Reload it and try again.",
        "version": 2,
    }
    assert cycle_state() == before
    assert Comment.objects.get(request=request).item_1 == "fair"


def test_rating_before_return_is_400(api, world):
    request = request_at(world, "confirmed")
    api.force_authenticate(world.workplace_officer)
    before = cycle_state()

    response = api.post(f"{BASE}{request.pk}/rating/", {"rating_level": "good"}, format="json")

    assert response.status_code == 400
    assert "has not been returned yet" in str(response.json())
    assert cycle_state() == before


def test_full_cycle_through_the_api(api, world):
    request = request_at(world, "signed")
    for user, step, body in [
        (world.commune_clerk, "confirm", {}),
        (world.commune_clerk, "return", {}),
        (world.workplace_officer, "acknowledge", {}),
        (world.workplace_officer, "rating", {"rating_level": "excellent", "rating_note": "Used"}),
        (world.member_user, "answer", {"answer": "Thank you."}),
    ]:
        api.force_authenticate(user)
        response = api.post(f"{BASE}{request.pk}/{step}/", body, format="json")
        assert response.status_code == 200, (step, response.json())

    data = response.json()
    assert data["status"] == "used"
    assert (data["comment"]["rating_level"], data["comment"]["member_answer"]) == (
        "excellent",
        "Thank you.",
    )


@pytest.mark.parametrize(
    ("name", "count"),
    [("workplace_officer", 1), ("secretary_a2", 1), ("secretary_a1", 0), ("member_user", 0)],
)
def test_list_is_scoped(api, world, name, count):
    request_at(world, "drafted")
    api.force_authenticate(world.user(name))

    response = api.get(BASE)

    assert response.status_code == 200
    assert response.json()["count"] == count


def test_campaign_opened_only_by_the_province(api, world):
    body = {
        "province": world.province.pk,
        "year": 2026,
        "opens_on": "2026-11-01",
        "closes_on": "2026-11-30",
        "deadline": "2026-12-15",
    }
    api.force_authenticate(world.workplace_officer)
    assert api.post("/api/v1/comments/campaigns/", body, format="json").status_code == 400
    api.force_authenticate(world.provincial_officer)

    response = api.post("/api/v1/comments/campaigns/", body, format="json")

    assert response.status_code == 201
    assert response.json()["year"] == 2026


def test_escalation_is_shown_and_read_only(api, world):
    request = request_at(world, "signed")
    api.force_authenticate(world.commune_clerk)
    before = api.get(f"{BASE}{request.pk}/").json()["escalated_at"]
    services.escalate_overdue_requests(on=DEADLINE + datetime.timedelta(days=1))
    stored = CommentRequest.objects.get(pk=request.pk).escalated_at

    response = api.get(f"{BASE}{request.pk}/")

    assert before is None
    assert datetime.datetime.fromisoformat(response.json()["escalated_at"]) == stored
