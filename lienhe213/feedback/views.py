"""Residents' feedback pages.

Public (no login): a cell's page where a resident writes a report, and the status page
where a receipt code tells the report's state and nothing else. Both are limited per
client address (and the report per cell, ``feedback.throttles``); the report form also
carries a time-based honeypot (``feedback.forms``).

Signed in: the queue of a cell or a commune, one report with its steps (match, close,
forward), the cell's public page and its printable notice. Every page fetches through a
gatekeeper (``feedback.access``: 404 when the user may not see it, 403 when they may see
it but not handle it); the services decide the rest.
"""

import uuid
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienhe213.accounts.access import AuthenticatedHttpRequest, sees_everything
from lienhe213.core.errors import DomainError
from lienhe213.core.exports import EXPORT_FORMATS
from lienhe213.core.pages import peek_page, query_without_page, render_page
from lienhe213.feedback import access, exports, forms, queries, services, throttles
from lienhe213.feedback.models import FeedbackChannel, ResidentReport
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import ResidenceLink

# --- public ----------------------------------------------------------------------------


def public_url(channel: FeedbackChannel) -> str:
    """The absolute address printed on the notice and in its QR code."""
    return f"{settings.SITE_URL}{reverse('residents:public', args=[channel.slug])}"


def qr_svg(url: str) -> str:
    """``url`` as a QR code (an SVG data URI), as the documents print theirs."""
    return str(segno.make(url, error="m").svg_data_uri(scale=6, border=2))


def _refuse(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "feedback/refused.html", {"message": message}, status=status)


