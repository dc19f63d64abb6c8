"""Resolving pre-July-2025 commune names (as typed in old spreadsheets) to 2025 codes.

The expected codes are those of ``vietnam-provinces`` (what ``AdministrativeUnit`` stores),
checked by name in the tests below; no database is needed.
"""

import pytest
from vietnam_provinces import Province, Ward

from lienhe213.organizations.legacy import Resolution, old_communes_of, resolve_commune

TUYEN_QUANG = "08"  # Hà Giang and Tuyên Quang merged into it
HA_GIANG_1 = "00694"  # Phường Hà Giang 1
HA_GIANG_2 = "00691"  # Phường Hà Giang 2
DONG_VAN = "00721"  # Xã Đồng Văn (Tuyên Quang)
NGOC_DUONG = "00700"  # Xã Ngọc Đường (Tuyên Quang)
MINH_NGOC = "00994"  # Xã Minh Ngọc (Tuyên Quang)
TRAN_PHU_HA_GIANG = "Phường Trần Phú, Thành phố Hà Giang, Tỉnh Hà Giang"


def ward_name(code: str) -> str:
    return " ".join(str(Ward.from_code(int(code)).name).split())


def test_the_codes_used_here_are_those_of_vietnam_provinces():
    assert ward_name(HA_GIANG_1) == "Phường Hà Giang 1"
    assert ward_name(HA_GIANG_2) == "Phường Hà Giang 2"
    assert ward_name(DONG_VAN) == "Xã Đồng Văn"
    assert ward_name(NGOC_DUONG) == "Xã Ngọc Đường"
    assert ward_name(MINH_NGOC) == "Xã Minh Ngọc"
    assert Province.from_code(int(TUYEN_QUANG)).name == "Tuyên Quang"
    for code in (HA_GIANG_1, HA_GIANG_2, DONG_VAN, NGOC_DUONG, MINH_NGOC):
        assert int(Ward.from_code(int(code)).province_code) == int(TUYEN_QUANG)


@pytest.mark.parametrize(
    "text",
    [
        TRAN_PHU_HA_GIANG,
        "P. Trần Phú, TP Hà Giang",
        "Ph. Trần Phú, TP. Hà Giang, Hà Giang",
        "Tổ 5, phường Trần Phú, thành phố Hà Giang, tỉnh Hà Giang",
        "Phường Trần Phú, Hà Giang",  # no district
        "Phường Trần Phú, TP Hà Giang, Tuyên Quang",  # old commune, 2025 province
        "PHUONG TRAN PHU, TP HA GIANG, HA GIANG",
        "phuong tran phu, thanh pho ha giang",
        "Tổ 5 phường Trần Phú TP Hà Giang",  # no commas
        "  P.Trần Phú ,  TP.Hà Giang , Việt Nam ",
    ],
)
def test_the_articles_case_phuong_tran_phu_of_ha_giang_became_ha_giang_2(text):
    result = resolve_commune(text)
    assert result == Resolution(text=text, new_codes=(HA_GIANG_2,), old_name=TRAN_PHU_HA_GIANG)
    assert result.is_unique
    assert not result.is_split
    assert not result.is_unknown


def test_a_township_abbreviated_tt_with_its_district():
    result = resolve_commune("TT Đồng Văn, huyện Đồng Văn")
    assert result.new_codes == (DONG_VAN,)
    assert result.old_name == "Thị trấn Đồng Văn, Huyện Đồng Văn, Tỉnh Hà Giang"


@pytest.mark.parametrize(
    "text",
    [
        "Xã Phương Thiện, TP. Hà Giang, Hà Giang",
        "X. Phương Thiện, T.X. Hà Giang",  # wrong district type still read, as a fallback
        "X. Phuong Thien, TP Ha Giang",
        "XA PHUONG THIEN, TP HA GIANG, T. HA GIANG",
    ],
)
def test_xa_phuong_thien_became_ha_giang_1(text):
    result = resolve_commune(text)
    assert result.new_codes == (HA_GIANG_1,)
    assert result.old_name == "Xã Phương Thiện, Thành phố Hà Giang, Tỉnh Hà Giang"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Phường Hà Giang 1", HA_GIANG_1),
        ("phuong ha giang 2, tuyen quang", HA_GIANG_2),
        ("Xã Đồng Văn, Tuyên Quang", DONG_VAN),
        ("Xã Đồng Văn, tỉnh Tuyên Quang", DONG_VAN),
    ],
)
def test_a_2025_name_resolves_to_its_own_code(text, code):
    result = resolve_commune(text)
    assert result.new_codes == (code,)
    assert result.old_name == ""


