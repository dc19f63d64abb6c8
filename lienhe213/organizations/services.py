"""Writes to the organization tree. Each keeps ``path``/``depth`` in step with
``parent``, records the lineage in ``OrganizationHistory`` and writes the audit trail."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser, Capability, has_capability, sees_everything
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.core.text import fold
from lienhe213.organizations.models import AdministrativeUnit, Community, Organization
from lienhe213.organizations.models import OrganizationHistory as History


def _require_manage(by: AnyUser, org: Organization | None) -> None:
    if org is None:
        # Roots: superusers only, and like every other right, only while the account is active.
        allowed = sees_everything(by)
    else:
        allowed = has_capability(by, Capability.MANAGE_ORGANIZATIONS, org.path)
    if not allowed:
        raise DomainError(_("You may not change organizations in this part of the tree."))


def unit_not_in_force(unit: AdministrativeUnit, day: datetime.date) -> str:
    """Why ``unit`` may not be chosen for ``day`` ("" if it may): a unit is chosen only
    among those in force on the date in question (ADR 0017)."""
    if unit.valid_until is not None and unit.valid_until < day:
        return _(
            "%(name)s ceased to exist on %(date)s: choose the administrative unit in force "
            "on that date."
        ) % {"name": unit.name, "date": date_format(unit.valid_until, "d/m/Y")}
    if unit.valid_from > day:
        return _("%(name)s did not exist yet on that date.") % {"name": unit.name}
    return ""


def require_unit_in_force(
    unit: AdministrativeUnit | None, *, on: datetime.date, field: str
) -> None:
    """Refuse an administrative unit that was not in force on ``on``: a forged id of a
    pre-2025 unit must not become a new record's commune."""
    if unit is None:
        return
    stored = AdministrativeUnit.objects.get(pk=unit.pk)
    problem = unit_not_in_force(stored, on)
    if problem:
        raise DomainError(problem, field=field)


def _require_current(org: Organization) -> None:
    if not org.is_current:
        raise DomainError(_("“%(name)s” no longer exists.") % {"name": org.name})


@transaction.atomic
def create_organization(
    *,
    by: AnyUser,
    name: str,
    kind: str,
    side: str,
    parent: Organization | None,
    code: str = "",
    administrative_unit: AdministrativeUnit | None = None,
    community: Community | None = None,
    valid_from: datetime.date | None = None,
) -> Organization:
    """Create a node under ``parent`` (only a superuser may create a root)."""
    if parent is not None:
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
        _require_current(parent)
    _require_manage(by, parent)
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("The name may not be empty."), field="name")
    if code and Organization.objects.filter(code=code).exists():
        raise DomainError(_("Another organization already uses this code."), field="code")
    require_unit_in_force(
        administrative_unit,
        on=valid_from or timezone.localdate(),
        field="administrative_unit",
    )
    if (
        community is not None
        and administrative_unit is not None
        and community.commune_id != administrative_unit.pk
    ):
        raise DomainError(_("The community does not belong to this commune."), field="community")
    org = Organization(
        name=name,
        kind=kind,
        side=side,
        parent=parent,
        code=code,
        administrative_unit=administrative_unit,
        community=community,
        valid_from=valid_from or timezone.localdate(),
        depth=(parent.depth + 1) if parent else 0,
        path="",
    )
    try:
        org.full_clean(exclude=["path"])
    except ValidationError as exc:
        raise DomainError.from_validation_error(exc) from exc
    org.save()
    org.path = f"{parent.path if parent else ''}{org.pk}."
    org.save(update_fields=["path"])
    History.objects.create(
        organization=org,
        kind=History.Kind.CREATED,
        effective_date=org.valid_from,
        new_name=org.name,
        new_parent=parent,
    )
    audit.record(
        by=by,
        action="create",
        obj=org,
        scope_path=org.path,
        changes=audit.snapshot(org, ["name", "kind", "side", "parent", "code"]),
    )
    return org


