"""Resolving a commune typed in an old (pre-July 2025) spreadsheet to the 2025 commune(s).

Offices keep lists whose "nơi cư trú" / "xã, phường" column names a commune of the
63-province map ("P. Trần Phú, TP Hà Giang", "TT Đồng Văn, huyện Đồng Văn"). Since
1 July 2025 there are 34 provinces and 3,321 communes and no districts; the importer needs
the code of the 2025 commune, as stored in ``AdministrativeUnit`` (five digits, from the
``vietnam-provinces`` package).

Source and licence
------------------
The pre-2025 units (63 provinces, 696 districts, 10,035 communes, each with the aliases of
names merged in 2019-2024) and the official old-to-new mapping come from the data files of
``vietnamadminunits`` 1.0.4 by Tran Ngoc Minh Hieu, MIT licence, pinned in pyproject
(``vietnamadminunits==1.0.4``): ``data/dataset.db`` (tables ``admin_units_legacy`` and
``admin_units``) and ``data/converter_2025.json`` (``DICT_PROVINCE``: new province key ->
old province keys; ``DICT_PROVINCE_WARD_NO_DIVIDED``: new province -> new commune key ->
old "province_district_commune" keys; ``DICT_PROVINCE_WARD_DIVIDED``: new province -> old
key -> the 2-5 new communes that share it). ``parser_legacy.json`` adds the names of
districts that were themselves divided before 2025 (e.g. the old "Thành phố Huế").

The files are read directly; the package's own ``parse_address``/``convert_address`` are not
called, because for this use they do not do the job: the converter picks a single
"default" commune when an old commune was split (and geocodes the street over the network
with ArcGIS when there is one), and the legacy parser finds no commune when the district is
left out ("Phường Trần Phú, Hà Giang") or abbreviated as "P." and picks the first of several
communes of the same name instead of reporting the ambiguity. Importing the package also
imports geopy and shapely and loads every JSON file, so it is not imported at all.

The package's 2025 commune codes are not used either: 130 of its 3,321 codes differ from
those of ``vietnam-provinces`` (e.g. its "00226" is Phường Văn Miếu - Quốc Tử Giám, which
``vietnam-provinces`` numbers 00196, giving 00226 to Phường Kim Liên). Its 2025 communes are
therefore matched to ``vietnam-provinces`` by name within the province (all 3,321 match);
province codes agree.

Matching rules
--------------
The text is split at commas (then, if nothing was found, also at " - " and before words such
as "phường", "huyện", "TP"). Each part may start with a type: phường/P./Ph., xã/X., thị
trấn/TT, đặc khu, quận/Q., huyện/H., thị xã/TX/T.X., thành phố/TP, tỉnh/T. Comparison ignores
case and diacritics, except that a diacritic-exact match is preferred when several names
fold alike (Sa Pa / Sa Pả). A part names a commune (old or 2025) only if every part to its
right is that commune's district, its old province or its 2025 province; parts to its left
(hamlet, group, street) are ignored. Of the communes so found, those read from the most
parts win, then those whose district was among them; a district typed with the wrong type
("TX" for "TP") is accepted only if nothing matched otherwise. Every remaining candidate is
returned, never a guess: the successors of a split commune, communes of the same name, and
a 2025 name that was also the name of an old commune now elsewhere (234 cases, e.g. "Phường
Văn Miếu - Quốc Tử Giám", whose old namesake went partly to Ô Chợ Dừa) yields both.

Cost (measured on the 10,035 old communes typed in full, abbreviated, unaccented in capitals
and without commas): about 0.8 s to build the tables on first use, 0.07-0.2 ms per uncached
call, under 3 µs per cached call; every old commune typed in full resolves to itself.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from vietnam_provinces import Province, Ward

from lienhe213.core.text import fold

PROVINCE_CODE_WIDTH = 2
COMMUNE_CODE_WIDTH = 5

# Canonical type keys, as they start the package's keywords ("phuongtranphu").
_COMMUNE_KINDS = frozenset({"phuong", "xa", "thitran", "dackhu"})
_DISTRICT_KINDS = frozenset({"quan", "huyen", "thixa", "thanhpho"})
_PROVINCE_KINDS = frozenset({"tinh", "thanhpho"})
_ALL_KINDS = ("thitran", "thixa", "thanhpho", "dackhu", "phuong", "huyen", "quan", "tinh", "xa")

# What may start a folded part, longest first, and the type it stands for.
_ABBREVIATIONS = {
    "thi tran": "thitran",
    "thi xa": "thixa",
    "thanh pho": "thanhpho",
    "dac khu": "dackhu",
    "phuong": "phuong",
    "huyen": "huyen",
    "quan": "quan",
    "tinh": "tinh",
    "xa": "xa",
    "t.t": "thitran",
    "t.x": "thixa",
    "t.p": "thanhpho",
    "tt": "thitran",
    "tx": "thixa",
    "tp": "thanhpho",
    "ph": "phuong",
    "p": "phuong",
    "x": "xa",
    "q": "quan",
    "h": "huyen",
    "t": "tinh",
}
_TYPE_PREFIX = re.compile(
    r"^(?P<kind>"
    + "|".join(re.escape(a) for a in sorted(_ABBREVIATIONS, key=len, reverse=True))
    + r")(?:\s*\.\s*|\s+|(?=\d))(?P<rest>\S.*)$"
)
# Words that open a part when the text has no commas, tried in three rounds: abbreviations;
# then "phường", "xã"... when spelt so ("Xá", "Quan" occur in names); then unaccented.
_MARKER_ABBREVIATIONS = frozenset(
    {
        "p.",
        "ph.",
        "x.",
        "q.",
        "h.",
        "t.",
        "tt",
        "tt.",
        "t.t.",
        "tx",
        "tx.",
        "t.x.",
        "tp",
        "tp.",
        "t.p.",
    }
)
_MARKER_TYPE_WORDS = frozenset({"phường", "xã", "quận", "huyện", "tỉnh"})
_MARKER_UNACCENTED = frozenset({"phuong", "xa", "quan", "huyen", "tinh"})
_MARKER_PAIRS = frozenset({("thi", "tran"), ("thi", "xa"), ("thanh", "pho"), ("dac", "khu")})
_COUNTRY = frozenset({"vietnam", "vn"})

# Province names that spreadsheets use but the package does not know.
_PROVINCE_ALIASES = {"thanhphohue": ("thuathienhue",), "thanhphohochiminh": ("saigon", "tphcm")}

# Older and newer tone placement ("Hoà" / "Hòa") compare equal in accented keys.
_OLD_TONES = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}  # fmt: skip
_OLD_TONES_RE = re.compile("|".join(_OLD_TONES))


@dataclass(frozen=True)
class Resolution:
    """What an old address resolves to in the 2025 map."""

    text: str  # what was typed
    new_codes: tuple[str, ...]  # 5-digit codes of the 2025 commune(s), sorted; () if not found
    old_name: str  # the old commune(s) recognised, "; "-separated; "" if none

    @property
    def is_unique(self) -> bool:
        return len(self.new_codes) == 1

    @property
    def is_split(self) -> bool:
        """Several candidates: an old commune split between new ones, or an ambiguous name."""
        return len(self.new_codes) > 1

    @property
    def is_unknown(self) -> bool:
        return not self.new_codes


@dataclass(frozen=True)
class _Commune:
    """A unit a part of the text may name: a pre-2025 commune or a 2025 commune."""

    name: str  # old: "Phường Trần Phú, Thành phố Hà Giang, Tỉnh Hà Giang"; new: "Phường Hà Giang 1"
    is_old: bool
    kind: str  # "phuong", "xa", "thitran", "dackhu" (or "huyen" for the old island districts)
    accented: str  # accented key of the name without its type
    new_codes: tuple[str, ...]
    new_province: str  # 2-digit code of the 2025 province
    districts: frozenset[tuple[str, str]]  # (kind, key) of the old district(s) it belongs to
    provinces: frozenset[str]  # keys of the old and new province names


@dataclass(frozen=True)
class _Data:
    communes: dict[str, tuple[_Commune, ...]]  # name key -> communes
    old_of_new: dict[str, tuple[str, ...]]  # 2025 code -> old commune names


@dataclass(frozen=True)
class _Part:
    readings: tuple[tuple[str | None, str], ...]  # (type or None, name key)
    accented: tuple[str, ...]  # accented keys of the readings' names, same order


# ---------------------------------------------------------------- normalisation


def _key(text: str) -> str:
    """Unaccented key: "Phường 05" -> "phuong5", "Cư M’gar" -> "cumgar"."""
    key = re.sub(r"[^a-z0-9]", "", fold(text))
    return re.sub(r"(?<![0-9])0+(?=[0-9])", "", key)


def _accented_key(text: str) -> str:
    """Accented key: "Sa Pả" -> "sapả" (differs from "Sa Pa"), "Hoà" == "Hòa"."""
    lowered = unicodedata.normalize("NFC", text.lower()).replace("ð", "đ")
    lowered = _OLD_TONES_RE.sub(lambda m: _OLD_TONES[m.group()], lowered)
    key = re.sub(r"[\W_]", "", lowered)
    return re.sub(r"(?<![0-9])0+(?=[0-9])", "", key)


def _kind_of(name: str) -> tuple[str, str]:
    """("Thị trấn Đồng Văn") -> ("thitran", "Đồng Văn")."""
    words = name.split()
    for size in (2, 1):
        head = _key(" ".join(words[:size]))
        if head in _ALL_KINDS and len(words) > size:
            return head, " ".join(words[size:])
    return "", name


def _parse_part(raw: str) -> _Part | None:
    folded = fold(raw)
    if not folded or _key(folded) in _COUNTRY:
        return None
    readings: list[tuple[str | None, str]] = []
    accented: list[str] = []
    match = _TYPE_PREFIX.match(folded)
    if match:
        rest = match.group("rest")
        readings.append((_ABBREVIATIONS[match.group("kind")], _key(rest)))
        # The same number of words from the end of the original text is the name.
        n_words = len(rest.split())
        accented.append(_accented_key(" ".join(raw.split()[-n_words:])))
    # The whole part as a name: "Phương Thiện" is not "Phường Thiện".
    readings.append((None, _key(folded)))
    accented.append(_accented_key(raw))
    return _Part(tuple(readings), tuple(accented))


def _split_commas(text: str) -> list[str]:
    return [p for p in re.split(r"[,;\n]+", text) if p.strip()]


def _is_marker(words: list[str], i: int, level: int) -> bool:
    word = words[i]
    folded = fold(word)
    following = fold(words[i + 1]) if i + 1 < len(words) else ""
    return (
        folded in _MARKER_ABBREVIATIONS
        or (folded, following) in _MARKER_PAIRS
        or (level >= 1 and unicodedata.normalize("NFC", word.lower()) in _MARKER_TYPE_WORDS)
        or (level >= 2 and word.isascii() and folded in _MARKER_UNACCENTED)
    )


def _split_loose(text: str, level: int) -> list[str]:
    """Split also at " - " and before type words, for texts typed without commas."""
    parts: list[str] = []
    for chunk in _split_commas(text):
        # " - " separates parts only after the first round: "Phan Rang - Tháp Chàm".
        for piece in re.split(r"\s+[-–]\s+", chunk) if level else [chunk]:
            words = re.sub(r"\.(?=\S)", ". ", piece).split()
            current: list[str] = []
            previous_marker = False
            for i, word in enumerate(words):
                is_marker = _is_marker(words, i, level)
                if is_marker and current and not previous_marker:
                    parts.append(" ".join(current))
                    current = []
                current.append(word)
                # "huyện Quan Hóa": a type word right after another is part of the name;
                # the second word of a pair ("thị xã") is part of the marker.
                previous_marker = is_marker or (
                    i > 0 and (fold(words[i - 1]), fold(word)) in _MARKER_PAIRS
                )
            if current:
                parts.append(" ".join(current))
    return parts


def _splits(text: str) -> Iterator[list[str]]:
    """Ways to cut ``text`` into parts, most careful first (computed only when needed)."""
    yield _split_commas(text)
    for level in range(3):
        yield _split_loose(text, level)


# ---------------------------------------------------------------- data


def data_dir() -> Path:
    """The package's data folder (``dataset.db``, ``converter_2025.json``...)."""
    return _data_dir()


