"""Background work whose worker died: a batch (letters, an import) records a heartbeat
each time it saves its progress; one that says it is running but has not beaten for
longer than the lease was abandoned (the worker was killed or the machine restarted).
``run_due`` fails such work visibly and ``check_book`` reports it, so nothing stays
"running, 3 %" forever."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone


def lease() -> datetime.timedelta:
    """How long a running batch may go without a heartbeat (``LIENHE213_TASK_LEASE``)."""
    return datetime.timedelta(minutes=settings.TASK_LEASE_MINUTES)


def expired_before(now: datetime.datetime | None = None) -> datetime.datetime:
    """Heartbeats older than this moment belong to abandoned work."""
    return (now or timezone.now()) - lease()


def fail_task_rows(task_path: str, batch_ids: Iterable[int]) -> int:
    """Mark the queue's rows of the abandoned batches failed, so that the queue tells
    the same story as the batch (the database backend never learns its worker died)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    ids = set(batch_ids)
    if not ids:
        return 0
    rows = [
        row.pk
        for row in DBTaskResult.objects.filter(
            task_path=task_path, status=TaskResultStatus.RUNNING
        ).only("pk", "args_kwargs")
        if (row.args_kwargs or {}).get("kwargs", {}).get("batch_id") in ids
    ]
    return DBTaskResult.objects.filter(pk__in=rows).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        traceback="abandoned: the worker stopped",
    )
