"""Training sessions for the demo (ADR 0015): over the last two years, each year the
province trains the commune clerks, the demo commune its cell secretaries and the demo
workplace committee the members it introduced that year; the past sessions are held
with attendance, and the demo commune has one coming up, its invitations sent.

Written in bulk like the rest of the demo (no audit row or notification of their own:
the seed's one import event covers them), the invitees computed by the same rule as
``training.services.invite``; deterministic for a seed and a day. The demo's staff
accounts hold their roles from the first of those years, so the reports count them.
"""

import datetime
import random

from django.utils import timezone

from lienhe213.accounts.models import RoleAssignment
from lienhe213.organizations.models import Organization
from lienhe213.training.models import Audience, Invitation, TrainingSession
from lienhe213.training.queries import STAFF_ROLES, audience_users

# (organizer, audience, month, first day, topic, place, online link)
SESSIONS = (
    (
        "province",
        Audience.COMMUNE_CLERKS,
        3,
        10,
        "Nghiệp vụ theo dõi đảng viên đang công tác nơi cư trú (Quy định 213)",
        "Hội trường Tỉnh ủy",
        "",
    ),
    (
        "commune",
        Audience.CELL_SECRETARIES,
        5,
        6,
        "Sinh hoạt chi bộ với đảng viên đang công tác và nhận xét hằng năm",
        "Hội trường Đảng ủy",
        "",
    ),
    (
        "workplace",
        Audience.NEWLY_INTRODUCED,
        10,
        12,
        "Trách nhiệm của đảng viên đối với chi bộ và nhân dân nơi cư trú",
        "",
        "https://hop.example.vn/quy-dinh-213",
    ),
)
UPCOMING_TOPIC = "Cập nhật sổ theo dõi và phiếu nhận xét cuối năm"
# Of the invitees, about this share attends a held session.
ATTENDANCE = 0.8


def write_training(
    *,
    seed: int,
    today: datetime.date,
    province_id: int,
    commune_id: int,
    workplace_id: int,
) -> int:
    """The training sessions written (with their invitations)."""
    rng = random.Random(seed * 4099 + 15)
    organizers = {
        "province": Organization.objects.get(pk=province_id),
        "commune": Organization.objects.get(pk=commune_id),
        "workplace": Organization.objects.get(pk=workplace_id),
    }
    first_year = today.year - 1
    since = timezone.make_aware(datetime.datetime(first_year, 1, 2, 8, 0))
    RoleAssignment.objects.filter(role__in=STAFF_ROLES).update(granted_at=since)
    planned: list[tuple[TrainingSession, list[int]]] = []
    for year in (first_year, today.year):
        for key, audience, month, day, topic, place, link in SESSIONS:
            date = datetime.date(year, month, day + rng.randrange(10))
            organizer = organizers[key]
            invitees = sorted(audience_users(organizer, audience, year))
            if date > today or not invitees:
                continue
            planned.append(
                (
                    TrainingSession(
                        organizer=organizer,
                        topic=topic,
                        date=date,
                        starts_at=datetime.time(8, 0),
                        place=place,
                        online_link=link,
                        audience=audience,
                        state=TrainingSession.State.HELD,
                    ),
                    invitees,
                )
            )
    upcoming = today + datetime.timedelta(days=14)
    planned.append(
        (
            TrainingSession(
                organizer=organizers["commune"],
                topic=UPCOMING_TOPIC,
                date=upcoming,
                starts_at=datetime.time(14, 0),
                place="Hội trường Đảng ủy",
                audience=Audience.CELL_SECRETARIES,
            ),
            sorted(audience_users(organizers["commune"], Audience.CELL_SECRETARIES, upcoming.year)),
        )
    )
    sessions = TrainingSession.objects.bulk_create([session for session, _users in planned])
    invitations: list[Invitation] = []
    for session, (_planned, users) in zip(sessions, planned, strict=True):
        invited_at = timezone.make_aware(
            datetime.datetime.combine(
                min(session.date, today) - datetime.timedelta(days=10), datetime.time(9, 0)
            )
        )
        held = session.state == TrainingSession.State.HELD
        for user_id in users:
            attended = rng.random() < ATTENDANCE if held else None
            invitations.append(
                Invitation(
                    session=session, user_id=user_id, attended=attended, invited_at=invited_at
                )
            )
    TrainingSession.objects.filter(pk__in=[s.pk for s in sessions]).update(
        invited_at=timezone.now()
    )
    Invitation.objects.bulk_create(invitations)
    return len(sessions)
