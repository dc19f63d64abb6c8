import datetime
import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from lienhe213.accounts.models import User
from lienhe213.comments import services as comment_services
from lienhe213.comments.models import Comment, CommentCampaign, CommentRequest
from lienhe213.comments.queries import progress_by_commune, uniform_ratings
from lienhe213.demo import book, plans
from lienhe213.demo.activity import plan_activity
from lienhe213.demo.loader import build_preset
from lienhe213.meetings import services as meeting_services
from lienhe213.meetings.models import Attendance, FollowUp, Meeting, Opinion
from lienhe213.meetings.queries import cells_without_recent_meeting, links_absent_twice
from lienhe213.notices.access import side_of
from lienhe213.notices.models import SIDE_OF_KIND, Kind, Notice, NoticeReply
from lienhe213.notices.services import RECENTLY_CLOSED_DAYS, response_due_for
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.queries import classifications_on

DAY = datetime.date(2026, 11, 27)
STEPS = ("requested", "drafted", "signed", "confirmed", "returned", "acknowledged", "used")


@pytest.fixture
def seeded(db: Any) -> None:
    build_preset("small", seed=plans.DEFAULT_SEED, today=DAY)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _organization(username: str) -> Organization:
    return _user(username).role_assignments.get().organization


# --- counts ------------------------------------------------------------------------------


def test_small_preset_has_meetings_comments_and_notices_of_every_kind(seeded: None) -> None:
    meetings = Counter(Meeting.objects.values_list("kind", "status"))
    attendance = Counter(Attendance.objects.values_list("status", flat=True))
    requests = Counter(CommentRequest.objects.values_list("campaign__year", "status"))
    notices = Counter(Notice.objects.values_list("kind", flat=True))
    statuses = Counter(Notice.objects.values_list("status", flat=True))

    assert meetings == {
        ("periodic", "held"): 39,
        ("periodic", "planned"): 2,
        ("periodic", "cancelled"): 1,
        ("thematic", "held"): 2,
        ("extraordinary", "held"): 2,
    }
    assert attendance == {"present": 389, "excused": 64, "absent": 38, "unknown": 31}
    assert requests == {
        (2025, "requested"): 1,
        (2025, "drafted"): 2,
        (2025, "signed"): 1,
        (2025, "confirmed"): 3,
        (2025, "returned"): 3,
        (2025, "acknowledged"): 10,
        (2025, "used"): 99,
        (2026, "requested"): 35,
        (2026, "drafted"): 15,
        (2026, "signed"): 12,
        (2026, "confirmed"): 10,
        (2026, "returned"): 10,
        (2026, "acknowledged"): 6,
        (2026, "used"): 5,
    }
    assert set(notices) == set(Kind.values)
    # the follow-ups of last year's proposals add ten notices, six acknowledged
    assert statuses == {"sent": 12, "acknowledged": 6, "answered": 2, "closed": 12}
    assert (Opinion.objects.count(), FollowUp.objects.count()) == (46, 41)
    assert FollowUp.objects.filter(done_on__isnull=True).exists()
    assert FollowUp.objects.filter(done_on__isnull=False).exists()
    assert NoticeReply.objects.count() == 10


# --- meetings ----------------------------------------------------------------------------


def test_attendance_only_for_members_linked_to_the_cell_on_the_day(seeded: None) -> None:
    rows = Attendance.objects.select_related("meeting", "link")

    for row in rows:
        link, meeting = row.link, row.meeting
        assert link.member_id == row.member_id
        assert link.residence_cell_id == meeting.cell_id
        assert link.acknowledged_on is not None and link.acknowledged_on <= meeting.date
        assert link.ended_on is None or meeting.date < link.ended_on
        if meeting.status == "planned":
            assert link.status == "active"
        assert row.invited == (link.category != "a")
        assert (row.status == "unknown") == (meeting.status != "held")
        assert bool(row.excuse_reason) == (row.status == "excused")
        assert row.invited or row.status == "present"


