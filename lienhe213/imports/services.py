"""Imports: upload → check (in the background) → preview → commit (in the background).

The pages, the API and ``manage.py import_records`` all call these functions. A check
reads the stored file again each time (after the user corrects the column mapping or
chooses a split commune), classifies every row and stores the rows with their outcome;
the commit writes the accepted rows of the last check in one transaction, or nothing
(ADR 0011).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser, Capability, has_capability
from lienhe213.core import audit, leases
from lienhe213.core.bulk import insert_rows
from lienhe213.core.errors import DomainError
from lienhe213.core.locking import check_version
from lienhe213.imports import columns, links, members, organizations, reading
from lienhe213.imports.models import ImportBatch, ImportRow
from lienhe213.imports.rows import OUTCOMES, REJECTED, RowReader, RowResult
from lienhe213.organizations.models import Organization

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 2_000  # rows between two progress updates


class Checker(Protocol):
    def clean(self, number: int, cells: list[reading.Cell]) -> RowResult: ...

    def check(self, rows: list[RowResult]) -> None: ...


@dataclass(frozen=True)
class Kind:
    """What one kind of file needs: its columns, the capability over the importing
    organization, which organizations may receive it, the row checker and the writer."""

    aliases: Mapping[str, list[str]]
    required: tuple[str, ...]
    capability: Capability
    accepts: Callable[[Organization], bool]
    checker: Callable[[ImportBatch, RowReader, Any], Checker]
    labels: Callable[[], dict[str, str]]
    write: Callable[[ImportBatch, list[dict[str, Any]], Any], None]


KINDS: dict[str, Kind] = {
    ImportBatch.Kind.MEMBERS: Kind(
        aliases=columns.MEMBER_COLUMNS,
        required=columns.MEMBER_REQUIRED,
        capability=Capability.EDIT_MEMBERS,
        accepts=lambda org: True,
        checker=members.MemberChecker,
        labels=members.field_labels,
        write=members.write,
    ),
    ImportBatch.Kind.ORGANIZATIONS: Kind(
        aliases=columns.ORGANIZATION_COLUMNS,
        required=columns.ORGANIZATION_REQUIRED,
        capability=Capability.MANAGE_ORGANIZATIONS,
        accepts=lambda org: org.kind != Organization.Kind.CELL,
        checker=organizations.OrganizationChecker,
        labels=organizations.field_labels,
        write=organizations.write,
    ),
    ImportBatch.Kind.LINKS: Kind(
        aliases=columns.LINK_COLUMNS,
        required=columns.LINK_REQUIRED,
        capability=Capability.RECEIVE_LETTERS,
        accepts=links.accepts,
        checker=links.LinkChecker,
        labels=links.field_labels,
        write=links.write,
    ),
}


def may_import(user: AnyUser, kind: str, organization: Organization) -> bool:
    """Whether ``user`` may import a file of ``kind`` into ``organization``."""
    spec = KINDS.get(kind)
    return (
        spec is not None
        and has_capability(user, Capability.IMPORT_RECORDS, organization.path)
        and has_capability(user, spec.capability, organization.path)
    )


def _require_may_import(by: AnyUser, kind: str, organization: Organization) -> Kind:
    if kind not in KINDS:
        raise DomainError(_("Choose what the file holds."), field="kind")
    if not may_import(by, kind, organization):
        raise DomainError(
            _("You may not import this kind of file into “%(org)s”.") % {"org": organization.name},
            field="organization",
        )
    if not organization.is_current:
        raise DomainError(_("This organization no longer exists."), field="organization")
    spec = KINDS[kind]
    if not spec.accepts(organization):
        raise DomainError(
            _("A file of this kind cannot be imported into “%(org)s”.")
            % {"org": organization.name},
            field="organization",
        )
    return spec


def _user(by: AnyUser) -> Any:
    return by if getattr(by, "pk", None) is not None else None


def _lock_organization(organization: Organization) -> Organization:
    """The organization's row, locked: imports into one organization take turns."""
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _require_idle(organization: Organization, *, besides: int | None = None) -> None:
    running = ImportBatch.objects.running().filter(organization=organization)
    if besides is not None:
        running = running.exclude(pk=besides)
    if running.exists():
        raise DomainError(
            _(
                "Another import into “%(org)s” is running. Wait until it has finished, "
                "then try again."
            )
            % {"org": organization.name}
        )


