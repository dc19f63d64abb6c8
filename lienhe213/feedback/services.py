"""Every write of residents' feedback.

A resident's report arrives through ``submit_report`` (anonymous, the only write nobody
signs in for), a community representative's written opinion through ``submit_opinion``
(into the same queue, naming its writer); the cell or the commune then matches it to a linked member
(``match_report``), forwards it to the workplace as a notice (``forward_report``) or
closes it (``close_report``). ``run_due`` escalates the unhandled ones
(``escalate_overdue_reports``) and erases the phones kept too long
(``erase_expired_phones``). Each step checks the actor, locks the report, asks it
whether the step is allowed and writes one audit row, in one transaction; a refusal
raises ``DomainError`` and changes nothing.
"""

import datetime
import re
import secrets
import unicodedata
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.core import audit
from lienhe213.core.errors import DomainError, StepRefused
from lienhe213.core.escalation import stamp_escalated
from lienhe213.core.locking import check_version
from lienhe213.feedback import access
from lienhe213.feedback.models import (
    UNMATCHED_CLOSE_REASONS,
    CloseReason,
    FeedbackChannel,
    ResidentReport,
    Topic,
    receipt_digest,
)
from lienhe213.notices import services as notice_services
from lienhe213.notices.models import Kind as NoticeKind
from lienhe213.notices.models import Notice
from lienhe213.organizations.models import Organization
from lienhe213.registry.holidays import add_working_days, holidays_between, province_of
from lienhe213.registry.models import ResidenceLink
from lienhe213.reminders import handoffs

Status = ResidentReport.Status

# The notice kinds a report may be forwarded as, and the one each topic suggests.
FORWARD_KINDS: tuple[str, ...] = (
    NoticeKind.VIOLATION,
    NoticeKind.GOOD_CONDUCT,
    NoticeKind.UNREACHABLE,
)
SUGGESTED_KIND: dict[str, str] = {
    Topic.GOOD_CONDUCT: NoticeKind.GOOD_CONDUCT,
    Topic.CONCERN: NoticeKind.VIOLATION,
    Topic.MOVED_AWAY: NoticeKind.UNREACHABLE,
}
UNMATCHED_REASONS: tuple[str, ...] = tuple(UNMATCHED_CLOSE_REASONS)
# The longest texts a resident may write (the form says so too).
MAX_NAME = 150
MAX_COMMUNITY = 150
MAX_BODY = 2000
# A phone number: 8 to 15 digits, optionally after "+" (84…) and with spaces, dots or
# dashes between groups as people write them.
PHONE = re.compile(r"^\+?[0-9][0-9 .\-]{6,22}[0-9]$")
# Line breaks and tabs are text; every other control character means a binary body.
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def _user(by: AnyUser | None) -> Any:
    return by if getattr(by, "pk", None) is not None else None


def new_slug() -> str:
    """An address code for a cell's page: 9 random bytes, 12 URL-safe characters —
    short enough to type from the notice board, too many to guess (2⁷² codes)."""
    return secrets.token_urlsafe(9)


def new_receipt() -> str:
    """A receipt code: 16 random bytes (128 bits), 22 URL-safe characters."""
    return secrets.token_urlsafe(16)


# --- the cell's public page ------------------------------------------------------------


@transaction.atomic
def open_channel(*, by: AnyUser, cell: Organization) -> FeedbackChannel:
    """The public page of ``cell``, created on first demand (the same one after)."""
    if not cell.is_residential_cell:
        raise DomainError(_("Only a residential cell has a residents' page."), field="cell")
    access.require_handling(by, cell)
    Organization.objects.select_for_update().filter(pk=cell.pk).first()
    existing = FeedbackChannel.objects.filter(cell=cell).first()
    if existing is not None:
        return existing
    channel = FeedbackChannel.objects.create(cell=cell, slug=new_slug(), created_by=_user(by))
    audit.record(by=by, action="create", obj=channel, scope_path=cell.path)
    return channel


def open_channels(*, by: AnyUser, commune: Organization) -> list[FeedbackChannel]:
    """The public pages of every current residential cell of ``commune``, each created
    if missing (each in its own transaction through ``open_channel``)."""
    cells = Organization.objects.filter(
        path__under=commune.path,
        kind=Organization.Kind.CELL,
        side=Organization.Side.RESIDENTIAL,
        valid_until__isnull=True,
    ).order_by("path")
    return [open_channel(by=by, cell=cell) for cell in cells]


