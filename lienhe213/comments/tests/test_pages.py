"""The comment pages: permission matrices over the cast, the steps through POST, the
stale-draft message and query counts."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from lienhe213.comments import services
from lienhe213.comments.models import Comment, CommentRequest
from lienhe213.comments.tests.conftest import (
    DEADLINE,
    REQUESTED,
    cycle_state,
    link_at,
    open_campaign,
    request_at,
)

ALL = [
    "anonymous",
    "stranger",
    "provincial_officer",
    "commune_clerk",
    "other_clerk",
    "secretary_a1",
    "secretary_a2",
    "workplace_officer",
    "member_user",
]


def get(client, world, name, url):
    user = world.user(name)
    if user is not None:
        client.force_login(user)
    return client.get(url)


def expect(status, name):
    return 302 if name == "anonymous" else status


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("anonymous", 302),
        ("stranger", 404),
        ("representative_a1", 404),
        ("provincial_officer", 200),
        ("commune_clerk", 200),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("secretary_a2", 200),
        ("workplace_officer", 200),
        ("member_user", 404),
    ],
)
def test_request_page_matrix(client, world, name, status):
    request = request_at(world, "drafted")

    response = get(client, world, name, reverse("comments:request", args=[request.pk]))

    assert response.status_code == status


def test_member_sees_the_page_once_returned(client, world):
    request = request_at(world, "returned")

    response = get(client, world, "member_user", reverse("comments:request", args=[request.pk]))

    assert response.status_code == 200
    assert "Answer the comment" in response.text
    assert "Evidence" not in response.text


@pytest.mark.parametrize(
    ("name", "org", "status"),
    [
        ("anonymous", "workplace", 302),
        ("stranger", "workplace", 404),
        ("representative_a1", "workplace", 404),
        ("commune_clerk", "workplace", 404),
        ("secretary_a2", "workplace", 404),
        ("workplace_officer", "workplace", 200),
        ("provincial_officer", "workplace", 200),
        ("workplace_officer", "cell_a2", 404),
        ("secretary_a1", "cell_a2", 404),
        ("commune_clerk", "cell_a2", 403),
        ("secretary_a2", "cell_a2", 200),
    ],
)
def test_workplace_and_cell_pages_matrix(client, world, name, org, status):
    url_name = "comments:workplace" if org == "workplace" else "comments:cell"

    response = get(client, world, name, reverse(url_name, args=[getattr(world, org).pk]))

    assert response.status_code == status


@pytest.mark.parametrize("name", ALL)
def test_campaign_post_matrix(client, world, name):
    user = world.user(name)
    if user is not None:
        client.force_login(user)
    before = cycle_state()

    response = client.post(
        reverse("comments:province", args=[world.province.pk]),
        {
            "year": 2026,
            "opens_on": "2026-11-01",
            "closes_on": "2026-11-30",
            "deadline": "2026-12-15",
        },
    )

    opened = name == "provincial_officer"
    # only the province's own officers see the provincial committee at all
    assert response.status_code == (302 if opened or name == "anonymous" else 404)
    if not opened:
        assert cycle_state() == before


def test_bulk_request_through_the_page(client, world, campaign):
    link = link_at(world, "active")
    client.force_login(world.workplace_officer)

    response = client.post(
        reverse("comments:workplace", args=[world.workplace.pk]),
        {"campaign": campaign.pk, "links": [link.pk], "requested_on": REQUESTED.isoformat()},
    )

    assert response.status_code == 302
    assert CommentRequest.objects.values_list("member", "form", "status").get() == (
        world.member_w1.pk,
        "3-213",
        "requested",
    )


def test_stale_draft_on_the_page_shows_changed_meanwhile(client, world):
    request = request_at(world, "requested")
    url = reverse("comments:step", args=[request.pk, "draft"])
    client.force_login(world.secretary_a2)
    client.post(url, {"version": 1, "item_1": "fair"})
    client.force_login(world.commune_clerk)
    before = cycle_state()

    response = client.post(url, {"version": 1, "item_1": "good"}, follow=True)

    assert "This comment was changed by someone else meanwhile." in response.text
    assert cycle_state() == before
    assert Comment.objects.get(request=request).item_1 == "fair"


def test_signing_through_the_page(client, world):
    request = request_at(world, "drafted")
    client.force_login(world.secretary_a2)

    response = client.post(reverse("comments:step", args=[request.pk, "sign"]))

    assert response.status_code == 302
    assert CommentRequest.objects.get(pk=request.pk).status == "signed"


def test_confirmation_by_another_commune_is_404(client, world):
    request = request_at(world, "signed")
    client.force_login(world.other_clerk)
    before = cycle_state()

    response = client.post(reverse("comments:step", args=[request.pk, "confirm"]))

    assert response.status_code == 404
    assert cycle_state() == before


def test_step_by_a_viewer_on_no_side_is_403(client, world):
    request = request_at(world, "drafted")
    client.force_login(world.secretary_a2)
    assert client.get(reverse("comments:request", args=[request.pk])).status_code == 200
    # the workplace officer sees it but may not sign for the cell: a refusal message
    client.force_login(world.workplace_officer)
    before = cycle_state()

    response = client.post(reverse("comments:step", args=[request.pk, "sign"]), follow=True)

    assert "You may not write comments for the residential cell" in response.text
    assert cycle_state() == before


def test_mine_lists_only_returned_comments(client, world):
    request_at(world, "returned")
    client.force_login(world.member_user)

    response = client.get(reverse("comments:mine"))

    assert response.status_code == 200
    assert "Sets a good example" in response.text


def test_progress_page(client, world, django_assert_max_num_queries):
    request_at(world, "signed")
    client.force_login(world.commune_clerk)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("comments:progress", args=[world.commune_a_committee.pk]))

    assert response.status_code == 200
    assert "Đảng bộ phường Hà Giang 1" in response.text


def test_escalated_request_is_marked_on_its_page_the_list_and_the_progress(client, world):
    item = request_at(world, "signed")
    services.escalate_overdue_requests(on=DEADLINE + datetime.timedelta(days=1))
    client.force_login(world.commune_clerk)

    detail = client.get(reverse("comments:request", args=[item.pk]))
    progress = client.get(reverse("comments:progress", args=[world.commune_a_committee.pk]))
    client.force_login(world.secretary_a2)
    rows = client.get(reverse("comments:cell", args=[world.cell_a2.pk]))

    assert 'class="badge escalated"' in detail.text
    assert 'class="badge escalated">Escalated<' in rows.text
    assert '<span class="badge escalated">1</span>' in progress.text


def test_cell_page_query_count_does_not_grow_with_rows(
    client, world, django_assert_max_num_queries
):
    request_at(world, "drafted")
    client.force_login(world.secretary_a2)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("comments:cell", args=[world.cell_a2.pk]))

    assert response.status_code == 200
    assert "Nguyễn Văn Đức" in response.text


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        ("provincial_officer", "Campaigns: Đảng bộ tỉnh Tuyên Quang"),
        ("workplace_officer", "Comment requests: Đảng bộ Sở Giáo dục và Đào tạo"),
        ("secretary_a2", "Comments to write: Chi bộ tổ 2"),
        ("commune_clerk", "Progress: Đảng bộ phường Hà Giang 1"),
        ("member_user", "Comments about me"),
    ],
)
def test_index_leads_each_role_to_its_page(client, world, name, entry):
    client.force_login(world.user(name))

    response = client.get(reverse("comments:index"))

    assert response.status_code == 200
    assert entry in response.text
    assert "Annual comments</a>" in response.text


def test_a_drafted_comment_reopened_keeps_its_front_meeting_date(client, world):
    # A date picker only takes an ISO value; a dd/mm/yyyy one was dropped and the field
    # showed empty.
    item = request_at(world, "drafted")
    client.force_login(world.secretary_a2)

    html = client.get(reverse("comments:request", args=[item.pk])).content.decode()

    assert 'type="date" name="met_on" value="2025-11-10"' in html


def test_the_rating_level_is_not_chosen_for_the_committee(client, world):
    item = request_at(world, "acknowledged")
    client.force_login(world.workplace_officer)

    html = client.get(reverse("comments:request", args=[item.pk])).content.decode()

    select = html.split('name="rating_level"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>Choose a level</option>' in select
    assert select.count("selected") == 1
    response = client.post(
        reverse("comments:step", args=[item.pk, "rating"]), {"rating_level": "", "rating_note": ""}
    )
    assert response.status_code in {200, 400}
    assert Comment.objects.get(request=item).rating_level == ""


def test_the_campaign_chooser_shows_the_year_and_window_not_an_id(client, world, campaign):
    client.force_login(world.workplace_officer)

    html = client.get(reverse("comments:workplace", args=[world.workplace.pk])).content.decode()

    assert "Year 2025 (comments from " in html
    assert f"2025 ({world.province.pk})" not in html
    assert '<option value="" selected>Choose a campaign</option>' in html


def _campaign_choice(client, world):
    client.force_login(world.workplace_officer)
    page = client.get(reverse("comments:workplace", args=[world.workplace.pk]))
    form = page.context["form"]
    return form["campaign"].value(), form.fields["campaign"].help_text


def test_the_one_campaign_open_today_is_chosen_for_the_request(client, world):
    campaign = open_campaign(world)  # open from 01/11/2025 to 30/11/2025

    with time_machine.travel(datetime.datetime(2025, 11, 3, 9, 0), tick=False):
        during = _campaign_choice(client, world)
    with time_machine.travel(datetime.datetime(2025, 12, 3, 9, 0), tick=False):
        after = _campaign_choice(client, world)

    assert during == (campaign.pk, "The only campaign open for requests today.")
    assert after == (None, "")


def test_no_campaign_is_chosen_when_two_are_open(client, world):
    open_campaign(world)
    services.open_campaign(
        by=world.provincial_officer,
        province=world.province,
        year=2024,
        opens_on=datetime.date(2025, 10, 1),
        closes_on=datetime.date(2025, 12, 31),
        deadline=datetime.date(2026, 1, 15),
    )

    with time_machine.travel(datetime.datetime(2025, 11, 3, 9, 0), tick=False):
        assert _campaign_choice(client, world) == (None, "")
