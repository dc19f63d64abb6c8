"""The follow-up figures: proposals (commend / consider handling) of returned comments
followed up by the workplace committee or still awaiting it, counted in the comment
query, scoped like every figure, and linked from a workplace committee's row to its
list of requests showing the same rows."""

from django.urls import reverse

from lienhe213.comments import services
from lienhe213.comments.models import Comment
from lienhe213.comments.tests.conftest import BEST_FORM_3, open_campaign, request_at
from lienhe213.registry.tests.conftest import link_at
from lienhe213.registry.tests.test_views import second_member
from lienhe213.reports import summaries
from lienhe213.reports.indicators import Period, compute
from lienhe213.reports.tests.conftest import TODAY, rows_elsewhere
from lienhe213.reports.tests.test_drilldown import assert_same, follow, report_page

YEAR = Period.for_year(2025)
COMMEND = {**BEST_FORM_3, "recommendation": "commend"}
HANDLING = {**BEST_FORM_3, "item_1": "not_yet", "recommendation": "consider_handling"}
FIGURES = (
    "recommend_commend",
    "recommend_consider_handling",
    "recommend_followed_up",
    "recommend_awaiting_follow_up",
)


def proposals(world):
    """In the 2025 campaign, on links to commune A: a commendation proposal followed up,
    a handling proposal and an acknowledged commendation proposal awaiting, a signed
    (not returned) commendation proposal and a returned comment proposing nothing."""
    campaign = open_campaign(world)
    names = [("Lan", "61111111"), ("Mai", "62222222"), ("Nga", "63333333"), ("Oanh", "64444444")]
    people = [
        world.member_w1,
        *(second_member(world, given_name=name, party_card_number=card) for name, card in names),
    ]
    stages = [
        ("returned", COMMEND),
        ("returned", HANDLING),
        ("acknowledged", COMMEND),
        ("signed", COMMEND),
        ("returned", BEST_FORM_3),
    ]
    requests = [
        request_at(
            world, stage, campaign=campaign, link=link_at(world, "active", member=m), items=i
        )
        for m, (stage, i) in zip(people, stages, strict=True)
    ]
    services.record_follow_up(
        by=world.workplace_officer,
        request=requests[0],
        outcome="commended",
        decided_on=TODAY,
    )
    return campaign


def figures_of(report):
    return {name: report.figures[name] for name in FIGURES}


def test_follow_up_figures_count_the_returned_proposals(world):
    proposals(world)

    report = compute(
        user=world.commune_clerk, organization=world.commune_a_committee, period=YEAR, today=TODAY
    )

    assert figures_of(report) == {
        "recommend_commend": 2,
        "recommend_consider_handling": 1,
        "recommend_followed_up": 1,
        "recommend_awaiting_follow_up": 2,
    }
    cell_a2 = dict((child.pk, figures) for child, figures in report.children)[world.cell_a2.pk]
    assert (cell_a2["recommend_followed_up"], cell_a2["recommend_awaiting_follow_up"]) == (1, 2)


def test_follow_up_figures_count_nothing_outside_the_scope_or_the_period(world):
    campaign = proposals(world)
    before = compute(
        user=world.commune_clerk, organization=world.commune_a_committee, period=YEAR, today=TODAY
    )
    # a proposal in commune B, followed up
    rows_elsewhere(world, campaign)
    elsewhere = Comment.objects.get(
        request__link__residence_commune_organization=world.commune_b_committee
    )
    Comment.objects.filter(pk=elsewhere.pk).update(recommendation="consider_handling")
    summaries.rebuild()  # the recommendation was written around the services
    services.record_follow_up(
        by=world.workplace_officer,
        request=elsewhere.request,
        outcome="no_violation",
        decided_on=TODAY,
    )

    after = compute(
        user=world.commune_clerk, organization=world.commune_a_committee, period=YEAR, today=TODAY
    )
    other_year = compute(
        user=world.commune_clerk,
        organization=world.commune_a_committee,
        period=Period.for_year(2024),
        today=TODAY,
    )
    province = compute(
        user=world.provincial_officer, organization=world.province, period=YEAR, today=TODAY
    )

    assert figures_of(after) == figures_of(before)
    assert set(figures_of(other_year).values()) == {0}
    assert figures_of(province)["recommend_followed_up"] == 2
    assert figures_of(province)["recommend_consider_handling"] == 2


def test_report_page_shows_the_follow_up_figures(client, world):
    proposals(world)
    client.force_login(world.commune_clerk)

    response = report_page(client, world.commune_a_committee, year=2025)

    assert "Proposals followed up" in response.text
    assert "Proposals awaiting follow-up" in response.text
    assert response.context["report"].figures["recommend_awaiting_follow_up"] == 2


def test_workplace_row_of_the_province_report_leads_to_the_same_requests(client, world):
    proposals(world)
    client.force_login(world.provincial_officer)

    response = report_page(client, world.province, year=2025)

    rows = {child.pk: (figures, urls) for child, figures, urls in response.context["children"]}
    figures, urls = rows[world.workplace.pk]
    workplace_list = reverse("comments:workplace", args=[world.workplace.pk])
    assert urls["recommend_awaiting_follow_up"].startswith(workplace_list)
    assert "below=1" in urls["recommend_awaiting_follow_up"]
    seen = follow(client, urls, figures)
    assert {name: number for name, (number, _rows) in seen.items() if name in FIGURES} == {
        "recommend_commend": 2,
        "recommend_consider_handling": 1,
        "recommend_followed_up": 1,
        "recommend_awaiting_follow_up": 2,
    }
    assert_same(seen)


def test_a_workplace_report_total_and_readers_without_the_list_get_no_workplace_link(client, world):
    proposals(world)
    client.force_login(world.workplace_officer)

    own = report_page(client, world.workplace, year=2025)

    assert "recommend_followed_up" not in own.context["figure_links"]
    for _child, _figures, urls in own.context["children"]:
        assert "recommend_followed_up" not in urls
