"""The identifiers as a secret and as a key: a citizen ID shown masked cannot be found by
searching (defect 1), and an identifier typed in other digits is the same identity
(defect 5); a second member with the same name and date of birth is confirmed first."""

import io
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import member_fields
from lienhe213.core.errors import DomainError
from lienhe213.members import validators
from lienhe213.members.access import reveal_citizen_id
from lienhe213.members.models import Member
from lienhe213.members.services import create_member

LIST_URL = "/api/v1/members/"
CITIZEN_ID_A1 = "002185001234"  # member_a1's, shown to chibo1 as 002••••••234

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def api_client(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def api_search(user, text: str) -> list[int]:
    response = api_client(user).get(LIST_URL, {"q": text})
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def page_search(client, user, text: str) -> list[int]:
    client.force_login(user)
    response = client.get(reverse("members:list"), {"q": text})
    assert response.status_code == 200
    return [member.pk for member in response.context["page"].rows]


# --- defect 1: a masked citizen ID cannot be recovered by searching -------------------


def test_the_cell_secretary_sees_the_citizen_id_masked(world):
    response = api_client(world.secretary_a1).get(f"{LIST_URL}{world.member_a1.pk}/")

    assert response.json()["citizen_id"] is None
    assert response.json()["masked_citizen_id"] == "002••••••234"


def test_brute_forcing_the_hidden_digits_finds_nothing_in_the_api(world):
    # The masked form leaves 3 digits unknown; every candidate, the true one included.
    candidates = [f"002185{n:03d}234" for n in range(995, 1000)] + [
        f"002185{n:03d}234" for n in range(0, 5)
    ]
    assert CITIZEN_ID_A1 in candidates

    found = {text: api_search(world.secretary_a1, text) for text in candidates}

    assert found == {text: [] for text in candidates}


@pytest.mark.parametrize(
    "text",
    [
        CITIZEN_ID_A1,
        "002185001",  # the start
        "85001234",  # the end
        CITIZEN_ID_A1.translate(FULLWIDTH),
        CITIZEN_ID_A1.translate(ARABIC_INDIC),
    ],
)
def test_the_cell_secretary_cannot_match_the_citizen_id_in_the_api_or_the_page(client, world, text):
    assert api_search(world.secretary_a1, text) == []
    assert page_search(client, world.secretary_a1, text) == []


def test_the_cell_secretary_still_finds_the_member_by_name_and_card(client, world):
    assert api_search(world.secretary_a1, "dang hoa") == [world.member_a1.pk]
    assert page_search(client, world.secretary_a1, "hoa 1234") == [world.member_a1.pk]


def test_a_citizen_id_with_a_name_matches_nothing_for_the_cell_secretary(world):
    # every word must match: the ID word matches nothing, so the whole query does not
    assert api_search(world.secretary_a1, f"hoa {CITIZEN_ID_A1}") == []


@pytest.mark.parametrize(
    "text",
    [
        CITIZEN_ID_A1,
        CITIZEN_ID_A1.translate(FULLWIDTH),
        CITIZEN_ID_A1.translate(ARABIC_INDIC),
    ],
)
def test_the_commune_clerk_who_sees_the_id_finds_the_member_by_it(client, world, text):
    assert api_search(world.commune_clerk, text) == [world.member_a1.pk]
    assert page_search(client, world.commune_clerk, text) == [world.member_a1.pk]


@pytest.mark.parametrize("text", ["002185001", "85001234"])
def test_a_citizen_id_is_never_matched_in_part_even_for_the_clerk(client, world, text):
    assert api_search(world.commune_clerk, text) == []
    assert page_search(client, world.commune_clerk, text) == []


@pytest.mark.parametrize(
    ("actor", "text", "expected"),
    [
        ("root_user", CITIZEN_ID_A1, ["member_a1"]),
        ("provincial_officer", CITIZEN_ID_A1, ["member_a1"]),
        ("commune_clerk", CITIZEN_ID_A1, ["member_a1"]),
        ("secretary_a1", CITIZEN_ID_A1, []),
        ("secretary_a2", CITIZEN_ID_A1, []),
        ("other_clerk", CITIZEN_ID_A1, []),
        ("workplace_officer", "002085004321", ["member_w1"]),
        # the member role sees its own record, with the ID masked
        ("member_user", "002085004321", []),
        ("stranger", "002085004321", []),
    ],
)
def test_search_matches_a_citizen_id_exactly_where_the_record_reveals_it(
    world, actor, text, expected
):
    user = world.user(actor)

    found = Member.objects.visible_to(user).search(text, user=user)

    assert sorted(found.values_list("pk", flat=True)) == sorted(
        getattr(world, name).pk for name in expected
    )


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("root_user", ["member_a1", "member_w1", "member_b1"]),
        ("commune_clerk", ["member_a1"]),
        ("secretary_a1", []),
        ("workplace_officer", ["member_w1"]),
        ("member_user", []),
    ],
)
def test_citizen_id_readable_by_is_who_the_record_reveals_it_to(world, actor, expected):
    user = world.user(actor)
    readable = Member.objects.citizen_id_readable_by(user)

    assert sorted(readable.values_list("pk", flat=True)) == sorted(
        getattr(world, name).pk for name in expected
    )
    revealed = [
        name
        for name in ("member_a1", "member_w1")
        if reveal_citizen_id(user, getattr(world, name)) is not None
    ]
    assert revealed == [name for name in expected if name != "member_b1"]


