"""Cleaning cell values as offices type them, and the column and label tables."""

import datetime

import pytest

from lienhe213.imports import cleaning, columns
from lienhe213.imports.cleaning import (
    CellError,
    clean_citizen_id,
    clean_name,
    clean_party_card_number,
    clean_phone,
    clean_text,
    parse_date,
    parse_gender,
    parse_optional_date,
    split_full_name,
)
from lienhe213.imports.columns import fold_header, parse_category, parse_kind

TODAY = datetime.date(2025, 6, 1)


def message_of(call, *args, **kwargs) -> str:
    with pytest.raises(CellError) as caught:
        call(*args, **kwargs)
    return str(caught.value.message)


# --- names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("NGUYỄN VĂN ĐỨC", "Nguyễn Văn Đức"),
        ("  Nguyễn   Văn\tĐức ", "Nguyễn Văn Đức"),
        ("Nguye\u0302\u0303n Văn An", "Nguyễn Văn An"),
        ("NGUYE\u0302\u0303N VĂN AN", "Nguyễn Văn An"),
        ("H'HEN NIÊ", "H'Hen Niê"),
        ("Nguyễn văn an", "Nguyễn văn an"),  # mixed case is left as typed
        ("McDONALD Anh", "McDONALD Anh"),
        (None, ""),
        ("   ", ""),
    ],
)
def test_clean_name(typed, clean):
    assert clean_name(typed) == clean


def test_a_decomposed_name_equals_the_precomposed_one():
    assert clean_name("Nguye\u0302\u0303n") == "Nguyễn"
    assert len(clean_name("Nguye\u0302\u0303n")) == 6


def test_a_name_without_letters_is_refused():
    assert message_of(clean_name, 12345.0) == "“12345” is not a name."


@pytest.mark.parametrize(
    ("full", "parts"),
    [
        ("Nguyễn Văn Đức", ("Nguyễn", "Văn", "Đức")),
        ("Lò Pọm", ("Lò", "", "Pọm")),
        ("Tôn Nữ Thị Ngọc Hà", ("Tôn", "Nữ Thị Ngọc", "Hà")),
    ],
)
def test_split_full_name(full, parts):
    assert split_full_name(full) == parts


def test_a_one_word_name_is_refused():
    assert message_of(split_full_name, "Pọm") == (
        "“Pọm” needs at least a family name and a given name."
    )


# --- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        datetime.date(1980, 3, 12),
        datetime.datetime(1980, 3, 12, 0, 0),
        29292,  # the Excel serial number of 12/03/1980
        29292.75,  # with a time of day
        "12/03/1980",
        "12/3/1980",
        "12-03-1980",
        "12.03.1980",
        "12 / 3 / 1980",
        " 12/03/1980 ",
        "1980-03-12",
        "12/03/1980 00:00:00",
    ],
)
def test_parse_date_reads_the_ways_dates_are_typed(typed):
    assert parse_date(typed, today=TODAY) == datetime.date(1980, 3, 12)


