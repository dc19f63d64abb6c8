"""Every refusal of the comment cycle names its reason and changes nothing."""

import datetime

import pytest

from lienhe213.comments import services
from lienhe213.comments.models import CommentCampaign
from lienhe213.comments.tests.conftest import (
    CLOSES,
    DEADLINE,
    OPENS,
    REQUESTED,
    cycle_state,
    link_at,
    open_campaign,
    request_at,
)
from lienhe213.core.errors import DomainError, StepRefused
from lienhe213.registry import services as registry_services
from lienhe213.registry.tests.conftest import MONDAY


def refused(match, call, refusal=DomainError, **kwargs):
    before = cycle_state()
    with pytest.raises(refusal, match=match):
        call(**kwargs)
    assert cycle_state() == before


def side_refused(match, call, **kwargs):
    """A step of another side: the 403 the pages and the API answer with."""
    refused(match, call, StepRefused, **kwargs)


def test_campaign_twice_for_a_year_is_refused(world):
    open_campaign(world)

    refused(
        "already has a campaign for 2025",
        services.open_campaign,
        by=world.provincial_officer,
        province=world.province,
        year=2025,
        opens_on=OPENS,
        closes_on=CLOSES,
        deadline=DEADLINE,
    )


@pytest.mark.parametrize("name", ["workplace_officer", "commune_clerk", "secretary_a1"])
def test_campaign_by_another_role_is_refused(world, name):
    refused(
        "You may not open campaigns",
        services.open_campaign,
        by=world.user(name),
        province=world.province,
        year=2025,
        opens_on=OPENS,
        closes_on=CLOSES,
        deadline=DEADLINE,
    )


def test_campaign_window_closing_before_it_opens_is_refused(world):
    refused(
        "may not close before it opens",
        services.open_campaign,
        by=world.provincial_officer,
        province=world.province,
        year=2025,
        opens_on=CLOSES,
        closes_on=OPENS,
        deadline=DEADLINE,
    )
    assert CommentCampaign.objects.count() == 0


def test_request_outside_the_window_is_refused(world, campaign):
    link_at(world, "active")

    refused(
        "only between 01/11/2025 and 30/11/2025",
        services.request_comments,
        by=world.workplace_officer,
        campaign=campaign,
        workplace=world.workplace,
        members=[world.member_w1],
        requested_on=CLOSES + datetime.timedelta(days=1),
    )


def test_request_without_an_active_link_is_refused(world, campaign):
    link_at(world, "assigned")

    refused(
        "has no active residence link",
        services.request_comments,
        by=world.workplace_officer,
        campaign=campaign,
        workplace=world.workplace,
        members=[world.member_w1],
        requested_on=REQUESTED,
    )


def test_request_for_category_b_is_refused(world, campaign):
    registry_services.record_exemption(
        by=world.root_user,
        member=world.member_w1,
        category="b",
        reason="abroad",
        decided_by=world.workplace,
        decided_on=MONDAY,
    )

    refused(
        "exempt from introduction \\(category B\\)",
        services.request_comments,
        by=world.workplace_officer,
        campaign=campaign,
        workplace=world.workplace,
        members=[world.member_w1],
        requested_on=REQUESTED,
    )


def test_request_twice_in_a_campaign_is_refused(world, campaign):
    request_at(world, "requested", campaign=campaign)

    refused(
        "already requested in this campaign",
        services.request_comments,
        by=world.workplace_officer,
        campaign=campaign,
        workplace=world.workplace,
        members=[world.member_w1],
        requested_on=REQUESTED,
    )


@pytest.mark.parametrize("name", ["commune_clerk", "secretary_a2", "stranger"])
def test_request_by_another_side_is_refused(world, campaign, name):
    link_at(world, "active")

    refused(
        "You may not act for the workplace committee",
        services.request_comments,
        by=world.user(name),
        campaign=campaign,
        workplace=world.workplace,
        members=[world.member_w1],
        requested_on=REQUESTED,
    )


