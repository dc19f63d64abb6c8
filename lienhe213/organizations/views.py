"""The organization tree browser, the organization page, and the pages that change the
tree (new sub-unit, rename, move, merge) through ``organizations.services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AuthenticatedHttpRequest, Capability, has_capability
from lienhe213.core.errors import DomainError
from lienhe213.members.models import Member
from lienhe213.members.queries import MemberQuerySet
from lienhe213.organizations import services
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.forms import MergeForm, MoveForm, OrganizationCreateForm, RenameForm
from lienhe213.organizations.models import Organization, OrganizationHistory
from lienhe213.organizations.queries import OrganizationQuerySet, communities_of, subtree_counts


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
def tree(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's highest visible organizations; htmx opens the branches one by one."""
    if not has_capability(request.user, Capability.VIEW_ORGANIZATIONS):
        raise PermissionDenied
    roots = Organization.objects.visible_roots(request.user).current()
    per_org = _members_per_organization(Member.objects.visible_to(request.user))
    nodes = _with_counts(roots, per_org)
    return render(request, "organizations/organization_tree.html", {"nodes": nodes})


@login_required
def children(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The current sub-units of one organization, as a fragment of the tree."""
    org = get_organization_for_user(request.user, pk)
    nodes = Organization.objects.visible_to(request.user).current().filter(parent=org)
    per_org = _members_per_organization(Member.objects.visible_to(request.user).in_subtree(org))
    context = {"nodes": _with_counts(nodes, per_org), "parent": org}
    return render(request, "organizations/organization_tree.html#children", context)


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One organization: what it is, its names over time, its sub-units and members."""
    org = get_organization_for_user(request.user, pk)
    visible = Organization.objects.visible_to(request.user)
    per_org = _members_per_organization(Member.objects.visible_to(request.user).in_subtree(org))
    context = {
        "organization": org,
        "ancestors": visible.filter(pk__in=org.ancestor_ids()[:-1]),
        "history": _history(org),
        "children": _with_counts(visible.current().filter(parent=org), per_org),
        "member_count": sum(per_org.values()),
        "can_manage": org.is_current
        and has_capability(request.user, Capability.MANAGE_ORGANIZATIONS, org.path),
    }
    return render(request, "organizations/organization_detail.html", context)


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data of a POST; ``None`` (an unbound form) for a GET."""
    return request.POST if request.method == "POST" else None


def _history(org: Organization) -> "QuerySet[OrganizationHistory]":
    return org.history.select_related("old_parent", "new_parent", "successor")


@login_required
def create(request: AuthenticatedHttpRequest, parent_pk: int) -> HttpResponse:
    """A new sub-unit under the organization ``parent_pk``."""
    parent = get_organization_for_user(request.user, parent_pk, write=True)
    form = OrganizationCreateForm(_posted(request), parent=parent)
    if form.is_valid():
        try:
            org = services.create_organization(by=request.user, parent=parent, **form.cleaned_data)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("The organization was created."))
            return redirect("organizations:detail", pk=org.pk)
    context = {"form": form, "parent": parent}
    return render(request, "organizations/organization_create.html", context)


@login_required
def community_options(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The ``<option>``s of a commune's communities, for the new sub-unit form (htmx)."""
    if not has_capability(request.user, Capability.MANAGE_ORGANIZATIONS):
        raise PermissionDenied
    context = {"communities": communities_of(request.GET.get("administrative_unit"))}
    return render(request, "organizations/organization_create.html#community_options", context)


@login_required
def rename(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new name from a date on; the old name stays for earlier dates."""
    org = get_organization_for_user(request.user, pk, write=True)
    form = RenameForm(_posted(request), initial={"name": org.name})
    if form.is_valid():
        try:
            services.rename_organization(by=request.user, organization=org, **form.cleaned_data)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("The organization was renamed."))
            return redirect("organizations:detail", pk=org.pk)
    context = {"form": form, "organization": org, "history": _history(org)}
    return render(request, "organizations/organization_rename.html", context)


@login_required
def move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The organization and its whole subtree under another parent."""
    org = get_organization_for_user(request.user, pk, write=True)
    form = MoveForm(_posted(request), user=request.user, organization=org)
    if form.is_valid():
        try:
            services.move_organization(by=request.user, organization=org, **form.cleaned_data)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("The organization was moved."))
            return redirect("organizations:detail", pk=org.pk)
    context = {"form": form, "organization": org}
    return render(request, "organizations/organization_move.html", context)


@login_required
def merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Merge into another organization, in two steps: the first POST shows what will
    happen (the UI cannot undo a merge), the confirmed one calls the service."""
    org = get_organization_for_user(request.user, pk, write=True)
    form = MergeForm(_posted(request), user=request.user, organization=org)
    if form.is_valid() and form.cleaned_data["confirmed"]:
        into, effective_date = form.cleaned_data["into"], form.cleaned_data["effective_date"]
        try:
            services.merge_organizations(
                by=request.user, absorbed=org, into=into, effective_date=effective_date
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("The organization was merged."))
            return redirect("organizations:detail", pk=into.pk)
    context = {"form": form, "organization": org, "confirming": form.is_valid()}
    if form.is_valid():
        # Shown before confirming: the sub-units the service will move under "into".
        context["moving"] = Organization.objects.current().filter(parent=org)
    return render(request, "organizations/organization_merge.html", context)
