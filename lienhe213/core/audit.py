"""The audit trail: every service calls ``record`` inside its transaction; the sealer
links the rows into a hash chain afterwards, and ``verify_chain`` checks it (ADR 0012)."""

import dataclasses
import datetime
import decimal
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, models, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

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


# The hash chain (ADR 0012) ------------------------------------------------------------

GENESIS = "0" * 64
"""The ``prev_hash`` of the first row ever sealed."""

CONTENT = (
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "reason",
    "ip",
    "request_id",
    "scope_path",
)
"""The columns a row's hash covers, with its ``seq``. A column added to ``AuditEvent``
later is covered only once a new hash format says how rows sealed before it hash."""

SEAL_CHUNK = 1000
"""Rows sealed per transaction: short enough not to hold SQLite's write lock for long."""

_LOCK_KEY = 213_0012
"""The PostgreSQL advisory lock that sealers and the expiry take in turn."""


def row_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """SHA-256 of ``prev_hash`` followed by the canonical JSON of the row's content and
    ``seq`` (keys sorted, the time in UTC to the microsecond)."""
    content = {name: row[name] for name in CONTENT}
    content["at"] = row["at"].astimezone(datetime.UTC).isoformat(timespec="microseconds")
    content["seq"] = row["seq"]
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def _lock() -> None:
    """Take the sealer's lock until the end of the current transaction.

    On SQLite the transaction itself is the lock: the settings begin every transaction
    IMMEDIATE, which takes the database's write lock. On PostgreSQL an advisory lock
    serialises sealers without touching the rows the services insert; at READ COMMITTED
    (the default) every statement after it sees what the previous sealer committed.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("the audit sealer's lock needs a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _chain_end() -> tuple[int, str] | None:
    """The ``seq`` and hash of the last sealed row, if any."""
    last = AuditEvent.objects.sealed().order_by("-seq").values_list("seq", "row_hash").first()
    if last is None:
        return None
    seq, hash_ = last
    assert seq is not None
    return seq, hash_


def _seal_chunk(limit: int, *, after: tuple[int, str] = (0, GENESIS)) -> int:
    """Seal up to ``limit`` pending rows after the last sealed one, or after ``after``
    when none is left (an expiry that deleted every sealed row)."""
    seq, prev_hash = _chain_end() or after
    rows = AuditEvent.objects.unsealed().order_by("id").values("id", *CONTENT)[:limit]
    seals: list[tuple[int, int, str, str]] = []
    for row in rows:
        seq += 1
        hash_ = row_hash(prev_hash, {**row, "seq": seq})
        seals.append((row["id"], seq, prev_hash, hash_))
        prev_hash = hash_
    AuditEvent.objects.all()._write_seals(seals)
    return len(seals)


def seal_audit(*, chunk: int = SEAL_CHUNK) -> int:
    """Link the rows written since the last run into the hash chain, in the order of
    their ids, and return how many.

    Services insert audit rows without reading anything (a chain link per insert would
    serialise every write of the application on one row); this runs from ``run_due`` and
    ``verify_audit`` instead, ``chunk`` rows per transaction under the sealer's lock, so
    that two runs at once seal each row once and in one order.
    """
    sealed = 0
    while True:
        with transaction.atomic():
            _lock()
            done = _seal_chunk(chunk)
        sealed += done
        if done < chunk:
            return sealed


def expire_audit_before(cutoff: datetime.datetime) -> int:
    """Delete the audit rows written before ``cutoff`` and return how many (the
    retention period's purge, the only way rows leave the trail).

    Only a prefix of the chain goes, so that what remains is still one chain: the sealed
    rows before the first one written at or after ``cutoff`` (an old row sealed after a
    newer one, its transaction having committed late, waits for the next purge). The
    last deleted row's ``seq`` and hash go into an ``expire`` event, which ``verify_chain``
    trusts as the start of what remains.
    """
    if timezone.is_naive(cutoff):
        raise ValueError("the cutoff must be an aware datetime")
    with transaction.atomic():
        _lock()
        while _seal_chunk(SEAL_CHUNK):
            pass
        sealed = AuditEvent.objects.sealed()
        first_kept = sealed.filter(at__gte=cutoff).order_by("seq").values_list("seq").first()
        older = sealed.filter(at__lt=cutoff)
        if first_kept is not None:
            older = older.filter(seq__lt=first_kept[0])
        last = older.order_by("-seq").values_list("seq", "row_hash").first()
        if last is None:
            return 0
        last_seq, last_hash = last
        assert last_seq is not None
        deleted = AuditEvent.objects.all()._purge_through(last_seq)
        record(
            by=None,
            action=AuditEvent.Action.EXPIRE,
            changes={
                "before": cutoff.isoformat(),
                "deleted": deleted,
                "last_seq": last_seq,
                "last_hash": last_hash,
            },
        )
        # The event continues the chain even when nothing else is left of it, and stays
        # its start until the next expiry writes the next one.
        _seal_chunk(SEAL_CHUNK, after=(last_seq, last_hash))
    return deleted


@dataclasses.dataclass(frozen=True)
class ChainCheck:
    """What ``verify_chain`` found: the rows it walked and, if the chain is broken, the
    first ``seq`` at fault and why (``missing``, ``changed`` or ``link``)."""

    rows: int
    first_seq: int | None = None
    last_seq: int | None = None
    head: str = ""
    broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None

    def message(self) -> str:
        """One line for the operator, in the active language."""
        values = {"seq": self.broken_seq, "rows": self.rows, "head": self.head}
        if self.problem == "start":
            return (
                _(
                    "seq %(seq)s: the rows before it are missing and no expiry event "
                    "accounts for them"
                )
                % values
            )
        if self.problem == "missing":
            return _("seq %(seq)s: the row is missing (deleted)") % values
        if self.problem == "changed":
            return _("seq %(seq)s: the row's content does not match its hash (changed)") % values
        if self.problem == "link":
            return (
                _(
                    "seq %(seq)s: its previous hash is not the hash of the row before it "
                    "(rows reordered, or a row before it changed)"
                )
                % values
            )
        if not self.rows:
            return _("The audit chain is empty.")
        return _(
            "The audit chain is intact: %(rows)s rows, seq %(first)s to %(last)s, last hash "
            "%(head)s."
        ) % {**values, "first": self.first_seq, "last": self.last_seq}


def _anchors() -> dict[int, str]:
    """``{last deleted seq: its hash}`` from the ``expire`` events still in the trail."""
    anchors: dict[int, str] = {}
    for changes in (
        AuditEvent.objects.sealed()
        .filter(action=AuditEvent.Action.EXPIRE)
        .values_list("changes", flat=True)
    ):
        if isinstance(changes, dict) and "last_seq" in changes:
            anchors[int(changes["last_seq"])] = str(changes.get("last_hash", ""))
    return anchors


def _walk(chunk: int) -> ChainCheck:
    sealed = AuditEvent.objects.sealed().order_by("seq")
    first = sealed.values_list("seq", "prev_hash").first()
    if first is None:
        return ChainCheck(rows=0)
    first_seq, expected_prev = first
    assert first_seq is not None
    start = GENESIS if first_seq == 1 else _anchors().get(first_seq - 1)
    if start != expected_prev:
        return ChainCheck(rows=0, first_seq=first_seq, broken_seq=first_seq, problem="start")
    rows, last_seq = 0, first_seq - 1
    columns = ("seq", "prev_hash", "row_hash", *CONTENT)
    while True:
        batch = list(sealed.filter(seq__gt=last_seq).values(*columns)[:chunk])
        for row in batch:
            if row["seq"] != last_seq + 1:
                problem, broken_seq = "missing", last_seq + 1
            elif row["prev_hash"] != expected_prev:
                problem, broken_seq = "link", row["seq"]
            elif row_hash(row["prev_hash"], row) != row["row_hash"]:
                problem, broken_seq = "changed", row["seq"]
            else:
                rows, last_seq, expected_prev = rows + 1, row["seq"], row["row_hash"]
                continue
            return ChainCheck(rows, first_seq, broken_seq=broken_seq, problem=problem)
        if len(batch) < chunk:
            return ChainCheck(rows, first_seq, last_seq, head=expected_prev)


def verify_chain(*, chunk: int = 2000) -> ChainCheck:
    """Seal what is pending, then walk the chain in ``seq`` order, ``chunk`` rows at a
    time, recomputing every hash: the first row missing, changed or out of place breaks
    it. Reads without the sealer's lock (a long walk must not block writers on SQLite);
    if an expiry removed rows under the walk, it walks once more."""
    seal_audit()
    check = _walk(chunk)
    if not check.ok and check.problem in {"missing", "start"}:
        start = AuditEvent.objects.sealed().order_by("seq").values_list("seq", flat=True).first()
        if start is not None and start != check.first_seq:
            check = _walk(chunk)
    return check
