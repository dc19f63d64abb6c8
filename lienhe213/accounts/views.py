"""The home page (for each role the user holds, the numbers that role works with) and
the audit page."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lienhe213.accounts.access import (
    AnyUser,
    Capability,
    has_capability,
    own_member_id,
    scope_paths,
    sees_everything,
)
from lienhe213.accounts.forms import AuditFilterForm
from lienhe213.accounts.models import Role, RoleAssignment
from lienhe213.core.models import AuditEvent
from lienhe213.core.pages import peek_page, query_without_page, render_page
from lienhe213.members.models import Member
from lienhe213.members.queries import MemberQuerySet
from lienhe213.organizations.models import AdministrativeUnit, Organization

_WORKING = Q(employment=Member.Employment.WORKING)


@dataclass
class Section:
    """One block of the home page: a role over an organization and its numbers."""

    kind: str
    role_label: str
    organization: Organization | None
    numbers: dict[str, Any] = field(default_factory=dict)


def _members(user: AnyUser, org: Organization | None) -> MemberQuerySet:
    members = Member.objects.visible_to(user)
    return members.in_subtree(org) if org is not None else members


def _member_totals(user: AnyUser, org: Organization | None) -> dict[str, int]:
    return _members(user, org).aggregate(members=Count("id"), working=Count("id", filter=_WORKING))


def _overview(user: AnyUser, org: Organization | None, label: str) -> Section:
    orgs = Organization.objects.visible_to(user).current()
    if org is not None:
        orgs = orgs.in_subtree(org)
    kinds = dict(Organization.Kind.choices)
    by_kind = [
        (kinds.get(row["kind"], row["kind"]), row["n"])
        for row in orgs.values("kind").annotate(n=Count("id")).order_by("kind")
    ]
    communes = (
        orgs.filter(administrative_unit__level=AdministrativeUnit.Level.COMMUNE)
        .values("administrative_unit")
        .distinct()
        .count()
    )
    numbers = {"by_kind": by_kind, "communes": communes, **_member_totals(user, org)}
    return Section("overview", label, org, numbers)


def _commune(user: AnyUser, org: Organization, label: str) -> Section:
    cells = Organization.objects.visible_to(user).current().in_subtree(org)
    top_cells = (
        _members(user, org)
        .values("organization_id", "organization__name")
        .annotate(n=Count("id"))
        .order_by("-n", "organization__name")[:10]
    )
    numbers = {
        "cells": cells.filter(kind=Organization.Kind.CELL).count(),
        "top_cells": list(top_cells),
        **_member_totals(user, org),
    }
    return Section("commune", label, org, numbers)


def _section(user: AnyUser, assignment: RoleAssignment) -> Section:
    role, org = Role(assignment.role), assignment.organization
    label = str(role.label)
    if role in (Role.ADMINISTRATOR, Role.PROVINCIAL_OFFICER):
        return _overview(user, org, label)
    if role == Role.COMMUNE_CLERK:
        return _commune(user, org, label)
    if role in (Role.CELL_SECRETARY, Role.WORKPLACE_OFFICER):
        return Section(role.value, label, org, _member_totals(user, org))
    record = (
        Member.objects.visible_to(user)
        .filter(pk=own_member_id(user) or 0)
        .select_related("organization")
        .first()
    )
    return Section("member", label, org, {"record": record})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A section per role held (several roles give several sections); every number is
    counted through the gatekeepers, a few aggregate queries per section."""
    assignments = (
        RoleAssignment.objects.filter(
            user_id=request.user.pk or 0, organization__valid_until__isnull=True
        )
        .select_related("organization")
        .order_by("organization__path", "role")
    )
    sections = [_section(request.user, a) for a in assignments]
    if not sections and sees_everything(request.user):
        sections.append(_overview(request.user, None, str(Role.ADMINISTRATOR.label)))
    return render(request, "accounts/home.html", {"sections": sections})


def change_rows(changes: Any) -> list[tuple[str, Any, Any]]:
    """``(field, before, after)`` rows of an audit event's changes.

    Updates store ``{field: [old, new]}``; creations store a plain snapshot
    ``{field: value}``, shown as an empty "before".
    """
    if not isinstance(changes, dict):
        return []
    rows: list[tuple[str, Any, Any]] = []
    for name, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            rows.append((name, value[0], value[1]))
        else:
            rows.append((name, None, value))
    return rows


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail of the user's scope; events outside any subtree (logins of
    unassigned accounts, system jobs) only for superusers."""
    if not has_capability(request.user, Capability.VIEW_AUDIT):
        raise PermissionDenied
    events = AuditEvent.objects.all()
    if not sees_everything(request.user):
        events = events.in_scope_paths(scope_paths(request.user, Capability.VIEW_AUDIT))
    form = AuditFilterForm(request.GET)
    page = peek_page(form.filter(events), request.GET.get("page"))
    for event in page.rows:
        event.change_rows = change_rows(event.changes)  # type: ignore[attr-defined]
    context = {"form": form, "page": page, "query": query_without_page(request)}
    return render_page(request, "accounts/auditevent_list.html", context, "results")