def new_ward_codes(rows: list[sqlite3.Row]) -> dict[tuple[str, str], str]:
    """The package's 2025 communes (``admin_units`` rows) -> ``vietnam-provinces`` codes."""
    return _new_ward_codes(rows)


def _data_dir() -> Path:
    # find_spec of a top-level package does not import it (its __init__ loads everything).
    spec = find_spec("vietnamadminunits")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("vietnamadminunits")
    return Path(spec.origin).parent / "data"


def _names(words: Iterable[str], kinds: Iterable[str]) -> set[str]:
    """The package's keywords without their typed forms: "phuongtranphu", "tranphu" -> "tranphu".

    A keyword is a typed form only if it is a type followed by another keyword: "xaphien"
    (Xã Xà Phiên's short form) stays, it is not "Xã Phiên".
    """
    keys = {_key(w) for w in words if w}
    return {k for k in keys if not any(k.startswith(t) and k[len(t) :] in keys for t in kinds)}


def _keywords(value: str | None, kinds: Iterable[str]) -> set[str]:
    return _names(json.loads(value) if value else [], kinds)


def _new_ward_codes(rows: list[sqlite3.Row]) -> dict[tuple[str, str], str]:
    """(package province key, package ward key) -> vietnam-provinces commune code, by name."""
    by_accented: dict[tuple[int, str], list[int]] = defaultdict(list)
    by_key: dict[tuple[int, str], list[int]] = defaultdict(list)
    for ward in Ward.iter_all():
        province = int(ward.province_code)
        by_accented[(province, _accented_key(str(ward.name)))].append(int(ward.code))
        by_key[(province, _key(str(ward.name)))].append(int(ward.code))
    codes: dict[tuple[str, str], str] = {}
    for row in rows:
        province = int(row["provinceCode"])
        found = by_accented.get((province, _accented_key(row["ward"])), [])
        if len(found) != 1:
            found = by_key.get((province, _key(row["ward"])), [])
        if len(found) == 1:
            codes[(row["provinceKey"], row["wardKey"])] = str(found[0]).zfill(COMMUNE_CODE_WIDTH)
    return codes


