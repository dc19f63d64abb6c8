from django.urls import reverse

from conftest import grant
from lienhe213.accounts.models import Role


def _sections(response):
    return [(s.kind, s.organization, s.numbers) for s in response.context["sections"]]


def test_login_page_has_the_expected_fields(client, world):
    html = client.get(reverse("accounts:login")).content.decode()

    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'type="submit"' in html


def test_login_then_home(client, world):
    response = client.post(reverse("accounts:login"), {"username": "xa", "password": "demo"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    assert client.get(reverse("accounts:home")).status_code == 200


def test_login_with_wrong_password_stays_on_the_form(client, world):
    response = client.post(reverse("accounts:login"), {"username": "xa", "password": "wrong"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["__all__"]
    assert "_auth_user_id" not in client.session


def test_logout_by_post(client, world):
    client.force_login(world.commune_clerk)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_numbers_of_provincial_officer(client, world):
    client.force_login(world.provincial_officer)

    response = client.get(reverse("accounts:numbers"))

    assert _sections(response) == [
        (
            "overview",
            world.province,
            {
                "by_kind": [("Cell", 4), ("Grassroots committee", 3), ("Provincial committee", 1)],
                "communes": 2,
                "members": 3,
                "working": 2,
            },
        )
    ]


def test_numbers_of_commune_clerk(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("accounts:numbers"))

    assert _sections(response) == [
        (
            "commune",
            world.commune_a_committee,
            {
                "cells": 2,
                "members": 1,
                "working": 0,
                "top_cells": [
                    {
                        "organization_id": world.cell_a1.pk,
                        "organization__name": "Chi bộ tổ 1",
                        "n": 1,
                    }
                ],
            },
        )
    ]


def test_numbers_of_cell_secretary_and_workplace_officer(client, world):
    client.force_login(world.secretary_a2)
    secretary = client.get(reverse("accounts:numbers"))
    client.force_login(world.workplace_officer)
    officer = client.get(reverse("accounts:numbers"))

    assert _sections(secretary) == [("cell_secretary", world.cell_a2, {"members": 0, "working": 0})]
    assert _sections(officer) == [
        ("workplace_officer", world.workplace, {"members": 1, "working": 1})
    ]


def test_home_of_member_shows_own_record(client, world):
    client.force_login(world.member_user)

    response = client.get(reverse("accounts:home"))

    assert _sections(response) == [("member", world.workplace_cell, {"record": world.member_w1})]
    assert reverse("members:detail", args=[world.member_w1.pk]) in response.content.decode()


def test_numbers_have_a_section_per_role(client, world):
    grant(world.secretary_a1, world.workplace, Role.WORKPLACE_OFFICER)
    client.force_login(world.secretary_a1)

    response = client.get(reverse("accounts:numbers"))

    assert [(kind, org) for kind, org, _n in _sections(response)] == [
        ("cell_secretary", world.cell_a1),
        ("workplace_officer", world.workplace),
    ]


def test_numbers_of_stranger_have_no_sections(client, world):
    client.force_login(world.stranger)

    response = client.get(reverse("accounts:numbers"))

    assert _sections(response) == []


def test_numbers_query_count_is_small(client, world, django_assert_max_num_queries):
    client.force_login(world.provincial_officer)

    with django_assert_max_num_queries(11):  # two of them count the meeting flags
        client.get(reverse("accounts:numbers"))
