"""Issuing official documents: register a number and a verification code together
with a successful rendering (all or nothing), and batches of letters rendered in the
background (ADR 0007)."""

import dataclasses
import datetime
import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
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
from lienhe213.documents.models import (
    DocumentBatch,
    DocumentKind,
    IssuedDocument,
    Series,
    Signer,
)
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
AUDITED = [
    *("kind", "series", "issuer", "year", "number", "issued_on", "status", "signer"),
    "checksum",
]


@dataclass(frozen=True)
class Rendered:
    """A registered document and its PDF; ``existed`` when no new registration was made
    (a reprint, or an issue repeated by a second click)."""

    document: IssuedDocument
    pdf: bytes
    existed: bool = False


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


def _signer(signer: str) -> str:
    if signer and signer not in Signer.values:
        raise DomainError(_("Choose who signs for the committee."), field="signer")
    return signer


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


def may_print(user: AnyUser, document: IssuedDocument) -> bool:
    """Whether ``user`` may download the registered ``document``: who may print the
    object it was issued for."""
    if document.link is not None and document.series == Series.LETTER:
        return may_print_letter(user, document.link)
    if document.comment_request is not None and document.series == Series.REQUEST:
        return may_print_request(user, document.comment_request)
    if document.comment_request is not None:
        return may_print_comment(user, document.comment_request)
    if document.organization is not None and document.series == Series.REPORT:
        return may_print_review(user, document.organization)
    if document.organization is not None:
        return may_print_book(user, document.organization)
    return False


def _register(
    document: IssuedDocument,
    *,
    by: AnyUser,
    build: Callable[[IssuedDocument], rendering.Paper] = papers.paper_for,
    snapshot: bool = False,
    changes: dict[str, Any] | None = None,
) -> Rendered:
    """Register ``document`` (not yet saved): the one place a document gets its number.

    A letter brings the number the registry allocated; every other document takes the
    next number of its issuer's series and year ("max + 1"), under a lock on the
    issuer's row so that two people issuing at once never share a number and the
    numbers have no gaps. The paper is built and rendered before the row is saved, in
    the caller's transaction: a rendering failure registers nothing. A snapshot (a book,
    a report) keeps its text as printed.
    """
    if document.number is None:
        Organization.objects.select_for_update().only("pk").get(pk=document.issuer_id)
        last = IssuedDocument.objects.filter(
            issuer_id=document.issuer_id, year=document.year, series=document.series
        ).aggregate(last=models.Max("number"))["last"]
        document.number = (last or 0) + 1
    paper = build(document)
    if snapshot:
        document.content = dataclasses.asdict(paper)
    pdf = rendering.render_pdf([paper])
    document.checksum = checksum(paper)
    document.save()
    audit.record(
        by=by,
        action="create",
        obj=document,
        changes={**audit.snapshot(document, AUDITED), **(changes or {})},
        scope_path=document.issuer.path,
    )
    return Rendered(document, pdf)


def require_printable(document: IssuedDocument) -> None:
    """A revoked document is never printed again."""
    if document.status == IssuedDocument.Status.REVOKED:
        raise DomainError(_("This document was revoked; it cannot be printed again."))


def _reprint(document: IssuedDocument) -> Rendered:
    """A reprint: the same registration (number and code) and the same paper, unless
    the document was revoked, which no reprint may bring back."""
    require_printable(document)
    return Rendered(document, rendering.render_pdf([papers.paper_for(document)]), existed=True)


def issued_letter(link: ResidenceLink) -> IssuedDocument | None:
    """The registered paper of ``link``'s letter, if it was issued."""
    return IssuedDocument.objects.filter(link=link, series=Series.LETTER).first()


def issued_for_request(request: CommentRequest, series: str) -> IssuedDocument | None:
    """The registered request (``Series.REQUEST``) or comment (``Series.COMMENT``) of
    ``request``, if it was issued."""
    return IssuedDocument.objects.filter(comment_request=request, series=series).first()


@transaction.atomic
def issue_letter_document(*, by: AnyUser, link: ResidenceLink, signer: str = "") -> Rendered:
    """The introduction letter on paper (form 1-213, or 2-213 for category A).

    Its number is the letter number the registry allocated when the letter was issued
    (one gapless sequence per issuer and year); the first issue registers the document
    with a new verification code and who signs (``signer``), a repeated issue or a
    reprint returns the same registration. Only the issuing workplace committee issues
    it, and not for a returned or closed link.
    """
    signer = _signer(signer)
    link = ResidenceLink.objects.select_for_update().get(pk=link.pk)
    issuer = Organization.objects.get(pk=link.issued_by_organization_id)
    link.issued_by_organization = issuer
    registry_access.require_workplace_side(by, issuer)
    existing = issued_letter(link)
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
        signer=signer,
        verification_code=new_verification_code(),
    )
    return _register(document, by=by)


