"""Residents' feedback figures per cell and commune and year: received, matched,
forwarded, and the share about members rated excellent in that year's comment."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from lienhe213.comments.models import Comment
from lienhe213.comments.tests.conftest import request_at
from lienhe213.feedback import services
from lienhe213.feedback.models import ResidentReport
from lienhe213.feedback.tests.conftest import send_report
from lienhe213.registry.tests.conftest import link_at


@pytest.fixture
def year_2025(world):
    """Three reports to cell A2 in 2025: one about member W1 (rated excellent in 2025)
    forwarded, one matched to the same member, one closed unmatched; one in 2024."""
    link = link_at(world, "active")
    request = request_at(world, "returned", link=link)
    Comment.objects.filter(request=request).update(rating_level="excellent")
    channel = services.open_channel(by=world.secretary_a2, cell=world.cell_a2)
    concern, _r = send_report(channel)
    praise, _r = send_report(channel, topic="good_conduct")
    other, _r = send_report(channel)
    old, _r = send_report(channel)
    services.match_report(by=world.secretary_a2, report=concern, link=link)
    services.forward_report(by=world.secretary_a2, report=concern, kind="violation", note="x")
    services.match_report(by=world.secretary_a2, report=praise, link=link)
    services.close_report(by=world.secretary_a2, report=other, reason="not_serious", note="x")
    moment = timezone.make_aware(datetime.datetime(2025, 6, 1, 9))
    ResidentReport.objects.exclude(pk=old.pk).update(received_at=moment)
    ResidentReport.objects.filter(pk=old.pk).update(received_at=moment.replace(year=2024))


def test_the_commune_page_counts_each_cell_and_the_total(client, world, year_2025):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("reports:feedback", args=[world.commune_a_committee.pk, 2025]))

    rows = {row.name: row for row in response.context["rows"]}
    total = response.context["total"]
    a2 = rows["Chi bộ tổ 2"]
    assert (a2.received, a2.matched, a2.forwarded, a2.rated_excellent) == (3, 2, 1, 2)
    assert a2.concerns_rated_excellent == 1
    assert a2.share_rated_excellent == 1.0
    assert rows["Chi bộ tổ 1"].received == 0 and rows["Chi bộ tổ 1"].share_rated_excellent is None
    assert (total.received, total.matched, total.forwarded) == (3, 2, 1)


def test_another_year_counts_nothing_rated(client, world, year_2025):
    client.force_login(world.secretary_a2)

    response = client.get(reverse("reports:feedback", args=[world.cell_a2.pk, 2024]))

    (row,) = response.context["rows"]
    assert (row.received, row.matched, row.rated_excellent) == (1, 0, 0)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("workplace_officer", 404),
        ("secretary_a1", 404),
        ("secretary_a2", 200),
        ("commune_clerk", 200),
        ("other_clerk", 404),
        ("provincial_officer", 200),
    ],
)
def test_page_permissions(client, world, who, expected):
    user = world.user(who)
    if user is not None:
        client.force_login(user)

    response = client.get(reverse("reports:feedback", args=[world.cell_a2.pk, 2025]))

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 401),
        ("workplace_officer", 404),
        ("secretary_a2", 200),
        ("commune_clerk", 200),
        ("other_clerk", 404),
    ],
)
def test_api_permissions_and_figures(world, year_2025, who, expected):
    api = APIClient()
    if world.user(who) is not None:
        api.force_authenticate(world.user(who))

    response = api.get(
        "/api/v1/reports/feedback/", {"organization": world.cell_a2.pk, "year": 2025}
    )

    assert response.status_code == expected
    if expected == 200:
        assert response.data["total"]["received"] == 3
        assert response.data["total"]["share_rated_excellent"] == 1.0


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({}, {"organization", "year"}),
        ({"year": 2025}, {"organization"}),
        ({"organization": "abc", "year": 2025}, {"organization"}),
        ({"organization": 0, "year": 2025}, {"organization"}),
        ({"organization": "CELL", "year": "2025x"}, {"year"}),
        ({"organization": "CELL", "year": 2019}, {"year"}),
        ({"organization": "CELL", "year": 2101}, {"year"}),
        ({"organization": "CELL", "year": "99999999999999999999"}, {"year"}),
    ],
)
def test_api_bad_parameters_are_refused_by_field(world, year_2025, params, errors):
    api = APIClient()
    api.force_authenticate(world.secretary_a2)
    query = {k: (world.cell_a2.pk if v == "CELL" else v) for k, v in params.items()}

    response = api.get("/api/v1/reports/feedback/", query)

    assert response.status_code == 400
    assert set(response.data) == errors


def test_api_a_forged_organization_id_is_not_found(world, year_2025):
    api = APIClient()
    api.force_authenticate(world.secretary_a2)

    response = api.get("/api/v1/reports/feedback/", {"organization": 987654, "year": 2025})

    assert response.status_code == 404
