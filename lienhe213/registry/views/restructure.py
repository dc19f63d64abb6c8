"""Restructuring: move the open links held by a merged commune committee or cell to
the organization that took it over (``services.remap_links``), for those who may
re-map links (the province). The worklist's "links held by an organization that no
longer exists" leads here."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lienhe213.accounts.access import AnyUser, AuthenticatedHttpRequest, Capability, has_capability
from lienhe213.core.errors import DomainError
from lienhe213.core.text import numbered_sort_key
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.models import Community, Organization
from lienhe213.registry import access, forms, services
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.queries import link_scope_condition


def held_links(user: AnyUser, source: Organization) -> "QuerySet[ResidenceLink]":
    """The open links ``source`` holds: as their commune committee, or as their cell."""
    held = (
        Q(residence_cell=source)
        if source.kind == Organization.Kind.CELL
        else Q(residence_commune_organization=source)
    )
    return ResidenceLink.objects.visible_to(user).open().filter(held)


def _communes(user: AnyUser) -> "QuerySet[Organization]":
    return (
        Organization.objects.visible_to(user)
        .current()
        .filter(kind=Organization.Kind.GRASSROOTS_COMMITTEE, side=Organization.Side.RESIDENTIAL)
        .order_by("name", "pk")
    )


def _commune_of(org: Organization | None) -> Organization | None:
    """``org`` if it is a current residence commune committee, else its nearest such
    ancestor (a successor cell's commune)."""
    while org is not None:
        if org.is_current and org.is_commune_committee:
            return org
        org = org.parent
    return None


def _default_target(source: Organization) -> tuple[Organization | None, Organization | None]:
    """The commune (and, for a cell, the cell) that took ``source`` over, if known."""
    successor = source.merged_into
    if source.kind == Organization.Kind.CELL:
        cell = successor if successor is not None and successor.is_current else None
        return _commune_of(cell or source.parent), cell
    return _commune_of(successor), None


def _remap_form(
    request: AuthenticatedHttpRequest, source: Organization, links: Any, communes: Any
) -> tuple[forms.RemapForm, Organization | None]:
    """The re-mapping form with the proposed target (the source's successor and its
    cell, when the user sees them) and the day after the source ended; and the commune
    chosen (posted, asked for, or proposed)."""
    default_commune, default_cell = _default_target(source)
    if default_commune is not None and not communes.filter(pk=default_commune.pk).exists():
        default_commune, default_cell = None, None  # a successor out of sight is not proposed
    chosen = request.POST.get("commune") or request.GET.get("commune")
    commune = (
        communes.filter(pk=int(chosen)).first() if chosen and chosen.isdigit() else default_commune
    )
    communities = Community.objects.filter(
        pk__in=links.exclude(member__residence_community=None).values("member__residence_community")
    ).order_by("name", "pk")
    effective_on = (
        source.valid_until + datetime.timedelta(days=1)
        if source.valid_until is not None
        else timezone.localdate()
    )
    form = forms.RemapForm(
        request.POST if request.method == "POST" else None,
        communes=communes,
        commune=commune,
        communities=communities,
        initial={
            "commune": commune,
            "cell": default_cell if commune == default_commune else None,
            "effective_on": effective_on,
        },
    )
    return form, commune


def _held_by_cell(source: Organization, links: Any) -> list[tuple[str | None, int]]:
    """How many of the links a commune still holds sit in each of its cells (in the
    order of the cells' numbers, those without a cell first); none for a cell."""
    if source.kind == Organization.Kind.CELL:
        return []
    return sorted(
        links.values_list("residence_cell__name").annotate(n=Count("pk")).order_by(),
        key=lambda row: (row[0] is not None, numbered_sort_key(row[0] or "")),
    )


@login_required
def remap(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """Show what ``org_pk`` still holds and move it: 404 unless the user sees a
    residence commune committee or cell, 403 unless they may re-map its links."""
    user = request.user
    source = get_organization_for_user(user, org_pk)
    if not source.has_tracking_book:
        raise Http404
    access.require_remapping(user, source)
    links = held_links(user, source)
    communes = _communes(user)
    form, commune = _remap_form(request, source, links, communes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.remap_links(
                by=user,
                source=source,
                commune=data["commune"],
                cell=data["cell"],
                community=data["community"],
                effective_on=data["effective_on"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            if moved:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d open link moved to “%(org)s”.",
                        "%(count)d open links moved to “%(org)s”.",
                        len(moved),
                    )
                    % {"count": len(moved), "org": data["commune"].name},
                )
                return redirect("registry:worklist", data["commune"].pk)
            form.add_error(None, _("No open link is left to move: nothing was changed."))
    context = {
        "source": source,
        "held": links.count(),
        "by_cell": _held_by_cell(source, links),
        "communes": communes,
        "commune": commune,
        "form": form,
    }
    return render(request, "registry/remap.html", context)


def ended_holders(
    user: AnyUser, org: Organization, on: datetime.date
) -> list[tuple[Organization, int]]:
    """The former commune committees and cells that still hold open links in ``org``'s
    subtree on ``on``, with how many: what the worklist offers to re-map. Empty for a
    user who may not re-map links."""
    if not has_capability(user, Capability.RESTRUCTURE_LINKS, org.path):
        return []
    links = ResidenceLink.objects.visible_to(user).open().filter(link_scope_condition([org.path]))
    counts: dict[int, int] = {}
    for key in ("residence_commune_organization", "residence_cell"):
        rows = (
            links.filter(**{f"{key}__valid_until__lt": on})
            .values_list(key)
            .annotate(n=Count("pk"))
            .order_by()
        )
        counts.update(dict(rows))
    holders = Organization.objects.in_bulk(list(counts))
    return sorted(
        ((holders[pk], n) for pk, n in counts.items()), key=lambda pair: (pair[0].path, pair[0].pk)
    )