@transaction.atomic
def rename_organization(
    *, by: AnyUser, organization: Organization, name: str, effective_date: datetime.date
) -> Organization:
    """Rename, keeping the old name for dates before ``effective_date``."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    _require_manage(by, org)
    _require_current(org)
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("The name may not be empty."), field="name")
    if name == org.name:
        raise DomainError(_("The new name is the same as the current one."), field="name")
    if effective_date < org.valid_from:
        raise DomainError(
            _("The rename cannot take effect before the organization existed."),
            field="effective_date",
        )
    previous = org.history.filter(kind=History.Kind.RENAMED).order_by("-effective_date").first()
    if previous is not None and effective_date < previous.effective_date:
        # name_on() reads renames in date order; an earlier one would give wrong names.
        raise DomainError(
            _("The rename cannot take effect before the previous rename."),
            field="effective_date",
        )
    old = org.name
    org.name = name
    org.save(update_fields=["name", "name_folded"])
    History.objects.create(
        organization=org,
        kind=History.Kind.RENAMED,
        effective_date=effective_date,
        old_name=old,
        new_name=name,
    )
    audit.record(
        by=by,
        action="rename",
        obj=org,
        scope_path=org.path,
        changes={"name": [old, name], "effective_date": effective_date.isoformat()},
    )
    return org


def _new_prefix(field: str, old_path: str, new_path: str) -> Concat:
    return Concat(Value(new_path), Substr(F(field), len(old_path) + 1, Length(F(field))))


def _repath_subtree(old_path: str, new_path: str, depth_change: int) -> None:
    """Rewrite the path prefix (and depth) of a whole subtree, and the copy of the path
    that members carry (``Member.unit_path``), one UPDATE each; the report counts of
    every row under it move with it (ADR 0022)."""
    from lienhe213.members.models import Member
    from lienhe213.reports import summaries

    with summaries.changing(**summaries.rows_under(old_path)):
        Organization.objects.filter(path__under=old_path).update(
            path=_new_prefix("path", old_path, new_path), depth=F("depth") + depth_change
        )
        Member.objects.filter(unit_path__under=old_path).update(
            unit_path=_new_prefix("unit_path", old_path, new_path)
        )


@transaction.atomic
def move_organization(
    *,
    by: AnyUser,
    organization: Organization,
    new_parent: Organization,
    effective_date: datetime.date,
) -> Organization:
    """Move a node (and its subtree) under ``new_parent``; refuses cycles."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    target = Organization.objects.select_for_update().get(pk=new_parent.pk)
    _require_manage(by, org)
    _require_manage(by, target)
    _require_current(org)
    _require_current(target)
    if target.path.startswith(org.path):
        raise DomainError(
            _("An organization cannot be moved under itself or one of its own units."),
            field="new_parent",
        )
    if org.parent_id == target.pk:
        raise DomainError(_("The organization is already there."), field="new_parent")
    old_parent_id = org.parent_id
    old_path = org.path
    new_path = f"{target.path}{org.pk}."
    _repath_subtree(old_path, new_path, target.depth + 1 - org.depth)
    Organization.objects.filter(pk=org.pk).update(parent=target)
    org.refresh_from_db()
    History.objects.create(
        organization=org,
        kind=History.Kind.MOVED,
        effective_date=effective_date,
        old_parent_id=old_parent_id,
        new_parent=target,
    )
    audit.record(
        by=by,
        action="move",
        obj=org,
        scope_path=org.path,
        changes={"parent": [old_parent_id, target.pk], "path": [old_path, new_path]},
    )
    return org


@transaction.atomic
def merge_organizations(
    *,
    by: AnyUser,
    absorbed: Organization,
    into: Organization,
    effective_date: datetime.date,
) -> Organization:
    """Merge ``absorbed`` into ``into``: its sub-units move under ``into``, it ends the
    day before ``effective_date`` and points at its successor. Members, links and roles
    keep their own rows; later services re-map them (the tracking book's restructuring).
    """
    old = Organization.objects.select_for_update().get(pk=absorbed.pk)
    target = Organization.objects.select_for_update().get(pk=into.pk)
    _require_manage(by, old)
    _require_manage(by, target)
    _require_current(old)
    _require_current(target)
    if old.pk == target.pk:
        raise DomainError(_("An organization cannot be merged into itself."), field="into")
    if target.path.startswith(old.path):
        raise DomainError(
            _("An organization cannot be merged into one of its own units."), field="into"
        )
    if effective_date <= old.valid_from:
        raise DomainError(
            _("The merge must take effect after the organization was founded."),
            field="effective_date",
        )
    children = list(Organization.objects.current().filter(parent=old).order_by("pk"))
    for child in children:
        child_path = child.path
        _repath_subtree(child_path, f"{target.path}{child.pk}.", target.depth - old.depth)
        Organization.objects.filter(pk=child.pk).update(parent=target)
        History.objects.create(
            organization=child,
            kind=History.Kind.MOVED,
            effective_date=effective_date,
            old_parent=old,
            new_parent=target,
        )
    from lienhe213.reports import summaries

    with summaries.changing(links=summaries.links_held_by(old)):  # now held by an ended unit
        old.valid_until = effective_date - datetime.timedelta(days=1)
        old.merged_into = target
        old.save(update_fields=["valid_until", "merged_into"])
    History.objects.create(
        organization=old,
        kind=History.Kind.MERGED,
        effective_date=effective_date,
        successor=target,
    )
    changes: dict[str, Any] = {
        "merged_into": [None, target.pk],
        "valid_until": [None, old.valid_until.isoformat()],
        "moved_children": [c.pk for c in children],
    }
    audit.record(by=by, action="merge", obj=old, scope_path=old.path, changes=changes)
    return target


