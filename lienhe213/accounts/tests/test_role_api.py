"""The role-assignment and account endpoints of the REST API."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import grant, make_user
from lienhe213.accounts.models import Role, RoleAssignment, User
from lienhe213.core.models import AuditEvent
from lienhe213.organizations.services import create_organization

ASSIGNMENTS = "/api/v1/role-assignments/"
ACCOUNTS = "/api/v1/accounts/"


def api_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def ward_officer(world):
    """Manages roles in commune A's subtree only."""
    user = make_user("phuong")
    grant(user, world.commune_a_committee, Role.PROVINCIAL_OFFICER)
    return user


def db_state():
    return (
        sorted(RoleAssignment.objects.values_list("user__username", "organization_id", "role")),
        sorted(User.objects.values_list("username", "is_active", "member_id")),
        AuditEvent.objects.exclude(action="login").count(),
    )


def test_list_is_scoped_to_the_managed_subtree(world, ward_officer):
    response = api_for(ward_officer).get(ASSIGNMENTS)

    assert response.status_code == 200
    assert [(r["username"], r["role"], r["organization"]) for r in response.json()["results"]] == [
        ("phuong", "provincial_officer", world.commune_a_committee.pk),
        ("xa", "commune_clerk", world.commune_a_committee.pk),
        ("chibo1", "cell_secretary", world.cell_a1.pk),
        ("chibo2", "cell_secretary", world.cell_a2.pk),
    ]


def test_users_without_manage_roles_see_their_own_assignments(world):
    response = api_for(world.secretary_a1).get(ASSIGNMENTS)

    assignment = RoleAssignment.objects.get(user=world.secretary_a1)
    assert response.json()["results"] == [
        {
            "id": assignment.pk,
            "user": world.secretary_a1.pk,
            "username": "chibo1",
            "organization": world.cell_a1.pk,
            "organization_name": "Chi bộ tổ 1",
            "role": "cell_secretary",
            "representative_kind": "",
            "granted_by": None,
            "granted_by_username": None,
            "granted_at": response.json()["results"][0]["granted_at"],
        }
    ]


def test_list_filters(world):
    api = api_for(world.provincial_officer)

    by_org = api.get(ASSIGNMENTS, {"organization": world.commune_a_committee.pk}).json()
    by_role = api.get(ASSIGNMENTS, {"role": "cell_secretary"}).json()
    by_user = api.get(ASSIGNMENTS, {"user": world.other_clerk.pk}).json()

    assert [r["username"] for r in by_org["results"]] == ["xa", "chibo1", "chibo2"]
    assert [r["username"] for r in by_role["results"]] == ["chibo1", "chibo2"]
    assert [r["username"] for r in by_user["results"]] == ["xa_b"]


def test_filter_by_an_organization_outside_scope_is_refused(world, ward_officer):
    response = api_for(ward_officer).get(ASSIGNMENTS, {"organization": world.cell_b1.pk})

    assert response.status_code == 400
    assert list(response.json()) == ["organization"]


def test_grant_through_the_api(world):
    response = api_for(world.provincial_officer).post(
        ASSIGNMENTS,
        {"user": world.stranger.pk, "organization": world.cell_b1.pk, "role": "cell_secretary"},
        format="json",
    )

    assert response.status_code == 201
    assignment = RoleAssignment.objects.get(user=world.stranger)
    assert (assignment.organization, assignment.role, assignment.granted_by) == (
        world.cell_b1,
        "cell_secretary",
        world.provincial_officer,
    )
    body = response.json()
    assert (body["id"], body["username"], body["granted_by_username"]) == (
        assignment.pk,
        "stranger",
        "tinh",
    )
    event = AuditEvent.objects.get(action="grant")
    assert (event.actor, event.object_id, event.scope_path) == (
        world.provincial_officer,
        str(assignment.pk),
        world.cell_b1.path,
    )


def test_the_same_grant_twice_is_refused_the_second_time(world):
    api = api_for(world.provincial_officer)
    data = {"user": world.stranger.pk, "organization": world.cell_b1.pk, "role": "cell_secretary"}
    api.post(ASSIGNMENTS, data, format="json")
    before = db_state()

    response = api.post(ASSIGNMENTS, data, format="json")

    assert response.status_code == 400
    assert response.json() == {"role": ["This person already has this role here."]}
    assert RoleAssignment.objects.filter(user=world.stranger).count() == 1
    assert db_state() == before


