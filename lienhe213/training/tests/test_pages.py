"""Who gets which status on every training page (one matrix per view), and what the
pages do: plan, invite, record attendance, upload and download materials."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import assert_page_status, login_as
from lienhe213.reminders.models import Notification
from lienhe213.training import services
from lienhe213.training.models import Invitation, TrainingMaterial, TrainingSession
from lienhe213.training.tests.conftest import pdf_bytes, plan, stored_files, training_state, upload

CAST = [
    "anonymous",
    "stranger",
    "member_user",
    "workplace_officer",
    "secretary_a1",
    "secretary_a2",
    "commune_clerk",
    "other_clerk",
    "provincial_officer",
    "root_user",
]


@pytest.fixture
def invited(world, session):
    """Commune A's session, its two cell secretaries invited, with one material."""
    services.invite(by=world.commune_clerk, session=session)
    services.add_material(
        by=world.commune_clerk, session=session, upload=upload("a.pdf", pdf_bytes())
    )
    session.refresh_from_db()
    return session


# who: list, detail, attendance form, plan form
EXPECTED = {
    "anonymous": ("login", "login", "login", "login"),
    "stranger": (200, 404, 404, 403),
    "member_user": (200, 404, 404, 403),
    "workplace_officer": (200, 404, 404, 200),
    "secretary_a1": (200, 200, 403, 403),
    "secretary_a2": (200, 200, 403, 403),
    "commune_clerk": (200, 200, 200, 200),
    "other_clerk": (200, 404, 404, 200),
    "provincial_officer": (200, 200, 200, 200),
    "root_user": (200, 200, 200, 200),
}


@pytest.mark.parametrize("who", CAST)
def test_page_matrix(client, world, invited, who):
    login_as(client, world, who)
    urls = [
        reverse("training:index"),
        reverse("training:detail", args=[invited.pk]),
        reverse("training:attendance", args=[invited.pk]),
        reverse("training:plan"),
    ]

    for url, expected in zip(urls, EXPECTED[who], strict=True):
        assert_page_status(client.get(url), expected, url)


@pytest.mark.parametrize("who", CAST)
def test_material_download_matrix(client, world, invited, who):
    material = invited.materials.get()
    url = reverse("training:material", args=[material.pk])
    login_as(client, world, who)

    response = client.get(url)

    expected = EXPECTED[who][1]
    assert_page_status(response, expected, url)
    if expected == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("secretary_a1", 403),
        ("other_clerk", 404),
        ("workplace_officer", 404),
        ("commune_clerk", 302),
    ],
)
def test_step_matrix(client, world, invited, who, expected):
    """Cancel as each: only the organizer side changes anything."""
    url = reverse("training:cancel", args=[invited.pk])
    login_as(client, world, who)
    before = training_state()

    response = client.post(url, {"version": invited.version})

    assert_page_status(response, expected, url)
    invited.refresh_from_db()
    assert (invited.state == "cancelled") == (expected == 302)
    if expected != 302:
        assert training_state() == before


def test_the_list_shows_upcoming_sessions_first_without_codes_or_iso_dates(client, world):
    today = timezone.localdate()
    later = plan(world, topic="Buổi sau", day=today + datetime.timedelta(days=30))
    soon = plan(world, topic="Buổi sớm", day=today + datetime.timedelta(days=2))
    past = TrainingSession.objects.create(
        organizer=world.commune_a_committee,
        topic="Buổi đã qua",
        date=today - datetime.timedelta(days=20),
        place="Xã",
        audience="cell_secretaries",
    )
    client.force_login(world.commune_clerk)

    body = client.get(reverse("training:index")).content.decode()

    assert body.index("Buổi sớm") < body.index("Buổi sau") < body.index("Buổi đã qua")
    assert soon.date.strftime("%d/%m/%Y") in body
    assert past.date.isoformat() not in body and later.date.isoformat() not in body
    assert "cell_secretaries" not in body and ">planned<" not in body


def test_planning_through_the_page(client, world):
    client.force_login(world.commune_clerk)
    day = timezone.localdate() + datetime.timedelta(days=10)

    response = client.post(
        reverse("training:plan"),
        {
            "organizer": world.commune_a_committee.pk,
            "topic": "Nghiệp vụ 213",
            "date": day.isoformat(),
            "starts_at": "08:00",
            "place": "Hội trường",
            "online_link": "",
            "audience": "cell_secretaries",
        },
    )

    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("training:detail", args=[session.pk])
    assert (session.topic, session.date, session.starts_at) == (
        "Nghiệp vụ 213",
        day,
        datetime.time(8, 0),
    )


