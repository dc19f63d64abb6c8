"""The notices index: one organization leads straight to its inbox, several to a list
with what waits and what is overdue in each box; a member without a committee role
reads no notices."""

import pytest
from django.urls import reverse

from conftest import grant
from lienhe213.accounts.models import Role
from lienhe213.notices.models import Kind
from lienhe213.notices.tests.conftest import send


@pytest.mark.parametrize(
    ("name", "org"),
    [
        ("secretary_a1", "cell_a1"),
        ("commune_clerk", "commune_a_committee"),
        ("workplace_officer", "workplace"),
        ("provincial_officer", "province"),
        ("root_user", "province"),
    ],
)
def test_one_organization_leads_to_its_inbox(client, world, name, org):
    client.force_login(world.user(name))

    response = client.get(reverse("notices:index"))

    assert response.status_code == 302
    assert response["Location"] == reverse("notices:inbox", args=[getattr(world, org).pk])


@pytest.mark.parametrize("name", ["stranger", "member_user"])
def test_without_a_committee_role_is_403(client, world, name):
    client.force_login(world.user(name))

    assert client.get(reverse("notices:index")).status_code == 403


def test_several_organizations_are_listed_with_waiting_and_overdue_counts(
    client, world, active, django_assert_max_num_queries
):
    # given a violation (cell A2 → workplace, answer due 31/03/2025, now overdue) and a
    # retirement (workplace → commune A, no answer due)
    send(world, active)
    send(world, active, kind=Kind.RETIREMENT)
    grant(world.commune_clerk, world.workplace, Role.WORKPLACE_OFFICER)
    client.force_login(world.commune_clerk)

    # when
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notices:index"))

    # then
    assert response.status_code == 200
    counts = [(org.name, n) for org, n in response.context["rows"]]
    assert counts == [
        (
            world.commune_a_committee.name,
            {"inbox_waiting": 1, "inbox_overdue": 0, "outbox_waiting": 1, "outbox_overdue": 1},
        ),
        (
            world.workplace.name,
            {"inbox_waiting": 1, "inbox_overdue": 1, "outbox_waiting": 1, "outbox_overdue": 0},
        ),
    ]
    overdue_inbox = reverse("notices:inbox", args=[world.workplace.pk]) + "?overdue=on"
    assert f'<a class="badge overdue" href="{overdue_inbox}">1 overdue</a>' in response.text
