"""The reports pages: the user's top organization, and any organization's report for a
year or a range, with its children to drill down into; ``?format=xlsx`` exports it."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from lienhe213.accounts.access import Capability, has_capability
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import Reason
from lienhe213.reports import charts, exports, links
from lienhe213.reports.forms import PeriodForm
from lienhe213.reports.indicators import CHILD_FIGURES, FIGURES, compute


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The report of the user's top organization for the current year; with several
    (roles in two subtrees), the list to choose from."""
    if not has_capability(request.user, Capability.VIEW_ORGANIZATIONS):
        raise PermissionDenied
    roots = list(Organization.objects.visible_roots(request.user).current().order_by("path"))
    if len(roots) == 1:
        return redirect("reports:organization", pk=roots[0].pk)
    return render(request, "reports/index.html", {"roots": roots})


@login_required
def organization_report(request: HttpRequest, pk: int) -> HttpResponse:
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
    if request.GET.get("format") == "xlsx":
        return exports.report_xlsx(report)
    context: dict[str, Any] = {
        "organization": org,
        "form": form,
        "report": report,
        "labels": FIGURES,
        "child_figures": [(name, FIGURES[name]) for name in CHILD_FIGURES],
        "period_query": links.period_query(form.period),
        "figure_links": links.figure_links(org, report, today),
        "children": [
            (child, figures, links.figure_links(child, report, today))
            for child, figures in report.children
        ],
        "reason_rows": [(Reason(r).label, n) for r, n in report.reasons.items()],
        "related": links.related_lists(org),
        "distribution_chart": charts.distribution(report),
        "meetings_chart": charts.meetings(report),
    }
    return render(request, "reports/report.html", context)
