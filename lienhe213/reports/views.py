"""The reports pages: the user's top organization, and any organization's report for a
year or a range, with its children to drill down into; ``?format=xlsx`` (or ``pdf``)
exports it. The annual thematic review and the commendations (ADR 0009)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AuthenticatedHttpRequest, Capability, has_capability
from lienhe213.core.errors import DomainError
from lienhe213.core.exports import EXPORT_FORMATS
from lienhe213.documents.services import REVIEW_FIRST_YEAR, may_print_review
from lienhe213.feedback.access import get_feedback_organization_for_user
from lienhe213.feedback.models import ResidentReport
from lienhe213.members.models import Member
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import Reason
from lienhe213.reports import access, charts, exports, links, services
from lienhe213.reports.feedback import feedback_figures
from lienhe213.reports.forms import DecideForm, PeriodForm, ProposeForm, RejectForm
from lienhe213.reports.history import tree_day, tree_on
from lienhe213.reports.indicators import CHILD_FIGURES, FIGURES, Period, compute
from lienhe213.reports.models import Commendation
from lienhe213.reports.review import SCORE_LABELS, build_review

MIN_YEAR, MAX_YEAR = 2020, 2100


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The report of the user's top organization for the current year; with several
    (roles in two subtrees), the list to choose from."""
    if not has_capability(request.user, Capability.VIEW_ORGANIZATIONS):
        raise PermissionDenied
    roots = list(Organization.objects.visible_roots(request.user).current().order_by("path"))
    if len(roots) == 1:
        return redirect("reports:organization", pk=roots[0].pk)
    return render(request, "reports/index.html", {"roots": roots})


@login_required
def organization_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One organization's indicators for the period in the query string (``year`` or
    ``from`` and ``to``); 404 for an organization the user may not see, 400 for a
    period that does not make sense."""
    org = get_organization_for_user(request.user, pk)
    today = timezone.localdate()
    form = PeriodForm(request.GET, today=today)
    if not form.is_valid():
        invalid = {"organization": org, "form": form}
        return render(request, "reports/report.html", invalid, status=400)
    report = compute(user=request.user, organization=org, period=form.period, today=today)
    if (fmt := request.GET.get("format")) in EXPORT_FORMATS:
        return exports.report_xlsx(report, fmt=fmt)
    context: dict[str, Any] = {
        "organization": org,
        "form": form,
        "report": report,
        "years": links.year_links(org, form.period, today, user=request.user),
        "across": links.across(report, form.period, user=request.user),
        "labels": FIGURES,
        "child_figures": [(name, FIGURES[name]) for name in CHILD_FIGURES],
        "period_query": links.period_query(form.period),
        "figure_links": links.figure_links(org, report, today, user=request.user),
        "children": [
            (child, figures, links.figure_links(child, report, today, user=request.user))
            for child, figures in report.children
        ],
        "reason_rows": [
            (
                Reason(r).label,
                n,
                "" if report.formerly else links.classification_url(org, report.on, reason=r),
            )
            for r, n in report.reasons.items()
        ],
        "related": links.related_lists(org),
        "distribution_chart": charts.distribution(report),
        "meetings_chart": charts.meetings(report),
    }
    return render(request, "reports/report.html", context)


def _year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    return year


@login_required
def review(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    """The annual thematic review of an organization (a province or a commune) for a
    year; ``?format=xlsx`` (or ``pdf``) exports it; those who sign the annual report are
    offered its registered print (``documents:review``). 404 outside the user's scope."""
    org = get_organization_for_user(request.user, pk)
    result = build_review(
        user=request.user, organization=org, year=_year(year), today=timezone.localdate()
    )
    if (fmt := request.GET.get("format")) in EXPORT_FORMATS:
        return exports.review_xlsx(result, fmt=fmt)
    context: dict[str, Any] = {
        "organization": org,
        "review": result,
        "may_propose": access.may_propose(request.user, org),
        "may_print": may_print_review(request.user, org)
        and REVIEW_FIRST_YEAR <= result.year <= timezone.localdate().year,
        "score_parts": SCORE_LABELS,
    }
    return render(request, "reports/review.html", context)


