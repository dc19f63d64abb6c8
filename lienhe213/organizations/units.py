"""Loading the State's administrative units (34 provinces, 3,321 communes since the
1 July 2025 reform) from the ``vietnam-provinces`` package into ``AdministrativeUnit``,
and on request the 63 provinces, 696 districts and 10,035 communes that stood until
30 June 2025, with the official old-to-new mapping, from ``vietnamadminunits`` (ADR 0017).

The load is an idempotent upsert keyed on the code: new units are inserted in bulk,
changed names or types are updated, nothing is deleted (units that ceased to exist are
ended with ``valid_until`` by the services that handle restructuring, never here).
"""

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from vietnam_provinces import Province, Ward

from lienhe213.core.text import fold
from lienhe213.organizations import legacy
from lienhe213.organizations.models import (
    PRE_2025_PREFIX,
    PRE_2025_VALID_FROM,
    PRE_2025_VALID_UNTIL,
    AdministrativeUnit,
    UnitSuccession,
)

PROVINCE_CODE_WIDTH = 2
COMMUNE_CODE_WIDTH = 5


def province_code(code: int) -> str:
    """The stored code of a province: two digits, e.g. ``"08"``."""
    return str(int(code)).zfill(PROVINCE_CODE_WIDTH)


def commune_code(code: int) -> str:
    """The stored code of a commune: five digits, e.g. ``"00694"``."""
    return str(int(code)).zfill(COMMUNE_CODE_WIDTH)


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def _division_type(value: object) -> str:
    return str(getattr(value, "value", value))


def _upsert(
    rows: list[tuple[str, str, str, str, int | None]],
    existing: dict[str, AdministrativeUnit],
    *,
    pre_2025: bool = False,
) -> tuple[list[AdministrativeUnit], list[AdministrativeUnit]]:
    """Split ``(code, name, level, division_type, parent_id)`` rows into new and changed units.

    Pre-2025 units also carry their fixed validity (``PRE_2025_VALID_FROM`` to 30 June
    2025); the validity of 2025 units belongs to the restructuring services.
    """
    to_create: list[AdministrativeUnit] = []
    to_update: list[AdministrativeUnit] = []
    dates: dict[str, Any] = (
        {"valid_from": PRE_2025_VALID_FROM, "valid_until": PRE_2025_VALID_UNTIL} if pre_2025 else {}
    )
    for code, name, level, division_type, parent_id in rows:
        unit = existing.get(code)
        wanted = {
            "name": name,
            "level": level,
            "division_type": division_type,
            "parent_id": parent_id,
            **dates,
        }
        if unit is None:
            to_create.append(
                AdministrativeUnit(code=code, name_folded=fold(name), **wanted)  # bulk: no save()
            )
        elif any(getattr(unit, field) != value for field, value in wanted.items()):
            for field, value in wanted.items():
                setattr(unit, field, value)
            unit.name_folded = fold(name)
            to_update.append(unit)
    return to_create, to_update


@transaction.atomic
def load_administrative_units() -> LoadResult:
    """Insert or update every province and commune of ``vietnam-provinces``.

    Runs in one transaction with a handful of queries, so that it can be called at the
    start of every demo seed and on every deployment without cost.
    """
    existing = {u.code: u for u in AdministrativeUnit.objects.all()}
    province_rows: list[tuple[str, str, str, str, int | None]] = [
        (
            province_code(p.code),
            p.name,
            AdministrativeUnit.Level.PROVINCE,
            _division_type(p.division_type),
            None,
        )
        for p in Province.iter_all()
    ]
    created, updated = _upsert(province_rows, existing)
    AdministrativeUnit.objects.bulk_create(created, batch_size=500)
    fields = ["name", "name_folded", "level", "division_type", "parent"]
    AdministrativeUnit.objects.bulk_update(updated, fields, batch_size=500)
    n_created, n_updated = len(created), len(updated)

    province_ids = dict(
        AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE).values_list(
            "code", "id"
        )
    )
    commune_rows: list[tuple[str, str, str, str, int | None]] = [
        (
            commune_code(w.code),
            w.name,
            AdministrativeUnit.Level.COMMUNE,
            _division_type(w.division_type),
            province_ids[province_code(w.province_code)],
        )
        for w in Ward.iter_all()
    ]
    created, updated = _upsert(commune_rows, existing)
    AdministrativeUnit.objects.bulk_create(created, batch_size=500)
    AdministrativeUnit.objects.bulk_update(updated, fields, batch_size=500)
    n_created += len(created)
    n_updated += len(updated)
    total = len(province_rows) + len(commune_rows)
    return LoadResult(created=n_created, updated=n_updated, unchanged=total - n_created - n_updated)