def test_early_excel_serials_count_the_fake_leap_day():
    assert parse_date(1, today=TODAY) == datetime.date(1900, 1, 1)
    assert parse_date(59, today=TODAY) == datetime.date(1900, 2, 28)
    assert parse_date(61, today=TODAY) == datetime.date(1900, 3, 1)
    assert message_of(parse_date, 60, today=TODAY) == "29/02/1900 is not a real date."


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/1980", "31/02/1980 is not a real date."),
        ("12/13/1980", "12/13/1980 is not a real date."),
        ("12/03/80", "“12/03/80” has a two-digit year; write the year in full (dd/mm/yyyy)."),
        ("12/03/2030", "12/03/2030 is in the future."),
        (datetime.date(2025, 6, 2), "02/06/2025 is in the future."),
        ("12/03/1880", "12/03/1880 is before 1900."),
        ("1980", "“1980” is not a date; write it as dd/mm/yyyy, e.g. 14/03/1985."),
        ("tháng 3/1980", "“tháng 3/1980” is not a date; write it as dd/mm/yyyy, e.g. 14/03/1985."),
        ("12/03/19800", "“12/03/19800” is not a date; write it as dd/mm/yyyy, e.g. 14/03/1985."),
        (0, "“0” is not a date; write it as dd/mm/yyyy, e.g. 14/03/1985."),
        (100000, "“100000” is not a date; write it as dd/mm/yyyy, e.g. 14/03/1985."),
        (True, "“TRUE” is not a date; write it as dd/mm/yyyy, e.g. 14/03/1985."),
        (datetime.time(8, 30), "“08:30” is not a date; write it as dd/mm/yyyy, e.g. 14/03/1985."),
        (None, "the date is missing."),
        (" ", "the date is missing."),
    ],
)
def test_parse_date_refuses(typed, message):
    assert message_of(parse_date, typed, today=TODAY) == message


def test_today_is_not_in_the_future():
    assert parse_date("01/06/2025", today=TODAY) == TODAY


def test_parse_optional_date():
    assert parse_optional_date(None, today=TODAY) is None
    assert parse_optional_date("  ", today=TODAY) is None
    assert parse_optional_date("1/6/2025", today=TODAY) == TODAY


# --- identifiers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("001085001234", "001085001234"),
        ("001 085 001 234", "001085001234"),
        ("001.085.001.234", "001085001234"),
        ("'001085001234", "001085001234"),
        (1085001234, "001085001234"),  # Excel dropped two leading zeros
        (1085001234.0, "001085001234"),
        (96085001234, "096085001234"),
        (85001234567, "085001234567"),
        (None, ""),
        ("", ""),
    ],
)
def test_clean_citizen_id(typed, clean):
    assert clean_citizen_id(typed) == clean


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("01085001234", "“01085001234”: a citizen ID has exactly 12 digits."),
        ("0010850012345", "“0010850012345”: a citizen ID has exactly 12 digits."),
        ("CCCD 001085001234", "“CCCD 001085001234”: a citizen ID has exactly 12 digits."),
        (12345678, "“12345678”: a citizen ID has exactly 12 digits."),
        (
            "097085001234",
            "“097085001234”: the first three digits of a citizen ID are a province code (001–096).",
        ),
        (
            123456789,
            "“000123456789”: the first three digits of a citizen ID are a province code (001–096).",
        ),
        (1.5, "“1.5” is not a citizen ID."),
        (
            "1,08501E+11",
            "“1,08501E+11” was saved in scientific notation and its digits are lost; format "
            "the column as Text in Excel and type the numbers again.",
        ),
    ],
)
def test_clean_citizen_id_refuses(typed, message):
    assert message_of(clean_citizen_id, typed) == message


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("(024) 3825 1234", "02438251234"),
        ("+84 912 345 678", "+84912345678"),
        ("+84 (0) 912 345 678", "+84912345678"),
        ("0084912345678", "+84912345678"),
        (84912345678, "+84912345678"),
        (912345678, "0912345678"),  # Excel dropped the 0
        (912345678.0, "0912345678"),
        ("912345678", "0912345678"),  # and a CSV export keeps the loss
        (2438251234, "02438251234"),
        (None, ""),
        ("", ""),
    ],
)
def test_clean_phone(typed, clean):
    assert clean_phone(typed) == clean


@pytest.mark.parametrize("typed", ["12345", "0912 345 678 / 0987 654 321", "112345678", "abc"])
def test_clean_phone_refuses(typed):
    assert message_of(clean_phone, typed) == (
        f"“{typed}” is not a Vietnamese phone number (e.g. 0912 345 678)."
    )


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("12.345.678", "12345678"),
        ("12 345 678", "12345678"),
        ("12-345/678", "12345678"),
        (12345678, "12345678"),
        (12345678.0, "12345678"),
        ("123456", "123456"),
        ("123456789012", "123456789012"),
        (None, ""),
    ],
)
def test_clean_party_card_number(typed, clean):
    assert clean_party_card_number(typed) == clean


