"""The reminder command: what it notifies, to whom, and that a second run does nothing."""

import datetime
import io

from django.core import mail
from django.core.management import call_command

from lienhe213.accounts.access import Capability
from lienhe213.accounts.models import RoleAssignment
from lienhe213.meetings.tests.conftest import held_meeting, linked, plan
from lienhe213.notices.models import Notice
from lienhe213.notices.tests.conftest import send
from lienhe213.reminders.models import Digest, Kind, Notification
from lienhe213.reminders.queries import users_with_capability_over
from lienhe213.reminders.tests.conftest import NOW, notified, reminder_state, run

DAY = datetime.date(2025, 6, 2)


def test_a_cell_that_never_met_is_overdue_for_its_secretary_and_the_commune(emails):
    world = emails
    linked(world)

    output = run(DAY)

    assert notified(world) == {"chibo2": ["meeting_overdue"], "xa": ["meeting_overdue"]}
    notification = Notification.objects.get(user=world.secretary_a2)
    assert notification.key == f"meeting_overdue:{world.cell_a2.pk}:never"
    assert notification.object_id == world.cell_a2.pk
    assert notification.target_url() == f"/meetings/cell/{world.cell_a2.pk}/"
    assert notification.message() == (
        "Chi bộ tổ 2 has never held a meeting with its linked members."
    )
    assert "meeting_overdue=2" in output
    assert "digests enqueued: 1" in output


def test_a_cell_without_a_secretary_is_not_passed_up_to_the_province(emails):
    world = emails
    linked(world)
    RoleAssignment.objects.filter(user=world.secretary_a2).delete()

    run(DAY)

    # The commune hears of the overdue cell; the province and the administrator, who
    # could act on every cell, get no routine reminder.
    assert notified(world) == {"xa": ["meeting_overdue"]}


def test_running_twice_sends_nothing_twice(emails, frozen_clock):
    world = emails
    linked(world)
    run(DAY)
    before = reminder_state()
    frozen_clock.shift(datetime.timedelta(minutes=5))

    output = run(DAY)

    assert reminder_state() == before
    assert before[2] == 1
    assert "meeting_overdue=0" in output
    assert "digests enqueued: 0" in output


def test_a_second_run_at_the_same_instant_counts_only_what_it_inserted(emails):
    world = emails
    linked(world)
    first = run(DAY)
    before = reminder_state()

    second = run(DAY)

    assert "meeting_overdue=2" in first
    assert reminder_state() == before
    assert Notification.objects.filter(kind=Kind.MEETING_OVERDUE).count() == 2
    assert "meeting_overdue=0" in second


def test_a_run_counts_its_own_rows_beside_older_ones_of_the_same_instant(emails):
    world = emails
    linked(world)
    run(DAY)
    Notification.objects.filter(user=world.commune_clerk).delete()

    output = run(DAY)

    # Only the clerk's notification was inserted again; the secretary's stays from the
    # first run, with the same timestamp, and is not counted twice.
    assert "meeting_overdue=1" in output
    assert notified(world) == {"chibo2": ["meeting_overdue"], "xa": ["meeting_overdue"]}


def test_the_digest_lists_the_notifications_with_links_and_marks_them(emails):
    world = emails
    linked(world)

    run(DAY)

    (message,) = mail.outbox
    assert message.to == ["chibo2@example.org"]
    assert message.subject.startswith("Liên hệ 213: ")
    assert f"http://localhost:8000/meetings/cell/{world.cell_a2.pk}/" in message.body
    assert "Chi bộ tổ 2" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="http://localhost:8000/meetings/cell/{world.cell_a2.pk}/"' in html
    digest = Digest.objects.get()
    assert (digest.user, digest.day, digest.count) == (world.secretary_a2, DAY, 1)
    assert (digest.created_at, digest.sent_at) == (NOW, NOW)
    assert Notification.objects.get(user=world.secretary_a2).digested_at == NOW


def test_a_user_without_email_is_notified_in_the_app_only(emails):
    world = emails
    linked(world)

    run(DAY)

    assert Notification.objects.filter(user=world.commune_clerk).count() == 1
    assert [m.to for m in mail.outbox] == [["chibo2@example.org"]]
    assert not Digest.objects.filter(user=world.commune_clerk).exists()
    assert Notification.objects.get(user=world.commune_clerk).digested_at is None


