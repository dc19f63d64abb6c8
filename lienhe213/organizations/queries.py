"""Reusable reads of the organization tree."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from lienhe213.accounts.access import AnyUser, Capability
    from lienhe213.organizations.models import AdministrativeUnit, Community, Organization


MANY_PATHS = 64


def paths_condition(field: str, paths: Iterable[str]) -> models.Q:
    """``Q`` matching rows whose ``field`` (a tree path) lies under any of ``paths``.

    An empty ``paths`` matches nothing. Past ``MANY_PATHS`` (a subtree of a past day
    scattered by a restructuring, ADR 0018) the alternatives are nested in pairs by the
    ``under_any`` lookup, which the databases accept at any number.
    """
    paths = list(paths)
    if len(paths) > MANY_PATHS:
        return models.Q(**{f"{field}__under_any": paths})
    condition = models.Q(pk__in=[])
    for path in paths:
        condition |= models.Q(**{f"{field}__under": path})
    return condition


class AdministrativeUnitQuerySet(models.QuerySet["AdministrativeUnit"]):
    """Reads of the State's administrative units, 2025 and pre-2025 alike (ADR 0017)."""

    def valid_on(self, day: datetime.date) -> "AdministrativeUnitQuerySet":
        """Units in force on ``day``: what a chooser for that date may offer."""
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day)
        )

    def current(self) -> "AdministrativeUnitQuerySet":
        return self.filter(valid_until__isnull=True)

    def communes(self) -> "AdministrativeUnitQuerySet":
        from lienhe213.organizations.models import AdministrativeUnit

        return self.filter(level=AdministrativeUnit.Level.COMMUNE)


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def current(self) -> "OrganizationQuerySet":
        return self.filter(valid_until__isnull=True)

    def valid_on(self, day: datetime.date) -> "OrganizationQuerySet":
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day)
        )

    def in_subtree(self, org: "Organization") -> "OrganizationQuerySet":
        """The organization and everything below it (prefix match on the path)."""
        return self.filter(path__under=org.path)

    def residential_cells_under(self, org: "Organization") -> "OrganizationQuerySet":
        """The current residential cells in ``org``'s subtree, by name: the cells a
        commune's or a province's lists are filtered by."""
        return (
            self.current()
            .in_subtree(org)
            .filter(kind="cell", side="residential")
            .order_by("name", "pk")
        )

    def grassroots(self) -> "OrganizationQuerySet":
        return self.filter(kind__in=["grassroots_committee", "grassroots_cell"])

    def visible_to(
        self, user: "AnyUser", capability: "Capability | None" = None
    ) -> "OrganizationQuerySet":
        """The organizations ``user`` may see (or act on, for ``capability``)."""
        from lienhe213.accounts import access

        if access.sees_everything(user):
            return self
        capability = capability or access.Capability.VIEW_ORGANIZATIONS
        return self.filter(paths_condition("path", access.scope_paths(user, capability)))

    def entry_points(
        self, user: "AnyUser", capabilities: "Iterable[Capability]" = ()
    ) -> "OrganizationQuerySet":
        """The organizations ``user`` works from: the current organizations of their
        role assignments, or the current roots of the tree for someone who sees
        everything. With ``capabilities``, only the top of each subtree where they hold
        one of them (``scope_paths``: an organization below another they hold it over
        adds nothing)."""
        from lienhe213.accounts import access

        current = self.current()
        if access.sees_everything(user):
            return current.filter(parent__isnull=True)
        if capabilities:
            paths = {path for c in capabilities for path in access.scope_paths(user, c)}
            return current.filter(path__in=paths)
        return current.filter(role_assignments__user_id=user.pk or 0).distinct()

    def visible_roots(self, user: "AnyUser") -> "OrganizationQuerySet":
        """The highest organizations ``user`` may see: where the tree browser starts."""
        from lienhe213.accounts import access

        if access.sees_everything(user):
            return self.filter(parent__isnull=True)
        return self.filter(path__in=access.scope_paths(user, access.Capability.VIEW_ORGANIZATIONS))


def subtree_counts(orgs: "OrganizationQuerySet", per_org: Mapping[int, int]) -> dict[int, int]:
    """Subtree totals for ``orgs``, given each organization's own count (one ``GROUP BY``).

    Each count is added to every ancestor found on its path, in Python: docs/performance.md
    measured this well below a SQL range join on paths.
    """
    from lienhe213.organizations.models import Organization

    all_paths: dict[int, Any] = dict(
        Organization.objects.filter(pk__in=list(per_org)).values_list("id", "path")
    )
    wanted = dict(orgs.values_list("id", "path"))
    totals: dict[int, int] = defaultdict(int)
    for org_id, count in per_org.items():
        for part in (all_paths.get(org_id) or "").split("."):
            if part and int(part) in wanted:
                totals[int(part)] += count
    return {org_id: totals.get(org_id, 0) for org_id in wanted}


def deployed_communes() -> "models.QuerySet[AdministrativeUnit]":
    """Current communes of the provinces whose party tree is in this system.

    The national list has 3,321 communes; a form offering all of them is unusable on a
    phone, and a province's members live (nearly always) in that province.
    """
    from lienhe213.organizations.models import AdministrativeUnit, Organization

    provinces = Organization.objects.filter(
        administrative_unit__level=AdministrativeUnit.Level.PROVINCE
    ).values("administrative_unit")
    return AdministrativeUnit.objects.filter(
        level=AdministrativeUnit.Level.COMMUNE, valid_until__isnull=True, parent__in=provinces
    )


def communities_of(commune_id: object) -> "models.QuerySet[Community]":
    """The current communities of a commune (none while no commune is chosen)."""
    from lienhe213.organizations.models import Community

    if not str(commune_id or "").isdigit():
        return Community.objects.none()
    return Community.objects.filter(commune_id=int(str(commune_id)), valid_until__isnull=True)


def entry_points(
    user: "AnyUser", capabilities: "Iterable[Capability]" = ()
) -> "OrganizationQuerySet":
    """``Organization.objects.entry_points(user)``: where ``user`` works from."""
    from lienhe213.organizations.models import Organization

    return Organization.objects.entry_points(user, capabilities)
