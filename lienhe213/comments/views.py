"""Pages of the comment cycle: the province's campaigns, a workplace's requests, a
cell's to-do list, one request with its evidence and steps, a commune's progress and
the member's own comments. Every step is a POST calling its service."""

from collections import Counter
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from lienhe213.accounts.access import (
    AuthenticatedHttpRequest,
    Capability,
    has_capability,
    own_member_id,
)
from lienhe213.comments import access, exports, forms, services
from lienhe213.comments.filters import CommentRequestFilter, page_filter_data
from lienhe213.comments.models import (
    OUTCOMES_FOR,
    CommentCampaign,
    CommentRequest,
    RecommendationFollowUp,
)
from lienhe213.comments.queries import (
    CommentRequestQuerySet,
    progress_by_commune,
    requested_in_period,
    uniform_ratings,
)
from lienhe213.core.errors import DomainError
from lienhe213.core.exports import EXPORT_FORMATS
from lienhe213.core.pages import peek_page, query_without_page
from lienhe213.feedback import queries as feedback_queries
from lienhe213.meetings.models import FollowUp, Meeting
from lienhe213.notices.models import Notice
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import LinkEvent, ResidenceLink

# The evidence panel shows the latest notices about the member; the thread has them all.
EVIDENCE_NOTICES = 20

REQUEST_RELATED = (
    "campaign",
    "member",
    "workplace_organization",
    "link__residence_commune_organization",
    "link__residence_cell",
)


def _org_with(request: HttpRequest, pk: int, capability: Capability) -> Organization:
    """The organization if visible (404) and the user holds ``capability`` over it (403)."""
    org = get_organization_for_user(request.user, pk)
    if not has_capability(request.user, capability, org.path):
        raise PermissionDenied
    return org


def _campaigns_for(user: Any, org: Organization) -> "models.QuerySet[CommentCampaign]":
    """The campaigns ``user`` sees (``CommentCampaign.objects.visible_to``, as the API
    lists them) of the provincial committee above (or at) ``org``."""
    return (
        CommentCampaign.objects.visible_to(user)
        .filter(province_id__in=org.ancestor_ids())
        .order_by("-year")
    )


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where the user's comment work is: one entry per organization they hold a role in."""
    user = request.user
    Kind, Side = Organization.Kind, Organization.Side
    entries: list[tuple[Organization, str, str]] = []
    # The organizations the user holds a role in; a superuser with none works from the
    # roots, like everywhere else (``entry_points``).
    for org in Organization.objects.entry_points(user).order_by("path"):
        if org.is_provincial_committee:
            entries.append((org, "comments:province", _("Campaigns")))
            entries.append((org, "comments:progress", _("Progress")))
        elif org.side == Side.WORKPLACE and has_capability(
            user, Capability.REQUEST_COMMENTS, org.path
        ):
            entries.append((org, "comments:workplace", _("Comment requests")))
        elif org.kind == Kind.CELL and has_capability(user, Capability.WRITE_COMMENTS, org.path):
            entries.append((org, "comments:cell", _("Comments to write")))
        elif org.side == Side.RESIDENTIAL and has_capability(
            user, Capability.CONFIRM_COMMENTS, org.path
        ):
            if org.is_commune_committee:
                entries.append((org, "comments:commune", _("Comments to confirm and return")))
            entries.append((org, "comments:progress", _("Progress")))
    context = {"entries": entries, "is_member": own_member_id(user) is not None}
    return render(request, "comments/index.html", context)


