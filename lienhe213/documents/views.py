"""Downloads of the official documents, letter batches with their progress, and the
public verification page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lienhe213.accounts.access import Capability, has_capability
from lienhe213.comments import access as comment_access
from lienhe213.core.errors import DomainError
from lienhe213.documents import access, services
from lienhe213.documents.forms import BatchForm, RevokeForm
from lienhe213.documents.models import DocumentBatch, IssuedDocument
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


def _send(document: IssuedDocument, pdf: bytes, fmt: str) -> HttpResponse:
    name = document.file_stem()
    if fmt == "docx":
        return _file(services.render_docx(document), DOCX, f"{name}.docx")
    return _file(pdf, PDF, f"{name}.pdf")


@login_required
def link_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Form 1-213 / 2-213 of a link, as PDF or DOCX (registered on the first print)."""
    link = registry_access.get_link_for_user(request.user, pk)
    if not services.may_print_letter(request.user, link):
        raise PermissionDenied
    try:
        issued = services.issue_letter_document(by=request.user, link=link)
    except DomainError as err:
        messages.error(request, str(err))
        return redirect("registry:link_detail", pk=link.pk)
    return _send(issued.document, issued.pdf, fmt)


@login_required
def comment_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Form 3-213 / 4-213 of a confirmed comment, as PDF or DOCX."""
    comment_request = comment_access.get_request_for_user(request.user, pk)
    if not services.may_print_comment(request.user, comment_request):
        raise PermissionDenied
    try:
        issued = services.issue_comment_document(by=request.user, request=comment_request)
    except DomainError as err:
        messages.error(request, str(err))
        return redirect("comments:request", pk=comment_request.pk)
    return _send(issued.document, issued.pdf, fmt)


@login_required
def request_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The workplace's request for a comment (request part of 3-213 / 4-213)."""
    comment_request = comment_access.get_request_for_user(request.user, pk)
    if not services.may_print_request(request.user, comment_request):
        raise PermissionDenied
    issued = services.issue_request_document(by=request.user, request=comment_request)
    return _send(issued.document, issued.pdf, fmt)


@login_required
def book_document(request: HttpRequest, org_pk: int, fmt: str) -> HttpResponse:
    """The tracking book of a residential cell as it stands today, PDF or DOCX; each
    print is registered."""
    cell = get_organization_for_user(request.user, org_pk)
    if cell.kind != cell.Kind.CELL or cell.side == cell.Side.WORKPLACE:
        raise Http404
    if not services.may_print_book(request.user, cell):
        raise PermissionDenied
    issued = services.issue_book_document(by=request.user, cell=cell)
    return _send(issued.document, issued.pdf, fmt)


@login_required
def review_document(request: HttpRequest, org_pk: int, year: int, fmt: str) -> HttpResponse:
    """The annual report (thematic review) of a province or a commune for ``year``, PDF
    or DOCX; each print is registered and supersedes the earlier prints of that year."""
    org = get_organization_for_user(request.user, org_pk)
    if not services.has_review(org) or not services.REVIEW_FIRST_YEAR <= year <= _this_year():
        raise Http404
    if not services.may_print_review(request.user, org):
        raise PermissionDenied
    try:
        issued = services.issue_review_document(by=request.user, organization=org, year=year)
    except DomainError as err:
        messages.error(request, str(err))
        return redirect("reports:review", pk=org.pk, year=year)
    return _send(issued.document, issued.pdf, fmt)


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
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
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
def batches(request: HttpRequest, org_pk: int) -> HttpResponse:
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
            )
        except DomainError as err:
            form.add_error("issued_on", str(err))
        else:
            return redirect("documents:batch", pk=batch.pk)
    recent = DocumentBatch.objects.filter(issuer=org).defer("pdf", "archive")[:20]
    return render(request, "documents/batches.html", {"org": org, "form": form, "batches": recent})


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One batch; htmx polls its progress fragment until the file is ready."""
    batch = access.get_batch_for_user(request.user, pk)
    template = "documents/batch.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#progress"
    return render(request, template, {"batch": batch})


@login_required
def batch_file(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.get_batch_for_user(request.user, pk)
    if batch.status != DocumentBatch.Status.DONE or batch.output != DocumentBatch.Output.PDF:
        raise Http404  # no file yet, or a ZIP batch

    pdf = DocumentBatch.objects.values_list("pdf", flat=True).get(pk=batch.pk)
    return _file(bytes(pdf or b""), PDF, f"letters-{batch.pk}.pdf")


@login_required
def batch_zip(request: HttpRequest, pk: int) -> HttpResponse:
    """A ZIP batch's file: one PDF per letter, named by number and member."""
    batch = access.get_batch_for_user(request.user, pk)
    if batch.status != DocumentBatch.Status.DONE or batch.output != DocumentBatch.Output.ZIP:
        raise Http404

    archive = DocumentBatch.objects.values_list("archive", flat=True).get(pk=batch.pk)
    return _file(bytes(archive or b""), ZIP, f"letters-{batch.pk}.zip")
