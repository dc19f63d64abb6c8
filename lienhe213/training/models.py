"""Training sessions: the province, a commune or a workplace committee trains the
people who carry Regulation 213 out — cell secretaries, commune clerks, those newly
appointed, members newly introduced to their residence — invites them, records who
attended and shares the materials (ADR 0015).

Every write goes through ``training.services``; every read through
``TrainingSession.objects.visible_to``.
"""

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienhe213.training.queries import InvitationQuerySet, TrainingSessionQuerySet


class Audience(models.TextChoices):
    """Who a session is for, over the organizer's subtree; the invitees are computed
    from it when the organizer invites (``training.queries.audience_users``)."""

    CELL_SECRETARIES = "cell_secretaries", _("Cell secretaries")
    COMMUNE_CLERKS = "commune_clerks", _("Commune clerks")
    NEWLY_APPOINTED = (
        "newly_appointed",
        _("Cell secretaries and commune clerks appointed this year"),
    )
    NEWLY_INTRODUCED = "newly_introduced", _("Members introduced to their residence this year")


class TrainingSession(models.Model):
    """One planned session: its organizer (the provincial committee, a commune committee
    or a workplace committee), topic, day, place or online link, and audience.

    Planned, then held (attendance recorded, on or after its day) or cancelled; both are
    final. ``version`` refuses a step taken from a page that is no longer current.
    """

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    organizer = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organized by"),
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    topic = models.CharField(_("topic"), max_length=200)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("start time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(
        _("online link"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PLANNED
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("attendance recorded at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        indexes = [models.Index(fields=["organizer", "date"]), models.Index(fields=["date"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(place="") | ~models.Q(online_link=""),
                name="training_session_place_or_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.date:%d/%m/%Y})"

    def can_invite(self) -> bool:
        return self.state == self.State.PLANNED

    def can_cancel(self) -> bool:
        return self.state == self.State.PLANNED

    def can_record_attendance(self, today: Any) -> bool:
        """Attendance is recorded once the day has come, for a session not cancelled
        (a held session may be corrected)."""
        return self.state != self.State.CANCELLED and self.date <= today

    def can_change_materials(self) -> bool:
        return self.state != self.State.CANCELLED


class Invitation(models.Model):
    """One person invited to a session, and whether they attended (unknown until the
    organizer records attendance)."""

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("training session"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invitee"),
        on_delete=models.CASCADE,
        related_name="training_invitations",
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invited at"))

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["session_id", "user__last_name", "user__first_name", "user_id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="training_invitation_once")
        ]
        indexes = [models.Index(fields=["user", "attended"])]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.user_id}"


def material_path(instance: "TrainingMaterial", filename: str) -> str:
    """Where a material is stored: a random name under the session's folder, so that
    the uploader's file name never reaches the file system (it is kept in the row)."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"training/{instance.session_id}/{uuid.uuid4().hex}{suffix}"


class TrainingMaterial(models.Model):
    """A PDF or DOCX shared with a session's invitees, stored through Django's storage
    and served only through ``training:material`` (which checks access)."""

    class FileType(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("training session"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    file = models.FileField(_("file"), upload_to=material_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    file_type = models.CharField(_("file type"), max_length=4, choices=FileType.choices)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["session_id", "uploaded_at", "id"]
        verbose_name = _("training material")
        verbose_name_plural = _("training materials")

    def __str__(self) -> str:
        return self.original_name

    @property
    def content_type(self) -> str:
        if self.file_type == self.FileType.PDF:
            return "application/pdf"
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