def require_file_size(size: int) -> None:
    """An empty file, or one over the limit, is refused before it is read."""
    if not size:
        raise DomainError(_("The file is empty."), field="file")
    if size > reading.MAX_BYTES:
        raise DomainError(
            _("The file is larger than %(size)d MB.") % {"size": reading.MAX_BYTES // 2**20},
            field="file",
        )


@transaction.atomic
def start_import(
    *,
    by: AnyUser,
    kind: str,
    organization: Organization,
    file_name: str,
    content: bytes,
    all_or_nothing: bool = False,
    background: bool = True,
) -> ImportBatch:
    """Store an uploaded file and queue its check (``background=False``: the caller runs
    ``run_check`` itself, as the command does). Refused when the user may not import
    this kind of file there, when the file is empty or too large, or while another
    import into the same organization is running."""
    organization = _lock_organization(organization)
    _require_may_import(by, kind, organization)
    require_file_size(len(content))
    _require_idle(organization)
    batch = ImportBatch.objects.create(
        kind=kind,
        organization=organization,
        file_name=file_name[:255],
        checksum=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        all_or_nothing=all_or_nothing,
        language=translation.get_language() or "vi",
        created_by=_user(by),
    )
    if background:
        _queue_check(batch)
    return batch


def _queue_check(batch: ImportBatch) -> None:
    from lienhe213.imports.tasks import check_import

    transaction.on_commit(lambda: check_import.enqueue(batch_id=batch.pk))


def _require_ready(batch: ImportBatch, version: int | None) -> None:
    check_version(batch, version, what="import")
    if batch.status not in (ImportBatch.Status.READY, ImportBatch.Status.FAILED):
        raise DomainError(_("This import cannot be changed any more."))


def _lock_batch(by: AnyUser, batch: ImportBatch) -> ImportBatch:
    locked = ImportBatch.objects.select_for_update().select_related("organization").get(pk=batch.pk)
    _require_may_import(by, locked.kind, locked.organization)
    return locked


@transaction.atomic
def set_mapping(
    *, by: AnyUser, batch: ImportBatch, mapping: Mapping[int, str], version: int | None = None
) -> ImportBatch:
    """Correct which column goes to which field, then check the file again."""
    batch = _lock_batch(by, batch)
    _require_ready(batch, version)
    if not batch.labels:
        raise DomainError(_("The file has no header row to map."))
    known = set(KINDS[batch.kind].aliases)
    cleaned: dict[str, str] = {}
    for index, field in mapping.items():
        if not field:
            continue
        if field not in known or not 0 <= int(index) < len(batch.labels):
            raise DomainError(_("Choose a field of the list for each column."), field="mapping")
        if field in cleaned.values():
            raise DomainError(_("Two columns are mapped to the same field."), field="mapping")
        cleaned[str(int(index))] = field
    missing = [f for f in KINDS[batch.kind].required if f not in cleaned.values()]
    if missing:
        raise DomainError(
            _("The file needs a column for: %(fields)s.")
            % {"fields": ", ".join(KINDS[batch.kind].labels().get(f, f) for f in missing)},
            field="mapping",
        )
    return _recheck(by, batch, mapping=cleaned)


@transaction.atomic
def choose_communes(
    *, by: AnyUser, batch: ImportBatch, choices: Mapping[str, str], version: int | None = None
) -> ImportBatch:
    """Record which 2025 commune an old, split commune's rows go to, then check again."""
    batch = _lock_batch(by, batch)
    _require_ready(batch, version)
    merged = {**batch.choices, **{k: v for k, v in choices.items() if v}}
    return _recheck(by, batch, choices=merged)


def _recheck(by: AnyUser, batch: ImportBatch, **changes: Any) -> ImportBatch:
    for name, value in changes.items():
        setattr(batch, name, value)
    batch.status = ImportBatch.Status.VALIDATING
    batch.done = 0
    batch.error = ""
    batch.version += 1
    batch.save(update_fields=[*changes, "status", "done", "error", "version"])
    audit.record(
        by=by, action="update", obj=batch, changes=changes, scope_path=batch.organization.path
    )
    _queue_check(batch)
    return batch


def run_check(*, batch_id: int) -> ImportBatch:
    """Read the stored file, classify every row and store the rows with their outcome.
    A file that cannot be read ends the import as failed with the reason."""
    batch = ImportBatch.objects.select_related("organization", "created_by").get(pk=batch_id)
    if batch.status != ImportBatch.Status.VALIDATING:
        return batch
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now())
    with translation.override(batch.language):
        try:
            _check(batch)
        except reading.ReadError as err:
            _fail(batch, str(err.message))
        except Exception:
            logger.exception("import %s: check failed", batch.pk)
            _fail(batch, _("The file could not be checked. Nothing was imported."))
            raise
    batch.refresh_from_db()
    return batch


