"""The tracking book: classification decisions, residence links and their history.

The rules of Regulation 213 and Guidance 33-HD/BTCTW that concern one row live here as
choices, database constraints and small predicates; every write goes through
``registry.services`` (ADR 0005).
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienhe213.core.fields import import_batch_field
from lienhe213.registry.queries import ExemptionDecisionQuerySet, ResidenceLinkQuerySet


class Category(models.TextChoices):
    """How a working member is treated at the residence (33-HD §1.1–1.2)."""

    NORMAL = "normal", _("Normal")
    A = "a", _("Category A: introduced, exempt from residence activities")
    B = "b", _("Category B: not introduced")


class Reason(models.TextChoices):
    """The grounds for an exemption listed by Guidance 33-HD/BTCTW."""

    # Category A (33-HD §1.1)
    ARMED_FORCES_BARRACKS = "armed_forces_barracks", _("Armed forces living in barracks")
    MOBILE_WORK = "mobile_work", _("Work away from home or on the move")
    FULL_TIME_STUDY = "full_time_study", _("Full-time study for 12 months")
    STUDENT_AWAY = "student_away", _("Studying far from home")
    # Category B (33-HD §1.2)
    SPECIAL_MISSION = "special_mission", _("Special mission or standing combat readiness")
    REMOTE_POST = "remote_post", _("Posted in a remote, border or island area")
    ABROAD = "abroad", _("Abroad for 12 months or more")
    ILLNESS = "illness", _("Ill, in treatment for 12 months or more")


REASONS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    Category.NORMAL: (),
    Category.A: (
        Reason.ARMED_FORCES_BARRACKS,
        Reason.MOBILE_WORK,
        Reason.FULL_TIME_STUDY,
        Reason.STUDENT_AWAY,
    ),
    Category.B: (Reason.SPECIAL_MISSION, Reason.REMOTE_POST, Reason.ABROAD, Reason.ILLNESS),
}


class ExemptionDecision(models.Model):
    """The classification of a working member: normal, category A or category B.

    One table holds every classification, normal ones included (``category=normal``,
    no reason), so "not yet classified" is simply "no decision in force" and the history
    of a member's classifications reads in one place. The workplace cell proposes; the
    grassroots committee (or the grassroots cell where there is no committee) decides
    (33-HD §1.3). An exemption is reviewed when its ground ends (``review_on``); a
    decision is revoked rather than deleted.
    """

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="exemption_decisions",
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices, blank=True)
    proposed_by = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField(_("decision date"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    review_on = models.DateField(_("review date"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExemptionDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["member_id", "valid_from", "id"]
        verbose_name = _("classification decision")
        verbose_name_plural = _("classification decisions")
        indexes = [models.Index(fields=["category", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="exemption_valid_period",
            ),
            models.CheckConstraint(
                condition=models.Q(category=Category.NORMAL, reason="")
                | models.Q(category=Category.A, reason__in=REASONS_BY_CATEGORY[Category.A])
                | models.Q(category=Category.B, reason__in=REASONS_BY_CATEGORY[Category.B]),
                name="exemption_reason_fits_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.category} {self.valid_from}"

    def is_in_force(self, day: datetime.date) -> bool:
        return (
            self.valid_from <= day
            and (self.valid_until is None or self.valid_until >= day)
            and (self.revoked_on is None or self.revoked_on > day)
        )


class LetterForm(models.TextChoices):
    """The introduction letter's form: 1-213 for normal members, 2-213 for category A."""

    NORMAL = "1-213", _("Form 1-213")
    CATEGORY_A = "2-213", _("Form 2-213")