@pytest.mark.parametrize("typed", ["12345", "1234567890123", "AB123456", 12345])
def test_clean_party_card_number_refuses(typed):
    assert message_of(clean_party_card_number, typed) == (
        f"“{typed}”: a party card number has 6 to 12 digits."
    )


# --- gender ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "gender"),
    [
        ("Nam", "male"),
        ("NAM", "male"),
        ("M", "male"),
        ("male", "male"),
        ("Nữ", "female"),
        ("NỮ", "female"),
        ("nu", "female"),
        ("F", "female"),
        ("Female", "female"),
    ],
)
def test_parse_gender_from_a_gender_column(typed, gender):
    assert parse_gender(typed) == gender


@pytest.mark.parametrize("mark", ["x", "X", "1", "✓", 1, 1.0, True, 1985])
def test_parse_gender_from_a_mark_in_the_nam_or_nu_column(mark):
    assert parse_gender(None, male_mark=mark) == "male"
    assert parse_gender("", female_mark=mark, male_mark="") == "female"


def test_a_filled_gender_column_wins_over_the_marks():
    assert parse_gender("Nữ", male_mark="x") == "female"


@pytest.mark.parametrize(
    ("value", "male", "female", "message"),
    [
        (None, "x", "x", "both the Nam and the Nữ columns are marked."),
        (None, None, None, "the gender is missing: mark the Nam or the Nữ column."),
        (None, "0", "-", "the gender is missing: mark the Nam or the Nữ column."),
        ("Khác", None, None, "“Khác” is not a gender; write Nam or Nữ."),
    ],
)
def test_parse_gender_refuses(value, male, female, message):
    assert message_of(parse_gender, value, male_mark=male, female_mark=female) == message


# --- free text ------------------------------------------------------------------------


def test_clean_text_trims_collapses_composes_and_drops_nuls():
    assert (
        clean_text(" Tổ 1,\n phu\u031bo\u031b\u0300ng\x00  A ", max_length=50) == "Tổ 1, phường A"
    )
    assert clean_text(None, max_length=5) == ""
    assert clean_text(12.0, max_length=5) == "12"


def test_clean_text_refuses_more_than_the_limit():
    assert clean_text("abcde", max_length=5) == "abcde"
    assert message_of(clean_text, "abcdef", max_length=5) == (
        "the text has 6 characters; at most 5 are allowed."
    )


def test_a_cell_error_message_is_lazy_and_prints_as_text():
    error = CellError(cleaning.interpolate("%(value)s is bad.", value="x"))
    assert str(error) == "x is bad."
    assert not isinstance(error.message, str)


# --- columns --------------------------------------------------------------------------


def test_fold_header():
    assert fold_header("Số CCCD/định danh") == "so cccd dinh danh"
    assert fold_header("Ngày,\ntháng, năm  sinh") == "ngay thang nam sinh"
    assert fold_header("No.") == "no"


@pytest.mark.parametrize(
    "table", [columns.MEMBER_COLUMNS, columns.ORGANIZATION_COLUMNS, columns.LINK_COLUMNS]
)
def test_each_alias_names_one_field_of_its_kind(table):
    seen: dict[str, str] = {}
    for field, aliases in table.items():
        for alias in aliases:
            assert seen.setdefault(fold_header(alias), field) == field, alias


def test_required_fields_have_columns():
    assert set(columns.MEMBER_REQUIRED) <= set(columns.MEMBER_COLUMNS)
    assert set(columns.ORGANIZATION_REQUIRED) <= set(columns.ORGANIZATION_COLUMNS)
    assert set(columns.LINK_REQUIRED) <= set(columns.LINK_COLUMNS)


