"""Loading the State's administrative units (34 provinces, 3,321 communes since the
1 July 2025 reform) from the ``vietnam-provinces`` package into ``AdministrativeUnit``.

The load is an idempotent upsert keyed on the code: new units are inserted in bulk,
changed names or types are updated, nothing is deleted (units that ceased to exist are
ended with ``valid_until`` by the services that handle restructuring, never here).
"""

from dataclasses import dataclass

from django.db import transaction
from vietnam_provinces import Province, Ward

from lienhe213.core.text import fold
from lienhe213.organizations.models import AdministrativeUnit

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
) -> tuple[list[AdministrativeUnit], list[AdministrativeUnit]]:
    """Split ``(code, name, level, division_type, parent_id)`` rows into new and changed units."""
    to_create: list[AdministrativeUnit] = []
    to_update: list[AdministrativeUnit] = []
    for code, name, level, division_type, parent_id in rows:
        unit = existing.get(code)
        if unit is None:
            to_create.append(
                AdministrativeUnit(
                    code=code,
                    name=name,
                    name_folded=fold(name),  # bulk_create bypasses save()
                    level=level,
                    division_type=division_type,
                    parent_id=parent_id,
                )
            )
        elif (unit.name, unit.level, unit.division_type, unit.parent_id) != (
            name,
            level,
            division_type,
            parent_id,
        ):
            unit.name = name
            unit.name_folded = fold(name)
            unit.level = level
            unit.division_type = division_type
            unit.parent_id = parent_id
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
