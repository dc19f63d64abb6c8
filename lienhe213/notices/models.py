"""Two-way notices: a typed message between the workplace committee and the residence
commune (or cell) about one linked member, with its deadline, reply thread and outcome.

Every write goes through ``notices.services``; the rules that concern one row live here.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienhe213.notices.queries import NoticeQuerySet


class Side(models.TextChoices):
    """Which committee of a residence link a notice comes from."""

    RESIDENCE = "residence", _("Residence")
    WORKPLACE = "workplace", _("Workplace")


class Kind(models.TextChoices):
    """What a notice is about (Regulation 213 art. 3, docs/domain.md §4.5)."""

    # From the residence side
    VIOLATION = "violation", _("Violation at the residence")
    GOOD_CONDUCT = "good_conduct", _("Good conduct / commendation proposal")
    REPEATED_ABSENCE = "repeated_absence", _("Repeated absence from meetings")
    UNREACHABLE = "unreachable", _("Unreachable / no longer living here")
    # From the workplace side
    WORKPLACE_CHANGED = "workplace_changed", _("Workplace changed")
    RETIREMENT = "retirement", _("Retirement")
    DISCIPLINE_OUTCOME = "discipline_outcome", _("Discipline outcome")
    COMMENDATION_OUTCOME = "commendation_outcome", _("Commendation outcome")
    APPOINTMENT = "appointment", _("Appointment needing a comment")
    EXEMPTION = "exemption", _("Exemption granted or ended")
    DEATH = "death", _("Death")
    LEFT_PARTY = "left_party", _("Left the party")


SIDE_OF_KIND: dict[str, str] = {
    Kind.VIOLATION: Side.RESIDENCE,
    Kind.GOOD_CONDUCT: Side.RESIDENCE,
    Kind.REPEATED_ABSENCE: Side.RESIDENCE,
    Kind.UNREACHABLE: Side.RESIDENCE,
    Kind.WORKPLACE_CHANGED: Side.WORKPLACE,
    Kind.RETIREMENT: Side.WORKPLACE,
    Kind.DISCIPLINE_OUTCOME: Side.WORKPLACE,
    Kind.COMMENDATION_OUTCOME: Side.WORKPLACE,
    Kind.APPOINTMENT: Side.WORKPLACE,
    Kind.EXEMPTION: Side.WORKPLACE,
    Kind.DEATH: Side.WORKPLACE,
    Kind.LEFT_PARTY: Side.WORKPLACE,
}

# Working days the recipient has to answer; kinds that only inform need no answer.
RESPONSE_WORKING_DAYS: dict[str, int] = {
    Kind.VIOLATION: 10,
    Kind.GOOD_CONDUCT: 15,
    Kind.REPEATED_ABSENCE: 10,
    Kind.UNREACHABLE: 10,
    Kind.APPOINTMENT: 10,
}


class Notice(models.Model):
    """One message from one side of a member's residence link to the other.

    The sender and the recipient are always the link's workplace committee and its
    residence commune or cell, and the kind decides which of them may send it. Kinds
    that ask for an answer get ``response_due`` in working days; a notice still
    unanswered after it is escalated once (``escalated_at``). ``version`` guards the
    steps against two people acting on the same notice at once.
    """

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="notices"
    )
    link = models.ForeignKey(
        "registry.ResidenceLink",
        verbose_name=_("residence link"),
        on_delete=models.PROTECT,
        related_name="notices",
    )
    sender = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="notices_sent",
    )
    recipient = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="notices_received",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    body = models.TextField(_("message"))
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    response_due = models.DateField(_("answer due"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SENT
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["recipient", "status"]),
            models.Index(fields=["sender", "status"]),
            models.Index(fields=["status", "response_due"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(sender=models.F("recipient")),
                name="notice_between_two_organizations",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="notice_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.sent_on:%d/%m/%Y})"

    @property
    def side(self) -> str:
        return SIDE_OF_KIND[self.kind]

    def is_overdue(self, day: datetime.date) -> bool:
        """Unanswered past its answer deadline."""
        return (
            self.response_due is not None
            and self.response_due < day
            and self.status in (self.Status.SENT, self.Status.ACKNOWLEDGED)
        )

    def can_be_acknowledged(self) -> bool:
        return self.status == self.Status.SENT

    def can_be_replied_to(self) -> bool:
        return self.status != self.Status.CLOSED

    def can_be_closed(self) -> bool:
        return self.status != self.Status.CLOSED


class NoticeReply(models.Model):
    """One message of a notice's thread, from either side."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="replies"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("written at"), auto_now_add=True)
    body = models.TextField(_("message"))

    class Meta:
        ordering = ["notice_id", "at", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return f"{self.notice_id} {self.at:%Y-%m-%d %H:%M}"
