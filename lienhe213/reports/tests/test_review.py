"""The annual thematic review: the two years side by side, the units ranked, the
commendations; its page, XLSX export and API; scope and an empty year."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienhe213.comments.tests.conftest import BEST_FORM_3, open_campaign, request_at
from lienhe213.reports import services
from lienhe213.reports.models import Commendation
from lienhe213.reports.review import build_review, score_parts, unit_score
from lienhe213.reports.tests.conftest import TODAY, rows_elsewhere, year_in_commune_a


def review_of(world, who, org, year=2025):
    return build_review(user=getattr(world, who), organization=org, year=year, today=TODAY)


def test_the_score_is_the_mean_of_the_parts_a_unit_has():
    figures = {
        "meetings_required": 2,
        "meetings_held": 3,
        "comments_requested": 4,
        "comments_returned_on_time": 1,
        "attendance_invited": 0,
        "cells_with_links": 2,
        "cells_uniform_ratings": 1,
    }

    parts = score_parts(figures)

    assert parts == {
        "meetings": 1.0,
        "comments_on_time": 0.25,
        "attendance": None,
        "varied_ratings": 0.5,
    }
    assert unit_score(parts) == 58.3
    assert unit_score(score_parts({})) is None


def test_the_provincial_review_compares_years_and_ranks_the_communes(world):
    _link, campaign = year_in_commune_a(world)
    rows_elsewhere(world, campaign)

    review = review_of(world, "provincial_officer", world.province)

    rows = {row.name: (row.current, row.previous, row.change) for row in review.rows}
    assert rows["letters_issued"] == (2, 0, 2)
    assert rows["meetings_held"] == (2, 0, 2)
    assert rows["attendance_rate"] == (50.0, None, None)
    assert [(unit.name, unit.score) for unit in review.ranked] == [
        ("Đảng bộ phường Hà Giang 1", 37.5),
        ("Đảng bộ xã Lâm Bình", 12.5),
    ]
    assert [unit.name for unit in review.strongest] == ["Đảng bộ phường Hà Giang 1"]
    assert [unit.name for unit in review.weakest] == ["Đảng bộ xã Lâm Bình"]
    # The workplace committees are not ranked: the score measures the residence's duties.
    assert all(unit.organization.side != "workplace" for unit in review.ranked + review.unranked)


def test_recommendations_become_proposals_then_decisions(world):
    request = request_at(world, "returned", items={**BEST_FORM_3, "recommendation": "commend"})

    review = review_of(world, "commune_clerk", world.commune_a_committee)

    assert [(item.request.pk, item.member_name, item.cell_name) for item in review.recommended] == [
        (request.pk, "Nguyễn Văn Đức", "Chi bộ tổ 2")
    ]
    assert (review.proposed, review.decided) == ([], [])

    commendation = services.propose_commendation(
        by=world.commune_clerk,
        year=2025,
        proposed_by_organization=world.commune_a_committee,
        member=world.member_w1,
        comment_request=request,
        reason="Gương mẫu.",
        proposed_on=datetime.date(2025, 12, 20),
    )
    review = review_of(world, "commune_clerk", world.commune_a_committee)
    assert review.recommended == []
    assert [c.pk for c in review.proposed] == [commendation.pk]

    services.decide_commendation(
        by=world.provincial_officer,
        commendation=commendation,
        decision_number="5-QĐ/TU",
        decided_on=TODAY,
    )
    review = review_of(world, "commune_clerk", world.commune_a_committee)
    assert [(c.pk, c.decision_number) for c in review.decided] == [(commendation.pk, "5-QĐ/TU")]
    assert review.proposed == []


def test_a_year_without_data_gives_zeros(world):
    review = review_of(world, "commune_clerk", world.commune_a_committee, year=2021)

    assert all(row.current in (0, None) for row in review.rows)
    assert all(row.previous in (0, None) for row in review.rows)
    assert review.ranked == []
    assert [unit.name for unit in review.unranked] == ["Chi bộ tổ 1", "Chi bộ tổ 2"]
    assert (review.recommended, review.proposed, review.decided) == ([], [], [])


def test_the_review_does_not_list_what_the_user_cannot_see(world):
    campaign = open_campaign(world)
    rows_elsewhere(world, campaign)
    services.propose_commendation(
        by=world.other_clerk,
        year=2025,
        proposed_by_organization=world.commune_b_committee,
        organization=world.cell_b1,
        reason="Tốt.",
        proposed_on=datetime.date(2025, 12, 1),
    )

    review = review_of(world, "commune_clerk", world.commune_a_committee)

    assert (review.proposed, review.recommended) == ([], [])
    assert Commendation.objects.count() == 1


@pytest.mark.parametrize("more", [False, True])
def test_the_review_keeps_its_query_count(world, more):
    _link, campaign = year_in_commune_a(world)
    if more:
        rows_elsewhere(world, campaign)
    review_of(world, "provincial_officer", world.province)  # warm the role cache

    with CaptureQueriesContext(connection) as queries:
        review_of(world, "provincial_officer", world.province)

    # two reports, the tree, the comments, the commendations and the renames (ADR 0018)
    assert len(queries) == 2 * 8 + 5


# --- the pages and the API ---------------------------------------------------------------


def test_the_review_page_and_its_export(client, world):
    request_at(world, "returned", items={**BEST_FORM_3, "recommendation": "commend"})
    client.force_login(world.commune_clerk)
    url = reverse("reports:review", args=[world.commune_a_committee.pk, 2025])

    response = client.get(url)

    assert response.status_code == 200
    body = response.content.decode()
    propose = reverse("reports:propose", args=[world.commune_a_committee.pk, 2025])
    assert f"{propose}?member={world.member_w1.pk}&amp;comment_request=" in body

    export = client.get(url, {"format": "xlsx"})
    workbook = load_workbook(io.BytesIO(export.content))
    assert workbook.sheetnames == ["Indicators", "Units", "Commendations"]
    sheet = workbook["Indicators"]
    assert [cell.value for cell in sheet[1]] == [
        "Đảng bộ phường Hà Giang 1 · 2025",
        "2025",
        "2024",
        "Change",
    ]
    assert [cell.value for cell in sheet[2]] == ["Working members", 0, 0, 0]
    commendations = workbook["Commendations"]
    assert commendations["A2"].value == "Recommended by a comment"
    assert commendations["B2"].value == "Nguyễn Văn Đức"


def test_the_review_of_an_organization_outside_the_scope_is_404(client, world):
    client.force_login(world.other_clerk)

    response = client.get(reverse("reports:review", args=[world.commune_a_committee.pk, 2025]))

    assert response.status_code == 404


def test_propose_from_the_review_then_decide_on_the_pages(client, world):
    request = request_at(world, "returned", items={**BEST_FORM_3, "recommendation": "commend"})
    client.force_login(world.commune_clerk)
    url = reverse("reports:propose", args=[world.commune_a_committee.pk, 2025])

    response = client.post(
        url,
        {
            "member": world.member_w1.pk,
            "comment_request": request.pk,
            "reason": "Gương mẫu ở tổ dân phố.",
            "proposed_on": "2025-12-20",
        },
    )

    assert response.status_code == 302
    commendation = Commendation.objects.get()
    assert (commendation.member, commendation.comment_request) == (world.member_w1, request)
    assert response["Location"] == reverse(
        "reports:commendations", args=[world.commune_a_committee.pk, 2025]
    )
    assert client.get(reverse("reports:decide", args=[commendation.pk])).status_code == 403

    client.force_login(world.provincial_officer)
    response = client.post(
        reverse("reports:decide", args=[commendation.pk]),
        {
            "action": "decide",
            "version": 1,
            "decision_number": "7-QĐ/TU",
            "decided_on": "2026-01-10",
        },
    )

    assert response.status_code == 302
    commendation.refresh_from_db()
    assert (commendation.status, commendation.decision_number) == ("decided", "7-QĐ/TU")
    listing = client.get(reverse("reports:commendations", args=[world.province.pk, 2025]))
    assert "7-QĐ/TU" in listing.content.decode()


def test_a_refused_proposal_on_the_page_shows_the_reason(client, world):
    client.force_login(world.commune_clerk)
    url = reverse("reports:propose", args=[world.commune_a_committee.pk, 2025])

    response = client.post(url, {"reason": "Tốt.", "proposed_on": "2025-12-20"})

    assert response.status_code == 200
    assert "Commend either an organization or a member." in response.content.decode()
    assert Commendation.objects.count() == 0


def api_client(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_the_api_proposes_decides_and_answers_a_stale_version_with_409(world):
    request = request_at(world, "returned", items={**BEST_FORM_3, "recommendation": "commend"})

    created = api_client(world.commune_clerk).post(
        "/api/v1/commendations/",
        {
            "year": 2025,
            "proposed_by_organization": world.commune_a_committee.pk,
            "member": world.member_w1.pk,
            "comment_request": request.pk,
            "reason": "Gương mẫu.",
            "proposed_on": "2025-12-20",
        },
        format="json",
    )

    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    province = api_client(world.provincial_officer)
    stale = province.post(
        f"/api/v1/commendations/{pk}/decide/",
        {"version": 5, "decision_number": "9-QĐ/TU", "decided_on": "2026-01-10"},
        format="json",
    )
    assert (stale.status_code, stale.json()["version"]) == (409, 1)
    decided = province.post(
        f"/api/v1/commendations/{pk}/decide/",
        {"version": 1, "decision_number": "9-QĐ/TU", "decided_on": "2026-01-10"},
        format="json",
    )
    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["version"]) == ("decided", 2)

    review = api_client(world.commune_clerk).get(
        "/api/v1/reports/review/", {"organization": world.commune_a_committee.pk, "year": 2025}
    )
    assert review.status_code == 200
    body = review.json()
    assert [c["decision_number"] for c in body["decided"]] == ["9-QĐ/TU"]
    assert body["recommended"] == []
    outside = api_client(world.other_clerk).get(
        "/api/v1/reports/review/", {"organization": world.commune_a_committee.pk, "year": 2025}
    )
    assert outside.status_code == 404


def test_with_one_scored_unit_the_review_says_why_it_names_none(client, world):
    # Before, the block showed "1. —" under both headings.
    request_at(world, "returned")
    review = build_review(
        user=world.commune_clerk, organization=world.commune_a_committee, year=2025
    )
    assert len(review.ranked) == 1
    client.force_login(world.commune_clerk)

    body = client.get(
        reverse("reports:review", args=[world.commune_a_committee.pk, 2025])
    ).content.decode()

    assert "needs at least two units with a score" in body
    assert '<li class="muted">—</li>' not in body
