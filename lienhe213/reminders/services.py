"""Every write of the reminders: finding what is due and notifying the right people,
the daily e-mail digest, and marking notifications read (ADR 0006).

``create_due_notifications`` is idempotent: each notification has a key that says what
it is about and in which state, unique per user, so running it again inserts nothing.
``send_digest`` sends at most one e-mail per user and day — the database's unique
(user, day) row decides — and never an empty one.
"""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from lienhe213.accounts.access import AnyUser
from lienhe213.accounts.models import Role, User
from lienhe213.comments.services import escalate_overdue_requests
from lienhe213.documents.services import fail_abandoned_batches
from lienhe213.feedback.models import ResidentReport
from lienhe213.feedback.services import erase_expired_phones, escalate_overdue_reports
from lienhe213.imports.services import fail_abandoned_imports
from lienhe213.notices.services import escalate_overdue_notices
from lienhe213.reminders import queries
from lienhe213.reminders.models import HANDOFF_KINDS, Digest, Kind, Notification
from lienhe213.reminders.queries import RecipientIndex

logger = logging.getLogger(__name__)

# Escalated items are announced by the run that escalates them; a later run within
# this window repeats the announcement harmlessly (same keys), so a run that died
# between the escalation and the notifications is made good by the next one.
ESCALATION_WINDOW = datetime.timedelta(days=2)
# A digest claimed but not sent for this long belonged to a worker that died.
STALE_CLAIM = datetime.timedelta(minutes=30)
# The e-mail lists this many notifications; the rest are on the notifications page.
DIGEST_ITEMS = 50
# Routine reminders go to the people whose job the step is; only escalations reach the
# province. (Through capabilities they would climb to the provincial officers and
# administrators of every cell without an account: hundreds of routine items a day.)
PROVINCE = {Role.PROVINCIAL_OFFICER}
CELL = {Role.CELL_SECRETARY}
COMMUNE = {Role.COMMUNE_CLERK}
WORKPLACE = {Role.WORKPLACE_OFFICER}


@dataclass
class DueSummary:
    """What one run of ``run_due`` did."""

    created: dict[str, int] = field(default_factory=dict)
    escalated_notices: int = 0
    escalated_requests: int = 0
    escalated_reports: int = 0
    phones_erased: int = 0
    digests_enqueued: int = 0
    claims_released: int = 0
    abandoned: int = 0

    def line(self) -> str:
        kinds = " ".join(
            f"{kind}={self.created.get(kind, 0)}"
            for kind in Kind.values
            if kind not in HANDOFF_KINDS  # written by the steps themselves, not by run_due
        )
        return (
            f"notifications: {kinds}; escalated: notices={self.escalated_notices} "
            f"requests={self.escalated_requests} residents' reports={self.escalated_reports}; "
            f"digests enqueued: {self.digests_enqueued}"
            + (f"; residents' phones erased: {self.phones_erased}" if self.phones_erased else "")
            + (
                f"; stale digest claims released: {self.claims_released}"
                if self.claims_released
                else ""
            )
            + (f"; abandoned batches failed: {self.abandoned}" if self.abandoned else "")
        )


class _Batch:
    """The notifications of one run, before their single bulk insert."""

    def __init__(self, now: datetime.datetime) -> None:
        self.now = now
        self.rows: list[Notification] = []

    def add(
        self, users: set[int], kind: str, key: str, object_id: int, params: dict[str, object]
    ) -> None:
        for user_id in sorted(users):
            self.rows.append(
                Notification(
                    user_id=user_id,
                    kind=kind,
                    key=key,
                    object_id=object_id,
                    params=params,
                    created_at=self.now,
                )
            )


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _meeting_reminders(batch: _Batch, index: RecipientIndex, on: datetime.date) -> None:
    from lienhe213.meetings.queries import MEETING_INTERVAL_MONTHS, months_before

    overdue_before = months_before(on, MEETING_INTERVAL_MONTHS)
    for cell in queries.cells_due_for_meeting(on=on):
        last = cell["last_held_on"]
        overdue = last is None or last < overdue_before
        if not overdue and cell["has_planned"]:
            continue  # the cell is already on it
        users = index.nearest(cell["path"], CELL)
        if overdue:
            users |= index.nearest(cell["path"], COMMUNE)
        kind = Kind.MEETING_OVERDUE if overdue else Kind.MEETING_DUE
        key = f"{kind}:{cell['pk']}:{_iso(last) or 'never'}"
        params = {"cell": cell["name"], "last_held_on": _iso(last)}
        batch.add(users, kind, key, cell["pk"], params)


