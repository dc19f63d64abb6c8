"""Every write to the notices between the two committees.

Each service checks that the actor may act for the side it writes for
(``notices.access``), locks the notice it changes, asks the notice whether the step is
allowed, and writes one audit row, all in one transaction. A refusal raises
``DomainError`` with a translated reason and changes nothing.
"""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.core.escalation import stamp_escalated
from lienhe213.core.locking import check_version
from lienhe213.notices import access
from lienhe213.notices.models import (
    RESPONSE_WORKING_DAYS,
    SIDE_OF_KIND,
    Kind,
    Notice,
    NoticeReply,
    Side,
)
from lienhe213.organizations.models import Organization
from lienhe213.registry.holidays import add_working_days, holidays_between, province_of
from lienhe213.registry.models import ResidenceLink
from lienhe213.reminders import handoffs
from lienhe213.reports import summaries

Status = Notice.Status

# A link closed this many days before a notice still connects the two committees: a
# death, a departure or a last absence is often reported just after the link ends.
RECENTLY_CLOSED_DAYS = 90


def _user(by: AnyUser) -> Any:
    return by if getattr(by, "pk", None) is not None else None


def response_due_for(
    kind: str, recipient: Organization, sent_on: datetime.date
) -> datetime.date | None:
    """The answer deadline of a notice of ``kind`` sent on ``sent_on``: its number of
    working days in the recipient's province (holidays skipped), or None for kinds that
    only inform."""
    days = RESPONSE_WORKING_DAYS.get(kind)
    if days is None:
        return None
    province = province_of(recipient)
    horizon = sent_on + datetime.timedelta(days=2 * days + 21)
    return add_working_days(sent_on, days, holidays_between(province, sent_on, horizon))


def link_connects(link: ResidenceLink, on: datetime.date) -> bool:
    """Whether a notice may go through ``link`` on ``on``: it is open, or it closed in
    the last ``RECENTLY_CLOSED_DAYS`` days."""
    if link.is_open:
        return True
    recent = on - datetime.timedelta(days=RECENTLY_CLOSED_DAYS)
    return bool(
        link.status == ResidenceLink.Status.CLOSED and link.ended_on and link.ended_on >= recent
    )


def _require_link_connects(link: ResidenceLink, on: datetime.date) -> None:
    if link_connects(link, on):
        return
    raise DomainError(
        _(
            "This link is %(status)s; notices go only through an open link or one closed "
            "in the last %(days)s days."
        )
        % {"status": link.get_status_display().lower(), "days": RECENTLY_CLOSED_DAYS},
        field="link",
    )


@transaction.atomic
def send_notice(
    *,
    by: AnyUser,
    link: ResidenceLink,
    kind: str,
    sender: Organization,
    recipient: Organization,
    body: str,
    sent_on: datetime.date,
) -> Notice:
    """Send a notice about the member of ``link`` from one side of it to the other.

    The two organizations must be the link's workplace committee and its residence
    commune or cell; a residence kind goes from the residence, a workplace kind from
    the workplace; the actor must act for the sender.
    """
    link = ResidenceLink.objects.select_related("member").get(pk=link.pk)
    _require_link_connects(link, sent_on)
    sender_side = access.side_of(link, sender)
    if sender_side is None:
        raise DomainError(
            _("“%(org)s” is neither the workplace nor the residence of this member's link.")
            % {"org": sender.name},
            field="sender",
        )
    recipient_side = access.side_of(link, recipient)
    if recipient_side is None or recipient_side == sender_side:
        raise DomainError(
            _(
                "“%(org)s” is not the other side of this member's link; a notice goes "
                "between the workplace committee and the residence commune or cell."
            )
            % {"org": recipient.name},
            field="recipient",
        )
    if kind not in SIDE_OF_KIND:
        raise DomainError(_("Choose the kind of notice."), field="kind")
    if SIDE_OF_KIND[kind] != sender_side:
        message = (
            _("A notice of this kind is sent by the residence side.")
            if SIDE_OF_KIND[kind] == Side.RESIDENCE
            else _("A notice of this kind is sent by the workplace side.")
        )
        raise DomainError(message, field="kind")
    access.require_acting_for(by, sender, sender_side)
    if not body.strip():
        raise DomainError(_("Write the message."), field="body")
    notice = Notice.objects.create(
        member=link.member,
        link=link,
        sender=sender,
        recipient=recipient,
        kind=kind,
        body=body.strip(),
        sent_on=sent_on,
        sent_by=_user(by),
        response_due=response_due_for(kind, recipient, sent_on),
    )
    summaries.added(notices=[notice])
    audit.record(
        by=by,
        action="create",
        obj=notice,
        scope_path=sender.path,
        changes=audit.snapshot(
            notice, ["member", "link", "sender", "recipient", "kind", "sent_on", "response_due"]
        ),
    )
    _notify_recipient(notice, recipient_side=recipient_side, by=by)
    return notice