def public(request: HttpRequest, slug: str) -> HttpResponse:
    """A cell's page for its residents: what they may report, the form, what happens
    next. It names the cell and its commune and lists no member. The answer to a
    report is its receipt code, never what was stored."""
    channel = access.get_channel_by_slug(slug)
    context: dict[str, Any] = {"channel": channel, "cell": channel.cell}
    if request.method != "POST":
        form = forms.ReportForm(initial={"started": forms.started_token()})
        return render(request, "feedback/public.html", {**context, "form": form})
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.FEEDBACK_MAX_BYTES:
        return _refuse(request, _("Your report is too long. Shorten it and send it again."), 413)
    if request.FILES:
        return _refuse(request, _("Only text can be sent, no files."), 400)
    if not throttles.allow_report(request, channel.cell_id):
        return _refuse(request, _("Too many reports were sent. Please try again later."), 429)
    form = forms.ReportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if forms.refused_as_robot(data["started"], data["website"]):
            return _refuse(
                request,
                _(
                    "Your report could not be accepted. Reload the page, take your time, "
                    "and send it again."
                ),
                400,
            )
        try:
            _report, receipt = services.submit_report(
                channel=channel,
                topic=data["topic"],
                member_name=data["member_name"],
                community=data["community"],
                body=data["body"],
                phone=data["phone"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return render(request, "feedback/received.html", {**context, "receipt": receipt})
    # the form's own input is shown back to correct it; a fresh honeypot clock
    again = request.POST.copy()
    again["started"] = forms.started_token()
    form.data = again
    return render(request, "feedback/public.html", {**context, "form": form}, status=400)


def status(request: HttpRequest) -> HttpResponse:
    """The state of a report (received, being handled, closed) from its receipt code,
    and nothing else; look-ups are limited per client address."""
    form = forms.StatusForm(request.POST or None)
    state = None
    looked_up = False
    if request.method == "POST":
        if not throttles.allow_status(request):
            return _refuse(request, _("Too many look-ups. Please try again later."), 429)
        if form.is_valid():
            looked_up = True
            value = services.report_status(receipt=form.cleaned_data["receipt"])
            state = ResidentReport.Status(value).label if value else None
    return render(
        request, "feedback/status.html", {"form": form, "state": state, "looked_up": looked_up}
    )


# --- community representatives ---------------------------------------------------------


def _represented_cells(user: Any) -> list[Organization]:
    """The cells the user represents; 403 for anyone who represents none."""
    cells = access.represented_cells(user)
    if not cells:
        raise PermissionDenied
    return cells


@login_required
def opinions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A community representative's "My opinions": what they wrote, newest first, with
    its state (received, being handled, closed) and nothing more — not the handler's
    note, not whom it was matched to: no more than a resident's receipt tells."""
    cells = _represented_cells(request.user)
    written = (
        ResidentReport.objects.opinions_of(request.user)
        .select_related("cell")
        .order_by("-received_at", "-pk")
    )
    context = {
        "cells": cells,
        "page": peek_page(written, request.GET.get("page")),
        "query": query_without_page(request),
    }
    return render_page(request, "feedback/opinions.html", context, "results")


@login_required
def opinion_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Write an opinion to a cell the user represents (``submit_opinion``); a forged
    cell is 404, a form sent twice is refused once stored."""
    cells = _represented_cells(request.user)
    if request.method != "POST":
        form = forms.OpinionForm(initial={"token": uuid.uuid4()}, cells=cells)
        return render(request, "feedback/opinion_form.html", {"form": form})
    if "cell" in request.POST:  # a cell they do not represent: 404, as any forged id
        access.get_represented_cell_for_user(request.user, request.POST["cell"])
    form = forms.OpinionForm(request.POST, cells=cells)
    if form.is_valid():
        data = form.cleaned_data
        cell = access.get_represented_cell_for_user(request.user, data["cell"])
        try:
            services.submit_opinion(
                by=request.user,
                cell=cell,
                topic=data["topic"],
                member_name=data["member_name"],
                body=data["body"],
                token=data["token"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Your opinion was sent to the cell."))
            return redirect("feedback:opinions")
    return render(request, "feedback/opinion_form.html", {"form": form}, status=400)


# --- handling --------------------------------------------------------------------------


def _handled_organizations(user: Any) -> list[Organization]:
    """The cells and communes whose reports ``user`` handles: their own, or every
    residential commune below a higher committee they hold a role over."""
    residential = Organization.objects.current().filter(side=Organization.Side.RESIDENTIAL)
    if sees_everything(user):
        paths = list(Organization.objects.entry_points(user).values_list("path", flat=True))
    else:
        paths = queries.handler_paths(user)
    own = [
        org
        for org in residential.filter(path__in=paths)
        if org.is_residential_cell or org.is_commune_committee
    ]
    higher = [path for path in paths if path not in {org.path for org in own}]
    communes = residential.filter(kind=Organization.Kind.GRASSROOTS_COMMITTEE)
    below: list[Organization] = []
    for path in higher:
        below += list(communes.filter(path__under=path))
    return sorted([*own, *below], key=lambda org: org.path)


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where the menu's "Residents' reports" leads: the one queue of a cell secretary or
    commune clerk, or the list of the communes below a higher committee."""
    orgs = _handled_organizations(request.user)
    if not orgs:
        raise PermissionDenied
    if len(orgs) == 1:
        return redirect("feedback:queue", org_pk=orgs[0].pk)
    return render(request, "feedback/index.html", {"organizations": orgs})


@login_required
def queue(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """The reports to a cell, or to every cell of a commune, oldest first: the open ones
    by default. ``?format=xlsx|pdf`` exports them (never the phone)."""
    org = access.get_feedback_organization_for_user(request.user, org_pk)
    reports = (
        ResidentReport.objects.visible_to(request.user)
        .under(org)
        .select_related("cell", "member")
        .oldest_first()
    )
    filters = forms.QueueFilterForm(request.GET)
    chosen = filters.cleaned_data["status"] if filters.is_valid() else ""
    reports = reports.filter(status=chosen) if chosen else reports.open()
    if (fmt := request.GET.get("format")) in EXPORT_FORMATS:
        return exports.queue_xlsx(reports.iterator(chunk_size=500), org, fmt=fmt)
    if org.is_residential_cell:
        channels = [(org, FeedbackChannel.objects.filter(cell=org).first())]
    else:
        cells = (
            Organization.objects.current()
            .filter(
                path__under=org.path,
                kind=Organization.Kind.CELL,
                side=Organization.Side.RESIDENTIAL,
            )
            .order_by("path")
        )
        by_cell = {c.cell_id: c for c in FeedbackChannel.objects.filter(cell__in=cells)}
        channels = [(cell, by_cell.get(cell.pk)) for cell in cells]
    context = {
        "organization": org,
        "is_cell": org.is_residential_cell,
        "filter": filters,
        "page": peek_page(reports, request.GET.get("page")),
        "query": query_without_page(request),
        "today": timezone.localdate(),
        "channels": [
            (cell, channel, public_url(channel) if channel else "") for cell, channel in channels
        ],
        "missing_channels": any(channel is None for _cell, channel in channels),
    }
    return render_page(request, "feedback/queue.html", context, "results")


@login_required
@require_POST
def open_channel(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """Create the residents' page of a cell, or of every cell of a commune."""
    org = access.get_feedback_organization_for_user(request.user, org_pk)
    if org.is_residential_cell:
        services.open_channel(by=request.user, cell=org)
    else:
        services.open_channels(by=request.user, commune=org)
    messages.success(request, _("The residents' page is ready: print its notice."))
    return redirect("feedback:queue", org_pk=org.pk)


@login_required
def poster(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """The A4 notice for the community's board, with the page's address and QR code:
    one page for a cell, one page per cell (that has its page) for a commune."""
    org = access.get_feedback_organization_for_user(request.user, org_pk)
    channels = list(
        FeedbackChannel.objects.filter(cell__path__under=org.path, cell__valid_until__isnull=True)
        .select_related("cell", "cell__parent")
        .order_by("cell__path")
    )
    if not channels:
        raise Http404
    from lienhe213.documents.rendering import template_pdf

    with translation.override("vi"):
        pdf = template_pdf(
            "feedback/poster.html",
            {
                "pages": [
                    (channel, public_url(channel), qr_svg(public_url(channel)))
                    for channel in channels
                ]
            },
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="gop-y-{org.pk}.pdf"'
    return response


def _detail_page(
    request: HttpRequest,
    report: ResidentReport,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    user = request.user
    handles = access.may_handle(user, report.cell)
    initial = {"version": report.version}
    search = forms.MatchSearchForm(request.GET)
    text = search.cleaned_data["q"] if search.is_valid() else ""
    context: dict[str, Any] = {
        "report": report,
        "today": timezone.localdate(),
        "may_read_phone": bool(report.phone) and access.may_read_phone(user, report),
        "phone": access.reveal_phone(user, report) if request.GET.get("phone") == "1" else None,
        "search": search,
        "candidates": queries.linked_members_matching(report.cell, text)
        if handles and report.can_be_matched()
        else [],
        "match_form": bound.get("match") or forms.MatchForm(initial=initial),
        "close_form": (bound.get("close") or forms.CloseForm(initial=initial, report=report))
        if handles and report.can_be_closed()
        else None,
        "forward_form": (
            bound.get("forward")
            or forms.ForwardForm(
                initial={**initial, "kind": services.SUGGESTED_KIND.get(report.topic)}
            )
        )
        if handles and report.can_be_forwarded()
        else None,
        "handles": handles,
    }
    return render(request, "feedback/detail.html", context, status=status)


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One report: what the resident wrote, the phone on request (audited, for the cell
    secretary and the commune clerk only), and the steps."""
    return _detail_page(request, access.get_report_for_user(request.user, pk))


def _step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk, write=True)
    form: forms.DomainErrorForm
    if step == "match":
        form = forms.MatchForm(request.POST)
    elif step == "close":
        form = forms.CloseForm(request.POST, report=report)
    else:
        form = forms.ForwardForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "match":
                link = (
                    ResidenceLink.objects.visible_to(request.user).filter(pk=data["link"]).first()
                )
                if link is None:
                    raise DomainError(_("Choose one of the cell's linked members."), field="link")
                services.match_report(
                    by=request.user,
                    report=report,
                    link=link,
                    note=data["note"],
                    version=data["version"],
                )
                done = _("The report was matched to %(member)s.") % {
                    "member": link.member.full_name
                }
            elif step == "close":
                services.close_report(
                    by=request.user,
                    report=report,
                    reason=data["reason"],
                    note=data["note"],
                    version=data["version"],
                )
                done = _("The report was closed.")
            else:
                services.forward_report(
                    by=request.user,
                    report=report,
                    kind=data["kind"],
                    note=data["note"],
                    version=data["version"],
                )
                done = _("The report was sent to the workplace committee as a notice.")
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, done)
            return redirect("feedback:detail", pk=report.pk)
    return _detail_page(request, report, {step: form}, status=400)


@login_required
@require_POST
def match(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "match")


@login_required
@require_POST
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "close")


@login_required
@require_POST
def forward(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "forward")
