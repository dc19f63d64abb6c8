"""The tracking book a residence commune (or one of its cells) kept on paper: each row
an introduction letter received, and the cell the member was assigned to.

Each imported link carries its steps dated as in the file (letter, receipt, assignment,
and the cell's acknowledgement on the assignment day — on paper, a member written
into a cell's book was taken in), each step marked with the import. The member must
already be in the database (import the members first) and is found by citizen ID or
party card number together with the name, or by name and date of birth among the
commune's residents. A letter already in the book is "unchanged": later steps are
recorded through the book itself, never by overwriting it from a file.
"""

from __future__ import annotations

import datetime
import itertools
from collections import Counter, defaultdict
from functools import partial
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lienhe213.core.bulk import insert_rows
from lienhe213.core.text import fold
from lienhe213.imports import cleaning, columns
from lienhe213.imports.models import ImportBatch
from lienhe213.imports.reading import Cell
from lienhe213.imports.rows import (
    OrganizationIndex,
    RowReader,
    RowResult,
    attempt,
    is_blank,
    iso,
    typed_cells,
)
from lienhe213.members.models import Member, PreviousPartyCard
from lienhe213.organizations.models import Organization
from lienhe213.registry.holidays import letter_deadline
from lienhe213.registry.models import Category, LetterForm, LinkEvent, ResidenceLink
from lienhe213.reports import summaries

Status = ResidenceLink.Status
RESIDENTIAL = (Organization.Side.RESIDENTIAL, Organization.Side.BOTH)
WORKPLACE = (Organization.Side.WORKPLACE, Organization.Side.BOTH)
DATES = ("letter_date", "received_on", "assigned_on")


def commune_committee_of(org: Organization) -> Organization | None:
    """The residence commune committee a book belongs to: ``org`` itself, or the
    committee above a residential cell."""
    if org.side not in RESIDENTIAL:
        return None
    if org.kind in Organization.GRASSROOTS_KINDS and org.administrative_unit_id:
        return org
    parent = org.parent
    if org.kind == Organization.Kind.CELL and parent is not None:
        return commune_committee_of(parent)
    return None


def accepts(org: Organization) -> bool:
    return commune_committee_of(org) is not None


def field_labels() -> dict[str, str]:
    return {
        "full_name": _("Full name"),
        "birth_date": _("Date of birth"),
        "citizen_id": _("Citizen ID"),
        "party_card_number": _("Party card number"),
        "workplace": _("Workplace committee"),
        "category": _("Category"),
        "letter_number": _("Letter number"),
        "letter_date": _("Letter date"),
        "received_on": _("Date received"),
        "cell": _("Residential cell"),
        "assigned_on": _("Date assigned"),
        "row_number": pgettext("row number column", "No."),
        "note": _("Note"),
    }


def _letter_number(value: Cell) -> int:
    """A letter's number as written: "12", "12/GGT", "Số 12" — its leading number."""
    text = cleaning.clean_text(value, max_length=30)
    digits = ""
    for char in text.removeprefix("Số").strip():
        if not char.isdigit():
            break
        digits += char
    if not digits or int(digits) == 0:
        raise cleaning.CellError(_("write the letter's number, e.g. 12."))
    return int(digits)


