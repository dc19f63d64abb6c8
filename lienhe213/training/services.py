"""Every write of training sessions.

The organizer plans a session (``plan_session``), invites its audience
(``invite``: each invitee is told through ``reminders.handoffs``), records attendance in
one form once the day has come (``record_attendance``: the session is then held) or
cancels it (``cancel_session``: the invitees are told), and shares materials
(``add_material`` / ``remove_material``: PDF or DOCX, checked by content, size-limited).
Each step checks the actor, locks the session, asks it whether the step is allowed and
writes one audit row, in one transaction; a refusal raises ``DomainError`` (or
``StepRefused``) and changes nothing (ADR 0015).
"""

import datetime
import unicodedata
import zipfile
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.core.locking import check_version
from lienhe213.organizations.models import Organization
from lienhe213.reminders import handoffs
from lienhe213.training import access
from lienhe213.training.models import (
    Audience,
    Invitation,
    TrainingMaterial,
    TrainingSession,
)
from lienhe213.training.queries import audience_users

State = TrainingSession.State
MAX_TOPIC = 200
MAX_PLACE = 200
MAX_LINK = 500
PDF_MAGIC = b"%PDF-"
DOCX_PART = "word/document.xml"
SESSION_FIELDS = ("topic", "date", "place", "online_link", "audience", "state")


def _user(by: AnyUser | None) -> Any:
    return by if getattr(by, "pk", None) is not None else None


def _text(value: str, *, field: str, limit: int, required: bool) -> str:
    text = unicodedata.normalize("NFC", value or "").strip()
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise DomainError(_("Write plain text only."), field=field)
    if len(text) > limit:
        raise DomainError(_("Write at most %(limit)s characters.") % {"limit": limit}, field=field)
    if required and not text:
        raise DomainError(_("This field is required."), field=field)
    return text


def clean_link(value: str) -> str:
    """An online link: an http or https address, or "" for none."""
    link = (value or "").strip()
    if not link:
        return ""
    if len(link) > MAX_LINK:
        raise DomainError(
            _("Write at most %(limit)s characters.") % {"limit": MAX_LINK}, field="online_link"
        )
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError as exc:
        raise DomainError(
            _("Enter a web address starting with http:// or https://."), field="online_link"
        ) from exc
    return link


def _locked(session: TrainingSession, version: int | None) -> TrainingSession:
    locked = (
        TrainingSession.objects.select_for_update().select_related("organizer").get(pk=session.pk)
    )
    check_version(locked, version, what="record")
    return locked


def _bump(session: TrainingSession, *fields: str) -> None:
    session.version += 1
    session.save(update_fields=[*fields, "version"])


def _params(session: TrainingSession) -> dict[str, Any]:
    return {
        "topic": session.topic,
        "organizer": session.organizer.name,
        "on": session.date.isoformat(),
        "place": session.place or session.online_link,
    }


# --- planning --------------------------------------------------------------------------


@transaction.atomic
def plan_session(
    *,
    by: AnyUser,
    organizer: Organization,
    topic: str,
    date: datetime.date,
    audience: str,
    place: str = "",
    online_link: str = "",
    starts_at: datetime.time | None = None,
    today: datetime.date | None = None,
) -> TrainingSession:
    """Plan a session of ``organizer`` (the provincial committee, a commune committee or
    a workplace committee, for the people who plan there) on ``date``, today or later,
    at a place or an online link (http/https) or both, for ``audience``."""
    if not access.is_organizer_kind(organizer):
        raise DomainError(
            _(
                "Sessions are organized by the provincial committee, a commune committee or a "
                "workplace committee."
            ),
            field="organizer",
        )
    access.require_organizing(by, organizer)
    topic = _text(topic, field="topic", limit=MAX_TOPIC, required=True)
    place = _text(place, field="place", limit=MAX_PLACE, required=False)
    online_link = clean_link(online_link)
    if audience not in Audience.values:
        raise DomainError(_("Choose who the session is for."), field="audience")
    today = today or timezone.localdate()
    if date < today:
        raise DomainError(_("A session is planned for today or a later day."), field="date")
    if not place and not online_link:
        raise DomainError(_("Give the place, the online link, or both."), field="place")
    session = TrainingSession.objects.create(
        organizer=organizer,
        topic=topic,
        date=date,
        starts_at=starts_at,
        place=place,
        online_link=online_link,
        audience=audience,
        created_by=_user(by),
    )
    audit.record(
        by=by,
        action="create",
        obj=session,
        scope_path=organizer.path,
        changes={
            **audit.snapshot(session, SESSION_FIELDS),
            "starts_at": starts_at.isoformat() if starts_at else None,
        },
    )
    return session


