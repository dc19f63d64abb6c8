"""Reminders: in-app notifications about what is due, and the daily e-mail digest.

A notification stores what it is about (its kind, the object's id and a few plain
values), never a rendered sentence: the text is written when it is shown, in the
reader's language. Every write goes through ``reminders.services`` (ADR 0006).
"""

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lienhe213.reminders.queries import NotificationQuerySet


class Kind(models.TextChoices):
    """What a notification reminds of; the kind decides its text and its link."""

    MEETING_DUE = "meeting_due", _("Meeting due")
    MEETING_OVERDUE = "meeting_overdue", _("Meeting overdue")
    MEETING_INVITATION = "meeting_invitation", _("Meeting invitation")
    REQUEST_DUE = "request_due", _("Comment due")
    REQUEST_OVERDUE = "request_overdue", _("Comment overdue (escalated)")
    NOTICE_DUE = "notice_due", _("Answer to a notice due")
    NOTICE_OVERDUE = "notice_overdue", _("Notice unanswered (escalated)")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up of a proposal due")
    # Hand-offs: a step of the loop passed the work to another side (ADR 0013).
    LETTERS_ISSUED = "letters_issued", _("Letters to receive")
    LETTER_RETURNED = "letter_returned", _("Letter returned")
    LINK_ASSIGNED = "link_assigned", _("Member to take in")
    COMMENTS_REQUESTED = "comments_requested", _("Comments to write")
    COMMENT_SIGNED = "comment_signed", _("Comment to confirm")
    COMMENT_RETURNED = "comment_returned", _("Comment returned")
    NOTICE_SENT = "notice_sent", _("New notice")
    # Residents' feedback (ADR 0014): a new report, and one left unhandled too long.
    FEEDBACK_RECEIVED = "feedback_received", _("New resident's report")
    FEEDBACK_OVERDUE = "feedback_overdue", _("Resident's report unhandled (escalated)")
    # Training sessions (ADR 0015): an invitation, and a session called off.
    TRAINING_INVITED = "training_invited", _("Invitation to a training session")
    TRAINING_CANCELLED = "training_cancelled", _("Training session cancelled")


# The kinds a step of the loop writes at once (``reminders.handoffs``), as opposed to
# the reminders ``run_due`` finds.
HANDOFF_KINDS = (
    Kind.LETTERS_ISSUED,
    Kind.LETTER_RETURNED,
    Kind.LINK_ASSIGNED,
    Kind.COMMENTS_REQUESTED,
    Kind.COMMENT_SIGNED,
    Kind.COMMENT_RETURNED,
    Kind.NOTICE_SENT,
    Kind.FEEDBACK_RECEIVED,
    Kind.TRAINING_INVITED,
    Kind.TRAINING_CANCELLED,
)


# The page each kind links to; ``object_id`` is the argument.
TARGET_VIEWS: dict[str, str] = {
    Kind.MEETING_DUE: "meetings:cell",
    Kind.MEETING_OVERDUE: "meetings:cell",
    Kind.MEETING_INVITATION: "meetings:detail",
    Kind.REQUEST_DUE: "comments:request",
    Kind.REQUEST_OVERDUE: "comments:request",
    Kind.NOTICE_DUE: "notices:detail",
    Kind.NOTICE_OVERDUE: "notices:detail",
    Kind.FOLLOW_UP_DUE: "comments:request",
    # the page where the next step is done
    Kind.LETTERS_ISSUED: "registry:receive_letters",  # the commune's letters to receive
    Kind.LETTER_RETURNED: "registry:link_detail",
    Kind.LINK_ASSIGNED: "registry:link_detail",
    Kind.COMMENTS_REQUESTED: "comments:cell",  # the cell's comments to write
    Kind.COMMENT_SIGNED: "comments:request",
    Kind.COMMENT_RETURNED: "comments:request",
    Kind.NOTICE_SENT: "notices:detail",
    Kind.FEEDBACK_RECEIVED: "feedback:detail",
    Kind.FEEDBACK_OVERDUE: "feedback:detail",
    Kind.TRAINING_INVITED: "training:detail",
    Kind.TRAINING_CANCELLED: "training:detail",
}


