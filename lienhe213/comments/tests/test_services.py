"""The comment cycle through its services: the exact rows each step writes and its
audit, the form each member gets, and the draft's optimistic lock."""

import datetime

import pytest

from lienhe213.comments import services
from lienhe213.comments.models import Comment, CommentCampaign, CommentRequest
from lienhe213.comments.tests.conftest import (
    BEST_FORM_3,
    BEST_FORM_4,
    CLOSES,
    DEADLINE,
    NOW,
    OPENS,
    REQUESTED,
    cycle_state,
    link_at,
    open_campaign,
    request_at,
)
from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent
from lienhe213.registry.models import ResidenceLink


def audit_events(obj):
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("pk")
        .values_list("actor_name", "action", "changes__event")
    )


def test_open_campaign_stores_the_window_and_audits(world):
    campaign = open_campaign(world)

    stored = CommentCampaign.objects.values(
        "province", "year", "opens_on", "closes_on", "deadline", "opened_by"
    ).get()
    assert stored == {
        "province": world.province.pk,
        "year": 2025,
        "opens_on": OPENS,
        "closes_on": CLOSES,
        "deadline": DEADLINE,
        "opened_by": world.provincial_officer.pk,
    }
    event = AuditEvent.objects.get(object_type="comments.commentcampaign")
    assert (event.actor_name, event.action, event.object_id) == ("tinh", "create", str(campaign.pk))
    assert event.scope_path == world.province.path


def test_request_comments_gives_form_3_to_a_normal_member(world, campaign):
    link = link_at(world, "active")

    (request,) = services.request_comments(
        by=world.workplace_officer,
        campaign=campaign,
        workplace=world.workplace,
        members=[world.member_w1],
        requested_on=REQUESTED,
    )

    stored = CommentRequest.objects.values(
        "campaign",
        "link",
        "member",
        "workplace_organization",
        "form",
        "purpose",
        "status",
        "requested_on",
        "requested_by",
        "version",
    ).get()
    assert stored == {
        "campaign": campaign.pk,
        "link": link.pk,
        "member": world.member_w1.pk,
        "workplace_organization": world.workplace.pk,
        "form": "3-213",
        "purpose": "",
        "status": "requested",
        "requested_on": REQUESTED,
        "requested_by": world.workplace_officer.pk,
        "version": 1,
    }
    assert Comment.objects.filter(request=request, version=1, signed_at__isnull=True).count() == 1
    assert audit_events(request) == [("coquan", "create", "requested")]


def test_request_comments_for_category_a_needs_the_purpose_and_gives_form_4(world, campaign):
    link = link_at(world, "active")
    ResidenceLink.objects.filter(pk=link.pk).update(category="a")  # introduced as category A
    before = cycle_state()

    with pytest.raises(DomainError, match="only on demand, with its purpose"):
        services.request_comments(
            by=world.workplace_officer,
            campaign=campaign,
            workplace=world.workplace,
            members=[world.member_w1],
            requested_on=REQUESTED,
        )
    assert cycle_state() == before

    (request,) = services.request_comments(
        by=world.workplace_officer,
        campaign=campaign,
        workplace=world.workplace,
        members=[world.member_w1],
        requested_on=REQUESTED,
        purpose="commendation",
    )
    assert CommentRequest.objects.values_list("form", "purpose").get(pk=request.pk) == (
        "4-213",
        "commendation",
    )


def test_whole_cycle_writes_each_step_and_its_actor(world):
    request = request_at(world, "used")

    comment = Comment.objects.get(request=request)
    assert request.status == "used"
    assert request.version == 8  # 1 at creation, then seven steps
    assert comment.version == 3  # created + draft + meeting
    assert [getattr(comment, name) for name in BEST_FORM_3] == list(BEST_FORM_3.values())
    assert comment.front_meeting_on == datetime.date(2025, 11, 10)
    assert (comment.signed_by, comment.confirmed_by, comment.acknowledged_by) == (
        world.secretary_a2,
        world.commune_clerk,
        world.workplace_officer,
    )
    assert comment.returned_at == NOW
    assert (comment.rating_level, comment.rating_note) == (
        "good",
        "Considered in the annual review.",
    )
    assert audit_events(request) == [
        ("coquan", "create", "requested"),
        ("chibo2", "update", "drafted"),
        ("chibo2", "update", "front_meeting"),
        ("chibo2", "update", "signed"),
        ("xa", "update", "confirmed"),
        ("xa", "update", "returned"),
        ("coquan", "update", "acknowledged"),
        ("coquan", "update", "rating_used"),
    ]