def _invitation_reminders(batch: _Batch, on: datetime.date) -> None:
    for row in queries.invitations_soon(on=on):
        day = row["meeting__date"]
        batch.add(
            {row["member__user__id"]},
            Kind.MEETING_INVITATION,
            f"{Kind.MEETING_INVITATION}:{row['meeting_id']}:{day.isoformat()}",
            row["meeting_id"],
            {
                "cell": row["meeting__cell__name"],
                "date": day.isoformat(),
                "place": row["meeting__place"],
            },
        )


def _request_reminders(
    batch: _Batch, index: RecipientIndex, on: datetime.date, since: datetime.datetime
) -> None:
    at_cell = {"requested", "drafted"}
    for row in queries.requests_due_soon(on=on):
        users = index.nearest(row["link__residence_commune_organization__path"], COMMUNE)
        if row["status"] in at_cell and row["link__residence_cell__path"]:
            users |= index.nearest(row["link__residence_cell__path"], CELL)
        deadline = row["campaign__deadline"]
        params = {"member": queries.full_name(row), "deadline": deadline.isoformat()}
        key = f"{Kind.REQUEST_DUE}:{row['pk']}:{deadline.isoformat()}"
        batch.add(users, Kind.REQUEST_DUE, key, row["pk"], params)
    for row in queries.requests_escalated(on=on, since=since):
        commune = row["link__residence_commune_organization__path"]
        users = index.nearest(commune, COMMUNE) | index.nearest(commune, PROVINCE)
        deadline = row["campaign__deadline"]
        params = {"member": queries.full_name(row), "deadline": deadline.isoformat()}
        batch.add(
            users, Kind.REQUEST_OVERDUE, f"{Kind.REQUEST_OVERDUE}:{row['pk']}", row["pk"], params
        )


def _follow_up_reminders(batch: _Batch, index: RecipientIndex, on: datetime.date) -> None:
    """Once per proposal: the workplace officers of the committee that asked for the
    comment, when its proposal still has no follow-up a month after the return."""
    for row in queries.requests_awaiting_follow_up(on=on):
        returned_on = timezone.localdate(row["comment__returned_at"])
        params = {
            "member": queries.full_name(row),
            "recommendation": row["comment__recommendation"],
            "returned_on": returned_on.isoformat(),
        }
        users = index.nearest(row["workplace_organization__path"], WORKPLACE)
        key = f"{Kind.FOLLOW_UP_DUE}:{row['pk']}"
        batch.add(users, Kind.FOLLOW_UP_DUE, key, row["pk"], params)


def _notice_recipients(index: RecipientIndex, row: dict[str, object]) -> set[int]:
    """The recipient organization's people: the workplace officers for a workplace
    committee, the secretary for a cell, the clerks for a commune."""
    path = str(row["recipient__path"])
    if row["recipient_id"] == row["link__workplace_organization_id"]:
        return index.nearest(path, WORKPLACE)
    if row["recipient__kind"] == "cell":
        return index.nearest(path, CELL)
    return index.nearest(path, COMMUNE)


def _notice_reminders(
    batch: _Batch, index: RecipientIndex, on: datetime.date, since: datetime.datetime
) -> None:
    def params(row: dict[str, object]) -> dict[str, object]:
        due = row["response_due"]
        assert isinstance(due, datetime.date)
        return {"kind": row["kind"], "member": queries.full_name(row), "due": due.isoformat()}

    for row in queries.notices_due_soon(on=on):
        key = f"{Kind.NOTICE_DUE}:{row['pk']}:{row['response_due'].isoformat()}"
        batch.add(_notice_recipients(index, row), Kind.NOTICE_DUE, key, row["pk"], params(row))
    for row in queries.notices_escalated(on=on, since=since):
        path = row["recipient__path"]
        users = _notice_recipients(index, row) | index.nearest(path, PROVINCE)
        if row["recipient_id"] != row["link__workplace_organization_id"]:
            users |= index.nearest(path, COMMUNE)
        key = f"{Kind.NOTICE_OVERDUE}:{row['pk']}"
        batch.add(users, Kind.NOTICE_OVERDUE, key, row["pk"], params(row))