def _notify_recipient(notice: Notice, *, recipient_side: str, by: AnyUser) -> None:
    """Tell the recipient's people — the workplace officers of a workplace committee,
    the secretary of a cell, the clerks of a commune — that a notice came in."""
    recipient = notice.recipient
    if recipient_side == Side.WORKPLACE:
        roles = handoffs.WORKPLACE
    elif recipient.kind == Organization.Kind.CELL:
        roles = handoffs.CELL
    else:
        roles = handoffs.COMMUNE
    handoffs.notify(
        kind=handoffs.Kind.NOTICE_SENT,
        key=f"{handoffs.Kind.NOTICE_SENT}:{notice.pk}",
        object_id=notice.pk,
        params={
            "sender": notice.sender.name,
            "kind": notice.kind,
            "member": notice.member.full_name,
            "on": notice.sent_on.isoformat(),
            "due": notice.response_due.isoformat() if notice.response_due else None,
        },
        path=recipient.path,
        roles=roles,
        by=by,
        may_see=lambda user: Notice.objects.visible_to(user).filter(pk=notice.pk).exists(),
    )


def _lock(notice: Notice, version: int | None) -> Notice:
    current = (
        Notice.objects.select_for_update()
        .select_related("link", "sender", "recipient")
        .get(pk=notice.pk)
    )
    check_version(current, version, what="notice")
    return current


def _acting_for(by: AnyUser, notice: Notice) -> Organization:
    """The organization ``by`` writes for on ``notice``: the recipient if they may act
    for it, else the sender; refused when neither."""
    sides = access.acting_sides(by, notice)
    if "recipient" in sides:
        return notice.recipient
    if "sender" in sides:
        return notice.sender
    raise DomainError(_("You may act for neither side of this notice."))


def _step(
    notice: Notice, *, by: AnyUser, event: str, changes: dict[str, Any], org: Organization
) -> Notice:
    before = audit.snapshot(notice, changes)
    for name, value in changes.items():
        setattr(notice, name, value)
    notice.version += 1
    notice.save(update_fields=[*changes, "version"])
    after = audit.snapshot(notice, changes)
    audit.record(
        by=by,
        action="update",
        obj=notice,
        scope_path=org.path,
        changes={"event": event, **audit.diff(before, after)},
    )
    return notice


@transaction.atomic
def acknowledge_notice(*, by: AnyUser, notice: Notice, version: int | None = None) -> Notice:
    """The recipient confirms it has read the notice."""
    notice = _lock(notice, version)
    recipient = notice.recipient
    side = access.side_of(notice.link, recipient)
    if side is None or not access.may_act_for(by, recipient, side):
        raise DomainError(
            _("This notice is addressed to “%(org)s”; only they acknowledge it.")
            % {"org": recipient.name}
        )
    if not notice.can_be_acknowledged():
        raise DomainError(
            _("This notice is %(status)s; only a notice just sent can be acknowledged.")
            % {"status": notice.get_status_display().lower()}
        )
    with summaries.changing(notices=[notice]):
        return _step(
            notice,
            by=by,
            event="acknowledged",
            changes={
                "status": Status.ACKNOWLEDGED,
                "acknowledged_at": timezone.now(),
                "acknowledged_by": _user(by),
            },
            org=recipient,
        )


@transaction.atomic
def reply_to_notice(
    *, by: AnyUser, notice: Notice, body: str, version: int | None = None
) -> NoticeReply:
    """Add a message to the notice's thread, from either side. The recipient's first
    reply answers the notice (and acknowledges it if that was not done)."""
    notice = _lock(notice, version)
    org = _acting_for(by, notice)
    if not notice.can_be_replied_to():
        raise DomainError(_("This notice is closed; its thread takes no more replies."))
    if not body.strip():
        raise DomainError(_("Write the message."), field="body")
    changes: dict[str, Any] = {}
    if org.pk == notice.recipient_id and notice.status != Status.ANSWERED:
        changes["status"] = Status.ANSWERED
        if notice.acknowledged_at is None:
            changes.update(acknowledged_at=timezone.now(), acknowledged_by=_user(by))
    with summaries.changing(notices=[notice]):
        reply = NoticeReply.objects.create(
            notice=notice, organization=org, by=_user(by), body=body.strip()
        )
        _step(notice, by=by, event="replied", changes=changes, org=org)
    return reply


@transaction.atomic
def close_notice(
    *, by: AnyUser, notice: Notice, outcome: str, version: int | None = None
) -> Notice:
    """Either side records how the matter ended and closes the notice."""
    notice = _lock(notice, version)
    org = _acting_for(by, notice)
    if not notice.can_be_closed():
        raise DomainError(_("This notice is already closed."))
    if not outcome.strip():
        raise DomainError(_("Record the outcome."), field="outcome")
    return _step(
        notice,
        by=by,
        event="closed",
        changes={"status": Status.CLOSED, "outcome": outcome.strip(), "closed_at": timezone.now()},
        org=org,
    )


@transaction.atomic
def escalate_overdue_notices(*, on: datetime.date) -> list[Notice]:
    """Mark every notice unanswered past its deadline on ``on`` as escalated, once.

    Running it again escalates nothing twice; returns the notices escalated now, for
    the reminder command to tell the sender's and the recipient's superiors. The
    version is left alone: escalation changes nothing a person is editing.
    """
    notices = list(
        Notice.objects.overdue(on=on)
        .filter(escalated_at__isnull=True)
        .select_related("recipient")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    stamp_escalated(notices, scope_path=lambda notice: notice.recipient.path)
    return notices


__all__ = [
    "Kind",
    "acknowledge_notice",
    "close_notice",
    "escalate_overdue_notices",
    "reply_to_notice",
    "response_due_for",
    "send_notice",
]
