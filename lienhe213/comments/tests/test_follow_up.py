"""The workplace committee's follow-up of the residence's proposal (commend / consider
handling): recorded once, by the workplace side, on a returned comment, and sent back
to the residence commune as a notice; every refusal changes nothing."""

import datetime

import pytest
from django.utils import timezone

from lienhe213.comments import services
from lienhe213.comments.models import CommentRequest, RecommendationFollowUp
from lienhe213.comments.tests.conftest import BEST_FORM_3, cycle_state, request_at
from lienhe213.core.errors import DomainError
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


def refused(match, **kwargs):
    before = state()
    with pytest.raises(DomainError, match=match):
        services.record_follow_up(**kwargs)
    assert state() == before


def follow_up(world, request, **overrides):
    values = {
        "by": world.workplace_officer,
        "request": request,
        "outcome": "commended",
        "decided_on": timezone.localdate(),
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
    assert (stored.outcome, stored.decided_on) == ("commended", timezone.localdate())
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
    assert notice.body.endswith(
        f"Reminded or criticized, decided on {timezone.localdate():%d/%m/%Y}."
    )
    assert RecommendationFollowUp.objects.get().outcome == "reminded"


@pytest.mark.parametrize("stage", ["requested", "drafted", "signed", "confirmed"])
def test_follow_up_before_return_is_refused(world, stage):
    request = request_at(world, stage, items=COMMEND)
    refused(
        "has not been returned yet",
        by=world.workplace_officer,
        request=request,
        outcome="commended",
        decided_on=timezone.localdate(),
    )


def test_follow_up_of_a_comment_without_proposal_is_refused(world):
    request = request_at(world, "returned")  # BEST_FORM_3 proposes nothing
    refused(
        "nothing to follow up",
        by=world.workplace_officer,
        request=request,
        outcome="commended",
        decided_on=timezone.localdate(),
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
        decided_on=timezone.localdate(),
    )


@pytest.mark.parametrize(
    "name", ["commune_clerk", "secretary_a2", "secretary_a1", "member_user", "stranger"]
)
def test_follow_up_by_another_side_is_refused(world, name):
    request = request_at(world, "returned", items=COMMEND)
    refused(
        "You may not act for the workplace committee",
        by=world.user(name),
        request=request,
        outcome="commended",
        decided_on=timezone.localdate(),
    )


def test_follow_up_on_a_stale_version_is_refused(world):
    request = request_at(world, "returned", items=COMMEND)
    refused(
        "changed by someone else meanwhile",
        by=world.workplace_officer,
        request=request,
        outcome="commended",
        decided_on=timezone.localdate(),
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
        decided_on=timezone.localdate(),
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
        decided_on=timezone.localdate(),
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
        decided_on=timezone.localdate() + datetime.timedelta(days=1),
    )


def test_decision_before_the_return_is_refused(world):
    request = request_at(world, "returned", items=COMMEND)
    refused(
        "may not be before the comment was returned",
        by=world.workplace_officer,
        request=request,
        outcome="commended",
        decided_on=timezone.localdate() - datetime.timedelta(days=1),
    )