def test_comment_signed_twice_is_refused(world):
    request = request_at(world, "signed")

    refused(
        "already signed on",
        services.sign_comment,
        by=world.secretary_a2,
        request=request,
    )


def test_signing_an_incomplete_comment_is_refused(world):
    request = request_at(world, "requested")
    services.save_draft(
        by=world.secretary_a2, request=request, version=None, values={"item_1": "good"}
    )

    refused(
        "Fill in every item before signing",
        services.sign_comment,
        by=world.secretary_a2,
        request=request,
    )


def test_signing_by_another_cell_is_refused(world):
    request = request_at(world, "drafted")

    side_refused(
        "You may not write comments for the residential cell “Chi bộ tổ 2”",
        services.sign_comment,
        by=world.secretary_a1,
        request=request,
    )


def test_editing_a_signed_comment_is_refused(world):
    request = request_at(world, "signed")

    refused(
        "can no longer be changed",
        services.save_draft,
        by=world.secretary_a2,
        request=request,
        version=None,
        values={"item_1": "fair"},
    )


def test_a_level_outside_the_scale_is_refused(world):
    request = request_at(world, "requested")

    refused(
        "Choose one of the three levels",
        services.save_draft,
        by=world.secretary_a2,
        request=request,
        version=None,
        values={"item_1": "excellent"},
    )


def test_confirmation_by_a_commune_that_does_not_hold_the_link_is_refused(world):
    request = request_at(world, "signed")

    side_refused(
        "Only the committee of “Đảng bộ phường Hà Giang 1”, which holds this member's",
        services.confirm_comment,
        by=world.other_clerk,
        request=request,
    )


def test_confirmation_before_signing_is_refused(world):
    request = request_at(world, "drafted")

    refused(
        "has not signed this comment yet",
        services.confirm_comment,
        by=world.commune_clerk,
        request=request,
    )


def test_return_before_confirmation_is_refused(world):
    request = request_at(world, "signed")

    refused(
        "Only a confirmed comment can be returned",
        services.return_comment,
        by=world.commune_clerk,
        request=request,
    )


@pytest.mark.parametrize("stage", ["requested", "drafted", "signed", "confirmed"])
def test_rating_on_a_comment_not_yet_returned_is_refused(world, stage):
    request = request_at(world, stage)

    refused(
        "has not been returned yet",
        services.record_rating_use,
        by=world.workplace_officer,
        request=request,
        rating_level="good",
        rating_note="",
    )


def test_rating_by_the_residence_is_refused(world):
    request = request_at(world, "returned")

    side_refused(
        "You may not act for the workplace committee",
        services.record_rating_use,
        by=world.commune_clerk,
        request=request,
        rating_level="good",
        rating_note="",
    )


def test_acknowledging_before_return_is_refused(world):
    request = request_at(world, "confirmed")

    refused(
        "Only a comment returned to the workplace can be acknowledged",
        services.acknowledge_comment,
        by=world.workplace_officer,
        request=request,
    )


def test_answer_before_return_is_refused(world):
    request = request_at(world, "confirmed")

    refused(
        "has not been returned yet",
        services.answer_comment,
        by=world.member_user,
        request=request,
        answer="I disagree.",
    )


def test_answer_by_someone_else_is_refused(world):
    request = request_at(world, "returned")

    side_refused(
        "Only the member may answer",
        services.answer_comment,
        by=world.workplace_officer,
        request=request,
        answer="I disagree.",
    )


def test_second_answer_is_refused(world):
    request = request_at(world, "returned")
    services.answer_comment(by=world.member_user, request=request, answer="I agree.")

    refused(
        "already answered",
        services.answer_comment,
        by=world.member_user,
        request=request,
        answer="Again.",
    )


def test_stale_version_of_a_step_is_refused(world):
    request = request_at(world, "signed")

    refused(
        "changed by someone else meanwhile",
        services.confirm_comment,
        by=world.commune_clerk,
        request=request,
        version=request.version - 1,
    )
