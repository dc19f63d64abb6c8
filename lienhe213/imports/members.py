"""The member list of a workplace committee or a residence commune: checking each row
against the file and the database, then writing the accepted rows in bulk.

A row is matched to an existing member by citizen ID, then party card number (the
current one or one carried before the 2025 exchange), then full name and date of birth
inside the importing organization's subtree. An empty cell never erases a stored value:
offices leave columns blank for what they did not know.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from django.db.models import F
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lienhe213.core.bulk import insert_rows
from lienhe213.core.text import fold
from lienhe213.imports import cleaning
from lienhe213.imports.models import ImportBatch
from lienhe213.imports.reading import Cell
from lienhe213.imports.rows import (
    CommuneResolver,
    CommunityIndex,
    OrganizationIndex,
    RowReader,
    RowResult,
    attempt,
    is_blank,
    iso,
    province_unit_of,
    repeated,
    typed_cells,
)
from lienhe213.members.models import Member, PreviousPartyCard, name_keys
from lienhe213.organizations.models import AdministrativeUnit, Community, Organization
from lienhe213.reports import summaries

# The fields a row may set, in the order the preview shows changes.
FIELDS = (
    "family_name",
    "middle_name",
    "given_name",
    "gender",
    "birth_date",
    "joined_on",
    "official_on",
    "party_card_number",
    "citizen_id",
    "organization_id",
    "employment",
    "workplace_name",
    "residence_commune_id",
    "residence_community_id",
    "residence_address",
    "phone",
)
DATE_FIELDS = ("birth_date", "joined_on", "official_on")
_FOREIGN_KEYS = {
    "organization_id": "organization",
    "residence_commune_id": "residence_commune",
    "residence_community_id": "residence_community",
}
CELL_KINDS = (Organization.Kind.CELL, Organization.Kind.GRASSROOTS_CELL)
_CHUNK = 900  # below SQLite's bound-parameter limit


def field_labels() -> dict[str, str]:
    """The label of each field, for a reason about a column the file does not have."""
    labels = {
        name: str(capfirst(Member._meta.get_field(_FOREIGN_KEYS.get(name, name)).verbose_name))  # type: ignore[union-attr]
        for name in FIELDS
    }
    labels.update(
        full_name=_("Full name"),
        cell=labels["organization_id"],
        commune=labels["residence_commune_id"],
        community=labels["residence_community_id"],
        residence=_("Residence"),
        row_number=pgettext("row number column", "No."),
        gender_male=_("Male"),
        gender_female=_("Female"),
        note=_("Note"),
    )
    return labels


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


_COMMUNITY_WORDS = ("thon", "to", "ban", "khu", "xom", "ap", "buon", "lang", "khom", "doi")


def _names_community(text: str) -> bool:
    """Whether the first part of an address names a village or residential group
    ("Tổ 5", "Thôn Nà Tông") rather than the commune ("P. Trần Phú")."""
    return fold(text).split(" ", 1)[0] in _COMMUNITY_WORDS


def _fits(parts: tuple[str, str, str]) -> bool:
    """Whether each part of a name fits its column (the bulk writer checks nothing)."""
    names = ("family_name", "middle_name", "given_name")
    return all(
        len(part) <= (getattr(Member._meta.get_field(name), "max_length", None) or 0)
        for part, name in zip(parts, names, strict=True)
    )


def _employment_labels() -> dict[str, str]:
    """Folded label (and code) → employment, in the active language."""
    labels = {fold(str(label)): str(choice) for choice, label in Member.Employment.choices}
    labels.update({str(choice): str(choice) for choice in Member.Employment.values})
    return labels


def _gender(cells: tuple[Cell, Cell, Cell]) -> str:
    value, male, female = cells
    return cleaning.parse_gender(value, male_mark=male, female_mark=female)


def _employment(value: Cell, labels: Mapping[str, str]) -> str:
    """The employment status as offices write it (or as the member export labels it)."""
    text = fold(cleaning.clean_text(value, max_length=50))
    if text in labels:
        return labels[text]
    if text.startswith(("nghi huu", "huu")):
        return Member.Employment.RETIRED
    if text.startswith(("dang cong tac", "cong tac", "tai chuc")):
        return Member.Employment.WORKING
    if text.startswith(("khong", "chua")):
        return Member.Employment.OTHER
    raise cleaning.CellError(_("write “Working”, “Retired” or “Not working”."))


class MemberChecker:
    """Checks the rows of one member import (see the module's docstring)."""

    def __init__(self, batch: ImportBatch, reader: RowReader, today: datetime.date):
        self.batch = batch
        self.org = batch.organization
        self.reader = reader
        self.today = today
        subtree = Organization.objects.current().in_subtree(self.org).select_related("parent")
        self.cells = OrganizationIndex(o for o in subtree if o.kind in CELL_KINDS)
        self.communes = CommuneResolver(province_unit_of(self.org), batch.choices)
        self.communities = CommunityIndex()
        self.employment_labels = _employment_labels()
        self.memo: dict[tuple[str, type, Any], tuple[Any, str]] = {}
        self.residences: dict[tuple[Cell, ...], tuple[dict[str, Any], list[str]]] = {}
        self.names: dict[tuple[str, int], str] = {}  # (field, id) -> the name shown

    # --- one row -----------------------------------------------------------------------

    def clean(self, number: int, cells: list[Cell]) -> RowResult:
        read, label = self.reader, self.reader.label
        row = RowResult(number=number, cells=typed_cells(cells))
        values = row.values
        name = read.get(cells, "full_name")
        if is_blank(name):
            row.reject(label("full_name"), _("the name is empty."))
        else:
            parts = attempt(
                row, label("full_name"), lambda: cleaning.split_full_name(cleaning.clean_name(name))
            )
            if parts and _fits(parts):
                values["family_name"], values["middle_name"], values["given_name"] = parts
            elif parts:
                row.reject(label("full_name"), _("the name is too long."))
        for field in DATE_FIELDS:
            value = read.get(cells, field)
            if read.has(field) and not is_blank(value):
                values[field] = self._cached(row, field, value, self._date)
        self._gender(row, cells)
        cleaners: dict[str, Callable[[Cell], str]] = {
            "party_card_number": cleaning.clean_party_card_number,
            "citizen_id": cleaning.clean_citizen_id,
            "phone": cleaning.clean_phone,
            "workplace_name": lambda v: cleaning.clean_text(v, max_length=200),
            "residence_address": lambda v: cleaning.clean_text(v, max_length=255),
        }
        for field, clean in cleaners.items():
            value = read.get(cells, field)
            if read.has(field) and not is_blank(value):
                values[field] = attempt(row, label(field), partial(clean, value))
        employment = read.get(cells, "employment")
        if read.has("employment") and not is_blank(employment):
            values["employment"] = self._cached(row, "employment", employment, self._employment)
        self._party_unit(row, cells)
        self._residence(row, cells)
        self._dates_agree(row)
        return row

    def _cached(self, row: RowResult, field: str, value: Any, parse: Callable[[Any], Any]) -> Any:
        """``parse(value)``, computed once per distinct value of ``field``: a province's
        file repeats the same dates, genders and statuses tens of thousands of times."""
        key = (field, type(value), value)
        hit = self.memo.get(key)
        if hit is None:
            try:
                hit = (parse(value), "")
            except cleaning.CellError as err:
                hit = (None, str(err.message))
            self.memo[key] = hit
        if hit[1]:
            row.reject(self.reader.label(field), hit[1])
        return hit[0]

    def _date(self, value: Cell) -> str | None:
        return iso(cleaning.parse_date(value, today=self.today))

    def _employment(self, value: Cell) -> str:
        return _employment(value, self.employment_labels)

    def _gender(self, row: RowResult, cells: list[Cell]) -> None:
        read = self.reader
        if not any(read.has(f) for f in ("gender", "gender_male", "gender_female")):
            return
        value = read.get(cells, "gender")
        male, female = read.get(cells, "gender_male"), read.get(cells, "gender_female")
        if all(is_blank(v) for v in (value, male, female)):
            return
        row.values["gender"] = self._cached(row, "gender", (value, male, female), _gender)

    def _party_unit(self, row: RowResult, cells: list[Cell]) -> None:
        text = self.reader.text(row, cells, "cell", max_length=200)
        if not text:
            if self.org.kind in CELL_KINDS:
                row.values["organization_id"] = self.org.pk
                self.names["organization_id", self.org.pk] = self.org.name
            return
        org, reason = self.cells.find(text)
        if org is None:
            row.reject(self.reader.label("cell"), reason)
            return
        row.values["organization_id"] = org.pk
        self.names["organization_id", org.pk] = org.name

    def _residence(self, row: RowResult, cells: list[Cell]) -> None:
        """The residence commune and community, resolved once per distinct address."""
        key = tuple(self.reader.get(cells, f) for f in ("commune", "community", "residence"))
        hit = self.residences.get(key)
        if hit is None:
            scratch = RowResult(number=row.number, cells=[])
            self._resolve_residence(scratch, *key)
            hit = self.residences[key] = (scratch.values, scratch.reasons)
        row.values.update(hit[0])
        row.reasons.extend(hit[1])

    def _resolve_residence(
        self, row: RowResult, commune_cell: Cell, community_cell: Cell, residence_cell: Cell
    ) -> None:
        label = self.reader.label
        commune_text = attempt(
            row, label("commune"), partial(cleaning.clean_text, commune_cell, max_length=255)
        )
        community_text = attempt(
            row, label("community"), partial(cleaning.clean_text, community_cell, max_length=150)
        )
        residence = attempt(
            row, label("residence"), partial(cleaning.clean_text, residence_cell, max_length=255)
        )
        if row.reasons:
            return
        column = "commune"
        if not commune_text:
            # "Tổ 5, P. Trần Phú, TP Hà Giang": the first part names the community.
            if not residence:
                return
            column = "residence"
            first, _comma, rest = residence.partition(",")
            commune_text = residence
            if rest.strip() and not community_text and _names_community(first):
                community_text = first.strip()
                commune_text = rest.strip()
        commune, reason = self.communes.resolve(commune_text)
        if commune is None:
            row.reject(label(column), reason)
            return
        row.values["residence_commune_id"] = commune.pk
        self.names["residence_commune_id", commune.pk] = commune.name
        if community_text:
            community = self.communities.find(commune, community_text)
            if community is None:
                row.reject(
                    label("community" if self.reader.has("community") else column),
                    _("“%(name)s” is not a village or residential group of %(commune)s.")
                    % {"name": community_text, "commune": commune.name},
                )
                return
            row.values["residence_community_id"] = community.pk
            self.names["residence_community_id", community.pk] = community.name

    def _dates_agree(self, row: RowResult) -> None:
        values, label = row.values, self.reader.label
        born, joined, official = (values.get(f) for f in DATE_FIELDS)
        if born and joined:
            b, j = datetime.date.fromisoformat(born), datetime.date.fromisoformat(joined)
            if (j.year - b.year) - ((j.month, j.day) < (b.month, b.day)) < 18:
                row.reject(label("joined_on"), _("a member is admitted at 18 or older."))
        if joined and official and official < joined:
            row.reject(label("official_on"), _("the official date is before the joining date."))

    # --- the whole file ----------------------------------------------------------------

    def check(self, rows: list[RowResult]) -> None:
        """Match every row to the database and settle its outcome."""
        labels = self.reader.label
        repeated(rows, "citizen_id", labels("citizen_id"))
        repeated(rows, "party_card_number", labels("party_card_number"))
        by_id, by_card, previous, by_name = self._existing(rows)
        for row in rows:
            if not row.is_rejected:
                self._match(row, by_id, by_card, previous, by_name)
        self._compare(rows)
        for row in rows:
            row.finish()

    def _existing(
        self, rows: list[RowResult]
    ) -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[tuple[str, str], list[int]]]:
        ids = sorted({r.values["citizen_id"] for r in rows if r.values.get("citizen_id")})
        cards = sorted({c for r in rows if (c := r.values.get("party_card_number"))})
        by_id: dict[str, int] = {}
        by_card: dict[str, int] = {}
        previous: dict[str, int] = {}
        for chunk in _chunks(ids):
            by_id.update(
                Member.objects.filter(citizen_id__in=chunk).values_list("citizen_id", "pk")
            )
        for chunk in _chunks(cards):
            by_card.update(
                Member.objects.filter(party_card_number__in=chunk).values_list(
                    "party_card_number", "pk"
                )
            )
            previous.update(
                PreviousPartyCard.objects.filter(number__in=chunk).values_list(
                    "number", "member_id"
                )
            )
        by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
        for pk, text, born in Member.objects.filter(
            unit_path__startswith=self.org.path
        ).values_list("pk", "search_text", "birth_date"):
            by_name[(text, born.isoformat())].append(pk)
        return by_id, by_card, previous, by_name

    def _match(
        self,
        row: RowResult,
        by_id: dict[str, int],
        by_card: dict[str, int],
        previous: dict[str, int],
        by_name: dict[tuple[str, str], list[int]],
    ) -> None:
        values, label = row.values, self.reader.label
        cid, card = values.get("citizen_id"), values.get("party_card_number")
        id_match = by_id.get(cid) if cid else None
        card_match = (by_card.get(card) or previous.get(card)) if card else None
        if id_match and card_match and id_match != card_match:
            row.reject(
                label("party_card_number"),
                _("this card number belongs to another member than the citizen ID."),
            )
            return
        target = id_match or card_match
        if target is None and values.get("birth_date") and "given_name" in values:
            full = fold(" ".join(values[f] for f in ("family_name", "middle_name", "given_name")))
            same = by_name.get((full, values["birth_date"]), [])
            if len(same) == 1:
                target = same[0]
        row.target_id = target
        if target is None:
            self._require_new(row)

    def _require_new(self, row: RowResult) -> None:
        label = self.reader.label
        required = ("birth_date", "gender", "joined_on", "organization_id")
        names = {"organization_id": "cell"}
        for field in required:
            if not row.values.get(field) and not any(
                r.startswith(label(names.get(field, field)) + ":") for r in row.reasons
            ):
                row.reject(label(names.get(field, field)), _("needed for a new member."))

    def _compare(self, rows: list[RowResult]) -> None:
        """Turn matched rows into updates (with each change before → after) or
        unchanged rows; a match outside the importing subtree is refused without
        saying whose record it is."""
        targets = sorted({r.target_id for r in rows if r.target_id and not r.is_rejected})
        stored: dict[int, dict[str, Any]] = {}
        previous: dict[int, set[str]] = defaultdict(set)  # cards carried before
        for chunk in _chunks(targets):
            for values in Member.objects.filter(pk__in=chunk).values(
                "pk", "unit_path", "version", *FIELDS
            ):
                stored[values["pk"]] = values
            for member_id, number in PreviousPartyCard.objects.filter(
                member_id__in=chunk
            ).values_list("member_id", "number"):
                previous[member_id].add(number)
        for row in rows:
            if row.target_id is None or row.is_rejected:
                continue
            current = stored[row.target_id]
            if not current["unit_path"].startswith(self.org.path):
                column = "citizen_id" if row.values.get("citizen_id") else "party_card_number"
                row.reject(
                    self.reader.label(column),
                    _("this identifier belongs to a member outside this import's organization."),
                )
                row.target_id = None
                continue
            row.values["version"] = current["version"]
            for field in FIELDS:
                new = row.values.get(field)
                old = current[field]
                old = old.isoformat() if isinstance(old, datetime.date) else old
                if new in (None, "") or new == old:
                    continue
                if field == "party_card_number" and old and new in previous[row.target_id]:
                    continue  # an old card number in an old list: the current one stays
                row.changes[field] = [self._show(field, old), self._show(field, new)]

    def _show(self, field: str, value: Any) -> str:
        """A value as the preview shows it: names for records, dd/mm/yyyy for dates."""
        if value in (None, ""):
            return ""
        if field in DATE_FIELDS:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        models = {
            "organization_id": Organization,
            "residence_commune_id": AdministrativeUnit,
            "residence_community_id": Community,
        }
        if field in models:
            if (field, value) not in self.names:  # a stored value the file does not name
                self.names[field, value] = str(models[field].objects.get(pk=value))  # type: ignore[attr-defined]
            return self.names[field, value]
        if field == "gender":
            return str(Member.Gender(value).label)
        if field == "employment":
            return str(Member.Employment(value).label)
        return str(value)


