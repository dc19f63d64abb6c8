"""Writing the planned meetings, comment cycle and notices (``demo.activity``) in bulk.

Ids are assigned here so that attendances, comments and replies can point at rows
inserted in the same pass (the loader moves the sequences past them afterwards). Rows
are recorded by no user, like the rest of the import; moments the services would have
stamped with the current time are the planned moments of the steps.
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import Max, Model

from lienhe213.comments.models import (
    Comment,
    CommentCampaign,
    CommentRequest,
    RecommendationFollowUp,
)
from lienhe213.core.bulk import insert_rows
from lienhe213.demo.activity import Activity
from lienhe213.demo.comment_plan import CommentPlan
from lienhe213.demo.meeting_plan import MeetingPlan
from lienhe213.demo.notice_plan import NoticeSpec
from lienhe213.demo.timeline import moment
from lienhe213.meetings.models import Attendance, FollowUp, Meeting, Opinion
from lienhe213.notices.models import Notice, NoticeReply

ITEMS = ("item_1", "item_2", "item_3", "item_4", "item_5", "item_a", "item_b", "item_c")


class Ids:
    """Plan indexes to database ids: organizations, members, and the book's links
    (consecutive from ``first_link``)."""

    def __init__(self, orgs: Sequence[int], members: Sequence[int], first_link: int) -> None:
        self.orgs = orgs
        self.members = members
        self.first_link = first_link


def first_id(model: type[Model]) -> int:
    return int(model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


def write_meetings(meetings: MeetingPlan, ids: Ids) -> dict[str, int]:
    first = first_id(Meeting)
    rows: list[dict[str, Any]] = []
    attendances: list[dict[str, Any]] = []
    opinions: list[dict[str, Any]] = []
    follow_ups: list[dict[str, Any]] = []
    for number, spec in enumerate(meetings.meetings):
        meeting_id = first + number
        last = max([spec.date, *(f.done_on for f in spec.follow_ups if f.done_on)])
        rows.append(
            {
                "id": meeting_id,
                "cell_id": ids.orgs[spec.cell],
                "kind": spec.kind,
                "date": spec.date,
                "place": spec.place,
                "agenda": spec.agenda,
                "status": spec.status,
                "cancel_reason": spec.cancel_reason,
                "planned_by_id": None,
                "version": spec.version,
                "created_at": moment(spec.planned_on or spec.date, 9),
                "updated_at": moment(last, 21),
            }
        )
        attendances.extend(
            {
                "meeting_id": meeting_id,
                "member_id": ids.members[a.member],
                "link_id": ids.first_link + a.link,
                "invited": a.invited,
                "status": a.status,
                "excuse_reason": a.excuse_reason,
            }
            for a in spec.attendances
        )
        opinions.extend(
            {
                "meeting_id": meeting_id,
                "member_id": ids.members[member],
                "text": text,
                "created_at": moment(spec.date, 20, minute),
            }
            for minute, (member, text) in enumerate(spec.opinions)
        )
        follow_ups.extend(
            {
                "meeting_id": meeting_id,
                "description": f.description,
                "owner": f.owner,
                "member_id": ids.members[f.member] if f.member is not None else None,
                "due_on": f.due_on,
                "done_on": f.done_on,
                "created_at": moment(spec.date, 21),
            }
            for f in spec.follow_ups
        )
    counts = {"meetings": insert_rows(Meeting, rows, keys=list(rows[0])) if rows else 0}
    counts["attendances"] = (
        insert_rows(Attendance, attendances, keys=list(attendances[0])) if attendances else 0
    )
    counts["opinions"] = insert_rows(Opinion, opinions, keys=list(opinions[0])) if opinions else 0
    counts["follow_ups"] = (
        insert_rows(FollowUp, follow_ups, keys=list(follow_ups[0])) if follow_ups else 0
    )
    return counts


def write_follow_ups(
    comments: CommentPlan, *, first_request: int, first_notice: int
) -> dict[str, int]:
    """The workplace's follow-ups of the past years' proposals, after their notices."""
    rows = [
        {
            "request_id": first_request + number,
            "outcome": r.follow_up_outcome,
            "decided_on": r.follow_up_on,
            "decision_reference": r.follow_up_reference,
            "note": "",
            "notice_id": first_notice + r.follow_up_notice,
            "recorded_by_id": None,
            "recorded_at": r.follow_up_at,
        }
        for number, r in enumerate(comments.requests)
        if r.follow_up_notice is not None
    ]
    written = insert_rows(RecommendationFollowUp, rows, keys=list(rows[0])) if rows else 0
    return {"recommendation_follow_ups": written}


def write_comments(comments: CommentPlan, ids: Ids) -> dict[str, int]:
    first_campaign = first_id(CommentCampaign)
    campaigns = [
        {
            "id": first_campaign + number,
            "province_id": ids.orgs[0],
            "year": c.year,
            "opens_on": c.opens_on,
            "closes_on": c.closes_on,
            "deadline": c.deadline,
            "opened_by_id": None,
            "created_at": moment(c.created_on, 9),
        }
        for number, c in enumerate(comments.campaigns)
    ]
    insert_rows(CommentCampaign, campaigns, keys=list(campaigns[0]))
    first = first_id(CommentRequest)
    requests = []
    rows = []
    for number, r in enumerate(comments.requests):
        request: dict[str, Any] = {
            "id": first + number,
            "campaign_id": first_campaign + r.campaign,
            "link_id": ids.first_link + r.link,
            "member_id": ids.members[r.member],
            "workplace_organization_id": ids.orgs[r.workplace],
            "form": r.form,
            "purpose": r.purpose,
            "requested_on": r.requested_on,
            "requested_by_id": None,
            "status": r.status,
            "escalated_at": r.escalated_at,
            "version": r.version,
            "created_at": r.requested_at,
            "updated_at": r.updated_at,
        }
        requests.append(request)
        rows.append(
            {
                "request_id": first + number,
                "front_meeting_on": r.front_meeting_on,
                "front_meeting_participants": r.front_meeting_participants,
                **{item: r.levels.get(item, "") for item in ITEMS},
                "recommendation": r.recommendation,
                "other_comments": r.other_comments,
                "signed_at": r.signed_at,
                "signed_by_id": None,
                "confirmed_at": r.confirmed_at,
                "confirmed_by_id": None,
                "returned_at": r.returned_at,
                "acknowledged_at": r.acknowledged_at,
                "acknowledged_by_id": None,
                "rating_level": r.rating_level,
                "rating_note": r.rating_note,
                "member_answer": r.member_answer,
                "answered_at": r.answered_at,
                "version": r.comment_version,
                "updated_at": r.updated_at,
            }
        )
    counts = {"comment_campaigns": len(campaigns)}
    counts["comment_requests"] = (
        insert_rows(CommentRequest, requests, keys=list(requests[0])) if requests else 0
    )
    if rows:
        insert_rows(Comment, rows, keys=list(rows[0]))
    counts["comments_returned"] = sum(1 for r in comments.requests if r.returned_at is not None)
    return counts


def write_notices(notices: list[NoticeSpec], ids: Ids) -> dict[str, int]:
    first = first_id(Notice)
    rows: list[dict[str, Any]] = []
    replies: list[dict[str, Any]] = []
    for number, n in enumerate(notices):
        rows.append(
            {
                "id": first + number,
                "member_id": ids.members[n.member],
                "link_id": ids.first_link + n.link,
                "sender_id": ids.orgs[n.sender],
                "recipient_id": ids.orgs[n.recipient],
                "kind": n.kind,
                "body": n.body,
                "sent_on": n.sent_on,
                "sent_at": n.sent_at,
                "sent_by_id": None,
                "response_due": n.response_due,
                "acknowledged_at": n.acknowledged_at,
                "acknowledged_by_id": None,
                "outcome": n.outcome,
                "closed_at": n.closed_at,
                "escalated_at": n.escalated_at,
                "status": n.status,
                "version": n.version,
            }
        )
        replies.extend(
            {
                "notice_id": first + number,
                "organization_id": ids.orgs[org],
                "by_id": None,
                "at": at,
                "body": body,
            }
            for org, at, body in n.replies
        )
    counts = {"notices": insert_rows(Notice, rows, keys=list(rows[0])) if rows else 0}
    counts["notice_replies"] = (
        insert_rows(NoticeReply, replies, keys=list(replies[0])) if replies else 0
    )
    return counts


def write_activity(activity: Activity, ids: Ids) -> dict[str, int]:
    """Insert all of ``activity``; returns the counts written."""
    first_request, first_notice = first_id(CommentRequest), first_id(Notice)
    return {
        **write_meetings(activity.meetings, ids),
        **write_comments(activity.comments, ids),
        **write_notices(activity.notices, ids),
        **write_follow_ups(
            activity.comments, first_request=first_request, first_notice=first_notice
        ),
    }