@transaction.atomic
def issue_comment_document(*, by: AnyUser, request: CommentRequest, signer: str = "") -> Rendered:
    """The residence's comment on paper (form 3-213, or 4-213 for category A), once the
    commune has confirmed it.

    The commune committee is the issuer in the register (the form itself carries no
    committee number); ``signer`` signs its confirmation. A repeated issue or a reprint
    returns the same registration.
    """
    signer = _signer(signer)
    request = (
        CommentRequest.objects.select_for_update()
        .select_related("link__residence_commune_organization", "workplace_organization")
        .get(pk=request.pk)
    )
    if not may_print_comment(by, request):
        raise DomainError(_("You may not print this comment."))
    existing = issued_for_request(request, Series.COMMENT)
    if existing is not None:
        return _reprint(existing)
    if request.status not in COMMENT_READY_STATUSES:
        raise DomainError(_("The comment can be printed once the commune has confirmed it."))
    confirmed_at = request.comment.confirmed_at
    issued_on = timezone.localdate(confirmed_at) if confirmed_at else timezone.localdate()
    document = IssuedDocument(
        kind=(
            DocumentKind.COMMENT_CATEGORY_A
            if request.form == CommentForm.CATEGORY_A
            else DocumentKind.COMMENT
        ),
        series=Series.COMMENT,
        comment_request=request,
        member_id=request.member_id,
        issuer=request.link.residence_commune_organization,
        year=issued_on.year,
        issued_on=issued_on,
        issued_by=_user(by),
        signer=signer,
        verification_code=new_verification_code(),
    )
    return _register(document, by=by)


def may_print_request(user: AnyUser, request: CommentRequest) -> bool:
    """The workplace committee that asks for the comment prints its request."""
    return has_capability(user, Capability.REQUEST_COMMENTS, request.workplace_organization.path)


@transaction.atomic
def issue_request_document(*, by: AnyUser, request: CommentRequest, signer: str = "") -> Rendered:
    """The workplace's request for a comment on paper (the request part of forms 3-213
    and 4-213), numbered in the workplace committee's series; a repeated issue or a
    reprint returns the same registration."""
    signer = _signer(signer)
    request = (
        CommentRequest.objects.select_for_update(of=("self",))
        .select_related("workplace_organization")
        .get(pk=request.pk)
    )
    if not may_print_request(by, request):
        raise DomainError(_("You may not print this comment request."))
    existing = issued_for_request(request, Series.REQUEST)
    if existing is not None:
        return _reprint(existing)
    document = IssuedDocument(
        kind=DocumentKind.COMMENT_REQUEST,
        series=Series.REQUEST,
        comment_request=request,
        member_id=request.member_id,
        issuer=request.workplace_organization,
        year=request.requested_on.year,
        issued_on=request.requested_on,
        issued_by=_user(by),
        signer=signer,
        verification_code=new_verification_code(),
    )
    return _register(document, by=by)


# --- snapshots: the tracking book and the annual report ---------------------------------


def _is_residential_commune(org: Organization) -> bool:
    return (
        org.kind == Organization.Kind.GRASSROOTS_COMMITTEE
        and org.side != Organization.Side.WORKPLACE
    )


def has_book(org: Organization) -> bool:
    """Whether ``org`` keeps a tracking book: a residential cell, or a commune (its
    book covers all its cells)."""
    if org.kind == Organization.Kind.CELL:
        return org.side != Organization.Side.WORKPLACE
    return _is_residential_commune(org)


def may_print_book(user: AnyUser, org: Organization) -> bool:
    """A cell's secretary and the commune committee over it print the cell's book; the
    commune committee prints its own."""
    if not has_book(org):
        return False
    if has_capability(user, Capability.RECEIVE_LETTERS, org.path):
        return True
    return org.kind == Organization.Kind.CELL and has_capability(
        user, Capability.ACKNOWLEDGE_LINKS, org.path
    )


def latest_book(org: Organization, as_of: datetime.date) -> IssuedDocument | None:
    """The valid print of ``org``'s book on ``as_of``, the newest if several."""
    return (
        IssuedDocument.objects.filter(
            series=Series.BOOK, organization=org, as_of=as_of, status=IssuedDocument.Status.VALID
        )
        .order_by("-pk")
        .first()
    )


def book_entries(*, by: AnyUser, organization: Organization, as_of: datetime.date) -> list[Any]:
    """The links ``by`` sees that the book of ``organization`` on ``as_of`` lists."""
    return papers.book_links(ResidenceLink.objects.visible_to(by), organization, as_of)


def _repeated(latest: IssuedDocument | None, seen_latest: int | None) -> bool:
    """Whether the form was filled in before ``latest`` was issued: the same issue
    posted again (a second click, a resent form) finds the print the first one made."""
    return seen_latest is not None and latest is not None and latest.pk != seen_latest


