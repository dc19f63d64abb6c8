"""Issuing official documents: register a number and a verification code together
with a successful rendering (all or nothing), and batches of letters rendered in the
background (ADR 0007)."""

import dataclasses
import datetime
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser, Capability, has_capability
from lienhe213.comments import access as comment_access
from lienhe213.comments.models import CommentForm, CommentRequest
from lienhe213.core import audit, leases
from lienhe213.core.errors import DomainError
from lienhe213.core.text import fold
from lienhe213.documents import papers, rendering
from lienhe213.documents.models import DocumentBatch, DocumentKind, IssuedDocument, Series
from lienhe213.organizations.models import Organization
from lienhe213.registry import access as registry_access
from lienhe213.registry.models import Category, ResidenceLink

# Links whose letter is no longer in force get no new paper.
NO_LETTER_STATUSES = (ResidenceLink.Status.RETURNED, ResidenceLink.Status.CLOSED)
COMMENT_READY_STATUSES = (
    CommentRequest.Status.CONFIRMED,
    *CommentRequest.RETURNED_STATUSES,
)
BATCH_CHUNK = 50
AUDITED = ["kind", "series", "issuer", "year", "number", "issued_on", "status", "checksum"]


@dataclass(frozen=True)
class Rendered:
    """A registered document and its PDF."""

    document: IssuedDocument
    pdf: bytes


def new_verification_code() -> str:
    """128 random bits, URL-safe: not guessable, not derived from anything printed."""
    return secrets.token_urlsafe(16)


def checksum(paper: rendering.Paper) -> str:
    """SHA-256 of the paper's text: the same for every reprint, and independent of the
    PDF library's version."""
    fields = dataclasses.asdict(paper)
    if not fields["closing"]:  # added later: papers without it keep their checksum
        del fields["closing"]
    content = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()


def _user(by: AnyUser) -> Any:
    return by if getattr(by, "pk", None) is not None else None


def _letter_kind(link: ResidenceLink) -> str:
    return DocumentKind.LETTER_CATEGORY_A if link.category == Category.A else DocumentKind.LETTER


def may_print_letter(user: AnyUser, link: ResidenceLink) -> bool:
    """The workplace committee that issued the letter prints it."""
    return has_capability(user, Capability.MANAGE_LETTERS, link.issued_by_organization.path)


def may_print_comment(user: AnyUser, request: CommentRequest) -> bool:
    """The commune committee that confirms the comment prints it; the workplace
    committee may print it once it has been returned."""
    return comment_access.may_confirm(user, request) or (
        request.is_returned
        and has_capability(user, Capability.REQUEST_COMMENTS, request.workplace_organization.path)
    )


def _register(document: IssuedDocument, *, by: AnyUser) -> Rendered:
    """Render ``document`` (not yet saved), then save it with the PDF's checksum; an
    exception while rendering leaves nothing saved (the caller's transaction)."""
    paper = papers.paper_for(document)
    pdf = rendering.render_pdf([paper])
    document.checksum = checksum(paper)
    document.save()
    audit.record(
        by=by,
        action="create",
        obj=document,
        changes=audit.snapshot(document, AUDITED),
        scope_path=document.issuer.path,
    )
    return Rendered(document, pdf)


def _reprint(document: IssuedDocument) -> Rendered:
    """A form's reprint: the same registration (number and code) and the same paper,
    unless the document was revoked, which no reprint may bring back."""
    if document.status == IssuedDocument.Status.REVOKED:
        raise DomainError(_("This document was revoked; it cannot be printed again."))
    return Rendered(document, rendering.render_pdf([papers.paper_for(document)]))


