"""The pre-2025 units and the old-to-new mapping loaded from ``vietnamadminunits``
(ADR 0017), with the real package data; and what is read from them."""

import datetime
import io

import pytest
from django.core.management import call_command

from lienhe213.organizations.addresses import commune_on, resolve_address, units_on
from lienhe213.organizations.models import AdministrativeUnit, UnitSuccession
from lienhe213.organizations.units import load_administrative_units, load_pre_2025_units

pytestmark = pytest.mark.django_db

BEFORE = datetime.date(2024, 5, 1)
AFTER = datetime.date(2025, 8, 1)
Level = AdministrativeUnit.Level


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("load_admin_units", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded() -> None:
    load_administrative_units()
    load_pre_2025_units()


def unit(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.select_related("parent__parent").get(code=code)


def test_load_pre_2025_loads_63_provinces_their_districts_and_communes_once():
    first = run("--pre-2025")
    second = run("--pre-2025")

    old = AdministrativeUnit.objects.filter(code__startswith="pre2025-")
    assert old.filter(level=Level.PROVINCE).count() == 63
    assert old.filter(level=Level.DISTRICT).count() == 696
    assert old.filter(level=Level.COMMUNE).count() == 10035
    assert set(old.values_list("valid_from", "valid_until")) == {
        (datetime.date(2008, 8, 1), datetime.date(2025, 6, 30))
    }
    new = AdministrativeUnit.objects.exclude(code__startswith="pre2025-")
    assert new.filter(level=Level.PROVINCE).count() == 34
    assert new.filter(level=Level.COMMUNE).count() == 3321
    assert not new.filter(level=Level.DISTRICT).exists()
    # Every old commune, and each island district that had none, has a 2025 successor.
    assert not old.filter(level=Level.COMMUNE, successions__isnull=True).exists()
    assert not old.filter(
        level=Level.DISTRICT, children__isnull=True, successions__isnull=True
    ).exists()
    assert UnitSuccession.objects.count() == 10602
    assert "Units before 1 July 2025: 10794 created, 0 updated, 0 unchanged;" in first
    assert "mapping to 2025 communes: 10602 added, 0 updated, 0 removed" in first
    assert "Units before 1 July 2025: 0 created, 0 updated, 10794 unchanged;" in second
    assert "mapping to 2025 communes: 0 added, 0 updated, 0 removed" in second


def test_without_the_option_no_old_unit_is_loaded():
    output = run()

    assert "Before 1 July" not in output and "before 1 July" not in output
    assert AdministrativeUnit.objects.count() == 34 + 3321
    assert not AdministrativeUnit.objects.filter(code__startswith="pre2025-").exists()
    assert not UnitSuccession.objects.exists()


def test_phuong_tran_phu_of_ha_giang_became_phuong_ha_giang_2(loaded):
    tran_phu = unit("pre2025-00691")

    assert tran_phu.name == "Phường Trần Phú"
    assert (tran_phu.level, tran_phu.division_type) == (Level.COMMUNE, "phường")
    assert (tran_phu.parent.name, tran_phu.parent.level) == ("Thành phố Hà Giang", "district")
    assert (tran_phu.parent.parent.name, tran_phu.parent.parent.division_type) == (
        "Hà Giang",
        "tỉnh",
    )
    assert list(tran_phu.successions.values_list("new__code", "new__name", "is_split")) == [
        ("00691", "Phường Hà Giang 2", False)
    ]
    assert unit("00691").parent.name == "Tuyên Quang"  # the 2025 unit of the same code


def test_a_split_commune_has_several_targets_one_of_them_the_main(loaded):
    yen_dinh = AdministrativeUnit.objects.get(name="Xã Yên Định", parent__name="Huyện Bắc Mê")

    rows = list(
        yen_dinh.successions.order_by("new__name_folded").values_list(
            "new__name", "is_split", "is_default"
        )
    )
    assert rows == [("Xã Minh Ngọc", True, False), ("Xã Ngọc Đường", True, True)]
    assert UnitSuccession.objects.filter(is_split=True).values("old").distinct().count() == 471


def test_a_second_load_repairs_what_was_changed_by_hand(loaded):
    tran_phu = unit("pre2025-00691")
    AdministrativeUnit.objects.filter(pk=tran_phu.pk).update(name="Phường X", valid_until=None)
    UnitSuccession.objects.filter(old=tran_phu).delete()
    UnitSuccession.objects.create(old=tran_phu, new=unit("00694"), is_split=True)

    output = run("--pre-2025")

    assert "1 created" not in output
    assert "Units before 1 July 2025: 0 created, 1 updated, 10793 unchanged;" in output
    assert "mapping to 2025 communes: 1 added, 0 updated, 1 removed" in output
    tran_phu.refresh_from_db()
    assert (tran_phu.name, tran_phu.name_folded) == ("Phường Trần Phú", "phuong tran phu")
    assert tran_phu.valid_until == datetime.date(2025, 6, 30)
    assert list(tran_phu.successions.values_list("new__code", "is_split")) == [("00691", False)]


def test_valid_on_offers_each_map_on_its_own_dates(loaded):
    communes = AdministrativeUnit.objects.communes()

    before = set(communes.valid_on(BEFORE).values_list("code", flat=True))
    after = set(communes.valid_on(AFTER).values_list("code", flat=True))

    assert len(before) == 10035 and all(c.startswith("pre2025-") for c in before)
    assert len(after) == 3321 and not any(c.startswith("pre2025-") for c in after)
    assert communes.valid_on(datetime.date(2025, 6, 30)).filter(code="pre2025-00691").exists()
    assert not communes.valid_on(datetime.date(2025, 7, 1)).filter(code="pre2025-00691").exists()


def test_a_2025_commune_made_of_one_old_commune_is_printed_with_its_old_units(loaded):
    ngoc_long = unit("00859")  # Xã Ngọc Long (Tuyên Quang), the old one of Huyện Yên Minh

    assert str(units_on(ngoc_long, BEFORE)) == "Xã Ngọc Long, Huyện Yên Minh, tỉnh Hà Giang"
    assert str(units_on(ngoc_long, AFTER)) == "Xã Ngọc Long, tỉnh Tuyên Quang"


def test_a_2025_commune_made_of_several_keeps_its_2025_names_on_an_old_date(loaded):
    ha_giang_2 = unit("00691")  # five old communes became it

    assert ha_giang_2.predecessions.count() == 5
    assert str(units_on(ha_giang_2, BEFORE)) == "Phường Hà Giang 2, tỉnh Tuyên Quang"


def test_an_old_commune_is_shown_today_as_its_only_successor(loaded):
    tran_phu = unit("pre2025-00691")
    yen_dinh = AdministrativeUnit.objects.get(name="Xã Yên Định", parent__name="Huyện Bắc Mê")

    assert str(units_on(tran_phu, AFTER)) == "Phường Hà Giang 2, tỉnh Tuyên Quang"
    assert str(units_on(tran_phu, BEFORE)) == ("Phường Trần Phú, Thành phố Hà Giang, tỉnh Hà Giang")
    assert commune_on(yen_dinh, AFTER) == yen_dinh  # split: no single name to give


@pytest.mark.parametrize(
    "text",
    [
        "Phường Trần Phú, Thành phố Hà Giang, Hà Giang",
        "P. Tran Phu, TP Ha Giang",
        "Phường Hà Giang 2, Tuyên Quang",
    ],
)
def test_an_address_typed_with_old_or_new_names_resolves_to_the_2025_commune(loaded, text):
    found = resolve_address(text)

    assert found.unit == unit("00691")
    assert not found.is_split
    assert found.problem() == ""


def test_an_address_in_a_split_commune_lists_the_candidates(loaded):
    found = resolve_address("Xã Yên Định, huyện Bắc Mê, Hà Giang")

    assert found.unit is None
    assert [c.name for c in found.candidates] == ["Xã Minh Ngọc", "Xã Ngọc Đường"]
    assert found.old_name == "Xã Yên Định, Huyện Bắc Mê, Tỉnh Hà Giang"
    assert found.problem() == (
        "“Xã Yên Định, huyện Bắc Mê, Hà Giang” was split in 2025 between Xã Minh Ngọc, "
        "Xã Ngọc Đường: choose which one in the list of communes."
    )


def test_an_unknown_address_says_so(loaded):
    found = resolve_address("Tổ 5, abc xyz")

    assert found.candidates == ()
    assert found.problem() == "No commune, old or new, is found for “Tổ 5, abc xyz”."
