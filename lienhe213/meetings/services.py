"""Every write of residence meetings: plan, record attendance, opinions and follow-ups,
mark held, cancel. Each runs in one transaction, locks the meeting it changes, checks
``version`` when given (a stale form is refused, not silently applied), and writes one
audit row scoped to the cell."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.core.locking import check_version
from lienhe213.meetings.access import require_meetings_of
from lienhe213.meetings.models import Attendance, FollowUp, Meeting, Opinion
from lienhe213.meetings.queries import forget_meeting_flags
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import Category, ResidenceLink
from lienhe213.reports import summaries


def _user(by: AnyUser) -> Any:
    return by if getattr(by, "pk", None) is not None else None


def _lock(meeting: Meeting, by: AnyUser, version: int | None) -> Meeting:
    """The stored meeting, locked until the transaction ends; refused when ``by`` may not
    run its cell's meetings or when ``version`` is stale."""
    current = Meeting.objects.select_for_update().select_related("cell").get(pk=meeting.pk)
    require_meetings_of(by, current.cell)
    check_version(current, version, what="meeting")
    return current


def _bump(meeting: Meeting, *fields: str) -> None:
    """Save a change of ``meeting`` with its next version; once committed, the cached
    six-month flags over its cell are forgotten."""
    meeting.version += 1
    meeting.save(update_fields=[*fields, "version", "updated_at"])
    cell, day = meeting.cell, timezone.localdate()
    transaction.on_commit(lambda: forget_meeting_flags(cell, on=day))


def _require_records_allowed(meeting: Meeting) -> None:
    if not meeting.can_take_records():
        raise DomainError(_("This meeting was cancelled; nothing more can be recorded on it."))


def _require_cell(cell: Organization) -> Organization:
    cell = Organization.objects.get(pk=cell.pk)
    if not cell.is_current or not cell.is_residential_cell:
        raise DomainError(
            _("“%(org)s” is not a current residential cell.") % {"org": cell.name}, field="cell"
        )
    return cell


def _active_link(member: Member, cell: Organization) -> ResidenceLink:
    """The member's active link at ``cell``, refused when there is none: only members
    the tracking book places in the cell take part in its meetings."""
    link = ResidenceLink.objects.filter(member=member, residence_cell=cell, status="active").first()
    if link is None:
        raise DomainError(
            _("“%(member)s” is not linked to “%(cell)s”.")
            % {"member": member.full_name, "cell": cell.name},
            field="member",
        )
    return link


@transaction.atomic
def plan_meeting(
    *,
    by: AnyUser,
    cell: Organization,
    kind: str,
    date: datetime.date,
    place: str = "",
    agenda: str = "",
    include_category_a: bool = False,
) -> Meeting:
    """Plan a meeting of ``cell`` and invite every member with an active link to it.

    Category-A members are exempt from residence activities (33-HD §1.1), so they are
    invited only with ``include_category_a``.
    """
    cell = _require_cell(cell)
    require_meetings_of(by, cell)
    if kind not in Meeting.Kind.values:
        raise DomainError(_("Unknown kind of meeting."), field="kind")
    meeting = Meeting.objects.create(
        cell=cell, kind=kind, date=date, place=place, agenda=agenda, planned_by=_user(by)
    )
    links = ResidenceLink.objects.filter(residence_cell=cell, status="active")
    if not include_category_a:
        links = links.exclude(category=Category.A)
    invitations = Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member_id=link.member_id, link=link, invited=True)
        for link in links.order_by("pk")
    )
    audit.record(
        by=by,
        action="create",
        obj=meeting,
        scope_path=cell.path,
        changes={
            "cell": cell.pk,
            "kind": kind,
            "date": date.isoformat(),
            "place": place,
            "invited": sorted(a.member_id for a in invitations),
        },
    )
    return meeting


