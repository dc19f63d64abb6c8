"""The annual comment cycle of a demo preset, planned in memory: last year's campaign
complete and this year's in progress (and, from ``Plan.first_campaign_year``, a
complete campaign for every earlier year, each like last year's).

Last year (window and deadline in November–December) every workplace committee asked
for comments on its linked members (form 3-213; form 4-213 with a purpose for a few
category-A members; never category B); the cells agreed them with the Front work
committee and signed, the communes confirmed and returned, the workplaces acknowledged
them and used them in the annual rating. Most comments give the best level on most
items, a real minority the middle one and a few the lowest, yet a few cells rate
everyone best on everything (the "uniform ratings" the 2023 Hà Giang report calls
softness); some comments came back late and some never did. This year's window is open
on ``today`` and the requests are at every step.

The rows are those ``comments.services`` leaves: a request on a link active on the day
it is asked for, one ``Comment`` per request, ``version`` one more per step on the
request and one more per draft edit on the comment, the step moments in order.
"""

import datetime
from collections.abc import Collection
from dataclasses import dataclass, field

from lienhe213.demo.book import Book
from lienhe213.demo.notice_plan import NoticeSpec
from lienhe213.demo.plans import Plan
from lienhe213.demo.timeline import Days, LinkIndex

STEPS = ("requested", "drafted", "signed", "confirmed", "returned", "acknowledged", "used")

# Last year's outcomes; "late" ones were returned after the deadline.
PAST_OUTCOMES = {
    "used": 0.79,
    "used late": 0.07,
    "acknowledged": 0.05,
    "returned late": 0.02,
    "returned": 0.02,
    "requested": 0.012,
    "drafted": 0.012,
    "signed": 0.008,
    "confirmed": 0.008,
}
CURRENT_OUTCOMES = {
    "requested": 0.3,
    "drafted": 0.2,
    "signed": 0.15,
    "confirmed": 0.12,
    "returned": 0.1,
    "acknowledged": 0.08,
    "used": 0.05,
}
CURRENT_WORKPLACES_STARTED = 0.75
CATEGORY_A_ASKED = 0.15
PURPOSES = {"cadre_work": 0.5, "commendation": 0.35, "discipline": 0.15}
UNIFORM_CELLS = 0.04
ANSWERED = 0.04
# A member's standing at the residence: how the cell tends to rate them.
STANDING = {"strong": 0.7, "middle": 0.25, "weak": 0.05}
LEVEL_ODDS = {
    "strong": (0.92, 0.08, 0.0),
    "middle": (0.5, 0.45, 0.05),
    "weak": (0.1, 0.6, 0.3),
    "uniform": (1.0, 0.0, 0.0),
}
RATINGS = {
    "strong": {"excellent": 0.2, "good": 0.75, "completed": 0.05},
    "middle": {"good": 0.55, "completed": 0.45},
    "weak": {"completed": 0.6, "not_completed": 0.4},
}
# Levels of each item, best first (``comments.models.FORM_ITEMS``).
FORM_3_ITEMS = {
    "item_1": ("good", "fair", "not_yet"),
    "item_2": ("leading", "exemplary", "not_yet"),
    "item_3": ("full", "partial", "none"),
    "item_4": ("regular_active", "regular", "irregular"),
    "item_5": ("very_active", "active", "not_yet"),
}
FORM_4_ITEMS = {
    "item_a": ("good", "fair", "not_yet"),
    "item_b": ("good", "done", "not_yet"),
    "item_c": ("good", "done", "not_yet"),
}
OTHER_COMMENTS = {
    "commend": "Tích cực tham gia các phong trào thi đua tại khu dân cư",
    "consider_handling": "Chưa tham gia đầy đủ sinh hoạt nơi cư trú, cần chấn chỉnh",
}
# Last year's proposals the workplace followed up, and what it decided on each.
FOLLOWED_UP = 0.8
FOLLOW_UP_OUTCOMES = {
    "commend": {"commended": 0.75, "not_commended": 0.25},
    "consider_handling": {"reminded": 0.6, "disciplined": 0.15, "no_violation": 0.25},
}
FOLLOW_UP_NOTICE_KINDS = {
    "commend": "commendation_outcome",
    "consider_handling": "discipline_outcome",
}
FOLLOW_UP_BODIES = {
    "commended": "Đảng ủy nơi công tác đã khen thưởng đồng chí {name} theo đề nghị của nơi cư trú.",
    "not_commended": (
        "Đảng ủy nơi công tác đã xem xét đề nghị khen thưởng đồng chí {name}, "
        "chưa khen thưởng trong năm."
    ),
    "disciplined": "Đồng chí {name} bị thi hành kỷ luật khiển trách theo đề nghị của nơi cư trú.",
    "reminded": "Đảng ủy nơi công tác đã nhắc nhở, phê bình đồng chí {name}.",
    "no_violation": "Đảng ủy nơi công tác đã xem xét, không phát hiện vi phạm của đồng chí {name}.",
}
ANSWERS = {
    "strong": "Tôi nhất trí với nhận xét của chi bộ nơi cư trú.",
    "middle": "Tôi xin tiếp thu và sẽ tham gia đầy đủ hơn các hoạt động ở khu dân cư.",
    "weak": "Tôi xin giải trình: thời gian qua tôi thường xuyên đi công tác xa.",
}