# --- writing --------------------------------------------------------------------------


class StaleRecord(Exception):
    """A member changed between the preview and the commit."""


def write(batch: ImportBatch, rows: list[dict[str, Any]], today: datetime.date) -> None:
    """Insert the new members and apply the updates of accepted ``rows`` (their stored
    ``values``); raises ``StaleRecord`` when a matched member changed since the check."""
    paths = dict(
        Organization.objects.filter(
            pk__in={
                r["values"]["organization_id"] for r in rows if "organization_id" in r["values"]
            }
        ).values_list("pk", "path")
    )
    new = [r["values"] for r in rows if r["outcome"] == "new"]
    keys = [*FIELDS, "unit_path", "search_text", "name_sort_key", "import_batch_id"]
    insert_rows(Member, (_new_member(v, paths, batch.pk) for v in new), keys=keys)
    summaries.added(
        members=Member.objects.filter(import_batch_id=batch.pk).values_list("pk", flat=True)
    )
    updates = {r["target_id"]: r for r in rows if r["outcome"] == "update"}
    for chunk in _chunks(sorted(updates)):
        _update(chunk, updates, paths, batch, today)


def _new_member(values: dict[str, Any], paths: dict[int, str], batch_id: int) -> dict[str, Any]:
    row: dict[str, Any] = {field: values.get(field) or "" for field in FIELDS}
    for field in ("organization_id", "residence_commune_id", "residence_community_id"):
        row[field] = values.get(field)
    for field in DATE_FIELDS:
        row[field] = datetime.date.fromisoformat(values[field]) if values.get(field) else None
    row["employment"] = values.get("employment") or Member.Employment.WORKING
    row["unit_path"] = paths[row["organization_id"]]
    row["search_text"], row["name_sort_key"] = name_keys(
        row["family_name"], row["middle_name"], row["given_name"]
    )
    row["import_batch_id"] = batch_id
    return row