@transaction.atomic
def issue_letter_document(*, by: AnyUser, link: ResidenceLink) -> Rendered:
    """The introduction letter on paper (form 1-213, or 2-213 for category A).

    Its number is the letter number the registry allocated when the letter was issued
    (one gapless sequence per issuer and year); the first print registers the document
    with a new verification code, a reprint returns the same registration. Only the
    issuing workplace committee prints, and not for a returned or closed link.
    """
    link = ResidenceLink.objects.select_for_update().get(pk=link.pk)
    issuer = Organization.objects.get(pk=link.issued_by_organization_id)
    link.issued_by_organization = issuer
    registry_access.require_workplace_side(by, issuer)
    existing = IssuedDocument.objects.filter(link=link, series=Series.LETTER).first()
    if existing is not None:
        return _reprint(existing)
    if link.status in NO_LETTER_STATUSES:
        raise DomainError(_("This letter is no longer in force; it cannot be printed."))
    document = IssuedDocument(
        kind=_letter_kind(link),
        series=Series.LETTER,
        link=link,
        member_id=link.member_id,
        issuer=issuer,
        year=link.letter_year,
        number=link.letter_number,
        issued_on=link.issued_on,
        issued_by=_user(by),
        verification_code=new_verification_code(),
    )
    return _register(document, by=by)


@transaction.atomic
def issue_comment_document(*, by: AnyUser, request: CommentRequest) -> Rendered:
    """The residence's comment on paper (form 3-213, or 4-213 for category A), once the
    commune has confirmed it.

    The commune committee is the issuer; its comment numbers run per year without gaps,
    allocated under a lock on the committee's row so two clerks printing at once never
    share a number. A reprint returns the same registration.
    """
    request = (
        CommentRequest.objects.select_for_update()
        .select_related("link__residence_commune_organization", "workplace_organization")
        .get(pk=request.pk)
    )
    if not may_print_comment(by, request):
        raise DomainError(_("You may not print this comment."))
    existing = IssuedDocument.objects.filter(comment_request=request, series=Series.COMMENT).first()
    if existing is not None:
        return _reprint(existing)
    if request.status not in COMMENT_READY_STATUSES:
        raise DomainError(_("The comment can be printed once the commune has confirmed it."))
    issuer = Organization.objects.select_for_update().get(
        pk=request.link.residence_commune_organization_id
    )
    confirmed_at = request.comment.confirmed_at
    issued_on = timezone.localdate(confirmed_at) if confirmed_at else timezone.localdate()
    last = IssuedDocument.objects.filter(
        issuer=issuer, year=issued_on.year, series=Series.COMMENT
    ).aggregate(last=models.Max("number"))["last"]
    document = IssuedDocument(
        kind=(
            DocumentKind.COMMENT_CATEGORY_A
            if request.form == CommentForm.CATEGORY_A
            else DocumentKind.COMMENT
        ),
        series=Series.COMMENT,
        comment_request=request,
        member_id=request.member_id,
        issuer=issuer,
        year=issued_on.year,
        number=(last or 0) + 1,
        issued_on=issued_on,
        issued_by=_user(by),
        verification_code=new_verification_code(),
    )
    return _register(document, by=by)


def may_print_book(user: AnyUser, cell: Organization) -> bool:
    """The cell's secretary and the commune committee over it print its book."""
    return has_capability(user, Capability.ACKNOWLEDGE_LINKS, cell.path) or has_capability(
        user, Capability.RECEIVE_LETTERS, cell.path
    )


