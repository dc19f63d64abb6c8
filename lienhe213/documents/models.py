"""Official documents issued from the system: each printed paper (forms 1-213 to 4-213,
later the tracking book and the annual report) gets a registered number and an
unguessable verification code, printed as a QR code, so a paper can be checked against
the register (ADR 0007).

Every write goes through ``documents.services``.
"""

from django.conf import settings
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lienhe213.core.text import fold
from lienhe213.documents.queries import DocumentBatchQuerySet, IssuedDocumentQuerySet


class DocumentKind(models.TextChoices):
    """What a document is; the form numbers are those of Guidance 33-HD/BTCTW."""

    LETTER = "1-213", _("Introduction letter (form 1-213)")
    LETTER_CATEGORY_A = "2-213", _("Introduction letter, category A (form 2-213)")
    COMMENT_REQUEST = "request", _("Comment request (forms 3-213, 4-213)")
    COMMENT = "3-213", _("Comment (form 3-213)")
    COMMENT_CATEGORY_A = "4-213", _("Comment, category A (form 4-213)")
    TRACKING_BOOK = "book", _("Tracking book of a cell")
    ANNUAL_REPORT = "report", _("Annual report")


class Series(models.TextChoices):
    """The numbering series a kind belongs to. Letters keep the registry's letter
    number (one sequence per issuer and year for both forms); comments have their own."""

    LETTER = "letter", _("Introduction letters")
    REQUEST = "request", _("Comment requests")
    COMMENT = "comment", _("Comments")
    BOOK = "book", _("Tracking books")
    REPORT = "report", _("Reports")


SERIES_OF_KIND: dict[str, str] = {
    DocumentKind.LETTER: Series.LETTER,
    DocumentKind.LETTER_CATEGORY_A: Series.LETTER,
    DocumentKind.COMMENT_REQUEST: Series.REQUEST,
    DocumentKind.COMMENT: Series.COMMENT,
    DocumentKind.COMMENT_CATEGORY_A: Series.COMMENT,
    DocumentKind.TRACKING_BOOK: Series.BOOK,
    DocumentKind.ANNUAL_REPORT: Series.REPORT,
}


class Signer(models.TextChoices):
    """Who signs for the issuing committee: chosen on the issue form, never assumed."""

    SECRETARY = "secretary", _("The secretary (BÍ THƯ)")
    DEPUTY = "deputy", _("A deputy secretary (PHÓ BÍ THƯ)")