def test_a_provincial_officer_cannot_grant_the_administrator_role(world):
    before = db_state()

    response = api_for(world.provincial_officer).post(
        ASSIGNMENTS,
        {"user": world.stranger.pk, "organization": world.province.pk, "role": "administrator"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"role": ["You may not grant a role above your own."]}
    assert db_state() == before


def test_granting_in_another_province_is_refused_on_the_field(world):
    other = create_organization(
        by=world.root_user,
        name="Đảng bộ tỉnh Lào Cai",
        kind="provincial_committee",
        side="both",
        parent=None,
    )
    before = db_state()

    response = api_for(world.provincial_officer).post(
        ASSIGNMENTS,
        {"user": world.stranger.pk, "organization": other.pk, "role": "commune_clerk"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "organization": [f'Invalid pk "{other.pk}" - object does not exist.']
    }
    assert db_state() == before


def test_granting_where_one_sees_but_does_not_manage_is_forbidden(world, ward_officer):
    grant(ward_officer, world.commune_b_committee, Role.COMMUNE_CLERK)
    before = db_state()

    response = api_for(ward_officer).post(
        ASSIGNMENTS,
        {"user": world.stranger.pk, "organization": world.cell_b1.pk, "role": "cell_secretary"},
        format="json",
    )

    assert response.status_code == 403
    assert db_state() == before


def test_grant_service_message_in_vietnamese_when_asked(world):
    api = api_for(world.provincial_officer)
    api.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=world.provincial_officer).key}",
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    response = api.post(
        ASSIGNMENTS,
        {"user": world.stranger.pk, "organization": world.province.pk, "role": "administrator"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "role": ["Đồng chí không được giao vai trò cao hơn vai trò của mình."]
    }


def test_revoke_through_the_api(world):
    assignment = RoleAssignment.objects.get(user=world.secretary_a1)

    response = api_for(world.provincial_officer).delete(f"{ASSIGNMENTS}{assignment.pk}/")

    assert response.status_code == 204
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    event = AuditEvent.objects.get(action="revoke")
    assert (event.actor, event.object_id, event.changes) == (
        world.provincial_officer,
        str(assignment.pk),
        {"user": "chibo1", "role": "cell_secretary"},
    )


def test_revoking_a_role_above_ones_own_is_refused(world, ward_officer):
    boss = make_user("boss")
    grant(boss, world.cell_a1, Role.ADMINISTRATOR)
    assignment = RoleAssignment.objects.get(user=boss)
    before = db_state()

    response = api_for(ward_officer).delete(f"{ASSIGNMENTS}{assignment.pk}/")

    assert response.status_code == 400
    assert response.json() == {"detail": "You may not withdraw a role above your own."}
    assert db_state() == before


def test_revoking_outside_scope_is_not_found(world, ward_officer):
    assignment = RoleAssignment.objects.get(user=world.other_clerk)
    before = db_state()

    response = api_for(ward_officer).delete(f"{ASSIGNMENTS}{assignment.pk}/")

    assert response.status_code == 404
    assert db_state() == before


# Accounts


def test_account_list_is_scoped(world, ward_officer):
    response = api_for(ward_officer).get(ACCOUNTS)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(a["username"], [r["role"] for r in a["roles"]]) for a in results] == [
        ("chibo1", ["cell_secretary"]),
        ("chibo2", ["cell_secretary"]),
        ("phuong", ["provincial_officer"]),
        ("xa", ["commune_clerk"]),
    ]


def test_account_list_search_ignores_accents(world):
    User.objects.filter(pk=world.other_clerk.pk).update(first_name="Pọm", last_name="Lò Văn")

    response = api_for(world.provincial_officer).get(ACCOUNTS, {"q": "lo van pom"})

    assert [a["username"] for a in response.json()["results"]] == ["xa_b"]


