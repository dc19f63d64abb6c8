"""A commune's list of comment requests: the clerk's way in to the comments they
confirm and return, its filters, its scoping, the links to it from the index and the
progress page, and where the clerk lands after returning a comment."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienhe213.accounts.models import Role, RoleAssignment
from lienhe213.comments import services
from lienhe213.comments.models import CommentRequest
from lienhe213.comments.tests.conftest import DEADLINE, TODAY, open_campaign, request_at
from lienhe213.comments.tests.test_queries import linked

DAY = datetime.timedelta(days=1)


def url(world, **query):
    base = reverse("comments:commune", args=[world.commune_a_committee.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def rows(response):
    return [
        (r.member.full_name, r.link.residence_cell.name, r.status)
        for r in response.context["page"].rows
    ]


@pytest.fixture
def spread(world):
    """Commune A: one request at each of five steps over its two cells; commune B: one
    signed comment (not commune A's to confirm)."""
    campaign = open_campaign(world)
    for cell, name, stage in [
        (world.cell_a2, "An", "requested"),
        (world.cell_a1, "Bình", "drafted"),
        (world.cell_a2, "Cúc", "signed"),
        (world.cell_a1, "Dung", "confirmed"),
        (world.cell_a2, "Giang", "returned"),
        (world.cell_b1, "Hà", "signed"),
    ]:
        request_at(world, stage, campaign=campaign, link=linked(world, cell, name))
    return campaign


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("anonymous", 302),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 404),
        ("workplace_officer", 404),
        ("secretary_a2", 404),
        ("other_clerk", 404),
        ("commune_secretary", 403),
        ("commune_clerk", 200),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_commune_list_matrix(client, world, name, status):
    # a cell secretary's role over the whole commune sees it but may not confirm there
    if name == "commune_secretary":
        user = world.secretary_a1
        RoleAssignment.objects.create(
            user=user, organization=world.commune_a_committee, role=Role.CELL_SECRETARY
        )
    else:
        user = world.user(name)
    if user is not None:
        client.force_login(user)

    response = client.get(url(world))

    assert response.status_code == status


@pytest.mark.parametrize("org", ["province", "cell_a2", "workplace"])
def test_only_a_commune_committee_has_the_list(client, world, org):
    client.force_login(world.root_user)

    response = client.get(reverse("comments:commune", args=[getattr(world, org).pk]))

    assert response.status_code == 404


def test_by_default_what_waits_for_the_commune_in_name_order(client, world, spread):
    client.force_login(world.commune_clerk)

    response = client.get(url(world))

    assert response.status_code == 200
    assert response.context["campaign"] == spread
    assert rows(response) == [
        ("Nguyễn Văn Cúc", "Chi bộ tổ 2", "signed"),
        ("Nguyễn Văn Dung", "Chi bộ tổ 1", "confirmed"),
    ]
    cuc = CommentRequest.objects.get(member__given_name="Cúc")
    assert f'<a href="/comments/request/{cuc.pk}/"><strong>Nguyễn Văn Cúc</strong></a>' in (
        response.text
    )
    assert '<span class="badge status-signed">Signed by the cell</span>' in response.text
    assert "Chi bộ tổ 2 · 3-213" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "all"}, ["An", "Bình", "Cúc", "Dung", "Giang"]),
        ({"status": "drafted"}, ["Bình"]),
        ({"status": "reached-signed"}, ["Cúc", "Dung", "Giang"]),
        ({"status": "reached-drafted"}, ["Bình", "Cúc", "Dung", "Giang"]),
        ({"cell": "{cell_a1}"}, ["Dung"]),
        ({"status": "all", "cell": "{cell_a2}"}, ["An", "Cúc", "Giang"]),
        # unreadable values mean the default
        ({"status": "bogus", "cell": "x", "campaign": "y"}, ["Cúc", "Dung"]),
        ({"cell": "{cell_b1}"}, ["Cúc", "Dung"]),
    ],
)
def test_filters_by_status_and_cell(client, world, spread, query, expected):
    client.force_login(world.commune_clerk)
    cells = {"cell_a1": world.cell_a1.pk, "cell_a2": world.cell_a2.pk, "cell_b1": world.cell_b1.pk}

    response = client.get(url(world, **{k: v.format(**cells) for k, v in query.items()}))

    assert response.status_code == 200
    assert [r.member.given_name for r in response.context["page"].rows] == expected


