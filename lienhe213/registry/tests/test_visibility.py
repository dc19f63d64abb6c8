"""Both sides of a residence link see it: the workplace its members, the residence the
members linked to it; field minimization is flagged for residence-only viewers."""

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.http import Http404

from conftest import member_fields
from lienhe213.accounts.models import User
from lienhe213.members.access import can_edit
from lienhe213.members.models import Member
from lienhe213.members.services import create_member
from lienhe213.organizations.models import Organization
from lienhe213.registry import services
from lienhe213.registry.access import get_link_for_user, residence_only
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.conftest import MONDAY, link_at


def sees(user, member):
    fresh = User.objects.get(pk=user.pk)
    return Member.objects.visible_to(fresh).filter(pk=member.pk).exists()


def test_commune_clerk_sees_a_workplace_member_once_linked_to_the_commune(world):
    assert not sees(world.commune_clerk, world.member_w1)

    link = link_at(world, "issued")

    assert sees(world.commune_clerk, world.member_w1)
    assert not sees(world.other_clerk, world.member_w1)
    assert not sees(world.secretary_a2, world.member_w1)  # not in a cell yet
    assert list(Member.objects.visible_to(world.commune_clerk)).count(world.member_w1) == 1
    assert link in ResidenceLink.objects.visible_to(world.commune_clerk)


def test_the_cell_sees_the_member_once_assigned(world):
    link_at(world, "assigned")

    assert sees(world.secretary_a2, world.member_w1)
    assert not sees(world.secretary_a1, world.member_w1)
    assert not sees(world.other_clerk, world.member_w1)


def test_a_returned_link_stays_in_the_book_but_the_member_is_no_longer_shown(world, issued):
    services.return_letter(
        by=world.commune_clerk, link=issued, returned_on=MONDAY, reason="Wrong address"
    )

    assert not sees(world.commune_clerk, world.member_w1)
    assert ResidenceLink.objects.visible_to(world.commune_clerk).get() == issued  # history
    assert not ResidenceLink.objects.visible_to(world.other_clerk).exists()
    assert ResidenceLink.objects.visible_to(world.workplace_officer).get() == issued


def test_the_residence_view_is_for_reading_only(world, issued):
    assert not can_edit(User.objects.get(pk=world.commune_clerk.pk), world.member_w1)


def test_residence_only_viewers(world, issued):
    member = Member.objects.get(pk=world.member_w1.pk)

    assert residence_only(world.commune_clerk, member) is True
    assert residence_only(world.workplace_officer, member) is False
    assert residence_only(world.provincial_officer, member) is False
    assert residence_only(world.root_user, member) is False
    assert residence_only(world.member_user, member) is False


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("root_user", True),
        ("provincial_officer", True),
        ("workplace_officer", True),
        ("commune_clerk", True),
        ("member_user", True),
        ("other_clerk", False),
        ("secretary_a1", False),
        ("stranger", False),
    ],
)
def test_link_gatekeeper(world, issued, who, visible):
    user = User.objects.get(pk=world.user(who).pk)
    if visible:
        assert get_link_for_user(user, issued.pk) == issued
    else:
        with pytest.raises(Http404):
            get_link_for_user(user, issued.pk)


def test_visibility_follows_the_link_to_a_new_commune(world):
    link = link_at(world, "active")
    services.move_residence(
        by=world.workplace_officer,
        link=link,
        moved_on=datetime.date(2025, 6, 2),
        residence_commune=world.commune_b_committee,
    )

    assert sees(world.other_clerk, world.member_w1)
    assert not sees(world.commune_clerk, world.member_w1)
    assert not sees(world.secretary_a2, world.member_w1)


def test_links_at_a_residence_are_those_its_commune_or_its_cells_hold(world):
    # ``at_residence`` ORs the commune and the cell through the ``among`` lookup:
    # the same rows as ``__in`` on each database, written for the index of each key.
    held = link_at(world, "assigned")
    newcomer = create_member(
        by=world.root_user,
        **member_fields(
            world.workplace_cell,
            party_card_number="70999997",
            residence_commune=world.commune_a_committee.administrative_unit,
        ),
    )
    elsewhere = link_at(world, "issued", member=newcomer)
    links = ResidenceLink.objects.at_residence(world.cell_a2)
    commune_links = ResidenceLink.objects.at_residence(world.commune_a_committee)
    under = Organization.objects.filter(path__under=world.commune_a_committee.path).values("pk")
    with_in = ResidenceLink.objects.filter(
        Q(residence_commune_organization__in=under) | Q(residence_cell__in=under)
    )

    assert list(links) == [held]
    assert set(commune_links) == set(with_in) == {held, elsewhere}
    written = "= ANY(ARRAY(" if connection.vendor == "postgresql" else " IN (SELECT"
    assert written in str(commune_links.query)
