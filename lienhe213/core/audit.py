"""The audit trail: every service calls ``record`` inside its transaction."""

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.http import HttpResponse

from lienhe213.core import context
from lienhe213.core.models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields`` on ``obj``, JSON-ready (FKs as ids)."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def record(
    *,
    by: Any,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    scope_path: str = "",
    reason: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Write one audit row with the actor, the object, the changes and the request origin."""
    event = _event(
        by=by,
        action=action,
        obj=obj,
        changes=changes,
        scope_path=scope_path,
        reason=reason,
        object_repr=object_repr,
    )
    event.save()
    return event


def record_many(
    *,
    by: Any,
    action: str,
    entries: Iterable[tuple[models.Model, dict[str, Any]]],
    scope_path: str,
) -> None:
    """One audit row per ``(object, changes)`` entry, written in one INSERT (bulk steps
    such as issuing hundreds of letters at once)."""
    AuditEvent.objects.bulk_create(
        _event(by=by, action=action, obj=obj, changes=changes, scope_path=scope_path)
        for obj, changes in entries
    )


def _event(
    *,
    by: Any,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    scope_path: str = "",
    reason: str = "",
    object_repr: str = "",
) -> AuditEvent:
    ctx = context.current()
    is_user = by is not None and getattr(by, "pk", None) is not None
    return AuditEvent(
        actor=by if is_user else None,
        actor_name=(by.get_username() if is_user else "") or "system",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:255],
        changes=changes or {},
        reason=reason[:255],
        ip=ctx.ip,
        request_id=ctx.request_id,
        scope_path=scope_path,
    )


def mark_export(response: HttpResponse, *, title: str, rows: int) -> HttpResponse:
    """Label a download that carries personal data (a list exported to XLSX or PDF, the
    rejected rows of an import): the export audit (``accounts.middleware``) records who
    took which list, with which filters and how many rows."""
    response.exported = {"title": str(title)[:255], "rows": rows}  # type: ignore[attr-defined]
    return response
