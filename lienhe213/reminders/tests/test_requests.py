"""Comment requests: reminders before the campaign's deadline, escalation after it."""

import datetime

from lienhe213.comments.models import CommentRequest
from lienhe213.comments.tests.conftest import DEADLINE, request_at
from lienhe213.meetings.tests.conftest import held_meeting
from lienhe213.reminders.models import Notification
from lienhe213.reminders.tests.conftest import NOW, notified, reminder_state, run


def _met_recently(world, request, on):
    # Keep the meeting reminders out of the way.
    held_meeting(world, on - datetime.timedelta(days=30), {request.member: "present"})


def test_a_request_due_within_a_week_reminds_the_cell_and_the_commune(world):
    request = request_at(world, "requested")
    on = DEADLINE - datetime.timedelta(days=5)
    _met_recently(world, request, on)

    run(on)

    assert notified(world) == {"chibo2": ["request_due"], "xa": ["request_due"]}
    notification = Notification.objects.get(user=world.commune_clerk)
    assert notification.key == f"request_due:{request.pk}:{DEADLINE.isoformat()}"
    assert notification.target_url() == f"/comments/request/{request.pk}/"
    assert notification.message() == (
        f"The comment on {request.member.full_name} is due by 15/12/2025."
    )


def test_a_signed_request_reminds_only_the_commune(world):
    request = request_at(world, "signed")
    on = DEADLINE - datetime.timedelta(days=5)
    _met_recently(world, request, on)

    run(on)

    assert notified(world) == {"xa": ["request_due"]}


def test_a_returned_request_reminds_nobody(world):
    request = request_at(world, "returned")
    on = DEADLINE - datetime.timedelta(days=5)
    _met_recently(world, request, on)

    run(on)

    assert Notification.objects.count() == 0


def test_a_late_request_is_escalated_once_to_the_commune_and_province(world):
    request = request_at(world, "drafted")
    on = DEADLINE + datetime.timedelta(days=1)
    _met_recently(world, request, on)

    first = run(on)
    before = reminder_state()
    second = run(on)

    assert "requests=1" in first
    assert "requests=0" in second
    assert reminder_state() == before
    assert CommentRequest.objects.get().escalated_at == NOW
    assert notified(world) == {"tinh": ["request_overdue"], "xa": ["request_overdue"]}
    assert not Notification.objects.filter(user=world.other_clerk).exists()
