"""Assigning a member to a cell on a phone (issue 11): the cells in the order of their
numbers with no ready-made choice but the cell of the member's own community, a warning
when the clerk chooses another, and the step the link waits for unfolded."""

import datetime

from django.contrib.messages import get_messages
from django.urls import reverse

from lienhe213.organizations.models import Community
from lienhe213.organizations.services import create_organization
from lienhe213.registry.tests.conftest import MONDAY, link_at
from lienhe213.registry.tests.test_views import step, step_form

ASSIGNED = MONDAY + datetime.timedelta(days=8)  # the day after link_at's receipt


def _cell(world, number):
    community = Community.objects.create(
        commune=world.commune_a, name=f"Tổ {number}", kind="residential_group"
    )
    return create_organization(
        by=world.root_user,
        name=f"Chi bộ tổ {number}",
        kind="cell",
        side="residential",
        parent=world.commune_a_committee,
        administrative_unit=world.commune_a,
        community=community,
    )


def _open_steps(response):
    return [form.prefix for _url, _title, form, unfolded in response.context["steps"] if unfolded]


def test_the_cells_come_in_number_order_with_the_members_own_suggested(client, world):
    # given a received letter of Đức, who lives in Tổ 2, and a commune with a cell of Tổ 10
    _cell(world, 10)
    link = link_at(world, "received")
    client.force_login(world.commune_clerk)

    # when the clerk opens the link
    form = step_form(client.get(reverse("registry:link_detail", args=[link.pk])), "assign")

    # then the cells read 1, 2, 10 after "Choose a cell", and Tổ 2's cell is suggested
    assert [label for _value, label in form.fields["cell"].choices] == [
        "Choose a cell",
        "Chi bộ tổ 1",
        "Chi bộ tổ 2",
        "Chi bộ tổ 10",
    ]
    assert form["cell"].value() == world.cell_a2.pk
    assert form.fields["cell"].help_text == (
        "Suggested from the member's address: Chi bộ tổ 2 is the cell of Tổ 2."
    )


def test_nothing_is_chosen_for_a_member_whose_community_is_unknown(client, world):
    world.member_w1.residence_community = None
    world.member_w1.save(update_fields=["residence_community"])
    link = link_at(world, "received")
    client.force_login(world.commune_clerk)

    form = step_form(client.get(reverse("registry:link_detail", args=[link.pk])), "assign")

    assert form["cell"].value() is None
    assert form.fields["cell"].help_text == ""


def test_another_cell_than_the_addresss_is_assigned_with_a_warning(client, world):
    link = link_at(world, "received")
    client.force_login(world.commune_clerk)

    response = step(client, link, "assign", on=ASSIGNED, cell=world.cell_a1.pk)

    link.refresh_from_db()
    assert link.residence_cell == world.cell_a1
    assert [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)] == [
        (
            "success",
            "The member was assigned to Chi bộ tổ 1; its secretary is told to take the member in.",
        ),
        (
            "warning",
            "The member's address is in Tổ 2, which is not the community of Chi bộ tổ 1. "
            "Check the address, or move the member if this was a mistake.",
        ),
    ]


def test_the_suggested_cell_is_assigned_without_a_warning(client, world):
    link = link_at(world, "received")
    client.force_login(world.commune_clerk)

    response = step(client, link, "assign", on=ASSIGNED, cell=world.cell_a2.pk)

    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]


def test_the_step_the_link_waits_for_is_unfolded_for_its_side(client, world):
    issued = link_at(world, "issued")
    page = reverse("registry:link_detail", args=[issued.pk])

    client.force_login(world.commune_clerk)
    at_the_commune = _open_steps(client.get(page))
    client.force_login(world.workplace_officer)
    at_the_workplace = _open_steps(client.get(page))

    assert at_the_commune == ["receive"]
    assert at_the_workplace == []  # its steps (a move, an exemption…) wait for events