class IssuedDocument(models.Model):
    """One registered official document.

    The number is unique per issuer, year and series and has no gaps: letters reuse the
    letter number the registry allocated when the letter was issued; comment requests,
    comments and books are numbered here under a lock on the issuing organization.
    ``verification_code`` is random (``secrets``), printed with a QR code and looked up
    by the public verification page; ``checksum`` is the SHA-256 of the paper's content
    as first rendered (rendering is deterministic, so a reprint has the same checksum).
    A document is registered only together with its successful rendering (all or
    nothing).
    """

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")
        # Shown, never stored: a letter whose link was closed (the member left the
        # workplace or the residence) is no longer in force.
        LAPSED = "lapsed", _("No longer in force")

    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    series = models.CharField(_("series"), max_length=10, choices=Series.choices)
    link = models.ForeignKey(
        "registry.ResidenceLink",
        verbose_name=_("residence link"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    comment_request = models.ForeignKey(
        "comments.CommentRequest",
        verbose_name=_("comment request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents_about",
        help_text=_("The cell whose tracking book this is, or the organization reported on."),
    )
    issuer = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("issuing organization"),
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # The year an annual report reports on (``year`` is the year of its number).
    subject_year = models.PositiveSmallIntegerField(_("year reported on"), null=True, blank=True)
    number = models.PositiveIntegerField(_("number"))
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verification_code = models.CharField(_("verification code"), max_length=32, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VALID
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    # Who signs for the issuer; blank on documents registered before it was asked.
    signer = models.CharField(_("signed by"), max_length=10, choices=Signer.choices, blank=True)
    # The day a tracking book stands on (it may be a past day).
    as_of = models.DateField(_("as of"), null=True, blank=True)
    checksum = models.CharField(_("content checksum"), max_length=64)
    # The text as printed, for documents that are snapshots of changing data (a tracking
    # book); forms are rebuilt from their object, which the services keep unchanged.
    content = models.JSONField(_("content as printed"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "issuer_id", "series", "-number"]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "series", "number"],
                name="issued_document_unique_number",
                violation_error_message=_("This document number is already used this year."),
            ),
            models.UniqueConstraint(
                fields=["link"],
                condition=models.Q(series="letter"),
                name="issued_document_one_letter_per_link",
            ),
            models.UniqueConstraint(
                fields=["comment_request"],
                condition=models.Q(series="comment"),
                name="issued_document_one_comment_per_request",
            ),
            models.UniqueConstraint(
                fields=["comment_request"],
                condition=models.Q(series="request"),
                name="issued_document_one_request_per_request",
            ),
            models.CheckConstraint(
                condition=~models.Q(series="request") | models.Q(comment_request__isnull=False),
                name="issued_document_request_has_request",
            ),
            models.CheckConstraint(
                condition=~models.Q(series="letter") | models.Q(link__isnull=False),
                name="issued_document_letter_has_link",
            ),
            models.CheckConstraint(
                condition=~models.Q(series="comment") | models.Q(comment_request__isnull=False),
                name="issued_document_comment_has_request",
            ),
            models.CheckConstraint(
                condition=~models.Q(series="book") | models.Q(organization__isnull=False),
                name="issued_document_book_has_organization",
            ),
            models.CheckConstraint(
                condition=~models.Q(series="report")
                | models.Q(organization__isnull=False, subject_year__isnull=False),
                name="issued_document_report_has_organization",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s no. %(number)s/%(year)s") % {
            "kind": self.get_kind_display(),
            "number": self.number,
            "year": self.year,
        }

    def file_stem(self) -> str:
        """The name of the document's file, without extension, in the reader's language
        and folded to ASCII, which every mail client and archive keeps
        (``giay-gioi-thieu-mau-1-213-so-12-2026``)."""
        return slugify(fold(str(self)).replace("/", " ")) or "document"

    @property
    def current_status(self) -> str:
        """The status to show: the row's, except that a letter the commune returned is
        revoked, one replaced by a new letter superseded and one whose link was closed no
        longer in force (the registry changes the link, not the paper, so the paper
        follows its link here)."""
        link = self.link if self.series == Series.LETTER else None
        if self.status == self.Status.VALID and link is not None:
            if link.status == link.Status.RETURNED:
                return self.Status.REVOKED
            if link.superseded_by_id is not None:
                return self.Status.SUPERSEDED
            if link.status == link.Status.CLOSED:
                return self.Status.LAPSED
        return self.status

    @property
    def current_status_label(self) -> str:
        return str(self.Status(self.current_status).label)

    @property
    def is_valid(self) -> bool:
        return self.current_status == self.Status.VALID


class DocumentBatch(models.Model):
    """Letters for many members rendered in the background as one PDF, one letter per
    page, or as a ZIP file of one PDF per letter (``output``). ``done`` counts the
    letters rendered so far (the progress bar); the letters are registered only when the
    whole file is ready, so a failure half-way registers nothing."""

    class Output(models.TextChoices):
        PDF = "pdf", _("One PDF, one letter per page")
        ZIP = "zip", _("A ZIP file, one PDF per letter")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    issuer = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("issuing organization"),
        on_delete=models.PROTECT,
        related_name="document_batches",
    )
    link_ids = models.JSONField(_("residence links"), default=list)
    total = models.PositiveIntegerField(_("total"))
    done = models.PositiveIntegerField(_("done"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    output = models.CharField(_("output"), max_length=3, choices=Output.choices, default=Output.PDF)
    signer = models.CharField(_("signed by"), max_length=10, choices=Signer.choices, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    archive = models.BinaryField(_("ZIP file"), null=True, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of work"), null=True, blank=True, editable=False
    )

    objects = DocumentBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("document batch")
        verbose_name_plural = _("document batches")

    def __str__(self) -> str:
        return f"{self.issuer_id}: {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
