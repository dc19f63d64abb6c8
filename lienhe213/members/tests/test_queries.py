"""Reads of members: the visible_to gatekeeper, search without diacritics and the
Vietnamese order, on whichever database the suite runs."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate

from lienhe213.accounts.access import Capability
from lienhe213.accounts.models import User
from lienhe213.members.models import Member
from lienhe213.members.services import create_member
from lienhe213.members.tests.conftest import TODAY
from lienhe213.organizations.services import merge_organizations, move_organization

# Given names first, then family, then middle; tones only break ties.
VIETNAMESE_ORDER = [
    "Trần Văn An",
    "Lê Thị Anh",
    "Phạm Văn Ăn",
    "Hồ Thị Ân",
    "Nguyễn Thị Bình",
    "Vũ Chi",
    "Bùi Dũng",
    "Lê Đức",
    "Nguyễn Văn Đức",
    "Đỗ Em",
    "Lý Ênh",
    "Lò Văn Ma",
    "Lò Văn Mà",
    "Lò Văn Mả",
    "Lò Văn Mã",
    "Lò Văn Má",
    "Lò Văn Mạ",
    "Lò Văn Mai",
]


def ids(world, names):
    return {getattr(world, name).pk for name in names}


def fresh(user):
    """The user as a new request would load it (no cached roles)."""
    return User.objects.get(pk=user.pk)


def visible_ids(user, capability=None):
    return set(Member.objects.visible_to(user, capability).values_list("pk", flat=True))


def add_member(world, full_name, org=None, **extra):
    family, *middle, given = full_name.split()
    return create_member(
        by=world.root_user,
        family_name=family,
        middle_name=" ".join(middle),
        given_name=given,
        gender="male",
        birth_date=datetime.date(1980, 1, 1),
        joined_on=datetime.date(2005, 1, 1),
        organization=org or world.cell_b1,
        **extra,
    )


# --- visible_to -----------------------------------------------------------------------

ALL_MEMBERS = ["member_a1", "member_w1", "member_b1"]


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("root_user", ALL_MEMBERS),
        ("provincial_officer", ALL_MEMBERS),
        ("commune_clerk", ["member_a1"]),
        ("other_clerk", ["member_b1"]),
        ("secretary_a1", ["member_a1"]),
        ("secretary_a2", []),
        ("workplace_officer", ["member_w1"]),
        ("member_user", ["member_w1"]),
        ("stranger", []),
    ],
)
def test_visible_to(world, actor, expected):
    assert visible_ids(world.user(actor)) == ids(world, expected)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("root_user", ALL_MEMBERS),
        ("provincial_officer", ALL_MEMBERS),
        ("commune_clerk", ["member_a1"]),
        ("secretary_a1", []),
        ("workplace_officer", ["member_w1"]),
        ("member_user", []),
        ("stranger", []),
    ],
)
def test_visible_to_for_editing(world, actor, expected):
    assert visible_ids(world.user(actor), Capability.EDIT_MEMBERS) == ids(world, expected)


def test_an_anonymous_user_sees_no_member(world):
    assert visible_ids(AnonymousUser()) == set()


@pytest.mark.parametrize("actor", ["root_user", "provincial_officer", "member_user"])
def test_an_inactive_user_sees_no_member(world, actor):
    user = world.user(actor)
    user.is_active = False
    user.save()

    assert visible_ids(user) == set()


def test_an_account_linked_to_a_member_without_the_member_role_sees_nothing(world):
    world.stranger.member = world.member_b1
    world.stranger.save()

    assert visible_ids(world.stranger) == set()


def test_a_committee_role_sees_new_members_of_its_subtree_only(world):
    inside = add_member(world, "Trần Văn An", org=world.cell_a2)
    add_member(world, "Lê Văn Bình", org=world.cell_b1)

    assert visible_ids(world.commune_clerk) == {world.member_a1.pk, inside.pk}


def test_scoping_follows_a_moved_party_unit(world):
    # when cell A1 moves from commune A to commune B
    move_organization(
        by=world.root_user,
        organization=world.cell_a1,
        new_parent=world.commune_b_committee,
        effective_date=TODAY,
    )

    # then its member is seen from commune B, no longer from commune A
    assert visible_ids(fresh(world.other_clerk)) == ids(world, ["member_a1", "member_b1"])
    assert visible_ids(fresh(world.commune_clerk)) == set()
    assert visible_ids(fresh(world.secretary_a1)) == ids(world, ["member_a1"])
    assert set(Member.objects.in_subtree(world.commune_b_committee)) == {
        world.member_a1,
        world.member_b1,
    }


def test_scoping_follows_a_merge(world):
    # when commune A merges into commune B, its cells (and their members) move along
    merge_organizations(
        by=world.root_user,
        absorbed=world.commune_a_committee,
        into=world.commune_b_committee,
        effective_date=TODAY + datetime.timedelta(days=1),
    )

    assert visible_ids(fresh(world.other_clerk)) == ids(world, ["member_a1", "member_b1"])
    assert visible_ids(fresh(world.commune_clerk)) == set()


def test_in_subtree(world):
    result = Member.objects.in_subtree(world.commune_a_committee)

    assert set(result.values_list("pk", flat=True)) == {world.member_a1.pk}
    assert set(Member.objects.in_subtree(world.province).values_list("pk", flat=True)) == ids(
        world, ALL_MEMBERS
    )


# --- search ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "nguyen van duc",
        "Nguyen Van Duc",
        "NGUYỄN VĂN ĐỨC",
        "  nguyễn   văn  đức ",
        "van duc",
        "duc",
    ],
)
def test_search_ignores_case_and_diacritics(world, text):
    result = Member.objects.search(text, user=world.root_user)

    assert list(result) == [world.member_w1]


@pytest.mark.parametrize("text", ["dang", "Đặng", "ĐẶNG", "dang hoa", "hoa dang"])
def test_search_folds_d_with_stroke(world, text):
    assert list(Member.objects.search(text, user=world.root_user)) == [world.member_a1]


def test_every_word_must_match(world):
    assert list(Member.objects.search("nguyen hoa", user=world.root_user)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", ["member_a1"]),
        ("123456", ["member_a1"]),
        ("12345678", ["member_a1"]),
        ("2234", ["member_w1"]),
        ("3234567", ["member_b1"]),
        ("2345", []),
        ("002185001234", ["member_a1"]),
        ("0021850", []),
    ],
)
def test_search_by_party_card_prefix_or_whole_citizen_id(world, text, expected):
    result = Member.objects.search(text, user=world.root_user)

    assert set(result.values_list("pk", flat=True)) == ids(world, expected)


def test_search_by_name_and_party_card_together(world):
    assert list(Member.objects.search("duc 2234", user=world.root_user)) == [world.member_w1]
    assert list(Member.objects.search("duc 1234", user=world.root_user)) == []


def test_an_empty_search_keeps_the_queryset(world):
    assert Member.objects.search("   ", user=world.root_user).count() == 3


@pytest.mark.parametrize(
    ("actor", "text", "expected"),
    [
        ("commune_clerk", "van", []),
        ("commune_clerk", "hoa", ["member_a1"]),
        ("workplace_officer", "nguyen van duc", ["member_w1"]),
        ("workplace_officer", "dang", []),
        ("other_clerk", "van", ["member_b1"]),
        ("provincial_officer", "van", ["member_w1", "member_b1"]),
        ("stranger", "van", []),
        ("member_user", "van", ["member_w1"]),
    ],
)
def test_search_stays_inside_what_the_user_may_see(world, actor, text, expected):
    # "van" is in Nguyễn Văn Đức and Lò Văn Pọm, not in Đặng Thị Hoa
    result = Member.objects.visible_to(world.user(actor)).search(text, user=world.user(actor))

    assert set(result.values_list("pk", flat=True)) == ids(world, expected)


def test_search_works_in_either_order_with_visible_to(world):
    first = Member.objects.search("van", user=world.other_clerk).visible_to(world.other_clerk)

    assert list(first) == [world.member_b1]


# --- Vietnamese order on the database -------------------------------------------------


def test_vietnamese_order_on_the_database(world):
    Member.objects.all().delete()
    for name in reversed(VIETNAMESE_ORDER):
        add_member(world, name)

    result = [m.full_name for m in Member.objects.vietnamese_order()]

    assert result == VIETNAMESE_ORDER


def test_default_ordering_is_vietnamese(world):
    assert [m.full_name for m in Member.objects.all()] == [
        "Nguyễn Văn Đức",
        "Đặng Thị Hoa",
        "Lò Văn Pọm",
    ]


@pytest.mark.parametrize("collation", ["en-US-x-icu", "vi-VN-x-icu", "und-x-icu", "C"])
def test_vietnamese_order_holds_under_locale_collations(world, collation):
    if connection.vendor != "postgresql":
        pytest.skip("named collations are a PostgreSQL feature")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", [collation])
        if cursor.fetchone() is None:
            pytest.skip(f"this PostgreSQL build has no collation {collation}")
    Member.objects.all().delete()
    for name in reversed(VIETNAMESE_ORDER):
        add_member(world, name)

    # when the key is compared under a locale-aware collation rather than the default
    ordered = Member.objects.order_by(Collate(F("name_sort_key"), collation), "pk")

    assert [m.full_name for m in ordered] == VIETNAMESE_ORDER