def test_meetings_carry_the_versions_and_records_the_services_would(seeded: None) -> None:
    meetings = Meeting.objects.annotate(
        records=Count("attendances", filter=~Q(attendances__status="unknown"), distinct=True),
        opinion_count=Count("opinions", distinct=True),
        follow_up_count=Count("follow_ups", distinct=True),
        done=Count("follow_ups", filter=Q(follow_ups__done_on__isnull=False), distinct=True),
        invited=Count("attendances", filter=Q(attendances__invited=True), distinct=True),
    )

    for meeting in meetings:
        meeting.full_clean()
        closing = 0 if meeting.status == "planned" else 1
        assert meeting.version == (
            1
            + meeting.records
            + meeting.opinion_count
            + meeting.follow_up_count
            + meeting.done
            + closing
        )
        assert meeting.invited >= 1
        assert (meeting.date < DAY) == (meeting.status != "planned")
        assert bool(meeting.cancel_reason) == (meeting.status == "cancelled")
    for opinion in Opinion.objects.select_related("meeting"):
        assert Attendance.objects.filter(
            meeting=opinion.meeting, member=opinion.member_id, status="present"
        ).exists()
    for follow_up in FollowUp.objects.select_related("meeting", "member"):
        assert follow_up.due_on >= follow_up.meeting.date
        assert follow_up.done_on is None or follow_up.meeting.date <= follow_up.done_on < DAY
        # a member who took the task on is one present at the meeting, named as its owner
        if follow_up.member is not None:
            assert follow_up.owner == "Đồng chí " + follow_up.member.full_name
            assert Attendance.objects.filter(
                meeting=follow_up.meeting, member=follow_up.member, status="present"
            ).exists()
    assert FollowUp.objects.filter(member__isnull=False).exists()


def test_the_six_month_flag_and_the_absent_twice_flag_show(seeded: None) -> None:
    commune = _organization("xa")
    cell = _organization("chibo")

    behind = list(cells_without_recent_meeting(commune, on=DAY).values_list("name", flat=True))
    absent = links_absent_twice(commune)

    assert behind == ["Chi bộ tổ dân phố 4"]
    assert absent.count() == 6
    assert absent.filter(residence_cell=cell).count() >= 1
    assert not cells_without_recent_meeting(cell, on=DAY).exists()


# --- the comment cycle -------------------------------------------------------------------


def test_comment_requests_follow_the_rules_of_the_services(seeded: None) -> None:
    requests = CommentRequest.objects.select_related("link", "campaign", "comment")
    categories = {
        day: classifications_on(
            CommentRequest.objects.filter(requested_on=day).values_list("member_id", flat=True),
            day,
        )
        for day in set(requests.values_list("requested_on", flat=True))
    }

    for request in requests:
        link, campaign, comment = request.link, request.campaign, request.comment
        request.full_clean()
        comment.full_clean()
        assert link.member_id == request.member_id
        assert link.workplace_organization_id == request.workplace_organization_id
        assert link.acknowledged_on is not None and link.acknowledged_on <= request.requested_on
        assert link.ended_on is None or request.requested_on < link.ended_on
        assert categories[request.requested_on][request.member_id] != "b"
        assert request.form == ("4-213" if link.category == "a" else "3-213")
        assert bool(request.purpose) == (request.form == "4-213")
        assert campaign.opens_on <= request.requested_on <= campaign.closes_on
        reached = STEPS.index(request.status)
        assert (comment.signed_at is not None) == (reached >= 2)
        assert (comment.confirmed_at is not None) == (reached >= 3)
        assert (comment.returned_at is not None) == (reached >= 4)
        assert (comment.acknowledged_at is not None) == (reached >= 5)
        assert bool(comment.rating_level) == (reached >= 6)
        if reached >= 2:
            assert comment.missing_items() == []
            assert comment.front_meeting_on is not None
            assert request.requested_on <= comment.front_meeting_on < DAY
        moments = [
            m
            for m in (
                comment.signed_at,
                comment.confirmed_at,
                comment.returned_at,
                comment.acknowledged_at,
            )
            if m is not None
        ]
        assert moments == sorted(moments)
        assert comment.answered_at is None or (
            comment.returned_at is not None and comment.answered_at >= comment.returned_at
        )
        steps = max(reached - 1, 0)
        drafted = (comment.version - 1) if reached >= 1 else 0
        assert comment.version == 1 + drafted
        followed = hasattr(request, "follow_up")
        answered = comment.answered_at is not None
        assert request.version == comment.version + steps + answered + followed
        assert (request.escalated_at is not None) == (
            campaign.deadline < DAY and request.status in STEPS[:4]
        )


def test_no_request_for_category_b_or_for_links_not_yet_active(seeded: None) -> None:
    asked = set(CommentRequest.objects.values_list("link_id", flat=True))
    b_closed = ResidenceLink.objects.filter(end_reason="category_b")

    assert not ResidenceLink.objects.filter(pk__in=asked, acknowledged_on__isnull=True).exists()
    for link in b_closed:
        for request in CommentRequest.objects.filter(link=link):
            assert link.ended_on is not None and request.requested_on < link.ended_on


