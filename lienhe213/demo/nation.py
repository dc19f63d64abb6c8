"""The whole country, generated as a stream: ``seed_demo --preset nation``.

34 provinces, their real communes (the administrative units of ``vietnam_provinces``),
residential cells (one per village or residential group), a workplace side per province
(superior committees, grassroots organizations and their cells), the members and the
residence links of the working members. At full scale that is about 60,000
organizations, 5.6 million members and 2.5 million links: too many to hold, so only the
organization tree (60,000 small records) lives in memory; members and links are
produced one province at a time by generators and written as they come
(``demo.nation_loader``).

Everything is drawn from ``random.Random`` objects seeded from the seed and the
province's position, so a seed and a scale always give the same rows. Identifiers are
unique by construction (a bijection of the member's number) rather than by remembering
the ones already drawn: a set of 5.6 million numbers would cost a gigabyte.
"""

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from lienhe213.demo.people import (
    _EPOCH,
    _KINH_FAMILY,
    _KINH_MIDDLE,
    _MINORITY_FAMILY,
    _MINORITY_MIDDLE,
    KINH_GIVEN_NAMES,
    MINORITY_GIVEN_NAMES,
    PHONE_PREFIXES,
    _email_stem,
)
from lienhe213.demo.plans import _committee_name, _village_names

# Full-scale sizes (``scale`` 1.0); communes are the real ones whatever the scale.
RESIDENTIAL_CELLS_PER_COMMUNE = (6, 16)  # a few villages or residential groups each
RESIDENTS_PER_COMMUNE = 935  # retired and not-working members, in the residential cells
WORKING_MEMBERS = 2_500_000  # each with a residence link
GRASSROOTS_PER_WORKING_MEMBER = 1 / 310  # about 8,000 workplace grassroots organizations
SMALL_GRASSROOTS_SHARE = 0.55  # grassroots cells (no cells below them)

SUPERIORS = (
    "Đảng bộ các cơ quan Đảng",
    "Đảng bộ Ủy ban nhân dân",
    "Đảng bộ Công an",
    "Đảng bộ Quân sự",
    "Đảng bộ Khối doanh nghiệp",
    "Đảng bộ Sở Giáo dục và Đào tạo",
)
AGENCIES = {
    "Đảng bộ các cơ quan Đảng": ("Ban Tổ chức", "Ban Tuyên giáo", "Ủy ban Kiểm tra", "Văn phòng"),
    "Đảng bộ Ủy ban nhân dân": (
        "Sở Tài chính",
        "Sở Nội vụ",
        "Sở Y tế",
        "Sở Xây dựng",
        "Sở Nông nghiệp và Môi trường",
        "Sở Tư pháp",
        "Sở Công Thương",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Khoa học và Công nghệ",
        "Bệnh viện Đa khoa",
        "Kho bạc Nhà nước khu vực",
        "Thuế tỉnh",
    ),
    "Đảng bộ Công an": ("Phòng Cảnh sát", "Phòng An ninh", "Công an khu vực"),
    "Đảng bộ Quân sự": ("Ban Chỉ huy Quân sự", "Trung đoàn", "Tiểu đoàn"),
    "Đảng bộ Khối doanh nghiệp": ("Công ty Điện lực", "Công ty Cấp nước", "Ngân hàng", "Bưu điện"),
    "Đảng bộ Sở Giáo dục và Đào tạo": (
        "Trường Trung học phổ thông",
        "Trường Trung học cơ sở",
        "Trường Tiểu học",
        "Trường Cao đẳng",
    ),
}

LINK_STATES = (("active", 0.90), ("assigned", 0.04), ("received", 0.03), ("issued", 0.03))
ORG_VALID_FROM = datetime.date(2025, 7, 1)  # the two-level local government
DATA_DATE = datetime.date(2025, 6, 30)
_BIRTH_DAYS = datetime.date(2000, 12, 31).toordinal() - _EPOCH + 1
_CARD_SPAN = 90_000_000  # eight-digit party card numbers, 10000000–99999999
_CARD_STEP = 48_271  # prime, coprime with the span: ``i -> i * step mod span`` is one-to-one
_CITIZEN_STEP = 7_919  # likewise for the six last digits of a citizen ID


@dataclass
class Org:
    id: int
    name: str
    kind: str
    side: str
    parent: "Org | None"
    path: str
    depth: int
    unit_id: int | None = None
    community_id: int | None = None


