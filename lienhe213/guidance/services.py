"""Every write of the guidance: loading the official texts, publishing a new wording,
a province's note, dismissing the newcomer walkthrough. Each runs in a transaction,
locks what it changes and is audited (ADR 0012, ADR 0016)."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.accounts.models import User
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.core.locking import check_version
from lienhe213.guidance import access
from lienhe213.guidance.models import (
    GuidanceEntry,
    GuidanceVersion,
    ProvinceNote,
    WalkthroughDismissal,
)
from lienhe213.guidance.queries import search_text
from lienhe213.guidance.texts import OFFICIAL_TEXTS, OfficialText
from lienhe213.organizations.models import Organization

MAX_SUMMARY = 600
MAX_TEXT = 20000
MAX_NOTE = 4000


def _user(by: AnyUser | None) -> User | None:
    """The account to name as author (None for the loader or an anonymous caller)."""
    return by if isinstance(by, User) else None


@dataclass
class LoadResult:
    created: int = 0
    revised: int = 0
    unchanged: int = 0


def _add_version(
    entry: GuidanceEntry,
    *,
    summary: str,
    text: str,
    confirmed: bool,
    by: AnyUser | None,
    reason: str,
) -> GuidanceVersion:
    """A new wording of ``entry`` that becomes its current one; the older stay."""
    last = entry.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = GuidanceVersion.objects.create(
        entry=entry,
        number=last + 1,
        summary=summary,
        text=text,
        confirmed=confirmed,
        valid_from=timezone.now(),
        created_by=_user(by),
        reason=reason,
    )
    entry.current_version = version
    entry.search_folded = search_text(entry.title, entry.source, summary, text)
    return version


def _load_one(official: OfficialText, order: int, result: LoadResult) -> None:
    entry = GuidanceEntry.objects.select_for_update().filter(key=official.key).first()
    wording = (official.summary, official.text, official.confirmed)
    if entry is None:
        entry = GuidanceEntry.objects.create(
            key=official.key,
            step=official.step,
            title=official.title,
            source=official.source,
            order=order,
        )
        _add_version(
            entry,
            summary=official.summary,
            text=official.text,
            confirmed=official.confirmed,
            by=None,
            reason="",
        )
        entry.save()
        audit.record(by=None, action="create", obj=entry, changes={"key": official.key})
        result.created += 1
        return
    current = entry.current_version
    labels = (entry.step, entry.title, entry.source, entry.order)
    changed_labels = labels != (official.step, official.title, official.source, order)
    # A wording an administrator published stays: the loader only updates its own.
    stale = current is None or (
        current.created_by_id is None
        and (current.summary, current.text, current.confirmed) != wording
    )
    if not changed_labels and not stale:
        result.unchanged += 1
        return
    entry.step, entry.title, entry.source, entry.order = (
        official.step,
        official.title,
        official.source,
        order,
    )
    if stale:
        _add_version(
            entry,
            summary=official.summary,
            text=official.text,
            confirmed=official.confirmed,
            by=None,
            reason="",
        )
        entry.version += 1
    elif current is not None:
        entry.search_folded = search_text(entry.title, entry.source, current.summary, current.text)
    entry.save()
    audit.record(by=None, action="update", obj=entry, changes={"key": official.key})
    result.revised += 1


def load_guidance() -> LoadResult:
    """Load the official texts (``guidance.texts``) as guidance entries. Idempotent:
    a second run changes nothing; a text changed in ``guidance.texts`` becomes a new
    version of the entry, unless an administrator has published a wording of it."""
    result = LoadResult()
    with transaction.atomic():
        for order, official in enumerate(OFFICIAL_TEXTS, start=1):
            _load_one(official, order * 10, result)
    return result


def revise_entry(
    *,
    by: AnyUser,
    entry: GuidanceEntry,
    summary: str,
    text: str,
    confirmed: bool,
    reason: str,
    version: int | None = None,
) -> GuidanceVersion:
    """Publish a new wording of an official entry (an administrator's step, e.g. once
    a reconstruction was checked against the official copy). The earlier wording is
    kept; the page that showed an older revision is refused (optimistic locking)."""
    access.require_reviser(by)
    summary, text, reason = summary.strip(), text.strip(), reason.strip()
    if not summary or not text:
        raise DomainError(_("Write both the short text and the full text."), field="text")
    if len(summary) > MAX_SUMMARY or len(text) > MAX_TEXT:
        raise DomainError(_("The text is too long."), field="text")
    if not reason:
        raise DomainError(_("Say why the wording changes."), field="reason")
    with transaction.atomic():
        locked = GuidanceEntry.objects.select_for_update().get(pk=entry.pk)
        check_version(locked, version, what="entry")
        current = locked.current_version
        if current is not None and (current.summary, current.text, current.confirmed) == (
            summary,
            text,
            confirmed,
        ):
            raise DomainError(_("The wording is the same as the current one."), field="text")
        new = _add_version(
            locked, summary=summary, text=text, confirmed=confirmed, by=by, reason=reason
        )
        locked.version += 1
        locked.save()
        audit.record(
            by=by,
            action="update",
            obj=locked,
            changes={"wording": [current.number if current else None, new.number]},
            reason=reason,
        )
    entry.refresh_from_db()
    return new


def save_province_note(
    *,
    by: AnyUser,
    entry: GuidanceEntry,
    province: Organization,
    text: str,
    version: int | None = None,
) -> ProvinceNote | None:
    """Write (or clear, with an empty text) ``province``'s note under ``entry``: a
    provincial officer's step for their own province. ``version`` is the note's
    version the page showed (0 when it showed no note); a note changed meanwhile is
    refused. Returns the note, or None when it was cleared."""
    access.require_note_editor(by, province)
    text = text.strip()
    if len(text) > MAX_NOTE:
        raise DomainError(_("The note is too long."), field="text")
    with transaction.atomic():
        note = (
            ProvinceNote.objects.select_for_update().filter(entry=entry, province=province).first()
        )
        if note is None:
            if version not in (None, 0):
                raise DomainError(
                    _("This record was changed by someone else meanwhile. Reload it and try again.")
                )
            if not text:
                raise DomainError(_("Write the note."), field="text")
            try:
                with transaction.atomic():
                    note = ProvinceNote.objects.create(
                        entry=entry,
                        province=province,
                        text=text,
                        author=_user(by),
                        updated_at=timezone.now(),
                    )
            except IntegrityError as err:  # written by someone else at the same moment
                raise DomainError(
                    _("This record was changed by someone else meanwhile. Reload it and try again.")
                ) from err
            audit.record(
                by=by,
                action="create",
                obj=note,
                scope_path=province.path,
                changes={"text": [None, text]},
            )
            return note
        check_version(note, version, what="record")
        if not text:
            audit.record(
                by=by,
                action="delete",
                obj=note,
                scope_path=province.path,
                changes={"text": [note.text, None]},
            )
            note.delete()
            return None
        if text == note.text:
            raise DomainError(_("The note is the same as before."), field="text")
        before = note.text
        note.text = text
        note.author = _user(by)
        note.updated_at = timezone.now()
        note.version += 1
        note.save()
        audit.record(
            by=by,
            action="update",
            obj=note,
            scope_path=province.path,
            changes={"text": [before, text]},
        )
        return note


def dismiss_walkthrough(*, by: AnyUser, role: str) -> WalkthroughDismissal:
    """Close the newcomer checklist of ``role`` for ``by``: only a committee role they
    hold; dismissing twice is the same as once (a double submit changes nothing)."""
    if role not in access.walkthrough_roles(by):
        raise DomainError(_("You hold no such role."), field="role")
    with transaction.atomic():
        dismissal, created = WalkthroughDismissal.objects.get_or_create(user=by, role=role)
        if created:
            audit.record(by=by, action="update", obj=dismissal, changes={"walkthrough": role})
    return dismissal
