"""The named cast every test can use (docs/style.md): one small province with two communes,
two residential cells in the first, and a workplace grassroots committee."""

import datetime
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from lienhe213.accounts.models import RepresentativeKind, Role, RoleAssignment, User
from lienhe213.members.models import Member
from lienhe213.members.services import create_member
from lienhe213.organizations.models import AdministrativeUnit, Community, Organization
from lienhe213.organizations.services import create_organization


@dataclass
class World:
    root_user: User
    province_unit: AdministrativeUnit
    commune_a: AdministrativeUnit
    commune_b: AdministrativeUnit
    community_a1: Community
    community_a2: Community
    province: Organization
    commune_a_committee: Organization
    cell_a1: Organization
    cell_a2: Organization
    commune_b_committee: Organization
    cell_b1: Organization
    workplace: Organization
    workplace_cell: Organization
    provincial_officer: User
    commune_clerk: User
    secretary_a1: User
    secretary_a2: User
    workplace_officer: User
    member_user: User
    stranger: User
    other_clerk: User
    member_a1: Member
    member_w1: Member
    member_b1: Member

    def user(self, name: str) -> User | None:
        """The cast member called ``name``; "anonymous" gives None."""
        return None if name == "anonymous" else getattr(self, name)

    @functools.cached_property
    def representative_a1(self) -> User:
        """The head of the community of cell A1 (Tổ 1), a community representative:
        made the first time a test asks for them, so the cast of every other test (its
        accounts, roles and counts) stays as it was."""
        user = make_user("totruong1", first_name="Bình", last_name="Lê Văn")
        RoleAssignment.objects.create(
            user=user,
            organization=self.cell_a1,
            role=Role.COMMUNITY_REPRESENTATIVE,
            representative_kind=RepresentativeKind.COMMUNITY_HEAD,
        )
        return user


def with_representative(casts: Any, statuses: Any) -> list[tuple[str, Any]]:
    """``(cast, status)`` pairs of a positional permission matrix whose second cast is
    the stranger, with the community representative of cell A1 added after them with
    the stranger's status: the role grants nothing beyond their own opinions, so every
    other page and endpoint answers them as it answers an account without a role."""
    pairs = list(zip(casts, statuses, strict=True))
    assert pairs[1][0] == "stranger"
    return [*pairs[:2], ("representative_a1", pairs[1][1]), *pairs[2:]]


def make_user(username: str, **extra: Any) -> User:
    return User.objects.create_user(username=username, password="demo", **extra)


def grant(user: User, org: Organization, role: Role) -> None:
    RoleAssignment.objects.create(user=user, organization=org, role=role)


def login_as(client: Client, world: World, who: str) -> None:
    """Sign ``client`` in as the cast member ``who`` ("anonymous": stay signed out)."""
    user = world.user(who)
    if user is not None:
        client.force_login(user)


def assert_page_status(response: Any, expected: int | str, url: str) -> None:
    """``expected`` is a status code, or "login": sent to the login page and back."""
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={url}"
    else:
        assert response.status_code == expected


def member_fields(org: Organization, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "family_name": "Nguyễn",
        "middle_name": "Văn",
        "given_name": "An",
        "gender": Member.Gender.MALE,
        "birth_date": datetime.date(1985, 3, 14),
        "joined_on": datetime.date(2010, 5, 19),
        "official_on": datetime.date(2011, 5, 19),
        "organization": org,
    }
    fields.update(overrides)
    return fields


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Tests assert the English source strings; the Vietnamese-first rendering has tests
    of its own (they clear the language cookie, or send Accept-Language to the API)."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def client() -> Client:
    """Django's test client, with English chosen as a user would with the switcher."""
    test_client = Client()
    test_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return test_client