@dataclass
class Commune:
    unit_id: int
    name: str
    is_ward: bool
    committee: Org
    cells: list[tuple[Org, int]] = field(default_factory=list)  # (cell, community id)


@dataclass
class Province:
    number: int  # position among the 34, from 0
    code: str
    name: str
    unit_id: int
    root: Org
    communes: list[Commune] = field(default_factory=list)
    # Workplace cells and the grassroots organization that issues their letters.
    workplace_cells: list[tuple[Org, Org, str]] = field(default_factory=list)
    working: int = 0
    residents: int = 0


@dataclass
class Nation:
    seed: int
    scale: float
    provinces: list[Province] = field(default_factory=list)
    organizations: list[Org] = field(default_factory=list)
    communities: list[tuple[int, int, str, str]] = field(default_factory=list)  # id, unit…


def province_committee_name(unit_name: str) -> str:
    """ "Tỉnh Tuyên Quang" -> "Đảng bộ tỉnh Tuyên Quang"; "Thành phố Hà Nội" ->
    "Đảng bộ thành phố Hà Nội"."""
    for head in ("Thành phố ", "Tỉnh "):
        if unit_name.startswith(head):
            return f"Đảng bộ {head.lower()}{unit_name[len(head) :]}"
    return f"Đảng bộ {unit_name}"


def plan_nation(
    seed: int,
    scale: float,
    provinces: list[tuple[str, str, int, list[tuple[int, str, str]]]],
    *,
    first_org: int = 1,
    first_community: int = 1,
) -> Nation:
    """The organization tree and communities of the nation at ``scale``.

    ``provinces`` lists ``(code, name, unit id, communes)`` with ``communes`` as
    ``(unit id, name, division type)``, in code order. At a scale below 1 each province
    keeps that share of its communes (at least one) and of its workplace side.
    """
    nation = Nation(seed=seed, scale=scale)
    ids = iter(range(first_org, 10**12))
    community_ids = iter(range(first_community, 10**12))

    def add(name: str, kind: str, side: str, parent: Org | None, **extra: int | None) -> Org:
        org_id = next(ids)
        org = Org(
            id=org_id,
            name=name,
            kind=kind,
            side=side,
            parent=parent,
            path=f"{parent.path if parent else ''}{org_id}.",
            depth=parent.depth + 1 if parent else 0,
            **extra,
        )
        nation.organizations.append(org)
        return org

    all_communes = sum(len(p[3]) for p in provinces)
    for number, (code, name, unit_id, communes) in enumerate(provinces):
        rng = random.Random(f"{seed}-nation-tree-{number}")
        root = add(province_committee_name(name), "provincial_committee", "both", None)
        root.unit_id = unit_id
        province = Province(number, code, name, unit_id, root)
        kept = communes[: max(1, round(len(communes) * min(1.0, scale)))]
        for commune_unit, commune_name, division_type in kept:
            is_ward = division_type == "phường"
            committee = add(
                _committee_name(commune_name),
                "grassroots_committee",
                "residential",
                root,
                unit_id=commune_unit,
            )
            commune = Commune(commune_unit, commune_name, is_ward, committee)
            count = rng.randint(*RESIDENTIAL_CELLS_PER_COMMUNE)
            if is_ward:
                names = [f"Tổ dân phố {n}" for n in range(1, count + 1)]
                kind = "residential_group"
            else:
                names = _village_names(rng, count)
                kind = "village"
            for community_name in names:
                community_id = next(community_ids)
                nation.communities.append((community_id, commune_unit, community_name, kind))
                cell = add(
                    "Chi bộ " + community_name[:1].lower() + community_name[1:],
                    "cell",
                    "residential",
                    committee,
                    unit_id=commune_unit,
                    community_id=community_id,
                )
                commune.cells.append((cell, community_id))
            province.communes.append(commune)
        province.residents = max(
            2 * len(kept), round(RESIDENTS_PER_COMMUNE * len(communes) * min(1.0, scale))
        )
        # The workplace side, in proportion to the province's communes.
        share = len(communes) / all_communes
        province.working = max(len(SUPERIORS), round(WORKING_MEMBERS * share * scale))
        grassroots = max(1, round(province.working * GRASSROOTS_PER_WORKING_MEMBER))
        superiors = [
            add(s, "superior_committee", "workplace", root, unit_id=unit_id) for s in SUPERIORS
        ]
        for g in range(grassroots):
            superior = superiors[g % len(superiors)]
            agencies = AGENCIES[superior.name]
            agency = f"{agencies[rng.randrange(len(agencies))]} số {g // len(superiors) + 1}"
            if rng.random() < SMALL_GRASSROOTS_SHARE:
                cell = add("Chi bộ " + agency, "grassroots_cell", "workplace", superior)
                province.workplace_cells.append((cell, cell, agency))
            else:
                committee = add("Đảng bộ " + agency, "grassroots_committee", "workplace", superior)
                for n in range(1, rng.randint(2, 6) + 1):
                    cell = add(f"Chi bộ số {n}", "cell", "workplace", committee)
                    province.workplace_cells.append((cell, committee, agency))
        nation.provinces.append(province)
    return nation


