"""Invented but plausible people for the demo data: Vietnamese names with realistic
frequencies, dates, and national identifiers that pass the member validators.

Everything is drawn from one ``random.Random`` so that a seed always gives the same
people. Nobody here is real; e-mail addresses use the reserved ``example.com`` domain.
"""

import datetime
import random
from bisect import bisect
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple, TypeVar

from lienhe213.core.text import fold, sort_key

T = TypeVar("T")


# Family names of the Kinh majority, weighted by their national frequency (per mille).
def words(text: str) -> list[str]:
    return text.split()


KINH_FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 45),
    ("Huỳnh", 6),
    ("Phan", 45),
    ("Vũ", 35),
    ("Võ", 4),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đinh", 8),
    ("Đào", 7),
    ("Trịnh", 5),
    ("Mai", 4),
    ("Cao", 4),
    ("Lương", 4),
    ("Tạ", 3),
    ("Chu", 3),
    ("Lưu", 3),
)

# Family names of the Hmong, Tày, Dao, Nùng, Giáy… of Hà Giang.
MINORITY_FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Giàng", 90),
    ("Sùng", 70),
    ("Vàng", 80),
    ("Lò", 45),
    ("Hầu", 40),
    ("Thào", 50),
    ("Ma", 45),
    ("Nông", 50),
    ("Lục", 25),
    ("Hoàng", 60),
    ("Triệu", 40),
    ("Bàn", 35),
    ("Lù", 25),
    ("Mua", 20),
    ("Ly", 25),
    ("Chảo", 15),
    ("Phàn", 15),
    ("Vương", 15),
    ("Sần", 10),
    ("Cứ", 10),
    ("Lầu", 15),
    ("Hờ", 10),
    ("Mai", 10),
    ("Nguyễn", 40),
)

KINH_MIDDLE_NAMES = {
    "male": (
        ("Văn", 40),
        ("Đức", 8),
        ("Minh", 8),
        ("Quang", 6),
        ("Hữu", 6),
        ("Xuân", 5),
        ("Công", 5),
        ("Thanh", 5),
        ("Ngọc", 4),
        ("Mạnh", 3),
        ("Tiến", 3),
        ("Trung", 3),
        ("Hồng", 2),
        ("Việt", 2),
    ),
    "female": (
        ("Thị", 55),
        ("Thu", 7),
        ("Ngọc", 6),
        ("Thanh", 5),
        ("Minh", 4),
        ("Thùy", 4),
        ("Hồng", 4),
        ("Kim", 3),
        ("Phương", 3),
        ("Bích", 3),
        ("Thị Thu", 2),
        ("Hải", 2),
    ),
}

MINORITY_MIDDLE_NAMES = {
    "male": (("Văn", 45), ("Mí", 20), ("Seo", 15), ("Chẩn", 5), ("Quáng", 5), ("Đức", 5)),
    "female": (("Thị", 70), ("Mỷ", 8), ("Thị Thu", 5), ("Thị Hồng", 5)),
}

# Given names; ``str.split`` keeps these long lists readable.
KINH_GIVEN_NAMES = {
    "male": words(
        "An Anh Bình Cường Chiến Dũng Đức Đạt Giang Hải Hậu Hiếu Hòa Hoàng Hùng Hưng Huy "
        "Khánh Kiên Lâm Long Lực Mạnh Minh Nam Nghĩa Phong Phúc Quang Quý Sơn Tâm Thắng "
        "Thành Thịnh Toàn Trung Tú Tuấn Tùng Việt Vinh Khoa Thái Bảo Duy Hiệp"
    ),
    "female": words(
        "Anh Bích Châu Diệp Dung Giang Hà Hạnh Hằng Hiền Hoa Hồng Hương Huyền Lan Liên "
        "Linh Loan Mai Minh Nga Ngọc Nhung Oanh Phương Quyên Thảo Thơm Thủy Trang Tuyết "
        "Vân Xuân Yến Huệ Lệ Nhàn Duyên"
    ),
}

MINORITY_GIVEN_NAMES = {
    "male": words(
        "Chứ Sính Páo Dìn Súa Chúng Lử Sáng Chính Pó Sùng Tráng Lồng Dình Pọm Thắng Quân "
        "Sinh Dũng Vần Chờ Seo Cháng Khai"
    ),
    "female": words("Mỷ Dợ Mai Pà Chúa Mỉ Sía Dính Của Xuân Hoa Lan Hương Dung Sinh"),
}

HA_GIANG_STREETS = (
    "Nguyễn Trãi",
    "Trần Phú",
    "Minh Khai",
    "Lý Tự Trọng",
    "Nguyễn Thái Học",
    "Hai Bà Trưng",
    "20 tháng 8",
    "Lê Quý Đôn",
    "Bạch Đằng",
    "Nguyễn Văn Linh",
    "Trần Hưng Đạo",
    "Lê Lợi",
    "Phan Đình Phùng",
    "Ngô Quyền",
    "Hoàng Văn Thụ",
    "Yết Kiêu",
    "Nguyễn Du",
    "Tôn Đức Thắng",
)

PHONE_PREFIXES = words(
    "091 094 088 083 084 085 081 082 096 097 098 086 032 033 034 035 036 037 038 039 "
    "090 093 089 070 079 077 076 078"
)

HA_GIANG_CITIZEN_PREFIX = "002"
TUYEN_QUANG_CITIZEN_PREFIX = "008"

# The last day the demo data knows about: nobody joins after it.
DATA_DATE = datetime.date(2025, 6, 30)


