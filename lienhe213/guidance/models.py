"""The rules inside each task: the texts of Regulation 213 and Guidance 33 that govern a
step (docs/domain.md §2, §3, §5), stored once as versioned entries, with a note a
province may add under each (ADR 0016), and the newcomer walkthrough's dismissals.

An entry's wording never changes in place: a new ``GuidanceVersion`` supersedes the
current one, so what a page showed on a given day can always be read again. Every write
goes through ``guidance.services``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienhe213.guidance.queries import GuidanceEntryQuerySet, ProvinceNoteQuerySet


class Step(models.TextChoices):
    """The step of the work a text governs; "general" texts govern the whole of it."""

    GENERAL = "general", _("General")
    ISSUE = "issue", _("Issuing the introduction letter")
    RECEIVE = "receive", _("Receiving the letter at the commune")
    ASSIGN = "assign", _("Assigning a residential cell")
    EXEMPT = "exempt", _("Exemptions")
    COMMENT = "comment", _("The annual comment")
    RATE = "rate", _("Using the comment in the annual rating")


# The order the guidance page lists the steps in: the order of the work.
STEP_ORDER = [s.value for s in (Step.ISSUE, Step.RECEIVE, Step.ASSIGN, Step.EXEMPT)] + [
    s.value for s in (Step.COMMENT, Step.RATE, Step.GENERAL)
]


class GuidanceEntry(models.Model):
    """One text of the rules (an article, a clause, a section of the guidance) and the
    step it governs. ``key`` names it for the loader (``load_guidance``); the wording
    lives in its versions, the newest being the current one (``current_version``).
    ``search_folded`` holds the folded title, source and current wording, for the
    guidance page's search (ADR 0003). ``version`` counts the entry's revisions, for
    optimistic locking."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(_("source"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    current_version = models.ForeignKey(
        "GuidanceVersion",
        verbose_name=_("current wording"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    search_folded = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(default=1)

    objects = GuidanceEntryQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("guidance entry")
        verbose_name_plural = _("guidance entries")

    def __str__(self) -> str:
        return self.title


class GuidanceVersion(models.Model):
    """One wording of an entry, kept forever. ``summary`` is the short text shown in a
    step's "What do the rules say?" panel, ``text`` the full wording. ``confirmed``
    says the wording was checked against an official copy of the text (docs/domain.md
    §0: some parts of the texts are reconstructions still to verify)."""

    entry = models.ForeignKey(
        GuidanceEntry,
        verbose_name=_("guidance entry"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    summary = models.TextField(_("short text"), max_length=600)
    text = models.TextField(_("full text"), max_length=20000)
    confirmed = models.BooleanField(_("checked against the official text"), default=False)
    valid_from = models.DateTimeField(_("in force from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason for the change"), max_length=300, blank=True)

    class Meta:
        ordering = ["entry_id", "-number"]
        verbose_name = _("guidance wording")
        verbose_name_plural = _("guidance wordings")
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="guidance_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry} ({self.number})"


class ProvinceNote(models.Model):
    """What a province adds under an official entry (its own deadlines, the practice
    it asks for). Written by the province's officers; read by every user of that
    province under the official text. ``version`` counts the edits (optimistic
    locking); the audit trail keeps each earlier text."""

    entry = models.ForeignKey(
        GuidanceEntry,
        verbose_name=_("guidance entry"),
        on_delete=models.CASCADE,
        related_name="province_notes",
    )
    province = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="guidance_notes",
    )
    text = models.TextField(_("note"), max_length=4000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"))
    version = models.PositiveIntegerField(default=1)

    objects = ProvinceNoteQuerySet.as_manager()

    class Meta:
        ordering = ["entry_id", "province_id"]
        verbose_name = _("province note")
        verbose_name_plural = _("province notes")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "province"], name="guidance_province_note_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.province}"


class WalkthroughDismissal(models.Model):
    """The user closed the newcomer checklist of ``role``: it is not shown again for
    that role (a role granted later shows its own)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="walkthrough_dismissals"
    )
    role = models.CharField(_("role"), max_length=30)
    dismissed_at = models.DateTimeField(_("dismissed at"), auto_now_add=True)

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = _("dismissed walkthrough")
        verbose_name_plural = _("dismissed walkthroughs")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="walkthrough_dismissal_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role}"
