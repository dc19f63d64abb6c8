"""The commune list's filters behind a report's comment figures: requested in a period
(whatever the campaign), returned on time, setting a good example, a recommendation."""

import datetime

from django.urls import reverse

from lienhe213.comments.models import Comment, CommentRequest
from lienhe213.comments.tests.conftest import BEST_FORM_3, DEADLINE, open_campaign, request_at
from lienhe213.comments.tests.test_queries import linked


def names(response):
    return [r.member.full_name for r in response.context["page"].rows]


def four_comments(world):
    """Commune A: An returned on time, rated best and proposed for commendation; Bình
    returned late; Cúc only requested; commune B: Hà returned (not commune A's)."""
    campaign = open_campaign(world)
    an = request_at(
        world,
        "returned",
        campaign=campaign,
        link=linked(world, world.cell_a2, "An"),
        items={**BEST_FORM_3, "recommendation": "commend"},
    )
    binh = request_at(
        world,
        "returned",
        campaign=campaign,
        link=linked(world, world.cell_a1, "Bình"),
        items={**BEST_FORM_3, "item_1": "fair"},
    )
    request_at(world, "requested", campaign=campaign, link=linked(world, world.cell_a2, "Cúc"))
    request_at(world, "returned", campaign=campaign, link=linked(world, world.cell_b1, "Hà"))
    late = datetime.datetime(2025, 12, 20, 9, tzinfo=datetime.UTC)
    Comment.objects.filter(request=binh).update(returned_at=late)
    early = datetime.datetime(2025, 12, 1, 9, tzinfo=datetime.UTC)
    Comment.objects.filter(request=an).update(returned_at=early)
    return campaign


def test_commune_list_shows_the_rows_behind_each_comment_figure(client, world):
    four_comments(world)
    client.force_login(world.commune_clerk)
    url = reverse("comments:commune", args=[world.commune_a_committee.pk])
    year = {"status": "all", "requested_from": "2025-01-01", "requested_to": "2025-12-31"}

    requested = client.get(url, year)
    on_time = client.get(url, {**year, "returned_on_time": "1"})
    best = client.get(url, {**year, "good_example": "1"})
    commend = client.get(url, {**year, "recommendation": "commend"})
    handling = client.get(url, {**year, "recommendation": "consider_handling"})
    last_year = client.get(
        url, {"status": "all", "requested_from": "2024-01-01", "requested_to": "2024-12-31"}
    )

    assert sorted(names(requested)) == ["Nguyễn Văn An", "Nguyễn Văn Bình", "Nguyễn Văn Cúc"]
    assert names(on_time) == ["Nguyễn Văn An"]
    assert names(best) == ["Nguyễn Văn An"]
    assert names(commend) == ["Nguyễn Văn An"]
    assert names(handling) == []
    assert names(last_year) == []
    assert requested.context["campaign"] is None
    assert DEADLINE.year == 2025
    assert CommentRequest.objects.count() == 4


def test_progress_page_reads_a_period_of_requests_instead_of_a_campaign(client, world):
    four_comments(world)
    client.force_login(world.commune_clerk)
    url = reverse("comments:progress", args=[world.commune_a_committee.pk])

    year = client.get(url, {"requested_from": "2025-01-01", "requested_to": "2025-12-31"})
    before = client.get(url, {"requested_from": "2024-01-01", "requested_to": "2024-12-31"})

    assert [row["name"] for row in year.context["uniform_cells"]] == ["Chi bộ tổ 2"]
    assert [row["requested"] for row in year.context["rows"]] == [3]
    assert year.context["campaign"] is None
    assert "requested_from=2025-01-01&amp;requested_to=2025-12-31&amp;status=all" in (
        year.content.decode()
    )
    assert before.context["rows"] == []
    assert before.context["uniform_cells"] == []