@transaction.atomic
def invite(*, by: AnyUser, session: TrainingSession, version: int | None = None) -> int:
    """Invite the people the session's audience names now (``audience_users``) and tell
    each of them; returns how many were newly invited. Inviting again adds only those
    who joined the audience since; a session that is held or cancelled invites nobody."""
    access.require_organizing(by, session.organizer)
    session = _locked(session, version)
    if not session.can_invite():
        raise DomainError(_("Only a planned session invites people."))
    users = set(audience_users(session.organizer, session.audience, session.date.year))
    already = set(session.invitations.values_list("user_id", flat=True))
    new = sorted(users - already)
    if not users:
        raise DomainError(_("Nobody with an account matches the session's audience yet."))
    now = timezone.now()
    Invitation.objects.bulk_create(
        [Invitation(session=session, user_id=user_id, invited_at=now) for user_id in new],
        ignore_conflicts=True,
    )
    session.invited_at = now
    _bump(session, "invited_at")
    handoffs.notify_users(
        kind=handoffs.Kind.TRAINING_INVITED,
        key=f"{handoffs.Kind.TRAINING_INVITED}:{session.pk}",
        object_id=session.pk,
        params=_params(session),
        users=new,
        by=by,
    )
    audit.record(
        by=by,
        action="update",
        obj=session,
        scope_path=session.organizer.path,
        changes={"invited": [len(already), len(already) + len(new)]},
    )
    return len(new)


@transaction.atomic
def record_attendance(
    *,
    by: AnyUser,
    session: TrainingSession,
    attended: Iterable[int],
    version: int | None = None,
    today: datetime.date | None = None,
) -> TrainingSession:
    """Record, in one step, who of the invitees attended (``attended``: their user ids;
    everyone else did not); the session is then held. Only on or after its day, for a
    session that has invitees and is not cancelled; an id that is not an invitee's is
    refused (a forged form)."""
    access.require_organizing(by, session.organizer)
    session = _locked(session, version)
    today = today or timezone.localdate()
    if session.state == State.CANCELLED:
        raise DomainError(_("A cancelled session has no attendance."))
    if session.date > today:
        raise DomainError(_("Attendance is recorded on or after the day of the session."))
    invitations = list(session.invitations.select_for_update().order_by("pk"))
    if not invitations:
        raise DomainError(_("Invite the audience before recording attendance."))
    present = {int(user_id) for user_id in attended}
    invitees = {invitation.user_id for invitation in invitations}
    if not present <= invitees:
        raise DomainError(_("Mark only people invited to this session."), field="attended")
    changed = [inv for inv in invitations if inv.attended != (inv.user_id in present)]
    for invitation in changed:
        invitation.attended = invitation.user_id in present
    Invitation.objects.bulk_update(changed, ["attended"])
    before = session.state
    session.state = State.HELD
    session.recorded_at = timezone.now()
    _bump(session, "state", "recorded_at")
    audit.record(
        by=by,
        action="update",
        obj=session,
        scope_path=session.organizer.path,
        changes={"state": [before, session.state], "attended": [None, len(present)]},
    )
    return session