def test_a_forged_organizer_is_refused_by_the_plan_form(client, world):
    client.force_login(world.commune_clerk)

    response = client.post(
        reverse("training:plan"),
        {
            "organizer": world.commune_b_committee.pk,
            "topic": "x",
            "date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "place": "x",
            "audience": "cell_secretaries",
        },
    )

    assert response.status_code == 400
    assert not TrainingSession.objects.exists()


def test_a_bad_link_is_shown_on_its_field(client, world):
    client.force_login(world.commune_clerk)

    response = client.post(
        reverse("training:plan"),
        {
            "organizer": world.commune_a_committee.pk,
            "topic": "x",
            "date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "online_link": "javascript:alert(1)",
            "audience": "cell_secretaries",
        },
    )

    assert response.status_code == 400
    assert "starting with http:// or https://" in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_invite_then_record_attendance_through_the_pages(client, world, session):
    client.force_login(world.commune_clerk)

    response = client.post(reverse("training:invite", args=[session.pk]), {"version": 1})

    assert response.status_code == 302
    assert Notification.objects.filter(kind="training_invited").count() == 2
    TrainingSession.objects.filter(pk=session.pk).update(date=timezone.localdate())
    url = reverse("training:attendance", args=[session.pk])
    form = client.get(url)
    assert (
        "chibo1" in form.content.decode()
        or world.secretary_a1.get_full_name() in form.content.decode()
    )

    response = client.post(url, {"version": 2, "attended": [world.secretary_a1.pk]})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.state == "held"
    assert list(Invitation.objects.filter(attended=True).values_list("user_id", flat=True)) == [
        world.secretary_a1.pk
    ]


def test_a_forged_attendee_is_refused_and_nothing_changes(client, world, invited):
    TrainingSession.objects.filter(pk=invited.pk).update(date=timezone.localdate())
    client.force_login(world.commune_clerk)
    before = training_state()

    response = client.post(
        reverse("training:attendance", args=[invited.pk]),
        {"version": invited.version, "attended": [world.other_clerk.pk]},
    )

    assert response.status_code == 400
    assert training_state() == before


def test_attendance_before_the_day_shows_why(client, world, invited):
    client.force_login(world.commune_clerk)
    before = training_state()

    response = client.post(
        reverse("training:attendance", args=[invited.pk]),
        {"version": invited.version, "attended": [world.secretary_a1.pk]},
    )

    assert response.status_code == 400
    assert "on or after the day of the session" in response.content.decode()
    assert training_state() == before


def test_a_double_submitted_invite_shows_the_stale_message(client, world, session):
    client.force_login(world.commune_clerk)
    client.post(reverse("training:invite", args=[session.pk]), {"version": 1})
    before = training_state()

    response = client.post(reverse("training:invite", args=[session.pk]), {"version": 1})

    assert response.status_code == 400
    assert "changed by someone else" in response.content.decode()
    assert training_state() == before


def test_uploading_through_the_page(client, world, session, media_root):
    client.force_login(world.commune_clerk)

    response = client.post(
        reverse("training:add_material", args=[session.pk]), {"file": upload("b.pdf", pdf_bytes())}
    )

    assert response.status_code == 302
    assert TrainingMaterial.objects.get().original_name == "b.pdf"
    assert len(stored_files(media_root)) == 1


def test_a_renamed_text_file_is_refused_by_the_page_with_a_message(
    client, world, session, media_root
):
    client.force_login(world.commune_clerk)
    before = training_state()

    response = client.post(
        reverse("training:add_material", args=[session.pk]),
        {"file": upload("virus.pdf", b"not a pdf at all")},
    )

    assert response.status_code == 400
    assert "Only PDF or Word (.docx) files can be uploaded" in response.content.decode()
    assert training_state() == before
    assert stored_files(media_root) == []


def test_an_oversize_upload_is_refused_by_the_page(client, world, session, media_root, settings):
    settings.TRAINING_MAX_UPLOAD_MB = 1
    client.force_login(world.commune_clerk)

    response = client.post(
        reverse("training:add_material", args=[session.pk]),
        {"file": upload("big.pdf", pdf_bytes(2 * 1024 * 1024))},
    )

    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()
    assert not TrainingMaterial.objects.exists()
    assert stored_files(media_root) == []


def test_an_invitee_sees_the_session_but_not_the_other_invitees(client, world, invited):
    client.force_login(world.secretary_a1)

    body = client.get(reverse("training:detail", args=[invited.pk])).content.decode()

    assert invited.topic in body
    assert "a.pdf" in body
    assert "chibo2" not in body
    assert reverse("training:invite", args=[invited.pk]) not in body


def test_the_menu_offers_training_to_role_holders_only(client, world):
    client.force_login(world.secretary_a1)
    assert reverse("training:index") in client.get(reverse("accounts:home")).content.decode()

    client.force_login(world.stranger)
    assert reverse("training:index") not in client.get(reverse("accounts:home")).content.decode()