def test_a_split_commune_returns_every_successor():
    # converter_2025.json, DICT_PROVINCE_WARD_DIVIDED["tinhtuyenquang"]
    # ["tinhhagiang_huyenbacme_xayendinh"]: Xã Minh Ngọc and Xã Ngọc Đường.
    result = resolve_commune("Xã Yên Định, huyện Bắc Mê, Hà Giang")
    assert result.new_codes == (NGOC_DUONG, MINH_NGOC)
    assert result.is_split
    assert not result.is_unique
    assert result.old_name == "Xã Yên Định, Huyện Bắc Mê, Tỉnh Hà Giang"


def test_a_2025_name_that_was_also_a_split_old_name_returns_all_candidates():
    # The old Phường Văn Miếu - Quốc Tử Giám went partly to Ô Chợ Dừa; an old sheet may
    # mean either, so both are offered (the 2025 commune of that name among them).
    result = resolve_commune("Phường Văn Miếu - Quốc Tử Giám, Hà Nội")
    assert ward_name("00196") == "Phường Văn Miếu - Quốc Tử Giám"
    assert ward_name("00190") == "Phường Ô Chợ Dừa"
    assert result.new_codes == ("00190", "00196")


def test_codes_come_from_vietnam_provinces_not_from_the_package():
    # vietnamadminunits numbers Văn Miếu - Quốc Tử Giám 00226, which is Kim Liên in
    # vietnam-provinces: matching is by name.
    assert resolve_commune("Phường Kim Liên, Hà Nội").new_codes == ("00226",)
    assert ward_name("00226") == "Phường Kim Liên"


def test_every_2025_commune_of_vietnam_provinces_has_old_communes():
    codes = [str(int(ward.code)).zfill(5) for ward in Ward.iter_all()]
    assert len(codes) == 3321
    assert all(old_communes_of(code) for code in codes)


def test_old_communes_of():
    assert old_communes_of(HA_GIANG_2) == [
        "Phường Quang Trung, Thành phố Hà Giang, Tỉnh Hà Giang",
        TRAN_PHU_HA_GIANG,
        "Phường Ngọc Hà, Thành phố Hà Giang, Tỉnh Hà Giang",
        "Phường Minh Khai, Thành phố Hà Giang, Tỉnh Hà Giang",
        "Xã Phong Quang, Huyện Vị Xuyên, Tỉnh Hà Giang",
    ]
    # A split commune counts among the old communes of each of its successors.
    assert "Xã Yên Định, Huyện Bắc Mê, Tỉnh Hà Giang" in old_communes_of(MINH_NGOC)
    assert "Xã Yên Định, Huyện Bắc Mê, Tỉnh Hà Giang" in old_communes_of(NGOC_DUONG)
    assert old_communes_of("99999") == []
    assert old_communes_of("not a code") == []


@pytest.mark.parametrize("text", ["abc xyz", "", "   ", ",,,", "Tổ 5", "Việt Nam", "x" * 5000])
def test_unknown_text(text):
    result = resolve_commune(text)
    assert result == Resolution(text=text, new_codes=(), old_name="")
    assert result.is_unknown
    assert not result.is_unique
    assert not result.is_split


def test_a_name_shared_across_the_country_is_ambiguous_without_a_province():
    result = resolve_commune("Phường Trần Phú")
    assert HA_GIANG_2 in result.new_codes
    assert len(result.new_codes) > 5
    assert result.is_split
    assert TRAN_PHU_HA_GIANG in result.old_name.split("; ")
    assert "Phường Trần Phú, Thành phố Hà Tĩnh, Tỉnh Hà Tĩnh" in result.old_name.split("; ")


@pytest.mark.parametrize("text", ["Phường Trần Phú", "Trần Phú", "P. TRAN PHU"])
def test_the_province_code_narrows_to_the_old_provinces_merged_into_it(text):
    result = resolve_commune(text, province_code=TUYEN_QUANG)
    assert result.new_codes == (HA_GIANG_2,)
    assert result.old_name == TRAN_PHU_HA_GIANG


