"""The restructuring page: the province moves the open links a merged commune or cell
still holds, from the worklist, through the form as rendered; every refusal leaves the
book as it was."""

import datetime

import pytest
from django.urls import reverse

from lienhe213.organizations.models import Organization
from lienhe213.organizations.services import merge_organizations
from lienhe213.registry import services
from lienhe213.registry.models import LinkEvent, ResidenceLink
from lienhe213.registry.tests.conftest import MONDAY, TODAY, book_state, classify, link_at

DAY = datetime.timedelta(days=1)


@pytest.fixture
def merged(world):
    """A letter to commune B, which then merged into commune A (a month ago)."""
    classify(world)
    link = services.issue_letter(
        by=world.root_user,
        workplace=world.workplace,
        member=world.member_w1,
        issued_on=MONDAY,
        residence_commune=world.commune_b_committee,
    )
    # the cast was founded today; the merge of a month ago needs an older commune B
    Organization.objects.filter(pk=world.commune_b_committee.pk).update(
        valid_from=datetime.date(2020, 1, 1)
    )
    world.commune_b_committee.refresh_from_db()
    merge_organizations(
        by=world.root_user,
        absorbed=world.commune_b_committee,
        into=world.commune_a_committee,
        effective_date=TODAY - 30 * DAY,
    )
    return link


@pytest.fixture(autouse=True)
def logged_in(client, world):
    """The provincial officer, logged in before any test takes the book's state (a
    login writes an audit row)."""
    client.force_login(world.provincial_officer)


def _page(client, world, source, **query):
    return client.get(reverse("registry:remap", args=[source.pk]), query)


def _post(client, world, source, **data):
    return client.post(reverse("registry:remap", args=[source.pk]), data)


def test_the_worklist_offers_to_remap_the_former_commune(client, world, merged):
    response = client.get(reverse("registry:worklist", args=[world.province.pk]))

    assert response.context["ended_holders"] == [(world.commune_b_committee, 1)]
    assert reverse("registry:remap", args=[world.commune_b_committee.pk]) in (
        response.content.decode()
    )


def test_the_worklist_offers_nothing_to_whom_may_not_remap(client, world, merged):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("registry:worklist", args=[world.commune_a_committee.pk]))

    assert response.context["ended_holders"] == []


def test_the_page_shows_what_is_held_and_proposes_the_successor(client, world, merged):
    response = _page(client, world, world.commune_b_committee)

    assert response.context["held"] == 1
    assert response.context["by_cell"] == [(None, 1)]  # issued, not yet in a cell
    assert "Not yet assigned to a cell" in response.content.decode()
    assert response.context["commune"] == world.commune_a_committee
    form = response.context["form"]
    assert form.initial["effective_on"] == TODAY - 30 * DAY
    assert "Đảng bộ phường Hà Giang 1" in response.content.decode()


def test_moving_the_links_through_the_form(client, world, merged):
    effective = TODAY - 30 * DAY

    response = _post(
        client,
        world,
        world.commune_b_committee,
        commune=world.commune_a_committee.pk,
        effective_on=effective.isoformat(),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("registry:worklist", args=[world.commune_a_committee.pk])
    merged.refresh_from_db()
    assert merged.residence_commune_organization == world.commune_a_committee
    event = LinkEvent.objects.get(link=merged, kind="remapped")
    assert (event.on, event.before["names"][0]) == (effective, "Đảng bộ xã Lâm Bình")
    worklist = client.get(response["Location"])
    assert worklist.context["ended_holders"] == []


def test_a_second_submit_moves_nothing_and_says_so(client, world, merged):
    data = {
        "commune": world.commune_a_committee.pk,
        "effective_on": (TODAY - 30 * DAY).isoformat(),
    }
    _post(client, world, world.commune_b_committee, **data)
    before = book_state()

    response = _post(client, world, world.commune_b_committee, **data)

    assert response.status_code == 200
    assert "nothing was changed" in str(response.context["form"].non_field_errors())
    assert book_state() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"commune": "cell_a1"}, "commune"),  # a cell is not a commune committee
        ({"commune": "999999"}, "commune"),  # a forged id
        ({"commune": "commune_a_committee", "effective_on": "31/02/2025"}, "effective_on"),
        ({"commune": "commune_a_committee", "cell": "workplace_cell"}, "cell"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(client, world, merged, data, field):
    values = {"effective_on": TODAY.isoformat()}
    for key, value in data.items():
        values[key] = getattr(world, value).pk if hasattr(world, value) else value
    before = book_state()

    response = _post(client, world, world.commune_b_committee, **values)

    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert book_state() == before


def test_a_cell_source_needs_the_cell_that_took_it_over(client, world):
    link = link_at(world, "active")  # held by cell A2
    before = book_state()
    data = {"commune": world.commune_a_committee.pk, "effective_on": "2025-08-01"}

    refused = _post(client, world, world.cell_a2, **data)

    assert "Choose the cell" in str(refused.context["form"].errors)
    assert book_state() == before

    moved = _post(client, world, world.cell_a2, cell=world.cell_a1.pk, **data)

    assert moved.status_code == 302
    assert ResidenceLink.objects.get(pk=link.pk).residence_cell == world.cell_a1


def test_a_workplace_unit_has_no_remap_page(client, world):
    assert _page(client, world, world.workplace).status_code == 404
