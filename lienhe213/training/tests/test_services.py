"""One test per rule of the training services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from lienhe213.accounts.models import RoleAssignment
from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent
from lienhe213.reminders.models import Notification
from lienhe213.training import services
from lienhe213.training.models import Invitation, TrainingSession
from lienhe213.training.tests.conftest import plan, training_state

TODAY = timezone.localdate


def _held_day(session):
    return session.date + datetime.timedelta(days=1)


def test_a_commune_clerk_plans_a_session_of_the_commune(world):
    session = plan(world, online_link="https://meet.example.org/213")

    assert (session.organizer, session.state, session.version) == (
        world.commune_a_committee,
        "planned",
        1,
    )
    assert session.online_link == "https://meet.example.org/213"
    event = AuditEvent.objects.get(object_type="training.trainingsession")
    assert event.action == "create"
    assert event.changes["topic"] == "Quy định 213 cho bí thư chi bộ"


@pytest.mark.parametrize(
    ("who", "organizer"),
    [
        ("other_clerk", "commune_a_committee"),
        ("secretary_a1", "commune_a_committee"),
        ("workplace_officer", "commune_a_committee"),
        ("commune_clerk", "province"),
        ("member_user", "workplace"),
    ],
)
def test_only_the_organizer_side_plans(world, who, organizer):
    before = training_state()

    with pytest.raises(PermissionDenied):
        plan(world, by=getattr(world, who), organizer=getattr(world, organizer))

    assert training_state() == before


def test_the_province_and_a_workplace_committee_plan_too(world):
    province = plan(world, by=world.provincial_officer, organizer=world.province)
    workplace = plan(world, by=world.workplace_officer, organizer=world.workplace)

    assert [province.organizer_id, workplace.organizer_id] == [
        world.province.pk,
        world.workplace.pk,
    ]


def test_a_cell_does_not_organize_sessions(world):
    with pytest.raises(DomainError) as err:
        plan(world, by=world.provincial_officer, organizer=world.cell_a1)

    assert err.value.field == "organizer"
    assert not TrainingSession.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"online_link": "javascript:alert(1)"}, "online_link"),
        ({"online_link": "ftp://example.org/x"}, "online_link"),
        ({"place": "", "online_link": ""}, "place"),
        ({"topic": "  "}, "topic"),
        ({"topic": "x" * 201}, "topic"),
        ({"audience": "everyone"}, "audience"),
        ({"day": "past"}, "date"),
    ],
)
def test_bad_input_is_refused_on_its_field(world, extra, field):
    if extra.get("day") == "past":
        extra = {"day": TODAY() - datetime.timedelta(days=1)}

    with pytest.raises(DomainError) as err:
        plan(world, **extra)

    assert err.value.field == field
    assert not TrainingSession.objects.exists()
    assert not AuditEvent.objects.filter(object_type="training.trainingsession").exists()


def test_inviting_names_the_secretaries_of_the_subtree_and_tells_each(world, session):
    invited = services.invite(by=world.commune_clerk, session=session, version=1)

    assert invited == 2
    users = set(Invitation.objects.values_list("user__username", flat=True))
    assert users == {"chibo1", "chibo2"}
    notes = Notification.objects.order_by("user__username")
    assert [(n.user.username, n.kind, n.object_id) for n in notes] == [
        ("chibo1", "training_invited", session.pk),
        ("chibo2", "training_invited", session.pk),
    ]
    assert "Quy định 213 cho bí thư chi bộ" in notes[0].message()
    assert notes[0].target_url() == f"/training/{session.pk}/"
    session.refresh_from_db()
    assert session.version == 2


def test_the_province_invites_the_commune_clerks_of_the_whole_province(world):
    session = plan(
        world, by=world.provincial_officer, organizer=world.province, audience="commune_clerks"
    )

    services.invite(by=world.provincial_officer, session=session)

    assert set(session.invitations.values_list("user__username", flat=True)) == {"xa", "xa_b"}


def test_newly_appointed_means_granted_in_the_sessions_year(world):
    RoleAssignment.objects.filter(user=world.secretary_a2).update(
        granted_at=timezone.now() - datetime.timedelta(days=800)
    )
    session = plan(world, audience="newly_appointed")

    services.invite(by=world.commune_clerk, session=session)

    # the clerk, appointed this year, is invited too, but not told of their own step
    assert set(session.invitations.values_list("user__username", flat=True)) == {"chibo1", "xa"}
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"chibo1"}


def test_newly_introduced_means_a_letter_issued_in_the_sessions_year(world):
    from lienhe213.registry.models import ResidenceLink
    from lienhe213.registry.tests.conftest import link_at

    link = link_at(world, "active")  # member W1 (account "dangvien"), linked to cell A2
    session = plan(world, audience="newly_introduced")
    ResidenceLink.objects.filter(pk=link.pk).update(issued_on=session.date)

    services.invite(by=world.commune_clerk, session=session)

    assert list(session.invitations.values_list("user__username", flat=True)) == ["dangvien"]


def test_a_letter_of_another_year_does_not_make_a_newcomer(world):
    from lienhe213.registry.models import ResidenceLink
    from lienhe213.registry.tests.conftest import link_at

    link = link_at(world, "active")
    session = plan(world, audience="newly_introduced")
    ResidenceLink.objects.filter(pk=link.pk).update(
        issued_on=session.date.replace(year=session.date.year - 1)
    )
    before = training_state()

    with pytest.raises(DomainError, match="Nobody"):
        services.invite(by=world.commune_clerk, session=session, version=1)

    assert training_state() == before


def test_a_double_submitted_invitation_is_refused_as_stale(world, session):
    services.invite(by=world.commune_clerk, session=session, version=1)
    before = training_state()

    with pytest.raises(DomainError, match="changed by someone else"):
        services.invite(by=world.commune_clerk, session=session, version=1)

    assert training_state() == before


def test_inviting_again_adds_only_newcomers_and_tells_nobody_twice(world, session):
    from conftest import grant, make_user
    from lienhe213.accounts.models import Role

    services.invite(by=world.commune_clerk, session=session)
    newcomer = make_user("chibo3")
    grant(newcomer, world.cell_a1, Role.CELL_SECRETARY)

    added = services.invite(by=world.commune_clerk, session=session)

    assert added == 1
    assert session.invitations.count() == 3
    assert Notification.objects.filter(kind="training_invited").count() == 3


def test_another_commune_may_not_invite(world, session):
    before = training_state()

    with pytest.raises(PermissionDenied):
        services.invite(by=world.other_clerk, session=session)

    assert training_state() == before


def _invited(world):
    session = plan(world)
    services.invite(by=world.commune_clerk, session=session)
    session.refresh_from_db()
    return session


def test_attendance_is_recorded_in_one_step_and_the_session_is_held(world):
    session = _invited(world)

    services.record_attendance(
        by=world.commune_clerk,
        session=session,
        attended=[world.secretary_a1.pk],
        version=session.version,
        today=_held_day(session),
    )

    session.refresh_from_db()
    assert session.state == "held"
    assert dict(session.invitations.values_list("user__username", "attended")) == {
        "chibo1": True,
        "chibo2": False,
    }
    assert AuditEvent.objects.filter(
        object_type="training.trainingsession", action="update", changes__state=["planned", "held"]
    ).exists()


def test_attendance_before_the_day_is_refused(world):
    session = _invited(world)
    before = training_state()

    with pytest.raises(DomainError, match="on or after the day"):
        services.record_attendance(
            by=world.commune_clerk,
            session=session,
            attended=[world.secretary_a1.pk],
            today=session.date - datetime.timedelta(days=1),
        )

    assert training_state() == before


def test_attendance_of_someone_not_invited_is_refused(world):
    session = _invited(world)
    before = training_state()

    with pytest.raises(DomainError) as err:
        services.record_attendance(
            by=world.commune_clerk,
            session=session,
            attended=[world.secretary_a1.pk, world.other_clerk.pk],
            today=_held_day(session),
        )

    assert err.value.field == "attended"
    assert training_state() == before


def test_attendance_without_invitees_is_refused(world, session):
    before = training_state()

    with pytest.raises(DomainError, match="Invite"):
        services.record_attendance(
            by=world.commune_clerk, session=session, attended=[], today=_held_day(session)
        )

    assert training_state() == before


def test_a_stale_attendance_form_is_refused(world):
    session = _invited(world)
    shown = session.version
    services.record_attendance(
        by=world.commune_clerk,
        session=session,
        attended=[],
        version=shown,
        today=_held_day(session),
    )
    before = training_state()

    with pytest.raises(DomainError, match="changed by someone else"):
        services.record_attendance(
            by=world.commune_clerk,
            session=session,
            attended=[world.secretary_a1.pk],
            version=shown,
            today=_held_day(session),
        )

    assert training_state() == before


def test_cancelling_tells_the_invitees_and_is_final(world):
    session = _invited(world)

    services.cancel_session(by=world.commune_clerk, session=session, version=session.version)

    session.refresh_from_db()
    assert session.state == "cancelled"
    assert sorted(
        Notification.objects.filter(kind="training_cancelled").values_list(
            "user__username", flat=True
        )
    ) == ["chibo1", "chibo2"]
    before = training_state()
    for step in (
        lambda: services.cancel_session(by=world.commune_clerk, session=session),
        lambda: services.invite(by=world.commune_clerk, session=session),
        lambda: services.record_attendance(
            by=world.commune_clerk, session=session, attended=[], today=_held_day(session)
        ),
    ):
        with pytest.raises(DomainError):
            step()
    assert training_state() == before


def test_a_held_session_is_not_cancelled(world):
    session = _invited(world)
    services.record_attendance(
        by=world.commune_clerk, session=session, attended=[], today=_held_day(session)
    )
    before = training_state()

    with pytest.raises(DomainError, match="Only a planned session"):
        services.cancel_session(by=world.commune_clerk, session=session)

    assert training_state() == before
