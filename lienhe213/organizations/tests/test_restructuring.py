"""Restructuring services of the 2025 reform (ADR 0019): carrying a commune's
communities, cells and residents to the commune that took it over, and dissolving a
committee left without units."""

import datetime

import pytest

from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent
from lienhe213.members.models import Member
from lienhe213.organizations.models import Community, Organization
from lienhe213.organizations.services import (
    carry_residences,
    dissolve_organization,
    merge_organizations,
)

REFORM = datetime.date(2025, 7, 1)


@pytest.fixture
def merged(world):
    """Xã Lâm Bình ended on 30/06/2025 and its committee merged into that of Phường Hà
    Giang 1 (cell B1 moved with it); the addresses still name Lâm Bình."""
    Organization.objects.update(valid_from=datetime.date(2020, 1, 2))
    world.commune_b.valid_until = REFORM - datetime.timedelta(days=1)
    world.commune_b.save()
    merge_organizations(
        by=world.root_user,
        absorbed=world.commune_b_committee,
        into=world.commune_a_committee,
        effective_date=REFORM,
    )
    return world


def state():
    return (
        list(Community.objects.order_by("pk").values_list("pk", "commune_id", "name")),
        list(Organization.objects.order_by("pk").values_list("pk", "administrative_unit_id")),
        list(Member.objects.order_by("pk").values_list("pk", "residence_commune_id", "version")),
        AuditEvent.objects.count(),
    )


def test_carrying_moves_communities_cells_and_members_to_the_new_commune(merged):
    world = merged
    before = Member.objects.get(pk=world.member_b1.pk)
    assert before.residence_commune == world.commune_b
    living_there = Member.objects.filter(residence_commune=world.commune_b).count()

    result = carry_residences(
        by=world.provincial_officer,
        old_unit=world.commune_b,
        committee=world.commune_a_committee,
        effective_date=REFORM,
    )

    assert (result["communities"], result["cells"], result["renamed"]) == (1, 1, {})
    assert result["members"] == living_there >= 1
    after = Member.objects.get(pk=world.member_b1.pk)
    assert after.residence_commune == world.commune_a
    assert after.version == before.version + 1
    community = Community.objects.get(name="Thôn Nà Tông")
    assert community.commune == world.commune_a
    assert Organization.objects.get(pk=world.cell_b1.pk).administrative_unit == world.commune_a
    # The ended committee keeps the unit of its day.
    assert (
        Organization.objects.get(pk=world.commune_b_committee.pk).administrative_unit
        == world.commune_b
    )
    event = AuditEvent.objects.order_by("pk").last()
    assert event is not None
    assert event.changes["carried_from"] == "Xã Lâm Bình"
    assert event.scope_path == world.commune_a_committee.path
    assert not Member.objects.filter(residence_commune=world.commune_b).exists()


def test_a_community_named_like_one_of_the_new_commune_takes_its_old_commune_after_it(merged):
    world = merged
    Community.objects.create(commune=world.commune_a, name="Thôn Nà Tông", kind="village")

    result = carry_residences(
        by=world.root_user,
        old_unit=world.commune_b,
        committee=world.commune_a_committee,
        effective_date=REFORM,
    )

    carried = Community.objects.get(pk=world.cell_b1.community_id)
    assert carried.name == "Thôn Nà Tông (Lâm Bình)"
    assert result["renamed"] == {carried.pk: ("Thôn Nà Tông", "Thôn Nà Tông (Lâm Bình)")}


def test_one_community_only_leaves_the_rest_of_the_old_commune(merged):
    world = merged
    other = Community.objects.create(
        commune=world.commune_b, name="Thôn Khuổi Củng", kind="village"
    )

    carry_residences(
        by=world.root_user,
        old_unit=world.commune_b,
        committee=world.commune_a_committee,
        effective_date=REFORM,
        community=Community.objects.get(pk=world.cell_b1.community_id),
    )

    assert Community.objects.get(pk=other.pk).commune == world.commune_b
    assert Community.objects.get(pk=world.cell_b1.community_id).commune == world.commune_a


def test_a_unit_still_in_force_is_refused_and_nothing_changes(world):
    Organization.objects.update(valid_from=datetime.date(2020, 1, 2))
    before = state()
    with pytest.raises(DomainError, match="is still in force on that date"):
        carry_residences(
            by=world.root_user,
            old_unit=world.commune_b,
            committee=world.commune_a_committee,
            effective_date=REFORM,
        )
    assert state() == before


@pytest.mark.parametrize("who", ["other_clerk", "stranger", "secretary_a1"])
def test_only_those_who_manage_the_new_committee_may_carry(merged, who):
    before = state()
    with pytest.raises(DomainError, match="You may not change organizations"):
        carry_residences(
            by=merged.user(who),
            old_unit=merged.commune_b,
            committee=merged.commune_a_committee,
            effective_date=REFORM,
        )
    assert state() == before


def test_a_committee_left_without_units_is_dissolved_and_keeps_its_past(merged):
    world = merged
    committee = world.commune_b_committee  # merged: ended already
    with pytest.raises(DomainError, match="no longer exists"):
        dissolve_organization(by=world.root_user, organization=committee, effective_date=REFORM)
    before = state()
    with pytest.raises(DomainError, match="still has units"):
        dissolve_organization(
            by=world.root_user, organization=world.commune_a_committee, effective_date=REFORM
        )
    assert state() == before

    dissolve_organization(by=world.root_user, organization=world.cell_b1, effective_date=REFORM)

    cell = Organization.objects.get(pk=world.cell_b1.pk)
    assert cell.valid_until == REFORM - datetime.timedelta(days=1)
    assert cell.merged_into is None
    assert cell.history.filter(kind="dissolved", effective_date=REFORM).exists()
    assert not Organization.objects.current().filter(pk=cell.pk).exists()
