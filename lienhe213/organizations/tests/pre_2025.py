"""Small pre-2025 units for tests that need a few, not the whole dataset (ADR 0017)."""

from lienhe213.organizations.models import (
    PRE_2025_VALID_FROM,
    PRE_2025_VALID_UNTIL,
    AdministrativeUnit,
    UnitSuccession,
)


def old_unit(
    code: str, name: str, level: str, kind: str, parent: AdministrativeUnit | None = None
) -> AdministrativeUnit:
    return AdministrativeUnit.objects.create(
        code=f"pre2025-{code}",
        name=name,
        level=level,
        division_type=kind,
        parent=parent,
        valid_from=PRE_2025_VALID_FROM,
        valid_until=PRE_2025_VALID_UNTIL,
    )


def tran_phu_of_ha_giang(*successors: AdministrativeUnit) -> AdministrativeUnit:
    """Phường Trần Phú, Thành phố Hà Giang, tỉnh Hà Giang, which became ``successors``."""
    province = old_unit("02", "Hà Giang", "province", "tỉnh")
    district = old_unit("024", "Thành phố Hà Giang", "district", "thành phố", province)
    commune = old_unit("00691", "Phường Trần Phú", "commune", "phường", district)
    for new in successors:
        UnitSuccession.objects.create(old=commune, new=new, is_split=len(successors) > 1)
    return commune