@transaction.atomic
def issue_book_document(*, by: AnyUser, cell: Organization) -> Rendered:
    """The tracking book of a residential cell as it stands today, printed and
    registered: every print is a new document (the book changes), numbered per cell and
    year under a lock on the cell's row, and its text is kept as printed so that a
    reprint shows the same rows."""
    cell = (
        Organization.objects.select_for_update(of=("self",))
        .select_related("parent")
        .get(pk=cell.pk)
    )
    if cell.kind != Organization.Kind.CELL or cell.side == Organization.Side.WORKPLACE:
        raise DomainError(_("Only a residential cell has a tracking book to print."))
    if not may_print_book(by, cell):
        raise DomainError(
            _("You may not print the tracking book of “%(org)s”.") % {"org": cell.name}
        )
    on = timezone.localdate()
    last = IssuedDocument.objects.filter(issuer=cell, year=on.year, series=Series.BOOK).aggregate(
        last=models.Max("number")
    )["last"]
    document = IssuedDocument(
        kind=DocumentKind.TRACKING_BOOK,
        series=Series.BOOK,
        organization=cell,
        issuer=cell,
        year=on.year,
        number=(last or 0) + 1,
        issued_on=on,
        issued_by=_user(by),
        verification_code=new_verification_code(),
    )
    links = (
        ResidenceLink.objects.visible_to(by)
        .filter(residence_cell=cell)
        .select_related(*papers.LETTER_RELATED, "workplace_organization")
        .order_by("member__name_sort_key", "pk")
    )
    paper = papers.book_paper(cell, list(links), on, document)
    document.content = dataclasses.asdict(paper)
    pdf = rendering.render_pdf([paper])
    document.checksum = checksum(paper)
    document.save()
    audit.record(
        by=by,
        action="create",
        obj=document,
        changes={**audit.snapshot(document, AUDITED), "rows": len(paper.table_rows)},
        scope_path=cell.path,
    )
    earlier = IssuedDocument.objects.filter(series=Series.BOOK, organization=cell)
    _supersede(by=by, earlier=earlier, new=document, scope_path=cell.path)
    return Rendered(document, pdf)


def _supersede(
    *, by: AnyUser, earlier: "models.QuerySet[IssuedDocument]", new: IssuedDocument, scope_path: str
) -> None:
    """A new print of a snapshot (a cell's book, a year's report) supersedes the earlier
    prints still valid (the caller holds the lock on the organization's row)."""
    earlier_list = list(earlier.filter(status=IssuedDocument.Status.VALID).exclude(pk=new.pk))
    for document in earlier_list:
        document.status = IssuedDocument.Status.SUPERSEDED
        document.superseded_by = new
        document.status_changed_on = new.issued_on
        document.status_changed_by = _user(by)
    IssuedDocument.objects.bulk_update(
        earlier_list, ["status", "superseded_by", "status_changed_on", "status_changed_by"]
    )
    audit.record_many(
        by=by,
        action="update",
        entries=[
            (doc, {"status": ["valid", "superseded"], "superseded_by": [None, new.pk]})
            for doc in earlier_list
        ],
        scope_path=scope_path,
    )


def may_print_request(user: AnyUser, request: CommentRequest) -> bool:
    """The workplace committee that asks for the comment prints its request."""
    return has_capability(user, Capability.REQUEST_COMMENTS, request.workplace_organization.path)


@transaction.atomic
def issue_request_document(*, by: AnyUser, request: CommentRequest) -> Rendered:
    """The workplace's request for a comment on paper (the request part of forms 3-213
    and 4-213), numbered per workplace committee and year under a lock on its row; a
    reprint returns the same registration."""
    request = (
        CommentRequest.objects.select_for_update(of=("self",))
        .select_related("workplace_organization")
        .get(pk=request.pk)
    )
    if not may_print_request(by, request):
        raise DomainError(_("You may not print this comment request."))
    existing = IssuedDocument.objects.filter(comment_request=request, series=Series.REQUEST).first()
    if existing is not None:
        return _reprint(existing)
    issuer = Organization.objects.select_for_update().get(pk=request.workplace_organization_id)
    year = request.requested_on.year
    last = IssuedDocument.objects.filter(issuer=issuer, year=year, series=Series.REQUEST).aggregate(
        last=models.Max("number")
    )["last"]
    document = IssuedDocument(
        kind=DocumentKind.COMMENT_REQUEST,
        series=Series.REQUEST,
        comment_request=request,
        member_id=request.member_id,
        issuer=issuer,
        year=year,
        number=(last or 0) + 1,
        issued_on=request.requested_on,
        issued_by=_user(by),
        verification_code=new_verification_code(),
    )
    return _register(document, by=by)


# --- the annual report ----------------------------------------------------------------


# Regulation 213 dates from 2020; a report before it has nothing to say.
REVIEW_FIRST_YEAR = 2020


