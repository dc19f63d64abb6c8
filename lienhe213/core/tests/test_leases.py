"""Background work whose worker was killed: a batch still "running" with no heartbeat
for longer than the lease is failed visibly by run_due, its queue row too, and
check_book reports it until then."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lienhe213.documents.models import DocumentBatch
from lienhe213.imports import services as import_services
from lienhe213.imports.models import ImportBatch
from lienhe213.imports.tests.helpers import xlsx
from lienhe213.reminders.services import run_due

LETTERS = "lienhe213.documents.tasks.render_letter_batch"


def _queue_row(task_path, batch_id):
    now = timezone.now()
    return DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [], "kwargs": {"batch_id": batch_id}},
        task_path=task_path,
        queue_name="default",
        backend_name="default",
        run_after=now,
        started_at=now,
        priority=0,
        exception_class_path="",
        traceback="",
    )


def _running_batch(world, minutes_ago):
    return DocumentBatch.objects.create(
        issuer=world.workplace,
        link_ids=[],
        total=1500,
        done=50,
        status="running",
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


def test_a_batch_abandoned_by_its_worker_is_reported_then_failed(world):
    killed = _running_batch(world, minutes_ago=11)
    alive = _running_batch(world, minutes_ago=1)
    killed_row, alive_row = _queue_row(LETTERS, killed.pk), _queue_row(LETTERS, alive.pk)
    out = io.StringIO()

    call_command("check_book", stdout=out)
    summary = run_due(on=timezone.localdate(), digests=False)

    assert f"abandoned letter batches: 1 ({killed.pk})" in out.getvalue()
    assert summary.abandoned == 1
    killed.refresh_from_db()
    alive.refresh_from_db()
    assert (killed.status, alive.status) == ("failed", "running")
    assert killed.error == "The worker stopped before the batch was finished. Start it again."
    killed_row.refresh_from_db()
    alive_row.refresh_from_db()
    assert (killed_row.status, alive_row.status) == ("FAILED", "RUNNING")
    out = io.StringIO()
    call_command("check_book", stdout=out)
    assert "abandoned letter batches: 0" in out.getvalue()


def test_an_import_abandoned_while_checking_fails_and_can_be_checked_again(world):
    batch = import_services.start_import(
        by=world.commune_clerk,
        kind="members",
        organization=world.commune_a_committee,
        file_name="ds.xlsx",
        content=xlsx([["Họ và tên", "Ngày sinh"], ["Trần Văn An", "01/01/1980"]]),
        background=False,
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=30),
        labels=["Họ và tên", "Ngày sinh"],
    )

    run_due(on=timezone.localdate(), digests=False)

    batch.refresh_from_db()
    assert batch.status == "failed"
    assert "nothing was written" in batch.error
    import_services.set_mapping(
        by=world.commune_clerk, batch=batch, mapping={0: "full_name", 1: "birth_date"}
    )
    assert import_services.run_check(batch_id=batch.pk).status == "ready"