@dataclass
class CampaignSpec:
    year: int
    opens_on: datetime.date
    closes_on: datetime.date
    deadline: datetime.date

    @property
    def created_on(self) -> datetime.date:
        return self.opens_on - datetime.timedelta(days=7)


@dataclass
class RequestSpec:
    """A request and its comment. ``link`` indexes ``Book.links``; ``workplace``,
    ``cell`` and ``commune`` are plan indexes."""

    campaign: int
    link: int
    member: int
    workplace: int
    cell: int
    commune: int
    form: str
    purpose: str
    requested_on: datetime.date
    status: str = "requested"
    late: bool = False
    draft_saves: int = 0
    drafted_at: datetime.datetime | None = None
    front_meeting_on: datetime.date | None = None
    front_meeting_participants: str = ""
    levels: dict[str, str] = field(default_factory=dict)
    recommendation: str = ""
    other_comments: str = ""
    signed_at: datetime.datetime | None = None
    confirmed_at: datetime.datetime | None = None
    returned_at: datetime.datetime | None = None
    acknowledged_at: datetime.datetime | None = None
    rating_level: str = ""
    rating_note: str = ""
    member_answer: str = ""
    answered_at: datetime.datetime | None = None
    used_at: datetime.datetime | None = None  # the rating recorded: no column of its own
    escalated_at: datetime.datetime | None = None
    requested_at: datetime.datetime | None = None
    # the workplace's follow-up of the recommendation, and its notice (an index of
    # ``Activity.notices``)
    follow_up_outcome: str = ""
    follow_up_on: datetime.date | None = None
    follow_up_reference: str = ""
    follow_up_at: datetime.datetime | None = None
    follow_up_notice: int | None = None

    @property
    def comment_version(self) -> int:
        return 1 + self.draft_saves + (self.front_meeting_on is not None)

    @property
    def version(self) -> int:
        steps = max(STEPS.index(self.status) - 1, 0)  # signed onwards, one each
        followed = self.follow_up_at is not None
        return self.comment_version + steps + (self.answered_at is not None) + followed

    @property
    def updated_at(self) -> datetime.datetime | None:
        moments = [
            m
            for m in (
                self.requested_at,
                self.drafted_at,
                self.signed_at,
                self.confirmed_at,
                self.returned_at,
                self.acknowledged_at,
                self.used_at,
                self.answered_at,
                self.follow_up_at,
            )
            if m is not None
        ]
        return max(moments) if moments else None


@dataclass
class CommentPlan:
    campaigns: list[CampaignSpec] = field(default_factory=list)
    requests: list[RequestSpec] = field(default_factory=list)
    uniform_cells: set[int] = field(default_factory=set)