@pytest.fixture(autouse=True)
def clear_cache() -> Iterator[None]:
    """Django's cache (local memory) outlives a test: the token endpoint's attempt counts
    and the cached dashboards would carry over into the next one."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Any) -> None:
    """The production hasher costs ~1 s per account on a loaded machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: Any) -> World:
    root = User.objects.create_superuser(username="root", password="demo")
    province_unit = AdministrativeUnit.objects.create(
        code="08", name="Tuyên Quang", level="province", division_type="tỉnh"
    )
    commune_a = AdministrativeUnit.objects.create(
        code="02269",
        name="Phường Hà Giang 1",
        level="commune",
        division_type="phường",
        parent=province_unit,
    )
    commune_b = AdministrativeUnit.objects.create(
        code="02266",
        name="Xã Lâm Bình",
        level="commune",
        division_type="xã",
        parent=province_unit,
    )
    community_a1 = Community.objects.create(
        commune=commune_a, name="Tổ 1", kind="residential_group"
    )
    community_a2 = Community.objects.create(
        commune=commune_a, name="Tổ 2", kind="residential_group"
    )
    community_b1 = Community.objects.create(commune=commune_b, name="Thôn Nà Tông", kind="village")

    def org(
        name: str, kind: str, side: str, parent: Organization | None, **kw: Any
    ) -> Organization:
        return create_organization(by=root, name=name, kind=kind, side=side, parent=parent, **kw)

    province = org(
        "Đảng bộ tỉnh Tuyên Quang",
        "provincial_committee",
        "both",
        None,
        administrative_unit=province_unit,
    )
    commune_a_committee = org(
        "Đảng bộ phường Hà Giang 1",
        "grassroots_committee",
        "residential",
        province,
        administrative_unit=commune_a,
    )
    cell_a1 = org(
        "Chi bộ tổ 1",
        "cell",
        "residential",
        commune_a_committee,
        administrative_unit=commune_a,
        community=community_a1,
    )
    cell_a2 = org(
        "Chi bộ tổ 2",
        "cell",
        "residential",
        commune_a_committee,
        administrative_unit=commune_a,
        community=community_a2,
    )
    commune_b_committee = org(
        "Đảng bộ xã Lâm Bình",
        "grassroots_committee",
        "residential",
        province,
        administrative_unit=commune_b,
    )
    cell_b1 = org(
        "Chi bộ thôn Nà Tông",
        "cell",
        "residential",
        commune_b_committee,
        administrative_unit=commune_b,
        community=community_b1,
    )
    workplace = org("Đảng bộ Sở Giáo dục và Đào tạo", "grassroots_committee", "workplace", province)
    workplace_cell = org("Chi bộ Văn phòng Sở", "cell", "workplace", workplace)

    member_a1 = create_member(
        by=root,
        **member_fields(
            cell_a1,
            family_name="Đặng",
            middle_name="Thị",
            given_name="Hoa",
            gender="female",
            party_card_number="12345678",
            citizen_id="002185001234",
            employment="retired",
            residence_commune=commune_a,
            residence_community=community_a1,
        ),
    )
    member_w1 = create_member(
        by=root,
        **member_fields(
            workplace_cell,
            family_name="Nguyễn",
            middle_name="Văn",
            given_name="Đức",
            party_card_number="22345678",
            citizen_id="002085004321",
            residence_commune=commune_a,
            residence_community=community_a2,
        ),
    )
    member_b1 = create_member(
        by=root,
        **member_fields(
            cell_b1,
            family_name="Lò",
            middle_name="Văn",
            given_name="Pọm",
            party_card_number="32345678",
            residence_commune=commune_b,
            residence_community=community_b1,
        ),
    )

    provincial_officer = make_user("tinh")
    grant(provincial_officer, province, Role.PROVINCIAL_OFFICER)
    commune_clerk = make_user("xa")
    grant(commune_clerk, commune_a_committee, Role.COMMUNE_CLERK)
    other_clerk = make_user("xa_b")
    grant(other_clerk, commune_b_committee, Role.COMMUNE_CLERK)
    secretary_a1 = make_user("chibo1")
    grant(secretary_a1, cell_a1, Role.CELL_SECRETARY)
    secretary_a2 = make_user("chibo2")
    grant(secretary_a2, cell_a2, Role.CELL_SECRETARY)
    workplace_officer = make_user("coquan")
    grant(workplace_officer, workplace, Role.WORKPLACE_OFFICER)
    member_user = make_user("dangvien", member=member_w1)
    grant(member_user, workplace_cell, Role.MEMBER)
    stranger = make_user("stranger")

    return World(
        root_user=root,
        province_unit=province_unit,
        commune_a=commune_a,
        commune_b=commune_b,
        community_a1=community_a1,
        community_a2=community_a2,
        province=province,
        commune_a_committee=commune_a_committee,
        cell_a1=cell_a1,
        cell_a2=cell_a2,
        commune_b_committee=commune_b_committee,
        cell_b1=cell_b1,
        workplace=workplace,
        workplace_cell=workplace_cell,
        provincial_officer=provincial_officer,
        commune_clerk=commune_clerk,
        secretary_a1=secretary_a1,
        secretary_a2=secretary_a2,
        workplace_officer=workplace_officer,
        member_user=member_user,
        stranger=stranger,
        other_clerk=other_clerk,
        member_a1=member_a1,
        member_w1=member_w1,
        member_b1=member_b1,
    )
