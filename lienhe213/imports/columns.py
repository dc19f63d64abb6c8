"""The columns each kind of import understands, as the header labels offices type.

Each ``*_COLUMNS`` maps a field name to its header aliases: the Vietnamese labels of
the forms in use (with diacritics, as typed) and the English labels of this app's own
exports. Headers and aliases are compared through ``fold_header``, so case, tone marks,
punctuation and line breaks inside a header cell do not matter ("Ngày,\\ntháng, năm
sinh" matches "Ngày tháng năm sinh"). The first alias of a field is the one that error
messages name.

Also here: the labels people type for an organization's kind and a tracking-book row's
category, and what they mean.
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from lienhe213.core.text import fold
from lienhe213.imports.cleaning import Cell, CellError, cell_text, interpolate


def fold_header(text: str) -> str:
    """The comparison key of a header label or alias: folded (lower case, no diacritics,
    đ → d), every character but letters and digits turned into a space, spaces
    collapsed. "Xã/phường" → "xa phuong", "Số CCCD/định danh" → "so cccd dinh danh"."""
    folded = fold(text)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


MEMBER_COLUMNS: dict[str, list[str]] = {
    "row_number": ["STT", "TT", "Số TT", "Số thứ tự", "No."],
    "full_name": ["Họ và tên", "Họ tên", "Họ và tên đảng viên", "Full name"],
    "birth_date": ["Ngày sinh", "Ngày tháng năm sinh", "Date of birth"],
    "gender": ["Giới tính", "Gender"],
    "gender_male": ["Nam", "Male"],
    "gender_female": ["Nữ", "Female"],
    "party_card_number": [
        "Số thẻ đảng viên",
        "Số thẻ",
        "Số thẻ Đảng",
        "Số thẻ ĐV",
        "Party card number",
    ],
    "citizen_id": [
        "Số CCCD",
        "CCCD",
        "Số định danh cá nhân",
        "Số định danh",
        "CCCD/Định danh",
        "Số CCCD/định danh",
        "Căn cước công dân",
        "Số căn cước",
        "Citizen ID",
    ],
    "joined_on": [
        "Ngày vào Đảng",
        "Ngày kết nạp",
        "Ngày kết nạp Đảng",
        "Date admitted to the Party",
    ],
    "official_on": [
        "Ngày chính thức",
        "Ngày công nhận chính thức",
        "Ngày công nhận đảng viên chính thức",
        "Date made official",
    ],
    "cell": ["Chi bộ", "Chi bộ sinh hoạt", "Party unit"],
    "community": [
        "Thôn/tổ",
        "Thôn, tổ dân phố",
        "Thôn, tổ dân phố nơi cư trú",
        "Residence community",
    ],
    "commune": ["Xã/phường", "Xã, phường nơi cư trú", "Residence commune"],
    "residence": ["Nơi cư trú", "Địa chỉ", "Nơi ở hiện nay", "Residence"],
    "residence_address": ["Số nhà, đường phố", "Residence address"],
    "phone": ["Điện thoại", "Số điện thoại", "SĐT", "ĐT", "Phone"],
    "workplace_name": ["Nơi công tác", "Cơ quan công tác", "Workplace"],
    "employment": ["Tình trạng công tác", "Employment"],
    "note": ["Ghi chú", "Note"],
}
MEMBER_REQUIRED = ("full_name", "birth_date")

ORGANIZATION_COLUMNS: dict[str, list[str]] = {
    "name": ["Tên tổ chức", "Tên", "Tổ chức đảng", "Tên tổ chức đảng", "Name"],
    "kind": ["Loại", "Loại hình", "Loại tổ chức", "Kind"],
    "parent": ["Trực thuộc", "Cấp trên", "Tổ chức cấp trên", "Parent organization"],
    "code": ["Mã", "Mã tổ chức", "Code"],
    "commune": ["Xã/phường", "Đơn vị hành chính", "Administrative unit"],
    "community": ["Thôn/tổ", "Thôn, tổ dân phố", "Community"],
}
ORGANIZATION_REQUIRED = ("name", "kind")

LINK_COLUMNS: dict[str, list[str]] = {
    "row_number": MEMBER_COLUMNS["row_number"],
    "full_name": MEMBER_COLUMNS["full_name"],
    "birth_date": MEMBER_COLUMNS["birth_date"],
    "citizen_id": MEMBER_COLUMNS["citizen_id"],
    "party_card_number": MEMBER_COLUMNS["party_card_number"],
    "workplace": [
        "Cơ quan",
        "Đơn vị công tác",
        "Đảng bộ cơ quan",
        "Nơi công tác",
        "Workplace committee",
    ],
    "category": ["Loại", "Diện", "Phân loại", "Category"],
    "letter_number": ["Số giấy giới thiệu", "Số giấy", "Số GGT", "Letter number"],
    "letter_date": ["Ngày giấy giới thiệu", "Ngày cấp", "Ngày ký", "Letter date"],
    "received_on": ["Ngày tiếp nhận", "Ngày nhận", "Date received"],
    "cell": ["Chi bộ", "Chi bộ nơi cư trú", "Residential cell"],
    "assigned_on": ["Ngày phân công", "Ngày giao chi bộ", "Date assigned"],
    "note": MEMBER_COLUMNS["note"],
}
LINK_REQUIRED = ("full_name", "letter_number")


def _label_key(value: Cell) -> str:
    """The folded label without what brackets hold ("Diện A (miễn sinh hoạt)")."""
    return fold_header(re.sub(r"\([^)]*\)", " ", cell_text(value)))


# --- organization kinds ---------------------------------------------------------------

PROVINCIAL = "provincial_committee"
DISTRICT = "district_committee"
SUPERIOR = "superior_committee"
GRASSROOTS_COMMITTEE = "grassroots_committee"
GRASSROOTS_CELL = "grassroots_cell"
CELL = "cell"
RESIDENTIAL = "residential"
WORKPLACE = "workplace"

# Residential communities, as a cell's kind label names them ("Chi bộ thôn").
_COMMUNITY_WORDS = (
    "thon",
    "to",
    "to dan pho",
    "ban",
    "khu",
    "khu pho",
    "khoi",
    "khoi pho",
    "khu dan cu",
    "ap",
    "buon",
    "xom",
    "lang",
    "thon to dan pho",
)
# Communes and wards: their committees are the residential grassroots committees.
_COMMUNE_WORDS = ("xa", "phuong", "thi tran", "dac khu", "xa phuong")

KIND_LABELS: dict[str, tuple[str, str | None]] = {
    "dang bo tinh": (PROVINCIAL, None),
    "dang bo cap tinh": (PROVINCIAL, None),
    "tinh uy": (PROVINCIAL, None),
    "dang bo huyen": (DISTRICT, None),
    "dang bo quan": (DISTRICT, None),
    "dang bo thi xa": (DISTRICT, None),
    "dang bo cap huyen": (DISTRICT, None),
    "huyen uy": (DISTRICT, None),
    "quan uy": (DISTRICT, None),
    "thi uy": (DISTRICT, None),
    "dang bo cap tren co so": (SUPERIOR, None),
    "dang uy cap tren co so": (SUPERIOR, None),
    "cap tren co so": (SUPERIOR, None),
    "dang bo khoi": (SUPERIOR, WORKPLACE),
    "dang uy khoi": (SUPERIOR, WORKPLACE),
    "dang bo co so": (GRASSROOTS_COMMITTEE, None),
    "dang uy co so": (GRASSROOTS_COMMITTEE, None),
    "dang bo co quan": (GRASSROOTS_COMMITTEE, WORKPLACE),
    "dang bo doanh nghiep": (GRASSROOTS_COMMITTEE, WORKPLACE),
    "chi bo co so": (GRASSROOTS_CELL, None),
    "chi bo co so co quan": (GRASSROOTS_CELL, WORKPLACE),
    "chi bo co so doanh nghiep": (GRASSROOTS_CELL, WORKPLACE),
    "chi bo": (CELL, None),
    "chi bo truc thuoc": (CELL, None),
    "chi bo co quan": (CELL, WORKPLACE),
    "chi bo doanh nghiep": (CELL, WORKPLACE),
    # A partial committee (đảng bộ bộ phận) groups cells inside a grassroots committee;
    # the tree has no level of its own for it, so it is a cell-level node with cells
    # under it.
    "dang bo bo phan": (CELL, None),
    **{f"dang bo {word}": (GRASSROOTS_COMMITTEE, RESIDENTIAL) for word in _COMMUNE_WORDS},
    **{f"dang uy {word}": (GRASSROOTS_COMMITTEE, RESIDENTIAL) for word in _COMMUNE_WORDS},
    **{f"chi bo {word}": (CELL, RESIDENTIAL) for word in _COMMUNITY_WORDS},
    # This app's own labels and values (an exported tree imported back).
    **{fold_header(kind): (kind, None) for kind in (PROVINCIAL, DISTRICT, SUPERIOR)},
    **{fold_header(kind): (kind, None) for kind in (GRASSROOTS_COMMITTEE, GRASSROOTS_CELL)},
    CELL: (CELL, None),
}

# A residential cell's name says which community it gathers: "Chi bộ thôn Nà Tông",
# "Chi bộ tổ 5", "Chi bộ khu phố 2". Matched with tone marks, because folding would
# confuse "bản" (hamlet) with "Ban" (a board: "Chi bộ Ban Tuyên giáo") and "tổ 5" with
# "Tổ chức"; a bare tổ/khu/khối counts only when a number follows.
_RESIDENTIAL_NAME = re.compile(
    r"^(chi bộ\s+)?(thôn|bản|ấp|buôn|bon|xóm|làng|sóc|tổ dân phố|khu phố|khối phố|khu dân cư"
    r"|(tổ|khu|khối|cụm)\s+(số\s+)?\d)"
)
_COMMUNE_NAME = re.compile(r"^(đảng bộ|đảng ủy|đảng uỷ)\s+(xã|phường|thị trấn|đặc khu)\b")


def parse_kind(label: Cell, *, name: str = "") -> tuple[str, str | None]:
    """(kind, side) of an organization from the kind label typed in the file, the side
    being None when neither the label nor the name says it.

    A commune or ward committee ("Đảng bộ xã", "Đảng bộ phường") is a residential
    grassroots committee, and so is a grassroots committee whose ``name`` names a
    commune or ward; a cell whose label or name names a village or residential group
    (thôn, tổ, bản, khu…) is residential; agency and enterprise committees are on the
    workplace side."""
    key = _label_key(label)
    if not key:
        raise CellError(_("the kind of organization is missing."))
    if key not in KIND_LABELS:
        raise CellError(
            interpolate(
                _(
                    "“%(value)s” is not a kind of organization; write, for example, "
                    "“Đảng bộ xã”, “Đảng bộ cơ sở”, “Chi bộ cơ sở” or “Chi bộ”."
                ),
                value=cell_text(label).strip(),
            )
        )
    kind, side = KIND_LABELS[key]
    if side is None and name:
        typed = " ".join(unicodedata.normalize("NFC", name).lower().split())
        pattern = {CELL: _RESIDENTIAL_NAME, GRASSROOTS_COMMITTEE: _COMMUNE_NAME}.get(kind)
        if pattern is not None and pattern.match(typed):
            side = RESIDENTIAL
    return kind, side


# --- tracking-book categories ---------------------------------------------------------

NORMAL = "normal"
CATEGORY_A = "a"
_CATEGORY_PREFIXES = ("", "loai ", "dien ", "category ")
CATEGORY_LABELS: dict[str, str] = {
    "normal": NORMAL,
    **{
        f"{prefix}{word}": NORMAL
        for prefix in _CATEGORY_PREFIXES
        for word in ("binh thuong", "thong thuong", "thuong")
    },
    **{f"{prefix}a": CATEGORY_A for prefix in _CATEGORY_PREFIXES},
}
_CATEGORY_B = {f"{prefix}b" for prefix in _CATEGORY_PREFIXES}


def parse_category(value: Cell) -> str:
    """ "normal" or "a" (category A: introduced, exempt from residence activities), from
    "Bình thường", "Thường", "Loại A", "Diện A", "A" or this app's own labels.

    An empty cell is "normal": tracking books mark only the exceptions. Category B
    members are exempt from being introduced, so they never have a tracking-book row;
    a B is refused with that explanation rather than imported as something else."""
    key = _label_key(value)
    if not key:
        return NORMAL
    if key not in CATEGORY_LABELS and key not in _CATEGORY_B:
        # This app's own labels explain after a colon: "Diện A: giới thiệu nhưng…".
        key = _label_key(re.split(r"[:–—]| - ", cell_text(value))[0])
    if key in CATEGORY_LABELS:
        return CATEGORY_LABELS[key]
    if key in _CATEGORY_B:
        raise CellError(
            _(
                "category B members are not introduced to their place of residence, so "
                "they have no row in a tracking book; remove the row or correct the "
                "category."
            )
        )
    raise CellError(
        interpolate(
            _("“%(value)s” is not a category; write “Bình thường” or “Loại A”."),
            value=cell_text(value).strip(),
        )
    )