def _fail(batch: ImportBatch, message: str) -> None:
    ImportRow.objects.filter(batch=batch).delete()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED, error=message, finished_at=timezone.now()
    )


def read_table(batch: ImportBatch) -> tuple[reading.Header, list[tuple[int, list[reading.Cell]]]]:
    """The stored file's header and data rows, through the batch's mapping when the user
    corrected it."""
    spec = KINDS[batch.kind]
    table = reading.read_rows(bytes(batch.content), batch.file_name)
    header = reading.find_header(table, spec.aliases, spec.required)
    if batch.mapping:
        header.mapping = {int(index): field for index, field in batch.mapping.items()}
    return header, list(reading.data_rows(table, header))


def _check(batch: ImportBatch) -> None:
    spec = KINDS[batch.kind]
    header, data = read_table(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(
        total=len(data),
        header_row=header.row_index + 1,
        labels=header.labels,
        mapping={str(i): f for i, f in header.mapping.items()},
    )
    reader = RowReader(header.mapping, header.labels, spec.labels())
    checker = spec.checker(batch, reader, timezone.localdate())
    rows: list[RowResult] = []
    for done, (number, cells) in enumerate(data, start=1):
        rows.append(checker.clean(number, cells))
        if done % PROGRESS_EVERY == 0:
            ImportBatch.objects.filter(pk=batch.pk).update(done=done, heartbeat_at=timezone.now())
    checker.check(rows)
    counts = {outcome: 0 for outcome in OUTCOMES}
    for row in rows:
        counts[row.outcome] += 1
    counts["rows"] = len(rows)
    pending = getattr(getattr(checker, "communes", None), "pending", {})
    with transaction.atomic():
        ImportRow.objects.filter(batch=batch).delete()
        insert_rows(
            ImportRow,
            (
                {
                    "batch_id": batch.pk,
                    "number": row.number,
                    "outcome": row.outcome,
                    "cells": row.cells,
                    "values": row.values,
                    "changes": row.changes,
                    "reasons": row.reasons,
                    "target_id": row.target_id,
                }
                for row in rows
            ),
            keys=[
                "batch_id",
                "number",
                "outcome",
                "cells",
                "values",
                "changes",
                "reasons",
                "target_id",
            ],
        )
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.READY,
            done=len(rows),
            counts={**counts, "choose": {k: list(v) for k, v in pending.items()}},
        )


