"""How long personal data is kept, and what happens when the time is up.

Vietnam's Personal Data Protection Law 91/2025/QH15 and Decree 356/2025/ND-CP limit
storage to what the purpose needs. Each kind of record has a ``Policy``: the setting that
says for how many years it is kept, and the step that applies it. ``apply_retention``
runs every policy of ``POLICIES`` in one transaction (``manage.py apply_retention``,
from cron) and writes one audit event with the count of each; a dry run counts and
changes nothing. A new kind of record is one more function and one more ``Policy``.

The history the reports count is never deleted: a former member is *anonymised* — the
row, its party unit, employment, gender, the years of birth, admission and officialdom,
and every residence link, meeting, comment and notice row stay, with their dates,
statuses, categories and levels (``reports.indicators`` reads those) — while the personal
identifiers and the free text written about the person are removed. Only the audit
trail's old rows are deleted (``core.audit.expire_audit_before``), which is what the
trail's retention means.

Where a departure is recorded: the workplace closes the member's residence link with the
reason "left the party" or "died" (``MemberQuerySet.departed_before``). The system
records no other departure, so a member never linked is never matched.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienhe213.accounts.access import AnyUser
from lienhe213.comments.models import Comment, RecommendationFollowUp
from lienhe213.core import audit
from lienhe213.core.models import AuditEvent
from lienhe213.meetings.models import Attendance, FollowUp, Opinion
from lienhe213.members.models import ANONYMISED_NAME, Member, PreviousPartyCard
from lienhe213.notices.models import Notice, NoticeReply
from lienhe213.registry.models import ExemptionDecision, LinkEvent, ResidenceLink
from lienhe213.reports.models import Commendation

# The text that replaces what was written about an anonymised member where the row must
# keep some text (an opinion, a notice's message, an excused absence's reason).
REMOVED_TEXT = gettext_lazy("(removed under the retention policy)")

# What anonymising blanks on the member row (the audit event names them, never values).
IDENTIFYING_FIELDS = (
    "family_name",
    "middle_name",
    "given_name",
    "party_card_number",
    "dossier_number",
    "citizen_id",
    "workplace_name",
    "residence_community",
    "residence_address",
    "phone",
    "email",
)
# Kept at year precision only (1 January of the year).
DATES_TO_YEAR = ("birth_date", "joined_on", "official_on")
CONTACT_FIELDS = ("phone", "email")


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Run:
    """One run of the policies: the actor, the day, and whether to change anything."""

    by: AnyUser | None
    today: datetime.date
    dry_run: bool


@dataclass(frozen=True)
class Policy:
    """A kind of record kept ``settings.<setting>`` years, and the step that applies
    the limit; ``apply(run, cutoff)`` returns how many records it changed (or, on a dry
    run, would change). ``cutoff`` is the first day still kept."""

    key: str
    label: Promise
    setting: str
    apply: Callable[[Run, datetime.date], int]

    @property
    def years(self) -> int:
        return int(getattr(settings, self.setting))


@dataclass
class RetentionReport:
    """What one run did: per policy, its cutoff and its count."""

    today: datetime.date
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)
    cutoffs: dict[str, datetime.date] = field(default_factory=dict)

    def lines(self) -> list[tuple[Policy, int]]:
        return [(policy, self.counts[policy.key]) for policy in POLICIES]


# --- former members -------------------------------------------------------------------


def _to_year(day: datetime.date | None) -> datetime.date | None:
    return day.replace(month=1, day=1) if day is not None else None


def _anonymise_rows(member_ids: list[int]) -> None:
    """Replace the free text written about the members on every row about them; the
    rows, their dates, statuses, categories and levels stay (the reports count them)."""
    removed = str(REMOVED_TEXT)
    ResidenceLink.objects.filter(member_id__in=member_ids).update(return_reason="")
    LinkEvent.objects.filter(link__member_id__in=member_ids).update(note="")
    ExemptionDecision.objects.filter(member_id__in=member_ids).update(evidence="")
    attendances = Attendance.objects.filter(member_id__in=member_ids)
    attendances.exclude(excuse_reason="").update(excuse_reason=removed)
    Opinion.objects.filter(member_id__in=member_ids).update(text=removed)
    FollowUp.objects.filter(member_id__in=member_ids).update(description=removed, owner=removed)
    Comment.objects.filter(request__member_id__in=member_ids).update(
        other_comments="", rating_note="", member_answer=""
    )
    RecommendationFollowUp.objects.filter(request__member_id__in=member_ids).update(
        note="", decision_reference=""
    )
    notices = Notice.objects.filter(member_id__in=member_ids)
    notices.update(body=removed)
    notices.exclude(outcome="").update(outcome=removed)
    NoticeReply.objects.filter(notice__member_id__in=member_ids).update(body=removed)
    commendations = Commendation.objects.filter(member_id__in=member_ids)
    commendations.update(reason=removed)
    commendations.exclude(rejection_reason="").update(rejection_reason=removed)
    # A card number identifies the person and nothing counts them: they go.
    PreviousPartyCard.objects.filter(member_id__in=member_ids).delete()


def anonymise_former_members(run: Run, cutoff: datetime.date) -> int:
    """Members who left the party or died before ``cutoff``: the personal identifiers
    go, the history stays (module docstring). Idempotent: an anonymised member is not
    matched again. One audit row per member names the fields, never their values."""
    due = Member.objects.not_anonymised().departed_before(cutoff)
    if run.dry_run:
        return due.count()
    members = list(due.select_for_update(of=("self",)).order_by("pk"))
    if not members:
        return 0
    name, now = str(ANONYMISED_NAME), timezone.now()
    for member in members:
        for name_field in IDENTIFYING_FIELDS:
            setattr(member, name_field, None if name_field == "residence_community" else "")
        member.family_name = name
        for date_field in DATES_TO_YEAR:
            setattr(member, date_field, _to_year(getattr(member, date_field)))
        member.anonymised_on = run.today
        member.version += 1
        member.updated_at = now
        member.refresh_derived()
    Member.objects.bulk_update(
        members,
        [
            *IDENTIFYING_FIELDS,
            *DATES_TO_YEAR,
            "anonymised_on",
            "version",
            "search_text",
            "name_sort_key",
            "updated_at",
        ],
        batch_size=500,
    )
    _anonymise_rows([member.pk for member in members])
    _record_each(run, members, {"anonymised": [*IDENTIFYING_FIELDS, *DATES_TO_YEAR]})
    return len(members)


def _record_each(run: Run, members: list[Member], changes: dict[str, Any]) -> None:
    """One audit row per changed member, seen by the committees over its party unit.
    Neither its ``changes`` (the fields' names) nor its label carry the values removed:
    a new row naming the person would keep the name five more years in the trail."""
    label = _("Former member")
    for member in members:
        audit.record(
            by=run.by,
            action=AuditEvent.Action.UPDATE,
            obj=member,
            object_repr=label,
            scope_path=member.unit_path,
            changes=changes,
            reason=_("Retention policy"),
        )


# --- contact details ------------------------------------------------------------------


def clear_former_members_contacts(run: Run, cutoff: datetime.date) -> int:
    """The phone number and e-mail of members who left the party or died before
    ``cutoff``: nobody contacts a former member, so they go sooner than the rest of the
    record (residents' phone numbers, once the system holds any, belong here too)."""
    due = (
        Member.objects.not_anonymised()
        .departed_before(cutoff)
        .filter(~models.Q(phone="") | ~models.Q(email=""))
    )
    if run.dry_run:
        return due.count()
    members = list(due.select_for_update(of=("self",)).order_by("pk"))
    now = timezone.now()
    for member in members:
        member.phone = ""
        member.email = ""
        member.version += 1
        member.updated_at = now
    Member.objects.bulk_update(members, [*CONTACT_FIELDS, "version", "updated_at"], batch_size=500)
    _record_each(run, members, {"cleared": list(CONTACT_FIELDS)})
    return len(members)


# --- the audit trail ------------------------------------------------------------------


def expire_audit(run: Run, cutoff: datetime.date) -> int:
    """Audit rows written before ``cutoff`` (local midnight) are deleted by the trail's
    own purge, which keeps what remains one verifiable chain. A dry run counts the rows
    older than the cutoff (the purge may keep a few, see ``expire_audit_before``)."""
    moment = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    if run.dry_run:
        return AuditEvent.objects.filter(at__lt=moment).count()
    return audit.expire_audit_before(moment)


# In this order: the contacts of a member about to be anonymised are counted as removed
# by both policies, on a dry run as on a real one.
POLICIES: tuple[Policy, ...] = (
    Policy(
        "phones",
        gettext_lazy("Phone numbers and e-mails of former members removed"),
        "RETAIN_PHONE_YEARS",
        clear_former_members_contacts,
    ),
    Policy(
        "former_members",
        gettext_lazy("Former members anonymised"),
        "RETAIN_FORMER_MEMBERS_YEARS",
        anonymise_former_members,
    ),
    Policy(
        "audit",
        gettext_lazy("Audit rows removed"),
        "RETAIN_AUDIT_YEARS",
        expire_audit,
    ),
)


def apply_retention(
    *, by: AnyUser | None = None, today: datetime.date | None = None, dry_run: bool = False
) -> RetentionReport:
    """Apply every retention policy as of ``today`` and return the count of each.

    One transaction: a failure leaves everything as it was. The run writes one audit
    event with its counts and cutoffs, even when nothing was due (the proof that the
    policy runs); a dry run changes nothing and writes nothing.
    """
    today = today or timezone.localdate()
    run = Run(by=by, today=today, dry_run=dry_run)
    report = RetentionReport(today=today, dry_run=dry_run)
    with transaction.atomic():
        for policy in POLICIES:
            cutoff = years_before(today, policy.years)
            report.cutoffs[policy.key] = cutoff
            report.counts[policy.key] = policy.apply(run, cutoff)
        if not dry_run:
            audit.record(
                by=by,
                action=AuditEvent.Action.UPDATE,
                object_repr=_("Personal data retention"),
                changes={
                    "counts": report.counts,
                    "cutoffs": {key: day.isoformat() for key, day in report.cutoffs.items()},
                },
                reason=_("Retention policy"),
            )
    return report
