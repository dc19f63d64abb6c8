"""The party organizations under a given organization: a district's or commune's list of
committees and cells, with the commune of each residence-side unit and the community
(village, residential group) of each residential cell.

A row names its parent by name or code: an organization already under the importing
one, or another row of the file (in any order). A row matching an existing organization
(by code, or by name under the same parent) is unchanged, renamed when its code matches
under another name, or updated where its commune or community was not recorded; a move
to another parent is left to the tree page, where it is dated and recorded. New
organizations are created through ``organizations.services`` one by one — a tree has
thousands of rows, not tens of thousands, and each needs its path and history.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lienhe213.core.errors import DomainError
from lienhe213.core.text import fold
from lienhe213.imports import columns
from lienhe213.imports.models import ImportBatch
from lienhe213.imports.reading import Cell
from lienhe213.imports.rows import (
    CommuneResolver,
    OrganizationIndex,
    RowReader,
    RowResult,
    attempt,
    is_blank,
    province_unit_of,
    typed_cells,
)
from lienhe213.organizations import services as org_services
from lienhe213.organizations.models import AdministrativeUnit, Community, Organization


def field_labels() -> dict[str, str]:
    return {
        "name": pgettext("of a thing", "Name"),
        "kind": _("Kind"),
        "parent": _("Parent organization"),
        "code": _("Code"),
        "commune": _("Administrative unit"),
        "community": _("Community"),
    }


_COMMUNITY_KINDS = (
    ("thon", Community.Kind.VILLAGE),
    ("ban", Community.Kind.HAMLET),
    ("to", Community.Kind.RESIDENTIAL_GROUP),
    ("khu", Community.Kind.QUARTER),
)


def community_kind(name: str) -> str:
    """The kind of a community from its name: "Thôn Nà Tông", "Bản …", "Tổ 5", "Khu 3"."""
    first = fold(name).split(" ", 1)[0]
    return next((kind for word, kind in _COMMUNITY_KINDS if first == word), Community.Kind.VILLAGE)


class OrganizationChecker:
    """Checks the rows of one organization import (see the module's docstring)."""

    def __init__(self, batch: ImportBatch, reader: RowReader, today: datetime.date):
        self.batch = batch
        self.root = batch.organization
        self.reader = reader
        self.index = OrganizationIndex(
            Organization.objects.current().in_subtree(self.root).select_related("parent")
        )
        self.all_codes = set(Organization.objects.exclude(code="").values_list("code", flat=True))
        self.communes = CommuneResolver(province_unit_of(self.root), batch.choices)

    def clean(self, number: int, cells: list[Cell]) -> RowResult:
        read, label = self.reader, self.reader.label
        row = RowResult(number=number, cells=typed_cells(cells))
        values = row.values
        values["name"] = read.text(row, cells, "name", 200)
        if not values["name"] and not row.is_rejected:
            row.reject(label("name"), _("the name is empty."))
        kind = read.get(cells, "kind")
        if is_blank(kind):
            row.reject(label("kind"), _("the kind is empty."))
        else:
            parsed = attempt(row, label("kind"), lambda: columns.parse_kind(kind))
            if parsed:
                values["kind"], values["side"] = parsed
        values["code"] = read.text(row, cells, "code", 30)
        values["parent_text"] = read.text(row, cells, "parent", 200)
        commune = read.text(row, cells, "commune", 255)
        if commune:
            unit, reason = self.communes.resolve(commune)
            if unit is None:
                row.reject(label("commune"), reason)
            else:
                values["commune_id"] = unit.pk
        community = read.text(row, cells, "community", 150)
        if community:
            if "commune_id" not in values and not row.is_rejected:
                row.reject(label("community"), _("a community needs the commune it lies in."))
            values["community"] = community
        return row

    def check(self, rows: list[RowResult]) -> None:
        label = self.reader.label
        codes: dict[str, list[RowResult]] = {}
        names: dict[str, list[RowResult]] = {}
        for row in rows:
            if row.values.get("code"):
                codes.setdefault(row.values["code"].lower(), []).append(row)
            if row.values.get("name"):
                names.setdefault(fold(row.values["name"]), []).append(row)
        for row in rows:
            if row.is_rejected:
                continue
            if len(codes.get((row.values.get("code") or "").lower(), [row])) > 1:
                row.reject(label("code"), _("the same code is on another row."))
        for row in rows:
            if not row.is_rejected:
                self._place(row, names)
            row.finish()

    def _place(self, row: RowResult, names: dict[str, list[RowResult]]) -> None:
        values, label = row.values, self.reader.label
        parent_text = values.pop("parent_text", "") or ""
        parent: Organization | None = self.root
        if parent_text:
            parent, reason = self.index.find(parent_text)
            if parent is None:
                in_file = [r for r in names.get(fold(parent_text), []) if r is not row]
                if len(in_file) == 1:
                    values["parent_row"] = in_file[0].number
                else:
                    row.reject(label("parent"), reason)
                    return
        if parent is not None and "parent_row" not in values:
            values["parent_id"] = parent.pk
        code = values.get("code") or ""
        existing = self.index.by_code.get(code.lower()) if code else None
        if existing is None and parent is not None and "parent_row" not in values:
            existing = next(
                (
                    o
                    for o in self.index.by_name.get(fold(values["name"]), [])
                    if o.parent_id == parent.pk
                ),
                None,
            )
        if existing is None:
            if code and code in self.all_codes:
                row.reject(label("code"), _("another organization already uses this code."))
            if not values.get("side"):
                values["side"] = self._side(values, parent)
            return
        self._compare(row, existing, parent)

    def _side(self, values: dict[str, Any], parent: Organization | None) -> str:
        if values.get("commune_id"):
            return Organization.Side.RESIDENTIAL
        if parent is not None and parent.side != Organization.Side.BOTH:
            return parent.side
        return Organization.Side.WORKPLACE

    def _compare(self, row: RowResult, existing: Organization, parent: Organization | None) -> None:
        values, label = row.values, self.reader.label
        row.target_id = existing.pk
        if parent is None or existing.parent_id != parent.pk:
            row.reject(
                label("parent"),
                _("“%(name)s” exists under another parent: move it on the tree page.")
                % {"name": existing.name},
            )
            return
        if values.get("kind") and values["kind"] != existing.kind:
            row.reject(
                label("kind"),
                _("“%(name)s” exists as another kind.") % {"name": existing.name},
            )
            return
        if values["name"] != existing.name:
            row.changes["name"] = [existing.name, values["name"]]
        commune = values.get("commune_id")
        if commune and commune != existing.administrative_unit_id:
            if existing.administrative_unit_id:
                row.reject(label("commune"), _("the organization lies in another commune."))
                return
            unit = AdministrativeUnit.objects.get(pk=commune)
            row.changes["commune_id"] = ["", unit.name]


def _community(commune_id: int, name: str) -> Community:
    existing = next(
        (
            c
            for c in Community.objects.filter(commune_id=commune_id, valid_until__isnull=True)
            if fold(c.name) == fold(name)
        ),
        None,
    )
    return existing or Community.objects.create(
        commune_id=commune_id, name=name, kind=community_kind(name)
    )


def write(batch: ImportBatch, rows: list[dict[str, Any]], today: datetime.date) -> None:
    """Create the new organizations (parents first) and apply renames and communes."""
    by: Any = batch.created_by  # the uploader; the services check their rights again
    created: dict[int, Organization] = {}
    pending = [r for r in rows if r["outcome"] == "new"]
    while pending:
        ready = [
            r
            for r in pending
            if "parent_row" not in r["values"] or r["values"]["parent_row"] in created
        ]
        if not ready:  # a parent row was rejected, or rows name each other in a ring
            raise DomainError(_("Some rows name a parent that is not imported."))
        for row in ready:
            v = row["values"]
            parent = (
                created[v["parent_row"]]
                if "parent_row" in v
                else Organization.objects.get(pk=v["parent_id"])
            )
            commune = (
                AdministrativeUnit.objects.get(pk=v["commune_id"]) if v.get("commune_id") else None
            )
            org = org_services.create_organization(
                by=by,
                name=v["name"],
                kind=v["kind"],
                side=v["side"],
                parent=parent,
                code=v.get("code") or "",
                administrative_unit=commune,
                community=_community(commune.pk, v["community"])
                if commune and v.get("community")
                else None,
            )
            created[row["number"]] = org
        pending = [r for r in pending if r not in ready]
    Organization.objects.filter(pk__in=[o.pk for o in created.values()]).update(import_batch=batch)
    for row in rows:
        if row["outcome"] != "update":
            continue
        org = Organization.objects.get(pk=row["target_id"])
        if "name" in row["changes"]:
            org = org_services.rename_organization(
                by=by, organization=org, name=row["values"]["name"], effective_date=today
            )
        if "commune_id" in row["changes"]:
            Organization.objects.filter(pk=org.pk).update(
                administrative_unit_id=row["values"]["commune_id"]
            )
        Organization.objects.filter(pk=org.pk).update(import_batch=batch)