def test_the_province_code_narrows_a_2025_name_too():
    assert len(resolve_commune("Xã Đồng Văn").new_codes) > 1
    assert resolve_commune("Xã Đồng Văn", province_code=TUYEN_QUANG).new_codes == (DONG_VAN,)
    assert resolve_commune("Xã Đồng Văn", province_code="8").new_codes == (DONG_VAN,)


def test_a_province_named_in_the_text_outside_the_province_code_is_kept():
    # A member may live in another province; the text says which.
    result = resolve_commune("Phường Trần Phú, TP Hà Tĩnh", province_code=TUYEN_QUANG)
    assert result.old_name == "Phường Trần Phú, Thành phố Hà Tĩnh, Tỉnh Hà Tĩnh"
    assert result.new_codes  # it was split, hence several
    assert all(int(Ward.from_code(int(c)).province_code) == 42 for c in result.new_codes)
    # Without one, nothing outside the province is offered.
    assert resolve_commune("Phường Hà Giang 1", province_code="42").is_unknown


def test_same_name_in_two_old_provinces_now_merged_is_told_apart_by_the_old_province():
    ben_tre = resolve_commune("Thị trấn Châu Thành, Huyện Châu Thành, Tỉnh Bến Tre")
    tra_vinh = resolve_commune("TT Châu Thành, H. Châu Thành, Trà Vinh")
    assert ben_tre.is_unique
    assert tra_vinh.is_unique
    assert ben_tre.new_codes != tra_vinh.new_codes
    # Both are in today's Vĩnh Long: named only by it, both are offered.
    both = resolve_commune("TT Châu Thành, Vĩnh Long")
    assert set(both.new_codes) >= set(ben_tre.new_codes + tra_vinh.new_codes)


def test_diacritics_tell_apart_names_that_fold_alike():
    assert resolve_commune("Phường Sa Pả, Lào Cai").old_name == (
        "Phường Sa Pả, Thị xã Sa Pa, Tỉnh Lào Cai"
    )
    assert resolve_commune("Phường Sa Pa, Lào Cai").old_name == (
        "Phường Sa Pa, Thị xã Sa Pa, Tỉnh Lào Cai"
    )
    # Without diacritics both are candidates.
    assert len(resolve_commune("Phuong Sa Pa, Lao Cai").old_name.split("; ")) == 2


def test_numbered_wards_and_city_abbreviations():
    result = resolve_commune("P.15, Q. Gò Vấp, TP.HCM")
    assert result.old_name == "Phường 15, Quận Gò Vấp, Thành phố Hồ Chí Minh"
    assert result.new_codes == ("26878",)
    assert resolve_commune("Phường 15, Quận Gò Vấp, Thành phố Hồ Chí Minh") == Resolution(
        text="Phường 15, Quận Gò Vấp, Thành phố Hồ Chí Minh",
        new_codes=("26878",),
        old_name="Phường 15, Quận Gò Vấp, Thành phố Hồ Chí Minh",
    )
    assert ward_name("26878") == "Phường An Hội Đông"


def test_older_names_known_to_the_package_are_read():
    # Thừa Thiên Huế (a city since 2025) and the old city of Huế, divided in 2025.
    result = resolve_commune("Phường Phú Hội, TP Huế, Thừa Thiên Huế")
    assert result.old_name == "Phường Phú Hội, Quận Thuận Hóa, Thành phố Huế"
    assert result.is_unique


def test_the_text_is_returned_as_typed_even_from_the_cache():
    first = resolve_commune("P. Trần Phú, TP Hà Giang")
    second = resolve_commune("p. trần phú,   tp hà giang")
    assert first.text == "P. Trần Phú, TP Hà Giang"
    assert second.text == "p. trần phú,   tp hà giang"
    assert first.new_codes == second.new_codes


def test_never_raises(monkeypatch):
    from lienhe213.organizations import legacy

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(legacy, "_resolve", broken)
    legacy._resolve_cached.cache_clear()
    try:
        assert resolve_commune("Phường Trần Phú, Hà Giang").is_unknown
        assert resolve_commune(None).is_unknown  # type: ignore[arg-type]
    finally:
        legacy._resolve_cached.cache_clear()