def test_the_export_of_a_search_by_citizen_id_is_empty_for_the_cell_secretary(client, world):
    client.force_login(world.secretary_a1)

    response = client.get(reverse("members:list"), {"q": CITIZEN_ID_A1, "format": "xlsx"})

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][1] == "Full name"
    assert rows[1:] == []


def test_the_export_of_a_search_by_citizen_id_holds_the_member_for_the_clerk(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("members:list"), {"q": CITIZEN_ID_A1, "format": "xlsx"})

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["Đặng Thị Hoa"]


# --- defect 5: identifiers in other digits are the same identity ----------------------


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        ("citizen_id", "002190005555".translate(FULLWIDTH), "002190005555"),
        ("citizen_id", "002190005555".translate(ARABIC_INDIC), "002190005555"),
        ("citizen_id", "002 190 005 555", "002190005555"),
        ("party_card_number", "55512345".translate(FULLWIDTH), "55512345"),
        ("party_card_number", "55512345".translate(ARABIC_INDIC), "55512345"),
        ("party_card_number", "55.512345".translate(FULLWIDTH), "55512345"),
        ("dossier_number", "ＨＳ－１２/２０１０", "HS-12/2010"),
        ("phone", "0912 345 678".translate(FULLWIDTH), "0912 345 678"),
    ],
)
def test_identifiers_in_other_digits_are_stored_in_ascii(world, field, typed, stored):
    member = create_member(
        by=world.root_user,
        **member_fields(world.cell_a2, given_name="Mai", **{field: typed}),
    )

    member.refresh_from_db()
    assert getattr(member, field) == stored


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("citizen_id", CITIZEN_ID_A1.translate(FULLWIDTH), "Another member has this citizen ID."),
        (
            "citizen_id",
            CITIZEN_ID_A1.translate(ARABIC_INDIC),
            "Another member has this citizen ID.",
        ),
        (
            "party_card_number",
            "12345678".translate(FULLWIDTH),
            "Another member has this party card number.",
        ),
        (
            "party_card_number",
            "12345678".translate(ARABIC_INDIC),
            "Another member has this party card number.",
        ),
    ],
)
def test_a_duplicate_typed_in_other_digits_is_refused(world, field, typed, message):
    with pytest.raises(DomainError) as caught:
        create_member(
            by=world.root_user, **member_fields(world.cell_a2, given_name="Mai", **{field: typed})
        )

    assert (caught.value.field, str(caught.value)) == (field, message)
    assert not Member.objects.filter(given_name="Mai").exists()


def test_the_api_refuses_a_duplicate_citizen_id_in_fullwidth_digits(world):
    payload = {
        "family_name": "Trần",
        "given_name": "Mai",
        "gender": "female",
        "birth_date": "1990-02-03",
        "joined_on": "2015-09-02",
        "organization": world.cell_a1.pk,
        "citizen_id": CITIZEN_ID_A1.translate(FULLWIDTH),
    }

    response = api_client(world.commune_clerk).post(LIST_URL, payload, format="json")

    assert response.status_code == 400
    assert response.json() == {"citizen_id": ["Another member has this citizen ID."]}


def test_the_page_form_stores_a_fullwidth_citizen_id_in_ascii(client, world):
    client.force_login(world.commune_clerk)
    data = {
        "family_name": "Trần",
        "given_name": "Mai",
        "gender": "female",
        "birth_date": "1990-02-01",
        "joined_on": "2015-03-02",
        "organization": world.cell_a2.pk,
        "employment": "working",
        "citizen_id": "002190005555".translate(FULLWIDTH),
    }

    response = client.post(reverse("members:create"), data)

    assert response.status_code == 302
    assert Member.objects.get(given_name="Mai").citizen_id == "002190005555"


@pytest.mark.parametrize(
    "value",
    [
        "002190005555".translate(FULLWIDTH),
        "002190005555".translate(ARABIC_INDIC),
        "002190005555",
    ],
)
def test_the_citizen_id_validator_accepts_digits_that_normalise_to_ascii(value):
    validators.validate_citizen_id(value)  # no error


@pytest.mark.parametrize(
    ("pattern", "value"),
    [
        (validators.CITIZEN_ID_RE, "002190005555".translate(FULLWIDTH)),
        (validators.CITIZEN_ID_RE, "002190005555".translate(ARABIC_INDIC)),
        (validators.CITIZEN_ID_RE, "002190005555\n"),
        (validators.PARTY_CARD_RE, "55512345".translate(FULLWIDTH)),
        (validators.PARTY_CARD_RE, "55512345".translate(ARABIC_INDIC)),
    ],
)
def test_the_identifier_patterns_match_ascii_digits_only(pattern, value):
    assert pattern.fullmatch(value) is None