@transaction.atomic
def commit_import(
    *, by: AnyUser, batch: ImportBatch, version: int | None = None, background: bool = True
) -> ImportBatch:
    """Queue the writing of the accepted rows of the last check (``background=False``:
    the caller runs ``run_commit``). With "all or nothing", a single rejected row
    refuses the commit."""
    batch = _lock_batch(by, batch)
    if batch.status != ImportBatch.Status.READY:
        raise DomainError(_("Only a checked import can be committed."))
    _require_ready(batch, version)
    if batch.all_or_nothing and batch.count(REJECTED):
        raise DomainError(
            _(
                "“All or nothing” was chosen and %(count)d rows are rejected: correct them "
                "and import the file again."
            )
            % {"count": batch.count(REJECTED)}
        )
    if not batch.count("new") and not batch.count("update"):
        raise DomainError(_("Nothing to import: no row is new or changes a record."))
    _lock_organization(batch.organization)
    _require_idle(batch.organization, besides=batch.pk)
    batch.status = ImportBatch.Status.COMMITTING
    batch.done = 0
    batch.error = ""
    batch.version += 1
    batch.save(update_fields=["status", "done", "error", "version"])
    if background:
        from lienhe213.imports.tasks import commit_import as commit_task

        transaction.on_commit(lambda: commit_task.enqueue(batch_id=batch.pk))
    return batch


def run_commit(*, batch_id: int) -> ImportBatch:
    """Write the accepted rows in one transaction, with one audit event for the import.
    When a record changed since the check, nothing is written and the file is checked
    again, so that the preview shows the rows as they now stand."""
    batch = ImportBatch.objects.select_related("organization", "created_by").get(pk=batch_id)
    if batch.status != ImportBatch.Status.COMMITTING:
        return batch
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now())
    spec = KINDS[batch.kind]
    today = timezone.localdate()
    with translation.override(batch.language):
        try:
            with transaction.atomic():
                _lock_organization(batch.organization)
                accepted: list[dict[str, Any]] = [
                    dict(row)
                    for row in ImportRow.objects.filter(batch=batch, outcome__in=["new", "update"])
                    .order_by("number")
                    .values("number", "outcome", "values", "changes", "target_id")
                ]
                spec.write(batch, accepted, today)
                audit.record(
                    by=batch.created_by,
                    action="import",
                    obj=batch,
                    changes={
                        "kind": batch.kind,
                        "file_name": batch.file_name,
                        "checksum": batch.checksum,
                        "counts": {k: v for k, v in batch.counts.items() if k != "choose"},
                    },
                    scope_path=batch.organization.path,
                )
                ImportBatch.objects.filter(pk=batch.pk).update(
                    status=ImportBatch.Status.DONE,
                    done=len(accepted),
                    content=b"",
                    finished_at=timezone.now(),
                )
        except (members.StaleRecord, IntegrityError, DomainError) as err:
            message = str(err) if isinstance(err, DomainError) else ""
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.Status.VALIDATING,
                done=0,
                error=message
                or _(
                    "Records changed since the check, so nothing was imported. The file is "
                    "being checked again: look at the preview, then import it."
                ),
            )
            transaction.on_commit(lambda: _queue_again(batch.pk))
        except DatabaseError:
            logger.exception("import %s: commit failed", batch.pk)
            _fail(batch, _("The import failed. Nothing was written."))
            raise
    batch.refresh_from_db()
    return batch


def _queue_again(batch_id: int) -> None:
    from lienhe213.imports.tasks import check_import

    check_import.enqueue(batch_id=batch_id)


def fail_abandoned_imports() -> int:
    """Fail the imports being checked or committed whose worker stopped (no heartbeat
    for a lease). A commit runs in one transaction, so nothing of it was written; the
    file is kept, and "check again" on the page starts over."""
    abandoned = list(ImportBatch.objects.abandoned().values_list("pk", flat=True))
    ImportBatch.objects.filter(pk__in=abandoned).update(
        status=ImportBatch.Status.FAILED,
        error=_("The worker stopped before the import was finished; nothing was written."),
        finished_at=timezone.now(),
    )
    for task in ("check_import", "commit_import"):
        leases.fail_task_rows(f"lienhe213.imports.tasks.{task}", abandoned)
    return len(abandoned)
