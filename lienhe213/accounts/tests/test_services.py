"""Granting and withdrawing roles: scope, rank, audit."""

import pytest

from lienhe213.accounts.access import Capability, has_capability
from lienhe213.accounts.models import Role, RoleAssignment, User
from lienhe213.accounts.services import grant_role, revoke_role
from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent
from lienhe213.members.models import Member
from lienhe213.organizations.services import create_organization


def db_state():
    return (
        sorted(RoleAssignment.objects.values_list("user_id", "organization_id", "role")),
        AuditEvent.objects.count(),
    )


def test_grant_inside_own_scope(world):
    # when the provincial officer makes the stranger clerk of commune B
    assignment = grant_role(
        by=world.provincial_officer,
        user=world.stranger,
        organization=world.commune_b_committee,
        role="commune_clerk",
    )

    assignment.refresh_from_db()
    assert (assignment.user, assignment.organization, assignment.role) == (
        world.stranger,
        world.commune_b_committee,
        "commune_clerk",
    )
    assert assignment.granted_by == world.provincial_officer
    event = AuditEvent.objects.get(action="grant")
    assert event.actor == world.provincial_officer
    assert event.object_type == "accounts.roleassignment"
    assert event.object_id == str(assignment.pk)
    assert event.scope_path == world.commune_b_committee.path
    assert event.changes == {
        "user": "stranger",
        "role": "commune_clerk",
        "organization": world.commune_b_committee.pk,
    }
    # and the new clerk's rights apply at once, even on the same user object
    assert has_capability(world.stranger, Capability.EDIT_MEMBERS, world.cell_b1.path)
    assert list(Member.objects.visible_to(world.stranger)) == [world.member_b1]


def test_grant_outside_own_scope_is_refused(world):
    other = create_organization(
        by=world.root_user,
        name="Đảng bộ tỉnh Lào Cai",
        kind="provincial_committee",
        side="both",
        parent=None,
    )
    before = db_state()

    with pytest.raises(DomainError) as exc:
        grant_role(
            by=world.provincial_officer,
            user=world.stranger,
            organization=other,
            role="commune_clerk",
        )

    assert exc.value.field == "organization"
    assert str(exc.value) == "You may not assign roles in “Đảng bộ tỉnh Lào Cai”."
    assert db_state() == before


@pytest.mark.parametrize(
    "actor", ["commune_clerk", "workplace_officer", "secretary_a1", "member_user", "stranger"]
)
def test_roles_below_the_province_cannot_grant(world, actor):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        grant_role(
            by=world.user(actor),
            user=world.stranger,
            organization=world.cell_a1,
            role="cell_secretary",
        )

    assert str(exc.value) == "You may not assign roles in “Chi bộ tổ 1”."
    assert db_state() == before


def test_provincial_officer_cannot_grant_administrator(world):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        grant_role(
            by=world.provincial_officer,
            user=world.stranger,
            organization=world.province,
            role="administrator",
        )

    assert (exc.value.field, str(exc.value)) == ("role", "You may not grant a role above your own.")
    assert db_state() == before


def test_superuser_grants_administrator(world):
    grant_role(
        by=world.root_user, user=world.stranger, organization=world.province, role="administrator"
    )

    assert RoleAssignment.objects.filter(user=world.stranger, role="administrator").count() == 1


def test_member_role_needs_a_member_record(world):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        grant_role(
            by=world.provincial_officer,
            user=world.stranger,
            organization=world.cell_b1,
            role="member",
        )

    assert (exc.value.field, str(exc.value)) == (
        "role",
        "This account is not linked to a member record.",
    )
    assert db_state() == before


def test_member_role_for_a_linked_account(world):
    user = User.objects.create_user(username="lo_van_pom", member=world.member_b1)

    grant_role(by=world.provincial_officer, user=user, organization=world.cell_b1, role="member")

    assert list(Member.objects.visible_to(user)) == [world.member_b1]


def test_duplicate_grant_is_refused(world):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        grant_role(
            by=world.provincial_officer,
            user=world.commune_clerk,
            organization=world.commune_a_committee,
            role="commune_clerk",
        )

    assert (exc.value.field, str(exc.value)) == ("role", "This person already has this role here.")
    assert db_state() == before


def test_grant_on_an_organization_that_no_longer_exists_is_refused(world):
    world.cell_a2.valid_until = world.cell_a2.valid_from
    world.cell_a2.save()
    before = db_state()

    with pytest.raises(DomainError) as exc:
        grant_role(
            by=world.provincial_officer,
            user=world.stranger,
            organization=world.cell_a2,
            role="cell_secretary",
        )

    assert (exc.value.field, str(exc.value)) == (
        "organization",
        "This organization no longer exists.",
    )
    assert db_state() == before


def test_revoke_withdraws_the_role_and_is_audited(world):
    assignment = RoleAssignment.objects.get(user=world.commune_clerk)
    assignment_id = assignment.pk

    revoke_role(by=world.provincial_officer, assignment=assignment)

    assert not RoleAssignment.objects.filter(pk=assignment_id).exists()
    event = AuditEvent.objects.get(action="revoke")
    assert event.actor == world.provincial_officer
    assert event.object_id == str(assignment_id)
    assert event.scope_path == world.commune_a_committee.path
    assert event.changes == {"user": "xa", "role": "commune_clerk"}
    assert list(Member.objects.visible_to(User.objects.get(pk=world.commune_clerk.pk))) == []


@pytest.mark.parametrize("actor", ["commune_clerk", "other_clerk", "stranger"])
def test_revoke_needs_the_right_to_manage_roles_there(world, actor):
    assignment = RoleAssignment.objects.get(user=world.secretary_a1)
    before = db_state()

    with pytest.raises(DomainError) as exc:
        revoke_role(by=world.user(actor), assignment=assignment)

    assert str(exc.value) == "You may not assign roles in “Chi bộ tổ 1”."
    assert db_state() == before


def test_provincial_officer_cannot_withdraw_an_administrator(world):
    admin = User.objects.create_user(username="admin")
    assignment = RoleAssignment.objects.create(
        user=admin, organization=world.province, role=Role.ADMINISTRATOR
    )
    before = db_state()

    with pytest.raises(DomainError) as exc:
        revoke_role(by=world.provincial_officer, assignment=assignment)

    assert str(exc.value) == "You may not withdraw a role above your own."
    assert db_state() == before
