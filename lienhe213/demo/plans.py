"""What a demo preset contains, computed in Python before anything is written.

A ``Plan`` lists the organizations (parents before children), the communities and the
members of a preset as plain records. It is a pure function of the preset and the seed,
so two runs give the same plan; ``loader`` then writes it to the database in bulk.

``hagiang-2023`` reproduces the Hà Giang provincial party organization of 2023 (844
grassroots organizations, 73,587 members, 33,585 working members with an active link to
their residence at the end of 2023; ``book`` adds the members introduced since and the
few hundred outside that loop: exempt, not yet classified, letters returned) on the
administrative units of its day:
the province, its eleven districts with their committees and its 193 communes. Its
``reform`` is the 1 July 2025 restructuring, which the loader applies through the
services (``demo.reform``): Hà Giang's committee merges into that of Tuyên Quang, the
districts end, the communes merge into the 2025 ones. ``small`` is drawn on the 2025
units directly. Names of agencies follow the real ones; people, villages and counts
below the grassroots level are invented.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from vietnam_provinces import Ward

from lienhe213.demo.people import Person, PersonFactory, words
from lienhe213.organizations.units import (
    OldCommune,
    commune_code,
    pre_2025_code,
    pre_2025_communes,
)

PROVINCE_CODE = "08"  # Tuyên Quang, which absorbed Hà Giang on 1 July 2025
HA_GIANG_1 = "00694"  # Phường Hà Giang 1 (the small preset's ward)
HA_GIANG_2 = "00691"
ROOT_NAME = "Đảng bộ tỉnh Tuyên Quang"
ORG_VALID_FROM = datetime.date(2020, 1, 2)
DEFAULT_SEED = 213

AGENCIES_OF_THE_PARTY = "Đảng bộ các cơ quan Đảng tỉnh"
PEOPLES_COMMITTEE = "Đảng bộ UBND tỉnh"
POLICE = "Đảng bộ Công an tỉnh"
ARMY = "Đảng bộ Quân sự tỉnh"
BORDER_GUARD = "Đảng bộ Bộ đội Biên phòng tỉnh"
EDUCATION = "Sở Giáo dục và Đào tạo"


@dataclass
class OrgSpec:
    """One organization to create; ``parent`` and ``community`` are list indexes."""

    name: str
    kind: str
    side: str
    parent: int | None
    commune: str = ""  # administrative unit code
    community: int | None = None
    agency: str = ""  # the workplace its members work at
    home_commune: str = ""  # where most of its members live


@dataclass
class CommunitySpec:
    commune: str
    name: str
    kind: str


@dataclass
class MemberSpec:
    person: Person
    organization: int
    employment: str
    workplace_name: str
    residence_commune: str
    residence_community: int | None
    residence_address: str


@dataclass
class ReformSpec:
    """The 1 July 2025 restructuring that a preset built on the pre-2025 tree applies
    through the services once its rows are written (``demo.reform``).

    ``province_name`` is the committee founded that day (in ``province_unit``) into which
    the old provincial committee merges; ``communes`` the 2025 communes whose committees
    are founded; ``successor`` maps each old commune committee (plan index) to the 2025
    commune that takes it over, and ``community_successor`` the communities (plan
    indexes) of a split commune that go to another one; ``renames`` are committees
    renamed that day (old name -> new name)."""

    on: datetime.date
    province_name: str
    province_unit: str
    communes: list[tuple[str, str, str]]
    successor: dict[int, str]
    community_successor: dict[int, str]
    renames: dict[str, str] = field(default_factory=dict)


@dataclass
class Plan:
    preset: str
    seed: int
    organizations: list[OrgSpec] = field(default_factory=list)
    communities: list[CommunitySpec] = field(default_factory=list)
    members: list[MemberSpec] = field(default_factory=list)
    # Indexes of the organizations the demo accounts are attached to.
    demo_commune_committee: int = -1
    demo_residential_cell: int = -1
    demo_workplace_committee: int = -1
    demo_working_member: int = -1
    # How far back the activity reaches: years of residence meetings before ``today``,
    # and the first year with a (complete) comment campaign (None: last year only).
    # Set for a preset built on the pre-2025 tree: the 2025 restructuring to apply.
    reform: ReformSpec | None = None
    meeting_years: int = 2
    # How the residential cells tend to rate members (``comment_plan.STANDING`` if None).
    standing: dict[str, float] | None = None
    first_campaign_year: int | None = None

    def add_org(self, spec: OrgSpec) -> int:
        self.organizations.append(spec)
        return len(self.organizations) - 1

    def add_community(self, spec: CommunitySpec) -> int:
        self.communities.append(spec)
        return len(self.communities) - 1


# --- names of places and agencies -------------------------------------------------

_VILLAGE_FIRST = words(
    "Lũng Séo Sủng Mã Pả Khai Chải Phìn Tả Nà Bản Khuổi Lùng Nậm Cốc Pù Sà Há Tìa "
    "Sảng Lao Xín Thèn Ngàm Phiêng Mốc Hồ Vần Chúng Phố Làng Thâm Mào Đông Tân"
)
_VILLAGE_SECOND = words(
    "Cú Lủng Phìn Chải Sán Tủng Chư Pả Lũng Tông Khá Chá Pao Mào Sảng Dìn Vải Hồ Sáng "
    "Thầu Lìn Pồng Chang Đỏ Then Mè Cáy Coóc Luông Nưa Thượng Hạ Trung Mới"
)


def _village_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"Thôn {rng.choice(_VILLAGE_FIRST)} {rng.choice(_VILLAGE_SECOND)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _short_name(commune_name: str) -> str:
    """ "Xã Lũng Cú" -> "Lũng Cú"; "Phường Hà Giang 1" -> "Hà Giang 1"."""
    for prefix in ("Phường ", "Xã ", "Đặc khu ", "Thị trấn "):
        if commune_name.startswith(prefix):
            return commune_name[len(prefix) :]
    return commune_name


def _committee_name(commune_name: str) -> str:
    """ "Xã Lũng Cú" -> "Đảng bộ xã Lũng Cú"."""
    kind, _sep, rest = commune_name.partition(" ")
    return f"Đảng bộ {kind.lower()} {rest}"


_CELLS_BY_CATEGORY = {
    "agency": ["Văn phòng", "Phòng Tổng hợp", "Phòng Nghiệp vụ", "Phòng Tổ chức - Hành chính"],
    "department": [
        "Văn phòng Sở",
        "Phòng Kế hoạch - Tài chính",
        "Phòng Tổ chức cán bộ",
        "Thanh tra Sở",
        "Phòng Nghiệp vụ",
        "Trung tâm trực thuộc",
    ],
    "school": ["Tổ Tự nhiên", "Tổ Xã hội", "Tổ Văn phòng"],
    "hospital": [
        "Khoa Nội",
        "Khoa Ngoại",
        "Khoa Sản",
        "Khoa Nhi",
        "Khoa Khám bệnh",
        "Khoa Hồi sức cấp cứu",
        "Phòng Hành chính - Quản trị",
    ],
    "clinic": ["Khoa Khám bệnh", "Phòng Hành chính"],
    "enterprise": ["Văn phòng Công ty", "Phòng Kỹ thuật", "Phòng Kinh doanh", "Xí nghiệp"],
    "police": ["Đội Tổng hợp", "Đội Nghiệp vụ 1", "Đội Nghiệp vụ 2", "Đội Nghiệp vụ 3"],
    "army": ["Cơ quan", "Đại đội 1", "Đại đội 2", "Đại đội 3", "Trung đội trinh sát"],
}

# (category, relative size) — sizes are scaled so the preset's total comes out exact.
_SIZE = {
    "agency": 70.0,
    "department": 110.0,
    "school": 15.0,
    "hospital": 190.0,
    "clinic": 8.0,
    "enterprise": 60.0,
    "police": 90.0,
    "commune_police": 10.0,
    "army": 130.0,
    "border": 45.0,
}

_PARTY_AGENCIES = (
    "Văn phòng Tỉnh ủy",
    "Ban Tổ chức Tỉnh ủy",
    "Ủy ban Kiểm tra Tỉnh ủy",
    "Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "Ban Nội chính Tỉnh ủy",
    "Báo và Phát thanh, Truyền hình tỉnh",
    "Trường Chính trị tỉnh",
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
    "Hội Nông dân tỉnh",
    "Hội Liên hiệp Phụ nữ tỉnh",
    "Tỉnh đoàn",
    "Liên đoàn Lao động tỉnh",
    "Hội Cựu chiến binh tỉnh",
    "Văn phòng Đoàn đại biểu Quốc hội và HĐND tỉnh",
    "Tòa án nhân dân tỉnh",
    "Viện Kiểm sát nhân dân tỉnh",
    "Thi hành án dân sự tỉnh",
    "Hội Chữ thập đỏ tỉnh",
    "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh",
    "Hội Văn học Nghệ thuật tỉnh",
    "Hội Nhà báo tỉnh",
    "Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh",
)

_DEPARTMENTS = (
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Tư pháp",
    "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường",
    "Sở Công Thương",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Dân tộc và Tôn giáo",
    "Văn phòng UBND tỉnh",
    "Thanh tra tỉnh",
    "Ban Quản lý dự án đầu tư xây dựng tỉnh",
    "Kho bạc Nhà nước khu vực",
    "Thuế tỉnh",
    "Bảo hiểm xã hội tỉnh",
    "Thống kê tỉnh",
    "Ban Quản lý Công viên địa chất toàn cầu UNESCO Cao nguyên đá Đồng Văn",
    "Trung tâm Phục vụ hành chính công tỉnh",
)

_HOSPITALS = (
    "Bệnh viện Đa khoa tỉnh Hà Giang",
    "Bệnh viện Y dược cổ truyền tỉnh",
    "Bệnh viện Phục hồi chức năng tỉnh",
    "Bệnh viện Lao và Bệnh phổi tỉnh",
    "Bệnh viện Mắt tỉnh",
    "Bệnh viện Đa khoa khu vực Bắc Quang",
    "Bệnh viện Đa khoa khu vực Hoàng Su Phì",
    "Bệnh viện Đa khoa khu vực Yên Minh",
    "Trung tâm Kiểm soát bệnh tật tỉnh",
)

_ENTERPRISES = (
    "Công ty Điện lực Hà Giang",
    "Công ty Cổ phần Cấp thoát nước Hà Giang",
    "Công ty Cổ phần Môi trường đô thị Hà Giang",
    "Viettel Hà Giang",
    "VNPT Hà Giang",
    "Bưu điện tỉnh Hà Giang",
    "Agribank chi nhánh Hà Giang",
    "VietinBank chi nhánh Hà Giang",
    "BIDV chi nhánh Hà Giang",
    "Ngân hàng Chính sách xã hội chi nhánh Hà Giang",
    "Công ty TNHH MTV Xổ số kiến thiết Hà Giang",
    "Công ty TNHH MTV Lâm nghiệp Bắc Quang",
    "Công ty Cổ phần Thủy điện Hà Giang",
    "Công ty Cổ phần Xi măng Hà Giang",
    "Công ty Cổ phần Chè Hà Giang",
    "Công ty Cổ phần Du lịch Cao nguyên đá",
    "Công ty Cổ phần Xây dựng giao thông Hà Giang",
    "Công ty Cổ phần Khoáng sản Hà Giang",
)

_POLICE_UNITS = (
    "Phòng Tham mưu",
    "Phòng Cảnh sát hình sự",
    "Phòng An ninh chính trị nội bộ",
    "Phòng An ninh kinh tế",
    "Phòng Cảnh sát giao thông",
    "Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ",
    "Phòng Cảnh sát điều tra tội phạm về ma túy",
    "Phòng Cảnh sát quản lý hành chính về trật tự xã hội",
    "Phòng Cảnh sát cơ động",
    "Phòng Hậu cần",
    "Phòng Tổ chức cán bộ",
    "Trại tạm giam",
)

_ARMY_UNITS = (
    "Cơ quan Bộ Chỉ huy Quân sự tỉnh",
    "Trung đoàn 877",
    "Ban Chỉ huy Phòng thủ khu vực 1 - Hà Giang",
    "Ban Chỉ huy Phòng thủ khu vực 2 - Đồng Văn",
    "Ban Chỉ huy Phòng thủ khu vực 3 - Bắc Quang",
    "Ban Chỉ huy Phòng thủ khu vực 4 - Hoàng Su Phì",
    "Trường Quân sự tỉnh",
    "Tiểu đoàn Huấn luyện - Cơ động",
)

_BORDER_POSTS = (
    "Cơ quan Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
    "Đồn Biên phòng Lũng Cú",
    "Đồn Biên phòng Săm Pun",
    "Đồn Biên phòng Sơn Vĩ",
    "Đồn Biên phòng Phó Bảng",
    "Đồn Biên phòng Bạch Đích",
    "Đồn Biên phòng Thanh Thủy",
    "Đồn Biên phòng Xín Cái",
    "Đồn Biên phòng Nghĩa Thuận",
    "Đồn Biên phòng Thàng Tín",
    "Đồn Biên phòng Xín Mần",
    "Đồn Biên phòng Lao Chải",
)


@dataclass
class _Workplace:
    superior: str
    agency: str
    category: str
    home_commune: str


def _workplaces(
    communes: list[tuple[str, str, str]], total: int, city: tuple[str, str]
) -> list[_Workplace]:
    """Exactly ``total`` workplace grassroots organizations, schools filling the rest;
    the province's agencies sit in the two wards of ``city``."""
    codes = [code for code, _name, _type in communes]
    fixed: list[_Workplace] = []
    for i, name in enumerate(_PARTY_AGENCIES):
        fixed.append(_Workplace(AGENCIES_OF_THE_PARTY, name, "agency", city[i % 2]))
    for i, name in enumerate(_DEPARTMENTS):
        fixed.append(_Workplace(PEOPLES_COMMITTEE, name, "department", city[i % 2]))
    for i, name in enumerate(_HOSPITALS):
        fixed.append(_Workplace(PEOPLES_COMMITTEE, name, "hospital", codes[i * 7 % len(codes)]))
    for code, name, _type in communes:
        fixed.append(
            _Workplace(PEOPLES_COMMITTEE, f"Trạm Y tế {name.lower()[:1]}{name[1:]}", "clinic", code)
        )
    for i, name in enumerate(_ENTERPRISES):
        fixed.append(_Workplace(PEOPLES_COMMITTEE, name, "enterprise", city[i % 2]))
    for i, name in enumerate(_POLICE_UNITS):
        fixed.append(_Workplace(POLICE, name + " Công an tỉnh", "police", city[i % 2]))
    for code, name, _type in communes:
        fixed.append(
            _Workplace(POLICE, f"Công an {name.lower()[:1]}{name[1:]}", "commune_police", code)
        )
    for i, name in enumerate(_ARMY_UNITS):
        fixed.append(_Workplace(ARMY, name, "army", city[i % 2]))
    for i, name in enumerate(_BORDER_POSTS):
        fixed.append(_Workplace(BORDER_GUARD, name, "border", codes[i * 5 % len(codes)]))
    schools: list[_Workplace] = [
        _Workplace(PEOPLES_COMMITTEE, "Trường THPT Chuyên Hà Giang", "school", city[0]),
        _Workplace(PEOPLES_COMMITTEE, "Trường Phổ thông Dân tộc nội trú tỉnh", "school", city[1]),
    ]
    levels = (
        "Trường Mầm non",
        "Trường Tiểu học",
        "Trường THCS",
        "Trường THPT",
        "Trường Phổ thông Dân tộc bán trú THCS",
        "Trường Tiểu học và THCS",
    )
    for number in range(1, 6):
        for level in levels:
            for code, name, _type in communes:
                suffix = "" if number == 1 else f" số {number}"
                schools.append(
                    _Workplace(
                        PEOPLES_COMMITTEE, f"{level} {_short_name(name)}{suffix}", "school", code
                    )
                )
    return fixed + schools[: total - len(fixed)]


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), each at least 3."""
    floor = 3
    spare = total - floor * len(weights)
    scale = spare / sum(weights)
    shares = [w * scale for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[: spare - sum(counts)]:
        counts[i] += 1
    return [c + floor for c in counts]


# --- the builders --------------------------------------------------------------------


class _Builder:
    def __init__(
        self,
        preset: str,
        seed: int,
        *,
        root_name: str = ROOT_NAME,
        root_unit: str = PROVINCE_CODE,
    ) -> None:
        self.rng = random.Random(seed)
        self.plan = Plan(preset=preset, seed=seed)
        self.people = PersonFactory(self.rng)
        self.community_cells: dict[str, list[tuple[int, int]]] = {}  # commune -> (cell, comm.)
        self.commune_names: dict[str, str] = {}
        self.minority_share: dict[str, float] = {}
        self.superiors: dict[str, int] = {}
        self.superior_names: dict[str, str] = {}  # today's name -> the name of the plan's day
        self.superior_unit = root_unit
        self.root = self.plan.add_org(
            OrgSpec(root_name, "provincial_committee", "both", None, commune=root_unit)
        )

    def commune(
        self,
        code: str,
        name: str,
        division_type: str,
        communities: int,
        parent: int | None = None,
    ) -> int:
        """A commune committee (under ``parent``, the province by default) with one
        residential cell per community."""
        plan = self.plan
        is_ward = division_type == "phường"
        committee = plan.add_org(
            OrgSpec(
                _committee_name(name),
                "grassroots_committee",
                "residential",
                self.root if parent is None else parent,
                commune=code,
            )
        )
        self.commune_names[code] = name
        self.minority_share[code] = 0.15 if is_ward else 0.6
        if is_ward or division_type == "thị trấn":
            names = [f"Tổ dân phố {n}" for n in range(1, communities + 1)]
            kind = "residential_group"
        else:
            names = _village_names(self.rng, communities)
            kind = "village"
        cells = []
        for community_name in names:
            community = plan.add_community(CommunitySpec(code, community_name, kind))
            cell_name = "Chi bộ " + community_name[:1].lower() + community_name[1:]
            cell = plan.add_org(
                OrgSpec(
                    cell_name, "cell", "residential", committee, commune=code, community=community
                )
            )
            cells.append((cell, community))
        self.community_cells[code] = cells
        return committee

    def address(self, commune: str) -> str:
        name = self.commune_names[commune]
        return (
            self.people.street_address()
            if name.startswith("Phường")
            else (self.people.village_address())
        )

    def residents(self, commune: str, count: int) -> None:
        """Retired and not-working members of the residential cells of ``commune``."""
        cells = self.community_cells[commune]
        share = self.minority_share[commune]
        for _ in range(count):
            cell, community = self.people.choice(cells)
            person = self.people.person(minority_share=share)
            retired = person.birth_date.year <= 1965
            self.plan.members.append(
                MemberSpec(
                    person=person,
                    organization=cell,
                    employment="retired" if retired else "other",
                    workplace_name="",
                    residence_commune=commune,
                    residence_community=community,
                    residence_address=self.address(commune),
                )
            )

    def superior(self, name: str) -> int:
        if name not in self.superiors:
            self.superiors[name] = self.plan.add_org(
                OrgSpec(
                    self.superior_names.get(name, name),
                    "superior_committee",
                    "workplace",
                    self.root,
                    commune=self.superior_unit,
                )
            )
        return self.superiors[name]

    def workplace(self, wp: _Workplace, size: int, residence: Callable[[str], str]) -> int:
        """A workplace grassroots organization with ``size`` working members: a
        grassroots cell when small, else a grassroots committee with cells."""
        plan = self.plan
        parent = self.superior(wp.superior)
        if size < 30:
            grassroots = plan.add_org(
                OrgSpec(
                    "Chi bộ " + wp.agency,
                    "grassroots_cell",
                    "workplace",
                    parent,
                    agency=wp.agency,
                    home_commune=wp.home_commune,
                )
            )
            cells = [grassroots]
        else:
            grassroots = plan.add_org(
                OrgSpec(
                    "Đảng bộ " + wp.agency,
                    "grassroots_committee",
                    "workplace",
                    parent,
                    agency=wp.agency,
                    home_commune=wp.home_commune,
                )
            )
            names = list(_CELLS_BY_CATEGORY.get(wp.category, _CELLS_BY_CATEGORY["agency"]))
            wanted = max(3, min(12, size // 15))
            names += [f"Chi bộ số {n}" for n in range(len(names) + 1, wanted + 1)]
            cells = [
                plan.add_org(
                    OrgSpec(
                        name if name.startswith("Chi bộ") else f"Chi bộ {name}",
                        "cell",
                        "workplace",
                        grassroots,
                        agency=wp.agency,
                        home_commune=wp.home_commune,
                    )
                )
                for name in names[:wanted]
            ]
        for i in range(size):
            commune = residence(wp.home_commune)
            community = self.people.choice(self.community_cells[commune])[1]
            person = self.people.person(
                minority_share=self.minority_share[commune] * 0.6,
                born_in_ha_giang=self.people.random() < 0.85,
            )
            plan.members.append(
                MemberSpec(
                    person=person,
                    organization=cells[i % len(cells)],
                    employment="working",
                    workplace_name=wp.agency,
                    residence_commune=commune,
                    residence_community=community,
                    residence_address=self.address(commune),
                )
            )
        return grassroots


def _mark_demo_accounts(plan: Plan, committee: int, workplace: int) -> None:
    plan.demo_commune_committee = committee
    plan.demo_residential_cell = next(
        i for i, o in enumerate(plan.organizations) if o.parent == committee
    )
    plan.demo_workplace_committee = workplace
    cell_of = {
        i for i, o in enumerate(plan.organizations) if o.parent == workplace or i == workplace
    }
    plan.demo_working_member = next(
        i for i, m in enumerate(plan.members) if m.organization in cell_of
    )


def small(seed: int = DEFAULT_SEED) -> Plan:
    """One ward (Phường Hà Giang 1) with ten residential groups, a neighbouring ward
    with three, and a few workplace organizations of each type: a few hundred members,
    loads in about a second."""
    b = _Builder("small", seed)
    committee = b.commune(HA_GIANG_1, "Phường Hà Giang 1", "phường", 10)
    # A neighbouring ward, where some members lived before moving (the book's moves).
    b.commune(HA_GIANG_2, "Phường Hà Giang 2", "phường", 3)
    b.residents(HA_GIANG_1, 200)
    workplaces = [
        (_Workplace(PEOPLES_COMMITTEE, "Sở Giáo dục và Đào tạo", "department", HA_GIANG_1), 48),
        (_Workplace(AGENCIES_OF_THE_PARTY, "Văn phòng Tỉnh ủy", "agency", HA_GIANG_1), 15),
        (_Workplace(PEOPLES_COMMITTEE, "Trường THPT Chuyên Hà Giang", "school", HA_GIANG_1), 18),
        (_Workplace(PEOPLES_COMMITTEE, "Trạm Y tế phường Hà Giang 1", "clinic", HA_GIANG_1), 6),
        (_Workplace(PEOPLES_COMMITTEE, "Công ty Điện lực Hà Giang", "enterprise", HA_GIANG_1), 20),
        (_Workplace(POLICE, "Công an phường Hà Giang 1", "commune_police", HA_GIANG_1), 12),
        (_Workplace(ARMY, "Ban Chỉ huy Phòng thủ khu vực 1 - Hà Giang", "army", HA_GIANG_1), 31),
    ]
    created = [b.workplace(wp, size, lambda home: home) for wp, size in workplaces]
    first = created[0]
    _mark_demo_accounts(b.plan, committee, first)
    return b.plan


HAGIANG_GRASSROOTS = 844
# The province before 1 July 2025 (its GSO code) and the two wards of its city where the
# provincial agencies sit: Phường Trần Phú held 1,655 members under the regulation in
# 2023; with Minh Khai, Ngọc Hà and part of Quang Trung it became Phường Hà Giang 2.
HA_GIANG_PRE_2025 = "02"
OLD_ROOT_NAME = "Đảng bộ tỉnh Hà Giang"
TRAN_PHU = "pre2025-00691"
MINH_KHAI = "pre2025-00697"
REFORM_DAY = datetime.date(2025, 7, 1)
# Committees that bore another name before the restructuring (today's name -> then).
NAMES_BEFORE_REFORM = {AGENCIES_OF_THE_PARTY: "Đảng bộ Khối các cơ quan tỉnh"}
# Where the staff of the city's agencies live: shares chosen so that Phường Trần Phú holds
# about 1,655 linked members, as in 2023.
CITY_IN_WARD_1 = 0.0925
CITY_IN_WARD_2 = 0.08
AWAY_IN_WARD_1 = 0.01
HAGIANG_MEMBERS = 73_587
# Links active at the end of 2023 (``book.HAGIANG_SHAPE.active_then``).
HAGIANG_LINKED_MEMBERS = 33_585
# The working members of today: 1,600 more than the links of 2023 and those outside the
# loop (``book.HAGIANG_SHAPE.not_linked``), introduced since or with letters in progress.
HAGIANG_WORKING_MEMBERS = HAGIANG_LINKED_MEMBERS + 815 + 1_600


def _district_committee_name(district: str) -> str:
    """ "Huyện Bắc Mê" -> "Đảng bộ huyện Bắc Mê"; "Thành phố Hà Giang" -> "Đảng bộ thành
    phố Hà Giang"."""
    return f"Đảng bộ {district[:1].lower()}{district[1:]}"