@dataclass
class MemberRow:
    """One member as generated; ``link`` holds what the residence link needs."""

    id: int
    family_name: str
    middle_name: str
    given_name: str
    gender: str
    birth_date: datetime.date
    joined_on: datetime.date
    official_on: datetime.date | None
    party_card_number: str
    dossier_number: str
    citizen_id: str
    organization: Org
    employment: str
    workplace_name: str
    residence_commune_id: int
    residence_community_id: int
    residence_address: str
    phone: str
    email: str
    # For a working member: the grassroots organization issuing the letter, and the
    # commune committee and cell of the residence.
    issuer: Org | None = None
    commune_committee: Org | None = None
    residence_cell: Org | None = None


class _People:
    """Names and dates as ``people.PersonFactory`` draws them, with identifiers made
    unique from the member's number instead of remembered sets."""

    def __init__(self, rng: random.Random, province: Province) -> None:
        self.random = rng.random
        self.citizen_prefix = f"0{province.code[-2:]}"
        self.dossier_prefix = f"T{province.code[-2:]}"
        self.citizen_counts: dict[str, int] = {}

    def below(self, n: int) -> int:
        return int(self.random() * n)

    def name(self, minority_share: float) -> tuple[str, str, str, str]:
        random_ = self.random
        gender = "male" if random_() < 0.55 else "female"
        if random_() < minority_share:
            family = _MINORITY_FAMILY.pick(random_())
            middle = _MINORITY_MIDDLE[gender].pick(random_())
            names = MINORITY_GIVEN_NAMES[gender]
        else:
            family = _KINH_FAMILY.pick(random_())
            middle = _KINH_MIDDLE[gender].pick(random_())
            names = KINH_GIVEN_NAMES[gender]
        return gender, family, middle, names[int(random_() * len(names))]

    def identifiers(self, number: int, gender: str, birth_year: int) -> tuple[str, str, str]:
        card = str(10_000_000 + (number * _CARD_STEP) % _CARD_SPAN)
        dossier = f"{self.dossier_prefix}-{number:07d}"
        century = 0 if birth_year < 2000 else 2
        head = f"{self.citizen_prefix}{century + (gender == 'female')}{birth_year % 100:02d}"
        n = self.citizen_counts.get(head, 0)
        self.citizen_counts[head] = n + 1
        citizen = head + str((n * _CITIZEN_STEP + 104_729) % 1_000_000).zfill(6)
        return card, dossier, citizen