@lru_cache(maxsize=1)
def _data() -> _Data | None:
    """The tables, built once (about 0.8 s); None, also cached, if they cannot be read."""
    try:
        return _build()
    except Exception:
        return None


def _build() -> _Data:
    directory = _data_dir()
    converter: dict[str, Any] = json.loads((directory / "converter_2025.json").read_text("utf-8"))
    parser: dict[str, Any] = json.loads((directory / "parser_legacy.json").read_text("utf-8"))
    connection = sqlite3.connect(f"file:{directory / 'dataset.db'}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        new_rows = connection.execute(
            "SELECT provinceKey, provinceCode, provinceKeywords, ward, wardKey FROM admin_units"
        ).fetchall()
        old_rows = connection.execute(
            "SELECT province, provinceKey, provinceKeywords, district, districtKey,"
            " districtKeywords, ward, wardKey, wardKeywords FROM admin_units_legacy"
        ).fetchall()
    finally:
        connection.close()

    # 2025 provinces: package key -> code; names (package keywords and vietnam-provinces).
    new_province_code: dict[str, str] = {}
    province_names: dict[str, set[str]] = defaultdict(set)  # 2025 code -> name keys
    for row in new_rows:
        code = str(int(row["provinceCode"])).zfill(PROVINCE_CODE_WIDTH)
        new_province_code[row["provinceKey"]] = code
        province_names[code] |= _keywords(row["provinceKeywords"], _PROVINCE_KINDS)
    for unit in Province.iter_all():
        code = str(int(unit.code)).zfill(PROVINCE_CODE_WIDTH)
        province_names[code].add(_key(_kind_of(str(unit.name))[1]))
    old_province_new: dict[str, str] = {
        old: new_province_code[new]
        for new, olds in converter["DICT_PROVINCE"].items()
        for old in olds
    }

    # Old provinces: their names, and the names of the 2025 province they went into.
    old_province_names: dict[str, set[str]] = defaultdict(set)
    for row in old_rows:
        if row["provinceKey"] not in old_province_names:
            names = _keywords(row["provinceKeywords"], _PROVINCE_KINDS)
            for alias in _PROVINCE_ALIASES.get(row["provinceKey"], ()):
                names.add(alias)
            old_province_names[row["provinceKey"]] = names
    # An old commune is in its old province or its 2025 province, not in the other old
    # provinces merged with it ("Châu Thành, Trà Vinh" is not the one of Bến Tre).
    old_provinces = {
        old: frozenset(names | province_names[old_province_new[old]])
        for old, names in old_province_names.items()
    }

    # Old districts, with the names of older districts that were divided between them.
    divided: dict[tuple[str, str], set[str]] = defaultdict(set)
    for province_key, by_name in parser["DICT_PROVINCE_DISTRICT_DIVIDED"].items():
        for entry in by_name.values():
            names = _names(entry["dividedDistrictKeywords"], _DISTRICT_KINDS)
            for district_key in entry["districts"]:
                divided[(province_key, district_key)] |= names

    # Old key -> 2025 codes.
    ward_code = _new_ward_codes(new_rows)
    successors: dict[str, list[str]] = defaultdict(list)
    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, olds in wards.items():
            for old in olds:
                if (province_key, ward_key) in ward_code:
                    successors[old].append(ward_code[(province_key, ward_key)])
    for province_key, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            for new in news:
                if (province_key, new["newWardKey"]) in ward_code:
                    successors[old].append(ward_code[(province_key, new["newWardKey"])])

    communes: dict[str, list[_Commune]] = defaultdict(list)
    old_of_new: dict[str, list[str]] = defaultdict(list)
    new_districts: dict[str, set[tuple[str, str]]] = defaultdict(set)
    new_provinces: dict[str, set[str]] = defaultdict(set)
    for row in old_rows:
        old_key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"
        codes = tuple(sorted(set(successors.get(old_key, ()))))
        # Types and short names are taken from the full names: the package's wardType is
        # wrong for a few ("Thị trấn Ngọc Lặc": "Xã") and some short names carry a
        # disambiguation ("Mường Tè (Xã)").
        district_kind = _kind_of(row["district"])[0]
        district_names = _keywords(row["districtKeywords"], _DISTRICT_KINDS)
        district_names |= divided.get((row["provinceKey"], row["districtKey"]), set())
        districts = frozenset((district_kind, n) for n in district_names)
        code = old_province_new[row["provinceKey"]]
        if row["ward"]:
            name = f"{row['ward']}, {row['district']}, {row['province']}"
            kind, short = _kind_of(row["ward"])
            names = _keywords(row["wardKeywords"], _COMMUNE_KINDS)
            # The package leaves out short names that fold like another unit's ("Thiệu
            # Hòa", "Thiệu Hóa"); the accented comparison tells them apart here.
            names.add(_key(short))
            own_districts = districts
        else:  # the island districts had no communes
            name = f"{row['district']}, {row['province']}"
            kind = district_kind
            names = district_names
            short = _kind_of(row["district"])[1]
            own_districts = frozenset()
        commune = _Commune(
            name=name,
            is_old=True,
            kind=kind,
            accented=_accented_key(short),
            new_codes=codes,
            new_province=code,
            districts=own_districts,
            provinces=old_provinces[row["provinceKey"]],
        )
        for key in names:
            communes[key].append(commune)
        for new_code in codes:
            old_of_new[new_code].append(name)
            new_districts[new_code] |= districts
            new_provinces[new_code] |= old_provinces[row["provinceKey"]]

    for ward in Ward.iter_all():
        code = str(int(ward.code)).zfill(COMMUNE_CODE_WIDTH)
        in_province = str(int(ward.province_code)).zfill(PROVINCE_CODE_WIDTH)
        kind, short = _kind_of(" ".join(str(ward.name).split()))
        commune = _Commune(
            name=" ".join(str(ward.name).split()),
            is_old=False,
            kind=kind,
            accented=_accented_key(short),
            new_codes=(code,),
            new_province=in_province,
            # "Phường Hà Giang 1, TP Hà Giang": the old districts it was made from are accepted.
            districts=frozenset(new_districts.get(code, ())),
            # Its 2025 province, or the old province(s) of the communes it was made from.
            provinces=frozenset(province_names[in_province] | new_provinces.get(code, set())),
        )
        communes[_key(short)].append(commune)

    return _Data(
        communes={key: tuple(found) for key, found in communes.items()},
        old_of_new={code: tuple(names) for code, names in old_of_new.items()},
    )


