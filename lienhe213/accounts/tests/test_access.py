"""The role rules: which capability each role carries and where."""

import pytest
from django.contrib.auth.models import AnonymousUser

from lienhe213.accounts import access
from lienhe213.accounts.access import Capability
from lienhe213.accounts.models import Role, RoleAssignment, User

C = Capability

# The matrix as the product defines it: committee roles see, four of them edit members,
# only the province and administrators manage the tree, roles and the audit log.
EXPECTED_CAPABILITIES = {
    Role.ADMINISTRATOR: set(Capability),
    Role.PROVINCIAL_OFFICER: set(Capability),
    Role.COMMUNE_CLERK: {C.VIEW_ORGANIZATIONS, C.VIEW_MEMBERS, C.EDIT_MEMBERS, C.RECEIVE_LETTERS}
    | {C.CONFIRM_COMMENTS, C.PROPOSE_COMMENDATIONS, C.IMPORT_RECORDS, C.APPOINT_REPRESENTATIVES},
    Role.WORKPLACE_OFFICER: {
        C.VIEW_ORGANIZATIONS,
        C.VIEW_MEMBERS,
        C.EDIT_MEMBERS,
        C.MANAGE_LETTERS,
    }
    | {C.REQUEST_COMMENTS, C.PROPOSE_COMMENDATIONS, C.IMPORT_RECORDS},
    Role.CELL_SECRETARY: {C.VIEW_ORGANIZATIONS, C.VIEW_MEMBERS, C.ACKNOWLEDGE_LINKS}
    | {C.WRITE_COMMENTS},
    Role.MEMBER: set(),
    # Writes opinions for its cell and reads its own (feedback.access): no capability.
    Role.COMMUNITY_REPRESENTATIVE: set(),
}


def fresh(user):
    """The user as a new request would load it (no cached roles)."""
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("capability", list(Capability))
def test_capability_matrix(world, role, capability):
    user = User.objects.create_user(username="u", member=world.member_a1)
    kind = "community_head" if role == Role.COMMUNITY_REPRESENTATIVE else ""
    RoleAssignment.objects.create(
        user=user, organization=world.commune_a_committee, role=role, representative_kind=kind
    )
    expected = capability in EXPECTED_CAPABILITIES[role]

    # inside the subtree: the node itself and a cell below it
    assert access.has_capability(user, capability, world.commune_a_committee.path) is expected
    assert access.has_capability(user, capability, world.cell_a1.path) is expected
    assert access.has_capability(user, capability) is expected
    # above and beside the subtree: never
    assert access.has_capability(user, capability, world.province.path) is False
    assert access.has_capability(user, capability, world.cell_b1.path) is False


def test_scope_paths_drops_paths_covered_by_a_shorter_one(world):
    user = fresh(world.provincial_officer)
    RoleAssignment.objects.create(
        user=user, organization=world.commune_a_committee, role=Role.COMMUNE_CLERK
    )
    RoleAssignment.objects.create(user=user, organization=world.cell_a1, role=Role.CELL_SECRETARY)

    assert access.scope_paths(user, C.VIEW_MEMBERS) == [world.province.path]


def test_scope_paths_keeps_separate_subtrees(world):
    user = fresh(world.commune_clerk)
    RoleAssignment.objects.create(user=user, organization=world.cell_b1, role=Role.CELL_SECRETARY)
    RoleAssignment.objects.create(
        user=user, organization=world.workplace_cell, role=Role.WORKPLACE_OFFICER
    )

    paths = access.scope_paths(user, C.VIEW_MEMBERS)

    assert sorted(paths) == sorted(
        [world.commune_a_committee.path, world.cell_b1.path, world.workplace_cell.path]
    )
    assert paths[0] == world.commune_a_committee.path  # the most general first
    assert access.scope_paths(user, C.EDIT_MEMBERS) == [
        world.commune_a_committee.path,
        world.workplace_cell.path,
    ]
    assert access.scope_paths(user, C.MANAGE_ORGANIZATIONS) == []


def test_scope_paths_does_not_confuse_ids_that_share_digits(world):
    # paths end with a dot, so "1." never covers "12."
    user = fresh(world.stranger)
    RoleAssignment.objects.create(user=user, organization=world.cell_a1, role=Role.COMMUNE_CLERK)
    lookalike = f"{world.cell_a1.path[:-1]}0."

    assert access.has_capability(user, C.VIEW_MEMBERS, lookalike) is False


def test_superuser_holds_every_capability_everywhere(world):
    for capability in Capability:
        assert access.has_capability(world.root_user, capability, world.cell_b1.path)
    assert access.highest_rank_at(world.root_user, world.cell_b1.path) == 5


def test_inactive_and_anonymous_users_hold_nothing(world):
    for user in (world.root_user, world.provincial_officer):
        user.is_active = False
        user.save()

    for user in (world.root_user, fresh(world.provincial_officer), AnonymousUser()):
        assert access.roles_of(user) == []
        assert access.has_capability(user, C.VIEW_MEMBERS) is False
        assert access.own_member_id(user) is None


def test_roles_on_ended_organizations_do_not_count(world):
    world.commune_a_committee.valid_until = world.commune_a_committee.valid_from
    world.commune_a_committee.save()

    assert access.roles_of(fresh(world.commune_clerk)) == []


def test_highest_rank_at(world):
    officer = world.provincial_officer

    assert access.highest_rank_at(officer, world.cell_a1.path) == 4
    assert access.highest_rank_at(world.commune_clerk, world.cell_a1.path) == 3
    assert access.highest_rank_at(world.commune_clerk, world.cell_b1.path) == 0
    assert access.highest_rank_at(world.secretary_a1, world.cell_a1.path) == 2


def test_own_member_id_only_with_the_member_role(world):
    assert access.own_member_id(world.member_user) == world.member_w1.pk
    world.stranger.member = world.member_b1
    world.stranger.save()
    assert access.own_member_id(world.stranger) is None


def test_forget_roles_drops_the_cache(world):
    user = world.stranger
    assert access.roles_of(user) == []
    RoleAssignment.objects.create(user=user, organization=world.cell_a1, role=Role.CELL_SECRETARY)
    assert access.roles_of(user) == []  # cached for the rest of the request

    access.forget_roles(user)

    assert access.roles_of(user) == [("cell_secretary", world.cell_a1.path)]