def test_create_account_through_the_api(world):
    response = api_for(world.provincial_officer).post(
        ACCOUNTS,
        {
            "username": "hoa",
            "first_name": "Hoa",
            "last_name": "Đặng Thị",
            "member": world.member_a1.pk,
            "generate_password": True,
        },
        format="json",
    )

    assert response.status_code == 201
    account = User.objects.get(username="hoa")
    body = response.json()
    assert body == {
        "id": account.pk,
        "username": "hoa",
        "first_name": "Hoa",
        "last_name": "Đặng Thị",
        "email": "",
        "is_active": True,
        "member": world.member_a1.pk,
        "roles": [],
        "temporary_password": body["temporary_password"],
    }
    assert account.check_password(body["temporary_password"])
    event = AuditEvent.objects.get(action="create", object_type="accounts.user")
    assert event.changes["has_password"] is True
    assert body["temporary_password"] not in str(event.changes)


def test_create_account_without_password(world):
    response = api_for(world.provincial_officer).post(ACCOUNTS, {"username": "moi"}, format="json")

    assert response.status_code == 201
    assert response.json()["temporary_password"] is None
    assert not User.objects.get(username="moi").has_usable_password()


def test_create_account_with_a_taken_username_is_refused(world):
    before = db_state()

    response = api_for(world.provincial_officer).post(ACCOUNTS, {"username": "xa"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"username": ["The username “xa” is already taken."]}
    assert db_state() == before


def test_create_account_linking_a_member_outside_scope_is_refused(world, ward_officer):
    before = db_state()

    response = api_for(ward_officer).post(
        ACCOUNTS, {"username": "pom", "member": world.member_b1.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "member": [f'Invalid pk "{world.member_b1.pk}" - object does not exist.']
    }
    assert db_state() == before


def test_disable_an_account_through_the_api(world):
    response = api_for(world.provincial_officer).patch(
        f"{ACCOUNTS}{world.secretary_a1.pk}/", {"is_active": False}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    world.secretary_a1.refresh_from_db()
    assert world.secretary_a1.is_active is False
    # its token no longer opens the API
    assert api_for(world.secretary_a1).get(ASSIGNMENTS).status_code == 401


def test_disabling_an_account_with_roles_outside_scope_is_refused(world, ward_officer):
    grant(world.other_clerk, world.cell_a1, Role.CELL_SECRETARY)
    before = db_state()

    response = api_for(ward_officer).patch(
        f"{ACCOUNTS}{world.other_clerk.pk}/", {"is_active": False}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "is_active": ["This account holds roles outside the organizations you manage."]
    }
    assert db_state() == before


def test_member_account_created_through_the_api_sees_only_itself(world):
    api = api_for(world.provincial_officer)
    created = api.post(
        ACCOUNTS,
        {"username": "hoa", "member": world.member_a1.pk, "generate_password": True},
        format="json",
    ).json()
    api.post(
        ASSIGNMENTS,
        {"user": created["id"], "organization": world.cell_a1.pk, "role": "member"},
        format="json",
    )
    token = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/auth/token/",
        {"username": "hoa", "password": created["temporary_password"]},
        format="json",
    )
    member_api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    member_api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    forced = member_api.get("/api/v1/members/")
    member_api.post(
        "/api/v1/auth/password/",
        {"old_password": created["temporary_password"], "new_password": "Hoa-chi-bo-to-1"},
        format="json",
    )
    token = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/auth/token/", {"username": "hoa", "password": "Hoa-chi-bo-to-1"}, format="json"
    )
    member_api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")

    response = member_api.get("/api/v1/members/")

    assert forced.status_code == 403
    assert [m["id"] for m in response.json()["results"]] == [world.member_a1.pk]


def test_schema_lists_the_role_and_account_endpoints(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()

    methods = {
        path: sorted(schema["paths"][path])
        for path in schema["paths"]
        if path.startswith(("/api/v1/role-assignments/", "/api/v1/accounts/"))
    }
    assert methods == {
        "/api/v1/accounts/": ["get", "post"],
        "/api/v1/accounts/{id}/": ["get", "patch"],
        "/api/v1/accounts/{id}/unlock/": ["post"],
        "/api/v1/role-assignments/": ["get", "post"],
        "/api/v1/role-assignments/{id}/": ["delete"],
    }