@transaction.atomic
def cancel_session(
    *, by: AnyUser, session: TrainingSession, version: int | None = None
) -> TrainingSession:
    """Cancel a planned session and tell its invitees."""
    access.require_organizing(by, session.organizer)
    session = _locked(session, version)
    if not session.can_cancel():
        raise DomainError(_("Only a planned session can be cancelled."))
    session.state = State.CANCELLED
    session.cancelled_at = timezone.now()
    _bump(session, "state", "cancelled_at")
    handoffs.notify_users(
        kind=handoffs.Kind.TRAINING_CANCELLED,
        key=f"{handoffs.Kind.TRAINING_CANCELLED}:{session.pk}",
        object_id=session.pk,
        params=_params(session),
        users=list(session.invitations.values_list("user_id", flat=True)),
        by=by,
    )
    audit.record(
        by=by,
        action="update",
        obj=session,
        scope_path=session.organizer.path,
        changes={"state": [State.PLANNED, State.CANCELLED]},
    )
    return session


# --- materials -------------------------------------------------------------------------


def max_upload_bytes() -> int:
    return int(settings.TRAINING_MAX_UPLOAD_MB) * 1024 * 1024


def detect_type(stream: IO[bytes]) -> str | None:
    """``"pdf"`` for a file that starts as a PDF does, ``"docx"`` for a ZIP holding a
    Word document's main part, ``None`` for anything else (whatever its name says)."""
    stream.seek(0)
    head = stream.read(len(PDF_MAGIC))
    stream.seek(0)
    if head == PDF_MAGIC:
        return TrainingMaterial.FileType.PDF
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        stream.seek(0)
    if DOCX_PART in names and "[Content_Types].xml" in names:
        return TrainingMaterial.FileType.DOCX
    return None


def check_upload(upload: UploadedFile) -> str:
    """The type of an acceptable upload; refused when it is empty, larger than
    ``TRAINING_MAX_UPLOAD_MB``, not a PDF or DOCX by its content, or named otherwise
    than it is (a PDF named ``.docx``, a text file named ``.pdf``)."""
    size = upload.size or 0
    if size == 0:
        raise DomainError(_("The file is empty."), field="file")
    if size > max_upload_bytes():
        raise DomainError(
            _("The file is larger than %(limit)s MB. Upload a smaller file.")
            % {"limit": settings.TRAINING_MAX_UPLOAD_MB},
            field="file",
        )
    name = (upload.name or "").lower()
    kind = detect_type(upload.file) if upload.file is not None else None
    if kind is None or not name.endswith(f".{kind}"):
        raise DomainError(
            _("Only PDF or Word (.docx) files can be uploaded, and the file must be one."),
            field="file",
        )
    return kind


def _original_name(upload: UploadedFile) -> str:
    name = unicodedata.normalize("NFC", (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if unicodedata.category(c) != "Cc").strip()
    return name[-200:] or "file"


@transaction.atomic
def add_material(
    *, by: AnyUser, session: TrainingSession, upload: UploadedFile
) -> TrainingMaterial:
    """Share a PDF or DOCX with the session's invitees (``check_upload``), stored through
    Django's storage under a random name; nothing is stored when it is refused."""
    access.require_organizing(by, session.organizer)
    session = _locked(session, None)
    if not session.can_change_materials():
        raise DomainError(_("A cancelled session takes no materials."))
    kind = check_upload(upload)
    material = TrainingMaterial(
        session=session,
        original_name=_original_name(upload),
        size=upload.size or 0,
        file_type=kind,
        uploaded_by=_user(by),
    )
    material.file.save(material.original_name, upload, save=False)
    stored = material.file.name
    storage = material.file.storage
    try:
        material.save()
        audit.record(
            by=by,
            action="create",
            obj=material,
            scope_path=session.organizer.path,
            changes={"name": material.original_name, "size": material.size},
        )
    except Exception:
        storage.delete(stored)  # the row was not written: the file goes too
        raise
    return material


@transaction.atomic
def remove_material(*, by: AnyUser, material: TrainingMaterial) -> None:
    """Remove a material: its row now, its file once the removal has committed."""
    session = material.session
    access.require_organizing(by, session.organizer)
    _locked(session, None)
    name, storage = material.file.name, material.file.storage
    audit.record(
        by=by,
        action="delete",
        obj=material,
        scope_path=session.organizer.path,
        changes={"name": material.original_name},
    )
    material.delete()
    transaction.on_commit(lambda: storage.delete(name))