def _reform(b: _Builder, old: list[OldCommune], committees: dict[str, int]) -> ReformSpec:
    """The 2025 restructuring of the plan's province: each old commune's committee goes to
    its main 2025 commune; the communities of a split commune are shared out among its
    successors in blocks, the main successor first."""
    new_communes = {
        commune_code(w.code): (commune_code(w.code), w.name, str(w.division_type.value))
        for w in Ward.iter_all()
    }
    wanted: dict[str, None] = {}
    successor: dict[int, str] = {}
    community_successor: dict[int, str] = {}
    for commune in old:
        codes = sorted(commune.successors, key=lambda c: (not commune.successors[c], c))
        wanted.update(dict.fromkeys(codes))
        successor[committees[commune.code]] = codes[0]
        if len(codes) > 1:
            cells = b.community_cells[commune.code]
            for n, (_cell, community) in enumerate(cells):
                share = codes[n * len(codes) // len(cells)]
                if share != codes[0]:
                    community_successor[community] = share
    return ReformSpec(
        on=REFORM_DAY,
        province_name=ROOT_NAME,
        province_unit=PROVINCE_CODE,
        communes=[new_communes[code] for code in wanted],
        successor=successor,
        community_successor=community_successor,
        renames={then: now for now, then in NAMES_BEFORE_REFORM.items()},
    )


def hagiang_2023(seed: int = DEFAULT_SEED) -> Plan:
    """The Hà Giang provincial party organization of 2023 (see module doc): its eleven
    district committees, 193 commune committees and 651 workplace grassroots
    organizations on the pre-2025 units, with the 2025 restructuring to apply."""
    b = _Builder(
        "hagiang-2023",
        seed,
        root_name=OLD_ROOT_NAME,
        root_unit=pre_2025_code(HA_GIANG_PRE_2025),
    )
    b.superior_names = dict(NAMES_BEFORE_REFORM)
    # The workplace superiors name no province: the pre-2025 one would outlive its end.
    b.superior_unit = ""
    rng = b.rng
    old = pre_2025_communes(HA_GIANG_PRE_2025)
    communes = [(c.code, c.name, c.division_type) for c in old]
    districts: dict[str, int] = {}
    committees: dict[str, int] = {}
    community_counts: dict[str, int] = {}
    for commune in old:
        if commune.district_code not in districts:
            districts[commune.district_code] = b.plan.add_org(
                OrgSpec(
                    _district_committee_name(commune.district_name),
                    "district_committee",
                    "both",
                    b.root,
                    commune=commune.district_code,
                )
            )
        if commune.code == TRAN_PHU:
            count = 30
        elif commune.division_type == "phường":
            count = rng.randint(14, 22)
        else:
            count = rng.randint(6, 16)
        community_counts[commune.code] = count
        committees[commune.code] = b.commune(
            commune.code,
            commune.name,
            commune.division_type,
            count,
            parent=districts[commune.district_code],
        )

    residential_total = HAGIANG_MEMBERS - HAGIANG_WORKING_MEMBERS
    city = (TRAN_PHU, MINH_KHAI)
    weights = [
        community_counts[code] * (2.2 if code in city else 1.0) * rng.uniform(0.8, 1.2)
        for code, _n, _t in communes
    ]
    for (code, _name, _type), count in zip(
        communes, _apportion(residential_total, weights), strict=True
    ):
        b.residents(code, count)

    workplaces = _workplaces(communes, HAGIANG_GRASSROOTS - len(communes), city)
    # The Department of Education is the demo workplace account's committee: make it
    # large enough to have cells of its own.
    sizes = _apportion(
        HAGIANG_WORKING_MEMBERS,
        [
            _SIZE[wp.category] * (2.0 if wp.agency == EDUCATION else rng.uniform(0.6, 1.4))
            for wp in workplaces
        ],
    )
    codes = [code for code, _n, _t in communes]

    def residence(home: str) -> str:
        draw = rng.random()
        if home in city:
            # Provincial agencies sit in the city; most of their people live there.
            if draw < CITY_IN_WARD_1:
                return TRAN_PHU
            return MINH_KHAI if draw < CITY_IN_WARD_1 + CITY_IN_WARD_2 else rng.choice(codes)
        if draw < 0.88:
            return home
        return TRAN_PHU if draw < 0.88 + AWAY_IN_WARD_1 else rng.choice(codes)

    education = -1
    for wp, size in zip(workplaces, sizes, strict=True):
        org = b.workplace(wp, size, residence)
        if wp.agency == EDUCATION:
            education = org
    _mark_demo_accounts(b.plan, committees[TRAN_PHU], education)
    b.plan.reform = _reform(b, old, committees)
    b.plan.meeting_years = 5
    b.plan.first_campaign_year = 2022
    # "Over 79 %" of the members set a good example in the province's 2022 review.
    b.plan.standing = {"strong": 0.735, "middle": 0.22, "weak": 0.045}
    return b.plan


PRESETS: dict[str, Callable[[int], Plan]] = {"small": small, "hagiang-2023": hagiang_2023}