class _Weighted:
    """A weighted choice with precomputed cumulative weights."""

    def __init__(self, pairs: Sequence[tuple[str, float]]) -> None:
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(accumulate(weight for _value, weight in pairs))
        self.total = self.cumulative[-1]

    def pick(self, draw: float) -> str:
        """The value for ``draw`` in [0, 1)."""
        return self.values[bisect(self.cumulative, draw * self.total)]


_KINH_FAMILY = _Weighted(KINH_FAMILY_NAMES)
_MINORITY_FAMILY = _Weighted(MINORITY_FAMILY_NAMES)
_KINH_MIDDLE = {g: _Weighted(p) for g, p in KINH_MIDDLE_NAMES.items()}
_MINORITY_MIDDLE = {g: _Weighted(p) for g, p in MINORITY_MIDDLE_NAMES.items()}
_EPOCH = datetime.date(1960, 1, 1).toordinal()
_BIRTH_DAYS = datetime.date(2000, 12, 31).toordinal() - _EPOCH + 1


@lru_cache(maxsize=20_000)
def _email_stem(family: str, middle: str, given: str) -> str:
    """ "Nguyễn", "Văn", "Đức" -> "ducnv"."""
    initials = "".join(fold(w)[0] for w in f"{family} {middle}".split())
    return f"{fold(given)}{initials}".replace(" ", "")


@lru_cache(maxsize=200_000)
def derived_name_fields(family: str, middle: str, given: str) -> tuple[str, str]:
    """``(search_text, name_sort_key)`` exactly as ``Member.refresh_derived`` computes them;
    cached because the same names repeat thousands of times in a province."""
    full_name = " ".join(p for p in (family, middle, given) if p)
    return fold(full_name), sort_key(given, family, middle)


class Person(NamedTuple):
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
    phone: str
    email: str

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)


class PersonFactory:
    """Draws people from ``rng``, keeping every identifier unique across the run.

    Only ``rng.random()`` is used (integers are scaled from it): it is several times
    faster than ``randint``/``choice`` and a province has tens of thousands of people.
    """

    def __init__(
        self,
        rng: random.Random,
        *,
        dossier_prefix: str = "HG",
        data_date: datetime.date = DATA_DATE,
    ) -> None:
        self.random = rng.random
        self.dossier_prefix = dossier_prefix
        self.data_date = data_date
        self._cards: set[str] = set()
        self._dossiers: set[str] = set()
        self._citizen_ids: set[str] = set()

    def below(self, n: int) -> int:
        """An integer in [0, n)."""
        return int(self.random() * n)

    def choice(self, values: Sequence[T]) -> T:
        return values[int(self.random() * len(values))]

    def _unique(self, used: set[str], head: str, width: int, low: int = 0) -> str:
        span = 10**width - low
        while True:
            value = head + str(low + int(self.random() * span)).zfill(width)
            if value not in used:
                used.add(value)
                return value

    def person(self, *, minority_share: float, born_in_ha_giang: bool = True) -> Person:
        random_ = self.random
        gender = "male" if random_() < 0.55 else "female"
        if random_() < minority_share:
            family = _MINORITY_FAMILY.pick(random_())
            middle = _MINORITY_MIDDLE[gender].pick(random_())
            given = self.choice(MINORITY_GIVEN_NAMES[gender])
        else:
            family = _KINH_FAMILY.pick(random_())
            middle = _KINH_MIDDLE[gender].pick(random_())
            given = self.choice(KINH_GIVEN_NAMES[gender])
        birth_date = datetime.date.fromordinal(_EPOCH + self.below(_BIRTH_DAYS))
        latest_age = min(45, self.data_date.year - birth_date.year - 1)
        join_age = 20 + self.below(max(20, latest_age) - 19)
        joined_on = min(
            datetime.date(birth_date.year + join_age, 1 + self.below(12), 1 + self.below(28)),
            self.data_date,
        )
        official_on: datetime.date | None = joined_on + datetime.timedelta(days=365)
        if official_on is not None and official_on > self.data_date:
            official_on = None  # still probationary
        phone = self.choice(PHONE_PREFIXES) + str(self.below(10_000_000)).zfill(7)
        email = ""
        if random_() < 0.25:
            email = f"{_email_stem(family, middle, given)}{birth_date.year % 100:02d}"
            email += f"{1 + self.below(99)}@example.com"
        # Citizen ID: province of birth, then a digit for gender and century (0/1 for men
        # and women born 1900–1999, 2/3 after), the year of birth and six digits.
        prefix = HA_GIANG_CITIZEN_PREFIX if born_in_ha_giang else TUYEN_QUANG_CITIZEN_PREFIX
        century = 0 if birth_date.year < 2000 else 2
        head = f"{prefix}{century + (gender == 'female')}{birth_date.year % 100:02d}"
        return Person(
            family_name=family,
            middle_name=middle,
            given_name=given,
            gender=gender,
            birth_date=birth_date,
            joined_on=joined_on,
            official_on=official_on,
            party_card_number=self._unique(self._cards, "", 8, low=10_000_000),
            dossier_number=self._unique(self._dossiers, self.dossier_prefix + "-", 6),
            citizen_id=self._unique(self._citizen_ids, head, 6),
            phone=phone,
            email=email,
        )

    def street_address(self) -> str:
        """An address in a ward: house number and street."""
        return f"Số {1 + self.below(250)}, đường {self.choice(HA_GIANG_STREETS)}"

    def village_address(self) -> str:
        """An address in a village: house number and household group."""
        return f"Số nhà {1 + self.below(120)}, tổ {1 + self.below(8)}"