@transaction.atomic
def issue_book_document(
    *,
    by: AnyUser,
    organization: Organization,
    as_of: datetime.date | None = None,
    signer: str = "",
    seen_latest: int | None = None,
) -> Rendered:
    """The tracking book of a residential cell, or of a commune for all its cells, as
    it stood on ``as_of`` (today when not given), printed and registered.

    Each issue is a new document (the book changes), numbered in the issuer's series,
    its text kept as printed so that a reprint shows the same rows, and superseding the
    earlier prints of the same book on the same day. ``seen_latest`` is the valid print
    the issuing page showed (0 for none): when another has been issued since, that one
    is returned instead of a new number — the issue is safe to post twice.
    """
    signer = _signer(signer)
    org = Organization.objects.select_for_update(of=("self",)).get(pk=organization.pk)
    if not has_book(org):
        raise DomainError(_("Only a residential cell or a commune has a tracking book."))
    if not may_print_book(by, org):
        raise DomainError(
            _("You may not print the tracking book of “%(org)s”.") % {"org": org.name}
        )
    today = timezone.localdate()
    as_of = as_of or today
    if as_of > today:
        raise DomainError(_("A book can only be printed as of today or a past day."), field="as_of")
    latest = latest_book(org, as_of)
    if _repeated(latest, seen_latest):
        return _reprint(latest)  # type: ignore[arg-type]
    links = book_entries(by=by, organization=org, as_of=as_of)
    document = IssuedDocument(
        kind=DocumentKind.TRACKING_BOOK,
        series=Series.BOOK,
        organization=org,
        issuer=org,
        year=today.year,
        issued_on=today,
        as_of=as_of,
        issued_by=_user(by),
        signer=signer,
        verification_code=new_verification_code(),
    )
    rendered = _register(
        document,
        by=by,
        build=lambda doc: papers.book_paper(org, links, as_of, doc),
        snapshot=True,
        changes={"as_of": as_of.isoformat(), "rows": len(links)},
    )
    earlier = IssuedDocument.objects.filter(series=Series.BOOK, organization=org, as_of=as_of)
    _supersede(by=by, earlier=earlier, new=document, scope_path=org.path)
    return rendered


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


# Regulation 213 dates from 2020; a report before it has nothing to say.
REVIEW_FIRST_YEAR = 2020


def has_review(org: Organization) -> bool:
    """Whether ``org`` writes an annual report: a province, or a commune (a grassroots
    committee on the residence side)."""
    return org.kind == Organization.Kind.PROVINCIAL_COMMITTEE or _is_residential_commune(org)


def may_print_review(user: AnyUser, org: Organization) -> bool:
    """The committee that proposes the year's commendations signs its report (the
    commune's clerk, the province's officers)."""
    return has_review(org) and has_capability(user, Capability.PROPOSE_COMMENDATIONS, org.path)


def latest_review(org: Organization, year: int) -> IssuedDocument | None:
    """The valid print of ``org``'s report on ``year``."""
    return (
        IssuedDocument.objects.filter(
            series=Series.REPORT,
            organization=org,
            subject_year=year,
            status=IssuedDocument.Status.VALID,
        )
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def issue_review_document(
    *,
    by: AnyUser,
    organization: Organization,
    year: int,
    signer: str = "",
    seen_latest: int | None = None,
) -> Rendered:
    """The annual report (thematic review) of a province or a commune for ``year`` as
    a registered document: numbered in the organization's series of the year of issue,
    its text kept as printed (the figures change), and superseding the earlier prints
    of the same year's report. Safe to post twice, as the book (``seen_latest``)."""
    from lienhe213.reports.review import build_review

    signer = _signer(signer)
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
    latest = latest_review(org, year)
    if _repeated(latest, seen_latest):
        return _reprint(latest)  # type: ignore[arg-type]
    review = build_review(user=by, organization=org, year=year, today=on)
    document = IssuedDocument(
        kind=DocumentKind.ANNUAL_REPORT,
        series=Series.REPORT,
        organization=org,
        subject_year=year,
        issuer=org,
        year=on.year,
        issued_on=on,
        issued_by=_user(by),
        signer=signer,
        verification_code=new_verification_code(),
    )
    rendered = _register(
        document,
        by=by,
        build=lambda doc: papers.review_paper(review, on, doc),
        snapshot=True,
        changes={"subject_year": year},
    )
    earlier = IssuedDocument.objects.filter(
        series=Series.REPORT, organization=org, subject_year=year
    )
    _supersede(by=by, earlier=earlier, new=document, scope_path=org.path)
    return rendered


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
    signer: str = "",
) -> DocumentBatch:
    """Queue the letters of one bulk issue for rendering as one PDF, one letter per page
    (or a ZIP file of one PDF per letter), signed by ``signer``; the background task
    registers them all when the file is complete."""
    signer = _signer(signer)
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
        signer=signer,
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
                signer=batch.signer,
                verification_code=new_verification_code(),
            )
        )
    as_zip = batch.output == DocumentBatch.Output.ZIP
    names = papers.Names()  # the issuer's and the communes' names, read once
    chunks = []
    files: list[tuple[str, bytes]] = []
    for start in range(0, len(documents), BATCH_CHUNK):
        part = documents[start : start + BATCH_CHUNK]
        ids = batch.link_ids[start : start + BATCH_CHUNK]
        chunk = [
            papers.letter_paper(links[pk], doc, names) for pk, doc in zip(ids, part, strict=True)
        ]
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