def _feedback_reminders(batch: _Batch, index: RecipientIndex, since: datetime.datetime) -> None:
    """Residents' reports escalated in the window and still unhandled: the commune's
    clerks and the cell's secretary (ADR 0014)."""
    reports = (
        ResidentReport.objects.unhandled()
        .filter(escalated_at__gte=since)
        .values("pk", "cell__name", "cell__path", "received_at")
    )
    for row in reports:
        path = row["cell__path"]
        users = index.nearest(path, COMMUNE) | index.nearest(path, CELL)
        params: dict[str, object] = {
            "cell": row["cell__name"],
            "on": timezone.localdate(row["received_at"]).isoformat(),
        }
        key = f"{Kind.FEEDBACK_OVERDUE}:{row['pk']}"
        batch.add(users, Kind.FEEDBACK_OVERDUE, key, row["pk"], params)


def create_due_notifications(*, on: datetime.date, summary: DueSummary | None = None) -> DueSummary:
    """Escalate what is overdue on ``on`` and notify everyone concerned by what is due.

    The escalations are the notices' and comments' own services (idempotent). The
    notifications are found by a handful of set-based queries and inserted in one bulk
    insert that skips the keys a user already has, so a second run creates nothing.
    """
    summary = summary or DueSummary()
    summary.escalated_notices = len(escalate_overdue_notices(on=on))
    summary.escalated_requests = len(escalate_overdue_requests(on=on))
    summary.escalated_reports = len(escalate_overdue_reports(on=on))
    now = timezone.now()
    since = now - ESCALATION_WINDOW
    index = RecipientIndex.load()
    batch = _Batch(now)
    _meeting_reminders(batch, index, on)
    _invitation_reminders(batch, on)
    _request_reminders(batch, index, on, since)
    _notice_reminders(batch, index, on, since)
    _follow_up_reminders(batch, index, on)
    _feedback_reminders(batch, index, since)
    with transaction.atomic():
        fresh = _not_yet_stored(batch.rows)
        Notification.objects.bulk_create(fresh, batch_size=500, ignore_conflicts=True)
        summary.created = _inserted_by_kind(fresh, now)
    return summary


def _not_yet_stored(rows: list[Notification]) -> list[Notification]:
    """The rows of a batch whose (user, key) no notification holds yet: what this run
    inserts. A second run at the same instant finds the first run's rows here."""
    stored: set[tuple[int, str]] = set()
    keys = sorted({row.key for row in rows})
    for start in range(0, len(keys), 500):
        stored.update(
            Notification.objects.filter(key__in=keys[start : start + 500]).values_list(
                "user_id", "key"
            )
        )
    return [row for row in rows if (row.user_id, row.key) not in stored]


def _inserted_by_kind(fresh: list[Notification], now: datetime.datetime) -> dict[str, int]:
    """How many of ``fresh`` this run inserted, by kind: each is counted only if its
    (user, key) row now carries this run's timestamp, so a row another run inserted
    between the read and the insert (the insert skipped it) is not counted here."""
    wanted = {(row.user_id, row.key) for row in fresh}
    counts: Counter[str] = Counter()
    keys = sorted({key for _user, key in wanted})
    for start in range(0, len(keys), 500):
        inserted = Notification.objects.filter(
            key__in=keys[start : start + 500], created_at=now
        ).values_list("user_id", "key", "kind")
        for user_id, key, kind in inserted:
            if (user_id, key) in wanted:
                counts[kind] += 1
    return dict(counts)


def release_stale_claims(*, now: datetime.datetime | None = None) -> int:
    """Give back the digests a dead worker claimed but never sent: their notifications
    become undigested again and the day's digest can go out on the next run."""
    now = now or timezone.now()
    released = 0
    with transaction.atomic():
        stale = list(
            Digest.objects.select_for_update()
            .filter(sent_at__isnull=True, created_at__lt=now - STALE_CLAIM)
            .values_list("pk", "user_id", "created_at")
        )
        for pk, user_id, claimed_at in stale:
            Notification.objects.filter(user_id=user_id, digested_at=claimed_at).update(
                digested_at=None
            )
            Digest.objects.filter(pk=pk).delete()
            released += 1
    if released:
        logger.warning("Released %d digest claims that were never sent", released)
    return released