@transaction.atomic
def record_attendance(
    *,
    by: AnyUser,
    meeting: Meeting,
    member: Member,
    status: str,
    excuse_reason: str = "",
    version: int | None = None,
) -> Attendance:
    """Record whether ``member`` came. A member linked to the cell but not invited (a
    category-A member who came anyway) gets a record with ``invited`` false; a member
    not linked to the cell is refused."""
    meeting = _lock(meeting, by, version)
    _require_records_allowed(meeting)
    if status not in Attendance.Status.values:
        raise DomainError(_("Unknown attendance status."), field="status")
    excuse_reason = excuse_reason.strip()
    if status == Attendance.Status.EXCUSED and not excuse_reason:
        raise DomainError(_("Give the reason for the excuse."), field="excuse_reason")
    if status != Attendance.Status.EXCUSED:
        excuse_reason = ""
    attendance = Attendance.objects.filter(meeting=meeting, member=member).first()
    if attendance is None:
        link = _active_link(member, meeting.cell)
        attendance = Attendance(meeting=meeting, member=member, link=link, invited=False)
        before: dict[str, Any] = {"status": None, "excuse_reason": None}
    else:
        before = audit.snapshot(attendance, ["status", "excuse_reason"])
    attendance.status = status
    attendance.excuse_reason = excuse_reason
    with summaries.changing(meetings=[meeting]):
        attendance.save()
        _bump(meeting)
    audit.record(
        by=by,
        action="update",
        obj=meeting,
        scope_path=meeting.cell.path,
        changes={
            "event": "attendance",
            "member": member.pk,
            **audit.diff(before, audit.snapshot(attendance, ["status", "excuse_reason"])),
        },
    )
    return attendance


@transaction.atomic
def record_attendances(
    *,
    by: AnyUser,
    meeting: Meeting,
    entries: Sequence[tuple[Member, str, str]],
    version: int | None = None,
) -> list[Attendance]:
    """Record the whole meeting's attendance at once: ``(member, status, excuse
    reason)`` for each member the meeting has a record of (invited, or recorded before).

    One meeting, one version, one transaction: every entry is checked before anything
    is written, and one refused entry (an excuse without its reason, a member listed
    twice or without a record at the meeting) refuses them all, naming the member. One
    audit row lists what changed, member by member.
    """
    meeting = _lock(meeting, by, version)
    _require_records_allowed(meeting)
    if not entries:
        raise DomainError(_("Nobody's attendance was given."))
    rows = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    seen: set[int] = set()
    cleaned: list[tuple[Attendance, str, str]] = []
    for member, status, reason in entries:
        names = {"member": member.full_name}
        attendance = rows.get(member.pk)
        if attendance is None:
            raise DomainError(
                _("“%(member)s” has no invitation or record at this meeting.") % names,
                field="member",
            )
        if member.pk in seen:
            raise DomainError(_("“%(member)s” is listed twice.") % names, field="member")
        seen.add(member.pk)
        if status not in Attendance.Status.values:
            raise DomainError(_("Unknown attendance status."), field="status")
        reason = reason.strip() if status == Attendance.Status.EXCUSED else ""
        if status == Attendance.Status.EXCUSED and not reason:
            raise DomainError(
                _("Give the reason for the excuse of “%(member)s”.") % names,
                field="excuse_reason",
            )
        cleaned.append((attendance, status, reason))
    changes: dict[str, Any] = {}
    changed: list[Attendance] = []
    for attendance, status, reason in cleaned:
        before = audit.snapshot(attendance, ["status", "excuse_reason"])
        attendance.status, attendance.excuse_reason = status, reason
        diff = audit.diff(before, audit.snapshot(attendance, ["status", "excuse_reason"]))
        if diff:
            changes[str(attendance.member_id)] = diff
            changed.append(attendance)
    with summaries.changing(meetings=[meeting]):
        Attendance.objects.bulk_update(changed, ["status", "excuse_reason"])
        _bump(meeting)
    audit.record(
        by=by,
        action="update",
        obj=meeting,
        scope_path=meeting.cell.path,
        changes={"event": "attendance", "members": changes},
    )
    return [attendance for attendance, _status, _reason in cleaned]


@transaction.atomic
def record_opinion(
    *, by: AnyUser, meeting: Meeting, member: Member, text: str, version: int | None = None
) -> Opinion:
    """Record an opinion ``member`` raised at the meeting (members linked to the cell)."""
    meeting = _lock(meeting, by, version)
    _require_records_allowed(meeting)
    text = text.strip()
    if not text:
        raise DomainError(_("Write down the opinion."), field="text")
    if not meeting.attendances.filter(member=member).exists():
        _active_link(member, meeting.cell)
    opinion = Opinion.objects.create(meeting=meeting, member=member, text=text)
    _bump(meeting)
    audit.record(
        by=by,
        action="update",
        obj=meeting,
        scope_path=meeting.cell.path,
        changes={"event": "opinion", "opinion": opinion.pk, "member": member.pk},
    )
    return opinion


