"""What every kind of import shares: a row's result, reading a row's cells through the
column mapping, and resolving the names offices type (cells, communes, communities,
committees) to the records they mean.

Resolution works on sets: every distinct text is resolved once per import, because a
province's file repeats the same few hundred names over tens of thousands of rows.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from lienhe213.core.text import fold
from lienhe213.imports import cleaning
from lienhe213.imports.reading import Cell, cell_text
from lienhe213.organizations import legacy
from lienhe213.organizations.models import AdministrativeUnit, Community, Organization

T = TypeVar("T")

# The field a reason is about when the file has no column for it.
NEW = "new"
UPDATE = "update"
UNCHANGED = "unchanged"
REJECTED = "rejected"
OUTCOMES = (NEW, UPDATE, UNCHANGED, REJECTED)


@dataclass
class RowResult:
    """One data row: where it is in the file, its cells as typed, and what it became."""

    number: int
    cells: list[str]
    values: dict[str, Any] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    changes: dict[str, list[Any]] = field(default_factory=dict)
    target_id: int | None = None
    outcome: str = NEW

    def reject(self, column: str, message: str) -> None:
        self.reasons.append(_("%(column)s: %(reason)s") % {"column": column, "reason": message})

    @property
    def is_rejected(self) -> bool:
        return bool(self.reasons)

    def finish(self) -> None:
        """Settle the outcome once every check has run."""
        if self.reasons:
            self.outcome = REJECTED
        elif self.target_id is None:
            self.outcome = NEW
        else:
            self.outcome = UPDATE if self.changes else UNCHANGED


class RowReader:
    """A row's cells by field name, through the column mapping, and the header label of
    each field (the reasons name the column as the file names it)."""

    def __init__(self, mapping: Mapping[int, str], labels: list[str], fields: Mapping[str, str]):
        self.columns = {name: index for index, name in mapping.items()}
        self.labels = labels
        self.fields = fields  # field name -> its label when the file has no such column

    def has(self, name: str) -> bool:
        return name in self.columns

    def label(self, name: str) -> str:
        index = self.columns.get(name)
        if index is not None and index < len(self.labels) and self.labels[index]:
            return self.labels[index]
        return self.fields.get(name, name)

    def get(self, cells: list[Cell], name: str) -> Cell:
        index = self.columns.get(name)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def text(self, row: RowResult, cells: list[Cell], name: str, max_length: int = 255) -> str:
        """The cell's text, cleaned; a cell too long becomes a reason and reads as ""."""
        try:
            return cleaning.clean_text(self.get(cells, name), max_length=max_length)
        except cleaning.CellError as err:
            row.reject(self.label(name), str(err.message))
            return ""


def typed_cells(cells: list[Cell]) -> list[str]:
    return [cell_text(value) for value in cells]


def attempt(row: RowResult, column: str, parse: Callable[[], T]) -> T | None:
    """Run one cleaning step; a ``CellError`` becomes a reason on ``column``."""
    try:
        return parse()
    except cleaning.CellError as err:
        row.reject(column, str(err.message))
        return None


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def repeated(rows: Iterable[RowResult], key: str, column: str) -> None:
    """Reject every row whose ``key`` value appears on another row of the same file,
    naming the other rows: which of them is right is the clerk's call, not ours."""
    seen: dict[str, list[RowResult]] = defaultdict(list)
    for row in rows:
        value = row.values.get(key)
        if value:
            seen[value].append(row)
    for same in seen.values():
        if len(same) < 2:
            continue
        for row in same:
            others = ", ".join(str(other.number) for other in same if other is not row)
            row.reject(column, _("the same value is also on row %(rows)s.") % {"rows": others})


# --- organizations ----------------------------------------------------------------


def org_key(text: str) -> str:
    """The folded name used to find an organization."""
    return fold(text)