# --- a resident's report ---------------------------------------------------------------


def clean_text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    """Text as a resident typed it, normalised (NFC, spaces trimmed); refused when it
    holds a control character (a binary body), is too long, or is missing."""
    text = unicodedata.normalize("NFC", value).strip()
    if any(unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS for c in text):
        raise DomainError(_("Write plain text only."), field=field)
    if len(text) > limit:
        raise DomainError(_("Write at most %(limit)s characters.") % {"limit": limit}, field=field)
    if required and not text:
        raise DomainError(_("This field is required."), field=field)
    return text


def clean_phone(value: str) -> str:
    """A phone number as digits (and a leading "+"); "" when none was given."""
    text = value.strip()
    if not text:
        return ""
    if not PHONE.match(text):
        raise DomainError(_("Write a phone number of 8 to 15 digits."), field="phone")
    digits = re.sub(r"[ .\-]", "", text)
    if not 8 <= len(digits.lstrip("+")) <= 15:
        raise DomainError(_("Write a phone number of 8 to 15 digits."), field="phone")
    return digits


def handle_by_for(cell: Organization, received_on: datetime.date) -> datetime.date:
    """The day by which the cell should match or close a report received on
    ``received_on``: ``FEEDBACK_WORKING_DAYS`` working days in its province."""
    days = settings.FEEDBACK_WORKING_DAYS
    horizon = received_on + datetime.timedelta(days=2 * days + 21)
    holidays = holidays_between(province_of(cell), received_on, horizon)
    return add_working_days(received_on, days, holidays)


@transaction.atomic
def submit_report(
    *,
    channel: FeedbackChannel,
    topic: str,
    member_name: str,
    community: str,
    body: str,
    phone: str = "",
) -> tuple[ResidentReport, str]:
    """Record a resident's report to the channel's cell and tell its secretary.

    Anonymous: nobody signs in. Only text is kept (control characters refused), within
    the sizes of the form; the phone is kept only as digits. Returns the report and its
    receipt code, which is shown to the resident once and stored only as a digest.
    """
    if topic not in Topic.values:
        raise DomainError(_("Choose what your report is about."), field="topic")
    cell = channel.cell
    name = clean_text(member_name, field="member_name", limit=MAX_NAME)
    place = clean_text(community, field="community", limit=MAX_COMMUNITY)
    text = clean_text(body, field="body", limit=MAX_BODY)
    number = clean_phone(phone)
    receipt = new_receipt()
    now = timezone.now()
    report = ResidentReport.objects.create(
        cell=cell,
        topic=topic,
        member_name=name,
        community=place,
        body=text,
        phone=number,
        receipt_digest=receipt_digest(receipt),
        received_at=now,
        handle_by=handle_by_for(cell, timezone.localdate(now)),
    )
    # What a resident wrote is not copied into the trail: the row names the report.
    audit.record(
        by=None,
        action="create",
        obj=report,
        scope_path=cell.path,
        changes={"topic": topic, "phone_given": bool(number)},
    )
    _tell_the_cell(report)
    return report, receipt


def representative_name(user: Any) -> str:
    """How a representative is named on their opinions: the account's full name, else
    its username."""
    return str(user.get_full_name() or user.get_username())[:150]