def has_review(org: Organization) -> bool:
    """Whether ``org`` writes an annual report: a province, or a commune (a grassroots
    committee on the residence side)."""
    if org.kind == Organization.Kind.PROVINCIAL_COMMITTEE:
        return True
    return (
        org.kind == Organization.Kind.GRASSROOTS_COMMITTEE
        and org.side != Organization.Side.WORKPLACE
    )


def may_print_review(user: AnyUser, org: Organization) -> bool:
    """The committee that proposes the year's commendations signs its report (the
    commune's clerk, the province's officers)."""
    return has_review(org) and has_capability(user, Capability.PROPOSE_COMMENDATIONS, org.path)


@transaction.atomic
def issue_review_document(*, by: AnyUser, organization: Organization, year: int) -> Rendered:
    """The annual report (thematic review) of a province or a commune for ``year`` as
    a registered document: numbered per organization and year of issue under a lock on
    its row, its text kept as printed (the figures change), and superseding the earlier
    prints of the same year's report."""
    from lienhe213.reports.review import build_review

    org = (
        Organization.objects.select_for_update(of=("self",))
        .select_related("parent")
        .get(pk=organization.pk)
    )
    if not has_review(org):
        raise DomainError(_("Only a province or a commune writes an annual report."))
    if not may_print_review(by, org):
        raise DomainError(
            _("You may not print the annual report of “%(org)s”.") % {"org": org.name}
        )
    on = timezone.localdate()
    if not REVIEW_FIRST_YEAR <= year <= on.year:
        raise DomainError(_("There is no report for that year."), field="year")
    review = build_review(user=by, organization=org, year=year, today=on)
    last = IssuedDocument.objects.filter(issuer=org, year=on.year, series=Series.REPORT).aggregate(
        last=models.Max("number")
    )["last"]
    document = IssuedDocument(
        kind=DocumentKind.ANNUAL_REPORT,
        series=Series.REPORT,
        organization=org,
        subject_year=year,
        issuer=org,
        year=on.year,
        number=(last or 0) + 1,
        issued_on=on,
        issued_by=_user(by),
        verification_code=new_verification_code(),
    )
    paper = papers.review_paper(review, on, document)
    document.content = dataclasses.asdict(paper)
    pdf = rendering.render_pdf([paper])
    document.checksum = checksum(paper)
    document.save()
    audit.record(
        by=by,
        action="create",
        obj=document,
        changes={**audit.snapshot(document, AUDITED), "subject_year": year},
        scope_path=org.path,
    )
    earlier = IssuedDocument.objects.filter(
        series=Series.REPORT, organization=org, subject_year=year
    )
    _supersede(by=by, earlier=earlier, new=document, scope_path=org.path)
    return Rendered(document, pdf)


# --- revoking ----------------------------------------------------------------------

# Who acts for the issuer, per numbering series: the capability over the issuer's
# subtree (the province holds every capability over its own).
REVOKE_CAPABILITIES: dict[str, tuple[Capability, ...]] = {
    Series.LETTER: (Capability.MANAGE_LETTERS,),
    Series.REQUEST: (Capability.REQUEST_COMMENTS,),
    Series.COMMENT: (Capability.CONFIRM_COMMENTS,),
    Series.BOOK: (Capability.ACKNOWLEDGE_LINKS, Capability.RECEIVE_LETTERS),
    Series.REPORT: (Capability.PROPOSE_COMMENDATIONS,),
}


def may_revoke(user: AnyUser, document: IssuedDocument) -> bool:
    """Those who act for the issuing organization in the document's matter (the
    workplace committee for its letters and requests, the commune for its comments, the
    cell or the commune for a book), and the province over them."""
    path = document.issuer.path
    return any(has_capability(user, c, path) for c in REVOKE_CAPABILITIES[document.series])