# ---------------------------------------------------------------- matching


_Score = tuple[int, int]  # (parts read after the commune, 1 if one was its district)


def _explains(commune: _Commune, part: _Part, *, strict: bool) -> int:
    """2 if ``part`` is the district of ``commune``, 1 if its province, 0 if neither."""
    province = False
    for kind, key in part.readings:
        if kind is None or not strict:
            if any(name == key for _, name in commune.districts):
                return 2
        elif kind in _DISTRICT_KINDS and (kind, key) in commune.districts:
            return 2
        if (kind is None or kind in _PROVINCE_KINDS) and key in commune.provinces:
            province = True
    return 1 if province else 0


def _candidates(parts: list[_Part], data: _Data, *, strict: bool) -> list[tuple[_Score, _Commune]]:
    """Every (score, commune) where a part names the commune and the parts after it fit."""
    found: list[tuple[_Score, _Commune]] = []
    for index, part in enumerate(parts):
        rest = parts[index + 1 :]
        scores: dict[int, tuple[_Score, _Commune]] = {}
        exact: set[int] = set()
        for (kind, key), accented in zip(part.readings, part.accented, strict=True):
            for commune in data.communes.get(key, ()):
                if kind is not None and commune.kind != kind:
                    continue
                if id(commune) not in scores:
                    levels = [_explains(commune, later, strict=strict) for later in rest]
                    if not all(levels):
                        continue
                    scores[id(commune)] = ((len(rest), int(2 in levels)), commune)
                if commune.accented == accented:
                    exact.add(id(commune))
        matches = list(scores.values())
        # "Sa Pả" typed with its diacritics is not "Sa Pa"; without them it may be either.
        if exact and len(exact) < len(matches) and not part.accented[-1].isascii():
            matches = [scores[i] for i in scores if i in exact]
        found.extend(matches)
    return found