class LinkChecker:
    """Checks the rows of one tracking-book import (see the module's docstring)."""

    def __init__(self, batch: ImportBatch, reader: RowReader, today: datetime.date):
        self.batch = batch
        self.reader = reader
        self.today = today
        self.committee = commune_committee_of(batch.organization)
        assert self.committee is not None  # the service accepts only such organizations
        self.commune_id = self.committee.administrative_unit_id
        cells = Organization.objects.current().in_subtree(batch.organization)
        self.cells = OrganizationIndex(
            cells.select_related("parent").filter(kind=Organization.Kind.CELL)
        )
        root_id = self.committee.ancestor_ids()[0]
        root = Organization.objects.get(pk=root_id)
        self.workplaces = OrganizationIndex(
            Organization.objects.current()
            .in_subtree(root)
            .filter(kind__in=Organization.GRASSROOTS_KINDS, side__in=WORKPLACE)
            .select_related("parent")
        )

    def clean(self, number: int, cells: list[Cell]) -> RowResult:
        read, label = self.reader, self.reader.label
        row = RowResult(number=number, cells=typed_cells(cells))
        values = row.values
        name = read.get(cells, "full_name")
        if is_blank(name):
            row.reject(label("full_name"), _("the name is empty."))
        else:
            full = attempt(row, label("full_name"), lambda: cleaning.clean_name(name))
            if full:
                values["full_name"] = full
        for field in ("birth_date", *DATES):
            if not is_blank(read.get(cells, field)):
                values[field] = iso(
                    attempt(
                        row,
                        label(field),
                        lambda f=field: cleaning.parse_date(read.get(cells, f), today=self.today),  # type: ignore[misc]
                    )
                )
        for field, clean in (
            ("citizen_id", cleaning.clean_citizen_id),
            ("party_card_number", cleaning.clean_party_card_number),
        ):
            value = read.get(cells, field)
            if not is_blank(value):
                values[field] = attempt(row, label(field), partial(clean, value))
        if is_blank(read.get(cells, "letter_number")):
            row.reject(label("letter_number"), _("the letter's number is empty."))
        else:
            values["letter_number"] = attempt(
                row,
                label("letter_number"),
                lambda: _letter_number(read.get(cells, "letter_number")),
            )
        if not values.get("letter_date") and not any(
            r.startswith(label("letter_date")) for r in row.reasons
        ):
            row.reject(
                label("letter_date"), _("the letter's date is needed (its year numbers it).")
            )
        category = read.get(cells, "category")
        values["category"] = (
            attempt(row, label("category"), lambda: columns.parse_category(category))
            if not is_blank(category)
            else Category.NORMAL
        )
        self._organizations(row, cells)
        self._dates_in_order(row)
        return row

    def _organizations(self, row: RowResult, cells: list[Cell]) -> None:
        read, label = self.reader, self.reader.label
        workplace = read.text(row, cells, "workplace", max_length=200)
        if workplace:
            org, reason = self.workplaces.find(workplace)
            if org is None:
                row.reject(label("workplace"), reason)
            else:
                row.values["workplace_id"] = org.pk
        cell = read.text(row, cells, "cell", max_length=200)
        if cell:
            org, reason = self.cells.find(cell)
            if org is None:
                row.reject(label("cell"), reason)
            else:
                row.values["cell_id"] = org.pk
        elif self.batch.organization.kind == Organization.Kind.CELL:
            row.values["cell_id"] = self.batch.organization.pk
        if row.values.get("assigned_on") and not row.values.get("cell_id"):
            row.reject(label("cell"), _("a date assigned needs the cell."))

    def _dates_in_order(self, row: RowResult) -> None:
        days = [(f, str(row.values[f])) for f in DATES if row.values.get(f)]
        for (before, first), (after, second) in itertools.pairwise(days):
            if second < first:
                row.reject(
                    self.reader.label(after),
                    _("it is before the %(step)s.") % {"step": self.reader.label(before)},
                )

    # --- the whole file ----------------------------------------------------------------

    def check(self, rows: list[RowResult]) -> None:
        candidates = [r for r in rows if not r.is_rejected]
        members = self._members(candidates)
        for row in candidates:
            self._match_member(row, members)
        self._letters(candidates)
        for row in rows:
            row.finish()

    def _members(self, rows: list[RowResult]) -> dict[str, Any]:
        ids = {r.values["citizen_id"] for r in rows if r.values.get("citizen_id")}
        cards = {r.values["party_card_number"] for r in rows if r.values.get("party_card_number")}
        previous = dict(
            PreviousPartyCard.objects.filter(number__in=cards).values_list("number", "member_id")
        )
        found = Member.objects.filter(citizen_id__in=ids) | Member.objects.filter(
            party_card_number__in=cards
        )
        found = found | Member.objects.filter(pk__in=previous.values())
        found = found | Member.objects.filter(residence_commune_id=self.commune_id)
        people = {
            m["pk"]: m
            for m in found.values(
                "pk",
                "search_text",
                "birth_date",
                "citizen_id",
                "party_card_number",
                "unit_path",
                "residence_commune_id",
            )
        }
        by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
        for m in people.values():
            if m["residence_commune_id"] == self.commune_id:
                by_name[(m["search_text"], m["birth_date"].isoformat())].append(m["pk"])
        return {
            "people": people,
            "by_id": {m["citizen_id"]: pk for pk, m in people.items() if m["citizen_id"]},
            "by_card": {
                **previous,
                **{
                    m["party_card_number"]: pk for pk, m in people.items() if m["party_card_number"]
                },
            },
            "by_name": by_name,
        }

    def _match_member(self, row: RowResult, found: dict[str, Any]) -> None:
        values, label = row.values, self.reader.label
        name = fold(values.get("full_name", ""))
        pk = found["by_id"].get(values.get("citizen_id")) or found["by_card"].get(
            values.get("party_card_number")
        )
        if pk is not None and found["people"][pk]["search_text"] != name:
            pk = None  # an identifier alone never finds a member: the name must agree
        if pk is None and values.get("birth_date"):
            same = found["by_name"].get((name, values["birth_date"]), [])
            pk = same[0] if len(same) == 1 else None
        if pk is None:
            row.reject(
                label("full_name"),
                _(
                    "no member with this name and identifier (or date of birth) lives in "
                    "this commune: import the members first."
                ),
            )
            return
        values["member_id"] = pk
        if "workplace_id" not in values:
            path = found["people"][pk]["unit_path"]
            workplace = next(
                (
                    self.workplaces.by_id[int(part)]
                    for part in reversed(path.strip(".").split("."))
                    if int(part) in self.workplaces.by_id
                ),
                None,
            )
            if workplace is None:
                row.reject(label("workplace"), _("write the member's workplace committee."))
            else:
                values["workplace_id"] = workplace.pk

    def _letters(self, rows: list[RowResult]) -> None:
        label = self.reader.label
        rows = [r for r in rows if not r.is_rejected]
        key = {
            id(r): (
                r.values["workplace_id"],
                int(r.values["letter_date"][:4]),
                r.values["letter_number"],
            )
            for r in rows
        }
        letter_count = Counter(key.values())
        member_count = Counter(r.values["member_id"] for r in rows)
        issuers = {k[0] for k in key.values()}
        existing = {
            (link["issued_by_organization_id"], link["letter_year"], link["letter_number"]): link
            for link in ResidenceLink.objects.filter(issued_by_organization_id__in=issuers).values(
                "pk", "issued_by_organization_id", "letter_year", "letter_number", "member_id"
            )
        }
        open_links = dict(
            ResidenceLink.objects.filter(
                member_id__in=member_count, status__in=ResidenceLink.OPEN_STATUSES
            ).values_list("member_id", "pk")
        )
        for row in rows:
            k = key[id(row)]
            if letter_count[k] > 1:
                row.reject(label("letter_number"), _("the same letter is on another row."))
            if member_count[row.values["member_id"]] > 1:
                row.reject(label("full_name"), _("the same member is on another row."))
            link = existing.get(k)
            if link is not None:
                if link["member_id"] != row.values["member_id"]:
                    row.reject(
                        label("letter_number"),
                        _("this letter number is already used that year for another member."),
                    )
                else:
                    row.target_id = link["pk"]
            elif row.values["member_id"] in open_links:
                row.reject(label("full_name"), _("the member already has an open link."))