def members_of(nation: Nation, province: Province, first_id: int) -> Iterator[MemberRow]:
    """The members of ``province``, numbered from ``first_id``: the residents of each
    commune's cells, then the working members of the workplace cells (each living in
    one of the province's communes)."""
    rng = random.Random(f"{nation.seed}-nation-members-{province.number}")
    people = _People(rng, province)
    below = people.below
    number = first_id
    minority = 0.5 if province.number % 3 == 0 else 0.1

    def person(
        organization: Org, employment: str, workplace: str, commune: Commune, cell: Org, ci: int
    ) -> MemberRow:
        gender, family, middle, given = people.name(minority)
        birth = datetime.date.fromordinal(_EPOCH + below(_BIRTH_DAYS))
        if employment == "retired":
            year = min(birth.year, 1965 - below(10))
            birth = datetime.date(year, birth.month, min(birth.day, 28))
        latest_age = min(45, DATA_DATE.year - birth.year - 1)
        join_age = 20 + below(max(20, latest_age) - 19)
        joined = min(datetime.date(birth.year + join_age, 1 + below(12), 1 + below(28)), DATA_DATE)
        official: datetime.date | None = joined + datetime.timedelta(days=365)
        if official is not None and official > DATA_DATE:
            official = None
        phone = PHONE_PREFIXES[below(len(PHONE_PREFIXES))] + str(below(10_000_000)).zfill(7)
        email = ""
        if people.random() < 0.25:
            email = f"{_email_stem(family, middle, given)}{birth.year % 100:02d}"
            email += f"{1 + below(99)}@example.com"
        card, dossier, citizen = people.identifiers(number, gender, birth.year)
        if commune.is_ward:
            address = f"Số {1 + below(250)}, tổ {1 + below(12)}"
        else:
            address = f"Số nhà {1 + below(120)}, tổ {1 + below(8)}"
        return MemberRow(
            id=number,
            family_name=family,
            middle_name=middle,
            given_name=given,
            gender=gender,
            birth_date=birth,
            joined_on=joined,
            official_on=official,
            party_card_number=card,
            dossier_number=dossier,
            citizen_id=citizen,
            organization=organization,
            employment=employment,
            workplace_name=workplace,
            residence_commune_id=commune.unit_id,
            residence_community_id=ci,
            residence_address=address,
            phone=phone,
            email=email,
        )

    each, extra = divmod(province.residents, len(province.communes))
    for c, commune in enumerate(province.communes):
        for _ in range(each + (c < extra)):
            cell, community = commune.cells[below(len(commune.cells))]
            employment = "retired" if people.random() < 0.7 else "other"
            yield person(cell, employment, "", commune, cell, community)
            number += 1
    cells = province.workplace_cells
    communes = province.communes
    for i in range(province.working):
        cell, issuer, agency = cells[below(len(cells))] if i >= len(cells) else cells[i]
        commune = communes[below(len(communes))]
        home, community = commune.cells[below(len(commune.cells))]
        row = person(cell, "working", agency, commune, home, community)
        row.issuer = issuer
        row.commune_committee = commune.committee
        row.residence_cell = home
        yield row
        number += 1


@dataclass
class LinkRow:
    id: int
    member_id: int
    issuer_id: int
    commune_id: int
    cell_id: int | None
    category: str
    letter_form: str
    letter_number: int
    letter_year: int
    issued_on: datetime.date
    deadline: datetime.date
    received_on: datetime.date | None
    assigned_on: datetime.date | None
    acknowledged_on: datetime.date | None
    status: str
    version: int


class LinkMaker:
    """The open residence link of each working member, in a realistic state on
    ``today``: most active, some assigned to a cell, received or just issued (within
    the deadline, so that the book's reconciliation finds nothing overdue)."""

    def __init__(self, seed: int, today: datetime.date, first_id: int) -> None:
        self.rng = random.Random(f"{seed}-nation-links")
        self.today = today
        self.next_id = first_id
        self.numbers: dict[tuple[int, int], int] = {}
        cumulative = 0.0
        self.states: list[tuple[float, str]] = []
        for state, share in LINK_STATES:
            cumulative += share
            self.states.append((cumulative, state))

    def link(self, member: MemberRow) -> LinkRow:
        random_ = self.rng.random
        draw = random_()
        status = next((s for c, s in self.states if draw < c), "active")
        today = self.today
        if status == "issued":
            issued = today - datetime.timedelta(days=int(random_() * 5))
        else:
            issued = today - datetime.timedelta(days=30 + int(random_() * 700))
        deadline = issued + datetime.timedelta(days=14)
        received: datetime.date | None = None
        assigned: datetime.date | None = None
        acknowledged: datetime.date | None = None
        version = 1
        if status != "issued":
            received = issued + datetime.timedelta(days=1 + int(random_() * 10))
            version += 1
        if status in ("assigned", "active"):
            assert received is not None
            assigned = received + datetime.timedelta(days=1 + int(random_() * 5))
            version += 1
        if status == "active":
            assert assigned is not None
            acknowledged = assigned + datetime.timedelta(days=1 + int(random_() * 10))
            version += 1
        category = "a" if random_() < 0.04 else "normal"
        assert member.issuer is not None and member.commune_committee is not None
        key = (member.issuer.id, issued.year)
        number = self.numbers.get(key, 0) + 1
        self.numbers[key] = number
        link = LinkRow(
            id=self.next_id,
            member_id=member.id,
            issuer_id=member.issuer.id,
            commune_id=member.commune_committee.id,
            cell_id=member.residence_cell.id
            if status in ("assigned", "active") and member.residence_cell
            else None,
            category=category,
            letter_form="2-213" if category == "a" else "1-213",
            letter_number=number,
            letter_year=issued.year,
            issued_on=issued,
            deadline=deadline,
            received_on=received,
            assigned_on=assigned,
            acknowledged_on=acknowledged,
            status=status,
            version=version,
        )
        self.next_id += 1
        return link
