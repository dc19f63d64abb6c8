"""Reads of the organization tree: scoping, subtree and date filters, roll-ups."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from lienhe213.accounts.access import Capability
from lienhe213.organizations.models import Organization
from lienhe213.organizations.queries import subtree_counts
from lienhe213.organizations.services import merge_organizations

ALL = [
    "province",
    "commune_a_committee",
    "cell_a1",
    "cell_a2",
    "commune_b_committee",
    "cell_b1",
    "workplace",
    "workplace_cell",
]


def ids(world, names):
    return {getattr(world, name).pk for name in names}


def test_the_paths_of_the_tree_follow_the_parents(world):
    assert world.province.path == f"{world.province.pk}."
    assert world.cell_a1.path == (
        f"{world.province.pk}.{world.commune_a_committee.pk}.{world.cell_a1.pk}."
    )
    for org in Organization.objects.exclude(parent=None).select_related("parent"):
        assert org.path == f"{org.parent.path}{org.pk}."
        assert org.depth == org.parent.depth + 1
    assert Organization.objects.count() == len(ALL)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("root_user", ALL),
        ("provincial_officer", ALL),
        ("commune_clerk", ["commune_a_committee", "cell_a1", "cell_a2"]),
        ("other_clerk", ["commune_b_committee", "cell_b1"]),
        ("secretary_a1", ["cell_a1"]),
        ("secretary_a2", ["cell_a2"]),
        ("workplace_officer", ["workplace", "workplace_cell"]),
        ("member_user", []),
        ("stranger", []),
    ],
)
def test_visible_to(world, actor, expected):
    result = Organization.objects.visible_to(world.user(actor))

    assert set(result.values_list("pk", flat=True)) == ids(world, expected)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("provincial_officer", ALL),
        ("commune_clerk", []),
        ("secretary_a1", []),
    ],
)
def test_visible_to_for_managing(world, actor, expected):
    result = Organization.objects.visible_to(world.user(actor), Capability.MANAGE_ORGANIZATIONS)

    assert set(result.values_list("pk", flat=True)) == ids(world, expected)


def test_visible_to_an_anonymous_user_is_empty(world):
    assert list(Organization.objects.visible_to(AnonymousUser())) == []


def test_inactive_users_see_nothing(world):
    for user in (world.root_user, world.provincial_officer):
        user.is_active = False
        user.save()

    assert list(Organization.objects.visible_to(world.root_user)) == []
    assert list(Organization.objects.visible_to(world.provincial_officer)) == []


def test_roles_on_an_ended_organization_give_no_view(world):
    # given commune B merged away: its clerk's role points at an organization that ended
    merge_organizations(
        by=world.root_user,
        absorbed=world.commune_b_committee,
        into=world.commune_a_committee,
        effective_date=timezone.localdate() + datetime.timedelta(days=1),
    )

    assert list(Organization.objects.visible_to(world.other_clerk)) == []


def test_in_subtree(world):
    result = Organization.objects.in_subtree(world.commune_a_committee)

    assert set(result.values_list("pk", flat=True)) == ids(
        world, ["commune_a_committee", "cell_a1", "cell_a2"]
    )


def test_grassroots(world):
    result = Organization.objects.grassroots()

    assert set(result.values_list("pk", flat=True)) == ids(
        world, ["commune_a_committee", "commune_b_committee", "workplace"]
    )


def test_current_and_valid_on(world):
    day = timezone.localdate() + datetime.timedelta(days=10)
    merge_organizations(
        by=world.root_user, absorbed=world.cell_a1, into=world.cell_a2, effective_date=day
    )

    assert world.cell_a1.pk not in set(Organization.objects.current().values_list("pk", flat=True))
    on_last_day = Organization.objects.valid_on(day - datetime.timedelta(days=1))
    on_merge_day = Organization.objects.valid_on(day)
    assert world.cell_a1.pk in set(on_last_day.values_list("pk", flat=True))
    assert world.cell_a1.pk not in set(on_merge_day.values_list("pk", flat=True))
    before_founding = Organization.objects.valid_on(
        world.province.valid_from - datetime.timedelta(days=1)
    )
    assert list(before_founding) == []


def test_subtree_counts_adds_each_count_to_every_ancestor(world):
    per_org = {
        world.province.pk: 1,
        world.cell_a1.pk: 3,
        world.cell_a2.pk: 2,
        world.cell_b1.pk: 5,
        world.workplace_cell.pk: 7,
    }

    totals = subtree_counts(Organization.objects.all(), per_org)

    assert totals == {
        world.province.pk: 18,
        world.commune_a_committee.pk: 5,
        world.cell_a1.pk: 3,
        world.cell_a2.pk: 2,
        world.commune_b_committee.pk: 5,
        world.cell_b1.pk: 5,
        world.workplace.pk: 7,
        world.workplace_cell.pk: 7,
    }


def test_subtree_counts_only_for_the_requested_organizations(world):
    per_org = {world.cell_a1.pk: 3, world.cell_b1.pk: 5, world.province.pk: 1}

    totals = subtree_counts(Organization.objects.visible_to(world.commune_clerk), per_org)

    assert totals == {
        world.commune_a_committee.pk: 3,
        world.cell_a1.pk: 3,
        world.cell_a2.pk: 0,
    }


def test_subtree_counts_of_nothing(world):
    assert subtree_counts(Organization.objects.filter(pk=world.cell_a1.pk), {}) == {
        world.cell_a1.pk: 0
    }


def test_paths_condition_matches_the_same_rows_whatever_the_number_of_paths(world):
    """Past ``MANY_PATHS`` the alternatives are nested in pairs (``under_any``): the
    same rows as one ``under`` per path, and a strictly-below path leaves its own node
    out (ADR 0019)."""
    from lienhe213.core.fields import STRICTLY_BELOW
    from lienhe213.organizations.queries import MANY_PATHS, paths_condition

    cells = [world.cell_a1, world.cell_a2, world.cell_b1]
    # Many paths that match nothing, then the three cells and commune A strictly below.
    unknown = [f"{world.province.path}{900_000 + n}." for n in range(MANY_PATHS)]
    wanted = [*unknown, *(c.path for c in cells)]

    def names(paths):
        found = Organization.objects.filter(paths_condition("path", paths))
        return sorted(found.values_list("name", flat=True))

    assert len(wanted) > MANY_PATHS
    assert names(wanted) == sorted(c.name for c in cells)
    assert names([c.path for c in cells]) == names(wanted)
    below_a = world.commune_a_committee.path + STRICTLY_BELOW
    assert names([below_a]) == sorted([world.cell_a1.name, world.cell_a2.name])
    assert names([*unknown, below_a]) == names([below_a])
    assert names([]) == []