@transaction.atomic
def submit_opinion(
    *,
    by: AnyUser,
    cell: Organization,
    topic: str,
    member_name: str,
    body: str,
    token: uuid.UUID | None = None,
) -> ResidentReport:
    """Record a community representative's written opinion on a member living in
    ``cell`` and tell the cell's secretary, as a resident's report is.

    Only for the cell ``by`` represents (``StepRefused`` otherwise). The opinion enters
    the same queue, is handled, matched, forwarded and escalated as a report is, and
    names its writer: the kind of representative and their name as of today. No phone
    (the account is known) and no receipt (the representative reads its state on their
    own list). ``token`` is the form's one-time code: the same form sent twice (a double
    tap, the back button) is refused the second time and stores nothing more.
    """
    assignment = access.representation_of(by, cell)
    if assignment is None or not cell.is_current:
        raise StepRefused(
            _("Only a community representative of “%(cell)s” writes opinions to it.")
            % {"cell": cell.name}
        )
    if topic not in Topic.values:
        raise DomainError(_("Choose what your opinion is about."), field="topic")
    name = clean_text(member_name, field="member_name", limit=MAX_NAME)
    text = clean_text(body, field="body", limit=MAX_BODY)
    if token is not None and ResidentReport.objects.filter(submission_token=token).exists():
        raise DomainError(_("This opinion was already sent."))
    now = timezone.now()
    community = cell.community.name if cell.community is not None else cell.name
    report = ResidentReport(
        cell=cell,
        topic=topic,
        member_name=name,
        community=community[:MAX_COMMUNITY],
        body=text,
        # Nobody is ever given this receipt: an opinion is followed on its writer's list.
        receipt_digest=receipt_digest(new_receipt()),
        received_at=now,
        handle_by=handle_by_for(cell, timezone.localdate(now)),
        submitted_by=_user(by),
        representative_kind=assignment.representative_kind,
        representative_name=representative_name(by),
        submission_token=token,
    )
    try:
        with transaction.atomic():
            report.save(force_insert=True)
    except IntegrityError as exc:
        # The same form, sent again by another request between the check and the save.
        raise DomainError(_("This opinion was already sent.")) from exc
    audit.record(
        by=by,
        action="create",
        obj=report,
        scope_path=cell.path,
        changes={"topic": topic, "representative_kind": assignment.representative_kind},
    )
    _tell_the_cell(report)
    return report


def _tell_the_cell(report: ResidentReport) -> None:
    """Notify the cell's secretary of a new report or opinion (ADR 0013)."""
    cell = report.cell
    handoffs.notify(
        kind=handoffs.Kind.FEEDBACK_RECEIVED,
        key=f"{handoffs.Kind.FEEDBACK_RECEIVED}:{report.pk}",
        object_id=report.pk,
        params={"cell": cell.name, "on": timezone.localdate(report.received_at).isoformat()},
        path=cell.path,
        roles=handoffs.CELL,
        may_see=lambda user: ResidentReport.objects.visible_to(user).filter(pk=report.pk).exists(),
    )


def report_status(*, receipt: str) -> str | None:
    """The status of the report with this receipt code (``Status`` value), or None."""
    if not receipt or len(receipt) > 64:
        return None
    return (
        ResidentReport.objects.filter(receipt_digest=receipt_digest(receipt))
        .values_list("status", flat=True)
        .first()
    )


# --- handling --------------------------------------------------------------------------


def _lock(report: ResidentReport, version: int | None) -> ResidentReport:
    current = (
        ResidentReport.objects.select_for_update(of=("self",))
        .select_related("cell")
        .get(pk=report.pk)
    )
    check_version(current, version, what="report")
    return current


def _save(report: ResidentReport, fields: list[str]) -> None:
    report.version += 1
    report.save(update_fields=[*fields, "version"])


def matchable_links(cell: Organization) -> Any:
    """The links a report to ``cell`` may be matched to: the cell's linked members,
    links open now (the member still lives here)."""
    return ResidenceLink.objects.filter(
        residence_cell=cell, status__in=ResidenceLink.OPEN_STATUSES
    ).select_related("member")


@transaction.atomic
def match_report(
    *,
    by: AnyUser,
    report: ResidentReport,
    link: ResidenceLink,
    note: str = "",
    version: int | None = None,
) -> ResidentReport:
    """Say which of the cell's linked members the report is about. From then on it is
    evidence for the member's next comment, and may be forwarded to the workplace."""
    access.require_handling(by, report.cell)
    report = _lock(report, version)
    if not report.can_be_matched():
        raise DomainError(_("This report was already matched or closed."))
    if not matchable_links(report.cell).filter(pk=link.pk).exists():
        raise DomainError(
            _("Choose one of the members linked to “%(cell)s”.") % {"cell": report.cell.name},
            field="link",
        )
    link = ResidenceLink.objects.select_related("member").get(pk=link.pk)
    report.link = link
    report.member = link.member
    report.matched_at = timezone.now()
    report.matched_by = _user(by)
    report.status = Status.HANDLING
    report.note = clean_text(note, field="note", limit=MAX_BODY, required=False)
    _save(report, ["link", "member", "matched_at", "matched_by", "status", "note"])
    audit.record(
        by=by,
        action="update",
        obj=report,
        scope_path=report.cell.path,
        changes={"event": "matched", "member": link.member_id, "link": link.pk},
    )
    return report