def _update(
    ids: Sequence[int],
    updates: dict[int, dict[str, Any]],
    paths: dict[int, str],
    batch: ImportBatch,
    today: datetime.date,
) -> None:
    members = Member.objects.select_for_update().select_related("organization").filter(pk__in=ids)
    changed: list[Member] = []
    cards: list[PreviousPartyCard] = []
    for member in members:
        row = updates[member.pk]
        if member.version != row["values"]["version"]:
            raise StaleRecord(member.pk)
        for field in row["changes"]:
            value = row["values"][field]
            if field in DATE_FIELDS:
                value = datetime.date.fromisoformat(value)
            if field == "party_card_number" and member.party_card_number:
                cards.append(
                    PreviousPartyCard(
                        member=member, number=member.party_card_number, replaced_on=today
                    )
                )
            setattr(member, field, value)
        if "organization_id" in row["changes"]:
            member.unit_path = paths[member.organization_id]
        member.search_text, member.name_sort_key = name_keys(
            member.family_name, member.middle_name, member.given_name
        )
        member.import_batch_id = batch.pk
        changed.append(member)
    with summaries.changing(members=changed):
        Member.objects.bulk_update(
            changed,
            [*FIELDS, "unit_path", "search_text", "name_sort_key", "import_batch_id"],
            batch_size=500,
        )
    Member.objects.filter(pk__in=[m.pk for m in changed]).update(version=F("version") + 1)
    PreviousPartyCard.objects.bulk_create(cards, ignore_conflicts=True)
