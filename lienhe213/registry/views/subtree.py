"""The links of any organization's subtree: the rows behind a report's letter, link and
move figures where no tracking book holds them (a province, a district, a workplace
committee, a commune with schools), ADR 0008."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AuthenticatedHttpRequest
from lienhe213.core.exports import EXPORT_FORMATS, xlsx_response
from lienhe213.core.pages import peek_page, query_without_page, render_page
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.models import Organization
from lienhe213.registry import exports
from lienhe213.registry.filters import ResidenceLinkFilter
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.queries import link_scope_condition
from lienhe213.registry.views._common import BOOK_RELATED


@login_required
def subtree_links(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """The links either side of which lies in the organization's subtree (today's paths,
    as a report's total counts them), filtered by the conditions of the report's
    figures; 404 for an organization out of sight, rows read through ``visible_to``;
    ``?format=xlsx`` (or ``pdf``) exports every matching row; 400 for a filter that
    cannot be read."""
    org = get_organization_for_user(request.user, org_pk)
    links = (
        ResidenceLink.objects.visible_to(request.user)
        .filter(link_scope_condition([org.path]))
        .select_related(*BOOK_RELATED)
    )
    # the API's filter set, with the organization of the address as ``subtree``
    data = request.GET.copy()
    data["subtree"] = str(org.pk)
    filterset = ResidenceLinkFilter(data, queryset=links, request=request, open_by_default=True)
    if not filterset.is_valid():
        return _page(request, org, filterset, status=400)
    if (fmt := request.GET.get("format")) in EXPORT_FORMATS:
        return _export(filterset.qs, org, fmt=fmt)
    return _page(request, org, filterset)


def _page(
    request: HttpRequest, org: Organization, filterset: ResidenceLinkFilter, *, status: int = 200
) -> HttpResponse:
    page = peek_page(
        filterset.qs if status == 200 else ResidenceLink.objects.none(), request.GET.get("page")
    )
    context = {
        "organization": org,
        "filter": filterset,
        "page": page,
        "query": query_without_page(request),
    }
    response = render_page(request, "registry/subtree_links.html", context, "results")
    response.status_code = status
    return response


def _export(links: Any, org: Organization, *, fmt: str) -> HttpResponse:
    rows = (
        exports.subtree_row(number, link)
        for number, link in enumerate(links.iterator(chunk_size=500), start=1)
    )
    return xlsx_response(
        title=_("Linked members"),
        filename=f"{org.name} {timezone.localdate().isoformat()}",
        columns=exports.subtree_columns(),
        rows=rows,
        fmt=fmt,
    )
