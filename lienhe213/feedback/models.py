"""Residents' feedback: a public page per residential cell where residents tell the cell
about the conduct of party members living among them (Regulation 213 art. 1.2 and the
member's task 5: residents supervise members through the cell; docs/domain.md §1.1).

A report arrives anonymous, is matched by the cell or the commune to a linked member (or
closed as not about a member, not serious or a duplicate) and, once matched, is evidence
for the member's next comment and may be forwarded to the workplace as a notice. Every
write goes through ``feedback.services`` (ADR 0014).
"""

import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienhe213.accounts.models import RepresentativeKind
from lienhe213.feedback.queries import ResidentReportQuerySet


class FeedbackChannel(models.Model):
    """The public page of one residential cell: an unguessable short address (``slug``)
    printed with its QR code on the community's notice board. Created on demand by the
    cell or its commune; one per cell."""

    cell = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("residential cell"),
        on_delete=models.PROTECT,
        related_name="feedback_channel",
    )
    slug = models.CharField(_("address code"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["cell_id"]
        verbose_name = _("residents' page")
        verbose_name_plural = _("residents' pages")

    def __str__(self) -> str:
        return str(self.cell)


class Topic(models.TextChoices):
    """What a resident may report (the public page explains each in plain words)."""

    GOOD_CONDUCT = "good_conduct", _("Good conduct")
    CONCERN = "concern", _("A concern about conduct where they live")
    MOVED_AWAY = "moved_away", _("No longer lives here")


class CloseReason(models.TextChoices):
    """Why a report was closed. The first three close a report that was not matched."""

    NOT_ABOUT_A_MEMBER = "not_about_a_member", _("Not about a party member of the cell")
    NOT_SERIOUS = "not_serious", _("Not serious enough to act on")
    DUPLICATE = "duplicate", _("Duplicate of another report")
    FORWARDED = "forwarded", _("Forwarded to the workplace committee")
    HANDLED = "handled", _("Handled by the residence")


# A matched report closes only as handled or not serious; forwarding closes it itself.
UNMATCHED_CLOSE_REASONS = (
    CloseReason.NOT_ABOUT_A_MEMBER,
    CloseReason.NOT_SERIOUS,
    CloseReason.DUPLICATE,
)
MATCHED_CLOSE_REASONS = (CloseReason.HANDLED, CloseReason.NOT_SERIOUS)


def receipt_digest(receipt: str) -> str:
    """What is stored of a receipt code: its SHA-256, so that nobody reading the
    database (or a backup) can look up a report's status as the resident."""
    return hashlib.sha256(receipt.strip().encode()).hexdigest()


class ResidentReport(models.Model):
    """One resident's report to a residential cell.

    The resident names the member as they know them; the cell (or the commune) matches
    it to one of the cell's linked members (``link``) or closes it. The phone number,
    given only for a call back, is read by the cell secretary and the commune clerk
    alone and erased ``FEEDBACK_PHONE_RETENTION_MONTHS`` after the report closed. The
    receipt is kept only as a digest (``receipt_digest``).
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        HANDLING = "handling", _("Being handled")
        CLOSED = "closed", _("Closed")

    cell = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("residential cell"),
        on_delete=models.PROTECT,
        related_name="resident_reports",
    )
    topic = models.CharField(_("about"), max_length=20, choices=Topic.choices)
    member_name = models.CharField(_("member's name as written"), max_length=150)
    community = models.CharField(_("village or residential group"), max_length=150)
    body = models.TextField(_("what happened"), max_length=2000)
    phone = models.CharField(_("phone for a call back"), max_length=20, blank=True)
    receipt_digest = models.CharField(max_length=64, unique=True, editable=False)
    received_at = models.DateTimeField(_("received at"))
    handle_by = models.DateField(_("to handle by"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    link = models.ForeignKey(
        "registry.ResidenceLink",
        verbose_name=_("residence link"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resident_reports",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resident_reports",
    )
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("matched by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notice = models.OneToOneField(
        "notices.Notice",
        verbose_name=_("notice to the workplace"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resident_report",
    )
    close_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True
    )
    note = models.TextField(_("handling note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # A community representative's written opinion (ADR 0014): who wrote it, and whom
    # they spoke for and their name as of that day, kept even if the role ends later.
    # Empty for a resident's anonymous report.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    representative_kind = models.CharField(
        _("representative of"), max_length=30, choices=RepresentativeKind.choices, blank=True
    )
    representative_name = models.CharField(_("representative's name"), max_length=150, blank=True)
    # The one-time code of the representative's form: the same form sent twice is
    # stored once (``services.submit_opinion``).
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    phone_erased_at = models.DateTimeField(_("phone erased at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ResidentReportQuerySet.as_manager()

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("resident's report")
        verbose_name_plural = _("residents' reports")
        indexes = [
            models.Index(fields=["cell", "status", "received_at"]),
            models.Index(fields=["status", "handle_by"]),
            models.Index(fields=["member", "received_at"]),
            models.Index(fields=["submitted_by", "received_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed")
                | (models.Q(closed_at__isnull=False) & ~models.Q(close_reason="")),
                name="resident_report_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(member__isnull=True, link__isnull=True)
                | models.Q(member__isnull=False, link__isnull=False),
                name="resident_report_member_with_link",
            ),
            models.CheckConstraint(
                condition=models.Q(representative_kind="", representative_name="")
                | (~models.Q(representative_kind="") & ~models.Q(representative_name="")),
                name="resident_report_representative_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} ({self.received_at:%d/%m/%Y})"

    @property
    def is_opinion(self) -> bool:
        """Written by a community representative, not a resident."""
        return bool(self.representative_kind)

    @property
    def is_matched(self) -> bool:
        return self.member_id is not None

    def is_overdue(self, day: datetime.date) -> bool:
        """Nobody matched or closed it by its handling date."""
        return self.status == self.Status.RECEIVED and self.handle_by < day

    def can_be_matched(self) -> bool:
        return self.status == self.Status.RECEIVED

    def can_be_closed(self) -> bool:
        return self.status != self.Status.CLOSED

    def can_be_forwarded(self) -> bool:
        return self.status == self.Status.HANDLING and self.notice_id is None

    def close_reasons(self) -> tuple[str, ...]:
        """The reasons this report may be closed with now."""
        return MATCHED_CLOSE_REASONS if self.is_matched else UNMATCHED_CLOSE_REASONS