def test_escalated_only(client, world, spread):
    services.escalate_overdue_requests(on=DEADLINE + DAY)
    client.force_login(world.commune_clerk)

    response = client.get(url(world, status="all", escalated="on"))

    # every open request of commune A was escalated; the returned one was not
    assert [r.member.given_name for r in response.context["page"].rows] == [
        "An",
        "Bình",
        "Cúc",
        "Dung",
    ]
    assert response.text.count('<span class="badge escalated">Escalated</span>') == 4


def test_the_latest_campaign_already_open_is_the_default(client, world, spread):
    # given next year's campaign, opened ahead of its window
    ahead = services.open_campaign(
        by=world.provincial_officer,
        province=world.province,
        year=2028,
        opens_on=TODAY + 30 * DAY,
        closes_on=TODAY + 60 * DAY,
        deadline=TODAY + 90 * DAY,
    )
    client.force_login(world.commune_clerk)

    default = client.get(url(world))
    chosen = client.get(url(world, campaign=ahead.pk))

    assert default.context["campaign"] == spread
    assert len(default.context["page"].rows) == 2
    assert chosen.context["campaign"] == ahead
    assert chosen.context["page"].rows == []
    assert f'<option value="{ahead.pk}" selected>' in chosen.text


def test_no_campaign_yet(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(url(world))

    assert response.status_code == 200
    assert "No campaign yet." in response.text


def test_the_other_commune_sees_only_its_own(client, world, spread):
    client.force_login(world.other_clerk)

    response = client.get(reverse("comments:commune", args=[world.commune_b_committee.pk]))

    assert [r.member.given_name for r in response.context["page"].rows] == ["Hà"]


def test_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    campaign = open_campaign(world)
    request_at(world, "signed", campaign=campaign, link=linked(world, world.cell_a1, "An"))
    client.force_login(world.commune_clerk)
    with CaptureQueriesContext(connection) as baseline:
        client.get(url(world))

    # when three more wait, in both cells
    for cell, name in [(world.cell_a1, "Bình"), (world.cell_a2, "Cúc"), (world.cell_a2, "Dung")]:
        request_at(world, "confirmed", campaign=campaign, link=linked(world, cell, name))

    # then the page makes the same number of queries, and few
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(url(world))
    assert len(response.context["page"].rows) == 4
    assert len(baseline.captured_queries) <= 8


def test_index_leads_the_clerk_to_the_list(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("comments:index"))

    assert (
        f'<a href="{url(world)}">Comments to confirm and return: Đảng bộ phường Hà Giang 1</a>'
        in response.text
    )


def test_progress_numbers_lead_to_the_matching_lists(client, world, spread):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("comments:progress", args=[world.commune_a_committee.pk]))

    base = f"{url(world)}?campaign={spread.pk}"
    for status, count in [
        ("all", 5),
        ("reached-drafted", 4),
        ("reached-signed", 3),
        ("reached-confirmed", 2),
        ("reached-returned", 1),
        ("reached-acknowledged", 0),
    ]:
        link = f'<a href="{base}&amp;status={status}">{count}</a>'
        assert link in response.text
        listed = client.get(f"{base}&status={status}")
        assert len(listed.context["page"].rows) == count


def test_the_request_page_leads_back_to_the_list(client, world):
    item = request_at(world, "signed")
    client.force_login(world.commune_clerk)

    response = client.get(reverse("comments:request", args=[item.pk]))

    assert f'<a href="{url(world)}?campaign={item.campaign_id}">Comments at the commune</a>' in (
        response.text
    )


def test_after_confirming_the_clerk_stays_to_return_then_goes_back_to_the_list(client, world):
    item = request_at(world, "signed")
    client.force_login(world.commune_clerk)

    confirmed = client.post(
        reverse("comments:step", args=[item.pk, "confirm"]), {"version": item.version}
    )
    item.refresh_from_db()
    returned = client.post(
        reverse("comments:step", args=[item.pk, "return"]), {"version": item.version}, follow=True
    )

    assert confirmed["Location"] == reverse("comments:request", args=[item.pk])
    assert returned.redirect_chain == [(f"{url(world)}?campaign={item.campaign_id}", 302)]
    assert "The comment on Nguyễn Văn Đức was returned to the workplace." in returned.text
    assert rows(returned) == []
    assert CommentRequest.objects.get(pk=item.pk).status == "returned"
