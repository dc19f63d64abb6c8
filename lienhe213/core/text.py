"""Vietnamese text helpers: diacritic folding for search and a collation key for sorting.

Both are computed in Python and stored in columns, so that search and ordering behave
the same on SQLite and PostgreSQL without database extensions (docs/performance.md: a stored
folded column is portable and cheaper than ``unaccent()``; SQLite's FTS5 does not fold
đ to d).
"""

import re
import unicodedata

# Vietnamese alphabet order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y.
# Letters outside it (f, j, w, z, digits) are placed where Latin order puts them.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONE_MARKS = {
    "\u0300": 1,  # huyền
    "\u0309": 2,  # hỏi
    "\u0303": 3,  # ngã
    "\u0301": 4,  # sắc
    "\u0323": 5,  # nặng
}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)


def fold(text: str) -> str:
    """Lower-case ``text`` and strip every diacritic, mapping đ to d.

    "Nguyễn Văn Đức" -> "nguyen van duc". Whitespace is collapsed to single spaces.
    """
    # "Ð" (U+00D0, Icelandic eth) stands in for "Đ" in text converted from old
    # Vietnamese encodings; it looks the same and must fold the same.
    lowered = text.lower().replace("đ", "d").replace("ð", "d")
    decomposed = unicodedata.normalize("NFD", lowered)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def _split_letters(word: str) -> tuple[list[str], int]:
    """Return the base letters of ``word`` (keeping ă â đ ê ô ơ ư) and its tone number."""
    letters: list[str] = []
    tone = 0
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in _TONE_MARKS:
            tone = _TONE_MARKS[char]
        elif char in _LETTER_MARKS and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + char)
        elif not unicodedata.combining(char):
            letters.append(char)
    return letters, tone


def _encode_rank(rank: int) -> str:
    # Two upper-case ASCII letters per rank: every database collation, including
    # PostgreSQL's locale-aware ones, orders such strings exactly like bytes.
    return chr(66 + rank // 26) + chr(65 + rank % 26)


def _letter_rank(letter: str) -> int:
    index = _ALPHABET.find(letter)
    if index >= 0:
        return 1 + index
    if letter.isdigit():
        return 40 + int(letter)
    return 60  # anything else sorts after every letter


def sort_key(*words_groups: str) -> str:
    """A collation key that orders names the Vietnamese way.

    Groups are compared in the order given (for a person: given name, then family
    name, then middle name). Base letters decide first in Vietnamese alphabetical
    order (a < ă < â, d < đ …); tones (none, huyền, hỏi, ngã, sắc, nặng) only break
    ties, as in Vietnamese dictionaries. The key contains only A–Z.
    """
    primary: list[str] = []
    tones: list[str] = []
    for group in words_groups:
        for word in group.split():
            letters, tone = _split_letters(word)
            primary.append("".join(_encode_rank(_letter_rank(c)) for c in letters))
            tones.append(chr(65 + tone))
        primary.append("")
    # "AA" separates words and groups and sorts below every letter, so "An" < "Anh".
    return "AA".join(primary) + "AA" + "".join(tones)


def numbered_sort_key(name: str) -> str:
    """``sort_key`` of a name whose numbers compare by value: "Tổ 2" before "Tổ 10"
    (the names of residential groups and their cells are numbered)."""
    return sort_key(re.sub(r"\d+", lambda number: number.group().zfill(6), name))