class _CommentPlanner:
    def __init__(
        self,
        plan: Plan,
        book: Book,
        index: LinkIndex,
        days: Days,
        *,
        absent_twice: Collection[int],
        leaving: set[int],
    ) -> None:
        self.plan = plan
        self.book = book
        self.index = index
        self.days = days
        self.rng = days.rng
        self.absent_twice = absent_twice
        self.leaving = leaving
        self.result = CommentPlan()
        self.standing: dict[int, str] = {}
        self.by_workplace: dict[int, list[int]] = {}
        for number, link in enumerate(book.links):
            if link.acknowledged_on is not None and link.cell is not None:
                self.by_workplace.setdefault(link.issuer, []).append(number)

    def member_standing(self, member: int) -> str:
        if member not in self.standing:
            self.standing[member] = self.days.pick(self.plan.standing or STANDING)
        return self.standing[member]

    def participants(self, cell: int) -> str:
        community = self.plan.organizations[cell].community
        assert community is not None
        head = (
            "Tổ trưởng tổ dân phố"
            if self.plan.communities[community].kind == "residential_group"
            else "Trưởng thôn"
        )
        return f"Bí thư chi bộ; Trưởng ban công tác Mặt trận; {head}"

    # --- requests --------------------------------------------------------------------

    def requests(self, number: int, campaign: CampaignSpec, *, current: bool) -> list[RequestSpec]:
        """The requests of every workplace that has asked by now, one batch each."""
        made: list[RequestSpec] = []
        last = self.days.yesterday if current else campaign.closes_on
        for workplace in sorted(self.by_workplace):
            demo = workplace == self.plan.demo_workplace_committee
            if current and not demo and self.rng.random() > CURRENT_WORKPLACES_STARTED:
                continue
            if self.rng.random() < 0.85:
                latest = min(last, campaign.opens_on + datetime.timedelta(days=10))
            else:
                latest = last
            day = self.days.working_day(
                self.days.plus(campaign.opens_on, 0, max((latest - campaign.opens_on).days, 0))
            )
            if day > last:
                day = campaign.opens_on
            for link_number in self.by_workplace[workplace]:
                link = self.book.links[link_number]
                assert link.acknowledged_on is not None and link.cell is not None
                if not (
                    link.acknowledged_on <= day and (link.ended_on is None or day < link.ended_on)
                ):
                    continue
                if current and link.member in self.leaving:
                    continue
                form, purpose = "3-213", ""
                if link.category == "a":
                    if self.rng.random() >= CATEGORY_A_ASKED:
                        continue
                    form, purpose = "4-213", self.days.pick(PURPOSES)
                made.append(
                    RequestSpec(
                        campaign=number,
                        link=link_number,
                        member=link.member,
                        workplace=workplace,
                        cell=link.cell,
                        commune=link.commune,
                        form=form,
                        purpose=purpose,
                        requested_on=day,
                        requested_at=self.days.at(day, 8, 11),
                    )
                )
        return made

    # --- outcomes --------------------------------------------------------------------

    def outcomes(self, requests: list[RequestSpec], weights: dict[str, float]) -> list[str]:
        return [self.days.pick(weights) for _r in requests]

    def force(
        self,
        requests: list[RequestSpec],
        outcomes: list[str],
        wanted: str,
        matches: "list[int]",
        taken: set[int],
    ) -> None:
        """Make sure one of the requests ``matches`` (positions) ends at ``wanted``."""
        if any(outcomes[i] == wanted for i in matches):
            taken.update(i for i in matches if outcomes[i] == wanted)
            return
        for i in matches:
            if i not in taken:
                outcomes[i] = wanted
                taken.add(i)
                return

    # --- the comment -------------------------------------------------------------------

    def levels(self, request: RequestSpec, uniform: bool) -> None:
        standing = "uniform" if uniform else self.member_standing(request.member)
        odds = LEVEL_ODDS[standing]
        items = FORM_3_ITEMS if request.form == "3-213" else FORM_4_ITEMS
        for name, scale in items.items():
            draw = self.rng.random()
            level = 0 if draw < odds[0] else (1 if draw < odds[0] + odds[1] else 2)
            if name == "item_3" and not uniform and request.link in self.absent_twice:
                level = max(level, 1)
            request.levels[name] = scale[level]
        if request.form == "3-213":
            draw = self.rng.random()
            if standing in ("strong", "uniform"):
                request.recommendation = "commend" if draw < 0.12 else "no_proposal"
            elif standing == "weak":
                request.recommendation = "consider_handling" if draw < 0.6 else "no_proposal"
            else:
                request.recommendation = "consider_handling" if draw < 0.02 else "no_proposal"
            if request.recommendation in OTHER_COMMENTS and self.rng.random() < 0.7:
                request.other_comments = OTHER_COMMENTS[request.recommendation]

    def steps(
        self,
        request: RequestSpec,
        outcome: str,
        campaign: CampaignSpec,
        front_of_cell: datetime.date,
        *,
        uniform: bool,
    ) -> None:
        days = self.days
        late = outcome.endswith(" late")
        status = outcome.removesuffix(" late")
        request.status = status
        request.late = late
        reached = STEPS.index(status)
        if reached == 0:
            return
        r = request.requested_on
        if late:
            front = days.after(campaign.deadline, 0, 8)
        elif front_of_cell >= r:
            front = front_of_cell
        else:
            front = days.after(r, 2, 7)
        front = days.past(front)
        self.levels(request, uniform)
        request.draft_saves = 1
        if reached == 1 and self.rng.random() < 0.4:
            # A draft begun: the first items only, no meeting with the Front yet.
            keep = ("item_1", "item_2", "item_3", "item_a")
            request.levels = {k: v for k, v in request.levels.items() if k in keep}
            request.recommendation = ""
            request.other_comments = ""
            assert request.requested_at is not None
            request.drafted_at = max(days.at(days.past(days.plus(r, 1, 5))), request.requested_at)
            return
        request.drafted_at = days.at(front, 14, 16)
        if reached >= 2 or self.rng.random() < 0.5:
            request.front_meeting_on = front
            request.front_meeting_participants = self.participants(request.cell)
        if reached == 1:
            return
        signed = days.past(days.after(front, 0, 3))
        request.signed_at = days.at(signed, 16, 18) if signed == front else days.at(signed)
        if reached == 2:
            return
        confirmed = days.past(days.after(signed, 1, 5))
        request.confirmed_at = max(days.at(confirmed), request.signed_at)
        if reached == 3:
            return
        returned = days.past(days.after(confirmed, 0, 2))
        request.returned_at = max(days.at(returned), request.confirmed_at)
        if self.rng.random() < ANSWERED and request.member != self.plan.demo_working_member:
            answered = days.past(days.plus(returned, 2, 20))
            request.answered_at = max(days.at(answered, 19, 22), request.returned_at)
            request.member_answer = ANSWERS[self.member_standing(request.member)]
        if reached == 4:
            return
        acknowledged = days.past(days.after(returned, 1, 7))
        request.acknowledged_at = max(days.at(acknowledged), request.returned_at)
        if reached == 5:
            return
        used = days.past(days.after(acknowledged, 3, 30))
        request.used_at = max(days.at(used), request.acknowledged_at)
        standing = self.member_standing(request.member)
        request.rating_level = days.pick(RATINGS[standing])
        request.rating_note = (
            "Chi bộ tham khảo nhận xét của nơi cư trú khi đánh giá, xếp loại đảng viên "
            f"năm {self.result.campaigns[request.campaign].year}"
        )

    def campaign(self, campaign: CampaignSpec, weights: dict[str, float], *, current: bool) -> None:
        number = len(self.result.campaigns)
        self.result.campaigns.append(campaign)
        requests = self.requests(number, campaign, current=current)
        outcomes = self.outcomes(requests, weights)
        plan = self.plan
        taken: set[int] = set()
        if current:
            in_cell = [i for i, r in enumerate(requests) if r.cell == plan.demo_residential_cell]
            in_commune = [
                i
                for i, r in enumerate(requests)
                if r.commune == plan.demo_commune_committee and i not in in_cell
            ]
            at_work = [
                i for i, r in enumerate(requests) if r.workplace == plan.demo_workplace_committee
            ]
            for wanted, where in (
                ("requested", in_cell),
                ("drafted", in_cell),
                ("signed", in_commune),
                ("confirmed", in_commune),
                ("returned", at_work),
            ):
                self.force(requests, outcomes, wanted, where, taken)
        else:
            own = [i for i, r in enumerate(requests) if r.member == plan.demo_working_member]
            self.force(requests, outcomes, "used", own, taken)
        fronts: dict[int, datetime.date] = {}
        for request, outcome in zip(requests, outcomes, strict=True):
            if request.cell not in fronts:
                low, high = (5, 15) if current else (10, 22)
                fronts[request.cell] = self.days.after(campaign.opens_on, low, high)
            uniform = request.cell in self.result.uniform_cells
            self.steps(request, outcome, campaign, fronts[request.cell], uniform=uniform)
            if request.status in STEPS[:4] and campaign.deadline < self.days.today:
                # The reminder job escalates a request past the deadline the next morning.
                request.escalated_at = self.days.at(
                    campaign.deadline + datetime.timedelta(days=1), 7, 8
                )
        self.result.requests.extend(requests)


