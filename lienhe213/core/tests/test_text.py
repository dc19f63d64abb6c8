"""Folding for search and the Vietnamese collation key (ADR 0003)."""

import re
import unicodedata

import pytest

from lienhe213.core.text import fold, numbered_sort_key, sort_key


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def person_key(full_name: str) -> str:
    """The key ``Member`` stores: given name, then family name, then middle name."""
    family, *middle, given = full_name.split()
    return sort_key(given, family, " ".join(middle))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("ĐẶNG", "dang"),
        ("đặng thị hoa", "dang thi hoa"),
        ("Lò Văn Pọm", "lo van pom"),
        ("Ưng Ơn Ấn Ẵn Ỹ", "ung on an an y"),
        ("  Trần \t Thị\n Bình  ", "tran thi binh"),
        ("", ""),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


def test_fold_gives_the_same_result_for_composed_and_decomposed_input():
    # given the same name typed on a keyboard that composes and one that does not
    composed = unicodedata.normalize("NFC", "Nguyễn Văn Đức Đặng Thị Hoà")
    decomposed = nfd(composed)
    assert composed != decomposed

    # then both fold alike
    assert fold(composed) == fold(decomposed) == "nguyen van duc dang thi hoa"


def test_sort_key_orders_the_vietnamese_alphabet():
    expected = ["An", "Ăn", "Ân", "Bình", "Chi", "Dũng", "Đức", "Em", "Ênh", "Giang", "Hà"]
    expected += ["Oanh", "Ôn", "Ơn", "Phúc", "Uyên", "Ưng", "Vân", "Xuân", "Yến"]

    # when the names are sorted by their key from any starting order
    result = sorted(reversed(expected), key=sort_key)

    assert result == expected


def test_tones_only_break_ties_in_dictionary_order():
    expected = ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ", "Mai"]

    assert sorted(reversed(expected), key=sort_key) == expected


def test_base_letters_decide_before_tones():
    # "Ạn" has the heaviest tone but the smallest letters; "Ăn" has no tone but ă > a
    assert sort_key("Ạn") < sort_key("Ăn")
    assert sort_key("Mạ") < sort_key("Mai")
    assert sort_key("Đà") > sort_key("Dự")


def test_a_shorter_name_sorts_before_a_longer_name_with_the_same_start():
    assert sort_key("An") < sort_key("Anh")
    assert sort_key("Anh") < sort_key("Ánh")
    assert sort_key("Ánh") < sort_key("Anh Thư")


def test_people_are_ordered_by_given_name_then_family_then_middle():
    expected = [
        "Trần Văn An",
        "Nguyễn Thị Bình",
        "Lê Đức",
        "Nguyễn Đức",
        "Nguyễn Anh Đức",
        "Nguyễn Văn Đức",
        "Phạm Hoa",
    ]

    result = sorted(reversed(expected), key=person_key)

    assert result == expected


def test_sort_key_ignores_case_normalization_and_extra_spaces():
    assert sort_key("ĐẶNG") == sort_key("đặng") == sort_key(nfd("Đặng"))
    assert sort_key("  Thị   Bình ") == sort_key("Thị Bình")


def test_sort_key_contains_only_capital_ascii_letters():
    keys = [
        person_key("Nguyễn Văn Đức"),
        person_key("Ưng Ơn"),
        sort_key("Jürgen-W", "Zoë", "2"),
        sort_key("Mạ"),
        sort_key("", "", ""),
    ]

    for key in keys:
        assert re.fullmatch(r"[A-Z]+", key), key


def test_numbered_names_sort_by_value_and_then_the_vietnamese_way():
    names = ["Chi bộ tổ 10", "Chi bộ tổ 2", "Chi bộ thôn Đông", "Chi bộ tổ 1", "Chi bộ thôn Dương"]

    assert sorted(names, key=numbered_sort_key) == [
        "Chi bộ thôn Dương",
        "Chi bộ thôn Đông",
        "Chi bộ tổ 1",
        "Chi bộ tổ 2",
        "Chi bộ tổ 10",
    ]