@pytest.mark.parametrize(
    ("label", "name", "parsed"),
    [
        ("Đảng bộ xã", "", ("grassroots_committee", "residential")),
        ("ĐẢNG BỘ PHƯỜNG", "", ("grassroots_committee", "residential")),
        ("Đảng bộ xã/phường", "", ("grassroots_committee", "residential")),
        ("Đảng bộ cơ sở", "", ("grassroots_committee", None)),
        ("Đảng ủy cơ sở", "Đảng bộ phường Hà Giang 1", ("grassroots_committee", "residential")),
        ("Đảng bộ cơ sở", "Đảng bộ Sở Giáo dục", ("grassroots_committee", None)),
        ("Đảng bộ cơ quan", "", ("grassroots_committee", "workplace")),
        ("Chi bộ cơ sở", "", ("grassroots_cell", None)),
        ("Chi bộ", "", ("cell", None)),
        ("Chi bộ thôn", "", ("cell", "residential")),
        ("Chi bộ tổ dân phố", "", ("cell", "residential")),
        ("Chi bộ", "Chi bộ thôn Nà Tông", ("cell", "residential")),
        ("Chi bộ", "Chi bộ tổ 5", ("cell", "residential")),
        ("Chi bộ", "Chi bộ bản Pác Ngòi", ("cell", "residential")),
        ("Chi bộ", "Chi bộ Tổ chức - Hành chính", ("cell", None)),
        ("Chi bộ", "Chi bộ Ban Tuyên giáo", ("cell", None)),
        ("Đảng bộ bộ phận", "", ("cell", None)),
        ("Tỉnh ủy", "", ("provincial_committee", None)),
        ("Huyện ủy", "", ("district_committee", None)),
        ("Đảng ủy cấp trên cơ sở", "", ("superior_committee", None)),
        ("grassroots_cell", "", ("grassroots_cell", None)),
        ("Grassroots committee", "", ("grassroots_committee", None)),
    ],
)
def test_parse_kind(label, name, parsed):
    assert parse_kind(label, name=name) == parsed


def test_parse_kind_refuses_an_unknown_or_missing_label():
    assert message_of(parse_kind, "Ban chấp hành") == (
        "“Ban chấp hành” is not a kind of organization; write, for example, “Đảng bộ xã”, "
        "“Đảng bộ cơ sở”, “Chi bộ cơ sở” or “Chi bộ”."
    )
    assert message_of(parse_kind, None) == "the kind of organization is missing."


@pytest.mark.parametrize(
    ("typed", "category"),
    [
        ("Bình thường", "normal"),
        ("Thường", "normal"),
        ("normal", "normal"),
        (None, "normal"),
        ("Loại A", "a"),
        ("A", "a"),
        ("a", "a"),
        ("Diện A", "a"),
        ("Diện A (miễn sinh hoạt)", "a"),
        ("Diện A: giới thiệu nhưng miễn sinh hoạt nơi cư trú", "a"),
    ],
)
def test_parse_category(typed, category):
    assert parse_category(typed) == category


@pytest.mark.parametrize("typed", ["B", "Loại B", "Diện B", "Category B: not introduced"])
def test_category_b_is_refused_with_the_reason(typed):
    assert message_of(parse_category, typed) == (
        "category B members are not introduced to their place of residence, so they have "
        "no row in a tracking book; remove the row or correct the category."
    )


def test_an_unknown_category_is_refused():
    assert message_of(parse_category, "C") == (
        "“C” is not a category; write “Bình thường” or “Loại A”."
    )


def test_identifiers_in_fullwidth_or_arabic_indic_digits_are_stored_in_ascii():
    assert cleaning.clean_citizen_id("００２１８５００１２３４") == "002185001234"
    assert cleaning.clean_party_card_number("٤٩.٢٦٧٨٩٦") == "49267896"
    assert cleaning.clean_phone("０９１２ ３４５ ６７８") == "0912345678"
