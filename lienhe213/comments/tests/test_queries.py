"""The reads of the comment cycle: campaign progress per commune, the "uniform
ratings" indicator over planted comments, and the scoping of requests."""

import datetime

import pytest

from conftest import member_fields
from lienhe213.comments.models import CommentRequest
from lienhe213.comments.queries import progress_by_commune, uniform_ratings
from lienhe213.comments.tests.conftest import BEST_FORM_3, open_campaign, request_at
from lienhe213.members.services import create_member
from lienhe213.registry import services as registry_services
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.conftest import MONDAY, classify

NUMBERS = iter(range(40000000, 40001000))


def linked(world, cell, given_name):
    """A new working member of the workplace, linked and active in ``cell``."""
    commune = world.commune_b if cell == world.cell_b1 else world.commune_a
    member = create_member(
        by=world.root_user,
        **member_fields(
            world.workplace_cell,
            given_name=given_name,
            party_card_number=str(next(NUMBERS)),
            residence_commune=commune,
        ),
    )
    classify(world, member)
    link = registry_services.issue_letter(
        by=world.root_user, workplace=world.workplace, member=member, issued_on=MONDAY
    )
    day = MONDAY + datetime.timedelta(days=7)
    link = registry_services.receive_letter(by=world.root_user, link=link, received_on=day)
    link = registry_services.assign_to_cell(
        by=world.root_user, link=link, cell=cell, assigned_on=day
    )
    link = registry_services.acknowledge_link(by=world.root_user, link=link, acknowledged_on=day)
    return ResidenceLink.objects.get(pk=link.pk)


@pytest.fixture
def planted(world):
    """Cell A2: two comments, best everywhere. Cell A1: one best, one "takes part, not
    fully". Cell B1: one best returned, one with a weaker level only signed."""
    campaign = open_campaign(world)
    partial = {**BEST_FORM_3, "item_3": "partial"}
    weak = {**BEST_FORM_3, "item_1": "not_yet"}
    for cell, name, stage, items in [
        (world.cell_a2, "An", "returned", BEST_FORM_3),
        (world.cell_a2, "Bình", "used", BEST_FORM_3),
        (world.cell_a1, "Cúc", "acknowledged", BEST_FORM_3),
        (world.cell_a1, "Dung", "returned", partial),
        (world.cell_b1, "Giang", "returned", BEST_FORM_3),
        (world.cell_b1, "Hà", "signed", weak),
        (world.cell_b1, "Khánh", "requested", None),
    ]:
        request_at(world, stage, campaign=campaign, link=linked(world, cell, name), items=items)
    return campaign


def test_uniform_ratings_lists_cells_where_every_returned_comment_is_best(world, planted):
    rows = uniform_ratings(CommentRequest.objects.all(), "link__residence_cell")

    assert [(r["name"], r["returned_count"]) for r in rows] == [
        ("Chi bộ thôn Nà Tông", 1),
        ("Chi bộ tổ 2", 2),
    ]


def test_uniform_ratings_per_commune(world, planted):
    rows = uniform_ratings(CommentRequest.objects.all(), "link__residence_commune_organization")

    assert [(r["name"], r["returned_count"]) for r in rows] == [("Đảng bộ xã Lâm Bình", 1)]


def test_progress_by_commune_counts_each_step_reached(world, planted, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = progress_by_commune(CommentRequest.objects.filter(campaign=planted))

    assert [
        (
            r["commune_name"],
            r["requested"],
            r["drafted"],
            r["signed"],
            r["confirmed"],
            r["returned"],
            r["acknowledged"],
        )
        for r in rows
    ] == [
        ("Đảng bộ phường Hà Giang 1", 4, 4, 4, 4, 4, 2),
        ("Đảng bộ xã Lâm Bình", 3, 2, 2, 1, 1, 0),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("provincial_officer", 7),
        ("commune_clerk", 4),
        ("other_clerk", 3),
        ("secretary_a1", 2),
        ("secretary_a2", 2),
        ("workplace_officer", 7),
        ("stranger", 0),
    ],
)
def test_requests_are_visible_to_both_sides_only(world, planted, name, expected):
    assert CommentRequest.objects.visible_to(world.user(name)).count() == expected


def test_member_sees_own_request_only_once_returned(world):
    request = request_at(world, "confirmed")
    assert CommentRequest.objects.visible_to(world.member_user).count() == 0

    from lienhe213.comments import services

    services.return_comment(by=world.commune_clerk, request=request)

    assert list(CommentRequest.objects.visible_to(world.member_user)) == [request]
