"""The workplace committee's follow-up of the residence's proposal (commend / consider
handling): recorded once, by the workplace side, on a returned comment, and sent back
to the residence commune as a notice; every refusal changes nothing."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lienhe213.comments import services
from lienhe213.comments.models import CommentRequest, RecommendationFollowUp
from lienhe213.comments.tests.conftest import BEST_FORM_3, TODAY, cycle_state, request_at
from lienhe213.core.errors import DomainError, StepRefused
from lienhe213.core.models import AuditEvent
from lienhe213.notices.models import Kind, Notice

COMMEND = {**BEST_FORM_3, "recommendation": "commend"}
HANDLING = {**BEST_FORM_3, "item_1": "not_yet", "recommendation": "consider_handling"}


def state():
    return (
        *cycle_state(),
        list(RecommendationFollowUp.objects.order_by("pk").values()),
        list(Notice.objects.order_by("pk").values()),
    )


def refused(match, refusal=DomainError, **kwargs):
    before = state()
    with pytest.raises(refusal, match=match):
        services.record_follow_up(**kwargs)
    assert state() == before


def follow_up(world, request, **overrides):
    values = {
        "by": world.workplace_officer,
        "request": request,
        "outcome": "commended",
        "decided_on": TODAY,
        "decision_reference": "QĐ 12-QĐ/ĐU",
        "note": "Certificate of merit.",
    }
    return services.record_follow_up(**{**values, **overrides})


def test_commendation_follow_up_is_recorded_and_sent_to_the_residence(world):
    request = request_at(world, "returned", items=COMMEND)
    version = request.version

    recorded = follow_up(world, request, version=version)

    stored = RecommendationFollowUp.objects.get(request=request)
    assert stored.pk == recorded.pk
    assert (stored.outcome, stored.decided_on) == ("commended", TODAY)
    assert stored.decision_reference == "QĐ 12-QĐ/ĐU"
    assert stored.recorded_by == world.workplace_officer
    notice = Notice.objects.get()
    assert stored.notice == notice
    assert notice.kind == Kind.COMMENDATION_OUTCOME
    assert notice.sender == world.workplace
    assert notice.recipient == world.commune_a_committee
    assert notice.member == world.member_w1
    assert notice.response_due is None
    assert "Commended" in notice.body and "QĐ 12-QĐ/ĐU" in notice.body
    assert "Certificate of merit." in notice.body
    assert CommentRequest.objects.get(pk=request.pk).version == version + 1
    event = AuditEvent.objects.filter(object_id=str(request.pk)).order_by("pk").last()
    assert event.changes["event"] == "followed_up"
    assert event.changes["outcome"] == "commended"


def test_handling_follow_up_sends_a_discipline_outcome(world):
    request = request_at(world, "used", items=HANDLING)

    follow_up(world, request, outcome="reminded", decision_reference="", note="")

    notice = Notice.objects.get()
    assert notice.kind == Kind.DISCIPLINE_OUTCOME
    assert notice.body.endswith("Reminded or criticized, decided on 15/01/2026.")
    assert RecommendationFollowUp.objects.get().outcome == "reminded"


@pytest.mark.parametrize("stage", ["requested", "drafted", "signed", "confirmed"])
def test_follow_up_before_return_is_refused(world, stage):
    request = request_at(world, stage, items=COMMEND)
    refused(
        "has not been returned yet",
        by=world.workplace_officer,
        request=request,
        outcome="commended",
        decided_on=TODAY,
    )


def test_follow_up_of_a_comment_without_proposal_is_refused(world):
    request = request_at(world, "returned")  # BEST_FORM_3 proposes nothing
    refused(
        "nothing to follow up",
        by=world.workplace_officer,
        request=request,
        outcome="commended",
        decided_on=TODAY,
    )


@pytest.mark.parametrize(
    ("items", "outcome"),
    [(COMMEND, "disciplined"), (HANDLING, "commended"), (COMMEND, "made_up")],
)
def test_outcome_not_answering_the_recommendation_is_refused(world, items, outcome):
    request = request_at(world, "returned", items=items)
    refused(
        "answers the recommendation",
        by=world.workplace_officer,
        request=request,
        outcome=outcome,
        decided_on=TODAY,
    )


@pytest.mark.parametrize(
    "name", ["commune_clerk", "secretary_a2", "secretary_a1", "member_user", "stranger"]
)
def test_follow_up_by_another_side_is_refused(world, name):
    request = request_at(world, "returned", items=COMMEND)
    refused(
        "You may not act for the workplace committee",
        StepRefused,
        by=world.user(name),
        request=request,
        outcome="commended",
        decided_on=TODAY,
    )


def test_follow_up_on_a_stale_version_is_refused(world):
    request = request_at(world, "returned", items=COMMEND)
    refused(
        "changed by someone else meanwhile",
        by=world.workplace_officer,
        request=request,
        outcome="commended",
        decided_on=TODAY,
        version=request.version - 1,
    )


def test_second_follow_up_is_refused(world):
    request = request_at(world, "returned", items=COMMEND)
    follow_up(world, request)

    refused(
        "already recorded on",
        by=world.workplace_officer,
        request=request,
        outcome="not_commended",
        decided_on=TODAY,
    )
    assert RecommendationFollowUp.objects.get().outcome == "commended"


def test_double_submit_of_the_same_page_is_refused(world):
    request = request_at(world, "returned", items=COMMEND)
    follow_up(world, request, version=request.version)

    refused(
        "changed by someone else meanwhile",
        by=world.workplace_officer,
        request=request,
        outcome="commended",
        decided_on=TODAY,
        version=request.version,
    )
    assert Notice.objects.count() == 1


def test_decision_in_the_future_is_refused(world):
    request = request_at(world, "returned", items=COMMEND)
    refused(
        "may not be in the future",
        by=world.workplace_officer,
        request=request,
        outcome="commended",
        decided_on=TODAY + datetime.timedelta(days=1),
    )


def test_decision_before_the_return_is_refused(world):
    request = request_at(world, "returned", items=COMMEND)
    refused(
        "may not be before the comment was returned",
        by=world.workplace_officer,
        request=request,
        outcome="commended",
        decided_on=TODAY - datetime.timedelta(days=1),
    )


# --- the page ---------------------------------------------------------------------------


def test_page_flow_records_the_follow_up_and_the_residence_sees_it(client, world):
    request = request_at(world, "returned", items=HANDLING)
    page = reverse("comments:request", args=[request.pk])
    client.force_login(world.workplace_officer)
    shown = client.get(page)
    form = shown.context["follow_up_form"]
    assert 'name="decided_on" value="2026-01-15"' in shown.text
    assert [value for value, _label in form.fields["outcome"].choices] == [
        "disciplined",
        "reminded",
        "no_violation",
    ]

    response = client.post(
        reverse("comments:step", args=[request.pk, "follow_up"]),
        {
            "version": request.version,
            "outcome": "no_violation",
            "decided_on": TODAY.isoformat(),
            "decision_reference": "BB 3/2026",
            "note": "Checked with the residential group.",
        },
    )

    assert response.status_code == 302 and response["Location"] == page
    assert RecommendationFollowUp.objects.get().outcome == "no_violation"
    client.force_login(world.commune_clerk)
    seen = client.get(page)
    assert seen.context["follow_up"].decision_reference == "BB 3/2026"
    assert seen.context["follow_up_form"] is None
    assert "Reviewed, no violation found" in seen.text
    notice_url = reverse("notices:detail", args=[Notice.objects.get().pk])
    assert notice_url in seen.text
    # the cell secretary sees the outcome, not the committees' notice
    client.force_login(world.secretary_a2)
    seen_by_cell = client.get(page)
    assert "Reviewed, no violation found" in seen_by_cell.text
    assert notice_url not in seen_by_cell.text
    assert client.get(notice_url).status_code == 404


def test_page_refusal_shows_the_reason_and_records_nothing(client, world):
    request = request_at(world, "returned", items=COMMEND)
    client.force_login(world.workplace_officer)
    before = state()

    response = client.post(
        reverse("comments:step", args=[request.pk, "follow_up"]),
        {
            "version": request.version,
            "outcome": "commended",
            "decided_on": (TODAY + datetime.timedelta(days=3)).isoformat(),
        },
        follow=True,
    )

    assert "The decision date may not be in the future." in response.text
    assert state() == before


def test_page_outcome_of_the_other_recommendation_is_a_form_error(client, world):
    request = request_at(world, "returned", items=COMMEND)
    client.force_login(world.workplace_officer)
    before = state()

    response = client.post(
        reverse("comments:step", args=[request.pk, "follow_up"]),
        {"version": request.version, "outcome": "disciplined", "decided_on": "2026-01-01"},
    )

    assert response.status_code == 400
    assert response.context["follow_up_form"].errors["outcome"]
    assert state() == before


def test_workplace_list_filters_by_recommendation_and_follow_up(client, world):
    from lienhe213.comments.tests.conftest import open_campaign
    from lienhe213.registry.tests.conftest import link_at
    from lienhe213.registry.tests.test_views import second_member

    campaign = open_campaign(world)
    done = request_at(world, "returned", campaign=campaign, items=COMMEND)
    lan = second_member(world, given_name="Lan", party_card_number="61111111")
    awaiting = request_at(
        world,
        "returned",
        campaign=campaign,
        link=link_at(world, "active", member=lan),
        items=HANDLING,
    )
    mai = second_member(world, given_name="Mai", party_card_number="62222222")
    request_at(world, "returned", campaign=campaign, link=link_at(world, "active", member=mai))
    follow_up(world, done)
    client.force_login(world.workplace_officer)
    url = reverse("comments:workplace", args=[world.workplace.pk])

    def rows(**query):
        return [row.pk for row in client.get(url, query).context["page"].rows]

    assert rows(follow_up="done") == [done.pk]
    assert rows(follow_up="awaiting") == [awaiting.pk]
    assert rows(recommendation="consider_handling") == [awaiting.pk]
    assert len(rows()) == 3
    assert rows(follow_up="awaiting", requested_from="2026-01-01") == []
    assert "Awaiting follow-up" in client.get(url).text


# --- the API ----------------------------------------------------------------------------

BASE = "/api/v1/comments/requests/"


def api_as(user):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(user)
    return api


def test_api_records_the_follow_up_and_shows_it(world):
    request = request_at(world, "returned", items=COMMEND)
    api = api_as(world.workplace_officer)

    response = api.post(
        f"{BASE}{request.pk}/follow-up/",
        {
            "version": request.version,
            "outcome": "not_commended",
            "decided_on": str(TODAY),
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["version"] == request.version + 1
    assert body["follow_up"]["outcome"] == "not_commended"
    assert body["follow_up"]["notice"] == Notice.objects.get().pk
    seen = api_as(world.commune_clerk).get(f"{BASE}{request.pk}/").json()
    assert seen["follow_up"]["outcome"] == "not_commended"


def test_api_stale_version_is_409_and_records_nothing(world):
    request = request_at(world, "returned", items=COMMEND)
    before = state()

    response = api_as(world.workplace_officer).post(
        f"{BASE}{request.pk}/follow-up/",
        {
            "version": request.version - 1,
            "outcome": "commended",
            "decided_on": str(TODAY),
        },
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["version"] == request.version
    assert state() == before


@pytest.mark.parametrize(
    ("items", "stage", "outcome", "message"),
    [
        (COMMEND, "confirmed", "commended", "has not been returned yet"),
        (BEST_FORM_3, "returned", "commended", "nothing to follow up"),
        (HANDLING, "returned", "commended", "answers the recommendation"),
    ],
)
def test_api_refusals_are_400_with_the_reason(world, items, stage, outcome, message):
    request = request_at(world, stage, items=items)
    before = state()

    response = api_as(world.workplace_officer).post(
        f"{BASE}{request.pk}/follow-up/",
        {"outcome": outcome, "decided_on": str(TODAY)},
        format="json",
    )

    assert response.status_code == 400
    assert message in str(response.json())
    assert state() == before


def test_api_double_submit_is_400(world):
    request = request_at(world, "returned", items=COMMEND)
    api = api_as(world.workplace_officer)
    body = {"outcome": "commended", "decided_on": str(TODAY)}
    assert api.post(f"{BASE}{request.pk}/follow-up/", body, format="json").status_code == 200
    before = state()

    response = api.post(f"{BASE}{request.pk}/follow-up/", body, format="json")

    assert response.status_code == 400
    assert "already recorded" in str(response.json())
    assert state() == before


def test_api_forged_request_id_is_404(world):
    request = request_at(world, "returned", items=COMMEND)
    before = state()

    response = api_as(world.workplace_officer).post(
        f"{BASE}{request.pk + 1000}/follow-up/",
        {"outcome": "commended", "decided_on": str(TODAY)},
        format="json",
    )

    assert response.status_code == 404
    assert state() == before


def test_workplace_list_query_count_does_not_grow_with_followed_up_rows(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lienhe213.comments.tests.conftest import open_campaign
    from lienhe213.registry.tests.conftest import link_at
    from lienhe213.registry.tests.test_views import second_member

    campaign = open_campaign(world)
    follow_up(world, request_at(world, "returned", campaign=campaign, items=COMMEND))
    client.force_login(world.workplace_officer)
    url = reverse("comments:workplace", args=[world.workplace.pk])
    with CaptureQueriesContext(connection) as one_row:
        client.get(url)
    for name, card in [("Lan", "61111111"), ("Mai", "62222222")]:
        link = link_at(
            world, "active", member=second_member(world, given_name=name, party_card_number=card)
        )
        follow_up(world, request_at(world, "returned", campaign=campaign, link=link, items=COMMEND))

    with CaptureQueriesContext(connection) as three_rows:
        response = client.get(url)

    assert response.text.count("badge follow-up-done") == 3
    assert len(three_rows) == len(one_row)


def test_a_link_closed_long_ago_takes_the_decision_without_a_notice(world, client):
    from lienhe213.registry.models import ResidenceLink

    request = request_at(world, "returned", items=COMMEND)
    long_ago = TODAY - datetime.timedelta(days=120)
    ResidenceLink.objects.filter(pk=request.link_id).update(status="closed", ended_on=long_ago)

    recorded = follow_up(world, request)

    assert RecommendationFollowUp.objects.get().pk == recorded.pk
    assert recorded.notice is None
    assert not Notice.objects.exists()
    client.force_login(world.workplace_officer)
    page = client.get(reverse("comments:request", args=[request.pk])).content.decode()
    assert "Not sent: the link no longer connects the two committees." in page
