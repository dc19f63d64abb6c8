"""The digest service on its own: twice the same day, and a claim a dead worker left."""

import datetime

from django.core import mail

from lienhe213.meetings.tests.conftest import linked
from lienhe213.reminders import services
from lienhe213.reminders.models import Digest, Notification
from lienhe213.reminders.tests.conftest import NOW, run

DAY = datetime.date(2025, 6, 2)


def test_a_second_digest_the_same_day_sends_nothing(emails):
    world = emails
    linked(world)
    run(DAY, "--no-digests")

    first = services.send_digest(user_id=world.secretary_a2.pk, day=DAY)
    Notification.objects.filter(user=world.secretary_a2).update(digested_at=None)
    second = services.send_digest(user_id=world.secretary_a2.pk, day=DAY)

    assert first == Digest.objects.get()
    assert (first.day, first.count, first.sent_at) == (DAY, 1, NOW)
    assert second is None
    assert len(mail.outbox) == 1
    assert Digest.objects.count() == 1


def test_a_claim_never_sent_is_released_after_half_an_hour(emails):
    world = emails
    linked(world)
    run(DAY, "--no-digests")
    claimed_at = NOW - datetime.timedelta(minutes=31)
    Digest.objects.create(user=world.secretary_a2, day=DAY, count=1, created_at=claimed_at)
    Notification.objects.filter(user=world.secretary_a2).update(digested_at=claimed_at)

    released = services.release_stale_claims()
    run(DAY)

    assert released == 1
    assert [m.to for m in mail.outbox] == [["chibo2@example.org"]]
    digest = Digest.objects.get()
    assert (digest.created_at, digest.sent_at) == (NOW, NOW)


def test_a_fresh_claim_is_left_alone(emails):
    world = emails
    linked(world)
    run(DAY, "--no-digests")
    Digest.objects.create(user=world.secretary_a2, day=DAY, count=1)

    assert services.release_stale_claims() == 0
    assert Digest.objects.get().sent_at is None
