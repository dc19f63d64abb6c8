"""Background tasks of the reminders, run by ``manage.py db_worker`` (ADR 0006)."""

import datetime

from django_tasks import task

from lienhe213.reminders import services


@task()
def send_daily_digest(user_id: int, day: str) -> int:
    """Send one user the digest for ``day`` (ISO date); returns how many notifications it
    carried (0: nothing to send, or the day's digest was already sent)."""
    digest = services.send_digest(user_id=user_id, day=datetime.date.fromisoformat(day))
    return digest.count if digest else 0
