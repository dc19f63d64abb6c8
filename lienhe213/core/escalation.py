"""Escalation: a row left past its deadline is stamped ``escalated_at`` once and the
stamp audited, so that ``run_due`` tells the people above. Shared by the comment
requests, the notices and the residents' reports, which each find their own overdue
rows and name the organization whose scope the audit row belongs to."""

from collections.abc import Callable, Sequence
from typing import Any

from django.utils import timezone

from lienhe213.core import audit


def stamp_escalated(rows: Sequence[Any], *, scope_path: Callable[[Any], str]) -> None:
    """Stamp every row of ``rows`` (read and locked by the caller) as escalated now, with
    an audit row each. The version is left alone: escalation changes nothing a person is
    editing."""
    now = timezone.now()
    for row in rows:
        row.escalated_at = now
        row.save(update_fields=["escalated_at"])
        audit.record(
            by=None,
            action="update",
            obj=row,
            scope_path=scope_path(row),
            changes={"event": "escalated", "escalated_at": [None, now.isoformat()]},
        )