@transaction.atomic
def close_report(
    *,
    by: AnyUser,
    report: ResidentReport,
    reason: str,
    note: str,
    version: int | None = None,
) -> ResidentReport:
    """Close a report, with the reason and a note: an unmatched one as not about a
    member, not serious or a duplicate; a matched one as handled or not serious."""
    access.require_handling(by, report.cell)
    report = _lock(report, version)
    if not report.can_be_closed():
        raise DomainError(_("This report is already closed."))
    if reason not in report.close_reasons():
        raise DomainError(_("This reason does not fit this report."), field="reason")
    text = clean_text(note, field="note", limit=MAX_BODY)
    _close(by, report, reason, text)
    return report


def _close(by: AnyUser, report: ResidentReport, reason: str, note: str) -> None:
    report.status = Status.CLOSED
    report.close_reason = reason
    report.note = note
    report.closed_at = timezone.now()
    report.closed_by = _user(by)
    _save(report, ["status", "close_reason", "note", "closed_at", "closed_by"])
    audit.record(
        by=by,
        action="update",
        obj=report,
        scope_path=report.cell.path,
        changes={"event": "closed", "reason": reason},
    )


def forward_body(report: ResidentReport, note: str) -> str:
    """The notice's message: the handler's words, then what the resident wrote, dated
    — never the resident's phone (the workplace never receives it)."""
    received = timezone.localdate(report.received_at).strftime("%d/%m/%Y")
    resident = _("A resident's report received on %(day)s:") % {"day": received}
    return f"{note}\n\n{resident}\n{report.body}".strip()


@transaction.atomic
def forward_report(
    *,
    by: AnyUser,
    report: ResidentReport,
    kind: str,
    note: str,
    version: int | None = None,
) -> Notice:
    """Send a matched report to the member's workplace committee as a notice of
    ``kind`` (violation, good conduct, no longer living here), from the cell, through
    the notices' own service, and close the report as forwarded."""
    access.require_handling(by, report.cell)
    report = _lock(report, version)
    if not report.can_be_forwarded():
        raise DomainError(_("Only a matched report not yet forwarded can be forwarded."))
    if kind not in FORWARD_KINDS:
        raise DomainError(_("Choose the kind of notice."), field="kind")
    text = clean_text(note, field="note", limit=MAX_BODY)
    assert report.link_id is not None  # a matched report names the member's link
    link = ResidenceLink.objects.select_related("workplace_organization").get(pk=report.link_id)
    notice = notice_services.send_notice(
        by=by,
        link=link,
        kind=kind,
        sender=report.cell,
        recipient=link.workplace_organization,
        body=forward_body(report, text),
        sent_on=timezone.localdate(),
    )
    report.notice = notice
    report.save(update_fields=["notice"])
    _close(by, report, CloseReason.FORWARDED, text)
    return notice


# --- run_due ---------------------------------------------------------------------------


def escalate_overdue_reports(*, on: datetime.date) -> list[ResidentReport]:
    """Mark every report unhandled past its handling date on ``on`` as escalated, once;
    returns them, for ``run_due`` to tell the commune. The version is left alone."""
    with transaction.atomic():
        reports = list(
            ResidentReport.objects.overdue(on=on)
            .filter(escalated_at__isnull=True)
            .select_related("cell")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        stamp_escalated(reports, scope_path=lambda report: report.cell.path)
    return reports


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months earlier (the 31st becomes the month's
    last day)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)  # pragma: no cover


def erase_expired_phones(*, on: datetime.date) -> int:
    """Erase the resident's phone of every report closed before ``on`` minus
    ``FEEDBACK_PHONE_RETENTION_MONTHS``: it was kept only for a call back. One audit row
    per report (naming the field, never the number); runs again safely."""
    cutoff = months_before(on, settings.FEEDBACK_PHONE_RETENTION_MONTHS)
    moment = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    with transaction.atomic():
        reports = list(
            ResidentReport.objects.filter(status=Status.CLOSED, closed_at__lt=moment)
            .exclude(phone="")
            .select_related("cell")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        now = timezone.now()
        for report in reports:
            report.phone = ""
            report.phone_erased_at = now
            audit.record(
                by=None,
                action="update",
                obj=report,
                scope_path=report.cell.path,
                changes={"cleared": ["phone"]},
                reason=_("Retention policy"),
            )
        ResidentReport.objects.bulk_update(reports, ["phone", "phone_erased_at"], batch_size=500)
    return len(reports)
