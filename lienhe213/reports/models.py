"""Commendations recorded at the annual thematic review (docs/domain.md §4.7, §4.8; ADR 0009).

They live in ``reports`` because they are the review's outcome: the review lists the
proposals (from the cells' "commend" recommendations and from the committees) and the
decisions, and nothing else reads them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienhe213.reports.queries import CommendationQuerySet


class Commendation(models.Model):
    """The commendation of an organization or of a member for a year: proposed by a
    committee over the subject, then decided (with a decision number and date) or
    rejected by the province. ``version`` changes with every step."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        DECIDED = "decided", _("Decided")
        REJECTED = "rejected", _("Rejected")

    year = models.PositiveSmallIntegerField(_("year"))
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("commended organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("commended member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    comment_request = models.ForeignKey(
        "comments.CommentRequest",
        verbose_name=_("comment recommending it"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    reason = models.TextField(_("reason"))
    proposed_by_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="commendations_proposed",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposal recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_on = models.DateField(_("proposed on"))
    decided_by_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations_decided",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decision recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_number = models.CharField(_("decision number"), max_length=40, blank=True)
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    decision_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommendationQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "status", "pk"]
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=True, member__isnull=False)
                | models.Q(organization__isnull=False, member__isnull=True),
                name="commendation_one_subject",
                violation_error_message=_("Commend either an organization or a member."),
            ),
            models.UniqueConstraint(
                fields=["decided_by_organization", "decision_year", "decision_number"],
                condition=~models.Q(decision_number=""),
                name="commendation_unique_decision_number",
                violation_error_message=_(
                    "This committee already used this decision number that year."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="decided")
                | (
                    ~models.Q(decision_number="")
                    & models.Q(decided_on__isnull=False, decided_by_organization__isnull=False)
                ),
                name="commendation_decided_has_decision",
            ),
            models.UniqueConstraint(
                fields=["organization", "year"],
                condition=~models.Q(status="rejected"),
                name="commendation_one_per_organization_year",
                violation_error_message=_("This organization is already proposed for that year."),
            ),
            models.UniqueConstraint(
                fields=["member", "year"],
                condition=~models.Q(status="rejected"),
                name="commendation_one_per_member_year",
                violation_error_message=_("This member is already proposed for that year."),
            ),
        ]

    def __str__(self) -> str:
        subject = self.organization if self.organization_id else self.member
        return f"{subject} ({self.year})"

    @property
    def subject(self) -> object:
        return self.organization if self.organization_id else self.member


class Tally(models.Model):
    """One maintained count of the report's figures (ADR 0022): ``value`` of ``figure``
    for ``year`` over ``organization``'s subtree, on one ``side``. Each row adds up what
    every organization under ``organization`` holds, so a report reads one row per
    figure for its organization and one per child. Flows (letters issued…) count the
    rows dated in ``year``; stocks (active links, overdue letters) are written as their
    change over ``year``, and read as the sum of the years up to the report's."""

    class Side(models.TextChoices):
        EITHER = "t", _("either side (the total)")
        RESIDENCE = "r", _("residence")
        WORKPLACE = "w", _("workplace committee")
        PARTY_UNIT = "u", _("party unit")
        SENDER = "s", _("sender")
        RECIPIENT = "c", _("recipient")

    organization = models.ForeignKey(
        # indexed by the key below, which starts with it
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField()
    side = models.CharField(max_length=1, choices=Side.choices)
    figure = models.CharField(max_length=40)
    value = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("report count")
        verbose_name_plural = _("report counts")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "side", "figure", "year"], name="tally_one_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.year} {self.side}: {self.value}"


class TallyState(models.Model):
    """Whether the counts were built (``manage.py summaries --rebuild``) and when: a
    database upgraded from before them holds none, and reports read the rows live
    until they are built."""

    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"built {self.built_at:%Y-%m-%d %H:%M}"