def test_signing_records_the_status_change_in_the_audit(world):
    request = request_at(world, "signed")

    event = AuditEvent.objects.filter(changes__event="signed").get()
    assert event.changes["status"] == ["drafted", "signed"]
    assert event.changes["signed_by"] == [None, world.secretary_a2.pk]
    assert event.scope_path == world.commune_a_committee.path
    assert request.status == "signed"


def test_member_answers_the_returned_comment(world):
    request = request_at(world, "returned")

    services.answer_comment(by=world.member_user, request=request, answer="  I agree.  ")

    comment = Comment.objects.get(request=request)
    assert comment.member_answer == "I agree."
    assert comment.answered_at == NOW
    assert CommentRequest.objects.get(pk=request.pk).status == "returned"
    assert audit_events(request)[-1] == ("dangvien", "update", "answered")


def test_form_4_is_drafted_with_its_three_items(world):
    link = link_at(world, "active")
    ResidenceLink.objects.filter(pk=link.pk).update(category="a")
    campaign = open_campaign(world)
    (request,) = services.request_comments(
        by=world.workplace_officer,
        campaign=campaign,
        workplace=world.workplace,
        members=[world.member_w1],
        requested_on=REQUESTED,
        purpose="cadre_work",
    )

    services.save_draft(by=world.secretary_a2, request=request, version=1, values=BEST_FORM_4)

    comment = Comment.objects.get(request=request)
    assert (comment.item_a, comment.item_b, comment.item_c, comment.item_1) == (
        "good",
        "good",
        "good",
        "",
    )


def test_stale_draft_is_refused_with_changed_meanwhile(world):
    request = request_at(world, "requested")
    # the secretary and the clerk both opened the draft at version 1
    services.save_draft(
        by=world.secretary_a2, request=request, version=1, values={"item_1": "fair"}
    )
    before = cycle_state()

    with pytest.raises(DomainError, match="changed by someone else meanwhile"):
        services.save_draft(
            by=world.commune_clerk, request=request, version=1, values={"item_1": "good"}
        )

    assert cycle_state() == before
    assert Comment.objects.get(request=request).item_1 == "fair"


def test_clerk_saves_the_draft_from_the_current_version(world):
    request = request_at(world, "requested")
    services.save_draft(
        by=world.secretary_a2, request=request, version=1, values={"item_1": "fair"}
    )

    services.save_draft(
        by=world.commune_clerk, request=request, version=2, values={"item_2": "exemplary"}
    )

    comment = Comment.objects.get(request=request)
    assert (comment.item_1, comment.item_2, comment.version) == ("fair", "exemplary", 3)


def test_requests_past_deadline(world):
    request = request_at(world, "signed")

    assert list(CommentRequest.objects.past_deadline(on=DEADLINE)) == []
    late = CommentRequest.objects.past_deadline(on=DEADLINE + datetime.timedelta(days=1))
    assert list(late) == [request]


def test_overdue_requests_are_escalated_once(world):
    # given a signed request of a campaign whose deadline is 15/12
    request = request_at(world, "signed")
    day_after = DEADLINE + datetime.timedelta(days=1)

    # when
    on_deadline = services.escalate_overdue_requests(on=DEADLINE)
    first = services.escalate_overdue_requests(on=day_after)
    second = services.escalate_overdue_requests(on=day_after + datetime.timedelta(days=5))

    # then
    assert on_deadline == []
    assert first == [request]
    assert second == []
    stored = CommentRequest.objects.get(pk=request.pk)
    assert stored.escalated_at == NOW
    assert (stored.status, stored.version) == ("signed", request.version)
    assert list(CommentRequest.objects.escalated()) == [request]
    events = AuditEvent.objects.filter(changes__event="escalated")
    assert [(e.object_id, e.actor_name, e.action, e.scope_path) for e in events] == [
        (str(request.pk), "system", "update", world.commune_a_committee.path)
    ]


@pytest.mark.parametrize("stage", ["returned", "acknowledged", "used"])
def test_returned_requests_are_never_escalated(world, stage):
    request_at(world, stage)
    before = cycle_state()

    escalated = services.escalate_overdue_requests(on=DEADLINE + datetime.timedelta(days=30))

    assert escalated == []
    assert list(CommentRequest.objects.overdue(on=DEADLINE + datetime.timedelta(days=30))) == []
    assert cycle_state() == before