@transaction.atomic
def add_follow_up(
    *,
    by: AnyUser,
    meeting: Meeting,
    description: str,
    owner: str,
    due_on: datetime.date,
    member: Member | None = None,
    version: int | None = None,
) -> FollowUp:
    """Record something the meeting decided to do, who does it and by when, and
    optionally the member it is about or who took it on. Like an opinion, that member
    must belong to the meeting (a record at it) or be linked to the cell now: the
    evidence panel of a member's comment lists the open follow-ups naming them, so a
    member from elsewhere is refused."""
    meeting = _lock(meeting, by, version)
    _require_records_allowed(meeting)
    description, owner = description.strip(), owner.strip()
    if not description:
        raise DomainError(_("Describe what is to be done."), field="description")
    if not owner:
        raise DomainError(_("Say who does it."), field="owner")
    if due_on < meeting.date:
        raise DomainError(_("The due date may not be before the meeting."), field="due_on")
    if member is not None and not meeting.attendances.filter(member=member).exists():
        _active_link(member, meeting.cell)
    follow_up = FollowUp.objects.create(
        meeting=meeting, description=description, owner=owner, due_on=due_on, member=member
    )
    _bump(meeting)
    audit.record(
        by=by,
        action="update",
        obj=meeting,
        scope_path=meeting.cell.path,
        changes={
            "event": "follow_up",
            "follow_up": follow_up.pk,
            "due_on": due_on.isoformat(),
            **({"member": member.pk} if member is not None else {}),
        },
    )
    return follow_up


@transaction.atomic
def complete_follow_up(
    *, by: AnyUser, follow_up: FollowUp, done_on: datetime.date, version: int | None = None
) -> FollowUp:
    """Mark a follow-up done on ``done_on``."""
    meeting = _lock(follow_up.meeting, by, version)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.done_on is not None:
        raise DomainError(_("This follow-up is already done."))
    if done_on < meeting.date:
        raise DomainError(_("The date may not be before the meeting."), field="done_on")
    follow_up.done_on = done_on
    follow_up.save(update_fields=["done_on"])
    _bump(meeting)
    audit.record(
        by=by,
        action="update",
        obj=meeting,
        scope_path=meeting.cell.path,
        changes={
            "event": "follow_up_done",
            "follow_up": follow_up.pk,
            "done_on": [None, done_on.isoformat()],
        },
    )
    return follow_up


@transaction.atomic
def mark_held(
    *,
    by: AnyUser,
    meeting: Meeting,
    version: int | None = None,
    place: str | None = None,
    agenda: str | None = None,
) -> Meeting:
    """The planned meeting took place; it now counts for the six-month rule.

    A meeting on record says where it took place and what it dealt with (docs/domain.md
    §4.3: the local situation, the topics, the cell's report): without a place and an
    agenda it is refused. ``place`` and ``agenda``, when given, replace the planned ones
    in the same step (the plan is often made before either is known).
    """
    meeting = _lock(meeting, by, version)
    if not meeting.is_planned:
        raise DomainError(
            _("This meeting is %(status)s; only a planned meeting can be marked held.")
            % {"status": meeting.get_status_display().lower()}
        )
    if meeting.date > timezone.localdate():
        raise DomainError(_("A meeting in the future cannot have been held yet."))
    before = audit.snapshot(meeting, ["place", "agenda"])
    place = (meeting.place if place is None else place).strip()
    agenda = (meeting.agenda if agenda is None else agenda).strip()
    if not place:
        raise DomainError(
            _("Say where the meeting took place before marking it held."), field="place"
        )
    if not agenda:
        raise DomainError(
            _("Write down the agenda before marking the meeting held."), field="agenda"
        )
    meeting.place, meeting.agenda = place, agenda
    meeting.status = Meeting.Status.HELD
    with summaries.changing(meetings=[meeting]):
        _bump(meeting, "status", "place", "agenda")
    audit.record(
        by=by,
        action="update",
        obj=meeting,
        scope_path=meeting.cell.path,
        changes={
            "event": "held",
            "status": ["planned", "held"],
            **audit.diff(before, audit.snapshot(meeting, ["place", "agenda"])),
        },
    )
    return meeting


@transaction.atomic
def cancel_meeting(
    *, by: AnyUser, meeting: Meeting, reason: str, version: int | None = None
) -> Meeting:
    """Call off a planned meeting, with the reason."""
    meeting = _lock(meeting, by, version)
    if not meeting.is_planned:
        raise DomainError(
            _("This meeting is %(status)s; only a planned meeting can be cancelled.")
            % {"status": meeting.get_status_display().lower()}
        )
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for cancelling."), field="reason")
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancel_reason = reason
    _bump(meeting, "status", "cancel_reason")
    audit.record(
        by=by,
        action="update",
        obj=meeting,
        scope_path=meeting.cell.path,
        changes={"event": "cancelled", "status": ["planned", "cancelled"]},
        reason=reason,
    )
    return meeting
