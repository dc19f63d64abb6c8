"""Imports of the spreadsheets offices keep: one batch per uploaded file, one row per
spreadsheet row with its outcome (ADR 0011).

A batch is validated in the background, previewed, then committed in one transaction;
the file itself is kept with the batch so that validation can run again after the user
corrects the column mapping or chooses a commune, and so that the error workbook gives
the rejected rows back exactly as they were typed.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lienhe213.imports.queries import ImportBatchQuerySet


class ImportBatch(models.Model):
    """One uploaded file and what became of it.

    ``done``/``total`` is the progress of the step running in the background; ``counts``
    the outcome of the last validation (``rows``, ``new``, ``update``, ``unchanged``,
    ``rejected``); ``mapping`` the column index → field chosen (by the header, or
    corrected by the user); ``choices`` the 2025 commune the user chose for an old
    commune that was split. ``language`` is the uploader's, so the reasons of rejected
    rows read in the language of the person who will fix them.
    """

    class Kind(models.TextChoices):
        ORGANIZATIONS = "organizations", _("Party organizations")
        MEMBERS = "members", _("Members")
        LINKS = "links", _("Tracking book")

    class Status(models.TextChoices):
        VALIDATING = "validating", _("Checking")
        READY = "ready", _("Ready to import")
        COMMITTING = "committing", _("Importing")
        DONE = "done", pgettext_lazy("import status", "Imported")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("checksum (SHA-256)"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    content = models.BinaryField(editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.VALIDATING
    )
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), null=True, blank=True)
    labels = models.JSONField(_("column headers"), default=list, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    choices = models.JSONField(_("communes chosen"), default=dict, blank=True)
    all_or_nothing = models.BooleanField(_("all or nothing"), default=False)
    language = models.CharField(max_length=10, default="vi", editable=False)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of work"), null=True, blank=True, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.VALIDATING, self.Status.COMMITTING)

    def count(self, outcome: str) -> int:
        return int(self.counts.get(outcome, 0))


class ImportRow(models.Model):
    """One data row of an imported file: the cells as typed, the cleaned values, and the
    one outcome it ended in, with every reason when it was rejected and every change
    (``{field: [before, after]}``) when it updates a record."""

    class Outcome(models.TextChoices):
        NEW = "new", pgettext_lazy("import row", "New")
        UPDATE = "update", pgettext_lazy("import row", "Update")
        UNCHANGED = "unchanged", pgettext_lazy("import row", "Unchanged")
        REJECTED = "rejected", pgettext_lazy("import row", "Rejected")

    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("import"), on_delete=models.CASCADE, related_name="rows"
    )
    number = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    cells = models.JSONField(_("cells as typed"), default=list)
    values = models.JSONField(_("values"), default=dict)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    target_id = models.PositiveBigIntegerField(_("record"), null=True, blank=True)

    class Meta:
        ordering = ["batch_id", "number"]
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        indexes = [models.Index(fields=["batch", "outcome", "number"])]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.number} {self.outcome}"