def past_years(plan: Plan, today: datetime.date) -> range:
    """The years of the complete campaigns, oldest first: from
    ``plan.first_campaign_year`` to last year, and at least last year (the demo
    accounts and the follow-ups of the proposals rely on it)."""
    last_year = today.year - 1
    first = plan.first_campaign_year
    return range(last_year if first is None else min(first, last_year), last_year + 1)


def past_campaign(year: int, days: Days) -> CampaignSpec:
    """A past year's campaign: window in November, deadline on 15 December."""
    return CampaignSpec(
        year=year,
        opens_on=days.working_day(datetime.date(year, 11, 3)),
        closes_on=days.working_day(datetime.date(year, 11, 28), forward=False),
        deadline=days.working_day(datetime.date(year, 12, 15)),
    )


def plan_comments(
    plan: Plan,
    book: Book,
    index: LinkIndex,
    days: Days,
    *,
    absent_twice: Collection[int],
    leaving: set[int],
) -> CommentPlan:
    """The past years' campaigns (``past_years``), complete, and this year's, open on
    ``days.today``; ``campaigns`` in that order."""
    planner = _CommentPlanner(plan, book, index, days, absent_twice=absent_twice, leaving=leaving)
    rng = days.rng
    candidates = [
        cell
        for cell in index.residential_cells
        if cell != plan.demo_residential_cell and len(index.current(cell)) >= 3
    ]
    uniform = {cell for cell in candidates if rng.random() < UNIFORM_CELLS}
    if not uniform and candidates:
        uniform.add(candidates[int(rng.random() * len(candidates))])
    planner.result.uniform_cells = uniform
    today = days.today
    for year in past_years(plan, today):
        planner.campaign(past_campaign(year, days), PAST_OUTCOMES, current=False)
    planner.campaign(
        CampaignSpec(
            year=today.year,
            opens_on=days.working_day(today - datetime.timedelta(days=18), forward=False),
            closes_on=days.working_day(today + datetime.timedelta(days=14)),
            deadline=days.working_day(today + datetime.timedelta(days=28)),
        ),
        CURRENT_OUTCOMES,
        current=True,
    )
    return planner.result