class ResidenceLink(models.Model):
    """One entry of the tracking book: a working member introduced by the workplace to
    the committee of the commune where they live, and the cell that takes them in.

    ``issued_by_organization`` issued the letter and never changes (the letter number is
    unique per issuer and year); ``workplace_organization`` is the workplace committee
    the link answers to now, which changes after a formal transfer. A member has at most
    one open link (issued, received, assigned or active): a partial unique index makes it
    the database's rule too (ADR 0005).
    """

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        RECEIVED = "received", _("Received by the commune")
        RETURNED = "returned", _("Returned")
        ASSIGNED = "assigned", _("Assigned to a cell")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    class EndReason(models.TextChoices):
        MOVED_RESIDENCE = "moved_residence", _("Moved to another residence")
        RETIRED_TRANSFERRED = "retired_transferred", _("Retired and transferred")
        LEFT_PARTY = "left_party", _("Left the party")
        DIED = "died", _("Died")
        CATEGORY_B = "category_b", _("Exempt from introduction (category B)")

    OPEN_STATUSES = (Status.ISSUED, Status.RECEIVED, Status.ASSIGNED, Status.ACTIVE)

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="residence_links",
    )
    issued_by_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="issued_letters",
    )
    workplace_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("workplace committee"),
        on_delete=models.PROTECT,
        related_name="workplace_links",
    )
    residence_commune_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("residence commune committee"),
        on_delete=models.PROTECT,
        related_name="commune_links",
    )
    residence_cell = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("residential cell"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cell_links",
    )
    category = models.CharField(
        _("category"),
        max_length=10,
        choices=[(Category.NORMAL, Category.NORMAL.label), (Category.A, Category.A.label)],
        default=Category.NORMAL,
    )
    letter_form = models.CharField(
        _("letter form"), max_length=5, choices=LetterForm.choices, default=LetterForm.NORMAL
    )
    letter_number = models.PositiveIntegerField(_("letter number"))
    letter_year = models.PositiveSmallIntegerField(_("letter year"))
    issued_on = models.DateField(_("issued on"))
    deadline = models.DateField(_("presentation deadline"))
    presented_on = models.DateField(_("presented on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_reason = models.CharField(_("reason for return"), max_length=255, blank=True)
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=30, choices=EndReason.choices, blank=True
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ISSUED
    )
    import_batch = import_batch_field()
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResidenceLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-letter_year", "issued_by_organization_id", "-letter_number"]
        verbose_name = _("residence link")
        verbose_name_plural = _("residence links")
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["residence_commune_organization", "status"]),
            models.Index(fields=["residence_cell", "status"]),
            models.Index(fields=["workplace_organization", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["issued_by_organization", "letter_year", "letter_number"],
                name="residence_link_unique_letter_number",
                violation_error_message=_("This letter number is already used this year."),
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status__in=["issued", "received", "assigned", "active"]),
                name="residence_link_one_open_per_member",
                violation_error_message=_("The member already has an open residence link."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(ended_on__isnull=False),
                name="residence_link_closed_has_end_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["assigned", "active"])
                | models.Q(residence_cell__isnull=False),
                name="residence_link_assigned_has_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter_number}/{self.letter_year} ({self.get_letter_form_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, day: datetime.date) -> bool:
        """Issued and still not received by the commune after the deadline."""
        return self.status == self.Status.ISSUED and self.deadline < day

    def can_be_presented(self) -> bool:
        return self.status == self.Status.ISSUED and self.presented_on is None

    def can_be_received(self) -> bool:
        return self.status == self.Status.ISSUED

    def can_be_returned(self) -> bool:
        return self.status in (self.Status.ISSUED, self.Status.RECEIVED)

    def can_be_assigned(self) -> bool:
        return self.status == self.Status.RECEIVED

    def can_be_acknowledged(self) -> bool:
        return self.status == self.Status.ASSIGNED

    def can_be_moved(self) -> bool:
        return self.is_open

    def can_be_ended(self) -> bool:
        return self.is_open


class LinkEvent(models.Model):
    """One step in the life of a residence link, in the order it happened.

    Every service that changes a link writes exactly one event, so the tracking book's
    history per member is a plain list of these rows; ``before``/``after`` hold the
    changed fields.
    """

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Letter issued")
        PRESENTED = "presented", _("Letter presented")
        RECEIVED = "received", _("Received by the commune")
        RETURNED = "returned", _("Letter returned")
        ASSIGNED = "assigned", _("Assigned to a cell")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the cell")
        MOVED = "moved", _("Moved to another residence")
        WORKPLACE_CHANGED = "workplace_changed", _("Workplace changed")
        EXEMPTED = "exempted", _("Exemption recorded")
        REMAPPED = "remapped", _("Re-mapped after restructuring")
        CLOSED = "closed", _("Closed")

    link = models.ForeignKey(
        ResidenceLink, verbose_name=_("link"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("date"))
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    import_batch = import_batch_field(_("Set on the steps of a link brought in from a paper book."))

    class Meta:
        ordering = ["link_id", "at", "id"]
        # Reports of a past day read the re-maps after it (reports.indicators).
        indexes = [models.Index(fields=["kind", "on"], name="linkevent_kind_on")]
        verbose_name = _("link event")
        verbose_name_plural = _("link events")

    def __str__(self) -> str:
        return f"{self.link_id} {self.kind} {self.on}"


class DeadlinePolicy(models.Model):
    """A provincial committee's deadline for presenting an introduction letter.

    Neither Regulation 213 nor Guidance 33 sets one (docs/domain.md §4.1), so each province
    chooses; without a row the default of 30 working days applies.
    """

    DEFAULT_LETTER_DEADLINE = 30

    province = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("provincial committee"),
        on_delete=models.PROTECT,
        related_name="deadline_policy",
    )
    letter_deadline_working_days = models.PositiveSmallIntegerField(
        _("working days to present a letter"), default=DEFAULT_LETTER_DEADLINE
    )

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")

    def __str__(self) -> str:
        return f"{self.province_id}: {self.letter_deadline_working_days}"


class PublicHoliday(models.Model):
    """A day off that deadlines in working days skip: national (no province) or
    declared by one provincial committee."""

    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=150)
    province = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("provincial committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="public_holidays",
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(province__isnull=True),
                name="public_holiday_unique_national_date",
            ),
            models.UniqueConstraint(
                fields=["date", "province"],
                condition=models.Q(province__isnull=False),
                name="public_holiday_unique_provincial_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"