@login_required
def commendations(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    """The commendations of a year whose subject lies in the organization's subtree
    (on the tree of that year)."""
    org = get_organization_for_user(request.user, pk)
    period = Period.for_year(_year(year))
    tree = tree_on(org, day=tree_day(org, period.end), start=period.start)
    rows = list(
        Commendation.objects.visible_to(request.user)
        .under(tree.paths)
        .filter(year=year)
        .select_related(*access.COMMENDATION_RELATED)
        .order_by("status", "pk")
    )
    context = {
        "organization": org,
        "year": year,
        "commendations": rows,
        "may_propose": access.may_propose(request.user, org),
    }
    return render(request, "reports/commendations.html", context)


@login_required
def propose(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    """Record a proposal of the committee ``pk``; ``?member=&comment_request=`` take up
    a cell's recommendation from the review. 403 for who may not propose for it."""
    committee = get_organization_for_user(request.user, pk)
    year = _year(year)
    if not access.may_propose(request.user, committee):
        raise PermissionDenied
    initial = {
        "member": request.GET.get("member"),
        "comment_request": request.GET.get("comment_request"),
        "organization": request.GET.get("organization"),
        "proposed_on": timezone.localdate(),
    }
    form = ProposeForm(
        request.POST or None, initial=initial, committee=committee, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.propose_commendation(
                by=request.user,
                year=year,
                proposed_by_organization=committee,
                organization=data["organization"],
                member=data["member"],
                comment_request=data["comment_request"],
                reason=data["reason"],
                proposed_on=data["proposed_on"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("The proposal was recorded."))
            return redirect("reports:commendations", pk=committee.pk, year=year)
    member = form["member"].value()
    context = {
        "organization": committee,
        "year": year,
        "form": form,
        "member": Member.objects.visible_to(request.user).filter(pk=member).first()
        if str(member or "").isdigit()
        else None,
    }
    return render(request, "reports/propose.html", context)


@login_required
def decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The province decides (number and date) or rejects a proposed commendation. 404
    for who may not see it, 403 for who sees it but may not decide."""
    commendation = access.get_commendation_for_user(request.user, pk, decide=True)
    today = timezone.localdate()
    initial = {"version": commendation.version, "decided_on": today}
    posted = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if posted else None
    decide_form = DecideForm(posted if action == "decide" else None, initial=initial)
    # Both forms have a date: ids of its own for the second one's label.
    reject_form = RejectForm(
        posted if action == "reject" else None, initial=initial, auto_id="id_reject_%s"
    )
    form: DecideForm | RejectForm | None = None
    if action == "decide":
        form = decide_form
    elif action == "reject":
        form = reject_form
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if isinstance(form, DecideForm):
                services.decide_commendation(
                    by=request.user,
                    commendation=commendation,
                    decision_number=data["decision_number"],
                    decided_on=data["decided_on"],
                    version=data["version"],
                )
            else:
                services.reject_commendation(
                    by=request.user,
                    commendation=commendation,
                    reason=data["rejection_reason"],
                    decided_on=data["decided_on"],
                    version=data["version"],
                )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("The decision was recorded."))
            committee = access.deciding_committee(commendation)
            return redirect(
                "reports:commendations",
                pk=committee.pk if committee else commendation.proposed_by_organization_id,
                year=commendation.year,
            )
    context = {
        "commendation": commendation,
        "decide_form": decide_form,
        "reject_form": reject_form,
        "open": commendation.status == Commendation.Status.PROPOSED,
    }
    return render(request, "reports/decide.html", context)


@login_required
def feedback(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    """Residents' feedback of a commune or a cell for a year: received, matched,
    forwarded, and the share about members then rated excellent (ADR 0014). The
    residence side only (``feedback.access``)."""
    org = get_feedback_organization_for_user(request.user, pk)
    rows, total = feedback_figures(
        ResidentReport.objects.visible_to(request.user), org, year=_year(year)
    )
    context = {"organization": org, "year": year, "rows": rows, "total": total}
    return render(request, "reports/feedback.html", context)