# ---------------------------------------------------------------- the 63-province map

_PROVINCE_TYPES = {"Tỉnh": "tỉnh", "Thành phố": "thành phố trung ương"}
_COMMUNE_TYPES = ("Thị trấn", "Phường", "Xã")


@dataclass(frozen=True)
class Pre2025Result:
    created: int
    updated: int
    unchanged: int
    successions_created: int
    successions_updated: int
    successions_deleted: int


def pre_2025_code(code: str) -> str:
    """The stored code of a pre-2025 unit: the GSO code behind ``PRE_2025_PREFIX``."""
    return f"{PRE_2025_PREFIX}{code}"


def _province_row(row: sqlite3.Row) -> tuple[str, str]:
    """("Tỉnh Hà Giang") -> ("Hà Giang", "tỉnh"): named as ``vietnam-provinces`` names
    the 2025 provinces (a "tỉnh" without its type, a city with it)."""
    full = " ".join(str(row["province"]).split())
    if full.startswith("Tỉnh "):
        return full.removeprefix("Tỉnh "), _PROVINCE_TYPES["Tỉnh"]
    return full, _PROVINCE_TYPES["Thành phố"]


def _commune_type(name: str) -> str:
    # From the name: the dataset's wardType is wrong for a few ("Thị trấn Ngọc Lặc": "Xã").
    return next((t.lower() for t in _COMMUNE_TYPES if name.startswith(f"{t} ")), "xã")


def _read_dataset() -> tuple[list[sqlite3.Row], list[sqlite3.Row], dict[str, Any]]:
    directory = legacy.data_dir()
    converter: dict[str, Any] = json.loads((directory / "converter_2025.json").read_text("utf-8"))
    connection = sqlite3.connect(f"file:{directory / 'dataset.db'}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        old_rows = connection.execute(
            "SELECT province, provinceKey, provinceCode, district, districtKey, districtCode,"
            " districtType, ward, wardKey, wardCode FROM admin_units_legacy"
            " ORDER BY provinceCode, districtCode, wardCode"
        ).fetchall()
        new_rows = connection.execute(
            "SELECT provinceKey, provinceCode, ward, wardKey FROM admin_units"
        ).fetchall()
    finally:
        connection.close()
    return old_rows, new_rows, converter


def _successors(
    new_rows: list[sqlite3.Row], converter: dict[str, Any]
) -> dict[str, dict[str, bool]]:
    """Old "province_district_commune" key -> {2025 commune code: is the default successor}."""
    ward_code = legacy.new_ward_codes(new_rows)
    found: dict[str, dict[str, bool]] = {}
    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, olds in wards.items():
            code = ward_code.get((province_key, ward_key))
            for old in olds:
                if code is not None:
                    found.setdefault(old, {})[code] = True
    for province_key, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            for new in news:
                code = ward_code.get((province_key, new["newWardKey"]))
                if code is not None:
                    default = bool(new.get("isDefaultNewWard"))
                    found.setdefault(old, {})[code] = found.get(old, {}).get(code, False) or default
    return found


@dataclass(frozen=True)
class OldCommune:
    """A commune of the 63-province map, read from the dataset (no database): its stored
    code, name and type, its district's, and its 2025 successors (code -> whether the
    dataset names it the main successor)."""

    code: str
    name: str
    division_type: str
    district_code: str
    district_name: str
    successors: dict[str, bool]


def pre_2025_communes(province: str) -> list[OldCommune]:
    """The communes of the pre-2025 province whose GSO code is ``province`` ("02": Hà
    Giang), in the dataset's order (district, then commune code)."""
    old_rows, new_rows, converter = _read_dataset()
    successors = _successors(new_rows, converter)
    return [
        OldCommune(
            code=pre_2025_code(row["wardCode"]),
            name=" ".join(str(row["ward"]).split()),
            division_type=_commune_type(str(row["ward"])),
            district_code=pre_2025_code(row["districtCode"]),
            district_name=" ".join(str(row["district"]).split()),
            successors=successors.get(
                f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}", {}
            ),
        )
        for row in old_rows
        if row["provinceCode"] == province and row["wardCode"]
    ]


def _save(to_create: list[AdministrativeUnit], to_update: list[AdministrativeUnit]) -> None:
    AdministrativeUnit.objects.bulk_create(to_create, batch_size=500)
    fields = ["name", "name_folded", "level", "division_type", "parent", "valid_from"]
    AdministrativeUnit.objects.bulk_update(to_update, [*fields, "valid_until"], batch_size=500)