def test_ratings_are_spread_yet_some_cells_rate_everyone_best(seeded: None) -> None:
    last_year = CommentRequest.objects.filter(campaign__year=DAY.year - 1)
    comments = Comment.objects.filter(request__in=last_year.returned(), request__form="3-213")
    levels = {
        item: Counter(comments.values_list(item, flat=True))
        for item in ("item_1", "item_2", "item_3", "item_4", "item_5", "recommendation")
    }

    uniform = uniform_ratings(last_year, "link__residence_cell")

    assert levels == {
        "item_1": {"good": 83, "fair": 26, "not_yet": 2},
        "item_2": {"leading": 88, "exemplary": 20, "not_yet": 3},
        "item_3": {"full": 80, "partial": 31},
        "item_4": {"regular_active": 90, "regular": 19, "irregular": 2},
        "item_5": {"very_active": 92, "active": 16, "not_yet": 3},
        "recommendation": {"no_proposal": 99, "commend": 7, "consider_handling": 5},
    }
    assert [row["name"] for row in uniform] == ["Chi bộ tổ dân phố 9"]
    assert last_year.past_deadline(on=DAY).count() == 7
    assert comments.filter(returned_at__date__gt=last_year[0].campaign.deadline).count() == 9
    assert comments.exclude(member_answer="").count() == 1


def test_this_years_campaign_is_open_with_requests_at_every_step(seeded: None) -> None:
    campaign = CommentCampaign.objects.get(year=DAY.year)
    statuses = Counter(campaign.requests.values_list("status", flat=True))

    assert (campaign.opens_on, campaign.closes_on, campaign.deadline) == (
        datetime.date(2026, 11, 9),
        datetime.date(2026, 12, 11),
        datetime.date(2026, 12, 25),
    )
    assert set(statuses) == set(STEPS)
    assert campaign.requests.past_deadline(on=DAY).count() == 0


# --- follow-up of the proposals ---------------------------------------------------------


def test_most_of_last_years_proposals_are_followed_up_with_a_notice(seeded: None) -> None:
    from lienhe213.comments.models import OUTCOMES_FOR, RecommendationFollowUp

    last_year = CommentRequest.objects.filter(campaign__year=2025)
    followed = last_year.followed_up().count()
    awaiting = last_year.awaiting_follow_up().count()
    follow_ups = RecommendationFollowUp.objects.select_related(
        "request__comment", "request__link", "notice"
    )

    assert (followed, awaiting) == (10, 2)
    assert follow_ups.count() == followed
    assert not CommentRequest.objects.filter(campaign__year=2026).followed_up().exists()
    for follow_up in follow_ups:
        request, notice = follow_up.request, follow_up.notice
        assert follow_up.outcome in OUTCOMES_FOR[request.comment.recommendation]
        assert request.comment.returned_at is not None
        assert request.comment.returned_at.date() <= follow_up.decided_on < DAY
        assert notice is not None and notice.member_id == request.member_id
        assert notice.kind == (
            Kind.COMMENDATION_OUTCOME
            if request.comment.recommendation == "commend"
            else Kind.DISCIPLINE_OUTCOME
        )
        assert (notice.sender_id, notice.recipient_id) == (
            request.link.workplace_organization_id,
            request.link.residence_commune_organization_id,
        )


# --- notices -----------------------------------------------------------------------------


def test_notices_go_between_the_two_sides_of_a_connecting_link(seeded: None) -> None:
    for notice in Notice.objects.select_related("link", "sender", "recipient"):
        notice.full_clean()
        link = notice.link
        assert side_of(link, notice.sender) == SIDE_OF_KIND[notice.kind]
        assert side_of(link, notice.recipient) not in (None, SIDE_OF_KIND[notice.kind])
        assert link.member_id == notice.member_id
        assert link.acknowledged_on is not None and link.acknowledged_on <= notice.sent_on
        if link.ended_on is not None:
            assert link.ended_on >= notice.sent_on - datetime.timedelta(days=RECENTLY_CLOSED_DAYS)
        assert notice.response_due == response_due_for(
            notice.kind, notice.recipient, notice.sent_on
        )
        replies = list(notice.replies.order_by("at"))
        answered = any(r.organization_id == notice.recipient_id for r in replies)
        acknowledged_separately = notice.version - 1 - len(replies) - (notice.status == "closed")
        assert acknowledged_separately in (0, 1)
        assert (notice.status == "answered") <= answered
        if notice.status == "sent":
            assert notice.acknowledged_at is None and not answered
        assert bool(notice.outcome) == (notice.status == "closed")
        assert notice.escalated_at is None or notice.is_overdue(notice.escalated_at.date())
        assert notice.sent_on < DAY


def test_some_notices_are_overdue_some_of_them_escalated(seeded: None) -> None:
    overdue = Notice.objects.overdue(on=DAY)

    assert overdue.count() == 2
    assert overdue.filter(escalated_at__isnull=False).count() == 2


# --- the demo accounts -------------------------------------------------------------------


