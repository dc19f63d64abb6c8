"""The training API: the permission matrix (401 anonymous, 404 out of scope, 403 seen
but not organized), the steps through the same services, uploads with the same checks,
each refusal changing nothing."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from lienhe213.training import services
from lienhe213.training.models import Invitation, TrainingMaterial, TrainingSession
from lienhe213.training.tests.conftest import (
    docx_bytes,
    pdf_bytes,
    plan,
    stored_files,
    training_state,
    upload,
)

API = "/api/v1/training"
CAST = [
    "anonymous",
    "stranger",
    "member_user",
    "workplace_officer",
    "secretary_a1",
    "commune_clerk",
    "other_clerk",
    "provincial_officer",
    "root_user",
]


def api(world, who):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    user = world.user(who)
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def invited(world, session):
    services.invite(by=world.commune_clerk, session=session)
    services.add_material(
        by=world.commune_clerk, session=session, upload=upload("a.pdf", pdf_bytes())
    )
    session.refresh_from_db()
    return session


# who: list count, detail, cancel
EXPECTED = {
    "anonymous": (401, 401, 401),
    "stranger": (0, 404, 404),
    "member_user": (0, 404, 404),
    "workplace_officer": (0, 404, 404),
    "secretary_a1": (1, 200, 403),
    "commune_clerk": (1, 200, 200),
    "other_clerk": (0, 404, 404),
    "provincial_officer": (1, 200, 200),
    "root_user": (1, 200, 200),
}


@pytest.mark.parametrize("who", CAST)
def test_api_matrix(world, invited, who):
    client = api(world, who)
    listed, detail, cancel = EXPECTED[who]
    before = training_state()

    listing = client.get(f"{API}/sessions/")
    one = client.get(f"{API}/sessions/{invited.pk}/")
    step = client.post(
        f"{API}/sessions/{invited.pk}/cancel/", {"version": invited.version}, format="json"
    )

    if listed == 401:
        assert listing.status_code == 401
    else:
        assert listing.status_code == 200
        assert listing.data["count"] == listed
    assert one.status_code == detail
    assert step.status_code == cancel
    if cancel != 200:
        assert training_state() == before


@pytest.mark.parametrize("who", CAST)
def test_material_download_matrix(world, invited, who):
    material = invited.materials.get()

    response = api(world, who).get(f"{API}/materials/{material.pk}/download/")

    assert response.status_code == EXPECTED[who][1]
    if response.status_code == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_an_invitee_reads_only_their_own_invitation(world, invited):
    response = api(world, "secretary_a1").get(f"{API}/sessions/{invited.pk}/")

    assert [row["user"] for row in response.data["invitations"]] == [world.secretary_a1.pk]
    assert [m["original_name"] for m in response.data["materials"]] == ["a.pdf"]


def test_plan_invite_attend_through_the_api(world):
    client = api(world, "commune_clerk")
    day = timezone.localdate() + datetime.timedelta(days=5)

    created = client.post(
        f"{API}/sessions/",
        {
            "organizer": world.commune_a_committee.pk,
            "topic": "Nghiệp vụ",
            "date": day.isoformat(),
            "online_link": "https://meet.example.org/x",
            "audience": "cell_secretaries",
        },
        format="json",
    )
    assert created.status_code == 201
    pk = created.data["id"]
    invited = client.post(f"{API}/sessions/{pk}/invite/", {"version": 1}, format="json")
    assert (invited.status_code, invited.data["invited"]) == (200, 2)
    TrainingSession.objects.filter(pk=pk).update(date=timezone.localdate())

    held = client.post(
        f"{API}/sessions/{pk}/attendance/",
        {"version": 2, "attended": [world.secretary_a2.pk]},
        format="json",
    )

    assert held.status_code == 200
    assert held.data["state"] == "held"
    assert list(Invitation.objects.filter(attended=True).values_list("user_id", flat=True)) == [
        world.secretary_a2.pk
    ]


def test_planning_for_an_organization_out_of_scope_is_404(world):
    before = training_state()

    response = api(world, "commune_clerk").post(
        f"{API}/sessions/",
        {
            "organizer": world.commune_b_committee.pk,
            "topic": "x",
            "date": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
            "place": "x",
            "audience": "cell_secretaries",
        },
        format="json",
    )

    assert response.status_code == 404
    assert training_state() == before


def test_a_bad_link_is_400_on_its_field(world):
    response = api(world, "commune_clerk").post(
        f"{API}/sessions/",
        {
            "organizer": world.commune_a_committee.pk,
            "topic": "x",
            "date": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
            "online_link": "file:///etc/passwd",
            "audience": "cell_secretaries",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "online_link" in response.data
    assert not TrainingSession.objects.exists()


def test_a_stale_version_is_409_with_the_stored_one(world, invited):
    before = training_state()

    response = api(world, "commune_clerk").post(
        f"{API}/sessions/{invited.pk}/cancel/", {"version": 1}, format="json"
    )

    assert response.status_code == 409
    assert response.data["version"] == invited.version
    assert training_state() == before


def test_attendance_before_the_day_is_400(world, invited):
    before = training_state()

    response = api(world, "commune_clerk").post(
        f"{API}/sessions/{invited.pk}/attendance/",
        {"version": invited.version, "attended": []},
        format="json",
    )

    assert response.status_code == 400
    assert "on or after the day" in response.data["detail"]
    assert training_state() == before


def test_upload_through_the_api(world, session, media_root):
    response = api(world, "commune_clerk").post(
        f"{API}/sessions/{session.pk}/materials/",
        {"file": upload("tai-lieu.docx", docx_bytes())},
        format="multipart",
    )

    assert response.status_code == 201
    assert response.data["file_type"] == "docx"
    assert TrainingMaterial.objects.get().original_name == "tai-lieu.docx"
    assert len(stored_files(media_root)) == 1


@pytest.mark.parametrize(
    ("name", "content", "limit"),
    [("x.pdf", b"plain text renamed", 10), ("x.pdf", pdf_bytes(1024 * 1024 + 10), 1)],
)
def test_a_refused_upload_is_400_and_stores_nothing(
    world, session, media_root, settings, name, content, limit
):
    settings.TRAINING_MAX_UPLOAD_MB = limit
    before = training_state()

    response = api(world, "commune_clerk").post(
        f"{API}/sessions/{session.pk}/materials/",
        {"file": upload(name, content)},
        format="multipart",
    )

    assert response.status_code == 400
    assert "file" in response.data
    assert training_state() == before
    assert stored_files(media_root) == []


def test_an_invitee_may_not_upload_or_remove(world, invited, media_root):
    material = invited.materials.get()
    client = api(world, "secretary_a1")
    before = training_state()

    up = client.post(
        f"{API}/sessions/{invited.pk}/materials/",
        {"file": upload("x.pdf", pdf_bytes())},
        format="multipart",
    )
    down = client.delete(f"{API}/materials/{material.pk}/")

    assert (up.status_code, down.status_code) == (403, 403)
    assert training_state() == before
    assert len(stored_files(media_root)) == 1


def test_a_forged_material_id_is_404(world, invited):
    other = plan(world, by=world.other_clerk, organizer=world.commune_b_committee)
    material = services.add_material(
        by=world.other_clerk, session=other, upload=upload("b.pdf", pdf_bytes())
    )

    response = api(world, "commune_clerk").get(f"{API}/materials/{material.pk}/download/")

    assert response.status_code == 404
