"""The home page: for each role the user holds, the numbers that role works with."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lienhe213.accounts.access import AnyUser, own_member_id, sees_everything
from lienhe213.accounts.models import Role, RoleAssignment
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
