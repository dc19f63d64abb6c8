"""Helpers for the comment-cycle tests: a campaign, and the cast's workplace member's
comment taken to each step.

Every comment test runs at 9:00 on ``TODAY`` (15/01/2026, local time), whatever day the
suite runs: the 2025 campaign's deadline has passed, and the dates and timestamps the
steps write are known."""

import datetime
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine
from django.conf import settings
from rest_framework.test import APIClient

from lienhe213.comments import services
from lienhe213.comments.models import Comment, CommentCampaign, CommentRequest
from lienhe213.core.models import AuditEvent
from lienhe213.registry.tests.conftest import link_at

OPENS = datetime.date(2025, 11, 1)
CLOSES = datetime.date(2025, 11, 30)
DEADLINE = datetime.date(2025, 12, 15)
REQUESTED = datetime.date(2025, 11, 3)
TODAY = datetime.date(2026, 1, 15)
NOW = datetime.datetime.combine(
    TODAY, datetime.time(9), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
)

BEST_FORM_3 = {
    "item_1": "good",
    "item_2": "leading",
    "item_3": "full",
    "item_4": "regular_active",
    "item_5": "very_active",
    "recommendation": "no_proposal",
}
BEST_FORM_4 = {"item_a": "good", "item_b": "good", "item_c": "good"}
STEPS = ["requested", "drafted", "signed", "confirmed", "returned", "acknowledged", "used"]


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW.astimezone(datetime.UTC), tick=False):
        yield


def cycle_state():
    """Every row a comment service may write, to prove a refusal changed nothing."""
    return (
        list(CommentCampaign.objects.order_by("pk").values()),
        list(CommentRequest.objects.order_by("pk").values()),
        list(Comment.objects.order_by("pk").values()),
        list(AuditEvent.objects.order_by("pk").values()),
    )


def open_campaign(world, year=2025):
    return services.open_campaign(
        by=world.provincial_officer,
        province=world.province,
        year=year,
        opens_on=OPENS,
        closes_on=CLOSES,
        deadline=DEADLINE,
    )


def request_at(world, stage, campaign=None, link=None, items=None):
    """A form 3-213 request for member_w1 (active link in cell A2 of commune A) taken to
    ``stage``, each step by the cast member whose job it is."""
    campaign = campaign or open_campaign(world)
    link = link or link_at(world, "active")
    (request,) = services.request_comments(
        by=world.workplace_officer,
        campaign=campaign,
        workplace=world.workplace,
        members=[link.member],
        requested_on=REQUESTED,
    )
    index = STEPS.index(stage)
    secretaries = {world.cell_a1.pk: world.secretary_a1, world.cell_a2.pk: world.secretary_a2}
    secretary = secretaries.get(link.residence_cell_id)
    clerk = (
        world.commune_clerk
        if link.residence_commune_organization_id == world.commune_a_committee.pk
        else world.other_clerk
    )
    if index >= 1:
        services.save_draft(
            by=secretary or world.root_user,
            request=request,
            version=None,
            values=items or BEST_FORM_3,
        )
        services.record_front_meeting(
            by=secretary or world.root_user,
            request=request,
            met_on=datetime.date(2025, 11, 10),
            participants="Chi ủy; Ban công tác Mặt trận tổ 2",
        )
    if index >= 2:
        services.sign_comment(by=secretary or world.root_user, request=request)
    if index >= 3:
        services.confirm_comment(by=clerk, request=request)
    if index >= 4:
        services.return_comment(by=clerk, request=request)
    if index >= 5:
        services.acknowledge_comment(by=world.workplace_officer, request=request)
    if index >= 6:
        services.record_rating_use(
            by=world.workplace_officer,
            request=request,
            rating_level="good",
            rating_note="Considered in the annual review.",
        )
    return CommentRequest.objects.get(pk=request.pk)


@pytest.fixture
def campaign(world):
    return open_campaign(world)


@pytest.fixture
def api():
    """An API client asking for English answers."""
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")
