"""Residence meetings: a residential cell meets its linked working members at least every
six months (Regulation 213, Art. 4.3; docs/domain.md §4.3), records who came, what they said and
what is to be done next. Every write goes through ``meetings.services``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienhe213.meetings.queries import AttendanceQuerySet, FollowUpQuerySet, MeetingQuerySet


class Meeting(models.Model):
    """A meeting of a residential cell with the working members linked to it.

    Planned meetings carry the invitations (one ``Attendance`` row per invited member);
    a held meeting counts for the six-month rule, a cancelled one never does.
    ``version`` guards against two people editing the same meeting at once.
    """

    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Periodic")
        THEMATIC = "thematic", _("Thematic")
        EXTRAORDINARY = "extraordinary", _("Extraordinary")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    cell = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("residential cell"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.PERIODIC)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=255, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["cell", "status", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | ~models.Q(cancel_reason=""),
                name="meeting_cancelled_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    def can_take_records(self) -> bool:
        """Attendance, opinions and follow-ups are recorded on a planned or held meeting."""
        return self.status != self.Status.CANCELLED


class Attendance(models.Model):
    """A member's invitation to a meeting and whether they came.

    Only a member linked to the meeting's cell has a row; ``link`` is the tracking-book
    entry that made them one. ``invited`` is false for a member who came without an
    invitation (a category-A member, exempt from activities, is not invited by default).
    """

    class Status(models.TextChoices):
        UNKNOWN = "unknown", _("Not recorded")
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="meeting_attendances",
    )
    link = models.ForeignKey(
        "registry.ResidenceLink",
        verbose_name=_("residence link"),
        on_delete=models.PROTECT,
        related_name="meeting_attendances",
    )
    invited = models.BooleanField(_("invited"), default=True)
    status = models.CharField(
        _("attendance"), max_length=10, choices=Status.choices, default=Status.UNKNOWN
    )
    excuse_reason = models.CharField(_("reason for the excuse"), max_length=255, blank=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["meeting_id", "member__given_name", "member__family_name", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        indexes = [models.Index(fields=["member", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                name="attendance_one_per_member",
                violation_error_message=_("This member already has an attendance record."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="excused") | ~models.Q(excuse_reason=""),
                name="attendance_excused_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.member_id} {self.status}"


class Opinion(models.Model):
    """An opinion a linked member raised at the meeting: who said what."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="opinions"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="meeting_opinions",
    )
    text = models.TextField(_("opinion"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.member_id}"


class FollowUp(models.Model):
    """Something the meeting decided to do, with who does it and by when.

    ``owner`` says in words who does it (often the cell committee or a group); when the
    item is about one of the cell's linked members, or that member took it on, ``member``
    names them, and the evidence panel of that member's comment lists it. It is
    PROTECT, as on attendances and opinions: a member with meeting records is kept (their
    links and attendances already forbid deleting them), and SET_NULL would silently
    detach the item from the person it is about.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    description = models.TextField(_("description"))
    owner = models.CharField(_("owner"), max_length=200)
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_follow_ups",
    )
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["meeting_id", "due_on", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.due_on}"