def enqueue_digests(*, day: datetime.date) -> int:
    """Enqueue one digest task per user who has something new and no digest on ``day``,
    unless one is still waiting in the queue (the worker is behind or stopped)."""
    from lienhe213.reminders.tasks import send_daily_digest

    waiting = queries.users_with_digest_waiting(
        task_path=send_daily_digest.module_path, day=day.isoformat()
    )
    users = [user for user in queries.users_due_a_digest(day=day) if user not in waiting]
    for user_id in users:
        send_daily_digest.enqueue(user_id=user_id, day=day.isoformat())
    return len(users)


def run_due(*, on: datetime.date, digests: bool = True) -> DueSummary:
    """One run of the reminder command: escalations, notifications, then the digests."""
    summary = create_due_notifications(on=on)
    summary.abandoned = fail_abandoned_batches() + fail_abandoned_imports()
    summary.phones_erased = erase_expired_phones(on=on)
    if digests:
        summary.claims_released = release_stale_claims()
        summary.digests_enqueued = enqueue_digests(day=on)
    return summary


def _claim_digest(
    user_id: int, day: datetime.date
) -> tuple[User, Digest, list[Notification]] | None:
    """Take the (user, day) digest row and mark the notifications it carries, in one
    transaction; None when there is nothing to send or the day's digest is taken."""
    now = timezone.now()
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
            if user is None or not user.email:
                return None
            if Digest.objects.filter(user=user, day=day).exists():
                return None
            notifications = list(
                Notification.objects.select_for_update()
                .filter(user=user)
                .undigested()
                .order_by("-created_at", "-id")
            )
            if not notifications:
                return None  # never an empty digest
            digest = Digest.objects.create(
                user=user, day=day, count=len(notifications), created_at=now
            )
            Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
                digested_at=now
            )
    except IntegrityError:
        return None  # another worker took the day's digest first
    return user, digest, notifications


def _digest_message(user: User, notifications: list[Notification]) -> EmailMultiAlternatives:
    """The digest e-mail, in Vietnamese: subject, plain text and a simple HTML part."""
    count = len(notifications)
    with translation.override("vi"):
        items = [
            {"text": n.message(), "url": settings.SITE_URL + n.target_url()}
            for n in notifications[:DIGEST_ITEMS]
        ]
        context = {
            "user": user,
            "count": count,
            "items": items,
            "more": max(0, count - DIGEST_ITEMS),
            "list_url": settings.SITE_URL + reverse("reminders:list"),
        }
        subject = ngettext(
            "Liên hệ 213: %(count)d new notification",
            "Liên hệ 213: %(count)d new notifications",
            count,
        ) % {"count": count}
        text = render_to_string("reminders/digest_email.txt", context)
        html = render_to_string("reminders/digest_email.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    return message


def send_digest(*, user_id: int, day: datetime.date) -> Digest | None:
    """Send ``user`` the day's digest of their undigested notifications, at most once.

    The claim (the unique Digest row and the notifications marked digested) commits
    first, so no lock is held while the mail server answers; if sending fails, the claim
    is given back and the next run tries again. A worker dying between the two leaves a
    claim that ``release_stale_claims`` gives back (ADR 0006: the mail may then, rarely,
    go out twice; it is never lost and never sent empty).
    """
    claimed = _claim_digest(user_id, day)
    if claimed is None:
        return None
    user, digest, notifications = claimed
    try:
        _digest_message(user, notifications).send()
    except Exception:
        with transaction.atomic():
            Notification.objects.filter(user=user, digested_at=digest.created_at).update(
                digested_at=None
            )
            Digest.objects.filter(pk=digest.pk).delete()
        raise
    digest.sent_at = timezone.now()
    Digest.objects.filter(pk=digest.pk).update(sent_at=digest.sent_at)
    return digest


def mark_notifications_read(*, by: AnyUser, ids: list[int] | None = None) -> int:
    """Mark ``by``'s unread notifications (all, or those in ``ids``) read; returns how
    many changed. Only one's own notifications can be marked. No audit row: reading a
    reminder changes no record of the party's work."""
    queryset = Notification.objects.visible_to(by).unread()
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())