@transaction.atomic
def load_pre_2025_units() -> Pre2025Result:
    """Insert or update the units of the 63-province map and their 2025 successors.

    The 2025 units must be loaded first (``load_administrative_units``): the mapping
    points at them. Provinces, districts and communes are upserted level by level
    (three bulk inserts), then the mapping rows are upserted and mapping rows the dataset
    no longer has are deleted. A few seconds for the ~10,800 units and ~10,900 mapping
    rows; a second run changes nothing.
    """
    old_rows, new_rows, converter = _read_dataset()
    existing = {
        u.code: u for u in AdministrativeUnit.objects.filter(code__startswith=PRE_2025_PREFIX)
    }
    level = AdministrativeUnit.Level
    provinces: dict[str, tuple[str, str, str, str, int | None]] = {}
    for row in old_rows:
        name, kind = _province_row(row)
        provinces[row["provinceCode"]] = (
            pre_2025_code(row["provinceCode"]),
            name,
            level.PROVINCE,
            kind,
            None,
        )
    n_created = n_updated = total = 0

    def upsert(rows: list[tuple[str, str, str, str, int | None]], of: str) -> dict[str, int]:
        nonlocal n_created, n_updated, total
        created, updated = _upsert(rows, existing, pre_2025=True)
        _save(created, updated)
        n_created += len(created)
        n_updated += len(updated)
        total += len(rows)
        return dict(
            AdministrativeUnit.objects.filter(
                code__startswith=PRE_2025_PREFIX, level=of
            ).values_list("code", "id")
        )

    province_ids = upsert(list(provinces.values()), level.PROVINCE)
    districts: dict[str, tuple[str, str, str, str, int | None]] = {}
    for row in old_rows:
        districts[row["districtCode"]] = (
            pre_2025_code(row["districtCode"]),
            " ".join(str(row["district"]).split()),
            level.DISTRICT,
            str(row["districtType"]).lower(),
            province_ids[pre_2025_code(row["provinceCode"])],
        )
    district_ids = upsert(list(districts.values()), level.DISTRICT)
    communes: list[tuple[str, str, str, str, int | None]] = [
        (
            pre_2025_code(row["wardCode"]),
            " ".join(str(row["ward"]).split()),
            level.COMMUNE,
            _commune_type(str(row["ward"])),
            district_ids[pre_2025_code(row["districtCode"])],
        )
        for row in old_rows
        if row["wardCode"]
    ]
    commune_ids = upsert(communes, level.COMMUNE)

    # The mapping, keyed on the dataset's old keys; a commune-less island district maps
    # from the district itself.
    new_ids = dict(
        AdministrativeUnit.objects.filter(level=level.COMMUNE)
        .exclude(code__startswith=PRE_2025_PREFIX)
        .values_list("code", "id")
    )
    wanted: dict[tuple[int, int], tuple[bool, bool]] = {}
    successors = _successors(new_rows, converter)
    for row in old_rows:
        old_key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"
        old_id = (
            commune_ids[pre_2025_code(row["wardCode"])]
            if row["wardCode"]
            else district_ids[pre_2025_code(row["districtCode"])]
        )
        news = {code: default for code, default in successors.get(old_key, {}).items()}
        targets = [(new_ids[code], default) for code, default in news.items() if code in new_ids]
        for new_id, default in targets:
            wanted[(old_id, new_id)] = (len(targets) > 1, default and len(targets) > 1)
    stored = {(s.old_id, s.new_id): s for s in UnitSuccession.objects.all()}
    to_create = [
        UnitSuccession(old_id=old, new_id=new, is_split=split, is_default=default)
        for (old, new), (split, default) in wanted.items()
        if (old, new) not in stored
    ]
    to_update = []
    for pair, (split, default) in wanted.items():
        succession = stored.get(pair)
        if succession is not None and (succession.is_split, succession.is_default) != (
            split,
            default,
        ):
            succession.is_split, succession.is_default = split, default
            to_update.append(succession)
    stale = [s.pk for pair, s in stored.items() if pair not in wanted]
    UnitSuccession.objects.bulk_create(to_create, batch_size=500)
    UnitSuccession.objects.bulk_update(to_update, ["is_split", "is_default"], batch_size=500)
    for start in range(0, len(stale), 500):
        UnitSuccession.objects.filter(pk__in=stale[start : start + 500]).delete()
    return Pre2025Result(
        created=n_created,
        updated=n_updated,
        unchanged=total - n_created - n_updated,
        successions_created=len(to_create),
        successions_updated=len(to_update),
        successions_deleted=len(stale),
    )