def test_demo_accounts_have_work_on_their_pages(seeded: None) -> None:
    chibo, xa, coquan = _user("chibo"), _user("xa"), _user("coquan")
    cell = _organization("chibo")
    commune = _organization("xa")
    this_year = CommentRequest.objects.filter(campaign__year=DAY.year)

    cell_meetings = Counter(
        Meeting.objects.visible_to(chibo).filter(cell=cell).values_list("status", flat=True)
    )
    to_write = Counter(
        this_year.visible_to(chibo).at_residence_cell(cell.pk).values_list("status", flat=True)
    )
    progress = progress_by_commune(this_year.visible_to(xa))
    commune_steps = Counter(this_year.visible_to(xa).values_list("status", flat=True))
    workplace = Counter(this_year.visible_to(coquan).values_list("status", flat=True))

    assert cell_meetings["held"] >= 3 and cell_meetings["planned"] == 1
    assert to_write["requested"] >= 1 and to_write["drafted"] >= 1
    assert [row["commune_name"] for row in progress] == [commune.name]
    assert commune_steps["signed"] >= 1 and commune_steps["confirmed"] >= 1
    assert workplace["returned"] >= 1
    assert Notice.objects.inbox(commune).exists()
    assert Notice.objects.inbox(_organization("coquan")).exists()
    assert Notice.objects.outbox(_organization("coquan")).exists()


def test_the_demo_member_has_invitations_attendance_and_a_comment(seeded: None) -> None:
    dangvien = _user("dangvien")
    assert dangvien.member is not None

    attendance = Counter(
        Attendance.objects.visible_to(dangvien)
        .filter(member=dangvien.member)
        .values_list("meeting__status", "status")
    )
    comments = CommentRequest.objects.visible_to(dangvien)

    assert attendance[("planned", "unknown")] + attendance[("held", "present")] >= 2
    assert list(comments.values_list("campaign__year", "status")) == [(DAY.year - 1, "used")]


# --- usable through the services ---------------------------------------------------------


def test_the_seeded_rows_accept_the_next_step_through_the_services(seeded: None) -> None:
    chibo, xa = _user("chibo"), _user("xa")
    cell = _organization("chibo")
    this_year = CommentRequest.objects.filter(campaign__year=DAY.year)
    to_draft = this_year.at_residence_cell(cell.pk).filter(status="requested").first()
    to_confirm = this_year.visible_to(xa).filter(status="signed").first()
    planned = Meeting.objects.filter(cell=cell, status="planned").get()
    invited = planned.attendances.first()
    assert to_draft is not None and to_confirm is not None and invited is not None

    comment_services.save_draft(
        by=chibo,
        request=to_draft,
        version=to_draft.comment.version,
        values={"item_1": "good"},
    )
    comment_services.confirm_comment(by=xa, request=to_confirm, version=to_confirm.version)
    meeting_services.record_attendance(
        by=chibo,
        meeting=planned,
        member=invited.member,
        status="present",
        version=planned.version,
    )

    to_draft.refresh_from_db()
    to_confirm.refresh_from_db()
    planned.refresh_from_db()
    assert (to_draft.status, to_draft.version) == ("drafted", 2)
    assert (to_confirm.status, to_confirm.version) == ("confirmed", 5)
    assert planned.version == 2


# --- determinism and the book ------------------------------------------------------------


def test_the_activity_is_deterministic() -> None:
    plan = plans.small()
    first_book = book.plan_book(plan, book.SMALL_SHAPE, today=DAY)

    first = plan_activity(plan, first_book, today=DAY)
    second = plan_activity(
        plans.small(), book.plan_book(plans.small(), book.SMALL_SHAPE, today=DAY), today=DAY
    )
    other_plan = plans.small(seed=7)
    other = plan_activity(
        other_plan, book.plan_book(other_plan, book.SMALL_SHAPE, today=DAY), today=DAY
    )

    assert first == second
    assert first != other


def test_check_book_still_finds_no_broken_invariant(seeded: None) -> None:
    out = io.StringIO()

    call_command("check_book", date=DAY, stdout=out)

    assert "No invariant broken." in out.getvalue()


def test_small_preset_has_a_trickle_of_residents_reports(seeded: None) -> None:
    from lienhe213.feedback.models import FeedbackChannel, ResidentReport

    statuses = Counter(ResidentReport.objects.values_list("status", flat=True))
    matched = ResidentReport.objects.filter(member__isnull=False).select_related("link")

    assert FeedbackChannel.objects.count() >= 2
    assert set(statuses) == {"received", "handling", "closed"}
    assert all(report.link.residence_cell_id == report.cell_id for report in matched)
    assert all(report.received_at.date() < DAY for report in ResidentReport.objects.all())
