"""Member records through the REST API: scoping, search, masking, writes via the services."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import member_fields
from lienhe213.core.models import AuditEvent
from lienhe213.members.models import Member
from lienhe213.members.services import create_member, update_member

LIST_URL = "/api/v1/members/"
ID_FILTERS = {"organization", "residence_commune"}


def client_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def detail_url(member: Member | int) -> str:
    return f"{LIST_URL}{getattr(member, 'pk', member)}/"


def listed_ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def new_member_payload(world, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "family_name": "Trần",
        "middle_name": "Minh",
        "given_name": "Châu",
        "gender": "male",
        "birth_date": "1990-02-03",
        "joined_on": "2015-09-02",
        "organization": world.cell_a1.pk,
        "party_card_number": "55512345",
        "citizen_id": "002090007777",
    }
    payload.update(overrides)
    return payload


def test_commune_clerk_lists_only_members_of_the_commune(world):
    ids = listed_ids(client_for(world.commune_clerk).get(LIST_URL))

    assert ids == [world.member_a1.pk]


def test_member_role_lists_only_its_own_record(world):
    ids = listed_ids(client_for(world.member_user).get(LIST_URL))

    assert ids == [world.member_w1.pk]


def test_stranger_lists_nobody(world):
    response = client_for(world.stranger).get(LIST_URL)

    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_list_is_in_vietnamese_name_order(world):
    ids = listed_ids(client_for(world.provincial_officer).get(LIST_URL))

    # Đức < Hoa < Pọm: given names first, đ after d.
    assert ids == [world.member_w1.pk, world.member_a1.pk, world.member_b1.pk]


def test_list_masks_the_citizen_id(world):
    response = client_for(world.commune_clerk).get(LIST_URL)

    row = response.json()["results"][0]
    assert row["masked_citizen_id"] == "002••••••234"
    assert "citizen_id" not in row
    assert row["full_name"] == "Đặng Thị Hoa"
    assert row["organization_name"] == "Chi bộ tổ 1"
    assert row["version"] == 1


def test_search_ignores_accents_and_case(world):
    response = client_for(world.provincial_officer).get(LIST_URL, {"q": "nguyen van duc"})

    assert listed_ids(response) == [world.member_w1.pk]


def test_search_stays_inside_the_users_scope(world):
    response = client_for(world.commune_clerk).get(LIST_URL, {"q": "van"})

    assert listed_ids(response) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"organization": "commune_a_committee"}, ["member_a1"]),
        ({"organization": "workplace"}, ["member_w1"]),
        ({"organization": "province"}, ["member_w1", "member_a1", "member_b1"]),
        ({"gender": "female"}, ["member_a1"]),
        ({"employment": "retired"}, ["member_a1"]),
        ({"employment": "working"}, ["member_w1", "member_b1"]),
        ({"residence_commune": "commune_b"}, ["member_b1"]),
        ({"residence_commune": "commune_a", "q": "hoa"}, ["member_a1"]),
    ],
)
def test_filters(world, params, expected):
    query = {k: getattr(world, v).pk if k in ID_FILTERS else v for k, v in params.items()}

    response = client_for(world.provincial_officer).get(LIST_URL, query)

    assert listed_ids(response) == [getattr(world, name).pk for name in expected]


def test_filter_on_an_organization_out_of_scope_is_refused(world):
    response = client_for(world.other_clerk).get(LIST_URL, {"organization": world.cell_a1.pk})

    assert response.status_code == 400
    assert list(response.json()) == ["organization"]


def test_detail_shows_the_full_citizen_id_to_an_editor(world):
    response = client_for(world.commune_clerk).get(detail_url(world.member_a1))

    assert response.status_code == 200
    body = response.json()
    assert body["citizen_id"] == "002185001234"
    assert body["masked_citizen_id"] == "002••••••234"
    assert body["party_card_number"] == "12345678"
    assert body["residence_community"] == world.community_a1.pk


def test_detail_hides_the_citizen_id_from_a_reader(world):
    response = client_for(world.secretary_a1).get(detail_url(world.member_a1))

    assert response.status_code == 200
    assert response.json()["citizen_id"] is None
    assert response.json()["masked_citizen_id"] == "002••••••234"


def test_member_reads_own_record_without_the_full_citizen_id(world):
    response = client_for(world.member_user).get(detail_url(world.member_w1))

    assert response.status_code == 200
    assert response.json()["citizen_id"] is None


@pytest.mark.parametrize("forged", ["member_b1", 999999])
def test_forged_or_out_of_scope_id_is_not_found(world, forged):
    target = getattr(world, forged) if isinstance(forged, str) else forged
    client = client_for(world.commune_clerk)

    read = client.get(detail_url(target))
    write = client.patch(detail_url(target), {"version": 1, "phone": "0912345678"}, "json")

    assert (read.status_code, write.status_code) == (404, 404)
    assert Member.objects.get(pk=world.member_b1.pk).phone == ""


def test_create_goes_through_the_service(world):
    response = client_for(world.commune_clerk).post(
        LIST_URL, new_member_payload(world), format="json"
    )

    assert response.status_code == 201, response.content
    member = Member.objects.get(party_card_number="55512345")
    assert response.json()["id"] == member.pk
    assert response.json()["citizen_id"] == "002090007777"
    assert (member.full_name, member.organization_id, member.search_text) == (
        "Trần Minh Châu",
        world.cell_a1.pk,
        "tran minh chau",
    )
    event = AuditEvent.objects.get(
        action="create", object_type="members.member", object_id=str(member.pk)
    )
    assert (event.actor_id, event.scope_path) == (world.commune_clerk.pk, world.cell_a1.path)


def test_create_with_a_malformed_citizen_id_changes_nothing(world):
    before = Member.objects.count()
    events = AuditEvent.objects.count()

    response = client_for(world.commune_clerk).post(
        LIST_URL, new_member_payload(world, citizen_id="12345"), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"citizen_id": ["A citizen ID has exactly 12 digits."]}
    assert Member.objects.count() == before
    assert AuditEvent.objects.count() == events


def test_create_with_a_wrong_province_code_in_the_citizen_id_is_refused(world):
    response = client_for(world.commune_clerk).post(
        LIST_URL, new_member_payload(world, citizen_id="099090007777"), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "citizen_id": ["The first three digits of a citizen ID are a province code (001–096)."]
    }
    assert not Member.objects.filter(citizen_id="099090007777").exists()


def test_create_with_a_duplicate_party_card_changes_nothing(world):
    before = Member.objects.count()

    response = client_for(world.commune_clerk).post(
        LIST_URL, new_member_payload(world, party_card_number="32345678"), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"party_card_number": ["Another member has this party card number."]}
    assert Member.objects.count() == before


def test_create_with_a_rule_broken_in_the_service_names_the_field(world):
    response = client_for(world.commune_clerk).post(
        LIST_URL, new_member_payload(world, joined_on="2005-01-01"), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"joined_on": ["A member is admitted at 18 or older."]}
    assert not Member.objects.filter(party_card_number="55512345").exists()


def test_create_in_an_organization_out_of_scope_is_refused(world):
    response = client_for(world.commune_clerk).post(
        LIST_URL, new_member_payload(world, organization=world.cell_b1.pk), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "organization": [f'Invalid pk "{world.cell_b1.pk}" - object does not exist.']
    }
    assert not Member.objects.filter(party_card_number="55512345").exists()


def test_update_goes_through_the_service_and_bumps_the_version(world):
    response = client_for(world.commune_clerk).patch(
        detail_url(world.member_a1), {"version": 1, "phone": "0912345678"}, format="json"
    )

    assert response.status_code == 200, response.content
    member = Member.objects.get(pk=world.member_a1.pk)
    assert (member.phone, member.version) == ("0912345678", 2)
    assert (response.json()["phone"], response.json()["version"]) == ("0912345678", 2)
    event = AuditEvent.objects.get(
        action="update", object_type="members.member", object_id=str(member.pk)
    )
    assert event.changes == {"phone": ["", "0912345678"]}


def test_update_with_a_stale_version_is_a_conflict_and_changes_nothing(world):
    update_member(by=world.root_user, member=world.member_a1, version=1, phone="0987654321")

    response = client_for(world.commune_clerk).patch(
        detail_url(world.member_a1), {"version": 1, "phone": "0912345678"}, format="json"
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This record was changed by someone else meanwhile. Reload it and try again.",
        "version": 2,
    }
    member = Member.objects.get(pk=world.member_a1.pk)
    assert (member.phone, member.version) == ("0987654321", 2)


def test_update_requires_the_version(world):
    response = client_for(world.commune_clerk).patch(
        detail_url(world.member_a1), {"phone": "0912345678"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"version": ["This field is required."]}
    assert Member.objects.get(pk=world.member_a1.pk).phone == ""


def test_update_to_a_duplicate_party_card_changes_nothing(world):
    response = client_for(world.commune_clerk).patch(
        detail_url(world.member_a1),
        {"version": 1, "party_card_number": "32345678"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"party_card_number": ["Another member has this party card number."]}
    member = Member.objects.get(pk=world.member_a1.pk)
    assert (member.party_card_number, member.version) == ("12345678", 1)


def test_update_keeping_its_own_party_card_is_accepted(world):
    response = client_for(world.commune_clerk).patch(
        detail_url(world.member_a1),
        {"version": 1, "party_card_number": "12345678", "workplace_name": "Hưu trí"},
        format="json",
    )

    assert response.status_code == 200
    assert Member.objects.get(pk=world.member_a1.pk).workplace_name == "Hưu trí"


def test_update_moving_a_member_out_of_the_editors_scope_is_refused(world):
    response = client_for(world.commune_clerk).patch(
        detail_url(world.member_a1),
        {"version": 1, "organization": world.cell_b1.pk},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["organization"]
    assert Member.objects.get(pk=world.member_a1.pk).organization_id == world.cell_a1.pk


def test_put_is_not_allowed(world):
    payload = new_member_payload(world, version=1)

    response = client_for(world.commune_clerk).put(
        detail_url(world.member_a1), payload, format="json"
    )

    assert response.status_code == 405
    assert Member.objects.get(pk=world.member_a1.pk).given_name == "Hoa"


def count_list_queries(client: APIClient, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST_URL, params or {}).status_code == 200
    return len(queries)


@pytest.mark.parametrize("cast", ["commune_clerk", "provincial_officer", "member_user"])
def test_list_queries_do_not_grow_with_rows(world, django_assert_max_num_queries, cast):
    client = client_for(world.user(cast))
    few = count_list_queries(client, {"q": "a"})
    for number in range(20):
        create_member(
            by=world.root_user,
            **member_fields(
                world.cell_a2,
                given_name=f"An {number}",
                party_card_number=f"7000{number:04d}",
                residence_commune=world.commune_a,
                residence_community=world.community_a2,
            ),
        )

    with django_assert_max_num_queries(few):
        response = client.get(LIST_URL, {"q": "a"})

    assert response.status_code == 200
