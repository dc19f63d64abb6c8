"""The demo's training sessions (ADR 0015): both years held with attendance, one coming
up with its invitations, counted in the demo commune's report; deterministic."""

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command

from lienhe213.accounts.models import User
from lienhe213.demo.training_writer import write_training
from lienhe213.organizations.models import Organization
from lienhe213.reports.indicators import Period, compute
from lienhe213.training.models import Invitation, TrainingSession

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def seeded(db: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from lienhe213.demo.loader import build_preset

    build_preset("small", seed=213, today=TODAY)


def _rows() -> list[tuple[Any, ...]]:
    return [
        (
            s.organizer.name,
            s.topic,
            s.date,
            s.state,
            sorted((i.user.username, i.attended) for i in s.invitations.all()),
        )
        for s in TrainingSession.objects.select_related("organizer").order_by("date", "topic")
    ]


def test_the_demo_has_held_sessions_over_two_years_and_one_to_come(seeded: None) -> None:
    rows = _rows()
    years = {date.year for _org, _topic, date, state, _inv in rows if state == "held"}

    assert years == {2025, 2026}
    upcoming = [row for row in rows if row[3] == "planned"]
    assert [(row[2], row[4]) for row in upcoming] == [
        (TODAY + datetime.timedelta(days=14), [("chibo", None)])
    ]
    held = [row for row in rows if row[3] == "held"]
    assert all(inv and all(att is not None for _u, att in inv) for *_r, inv in held)
    assert Invitation.objects.filter(attended=True).exists()


def test_the_demo_communes_report_counts_its_trained_staff(seeded: None) -> None:
    clerk = User.objects.get(username="xa")
    commune = clerk.role_assignments.get().organization
    trained = set(
        Invitation.objects.filter(
            attended=True, session__state="held", session__date__year=2026
        ).values_list("user__username", flat=True)
    )

    report = compute(user=clerk, organization=commune, period=Period.for_year(2026), today=TODAY)

    assert report.figures["staff_to_train"] == 2  # the demo clerk and the demo secretary
    assert report.figures["staff_trained"] == len(trained & {"xa", "chibo"})


def test_the_demo_sessions_are_deterministic(seeded: None) -> None:
    first = _rows()
    province = Organization.objects.get(parent__isnull=True)
    commune = User.objects.get(username="xa").role_assignments.get().organization
    workplace = User.objects.get(username="coquan").role_assignments.get().organization
    TrainingSession.objects.all().delete()

    write_training(
        seed=213,
        today=TODAY,
        province_id=province.pk,
        commune_id=commune.pk,
        workplace_id=workplace.pk,
    )

    assert _rows() == first


def test_the_seed_command_still_runs_with_training(db: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", preset="small", stdout=io.StringIO())

    assert TrainingSession.objects.filter(state="held").count() >= 2