def _choose(found: list[tuple[_Score, _Commune]], province_code: str | None) -> list[_Commune]:
    if province_code:
        inside = [(score, c) for score, c in found if c.new_province == province_code]
        # Outside the given province only when the text itself named a district or province.
        found = inside or [(score, c) for score, c in found if score[0] > 0]
    if not found:
        return []
    best = max(score for score, _ in found)
    chosen: list[_Commune] = []
    for score, commune in found:
        if score == best and commune not in chosen:
            chosen.append(commune)
    return chosen


def _resolve(text: str, province_code: str | None) -> Resolution:
    data = _data()
    chosen: list[_Commune] = []
    if data is None:
        return Resolution(text=text, new_codes=(), old_name="")
    tried: list[list[str]] = []
    for split in _splits(text):
        if split in tried:
            continue
        tried.append(split)
        parts = [p for p in (_parse_part(raw) for raw in split) if p is not None]
        if not parts:
            break
        for strict in (True, False):
            chosen = _choose(_candidates(parts, data, strict=strict), province_code)
            if chosen:
                break
        if chosen:
            break
    codes = tuple(sorted({code for commune in chosen for code in commune.new_codes}))
    old_names = dict.fromkeys(c.name for c in chosen if c.is_old)
    return Resolution(text=text, new_codes=codes, old_name="; ".join(old_names))