@login_required
def province_campaigns(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The campaigns of a provincial committee; its officer opens the year's campaign."""
    org = get_organization_for_user(request.user, pk)
    may_open = has_capability(request.user, Capability.MANAGE_COMMENT_CAMPAIGNS, org.path)
    form = forms.CampaignForm(request.POST or None)
    if request.method == "POST":
        if not may_open:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.open_campaign(by=request.user, province=org, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, _("The campaign is open."))
                return redirect("comments:province", org.pk)
    context = {
        "organization": org,
        "campaigns": CommentCampaign.objects.visible_to(request.user).filter(province=org),
        "form": form if may_open else None,
    }
    return render(request, "comments/campaign_list.html", context)


def _filter_workplace_requests(
    requests: CommentRequestQuerySet, org: Organization, filters: forms.WorkplaceFilterForm
) -> CommentRequestQuerySet:
    """The workplace's requests (with ``below``, those of the committees under it too)
    narrowed by the list's filters; the conditions are the report's (ADR 0008)."""
    if filters.value("below"):
        requests = requests.filter(workplace_organization__path__under=org.path)
    else:
        requests = requests.filter(workplace_organization=org)
    period = (filters.value("requested_from"), filters.value("requested_to"))
    if period != (None, None):
        requests = requests.filter(requested_in_period(*period))
    if recommendation := filters.value("recommendation"):
        requests = requests.recommending(recommendation)
    follow_up = filters.value("follow_up")
    if follow_up == forms.AWAITING:
        requests = requests.awaiting_follow_up()
    elif follow_up == forms.DONE:
        requests = requests.followed_up()
    return requests


@login_required
def workplace_requests(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A workplace committee's requests, and the form to request many at once."""
    org = _org_with(request, pk, Capability.REQUEST_COMMENTS)
    links = (
        ResidenceLink.objects.at_workplace(org)
        .filter(status=ResidenceLink.Status.ACTIVE)
        .select_related("member")
        .order_by("member__given_name", "member__family_name")
    )
    form = forms.BulkRequestForm(
        request.POST or None,
        campaigns=_campaigns_for(request.user, org),
        links=links,
        initial={"requested_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_comments(
                by=request.user,
                campaign=data["campaign"],
                workplace=org,
                members=[link.member for link in data["links"]],
                requested_on=data["requested_on"],
                purpose=data["purpose"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(count)d comments requested.") % {"count": len(created)})
            return redirect("comments:workplace", org.pk)
    filters = forms.WorkplaceFilterForm(request.GET)
    period = (filters.value("requested_from"), filters.value("requested_to"))
    requests = (
        _filter_workplace_requests(CommentRequest.objects.visible_to(request.user), org, filters)
        .select_related(*REQUEST_RELATED, "comment", "follow_up")
        .order_by("-campaign__year", "member__given_name", "pk")
    )
    context = {
        "organization": org,
        "filter": filters,
        "period": period if period != (None, None) else None,
        "page": peek_page(requests, request.GET.get("page")),
        "query": query_without_page(request),
        "form": form,
    }
    return render(request, "comments/workplace.html", context)


@login_required
def cell_todo(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A residential cell's comments to write, open ones first."""
    org = _org_with(request, pk, Capability.WRITE_COMMENTS)
    requests = (
        CommentRequest.objects.visible_to(request.user)
        .at_residence_cell(org.pk)
        .select_related(*REQUEST_RELATED)
        .order_by(
            models.Case(
                models.When(status__in=CommentRequest.EDITABLE_STATUSES, then=0), default=1
            ),
            "campaign__deadline",
            "member__given_name",
            "pk",
        )
    )
    context = {
        "organization": org,
        "page": peek_page(requests, request.GET.get("page")),
        "query": query_without_page(request),
    }
    return render(request, "comments/cell.html", context)


def _current_campaign(campaigns: list[CommentCampaign]) -> CommentCampaign | None:
    """The latest campaign whose window has opened (a campaign opened ahead for next
    year has no requests yet), or the latest of all when none has."""
    today = timezone.localdate()
    return next((c for c in campaigns if c.opens_on <= today), campaigns[0] if campaigns else None)


def _filter_commune_requests(
    requests: CommentRequestQuerySet, filters: forms.CommuneFilterForm
) -> CommentRequestQuerySet:
    status = filters.value("status")
    if status is None:
        requests = requests.waiting_for_commune()
    elif status.startswith(forms.REACHED):
        requests = requests.reached(status.removeprefix(forms.REACHED))
    elif status != forms.ALL_STATUSES:
        requests = requests.filter(status=status)
    if filters.value("cell") is not None:
        requests = requests.at_residence_cell(filters.value("cell"))
    if filters.value("escalated"):
        requests = requests.escalated()
    return requests


@login_required
def commune_requests(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A commune committee's requests in one campaign (the latest open one unless
    chosen): by default those waiting for it — signed, to confirm, and confirmed, to
    return — filtered by status and cell. The clerk's way in to the comments they
    confirm and return; 404 for a commune out of sight, 403 for a viewer who may not
    confirm. ``?format=xlsx`` exports every matching request."""
    org = _org_with(request, pk, Capability.CONFIRM_COMMENTS)
    if (
        org.kind != Organization.Kind.GRASSROOTS_COMMITTEE
        or org.side == Organization.Side.WORKPLACE
    ):
        raise Http404
    campaigns = list(_campaigns_for(request.user, org))
    filters = forms.CommuneFilterForm(
        request.GET,
        campaigns=campaigns,
        cells=list(Organization.objects.residential_cells_under(org)),
    )
    filters.is_valid()
    # the figures' conditions, as the API reads them; an unreadable one is left out
    figures = CommentRequestFilter(
        page_filter_data(request.GET), queryset=CommentRequest.objects.none(), request=request
    )
    chosen = filters.value("campaign")
    campaign = next((c for c in campaigns if c.pk == chosen), None) or _current_campaign(campaigns)
    # a period (a report's "comments requested") replaces the campaign
    period = figures.period()
    in_period = period is not None
    if in_period:
        campaign = None
    requests = (
        _filter_commune_requests(
            figures.filter_queryset(
                CommentRequest.objects.visible_to(request.user)
                .filter(Q() if in_period else Q(campaign=campaign))
                .at_residence_commune(org.pk)
            ),
            filters,
        )
        .select_related("member", "link__residence_cell", "link__residence_commune_organization")
        .order_by("member__name_sort_key", "pk")
        if campaign is not None or in_period
        else CommentRequest.objects.none()
    )
    if (fmt := request.GET.get("format")) in EXPORT_FORMATS:
        requests = requests.select_related("campaign", "workplace_organization")
        rows = requests.iterator(chunk_size=500)
        return exports.commune_requests_xlsx(rows, org, campaign, fmt=fmt)
    page = peek_page(requests, request.GET.get("page"))
    context = {
        "organization": org,
        "campaigns": campaigns,
        "campaign": campaign,
        "filter": filters,
        "figures": figures.form,
        "period": period,
        "page": page,
        # the rows the bulk step may take: the commune's confirm or return, as the table says
        "pickable": {
            row.pk
            for row in page.rows
            if access.allowed_steps(request.user, row, among=("confirm", "return"))
        },
        "query": query_without_page(request),
    }
    return render(request, "comments/commune.html", context)


@login_required
@require_POST
def commune_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm and return many comments from the commune's list: the chosen ones, a
    summary that asks once, then each through ``confirm_and_return`` on its own; the
    refused ones are named with their reason and the others reach their workplaces."""
    org = _org_with(request, pk, Capability.CONFIRM_COMMENTS)
    if not org.is_commune_committee:
        raise Http404
    posted = [int(v) for v in request.POST.getlist("requests") if v.isdigit()]
    candidates = {
        item.pk: item
        for item in CommentRequest.objects.visible_to(request.user)
        .at_residence_commune(org.pk)
        .filter(pk__in=posted)
        .select_related("member", "workplace_organization", "link__residence_cell")
    }
    form = forms.BulkReturnForm(request.POST, request_ids=list(candidates))
    back = reverse("comments:commune", args=[org.pk])
    campaign = form.data.get("campaign")
    if campaign and str(campaign).isdigit():
        back = f"{back}?campaign={campaign}"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    chosen = sorted(
        (candidates[pk] for pk in form.cleaned_data["requests"]),
        key=lambda item: (item.member.name_sort_key, item.pk),
    )
    if request.POST.get("confirmed") != "1":
        context = {
            "organization": org,
            "rows": [(item, form.version_of(item.pk)) for item in chosen],
            "campaign": form.cleaned_data["campaign"],
            "back": back,
        }
        return render(request, "comments/commune_return_confirm.html", context)
    done, refused = services.confirm_and_return_comments(
        by=request.user, requests=[(item, form.version_of(item.pk)) for item in chosen]
    )
    if done:
        messages.success(
            request,
            ngettext(
                "%(count)d comment was confirmed and returned to its workplace committee, "
                "which is told and uses it in the annual rating.",
                "%(count)d comments were confirmed and returned to their workplace "
                "committees, which are told and use them in the annual rating.",
                len(done),
            )
            % {"count": len(done)},
        )
    for item, reason in refused:
        messages.error(
            request,
            _("The comment on %(member)s was not returned: %(reason)s")
            % {"member": item.member.full_name, "reason": reason},
        )
    return redirect(back)


@login_required
def subtree_requests(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The comment requests either side of whose link lies in the organization's
    subtree (today's paths, as a report's total counts them), filtered by the
    conditions of the report's comment figures: the rows behind them where no commune
    list holds them. 404 for an organization out of sight, rows through
    ``visible_to``; 400 for a filter that cannot be read; ``?format=xlsx`` (or
    ``pdf``) exports every matching request."""
    org = get_organization_for_user(request.user, pk)
    data = request.GET.copy()
    data.setdefault("status", forms.ALL_STATUSES)
    filters = forms.SubtreeFilterForm(data)
    figures = CommentRequestFilter(
        page_filter_data(request.GET, subtree=org.pk),
        queryset=CommentRequest.objects.visible_to(request.user),
        request=request,
    )
    if not (filters.is_valid() & figures.is_valid()):
        context = {
            "organization": org,
            "filter": filters,
            "figures": figures.form,
            "page": peek_page(CommentRequest.objects.none(), 1),
        }
        return render(request, "comments/subtree.html", context, status=400)
    requests = figures.qs
    requests = (
        _filter_commune_requests(requests, filters)
        .select_related(*REQUEST_RELATED, "comment")
        .order_by("member__name_sort_key", "pk")
    )
    if (fmt := request.GET.get("format")) in EXPORT_FORMATS:
        return exports.subtree_requests_xlsx(requests.iterator(chunk_size=500), org, fmt=fmt)
    context = {
        "organization": org,
        "filter": filters,
        "figures": figures.form,
        "page": peek_page(requests, request.GET.get("page")),
        "query": query_without_page(request),
    }
    return render(request, "comments/subtree.html", context)


@login_required
def commune_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A commune's (or the province's) progress in a campaign and the uniform-ratings
    indicator of its cells; ``?format=xlsx`` exports both."""
    org = get_organization_for_user(request.user, pk)
    campaigns = list(_campaigns_for(request.user, org))
    chosen = next((c for c in campaigns if str(c.pk) == request.GET.get("campaign")), None)
    campaign = chosen or (campaigns[0] if campaigns else None)
    # a period of request dates (a report's) replaces the campaign
    period = forms.RequestedPeriodForm(request.GET).period()
    if period is not None:
        campaign = None
    rows: list[dict[str, Any]] = []
    uniform_cells: list[dict[str, Any]] = []
    uniform_communes: list[dict[str, Any]] = []
    if campaign is not None or period is not None:
        requests = (
            CommentRequest.objects.visible_to(request.user)
            .filter(requested_in_period(*period) if period else Q(campaign=campaign))
            .filter(
                link__in=ResidenceLink.objects.at_residence(org).values("pk")
                if not org.is_provincial_committee
                else ResidenceLink.objects.in_subtree(org).values("pk")
            )
        )
        rows = progress_by_commune(requests)
        uniform_cells = uniform_ratings(requests, "link__residence_cell")
        uniform_communes = uniform_ratings(requests, "link__residence_commune_organization")
    late = (
        CommentRequest.objects.visible_to(request.user)
        .filter(requested_in_period(*period) if period else Q(campaign=campaign))
        .past_deadline(on=timezone.localdate())
        .filter(link__in=ResidenceLink.objects.at_residence(org).values("pk"))
        .count()
        if campaign is not None or period is not None
        else 0
    )
    if (fmt := request.GET.get("format")) in EXPORT_FORMATS:
        return exports.progress_xlsx(
            org=org,
            campaign=campaign,
            rows=rows,
            uniform_communes=uniform_communes,
            uniform_cells=uniform_cells,
            late=late,
            fmt=fmt,
        )
    context = {
        "organization": org,
        "campaigns": campaigns,
        "campaign": campaign,
        "rows": rows,
        # the numbers lead to the communes' lists for those who confirm there
        "linked": has_capability(request.user, Capability.CONFIRM_COMMENTS, org.path),
        "uniform_cells": uniform_cells,
        "uniform_communes": uniform_communes,
        "late": late,
        "period": period,
        # what the page's links carry to keep the campaign, or the period
        "scope_query": urlencode(
            {"requested_from": period[0] or "", "requested_to": period[1] or ""}
            if period
            else {"campaign": campaign.pk if campaign else ""}
        ),
    }
    return render(request, "comments/progress.html", context)


def _evidence(user: Any, item: CommentRequest) -> dict[str, Any]:
    """The evidence panel: the member's attendance at the cell's meetings of the last
    twelve months, the notices about the member (both directions), the open follow-ups
    naming the member, the residents' reports matched to the member, the community
    representatives' written opinions of the campaign's year and the link's history,
    each read through its ``visible_to``
    and in a fixed number of queries."""
    today = timezone.localdate()
    cell_id = item.link.residence_cell_id
    meetings = (
        list(
            Meeting.objects.visible_to(user).attendance_record(
                member_id=item.member_id, cell_id=cell_id, on=today
            )
        )
        if cell_id is not None
        else []
    )
    tally = Counter(m.member_attendance for m in meetings)  # type: ignore[attr-defined]
    return {
        "today": today,
        "attendance": meetings,
        "attendance_tally": {
            "present": tally["present"],
            "excused": tally["excused"],
            "absent": tally["absent"],
        },
        "notices": Notice.objects.visible_to(user)
        .about(item.member_id)
        .select_related("member", "sender", "recipient")
        .order_by("-sent_on", "-id")[:EVIDENCE_NOTICES],
        "follow_ups": FollowUp.objects.visible_to(user)
        .open()
        .about_member(item.member_id)
        .select_related("meeting")
        .order_by("due_on", "id"),
        "history": LinkEvent.objects.filter(link_id=item.link_id).order_by("at", "id"),
        "resident_reports": feedback_queries.evidence_for(user, item.member_id),
        # On record for the cell's meeting with the Front work committee and the
        # community before the year's comment (ADR 0014, community representatives).
        "representative_opinions": feedback_queries.representative_opinions_for(
            user, item.member_id, item.campaign.year
        ),
    }


def _detail_context(request: HttpRequest, item: CommentRequest) -> dict[str, Any]:
    """The request's page; the steps offered are ``access.allowed_steps``, the one table
    the services and the API ask too."""
    user = request.user
    comment = item.comment
    allowed = set(access.allowed_steps(user, item))
    return {
        "item": item,
        "comment": comment,
        # where the residence sides came from: the commune's list, the cell's to-do list
        "commune_list": access.may_confirm(user, item),
        "cell_list": access.may_write(user, item),
        "member": item.member,
        "is_member": access.is_the_member(user, item),
        **(_evidence(user, item) if not access.is_the_member(user, item) else {}),
        "draft_form": forms.DraftForm(
            initial={
                "version": comment.version,
                **{f: getattr(comment, f) for f in services.DRAFT_FIELDS},
            },
            form=item.form,
        )
        if "draft" in allowed
        else None,
        "meeting_form": forms.FrontMeetingForm(
            initial={
                "version": comment.version,
                "met_on": comment.front_meeting_on,
                "participants": comment.front_meeting_participants,
            }
        )
        if "front_meeting" in allowed
        else None,
        "may_sign": "sign" in allowed,
        "may_confirm": "confirm" in allowed,
        "may_return": "return" in allowed,
        "may_acknowledge": "acknowledge" in allowed,
        "rating_form": forms.RatingForm(
            initial={"rating_level": comment.rating_level, "rating_note": comment.rating_note}
        )
        if "rating" in allowed
        else None,
        "answer_form": forms.AnswerForm() if "answer" in allowed else None,
        **_follow_up_context(user, item, may_follow_up="follow_up" in allowed),
    }


def _follow_up_context(user: Any, item: CommentRequest, *, may_follow_up: bool) -> dict[str, Any]:
    """The follow-up panel: shown to the committees of both sides (the residence sees
    what was done with its proposal) once a proposal is returned; the form for the
    workplace side while none is recorded."""
    recommendation = item.comment.recommendation
    due = item.is_returned and recommendation in OUTCOMES_FOR
    if not due or access.is_the_member(user, item):
        return {"follow_up_due": False}
    follow_up = (
        RecommendationFollowUp.objects.filter(request=item)
        .select_related("notice", "recorded_by")
        .first()
    )
    notice_id = follow_up.notice_id if follow_up is not None else None
    return {
        "follow_up_due": True,
        "follow_up": follow_up,
        # the notice is the committees' correspondence: linked for those who may read it
        "follow_up_notice_visible": notice_id is not None
        and Notice.objects.visible_to(user).filter(pk=notice_id).exists(),
        "follow_up_form": forms.FollowUpForm(
            initial={"version": item.version, "decided_on": timezone.localdate()},
            recommendation=recommendation,
        )
        if may_follow_up and follow_up is None
        else None,
    }


@login_required
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One request: the member, the evidence panel, the comment and the steps the
    viewer may take."""
    item = access.get_request_for_user(request.user, pk)
    return render(request, "comments/request_detail.html", _detail_context(request, item))


STEPS = (
    "draft",
    "front_meeting",
    "sign",
    "confirm",
    "return",
    "acknowledge",
    "rating",
    "answer",
    "follow_up",
)


def _run_step(request: HttpRequest, item: CommentRequest, step: str) -> Any:
    """Bind the step's form and call its service; a form with errors is returned."""
    by, data = request.user, request.POST
    version = data.get("version")
    if step == "draft":
        form: Any = forms.DraftForm(data, form=item.form)
        if form.is_valid():
            return services.save_draft(
                by=by, request=item, version=form.cleaned_data["version"], values=form.values()
            )
        return form
    if step == "front_meeting":
        form = forms.FrontMeetingForm(data)
        if form.is_valid():
            return services.record_front_meeting(by=by, request=item, **form.cleaned_data)
        return form
    if step == "rating":
        form = forms.RatingForm(data)
        if form.is_valid():
            return services.record_rating_use(by=by, request=item, **form.cleaned_data)
        return form
    if step == "answer":
        form = forms.AnswerForm(data)
        if form.is_valid():
            return services.answer_comment(by=by, request=item, **form.cleaned_data)
        return form
    if step == "follow_up":
        form = forms.FollowUpForm(data, recommendation=item.comment.recommendation)
        if form.is_valid():
            services.record_follow_up(by=by, request=item, **form.cleaned_data)
            return item
        return form
    action = {
        "sign": services.sign_comment,
        "confirm": services.confirm_comment,
        "return": services.return_comment,
        "acknowledge": services.acknowledge_comment,
    }[step]
    return action(by=by, request=item, version=int(version) if version else None)


# The steps that cannot be undone: a GET shows what will happen and asks once (no
# JavaScript needed); the page's final button posts the step.
CONFIRMED_STEPS = ("sign", "confirm", "return")


def _step_confirmation(request: HttpRequest, item: CommentRequest, step: str) -> HttpResponse:
    """The summary before an irreversible step: the comment as it stands, what the step
    does and who is told; back to the request when its state no longer allows the
    step (the side was asked before)."""
    if step not in access.allowed_steps(request.user, item, among=[step]):
        messages.info(
            request,
            _("This comment is %(status)s: there is nothing to do here now.")
            % {"status": item.get_status_display().lower()},
        )
        return redirect("comments:request", item.pk)
    context = {
        "item": item,
        "comment": item.comment,
        "member": item.member,
        "step": step,
        "version": item.comment.version if step == "sign" else item.version,
    }
    return render(request, "comments/step_confirm.html", context)


def _refused(request: HttpRequest, item: CommentRequest, exc: Exception) -> HttpResponse:
    """A step of another side: the request's page with the reason, 403 (as the API)."""
    messages.error(request, str(exc))
    return render(
        request, "comments/request_detail.html", _detail_context(request, item), status=403
    )


def _done_message(item: CommentRequest, step: str) -> str:
    """What the step did and what comes next, named."""
    names = {
        "member": item.member.full_name,
        "commune": item.link.residence_commune_organization.name,
        "workplace": item.workplace_organization.name,
    }
    if step == "sign":
        return _("The comment was signed and sent to %(commune)s to confirm.") % names
    if step == "confirm":
        return (
            _("The comment was confirmed; return it to %(workplace)s to finish the commune's part.")
            % names
        )
    if step == "return":
        return " ".join(
            [
                _("The comment on %(member)s was returned to the workplace.") % names,
                _("%(workplace)s is told; it acknowledges the comment and uses it in the rating.")
                % names,
            ]
        )
    return _("Saved.")


@login_required
@require_http_methods(["GET", "POST"])
def request_step(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    """Take one step on a request; a refusal is shown on the page and changes nothing.
    A GET on an irreversible step (sign, confirm, return) shows its summary page."""
    if step not in STEPS:
        raise Http404
    item = access.get_request_for_user(request.user, pk)
    if request.method == "GET" and step not in CONFIRMED_STEPS:
        return HttpResponseNotAllowed(["POST"])
    try:
        access.require_step(request.user, item, step)
        if request.method == "GET":
            return _step_confirmation(request, item, step)
        result = _run_step(request, item, step)
    except access.StepRefused as exc:
        return _refused(request, item, exc)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("comments:request", item.pk)
    if not isinstance(result, CommentRequest):
        context = _detail_context(request, item)
        context[
            {"draft": "draft_form", "front_meeting": "meeting_form"}.get(step, f"{step}_form")
        ] = result
        return render(request, "comments/request_detail.html", context, status=400)
    messages.success(request, _done_message(item, step))
    if step == "return":
        # the commune's work on this one is done: back to what else waits for it
        commune = reverse("comments:commune", args=[item.link.residence_commune_organization_id])
        return redirect(f"{commune}?campaign={item.campaign_id}")
    return redirect("comments:request", item.pk)


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The comments about the signed-in member, once returned (the right to know)."""
    own = own_member_id(request.user)
    requests = (
        CommentRequest.objects.visible_to(request.user)
        .filter(member_id=own)
        .select_related(*REQUEST_RELATED, "comment")
        .order_by("-campaign__year", "pk")
        if own is not None
        else CommentRequest.objects.none()
    )
    return render(request, "comments/mine.html", {"requests": requests})
