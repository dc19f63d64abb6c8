"""The official documents: the pages that issue them (a GET shows what will be issued
and asks who signs, a POST issues and redirects to the file), their downloads (a GET,
which never writes), letter batches with their progress, and the public verification
page."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lienhe213.accounts.access import AuthenticatedHttpRequest, Capability, has_capability
from lienhe213.comments import access as comment_access
from lienhe213.comments.models import CommentRequest
from lienhe213.core.errors import DomainError
from lienhe213.documents import access, services
from lienhe213.documents.forms import (
    BatchForm,
    BookDayForm,
    BookIssueForm,
    IssueForm,
    RevokeForm,
    SnapshotIssueForm,
)
from lienhe213.documents.models import DocumentBatch, IssuedDocument, Series
from lienhe213.documents.services import Rendered
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.registry import access as registry_access
from lienhe213.registry.views.links import allowed_steps

PDF = "application/pdf"
ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _this_year() -> int:
    return timezone.localdate().year


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _download(request: HttpRequest, document: IssuedDocument, fmt: str) -> HttpResponse:
    """The file of a document already issued (nothing is written); a revoked one is
    refused on its verification page."""
    try:
        services.require_printable(document)
    except DomainError as err:
        messages.error(request, str(err))
        return redirect("documents:verify", code=document.verification_code)
    name = document.file_stem()
    if fmt == "docx":
        return _file(services.render_docx(document), DOCX, f"{name}.docx")
    return _file(services.render_pdf(document), PDF, f"{name}.pdf")


def _issued(request: HttpRequest, issued: services.Rendered, fmt: str) -> HttpResponse:
    """After an issue: on to the file's download (a GET), saying so when the document
    had already been issued (the same form posted twice)."""
    document = issued.document
    if issued.existed:
        messages.info(
            request,
            _("This document had already been issued: %(document)s. Here it is again.")
            % {"document": document},
        )
    else:
        messages.success(request, _("%(document)s was issued.") % {"document": document})
    return redirect("documents:file", pk=document.pk, fmt=fmt)


def _issue_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "documents/issue.html", context)


@login_required
def document_file(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Download a registered document, PDF or DOCX, as it was issued."""
    document = access.get_document_for_user(request.user, pk)
    if not services.may_print(request.user, document):
        raise PermissionDenied
    return _download(request, document, fmt)


def _form_document(
    request: AuthenticatedHttpRequest,
    fmt: str,
    *,
    existing: IssuedDocument | None,
    back: str,
    refusal: str,
    issue: Callable[[str], Rendered],
    page: dict[str, Any],
) -> HttpResponse:
    """One of the forms (1-213 … 4-213): once issued, its file (GET); before, the page
    that says what will be issued and asks who signs (GET), and the issue (POST); a
    ``refusal`` (when not empty) sends the user back with it instead."""
    if existing is not None and request.method == "GET":
        return _download(request, existing, fmt)
    if existing is None and refusal:
        messages.error(request, refusal)
        return redirect(back)
    form = IssueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = issue(form.cleaned_data["signer"])
        except DomainError as err:
            messages.error(request, str(err))
            return redirect(back)
        return _issued(request, issued, fmt)
    return _issue_page(request, {**page, "form": form, "back": back})