@lru_cache(maxsize=8192)
def _resolve_cached(normalised: str, province_code: str | None) -> Resolution:
    try:
        return _resolve(normalised, province_code)
    except Exception:  # a malformed row or a missing data file must not stop an import
        return Resolution(text=normalised, new_codes=(), old_name="")


def resolve_commune(text: str, *, province_code: str | None = None) -> Resolution:
    """Resolve a commune typed before July 2025 (or a 2025 name) to its 2025 code(s).

    ``province_code`` (the 2-digit 2025 code, e.g. "08" for Tuyên Quang) narrows names
    shared across the country to that province, i.e. to the old provinces merged into it;
    a commune elsewhere is kept only if the text itself names its district or province.
    When an old commune was split, or the name is ambiguous, every candidate code is
    returned (``is_split``); the caller asks the user to choose.

    Results are memoised on the case- and space-folded text (diacritics are kept: they tell
    "Sa Pa" from "Sa Pả") and the province code. Never raises.
    """
    try:
        normalised = " ".join(unicodedata.normalize("NFC", text).lower().split())
        code = province_code.strip().zfill(PROVINCE_CODE_WIDTH) if province_code else None
        result = _resolve_cached(normalised, code)
    except Exception:
        return Resolution(text=text if isinstance(text, str) else "", new_codes=(), old_name="")
    return dataclasses.replace(result, text=text)


def old_communes_of(new_code: str) -> list[str]:
    """Names of the pre-2025 communes that became (wholly or partly) the 2025 commune."""
    try:
        data = _data()
        if data is None:
            return []
        return list(data.old_of_new.get(new_code.strip().zfill(COMMUNE_CODE_WIDTH), ()))
    except Exception:
        return []