def plan_follow_ups(
    plan: Plan, book: Book, comments: CommentPlan, days: Days, *, first_notice: int
) -> list[NoticeSpec]:
    """Most of the past years' returned proposals (commend / consider handling) followed
    up by the workplace committee, each with its notice to the residence commune, the
    rows ``comments.services.record_follow_up`` leaves; the rest still await it. A
    proposal on a link that ended meanwhile stays awaiting (the notice would have no
    way). Every past campaign, not last year's only: an older proposal never followed
    up would wait, and be reminded of, for years. This year's are not followed up yet."""
    notices: list[NoticeSpec] = []
    rng = days.rng
    past = {i for i, c in enumerate(comments.campaigns) if c.year < days.today.year}
    for request in comments.requests:
        if request.campaign not in past or request.returned_at is None:
            continue
        if request.recommendation not in FOLLOW_UP_OUTCOMES or rng.random() >= FOLLOWED_UP:
            continue
        decided = days.past(days.after(request.returned_at.date(), 5, 60))
        link = book.links[request.link]
        if link.ended_on is not None and link.ended_on <= decided:
            continue
        request.follow_up_outcome = days.pick(FOLLOW_UP_OUTCOMES[request.recommendation])
        request.follow_up_on = decided
        request.follow_up_reference = f"{int(rng.random() * 90) + 10}-QĐ/ĐU"
        request.follow_up_at = max(days.at(decided, 14, 17), request.returned_at)
        request.follow_up_notice = first_notice + len(notices)
        name = plan.members[request.member].person.full_name
        notice = NoticeSpec(
            link=request.link,
            member=request.member,
            kind=FOLLOW_UP_NOTICE_KINDS[request.recommendation],
            sender=request.workplace,
            recipient=request.commune,
            body=FOLLOW_UP_BODIES[request.follow_up_outcome].format(name=name),
            sent_on=decided,
            sent_at=request.follow_up_at,
        )
        if rng.random() < 0.6:
            notice.status = "acknowledged"
            notice.acknowledged_step = True
            seen = days.past(days.after(decided, 0, 3))
            notice.acknowledged_at = max(days.at(seen), notice.sent_at)
        notices.append(notice)
    return notices
