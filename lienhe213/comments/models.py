"""The annual comment cycle: the province's campaign, the workplace's requests and the
residence's comments on forms 3-213 (normal members) and 4-213 (category A).

Every write goes through ``comments.services``; the rules about one row (which items a
form carries, which level is the best, which step may follow) live here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from lienhe213.comments.queries import CommentCampaignQuerySet, CommentRequestQuerySet


class CommentCampaign(models.Model):
    """A provincial committee's call for the year's comments: the window in which
    workplaces may request them and the deadline for returning them. Neither Regulation
    213 nor Guidance 33 fixes a date (docs/domain.md §4.4), so each province chooses."""

    province = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("provincial committee"),
        on_delete=models.PROTECT,
        related_name="comment_campaigns",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    opens_on = models.DateField(_("window opens"))
    closes_on = models.DateField(_("window closes"))
    deadline = models.DateField(_("deadline for return"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommentCampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "province_id"]
        verbose_name = _("comment campaign")
        verbose_name_plural = _("comment campaigns")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"],
                name="comment_campaign_one_per_province_year",
                violation_error_message=_("This province already has a campaign for that year."),
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on"))
                & models.Q(deadline__gte=models.F("opens_on")),
                name="comment_campaign_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Comment campaign %(year)s") % {"year": self.year}


class CommentForm(models.TextChoices):
    """Form 3-213 for normal members; 4-213 for category A, only on demand."""

    NORMAL = "3-213", _("Form 3-213")
    CATEGORY_A = "4-213", _("Form 4-213")


class Purpose(models.TextChoices):
    """Why a comment on a category A member is asked for (form 4-213 only)."""

    CADRE_WORK = "cadre_work", _("Cadre work")
    COMMENDATION = "commendation", _("Commendation")
    DISCIPLINE = "discipline", _("Discipline")


class CommentRequest(models.Model):
    """The workplace committee asks the residence for a comment on one member.

    It travels: requested by the workplace → drafted and signed by the residential cell
    → confirmed and returned by the commune → acknowledged by the workplace → used in the
    annual rating. ``version`` changes with every step (optimistic locking). A request
    still not returned after the campaign's deadline is escalated once (``escalated_at``).
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        DRAFTED = "drafted", _("Drafted")
        SIGNED = "signed", _("Signed by the cell")
        CONFIRMED = "confirmed", _("Confirmed by the commune")
        RETURNED = "returned", _("Returned to the workplace")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the workplace")
        USED = "used", _("Used in the rating")

    RETURNED_STATUSES = (Status.RETURNED, Status.ACKNOWLEDGED, Status.USED)
    EDITABLE_STATUSES = (Status.REQUESTED, Status.DRAFTED)

    campaign = models.ForeignKey(
        CommentCampaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    link = models.ForeignKey(
        "registry.ResidenceLink",
        verbose_name=_("residence link"),
        on_delete=models.PROTECT,
        related_name="comment_requests",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="comment_requests",
    )
    workplace_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("workplace committee"),
        on_delete=models.PROTECT,
        related_name="comment_requests",
    )
    form = models.CharField(_("form"), max_length=5, choices=CommentForm.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, blank=True)
    requested_on = models.DateField(_("requested on"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "id"]
        verbose_name = _("comment request")
        verbose_name_plural = _("comment requests")
        indexes = [
            models.Index(fields=["campaign", "status"]),
            models.Index(fields=["workplace_organization", "campaign"]),
            # The requests of a commune or a cell at one step (the inbox): the few
            # at that step, joined to the residence's links (SQLite and PostgreSQL
            # both start from it rather than from every request of the commune).
            models.Index(fields=["status", "link"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member", "purpose"],
                name="comment_request_once_per_campaign_and_purpose",
                violation_error_message=_("A comment on this member is already requested."),
            ),
            models.CheckConstraint(
                condition=models.Q(form="3-213", purpose="")
                | models.Q(form="4-213", purpose__in=["cadre_work", "commendation", "discipline"]),
                name="comment_request_purpose_only_for_form_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} {self.member_id} ({self.campaign_id})"

    @property
    def is_returned(self) -> bool:
        return self.status in self.RETURNED_STATUSES

    def can_be_edited(self) -> bool:
        return self.status in self.EDITABLE_STATUSES


# --- the items of the forms and their three levels, best first -------------------------


class ExampleLevel(models.TextChoices):
    """Form 3 item 1 and form 4 item (a): setting an example."""

    GOOD = "good", _("Sets a good example")
    FAIR = "fair", _("Sets an example")
    NOT_YET = "not_yet", _("Does not yet set an example")


class CivicLevel(models.TextChoices):
    """Form 3 item 2: civic duties and persuading family and residents."""

    LEADING = "leading", _("Exemplary, leads the way")
    EXEMPLARY = "exemplary", _("Exemplary")
    NOT_YET = "not_yet", _("Not yet exemplary")


class ParticipationLevel(models.TextChoices):
    """Form 3 item 3: attending the residence's meetings and residents' meetings."""

    FULL = "full", _("Takes part fully")
    PARTIAL = "partial", _("Takes part, not fully")
    NONE = "none", _("Does not take part")


class ContactLevel(models.TextChoices):
    """Form 3 item 4: keeping contact with the cell committee and the Front committee."""

    REGULAR_ACTIVE = "regular_active", _("Regular and active")
    REGULAR = "regular", _("Regular")
    IRREGULAR = "irregular", _("Not yet regular")


class MobilizingLevel(models.TextChoices):
    """Form 3 item 5: mobilizing residents to give opinions and supervise."""

    VERY_ACTIVE = "very_active", _("Very active")
    ACTIVE = "active", pgettext_lazy("mobilizing level", "Active")
    NOT_YET = "not_yet", _("Not yet active")


class PerformanceLevel(models.TextChoices):
    """Form 4 items (b) and (c): civic duties, persuading family."""

    GOOD = "good", _("Does well")
    DONE = "done", _("Does")
    NOT_YET = "not_yet", _("Does not yet")


class Recommendation(models.TextChoices):
    """Form 3 item 6: what the cell proposes to the workplace committee."""

    COMMEND = "commend", _("Commend")
    NO_PROPOSAL = "no_proposal", _("No proposal")
    CONSIDER_HANDLING = "consider_handling", _("Consider handling")


class RatingLevel(models.TextChoices):
    """The annual rating levels (Regulation 366-QĐ/TW)."""

    EXCELLENT = "excellent", _("Completed tasks excellently")
    GOOD = "good", _("Completed tasks well")
    COMPLETED = "completed", _("Completed tasks")
    NOT_COMPLETED = "not_completed", _("Did not complete tasks")


# The items each form carries: field name → its scale.
FORM_ITEMS: dict[str, dict[str, type[models.TextChoices]]] = {
    CommentForm.NORMAL: {
        "item_1": ExampleLevel,
        "item_2": CivicLevel,
        "item_3": ParticipationLevel,
        "item_4": ContactLevel,
        "item_5": MobilizingLevel,
    },
    CommentForm.CATEGORY_A: {
        "item_a": ExampleLevel,
        "item_b": PerformanceLevel,
        "item_c": PerformanceLevel,
    },
}


def best_level(scale: type[models.TextChoices]) -> str:
    """The best level of a scale: its first choice."""
    return str(scale.values[0])


def all_best_condition(*, items_prefix: str, form_field: str) -> models.Q:
    """Comments with the best level on every item of their form (the "uniform ratings"
    the 2023 Hà Giang report describes as softness)."""
    condition = models.Q()
    for form, items in FORM_ITEMS.items():
        per_form = models.Q(**{form_field: form})
        for name, scale in items.items():
            per_form &= models.Q(**{f"{items_prefix}{name}": best_level(scale)})
        condition |= per_form
    return condition


class Comment(models.Model):
    """The residence's comment on one request (one per request): agreed by the cell
    committee with the Front work committee, signed by the cell secretary, confirmed by
    the commune, returned to the workplace and used in the annual rating; the member
    may read it once returned and answer in writing (the right to know).

    ``version`` changes with every edit of the draft, so two people editing it at once
    cannot silently overwrite each other.
    """

    request = models.OneToOneField(
        CommentRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="comment",
    )
    front_meeting_on = models.DateField(_("Front work committee meeting"), null=True, blank=True)
    front_meeting_participants = models.TextField(_("participants"), blank=True)
    item_1 = models.CharField(
        _("1. Setting an example"), max_length=20, choices=ExampleLevel.choices, blank=True
    )
    item_2 = models.CharField(
        _("2. Civic duties and persuading family and residents"),
        max_length=20,
        choices=CivicLevel.choices,
        blank=True,
    )
    item_3 = models.CharField(
        _("3. Attending the residence's meetings"),
        max_length=20,
        choices=ParticipationLevel.choices,
        blank=True,
    )
    item_4 = models.CharField(
        _("4. Keeping contact with the cell and the Front committee"),
        max_length=20,
        choices=ContactLevel.choices,
        blank=True,
    )
    item_5 = models.CharField(
        _("5. Mobilizing residents"), max_length=20, choices=MobilizingLevel.choices, blank=True
    )
    recommendation = models.CharField(
        _("6. Recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    other_comments = models.TextField(_("7. Other comments"), blank=True)
    item_a = models.CharField(
        _("a. Setting an example"), max_length=20, choices=ExampleLevel.choices, blank=True
    )
    item_b = models.CharField(
        _("b. Civic duties and family participation"),
        max_length=20,
        choices=PerformanceLevel.choices,
        blank=True,
    )
    item_c = models.CharField(
        _("c. Persuading family, unity in the area"),
        max_length=20,
        choices=PerformanceLevel.choices,
        blank=True,
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rating_level = models.CharField(
        _("rating level"), max_length=20, choices=RatingLevel.choices, blank=True
    )
    rating_note = models.TextField(_("how the comment was used"), blank=True)
    member_answer = models.TextField(_("member's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["request_id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.request_id}"

    @property
    def items(self) -> dict[str, type[models.TextChoices]]:
        """The items of this comment's form."""
        return FORM_ITEMS[self.request.form]

    def missing_items(self) -> list[str]:
        """Names of the items still without a level (the recommendation included on
        form 3)."""
        names = list(self.items)
        if self.request.form == CommentForm.NORMAL:
            names.append("recommendation")
        return [name for name in names if not getattr(self, name)]


# --- what the workplace did with the residence's proposal ------------------------------


class FollowUpOutcome(models.TextChoices):
    """What the workplace committee decided on a returned comment's recommendation
    (docs/domain.md §4.7): each outcome answers one recommendation (``OUTCOMES_FOR``)."""

    COMMENDED = "commended", pgettext_lazy("follow-up outcome", "Commended")
    NOT_COMMENDED = "not_commended", _("Considered, not commended")
    DISCIPLINED = "disciplined", _("Disciplined")
    REMINDED = "reminded", _("Reminded or criticized")
    NO_VIOLATION = "no_violation", _("Reviewed, no violation found")


# The recommendations that ask the workplace for a decision, and the outcomes of each.
OUTCOMES_FOR: dict[str, tuple[str, ...]] = {
    Recommendation.COMMEND: (FollowUpOutcome.COMMENDED, FollowUpOutcome.NOT_COMMENDED),
    Recommendation.CONSIDER_HANDLING: (
        FollowUpOutcome.DISCIPLINED,
        FollowUpOutcome.REMINDED,
        FollowUpOutcome.NO_VIOLATION,
    ),
}


class RecommendationFollowUp(models.Model):
    """The workplace committee's decision on the residence's proposal to commend the
    member or to consider handling them, recorded once per returned comment and sent
    back to the residence commune as a notice (docs/domain.md §4.7, §6 "follow-up").

    The outcome must answer the comment's recommendation (``OUTCOMES_FOR``); the
    service checks it, and the date, against the comment. One per request: a second
    record is refused rather than silently replacing what the residence was told.
    """

    request = models.OneToOneField(
        CommentRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="follow_up",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=FollowUpOutcome.choices)
    decided_on = models.DateField(_("decided on"))
    decision_reference = models.CharField(_("decision reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    notice = models.ForeignKey(
        "notices.Notice",
        verbose_name=_("notice to the residence"),
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
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["request_id"]
        verbose_name = _("follow-up of a recommendation")
        verbose_name_plural = _("follow-ups of recommendations")

    def __str__(self) -> str:
        return f"{self.request_id} {self.outcome}"