# --- writing --------------------------------------------------------------------------


def write(batch: ImportBatch, rows: list[dict[str, Any]], today: datetime.date) -> None:
    """Insert the new links and their steps, dated as in the file."""
    committee = commune_committee_of(batch.organization)
    assert committee is not None
    issuers = {
        o.pk: o
        for o in Organization.objects.filter(pk__in={r["values"]["workplace_id"] for r in rows})
    }
    deadlines: dict[tuple[int, str], datetime.date] = {}
    links: list[dict[str, Any]] = []
    for r in rows:
        v = r["values"]
        issued_on = datetime.date.fromisoformat(v["letter_date"])
        if (v["workplace_id"], v["letter_date"]) not in deadlines:
            deadlines[v["workplace_id"], v["letter_date"]] = letter_deadline(
                issuers[v["workplace_id"]], issued_on
            )
        received = v.get("received_on")
        assigned = v.get("assigned_on") if v.get("cell_id") else None
        status = (
            Status.ACTIVE
            if v.get("cell_id") and received
            else (Status.RECEIVED if received else Status.ISSUED)
        )
        links.append(
            {
                "member_id": v["member_id"],
                "issued_by_organization_id": v["workplace_id"],
                "workplace_organization_id": v["workplace_id"],
                "residence_commune_organization_id": committee.pk,
                "residence_cell_id": v.get("cell_id") if received else None,
                "category": v["category"],
                "letter_form": LetterForm.CATEGORY_A
                if v["category"] == Category.A
                else LetterForm.NORMAL,
                "letter_number": v["letter_number"],
                "letter_year": issued_on.year,
                "issued_on": issued_on,
                "deadline": deadlines[v["workplace_id"], v["letter_date"]],
                "received_on": _day(received),
                "assigned_on": _day(assigned or (received if v.get("cell_id") else None)),
                "acknowledged_on": _day(assigned or (received if v.get("cell_id") else None)),
                "status": status,
                "import_batch_id": batch.pk,
            }
        )
    with summaries.changing(members=[link["member_id"] for link in links]):
        insert_rows(ResidenceLink, links, keys=list(links[0]) if links else [])
    created = ResidenceLink.objects.filter(import_batch=batch).values(
        "pk", "status", "issued_on", "received_on", "assigned_on", "residence_cell_id"
    )
    user_id = batch.created_by_id
    note = _("Imported from “%(file)s”.") % {"file": batch.file_name}
    events: list[dict[str, Any]] = []
    for link in created:
        steps: list[tuple[str, datetime.date | None]] = [(LinkEvent.Kind.ISSUED, link["issued_on"])]
        if link["received_on"]:
            steps.append((LinkEvent.Kind.RECEIVED, link["received_on"]))
        if link["residence_cell_id"]:
            steps.append((LinkEvent.Kind.ASSIGNED, link["assigned_on"]))
            steps.append((LinkEvent.Kind.ACKNOWLEDGED, link["assigned_on"]))
        events.extend(
            {
                "link_id": link["pk"],
                "kind": kind,
                "on": day,
                "by_id": user_id,
                "note": note,
                "import_batch_id": batch.pk,
            }
            for kind, day in steps
        )
    insert_rows(
        LinkEvent, events, keys=["link_id", "kind", "on", "by_id", "note", "import_batch_id"]
    )


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None
