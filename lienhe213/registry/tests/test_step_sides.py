"""One rule for which side takes which step of a link (``registry.access``): the link
page offers the steps of ``allowed_steps``, and a user of the wrong side gets the same
403 and the same reason from the page and from the API, with nothing changed."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import member_fields
from lienhe213.core.errors import DomainError, StepRefused
from lienhe213.members.services import create_member
from lienhe213.registry import access, services
from lienhe213.registry.tests.conftest import MONDAY, book_state, link_at
from lienhe213.registry.views.links import STEP_TITLES

WORKPLACE = "You may not act for the workplace committee “Đảng bộ Sở Giáo dục và Đào tạo”."
COMMUNE = "You may not act for the commune committee “Đảng bộ phường Hà Giang 1”."
CELL = "You may not act for the residential cell “Chi bộ tổ 2”."

# step, its API action, the link's stage, a user of the wrong side, the reason given
WRONG_SIDE = [
    ("present", "present", "issued", "member_user", "You may not act on this letter."),
    ("receive", "receive", "issued", "workplace_officer", COMMUNE),
    ("receive", "receive", "assigned", "secretary_a2", COMMUNE),
    ("return", "return", "received", "workplace_officer", COMMUNE),
    ("assign", "assign", "received", "workplace_officer", COMMUNE),
    ("acknowledge", "acknowledge", "assigned", "commune_clerk", CELL),
    ("acknowledge", "acknowledge", "assigned", "workplace_officer", CELL),
    ("move", "move-residence", "active", "commune_clerk", WORKPLACE),
    (
        "change_workplace",
        "change-workplace",
        "active",
        "secretary_a2",
        "Only a workplace committee may do this.",
    ),
    ("exempt", "exempt", "active", "secretary_a2", WORKPLACE),
    ("retire", "retire", "active", "commune_clerk", WORKPLACE),
    ("end", "end", "active", "secretary_a2", WORKPLACE),
]


def second_member(world):
    """A second working member of the workplace, living in community A1."""
    fields = member_fields(
        world.workplace_cell,
        family_name="Trần",
        middle_name="Thị",
        given_name="Bình",
        gender="female",
        party_card_number="42345678",
        residence_commune=world.commune_a,
        residence_community=world.community_a1,
    )
    return create_member(by=world.root_user, **fields)


def api_post(user, url, data):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client.post(url, data, format="json")


@pytest.mark.parametrize(
    ("step", "action", "stage", "who", "reason"),
    [pytest.param(*case, id=f"{case[0]}-{case[3]}") for case in WRONG_SIDE],
)
def test_a_wrong_side_step_is_refused_alike_by_the_page_and_the_api(
    client, world, step, action, stage, who, reason
):
    # given a link at the stage, seen by a user who does not act for the step's side
    link = link_at(world, stage)
    user = world.user(who)
    client.force_login(user)
    before = book_state()

    # when the user takes the step on the page and through the API
    page = client.post(
        reverse(f"registry:{step}", args=[link.pk]),
        {f"{step}-version": link.version, f"{step}-on": "2025-03-20"},
    )
    api = api_post(user, f"/api/v1/links/{link.pk}/{action}/", {"version": link.version})

    # then both answer 403 with the same reason, and nothing changed
    assert page.status_code == 403
    assert [str(message) for message in get_messages(page.wsgi_request)] == [reason]
    assert reason in page.content.decode()
    assert (api.status_code, api.json()) == (403, {"detail": reason})
    assert book_state() == before


def test_the_refused_page_is_the_link_page_with_the_users_own_steps(client, world):
    # given an issued letter and the workplace officer, who may not receive it
    link = link_at(world, "issued")
    client.force_login(world.workplace_officer)

    # when they post the commune's step
    response = client.post(
        reverse("registry:receive", args=[link.pk]),
        {"receive-version": link.version, "receive-on": "2025-03-20"},
    )

    # then the link page answers 403 and offers only the workplace's steps
    assert response.status_code == 403
    assert response.context["link"] == link
    assert [title for _url, title, _form, _open in response.context["steps"]] == [
        "Record presentation",
        "Moved to another residence",
        "Change workplace",
        "Temporary exemption",
        "Left the party or died",
    ]


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        pytest.param(
            lambda w, link: services.receive_letter(
                by=w.workplace_officer, link=link, received_on=MONDAY
            ),
            COMMUNE,
            id="receive",
        ),
        pytest.param(
            lambda w, link: services.record_presentation(
                by=w.member_user, link=link, presented_on=MONDAY
            ),
            "You may not act on this letter.",
            id="present",
        ),
        pytest.param(
            lambda w, link: services.end_link_for_departure(
                by=w.commune_clerk, link=link, ended_on=MONDAY, reason="died"
            ),
            WORKPLACE,
            id="end",
        ),
    ],
)
def test_a_service_refuses_the_wrong_side_with_the_same_refusal(world, call, reason):
    # given an issued letter
    link = link_at(world, "issued")
    before = book_state()

    # when a user of the wrong side calls the service directly (a command, the importer)
    with pytest.raises(StepRefused) as caught:
        call(world, link)

    # then it is the refusal the pages and the API answer with 403
    assert caught.value.message == reason
    assert book_state() == before


def test_a_letter_remapped_meanwhile_is_named_in_a_bulk_receipt(world):
    # given two issued letters, one of which moved to commune B before the clerk acts
    first = link_at(world, "issued")
    other = link_at(world, "issued", member=second_member(world))
    services.remap_links(
        by=world.root_user,
        source=world.commune_a_committee,
        commune=world.commune_b_committee,
        effective_on=MONDAY,
        community=world.community_a1,
    )

    # when commune A's clerk receives both
    done, refused = services.receive_letters(
        by=world.commune_clerk, links=[(first, None), (other, None)], received_on=MONDAY
    )

    # then the one still at commune A is received and the other named with the reason
    assert [link.pk for link in done] == [first.pk]
    assert refused == [
        (other, "You may not act for the commune committee “Đảng bộ xã Lâm Bình”."),
    ]


def test_every_step_has_one_side_rule_one_state_rule_and_a_title():
    assert list(access.STEP_SIDES) == list(access.STEP_STATES) == list(STEP_TITLES)


ISSUED, RECEIVED, ASSIGNED, ACTIVE = "issued", "received", "assigned", "active"
OWN = ["move", "change_workplace", "exempt", "end"]  # the workplace's steps on an open link


@pytest.mark.parametrize(
    ("stage", "who", "steps"),
    [
        (ISSUED, "commune_clerk", ["present", "receive", "return"]),
        (ISSUED, "workplace_officer", ["present", *OWN]),
        (ISSUED, "secretary_a2", []),
        (ISSUED, "member_user", []),
        (ISSUED, "provincial_officer", ["present", "receive", "return", *OWN]),
        (RECEIVED, "commune_clerk", ["return", "assign"]),
        (RECEIVED, "workplace_officer", OWN),
        (RECEIVED, "provincial_officer", ["return", "assign", *OWN]),
        (ASSIGNED, "commune_clerk", []),
        (ASSIGNED, "secretary_a2", ["acknowledge"]),
        (ASSIGNED, "secretary_a1", []),
        (ASSIGNED, "workplace_officer", ["move", "change_workplace", "exempt", "retire", "end"]),
        (ASSIGNED, "provincial_officer", ["acknowledge", *OWN[:3], "retire", "end"]),
        (ACTIVE, "secretary_a2", []),
        (ACTIVE, "commune_clerk", []),
        (ACTIVE, "workplace_officer", ["move", "change_workplace", "exempt", "retire", "end"]),
        ("returned", "commune_clerk", []),
        ("returned", "workplace_officer", []),
        ("closed", "provincial_officer", []),
    ],
)
def test_allowed_steps_follow_the_state_and_the_side(world, stage, who, steps):
    # given a link at the stage (returned by the commune, or closed by a departure)
    link = link_at(world, stage if stage in (ISSUED, RECEIVED, ASSIGNED, ACTIVE) else ISSUED)
    if stage == "returned":
        link = services.return_letter(
            by=world.root_user, link=link, returned_on=MONDAY, reason="Sai địa chỉ"
        )
    if stage == "closed":
        link = services.end_link_for_departure(
            by=world.root_user, link=link, ended_on=MONDAY, reason="died"
        )

    # then the user is offered exactly the steps of their side that the state allows
    assert access.allowed_steps(world.user(who), link) == steps


def test_acknowledging_before_assignment_is_refused_by_the_state(world):
    # given a received letter: no cell holds the link yet, so no side refuses
    link = link_at(world, "received")
    before = book_state()

    # when the commune's clerk tries to acknowledge it
    with pytest.raises(DomainError) as caught:
        services.acknowledge_link(by=world.commune_clerk, link=link, acknowledged_on=MONDAY)

    # then the state's reason is given, and nothing changed
    assert str(caught.value) == (
        "Only a link assigned to a cell can be acknowledged; this link is received by the commune."
    )
    assert book_state() == before