@pytest.mark.parametrize("value", ["00219000555５x", "00219000555", "0021900055555"])
def test_the_citizen_id_validator_still_refuses_what_is_not_12_digits(value):
    with pytest.raises(ValidationError) as caught:
        validators.validate_citizen_id(value)

    assert caught.value.messages == ["A citizen ID has exactly 12 digits."]


def test_a_name_typed_decomposed_is_stored_composed(world):
    typed = {
        "family_name": unicodedata.normalize("NFD", "Nguyễn"),
        "middle_name": unicodedata.normalize("NFD", "Thị  Ánh"),
        "given_name": unicodedata.normalize("NFD", "Hoà"),
    }
    assert typed["family_name"] != "Nguyễn"

    member = create_member(by=world.root_user, **member_fields(world.cell_a2, **typed))

    member.refresh_from_db()
    assert (member.family_name, member.middle_name, member.given_name) == (
        "Nguyễn",
        "Thị Ánh",
        "Hoà",
    )
    assert member.search_text == "nguyen thi anh hoa"
    assert list(Member.objects.filter(family_name="Nguyễn", given_name="Hoà")) == [member]


# --- a second member with the same name and date of birth -----------------------------


def _new_member_form(world, **overrides):
    data = {
        "family_name": "đặng",
        "middle_name": "thị",
        "given_name": "HOA",  # member_a1's name, typed otherwise
        "gender": "female",
        "birth_date": "1985-03-14",  # and her date of birth
        "joined_on": "2015-03-02",
        "organization": world.cell_a2.pk,
        "employment": "working",
    }
    data.update(overrides)
    return data


NAMESAKE_WARNING = (
    "A member with the same name and date of birth is already registered: "
    "Đặng Thị Hoa (Chi bộ tổ 1). If this is a different person, tick “This is a "
    "different person with the same name and date of birth” and save again."
)


def test_the_page_form_warns_of_a_namesake_and_asks_to_confirm(client, world):
    client.force_login(world.commune_clerk)

    response = client.post(reverse("members:create"), _new_member_form(world))

    assert response.status_code == 200
    assert response.context["form"].errors == {"__all__": [NAMESAKE_WARNING]}
    assert 'type="checkbox" name="confirm_namesake"' in response.content.decode()
    assert Member.objects.filter(birth_date="1985-03-14", given_name__iexact="hoa").count() == 1


def test_the_page_form_registers_a_confirmed_namesake(client, world):
    client.force_login(world.commune_clerk)

    response = client.post(
        reverse("members:create"), _new_member_form(world, confirm_namesake="on")
    )

    created = Member.objects.exclude(pk=world.member_a1.pk).get(given_name="HOA")
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[created.pk])


def test_the_confirmation_is_hidden_when_there_is_no_namesake(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("members:create"))

    assert '<input type="hidden" name="confirm_namesake"' in response.content.decode()
    assert 'type="checkbox" name="confirm_namesake"' not in response.content.decode()


def test_another_birth_date_is_no_namesake(client, world):
    client.force_login(world.commune_clerk)

    response = client.post(
        reverse("members:create"), _new_member_form(world, birth_date="1985-03-15")
    )

    assert response.status_code == 302


def test_a_namesake_the_user_cannot_see_is_not_named(client, world):
    client.force_login(world.other_clerk)  # commune B: Đặng Thị Hoa is in commune A

    response = client.post(
        reverse("members:create"), _new_member_form(world, organization=world.cell_b1.pk)
    )

    assert response.status_code == 302
    assert Member.objects.filter(birth_date="1985-03-14", given_name__iexact="hoa").count() == 2


def test_the_edit_form_asks_no_confirmation(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("members:edit", args=[world.member_a1.pk]))

    assert "confirm_namesake" not in response.content.decode()


def test_the_api_registers_a_namesake_and_warns(world):
    payload = {
        "family_name": "Đặng",
        "middle_name": "Thị",
        "given_name": "Hoa",
        "gender": "female",
        "birth_date": "1985-03-14",
        "joined_on": "2015-09-02",
        "organization": world.cell_a1.pk,
    }

    response = api_client(world.commune_clerk).post(LIST_URL, payload, format="json")

    assert response.status_code == 201
    assert response.json()["warnings"] == [
        f"Đặng Thị Hoa (id {world.member_a1.pk}, Chi bộ tổ 1) has the same name and date of birth."
    ]
    assert Member.objects.filter(pk=response.json()["id"]).exists()


def test_the_api_gives_no_warning_without_a_namesake(world):
    payload = {
        "family_name": "Trần",
        "given_name": "Mai",
        "gender": "female",
        "birth_date": "1990-02-03",
        "joined_on": "2015-09-02",
        "organization": world.cell_a1.pk,
    }

    response = api_client(world.commune_clerk).post(LIST_URL, payload, format="json")

    assert response.status_code == 201
    assert response.json()["warnings"] == []