def _exact(text: str) -> str:
    """A name compared with its tone marks: "Lao Sảng" and "Lao Sáng" are two villages."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


class OrganizationIndex:
    """The current organizations of a subtree by name, compared without diacritics and
    case, or with them when two names differ only by a tone mark. A name that several
    share is resolved with the parent's name written after a dash ("Chi bộ tổ 1 — Đảng
    bộ phường Hà Giang 1", as the member form shows it). Each distinct text is looked up
    once."""

    def __init__(self, organizations: Iterable[Organization]):
        self.by_name: dict[str, list[Organization]] = defaultdict(list)
        self.by_name_parent: dict[tuple[str, str], list[Organization]] = defaultdict(list)
        self.by_code: dict[str, Organization] = {}
        self.by_id: dict[int, Organization] = {}
        self.exact: dict[int, tuple[str, str]] = {}  # id -> (name, parent's name) with marks
        self._found: dict[str, tuple[Organization | None, str]] = {}
        for org in organizations:
            self.add(org)

    def add(self, org: Organization) -> None:
        parent = org.parent.name if org.parent else ""
        self.by_name[org_key(org.name)].append(org)
        self.by_name_parent[org_key(org.name), org_key(parent)].append(org)
        self.exact[org.pk] = (_exact(org.name), _exact(parent))
        self.by_id[org.pk] = org
        if org.code:
            self.by_code[org.code.strip().lower()] = org
        self._found.clear()

    def find(self, text: str) -> tuple[Organization | None, str]:
        """The organization ``text`` names, or None with the reason."""
        text = " ".join(text.split())
        if text not in self._found:
            self._found[text] = self._find(text)
        return self._found[text]

    def _narrow(self, found: list[Organization], typed: str, part: int) -> list[Organization]:
        """Among organizations whose name (``part`` 0) or parent's name (1) folds like
        ``typed``, those written exactly so, when the tone marks tell them apart."""
        exact = [o for o in found if self.exact[o.pk][part] == _exact(typed)]
        return exact or found

    def _find(self, text: str) -> tuple[Organization | None, str]:
        code = self.by_code.get(text.lower())
        if code is not None:
            return code, ""
        # The whole text as a name ("Chi bộ Phòng Tổ chức - Hành chính"), then the last
        # dash as the separator before the parent's name.
        readings = [(text, "")] + [
            (name, parent)
            for separator in (" — ", " - ")
            if separator in text
            for name, _dash, parent in [text.rpartition(separator)]
        ]
        ambiguous = False
        for name, parent in readings:
            found = self._candidates(name, parent)
            if len(found) == 1:
                return found[0], ""
            ambiguous = ambiguous or len(found) > 1
        if not ambiguous:
            return None, _("“%(name)s” is not an organization of this import's subtree.") % {
                "name": text
            }
        return None, _(
            "several organizations are named “%(name)s”; write it followed by “ — ” and "
            "the name of its parent."
        ) % {"name": text}

    def _candidates(self, name: str, parent: str) -> list[Organization]:
        found = self.by_name.get(org_key(name), [])
        if len(found) > 1:
            found = self._narrow(found, name, 0)
        if parent and (len(found) > 1 or not found):
            found = self.by_name_parent.get((org_key(name), org_key(parent)), [])
            found = self._narrow(self._narrow(found, name, 0), parent, 1)
        return found


# --- communes and communities --------------------------------------------------------

# Abbreviations offices type before a commune's name, and the full word.
_COMMUNE_ABBREVIATIONS = {"p.": "phuong", "p": "phuong", "x.": "xa", "x": "xa"}
_COMMUNE_WORDS = ("phuong", "xa", "dac khu")
_COMMUNE_WORDS_MARKED = ("phường", "xã", "đặc khu")


class CommuneResolver:
    """The 2025 commune an address names: its 2025 name, or a pre-2025 commune through
    the official mapping (``organizations.legacy``). An old commune split between several
    new ones is never guessed: the user's choice (``choices``, by folded text) decides,
    and without one the row asks for it."""

    def __init__(self, province: AdministrativeUnit | None, choices: Mapping[str, str]):
        self.province = province
        self.choices = dict(choices)
        units = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE)
        if province is not None:
            units = units.filter(parent=province)
        self.by_code = {u.code: u for u in units.filter(valid_until__isnull=True)}
        self.by_exact: dict[str, list[AdministrativeUnit]] = defaultdict(list)
        self.by_folded: dict[str, list[AdministrativeUnit]] = defaultdict(list)
        for unit in self.by_code.values():
            self.by_exact[_exact(unit.name)].append(unit)
            self.by_folded[unit.name_folded].append(unit)
        self.province_key = _place_key(province.name) if province else ""
        self.cache: dict[str, tuple[AdministrativeUnit | None, str, tuple[str, ...]]] = {}
        self.pending: dict[str, tuple[str, tuple[str, ...]]] = {}  # split communes to choose

    def _by_name(self, typed: str, *, folded: bool) -> list[AdministrativeUnit]:
        """2025 communes named ``typed``, with or without "xã"/"phường" written, compared
        with their tone marks (or without, for text typed without any)."""
        key = fold(typed) if folded else _exact(typed)
        first, _space, rest = key.partition(" ")
        if fold(first) in _COMMUNE_ABBREVIATIONS and rest:
            key = f"{_COMMUNE_ABBREVIATIONS[fold(first)]} {rest}"
        index = self.by_folded if folded else self.by_exact
        words = _COMMUNE_WORDS if folded else _COMMUNE_WORDS_MARKED
        candidates = [key, *(f"{word} {key}" for word in words)]
        return list({u.pk: u for name in candidates for u in index.get(name, [])}.values())

    def resolve(self, text: str) -> tuple[AdministrativeUnit | None, str]:
        """The commune, or None and the reason."""
        key = _exact(text)
        if key not in self.cache:
            self.cache[key] = self._resolve(text)
        unit, reason, options = self.cache[key]
        if options and unit is None:
            chosen = self.choices.get(key)
            if chosen in options and chosen in self.by_code:
                return self.by_code[chosen], ""
            self.pending[key] = (text, options)
        return unit, reason

    def _resolve(self, text: str) -> tuple[AdministrativeUnit | None, str, tuple[str, ...]]:
        parts = [part.strip() for part in text.split(",") if part.strip()]
        first = parts[0] if parts else text
        # A 2025 name is taken as it is only when nothing after it names an old district
        # or province: "X. Tân Thành, H. Bắc Quang" is the old commune, not Xã Tân Thanh.
        only_province = all(_place_key(part) == self.province_key for part in parts[1:])
        if only_province:
            direct = self._by_name(first, folded=False)
            if len(direct) == 1:
                return direct[0], "", ()
        province_code = self.province.code if self.province else None
        found = legacy.resolve_commune(text, province_code=province_code)
        codes = tuple(code for code in found.new_codes if code in self.by_code)
        if len(codes) == 1:
            return self.by_code[codes[0]], "", ()
        if len(codes) > 1:
            names = ", ".join(self.by_code[c].name for c in codes)
            return (
                None,
                _("“%(old)s” was split in 2025 into %(names)s: choose the commune.")
                % {"old": text, "names": names},
                codes,
            )
        if only_province and fold(first) == first.lower():  # typed without tone marks
            direct = self._by_name(first, folded=True)
            if len(direct) == 1:
                return direct[0], "", ()
        return None, _("the commune “%(name)s” is not found in this province.") % {"name": text}, ()


def _place_key(text: str) -> str:
    """A province's name without "tỉnh"/"thành phố" in front, folded."""
    key = fold(text)
    for prefix in ("tinh ", "thanh pho ", "tp. ", "tp "):
        key = key.removeprefix(prefix)
    return key


class CommunityIndex:
    """The current communities (villages, residential groups) of the communes met."""

    def __init__(self) -> None:
        self.by_commune: dict[int, dict[str, Community]] | None = None

    def find(self, commune: AdministrativeUnit, text: str) -> Community | None:
        if self.by_commune is None:
            self.by_commune = defaultdict(dict)
            for community in Community.objects.filter(valid_until__isnull=True):
                self.by_commune[community.commune_id][fold(community.name)] = community
        return self.by_commune.get(commune.pk, {}).get(fold(text))


def province_unit_of(org: Organization) -> AdministrativeUnit | None:
    """The administrative province of the tree that ``org`` belongs to."""
    root_id = org.ancestor_ids()[0]
    root = Organization.objects.select_related("administrative_unit").get(pk=root_id)
    unit = root.administrative_unit
    if unit is not None and unit.level == AdministrativeUnit.Level.COMMUNE:
        return unit.parent
    return unit
