"""The organization tree through the REST API: scoped reads, tree changes via the services."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienhe213.accounts.models import Role, RoleAssignment, User
from lienhe213.core.models import AuditEvent
from lienhe213.organizations.models import Organization
from lienhe213.organizations.services import create_organization
from lienhe213.organizations.tests.pre_2025 import tran_phu_of_ha_giang

LIST_URL = "/api/v1/organizations/"
ID_FILTERS = {"parent", "subtree_of"}


def client_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def url(org: Organization | int, action: str = "") -> str:
    pk = getattr(org, "pk", org)
    return f"{LIST_URL}{pk}/{action + '/' if action else ''}"


def listed_ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def tree() -> dict[int, tuple[int | None, str, int]]:
    return {o.pk: (o.parent_id, o.path, o.depth) for o in Organization.objects.all()}


def today() -> datetime.date:
    return timezone.localdate()


def test_commune_clerk_lists_its_subtree_in_tree_order(world):
    ids = listed_ids(client_for(world.commune_clerk).get(LIST_URL))

    assert ids == [world.commune_a_committee.pk, world.cell_a1.pk, world.cell_a2.pk]


@pytest.mark.parametrize("cast", ["stranger", "member_user"])
def test_users_without_a_committee_role_list_nothing(world, cast):
    ids = listed_ids(client_for(world.user(cast)).get(LIST_URL))

    assert ids == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "cell"}, ["cell_a1", "cell_a2", "cell_b1", "workplace_cell"]),
        ({"side": "workplace"}, ["workplace", "workplace_cell"]),
        ({"parent": "commune_a_committee"}, ["cell_a1", "cell_a2"]),
        ({"subtree_of": "commune_b_committee"}, ["commune_b_committee", "cell_b1"]),
        ({"q": "ha giang"}, ["commune_a_committee"]),
        ({"q": "CHI BỘ TỔ"}, ["cell_a1", "cell_a2"]),
        ({"q": "lam binh", "kind": "grassroots_committee"}, ["commune_b_committee"]),
    ],
)
def test_filters(world, params, expected):
    query = {k: getattr(world, v).pk if k in ID_FILTERS else v for k, v in params.items()}

    response = client_for(world.provincial_officer).get(LIST_URL, query)

    assert listed_ids(response) == [getattr(world, name).pk for name in expected]


def test_current_filter_separates_merged_organizations(world):
    client = client_for(world.provincial_officer)
    tomorrow = today() + datetime.timedelta(days=1)
    client.post(url(world.cell_a2, "merge"), {"into": world.cell_a1.pk, "effective_date": tomorrow})

    current = listed_ids(client.get(LIST_URL, {"current": "true", "kind": "cell"}))
    former = listed_ids(client.get(LIST_URL, {"current": "false"}))

    assert current == [world.cell_a1.pk, world.cell_b1.pk, world.workplace_cell.pk]
    assert former == [world.cell_a2.pk]


def test_filter_naming_an_organization_out_of_scope_is_refused(world):
    response = client_for(world.other_clerk).get(LIST_URL, {"subtree_of": world.cell_a1.pk})

    assert response.status_code == 400
    assert list(response.json()) == ["subtree_of"]


def test_detail_has_ancestors_links_and_history(world):
    response = client_for(world.secretary_a1).get(url(world.cell_a1))

    assert response.status_code == 200
    body = response.json()
    assert body["ancestors"] == [world.province.pk, world.commune_a_committee.pk]
    assert (body["parent"], body["depth"]) == (world.commune_a_committee.pk, 2)
    assert (body["administrative_unit"], body["administrative_unit_name"]) == (
        world.commune_a.pk,
        "Phường Hà Giang 1",
    )
    assert (body["community"], body["community_name"]) == (world.community_a1.pk, "Tổ 1")
    assert (body["valid_until"], body["is_current"], body["merged_into"]) == (None, True, None)
    assert body["history"] == [
        {
            "event": "created",
            "effective_date": today().isoformat(),
            "old_name": "",
            "new_name": "Chi bộ tổ 1",
            "old_parent": None,
            "new_parent": world.commune_a_committee.pk,
            "successor": None,
        }
    ]


@pytest.mark.parametrize("forged", ["cell_b1", 999999, "abc"])
def test_forged_or_out_of_scope_id_is_not_found(world, forged):
    target = getattr(world, forged).pk if forged == "cell_b1" else forged
    client = client_for(world.commune_clerk)

    read = client.get(url(target))

    assert read.status_code == 404


def test_create_goes_through_the_service(world):
    response = client_for(world.provincial_officer).post(
        LIST_URL,
        {
            "name": "Chi bộ  tổ 3",
            "kind": "cell",
            "side": "residential",
            "parent": world.commune_a_committee.pk,
            "code": "HG1-T3",
            "administrative_unit": world.commune_a.pk,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    org = Organization.objects.get(code="HG1-T3")
    assert (org.name, org.parent_id, org.path, org.depth) == (
        "Chi bộ tổ 3",
        world.commune_a_committee.pk,
        f"{world.commune_a_committee.path}{org.pk}.",
        2,
    )
    assert response.json()["id"] == org.pk
    assert response.json()["ancestors"] == [world.province.pk, world.commune_a_committee.pk]
    event = AuditEvent.objects.get(
        action="create", object_type="organizations.organization", object_id=str(org.pk)
    )
    assert event.actor_id == world.provincial_officer.pk


def test_create_with_a_used_code_is_refused_on_the_field(world):
    create_organization(
        by=world.root_user,
        name="Chi bộ X",
        kind="cell",
        side="residential",
        parent=world.commune_a_committee,
        code="HG1-X",
    )
    before = Organization.objects.count()

    response = client_for(world.provincial_officer).post(
        LIST_URL,
        {
            "name": "Chi bộ Y",
            "kind": "cell",
            "side": "residential",
            "parent": world.commune_a_committee.pk,
            "code": "HG1-X",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"code": ["Another organization already uses this code."]}
    assert Organization.objects.count() == before


def test_create_of_a_root_is_for_superusers_only(world):
    before = Organization.objects.count()
    payload = {
        "name": "Đảng bộ tỉnh Khác",
        "kind": "provincial_committee",
        "side": "both",
        "parent": None,
    }

    refused = client_for(world.provincial_officer).post(LIST_URL, payload, format="json")
    accepted = client_for(world.root_user).post(LIST_URL, payload, format="json")

    assert (refused.status_code, accepted.status_code) == (403, 201)
    assert Organization.objects.count() == before + 1
    assert Organization.objects.get(pk=accepted.json()["id"]).path == f"{accepted.json()['id']}."


def test_create_under_a_parent_out_of_scope_is_refused_as_unknown(world):
    officer = User.objects.create_user(username="huyen", password="demo")
    RoleAssignment.objects.create(
        user=officer, organization=world.commune_b_committee, role=Role.PROVINCIAL_OFFICER
    )
    before = Organization.objects.count()

    response = client_for(officer).post(
        LIST_URL,
        {"name": "Chi bộ Z", "kind": "cell", "side": "residential", "parent": world.cell_a1.pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "parent": [f'Invalid pk "{world.cell_a1.pk}" - object does not exist.']
    }
    assert Organization.objects.count() == before


def test_create_requires_the_shape(world):
    response = client_for(world.provincial_officer).post(
        LIST_URL, {"name": "", "kind": "nonsense", "side": "residential"}, format="json"
    )

    assert response.status_code == 400
    assert sorted(response.json()) == ["kind", "name", "parent"]


def test_rename_keeps_the_old_name_for_earlier_dates(world):
    client = client_for(world.provincial_officer)
    created = client.post(
        LIST_URL,
        {
            "name": "Chi bộ tổ dân phố 5",
            "kind": "cell",
            "side": "residential",
            "parent": world.commune_a_committee.pk,
            "valid_from": "2020-01-02",
        },
        format="json",
    ).json()

    response = client.post(
        url(created["id"], "rename"),
        {"name": "Chi bộ tổ dân phố 5A", "effective_date": "2025-07-01"},
        format="json",
    )

    assert response.status_code == 200, response.content
    org = Organization.objects.get(pk=created["id"])
    assert org.name == "Chi bộ tổ dân phố 5A"
    assert org.name_on(datetime.date(2025, 6, 30)) == "Chi bộ tổ dân phố 5"
    assert org.name_on(datetime.date(2025, 7, 1)) == "Chi bộ tổ dân phố 5A"
    assert [(h["event"], h["old_name"], h["new_name"]) for h in response.json()["history"]] == [
        ("created", "", "Chi bộ tổ dân phố 5"),
        ("renamed", "Chi bộ tổ dân phố 5", "Chi bộ tổ dân phố 5A"),
    ]
    assert AuditEvent.objects.filter(action="rename", object_id=str(org.pk)).count() == 1


def test_rename_before_the_organization_existed_is_refused(world):
    response = client_for(world.provincial_officer).post(
        url(world.cell_a1, "rename"),
        {"name": "Chi bộ tổ 1 mới", "effective_date": "2019-01-01"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "effective_date": ["The rename cannot take effect before the organization existed."]
    }
    assert Organization.objects.get(pk=world.cell_a1.pk).name == "Chi bộ tổ 1"


def test_move_repaths_the_subtree(world):
    response = client_for(world.provincial_officer).post(
        url(world.commune_a_committee, "move"),
        {"new_parent": world.commune_b_committee.pk, "effective_date": today().isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.content
    moved_path = f"{world.commune_b_committee.path}{world.commune_a_committee.pk}."
    assert response.json()["ancestors"] == [world.province.pk, world.commune_b_committee.pk]
    assert Organization.objects.get(pk=world.cell_a1.pk).path == f"{moved_path}{world.cell_a1.pk}."
    assert Organization.objects.get(pk=world.cell_a1.pk).depth == 3


def test_move_creating_a_cycle_is_refused_and_paths_are_unchanged(world):
    before = tree()

    response = client_for(world.provincial_officer).post(
        url(world.commune_a_committee, "move"),
        {"new_parent": world.cell_a1.pk, "effective_date": today().isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "new_parent": ["An organization cannot be moved under itself or one of its own units."]
    }
    assert tree() == before


def test_move_under_an_organization_seen_but_not_managed_is_forbidden(world):
    officer = User.objects.create_user(username="hai_vai", password="demo")
    RoleAssignment.objects.create(
        user=officer, organization=world.commune_a_committee, role=Role.PROVINCIAL_OFFICER
    )
    RoleAssignment.objects.create(
        user=officer, organization=world.cell_b1, role=Role.CELL_SECRETARY
    )
    before = tree()

    response = client_for(officer).post(
        url(world.cell_a1, "move"),
        {"new_parent": world.cell_b1.pk, "effective_date": today().isoformat()},
        format="json",
    )

    assert response.status_code == 403
    assert tree() == before


def test_move_by_a_user_who_may_not_change_the_tree_is_forbidden(world):
    before = tree()

    response = client_for(world.commune_clerk).post(
        url(world.cell_a1, "move"),
        {"new_parent": world.cell_a2.pk, "effective_date": today().isoformat()},
        format="json",
    )

    assert response.status_code == 403
    assert tree() == before


def test_move_under_a_parent_out_of_scope_is_refused_as_unknown(world):
    officer = User.objects.create_user(username="huyen", password="demo")
    RoleAssignment.objects.create(
        user=officer, organization=world.commune_b_committee, role=Role.PROVINCIAL_OFFICER
    )
    before = tree()

    response = client_for(officer).post(
        url(world.cell_b1, "move"),
        {"new_parent": world.commune_a_committee.pk, "effective_date": today().isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "new_parent": [f'Invalid pk "{world.commune_a_committee.pk}" - object does not exist.']
    }
    assert tree() == before


def test_merge_ends_the_organization_and_moves_its_units(world):
    tomorrow = today() + datetime.timedelta(days=1)

    response = client_for(world.provincial_officer).post(
        url(world.commune_b_committee, "merge"),
        {"into": world.commune_a_committee.pk, "effective_date": tomorrow.isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["merged_into"], body["valid_until"], body["is_current"]) == (
        world.commune_b_committee.pk,
        world.commune_a_committee.pk,
        today().isoformat(),
        False,
    )
    cell = Organization.objects.get(pk=world.cell_b1.pk)
    assert (cell.parent_id, cell.path) == (
        world.commune_a_committee.pk,
        f"{world.commune_a_committee.path}{cell.pk}.",
    )


def test_merge_into_itself_is_refused(world):
    tomorrow = today() + datetime.timedelta(days=1)
    before = tree()

    response = client_for(world.provincial_officer).post(
        url(world.cell_a1, "merge"),
        {"into": world.cell_a1.pk, "effective_date": tomorrow.isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"into": ["An organization cannot be merged into itself."]}
    assert tree() == before
    assert Organization.objects.get(pk=world.cell_a1.pk).valid_until is None


def count_list_queries(client: APIClient, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST_URL, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("cast", ["commune_clerk", "provincial_officer", "root_user"])
def test_list_queries_do_not_grow_with_rows(world, django_assert_max_num_queries, cast):
    client = client_for(world.user(cast))
    few = count_list_queries(client, {"kind": "cell"})
    for number in range(20):
        create_organization(
            by=world.root_user,
            name=f"Chi bộ tổ {number + 10}",
            kind="cell",
            side="residential",
            parent=world.commune_a_committee,
            administrative_unit=world.commune_a,
            community=world.community_a1 if number % 2 else None,
        )

    with django_assert_max_num_queries(few):
        response = client.get(LIST_URL, {"kind": "cell"})

    assert response.json()["count"] > 20


def test_create_refuses_a_pre_2025_unit_on_the_field(world):
    old = tran_phu_of_ha_giang(world.commune_a)
    before = Organization.objects.count()

    response = client_for(world.provincial_officer).post(
        LIST_URL,
        {
            "name": "Chi bộ Y",
            "kind": "cell",
            "side": "residential",
            "parent": world.commune_a_committee.pk,
            "administrative_unit": old.pk,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "administrative_unit": [
            "Phường Trần Phú ceased to exist on 30/06/2025: choose the administrative unit "
            "in force on that date."
        ]
    }
    assert Organization.objects.count() == before
