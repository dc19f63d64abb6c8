"""Addresses of their day (ADR 0017): the administrative units an address bore on a given
date, and an address typed with pre-2025 names resolved to the 2025 commune.

A 2025 commune printed for a date before 1 July 2025 is named by the old commune it was
made from, with that commune's district and province, when the official mapping
(``UnitSuccession``) gives exactly one; most 2025 communes were made of several old ones,
and then the 2025 names are printed rather than a guess. The other way, a pre-2025 commune
shown for a later date is named by its 2025 successor when it has only one.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lienhe213.organizations import legacy
from lienhe213.organizations.models import AdministrativeUnit


@dataclass(frozen=True)
class AddressUnits:
    """A commune with its district (pre-2025 only) and province."""

    commune: AdministrativeUnit
    district: AdministrativeUnit | None
    province: AdministrativeUnit | None

    def names(self) -> list[str]:
        """As an address line writes them: "Phường Trần Phú", "Thành phố Hà Giang",
        "tỉnh Hà Giang" (a centrally-run city's name already says "Thành phố")."""
        parts = [self.commune.name]
        if self.district is not None:
            parts.append(self.district.name)
        if self.province is not None:
            parts.append(province_label(self.province))
        return parts

    def __str__(self) -> str:
        return ", ".join(self.names())


def province_label(province: AdministrativeUnit) -> str:
    """ "tỉnh Tuyên Quang"; "Thành phố Hà Nội" as it is."""
    if province.name.split(" ")[0].lower() == "thành":
        return province.name
    return f"{province.division_type} {province.name}".strip()


def commune_on(commune: AdministrativeUnit, day: datetime.date) -> AdministrativeUnit:
    """The unit that stood on ``day`` for ``commune``: itself when it was in force then;
    else its only predecessor (or successor) in force on ``day``; else itself."""
    if commune.is_valid_on(day):
        return commune
    if commune.valid_from > day:
        related = AdministrativeUnit.objects.filter(successions__new=commune)
    else:
        related = AdministrativeUnit.objects.filter(predecessions__old=commune)
    found = list(related.valid_on(day).distinct()[:2])
    return found[0] if len(found) == 1 else commune


def units_on(commune: AdministrativeUnit, day: datetime.date) -> AddressUnits:
    """The commune, district and province an address in ``commune`` bore on ``day``."""
    unit = commune_on(commune, day)
    chain: list[AdministrativeUnit] = []
    parent_id = unit.parent_id
    while parent_id is not None and len(chain) < 3:
        parent = AdministrativeUnit.objects.get(pk=parent_id)
        chain.append(parent)
        parent_id = parent.parent_id
    district = next((u for u in chain if u.level == AdministrativeUnit.Level.DISTRICT), None)
    province = next((u for u in chain if u.level == AdministrativeUnit.Level.PROVINCE), None)
    return AddressUnits(commune=unit, district=district, province=province)


@dataclass(frozen=True)
class ResolvedAddress:
    """A typed address resolved to today's commune(s)."""

    text: str
    candidates: tuple[AdministrativeUnit, ...]  # several when the old commune was split
    old_name: str  # the pre-2025 commune recognised, "" if the text used a 2025 name

    @property
    def unit(self) -> AdministrativeUnit | None:
        return self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def is_split(self) -> bool:
        return len(self.candidates) > 1

    def problem(self) -> str:
        """Why no single commune was found, as the form shows it; "" if one was."""
        if self.is_split:
            return _(
                "“%(text)s” was split in 2025 between %(names)s: choose which one in the "
                "list of communes."
            ) % {"text": self.text, "names": ", ".join(c.name for c in self.candidates)}
        if not self.candidates:
            return _("No commune, old or new, is found for “%(text)s”.") % {"text": self.text}
        return ""


def resolve_address(text: str, *, province: AdministrativeUnit | None = None) -> ResolvedAddress:
    """The 2025 commune(s) of an address typed with old or new names.

    "Phường Trần Phú, Thành phố Hà Giang, Hà Giang" gives Phường Hà Giang 2; an old
    commune split in 2025 gives every successor and the caller asks which (the mapping's
    main successor is never picked for the user). Names are compared folded (ADR 0003) by
    ``organizations.legacy``; ``province`` (a 2025 province) narrows names shared across
    the country. Only communes in force today are returned.
    """
    code = province.code if province is not None and not province.is_pre_2025 else None
    found = legacy.resolve_commune(text, province_code=code)
    candidates = tuple(
        AdministrativeUnit.objects.current()
        .communes()
        .filter(code__in=found.new_codes)
        .select_related("parent")
        .order_by("name_folded")
    )
    return ResolvedAddress(text=text, candidates=candidates, old_name=found.old_name)