@transaction.atomic
def dissolve_organization(
    *, by: AnyUser, organization: Organization, effective_date: datetime.date
) -> Organization:
    """End ``organization`` without a successor on the day before ``effective_date``
    (the district committees on 1 July 2025). Its units must have gone first (merged,
    moved or dissolved); what it held stays where it was, read under its old name."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    _require_manage(by, org)
    _require_current(org)
    if effective_date <= org.valid_from:
        raise DomainError(
            _("The dissolution must take effect after the organization was founded."),
            field="effective_date",
        )
    if Organization.objects.current().filter(parent=org).exists():
        raise DomainError(
            _("“%(name)s” still has units: merge or move them first.") % {"name": org.name}
        )
    from lienhe213.reports import summaries

    with summaries.changing(links=summaries.links_held_by(org)):  # now held by an ended unit
        org.valid_until = effective_date - datetime.timedelta(days=1)
        org.save(update_fields=["valid_until"])
    History.objects.create(
        organization=org, kind=History.Kind.DISSOLVED, effective_date=effective_date
    )
    audit.record(
        by=by,
        action="update",
        obj=org,
        scope_path=org.path,
        changes={"event": "dissolved", "valid_until": [None, org.valid_until.isoformat()]},
    )
    return org


def _carried_name(
    name: str, old_unit: AdministrativeUnit, new_unit: AdministrativeUnit, taken: set[str]
) -> str:
    """The name a community keeps in its new commune: its own, or, when the new commune
    already has a community of that name, followed by its old commune's ("Tổ dân phố 1
    (Trần Phú)") as the merged communes' residents still call it."""
    if fold(name) not in taken:
        return name
    short = old_unit.name.split(" ", 1)[1] if " " in old_unit.name else old_unit.name
    for prefix in ("trấn ", "phố "):  # "Thị trấn X", "Thành phố X"
        short = short.removeprefix(prefix)
    carried = f"{name} ({short})"
    if fold(carried) in taken:
        raise DomainError(
            _("“%(commune)s” already has a community named “%(name)s”.")
            % {"commune": new_unit.name, "name": carried},
            field="community",
        )
    return carried


@transaction.atomic
def carry_residences(
    *,
    by: AnyUser,
    old_unit: AdministrativeUnit,
    committee: Organization,
    effective_date: datetime.date,
    community: Community | None = None,
) -> dict[str, Any]:
    """Restructuring of the administrative units: the communities of ``old_unit`` (a
    commune that ceased to exist), or only ``community``, become communities of the
    commune of ``committee``, which takes them over; so do the cells under ``committee``
    that still name ``old_unit`` and the members who live there. Run after the links are
    re-mapped and the old committee merged (or its cell moved), so that the book, the
    cells and the addresses say the same commune. A community whose name the new commune
    already uses takes its old commune's name after its own.

    Returns the counts and the communities renamed ({id: (old name, new name)}).
    """
    from lienhe213.members.models import Member

    committee = Organization.objects.select_for_update().get(pk=committee.pk)
    _require_manage(by, committee)
    _require_current(committee)
    new_unit = committee.administrative_unit
    old_unit = AdministrativeUnit.objects.get(pk=old_unit.pk)
    if new_unit is None or new_unit.level != AdministrativeUnit.Level.COMMUNE:
        raise DomainError(_("Choose the committee of a commune."), field="committee")
    require_unit_in_force(new_unit, on=effective_date, field="committee")
    if old_unit.valid_until is None or old_unit.valid_until >= effective_date:
        raise DomainError(
            _("%(name)s is still in force on that date.") % {"name": old_unit.name},
            field="old_unit",
        )
    communities = Community.objects.select_for_update().filter(
        commune=old_unit, valid_until__isnull=True
    )
    if community is not None:
        communities = communities.filter(pk=community.pk)
    carried = list(communities.order_by("pk"))
    taken = {
        fold(name)
        for name in Community.objects.filter(
            commune=new_unit, valid_until__isnull=True
        ).values_list("name", flat=True)
    }
    renamed: dict[int, tuple[str, str]] = {}
    for item in carried:
        name = _carried_name(item.name, old_unit, new_unit, taken)
        taken.add(fold(name))
        if name != item.name:
            renamed[item.pk] = (item.name, name)
            item.name = name
        item.commune = new_unit
    Community.objects.bulk_update(carried, ["commune", "name"], batch_size=500)
    ids = [c.pk for c in carried]
    cells = Organization.objects.current().filter(
        path__under=committee.path, administrative_unit=old_unit
    )
    members = Member.objects.filter(residence_commune=old_unit)
    if community is not None:
        cells = cells.filter(community_id__in=ids)
        members = members.filter(residence_community_id__in=ids)
    counts: dict[str, Any] = {
        "communities": len(carried),
        "cells": cells.update(administrative_unit=new_unit),
        "members": members.update(
            residence_commune=new_unit, version=F("version") + 1, updated_at=timezone.now()
        ),
    }
    audit.record(
        by=by,
        action="update",
        obj=committee,
        scope_path=committee.path,
        changes={
            "carried_from": old_unit.name,
            "effective_date": effective_date.isoformat(),
            **counts,
            "renamed": [list(names) for names in renamed.values()],
        },
    )
    return {**counts, "renamed": renamed}
