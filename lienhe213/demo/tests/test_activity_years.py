"""A longer activity history: ``Plan.meeting_years`` and ``Plan.first_campaign_year``
on the small preset. The default history is pinned by ``test_activity``."""

import datetime
import io
import itertools
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.core.management import call_command

from lienhe213.comments.models import CommentCampaign, CommentRequest
from lienhe213.demo import book, plans
from lienhe213.demo.activity import Activity, plan_activity
from lienhe213.demo.comment_plan import PAST_OUTCOMES, STEPS
from lienhe213.demo.loader import build_preset
from lienhe213.meetings.models import Meeting

DAY = datetime.date(2026, 11, 27)
YEARS = 4
FIRST_YEAR = DAY.year - YEARS
# Consecutive half-yearly meetings of a cell: six months (181–184 days) apart, each
# moved by up to ten days either way.
HALF_YEAR_GAP = (161, 204)


def _plan(meeting_years: int = YEARS, first_campaign_year: int | None = FIRST_YEAR) -> plans.Plan:
    plan = plans.small()
    plan.meeting_years = meeting_years
    plan.first_campaign_year = first_campaign_year
    return plan


def _activity(plan: plans.Plan) -> tuple[book.Book, Activity]:
    the_book = book.plan_book(plan, book.SMALL_SHAPE, today=DAY)
    return the_book, plan_activity(plan, the_book, today=DAY)


@pytest.fixture(scope="module")
def longer() -> tuple[book.Book, Activity]:
    return _activity(_plan())


# --- comment campaigns -------------------------------------------------------------------


def test_a_complete_campaign_for_every_year_from_the_first(
    longer: tuple[book.Book, Activity],
) -> None:
    _book, activity = longer
    comments = activity.comments
    demo_member = plans.small().demo_working_member
    by_year = Counter(comments.campaigns[r.campaign].year for r in comments.requests)

    assert [c.year for c in comments.campaigns] == list(range(FIRST_YEAR, DAY.year + 1))
    for number, campaign in enumerate(comments.campaigns[:-1]):
        assert campaign.opens_on.month == campaign.closes_on.month == 11
        fifteenth = datetime.date(campaign.year, 12, 15)
        assert fifteenth <= campaign.deadline <= fifteenth + datetime.timedelta(days=2)
        requests = [r for r in comments.requests if r.campaign == number]
        statuses = Counter(r.status for r in requests)
        assert by_year[campaign.year] >= 50
        assert set(statuses) <= {outcome.removesuffix(" late") for outcome in PAST_OUTCOMES}
        assert statuses["used"] >= 0.7 * len(requests)
        for request in requests:
            assert campaign.opens_on <= request.requested_on <= campaign.closes_on
            assert (request.escalated_at is not None) == (request.status in STEPS[:4])
            if request.status == "used":
                assert request.rating_note.endswith(f"năm {campaign.year}")
        # The demo member's comment was used in every past year's rating.
        own = [r for r in requests if r.member == demo_member]
        assert [r.status for r in own] == ["used"]
    current = [r for r in comments.requests if r.campaign == len(comments.campaigns) - 1]
    assert {r.status for r in current} == set(STEPS)


def test_requests_only_on_links_active_on_their_day(
    longer: tuple[book.Book, Activity],
) -> None:
    the_book, activity = longer

    for request in activity.comments.requests:
        link = the_book.links[request.link]
        assert link.member == request.member and link.cell == request.cell
        assert link.acknowledged_on is not None and link.acknowledged_on <= request.requested_on
        assert link.ended_on is None or request.requested_on < link.ended_on


def test_proposals_of_every_past_year_are_followed_up(
    longer: tuple[book.Book, Activity],
) -> None:
    the_book, activity = longer
    comments = activity.comments
    followed = [r for r in comments.requests if r.follow_up_notice is not None]

    years = {comments.campaigns[r.campaign].year for r in followed}

    assert years == set(range(FIRST_YEAR, DAY.year))
    for request in followed:
        notice = activity.notices[request.follow_up_notice or 0]
        link = the_book.links[request.link]
        assert request.returned_at is not None and request.follow_up_on is not None
        assert request.returned_at.date() <= request.follow_up_on < DAY
        assert (notice.link, notice.sent_on) == (request.link, request.follow_up_on)
        assert link.ended_on is None or request.follow_up_on < link.ended_on


# --- meetings ----------------------------------------------------------------------------


def test_meetings_reach_back_the_years_asked(longer: tuple[book.Book, Activity]) -> None:
    _book, activity = longer
    first = DAY - datetime.timedelta(days=365 * YEARS)
    dates = [m.date for m in activity.meetings.meetings]
    periodic = Counter(m.cell for m in activity.meetings.meetings if m.kind == "periodic")

    assert first <= min(dates) <= first + datetime.timedelta(days=200)
    # Most cells meet eight times in four years (one planned ahead for a few).
    assert Counter(count >= 2 * YEARS for count in periodic.values())[True] >= 10


@pytest.mark.parametrize("years", [2, YEARS])
def test_every_cells_meetings_are_about_six_months_apart(years: int) -> None:
    _book, activity = _activity(_plan(meeting_years=years))
    dates: dict[int, list[datetime.date]] = defaultdict(list)
    for meeting in activity.meetings.meetings:
        if meeting.kind == "periodic" and meeting.status != "planned":
            dates[meeting.cell].append(meeting.date)

    for cell_dates in dates.values():
        cell_dates.sort()
        gaps = [(b - a).days for a, b in itertools.pairwise(cell_dates)]
        low, high = HALF_YEAR_GAP
        # At most one earlier meeting skipped outright: a gap of a year.
        assert sum(1 for gap in gaps if 2 * low <= gap <= 2 * high) <= 1
        assert all(low <= gap <= high or 2 * low <= gap <= 2 * high for gap in gaps)


# --- the defaults ------------------------------------------------------------------------


def test_the_defaults_are_two_years_of_meetings_and_last_years_campaign() -> None:
    assert (plans.small().meeting_years, plans.small().first_campaign_year) == (2, None)

    default = _activity(plans.small())
    explicit = _activity(_plan(meeting_years=2, first_campaign_year=DAY.year - 1))

    assert default == explicit


# --- written -----------------------------------------------------------------------------


def test_the_longer_history_is_written(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from lienhe213.comments.models import RecommendationFollowUp

    monkeypatch.setitem(plans.PRESETS, "small", lambda seed: _plan())
    build_preset("small", seed=plans.DEFAULT_SEED, today=DAY)
    _book, activity = _activity(_plan())
    requests = CommentRequest.objects.all()

    years = list(CommentCampaign.objects.order_by("year").values_list("year", flat=True))
    written = Counter(requests.values_list("campaign__year", flat=True))
    comments = activity.comments
    planned = Counter(comments.campaigns[r.campaign].year for r in comments.requests)
    followed = RecommendationFollowUp.objects.select_related("request__campaign", "notice")

    assert years == list(range(FIRST_YEAR, DAY.year + 1))
    assert written == planned
    assert Meeting.objects.count() == len(activity.meetings.meetings)
    assert {f.request.campaign.year for f in followed} == set(range(FIRST_YEAR, DAY.year))
    for follow_up in followed:
        assert follow_up.notice is not None
        assert follow_up.notice.link_id == follow_up.request.link_id
        assert follow_up.notice.sent_on == follow_up.decided_on
    out = io.StringIO()
    call_command("check_book", date=DAY, stdout=out)
    assert "No invariant broken." in out.getvalue()
