"""The organization tree browser and the organization page."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lienhe213.accounts.access import Capability, has_capability
from lienhe213.members.models import Member
from lienhe213.members.queries import MemberQuerySet
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.models import Organization
from lienhe213.organizations.queries import OrganizationQuerySet, subtree_counts


def _members_per_organization(members: MemberQuerySet) -> dict[int, int]:
    """Each organization's own member count, in one ``GROUP BY``."""
    rows = members.order_by().values_list("organization_id").annotate(n=Count("id"))
    return dict(rows)


def _with_counts(nodes: OrganizationQuerySet, per_org: dict[int, int]) -> list[Organization]:
    """``nodes`` with ``member_count`` (whole subtree) and ``child_count`` attached."""
    counts = subtree_counts(nodes, per_org)
    rows = list(
        nodes.select_related("administrative_unit").annotate(
            child_count=Count("children", filter=Q(children__valid_until__isnull=True))
        )
    )
    for node in rows:
        node.member_count = counts.get(node.pk, 0)  # type: ignore[attr-defined]
    return rows


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    """The user's highest visible organizations; htmx opens the branches one by one."""
    if not has_capability(request.user, Capability.VIEW_ORGANIZATIONS):
        raise PermissionDenied
    roots = Organization.objects.visible_roots(request.user).current()
    per_org = _members_per_organization(Member.objects.visible_to(request.user))
    nodes = _with_counts(roots, per_org)
    return render(request, "organizations/organization_tree.html", {"nodes": nodes})


@login_required
def children(request: HttpRequest, pk: int) -> HttpResponse:
    """The current sub-units of one organization, as a fragment of the tree."""
    org = get_organization_for_user(request.user, pk)
    nodes = Organization.objects.visible_to(request.user).current().filter(parent=org)
    per_org = _members_per_organization(Member.objects.visible_to(request.user).in_subtree(org))
    context = {"nodes": _with_counts(nodes, per_org), "parent": org}
    return render(request, "organizations/organization_tree.html#children", context)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One organization: what it is, its names over time, its sub-units and members."""
    org = get_organization_for_user(request.user, pk)
    visible = Organization.objects.visible_to(request.user)
    per_org = _members_per_organization(Member.objects.visible_to(request.user).in_subtree(org))
    context = {
        "organization": org,
        "ancestors": visible.filter(pk__in=org.ancestor_ids()[:-1]),
        "history": org.history.select_related("old_parent", "new_parent", "successor"),
        "children": _with_counts(visible.current().filter(parent=org), per_org),
        "member_count": sum(per_org.values()),
    }
    return render(request, "organizations/organization_detail.html", context)