def _day(value: Any) -> str:
    """A stored ISO date as the app shows dates (dd/mm/yyyy); blank when missing."""
    if not value:
        return ""
    return datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")


class Notification(models.Model):
    """One thing one user should know about, shown in the app and sent in the digest.

    ``key`` says what the reminder is about and in which state (e.g. the cell and the
    date of its last meeting): it is unique per user, so finding the same thing due
    again creates nothing, and a new reminder comes only after something changed.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=120)
    object_id = models.PositiveBigIntegerField(_("object id"))
    params = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    digested_at = models.DateTimeField(_("sent in a digest at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_newest"),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["user"],
                condition=models.Q(digested_at__isnull=True),
                name="notification_undigested",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def target_url(self) -> str:
        return reverse(TARGET_VIEWS[self.kind], args=[self.object_id])

    def message(self) -> str:
        """The sentence shown for this notification, in the active language."""
        p = self.params
        if self.kind in (Kind.TRAINING_INVITED, Kind.TRAINING_CANCELLED):
            values = {
                "topic": p.get("topic", ""),
                "organizer": p.get("organizer", ""),
                "day": _day(p.get("on")),
                "place": p.get("place") or "—",
            }
            if self.kind == Kind.TRAINING_CANCELLED:
                text = gettext(
                    "The training session “%(topic)s” of %(organizer)s on %(day)s is cancelled."
                )
            else:
                text = gettext(
                    "%(organizer)s invites you to the training session “%(topic)s” on "
                    "%(day)s at %(place)s."
                )
            return text % values
        if self.kind in HANDOFF_KINDS:
            return _handoff_message(self.kind, p)
        if self.kind in (Kind.MEETING_DUE, Kind.MEETING_OVERDUE):
            values = {"cell": p.get("cell", ""), "day": _day(p.get("last_held_on"))}
            if self.kind == Kind.MEETING_OVERDUE:
                if values["day"]:
                    text = gettext(
                        "%(cell)s has not met its linked members for more than six months "
                        "(last meeting %(day)s)."
                    )
                else:
                    text = gettext("%(cell)s has never held a meeting with its linked members.")
            else:
                text = gettext(
                    "%(cell)s should plan a meeting with its linked members: the last one "
                    "was on %(day)s, six months come soon."
                )
            return text % values
        if self.kind == Kind.MEETING_INVITATION:
            values = {
                "cell": p.get("cell", ""),
                "day": _day(p.get("date")),
                "place": p.get("place") or "—",
            }
            return gettext(
                "You are invited to the meeting of %(cell)s on %(day)s at %(place)s."
            ) % (values)
        if self.kind in (Kind.REQUEST_DUE, Kind.REQUEST_OVERDUE):
            values = {"member": p.get("member", ""), "day": _day(p.get("deadline"))}
            if self.kind == Kind.REQUEST_OVERDUE:
                text = gettext(
                    "The comment on %(member)s was not returned by the deadline %(day)s; "
                    "it is escalated."
                )
            else:
                text = gettext("The comment on %(member)s is due by %(day)s.")
            return text % values
        if self.kind == Kind.FEEDBACK_OVERDUE:
            values = {"cell": p.get("cell", ""), "day": _day(p.get("on"))}
            return gettext(
                "A resident's report to %(cell)s, received on %(day)s, is still unhandled; "
                "it is escalated to the commune."
            ) % (values)
        if self.kind == Kind.FOLLOW_UP_DUE:
            from lienhe213.comments.models import Recommendation

            recommendation = p.get("recommendation", "")
            values = {
                "recommendation": Recommendation(recommendation).label
                if recommendation in Recommendation.values
                else recommendation,
                "member": p.get("member", ""),
                "day": _day(p.get("returned_on")),
            }
            return (
                gettext(
                    "The residence's proposal “%(recommendation)s” on %(member)s, returned "
                    "on %(day)s, still awaits the workplace committee's follow-up."
                )
                % values
            )
        from lienhe213.notices.models import Kind as NoticeKind

        kind = p.get("kind", "")
        values = {
            "kind": NoticeKind(kind).label if kind in NoticeKind.values else kind,
            "member": p.get("member", ""),
            "day": _day(p.get("due")),
        }
        if self.kind == Kind.NOTICE_OVERDUE:
            text = gettext(
                "The notice “%(kind)s” about %(member)s was not answered by %(day)s; "
                "it is escalated."
            )
        else:
            text = gettext("The notice “%(kind)s” about %(member)s awaits an answer by %(day)s.")
        return text % values


def _handoff_message(kind: str, p: dict[str, Any]) -> str:
    """The sentence of a hand-off: who passed what to the reader, when, and the step
    that is now theirs. Only names and dates, stored when the step was taken."""
    values = {**p, "day": _day(p.get("on"))}
    count = int(p.get("count") or 1)
    if kind == Kind.LETTERS_ISSUED:
        if count == 1:
            text = gettext(
                "%(workplace)s introduced %(member)s to %(commune)s on %(day)s: receive the "
                "letter when it is presented."
            )
        else:
            text = ngettext(
                "%(workplace)s introduced %(count)d member to %(commune)s on %(day)s: "
                "receive the letter when it is presented.",
                "%(workplace)s introduced %(count)d members to %(commune)s on %(day)s: "
                "receive the letters when they are presented.",
                count,
            )
        return text % {**values, "count": count}
    if kind == Kind.LETTER_RETURNED:
        return gettext(
            "%(commune)s returned the introduction letter of %(member)s on %(day)s "
            "(%(reason)s): correct it and issue a new letter."
        ) % (values)
    if kind == Kind.LINK_ASSIGNED:
        return gettext(
            "%(commune)s assigned %(member)s to %(cell)s on %(day)s: take the member in "
            "and tell them what is expected."
        ) % (values)
    if kind == Kind.COMMENTS_REQUESTED:
        values["deadline"] = _day(p.get("deadline"))
        if count == 1:
            text = gettext(
                "%(workplace)s asks %(cell)s for its comment on %(member)s for %(year)s, "
                "due by %(deadline)s."
            )
        else:
            text = ngettext(
                "%(workplace)s asks %(cell)s for its comments on %(count)d member for "
                "%(year)s, due by %(deadline)s.",
                "%(workplace)s asks %(cell)s for its comments on %(count)d members for "
                "%(year)s, due by %(deadline)s.",
                count,
            )
        return text % {**values, "count": count}
    if kind == Kind.COMMENT_SIGNED:
        return gettext(
            "%(cell)s signed its comment on %(member)s on %(day)s: confirm it and return "
            "it to %(workplace)s."
        ) % (values)
    if kind == Kind.FEEDBACK_RECEIVED:
        return gettext(
            "A resident sent %(cell)s a report on %(day)s: match it to a member or close it."
        ) % (values)
    if kind == Kind.COMMENT_RETURNED:
        return gettext(
            "%(commune)s confirmed and returned the comment on %(member)s on %(day)s: "
            "acknowledge it and use it in the annual rating."
        ) % (values)
    from lienhe213.notices.models import Kind as NoticeKind

    notice_kind = p.get("kind", "")
    values["kind"] = (
        NoticeKind(notice_kind).label if notice_kind in NoticeKind.values else notice_kind
    )
    if p.get("due"):
        values["due"] = _day(p.get("due"))
        return gettext(
            "%(sender)s sent a notice “%(kind)s” about %(member)s on %(day)s; answer it by %(due)s."
        ) % (values)
    return gettext("%(sender)s sent a notice “%(kind)s” about %(member)s on %(day)s.") % (values)


class Digest(models.Model):
    """The one e-mail a user gets on ``day`` with their new notifications.

    The unique (user, day) row is taken before the mail goes out: a second worker or a
    second run finds it and sends nothing (ADR 0006). ``sent_at`` stays empty until the
    mail server accepted the message; a claim left without it (a worker died) is
    released by the next run.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="digests",
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("notifications"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-day", "user_id"]
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_user_and_day"),
            models.CheckConstraint(condition=models.Q(count__gt=0), name="digest_never_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