def test_the_next_day_sends_a_digest_only_when_something_is_new(emails):
    world = emails
    link = linked(world)
    run(DAY)

    run(DAY + datetime.timedelta(days=1))

    assert len(mail.outbox) == 1
    meeting = plan(world, day=DAY + datetime.timedelta(days=4))
    assert meeting.attendances.get().member == link.member

    run(DAY + datetime.timedelta(days=2))

    assert [m.to for m in mail.outbox] == [["chibo2@example.org"], ["dangvien@example.org"]]
    assert list(Digest.objects.order_by("day").values_list("user__username", "day", "count")) == [
        ("chibo2", DAY, 1),
        ("dangvien", DAY + datetime.timedelta(days=2), 1),
    ]
    invitation = Notification.objects.get(user=world.member_user)
    assert invitation.kind == Kind.MEETING_INVITATION
    assert invitation.target_url() == f"/meetings/{meeting.pk}/"


def test_never_an_empty_digest(emails):
    world = emails

    output = run(DAY)

    assert Notification.objects.count() == 0
    assert Digest.objects.count() == 0
    assert mail.outbox == []
    assert "digests enqueued: 0" in output
    assert world.secretary_a2.email


def test_a_meeting_five_months_ago_is_due_and_a_new_reminder_after_the_next(world):
    link = linked(world)
    held_meeting(world, datetime.date(2025, 1, 10), {link.member: "present"})

    run(datetime.date(2025, 6, 20))

    assert notified(world) == {"chibo2": ["meeting_due"]}
    assert Notification.objects.get().key == f"meeting_due:{world.cell_a2.pk}:2025-01-10"

    run(datetime.date(2025, 7, 20))

    assert notified(world) == {
        "chibo2": ["meeting_due", "meeting_overdue"],
        "xa": ["meeting_overdue"],
    }


def test_a_planned_meeting_silences_the_due_reminder(world):
    link = linked(world)
    held_meeting(world, datetime.date(2025, 1, 10), {link.member: "present"})
    plan(world, day=datetime.date(2025, 6, 30))

    run(datetime.date(2025, 6, 20))

    assert Notification.objects.count() == 0


def test_an_overdue_notice_is_escalated_once_and_told_to_the_recipient_and_province(emails):
    world = emails
    link = linked(world)
    notice = send(world, link)  # a violation from cell A2 to the workplace
    after_due = notice.response_due + datetime.timedelta(days=1)
    held_meeting(world, after_due - datetime.timedelta(days=30), {link.member: "present"})

    first = run(after_due)
    before = reminder_state()
    second = run(after_due)

    assert "escalated: notices=1" in first
    assert "escalated: notices=0" in second
    assert reminder_state() == before
    assert Notice.objects.get().escalated_at == NOW
    assert notified(world) == {"coquan": ["notice_overdue"], "tinh": ["notice_overdue"]}
    assert Notification.objects.filter(kind="notice_overdue").first().message() == (
        f"The notice “Violation at the residence” about {link.member.full_name} was not "
        f"answered by {notice.response_due:%d/%m/%Y}; it is escalated."
    )


def test_a_notice_answer_due_soon_reminds_the_recipient(world):
    link = linked(world)
    notice = send(world, link)
    held_meeting(world, notice.response_due - datetime.timedelta(days=30), {link.member: "present"})

    run(notice.response_due - datetime.timedelta(days=2))

    assert notified(world) == {"coquan": ["notice_due"]}


def test_recipients_are_scoped_to_the_commune(emails):
    world = emails
    linked(world)

    run(DAY)

    assert not Notification.objects.filter(user=world.other_clerk).exists()
    assert set(users_with_capability_over(world.cell_a2, Capability.RECEIVE_LETTERS)) == {
        world.commune_clerk,
        world.provincial_officer,
    }
    assert set(users_with_capability_over(world.cell_b1, Capability.RECEIVE_LETTERS)) == {
        world.other_clerk,
        world.provincial_officer,
    }


def test_without_a_day_the_digests_wait_for_the_digest_hour(emails, settings):
    linked(emails)
    settings.DIGEST_HOUR = 24  # never reached: a run before the hour

    early = io.StringIO()
    call_command("run_due", stdout=early)

    assert Notification.objects.count() == 2
    assert mail.outbox == []
    assert "digests enqueued: 0" in early.getvalue()

    settings.DIGEST_HOUR = 0
    call_command("run_due", stdout=io.StringIO())

    assert [m.to for m in mail.outbox] == [["chibo2@example.org"]]
    assert Digest.objects.get().day == datetime.date(2026, 1, 15)
