"""The real path: run_due enqueues the digests on the database queue, and the worker
sends them."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from lienhe213.meetings.tests.conftest import linked
from lienhe213.reminders.models import Digest
from lienhe213.reminders.tests.conftest import DATABASE, NOW, run

DAY = datetime.date(2025, 6, 2)


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_digests_enqueued_on_the_database(emails, settings):
    settings.TASKS = DATABASE
    linked(emails)

    run(DAY)
    run(DAY)  # the worker has not run yet: nothing more is queued

    assert mail.outbox == []
    (queued,) = DBTaskResult.objects.all()
    assert queued.status == "READY"
    assert queued.task_path == "lienhe213.reminders.tasks.send_daily_digest"

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert [m.to for m in mail.outbox] == [["chibo2@example.org"]]
    assert list(Digest.objects.values_list("user__username", "day", "count")) == [
        ("chibo2", DAY, 1)
    ]


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_gives_the_claim_back(emails, settings, monkeypatch):
    settings.TASKS = DATABASE
    linked(emails)
    run(DAY)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert DBTaskResult.objects.get().status == "FAILED"
    assert Digest.objects.count() == 0
    monkeypatch.undo()
    settings.TASKS = DATABASE

    run(DAY)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert [m.to for m in mail.outbox] == [["chibo2@example.org"]]
    assert Digest.objects.get().sent_at == NOW