@login_required
@require_http_methods(["GET", "POST"])
def link_document(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Form 1-213 / 2-213 of a link (``_form_document``)."""
    link = registry_access.get_link_for_user(request.user, pk)
    if not services.may_print_letter(request.user, link):
        raise PermissionDenied
    return _form_document(
        request,
        fmt,
        existing=services.issued_letter(link),
        back=reverse("registry:link_detail", args=[link.pk]),
        refusal=_("This letter is no longer in force; it cannot be printed.")
        if link.status in services.NO_LETTER_STATUSES
        else "",
        issue=lambda signer: services.issue_letter_document(
            by=request.user, link=link, signer=signer
        ),
        page={
            "title": _("Issue the introduction letter"),
            "facts": [
                (_("Form"), link.get_letter_form_display()),
                (_("Number"), f"{link.letter_number}/{link.letter_year}"),
                (_("Issued by"), link.issued_by_organization.name),
                (_("Member"), link.member.full_name),
                (_("To"), link.residence_commune_organization.name),
                (_("Dated"), date_format(link.issued_on, "d/m/Y")),
            ],
            "note": _(
                "The letter is registered under the number the registry gave it, with a "
                "verification code printed as a QR code. Every later print is the same "
                "document."
            ),
        },
    )


def _request_facts(item: CommentRequest) -> list[tuple[str, str]]:
    return [
        (_("Form"), item.get_form_display()),
        (_("Member"), item.member.full_name),
        (_("Workplace committee"), item.workplace_organization.name),
        (_("Residence"), item.link.residence_commune_organization.name),
        (_("Year"), str(item.campaign.year)),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def comment_document(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Form 3-213 / 4-213 of a confirmed comment (``_form_document``)."""
    item = comment_access.get_request_for_user(request.user, pk)
    if not services.may_print_comment(request.user, item):
        raise PermissionDenied
    return _form_document(
        request,
        fmt,
        existing=services.issued_for_request(item, Series.COMMENT),
        back=reverse("comments:request", args=[item.pk]),
        refusal=_("The comment can be printed once the commune has confirmed it.")
        if item.status not in services.COMMENT_READY_STATUSES
        else "",
        issue=lambda signer: services.issue_comment_document(
            by=request.user, request=item, signer=signer
        ),
        page={
            "title": _("Issue the comment"),
            "facts": _request_facts(item),
            "note": _(
                "The cell's comment, confirmed by the commune committee: choose who signs "
                "the commune's confirmation. It is registered in the commune's register."
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_document(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The workplace's request for a comment (request part of 3-213 / 4-213,
    ``_form_document``)."""
    item = comment_access.get_request_for_user(request.user, pk)
    if not services.may_print_request(request.user, item):
        raise PermissionDenied
    return _form_document(
        request,
        fmt,
        existing=services.issued_for_request(item, Series.REQUEST),
        back=reverse("comments:request", args=[item.pk]),
        refusal="",
        issue=lambda signer: services.issue_request_document(
            by=request.user, request=item, signer=signer
        ),
        page={
            "title": _("Issue the comment request"),
            "facts": _request_facts(item),
            "note": _(
                "The request takes the next number of the committee's requests this year. "
                "Every later print is the same document."
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def book_document(request: AuthenticatedHttpRequest, org_pk: int, fmt: str) -> HttpResponse:
    """The tracking book of a residential cell, or of a commune for all its cells, on a
    day (today unless ``?as_of=`` names a past day): the page shows what will be issued
    and the latest print of that day; the issue is a POST (each issue is a new number)."""
    org = get_organization_for_user(request.user, org_pk)
    if not services.has_book(org):
        raise Http404
    if not services.may_print_book(request.user, org):
        raise PermissionDenied
    today = timezone.localdate()
    back = reverse("registry:book", args=[org.pk])
    if request.method == "POST":
        form = BookIssueForm(request.POST)
        as_of = today
        if form.is_valid():
            as_of = form.cleaned_data["as_of"]
            try:
                issued = services.issue_book_document(
                    by=request.user,
                    organization=org,
                    as_of=as_of,
                    signer=form.cleaned_data["signer"],
                    seen_latest=form.cleaned_data["latest"],
                )
            except DomainError as err:
                form.add_error(None, str(err))
            else:
                return _issued(request, issued, fmt)
        day_form = BookDayForm(initial={"as_of": as_of})
    else:
        day_form = BookDayForm(request.GET or None)
        as_of = today
        if day_form.is_valid() and day_form.cleaned_data["as_of"]:
            as_of = day_form.cleaned_data["as_of"]
        if as_of > today:
            day_form.add_error("as_of", _("A book can only be printed as of today or a past day."))
            as_of = today
        latest = services.latest_book(org, as_of)
        form = BookIssueForm(initial={"as_of": as_of, "latest": latest.pk if latest else 0})
    rows = services.book_entries(by=request.user, organization=org, as_of=as_of)
    facts = [
        (_("Book of"), org.name),
        (_("As of"), date_format(as_of, "d/m/Y")),
        (_("Members listed"), str(len(rows))),
    ]
    return _issue_page(
        request,
        {
            "title": _("Issue the tracking book"),
            "facts": facts,
            "note": _(
                "Each issue is a new document with the next number of the book's register, "
                "its rows kept as printed; it supersedes the earlier prints of the book on "
                "the same day."
            ),
            "form": form,
            "day_form": day_form,
            "latest": services.latest_book(org, as_of),
            "fmt": fmt,
            "back": back,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_document(
    request: AuthenticatedHttpRequest, org_pk: int, year: int, fmt: str
) -> HttpResponse:
    """The annual report (thematic review) of a province or a commune for ``year``: the
    page shows what will be issued and the latest print; the issue is a POST, which
    supersedes the earlier prints of that year."""
    org = get_organization_for_user(request.user, org_pk)
    if not services.has_review(org) or not services.REVIEW_FIRST_YEAR <= year <= _this_year():
        raise Http404
    if not services.may_print_review(request.user, org):
        raise PermissionDenied
    latest = services.latest_review(org, year)
    form = SnapshotIssueForm(request.POST or None, initial={"latest": latest.pk if latest else 0})
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.issue_review_document(
                by=request.user,
                organization=org,
                year=year,
                signer=form.cleaned_data["signer"],
                seen_latest=form.cleaned_data["latest"],
            )
        except DomainError as err:
            form.add_error(None, str(err))
        else:
            return _issued(request, issued, fmt)
    return _issue_page(
        request,
        {
            "title": _("Issue the annual report"),
            "facts": [(_("Report of"), org.name), (_("Year"), str(year))],
            "note": _(
                "Each issue is a new document with the next number of the committee's "
                "reports, its figures kept as printed; it supersedes the earlier prints of "
                "this year's report."
            ),
            "form": form,
            "latest": latest,
            "fmt": fmt,
            "back": reverse("reports:review", args=[org.pk, year]),
        },
    )


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: whether a paper is genuine and in force. Shows only the kind, number,
    issuer, member's name, date and status; a commune clerk who may receive the letter
    gets the receive step."""
    try:
        document = access.get_document_by_code(code)
    except Http404:  # the page explains, with the same answer for any wrong code
        return render(request, "documents/verify_unknown.html", status=404)
    link = document.link
    receive = (
        link is not None
        and document.is_valid
        and request.user.is_authenticated
        and "receive" in allowed_steps(request.user, link)
    )
    context = {
        "document": document,
        "receive_link": link if receive else None,
        "revocable": document.is_valid
        and request.user.is_authenticated
        and services.may_revoke(request.user, document),
        "today": timezone.localdate(),
    }
    return render(request, "documents/verify.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Withdraw a registered document, with the reason; back to its verification page."""
    document = access.get_document_for_user(request.user, pk)
    if not services.may_revoke(request.user, document):
        raise PermissionDenied
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_document(
                by=request.user, document=document, reason=form.cleaned_data["reason"]
            )
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, str(err))
        else:
            messages.success(request, _("The document was revoked."))
            return redirect("documents:verify", code=document.verification_code)
    return render(request, "documents/revoke.html", {"document": document, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def batches(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """A workplace committee's letter batches, and the form to start one."""
    org = get_organization_for_user(request.user, org_pk)
    if not has_capability(request.user, Capability.MANAGE_LETTERS, org.path):
        raise PermissionDenied
    form = BatchForm(request.POST or None, initial={"issued_on": request.GET.get("issued_on")})
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.start_letter_batch(
                by=request.user,
                workplace=org,
                issued_on=form.cleaned_data["issued_on"],
                output=form.cleaned_data["output"] or DocumentBatch.Output.PDF,
                signer=form.cleaned_data["signer"],
            )
        except DomainError as err:
            form.add_error("issued_on", str(err))
        else:
            return redirect("documents:batch", pk=batch.pk)
    recent = DocumentBatch.objects.filter(issuer=org).defer("pdf", "archive")[:20]
    return render(request, "documents/batches.html", {"org": org, "form": form, "batches": recent})


@login_required
def batch_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One batch; htmx polls its progress fragment until the file is ready."""
    batch = access.get_batch_for_user(request.user, pk)
    template = "documents/batch.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"batch": batch})


@login_required
def batch_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = access.get_batch_for_user(request.user, pk)
    if batch.status != DocumentBatch.Status.DONE or batch.output != DocumentBatch.Output.PDF:
        raise Http404  # no file yet, or a ZIP batch

    pdf = DocumentBatch.objects.values_list("pdf", flat=True).get(pk=batch.pk)
    return _file(bytes(pdf or b""), PDF, f"letters-{batch.pk}.pdf")


@login_required
def batch_zip(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A ZIP batch's file: one PDF per letter, named by number and member."""
    batch = access.get_batch_for_user(request.user, pk)
    if batch.status != DocumentBatch.Status.DONE or batch.output != DocumentBatch.Output.ZIP:
        raise Http404

    archive = DocumentBatch.objects.values_list("archive", flat=True).get(pk=batch.pk)
    return _file(bytes(archive or b""), ZIP, f"letters-{batch.pk}.zip")