@transaction.atomic
def revoke_document(*, by: AnyUser, document: IssuedDocument, reason: str) -> IssuedDocument:
    """Withdraw a registered document: it stays in the register under its number, the
    verification page shows it revoked, and it can no longer be printed. Only a valid
    document is revoked; the reason is required and kept (not shown publicly)."""
    document = (
        IssuedDocument.objects.select_for_update(of=("self",))
        .select_related("issuer", "link")
        .get(pk=document.pk)
    )
    if not may_revoke(by, document):
        raise DomainError(_("You may not revoke this document."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for revoking the document."), field="reason")
    if document.current_status != IssuedDocument.Status.VALID:
        raise DomainError(
            _("This document is already %(status)s.")
            % {"status": document.current_status_label.lower()}
        )
    before = audit.snapshot(document, ["status", "revocation_reason"])
    document.status = IssuedDocument.Status.REVOKED
    document.revocation_reason = reason
    document.status_changed_on = timezone.localdate()
    document.status_changed_by = _user(by)
    document.save(
        update_fields=["status", "revocation_reason", "status_changed_on", "status_changed_by"]
    )
    audit.record(
        by=by,
        action="update",
        obj=document,
        changes=audit.diff(before, audit.snapshot(document, ["status", "revocation_reason"])),
        scope_path=document.issuer.path,
        reason=reason,
    )
    return document


def render_pdf(document: IssuedDocument) -> bytes:
    """The PDF of a registered document, as printed the first time."""
    return rendering.render_pdf([papers.paper_for(document)])


def render_docx(document: IssuedDocument) -> bytes:
    """The editable DOCX of a registered document (same number and code as its PDF)."""
    return rendering.build_docx(papers.paper_for(document))


# --- batches of letters ---------------------------------------------------------------


def letters_for_batch(*, workplace: Organization, issued_on: datetime.date) -> list[int]:
    """The letters ``workplace`` issued on ``issued_on`` and still in force, in number
    order (one bulk issue)."""
    return list(
        ResidenceLink.objects.filter(issued_by_organization=workplace, issued_on=issued_on)
        .exclude(status__in=NO_LETTER_STATUSES)
        .order_by("letter_number")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def start_letter_batch(
    *,
    by: AnyUser,
    workplace: Organization,
    issued_on: datetime.date,
    output: str = DocumentBatch.Output.PDF,
) -> DocumentBatch:
    """Queue the letters of one bulk issue for rendering as one PDF, one letter per page
    (or a ZIP file of one PDF per letter); the background task registers them all when
    the file is complete."""
    registry_access.require_workplace_side(by, workplace)
    link_ids = letters_for_batch(workplace=workplace, issued_on=issued_on)
    if not link_ids:
        raise DomainError(_("No letter in force was issued on that day."), field="issued_on")
    if output not in DocumentBatch.Output.values:
        raise DomainError(_("Choose a PDF or a ZIP file."), field="output")
    batch = DocumentBatch.objects.create(
        issuer=workplace,
        link_ids=link_ids,
        total=len(link_ids),
        output=output,
        requested_by=_user(by),
    )
    audit.record(
        by=by,
        action="create",
        obj=batch,
        changes={"issued_on": issued_on.isoformat(), "total": batch.total, "output": output},
        scope_path=workplace.path,
    )
    from lienhe213.documents.tasks import render_letter_batch

    transaction.on_commit(lambda: render_letter_batch.enqueue(batch_id=batch.pk))
    return batch


def run_letter_batch(*, batch_id: int) -> DocumentBatch:
    """Render a queued batch chunk by chunk, saving the progress after each chunk, then
    register every new letter document and store the file in one transaction. Any
    failure marks the batch failed and registers nothing."""
    batch = DocumentBatch.objects.select_related("issuer", "requested_by").get(pk=batch_id)
    if batch.status != DocumentBatch.Status.QUEUED:
        return batch
    DocumentBatch.objects.filter(pk=batch.pk).update(
        status=DocumentBatch.Status.RUNNING, heartbeat_at=timezone.now()
    )
    try:
        content, documents = _render_batch(batch)
        with transaction.atomic():
            _register_batch(batch, documents, content)
    except Exception as exc:
        DocumentBatch.objects.filter(pk=batch.pk).update(
            status=DocumentBatch.Status.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        raise
    batch.refresh_from_db()
    return batch


def _render_batch(batch: DocumentBatch) -> tuple[bytes, list[IssuedDocument]]:
    links = {
        link.pk: link
        for link in ResidenceLink.objects.filter(pk__in=batch.link_ids).select_related(
            *papers.LETTER_RELATED
        )
    }
    existing = {
        doc.link_id: doc
        for doc in IssuedDocument.objects.filter(link_id__in=batch.link_ids, series=Series.LETTER)
    }
    documents = []
    for pk in batch.link_ids:
        link = links[pk]
        documents.append(
            existing.get(pk)
            or IssuedDocument(
                kind=_letter_kind(link),
                series=Series.LETTER,
                link=link,
                member_id=link.member_id,
                issuer_id=link.issued_by_organization_id,
                year=link.letter_year,
                number=link.letter_number,
                issued_on=link.issued_on,
                issued_by=batch.requested_by,
                verification_code=new_verification_code(),
            )
        )
    as_zip = batch.output == DocumentBatch.Output.ZIP
    chunks = []
    files: list[tuple[str, bytes]] = []
    for start in range(0, len(documents), BATCH_CHUNK):
        part = documents[start : start + BATCH_CHUNK]
        ids = batch.link_ids[start : start + BATCH_CHUNK]
        chunk = [papers.letter_paper(links[pk], doc) for pk, doc in zip(ids, part, strict=True)]
        for doc, paper in zip(part, chunk, strict=True):
            doc.checksum = doc.checksum or checksum(paper)
        if as_zip:
            for pk, doc, paper in zip(ids, part, chunk, strict=True):
                files.append((letter_filename(doc, links[pk]), rendering.render_pdf([paper])))
        else:
            chunks.append(rendering.render_pdf(chunk))
        DocumentBatch.objects.filter(pk=batch.pk).update(
            done=start + len(part), heartbeat_at=timezone.now()
        )
    if as_zip:
        return rendering.zip_files(files), documents
    return rendering.join_pdfs(chunks), documents


def letter_filename(document: IssuedDocument, link: ResidenceLink) -> str:
    """A letter's file in a batch's ZIP: its number, year and the member's name folded
    to ASCII (``0007-2025-nguyen-van-duc.pdf``), which every archive tool keeps."""
    name = slugify(fold(link.member.full_name)) or "member"
    return f"{document.number:04d}-{document.year}-{name}.pdf"


def _register_batch(
    batch: DocumentBatch, documents: Sequence[IssuedDocument], content: bytes
) -> None:
    links = ResidenceLink.objects.select_for_update().filter(pk__in=batch.link_ids)
    if any(link.status in NO_LETTER_STATUSES for link in links):
        raise DomainError(_("A letter of this batch was returned or closed meanwhile."))
    new = [doc for doc in documents if doc.pk is None]
    IssuedDocument.objects.bulk_create(new)
    audit.record_many(
        by=batch.requested_by,
        action="create",
        entries=[(doc, audit.snapshot(doc, AUDITED)) for doc in new],
        scope_path=batch.issuer.path,
    )
    if batch.output == DocumentBatch.Output.ZIP:
        batch.archive = content
    else:
        batch.pdf = content
    batch.status = DocumentBatch.Status.DONE
    batch.done = batch.total
    batch.finished_at = timezone.now()
    batch.save(update_fields=["pdf", "archive", "status", "done", "finished_at"])


def fail_abandoned_batches() -> int:
    """Fail the running batches whose worker stopped (no heartbeat for a lease): the
    letters were never registered, so the batch only needs to be started again."""
    abandoned = list(DocumentBatch.objects.abandoned().values_list("pk", flat=True))
    DocumentBatch.objects.filter(pk__in=abandoned).update(
        status=DocumentBatch.Status.FAILED,
        error=_("The worker stopped before the batch was finished. Start it again."),
        finished_at=timezone.now(),
    )
    leases.fail_task_rows("lienhe213.documents.tasks.render_letter_batch", abandoned)
    return len(abandoned)
