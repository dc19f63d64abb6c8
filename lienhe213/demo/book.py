"""The tracking book of a demo preset, planned in memory before anything is written.

For the working members of a ``Plan`` this decides, from the same seed, who is
classified (normal, category A or B, or not yet), who holds a residence link and in
which state, and every step of each link's history with its date. Writing the rows is
the loader's job; each row is shaped exactly as ``registry.services`` would have left it
after the same calls (letter numbers gapless per issuer and year in the order of issue,
working-day deadlines, one history event per step, one open link per member).

A *linked member* is a member with an open link (issued, received, assigned or
active): the member is in the loop between the workplace and the residence. Members
whose only links are returned or closed are not linked.

Dates: the history runs from 2021 to 2025; the letters still in progress (issued and not
yet overdue, received, assigned) and the exemptions still in force are placed relative
to ``today``, the day the book is built, so that the demo shows them as current.
"""

import datetime
import random
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from lienhe213.demo.plans import Plan
from lienhe213.registry.holidays import add_working_days

OPEN_STATUSES = ("issued", "received", "assigned", "active")
DEFAULT_DEADLINE_DAYS = 30  # DeadlinePolicy.DEFAULT_LETTER_DEADLINE


@dataclass(frozen=True)
class BookShape:
    """How many working members end in each situation; every other one is active."""

    # Working members without an open link.
    unclassified: int
    not_introduced: int  # classified normal, letter not yet issued
    returned: int  # the only letter came back and no corrected one was issued yet
    category_b: int  # exempt from introduction, in force
    expired_b: int  # category B past its validity, not reviewed
    closed_b: int  # linked once, then exempted (category B): the link closed
    # Linked members not (yet) active, and histories.
    pending: int  # issued, deadline not reached
    overdue: int  # issued, deadline passed
    received: int
    assigned: int
    moved: int  # an earlier link in another commune closed by the move
    reissued: int  # a first letter returned, the corrected one now active
    category_a_share: float
    # When set, exactly ``active_then`` links are active at the end of ``counted_on``:
    # the members whose only situation is an active link are introduced before it as
    # needed, the rest after it (a preset reproducing a published count of that day).
    counted_on: datetime.date | None = None
    active_then: int = 0

    @property
    def not_linked(self) -> int:
        return (
            self.unclassified
            + self.not_introduced
            + self.returned
            + self.category_b
            + self.expired_b
            + self.closed_b
        )


SMALL_SHAPE = BookShape(
    unclassified=3,
    not_introduced=2,
    returned=2,
    category_b=3,
    expired_b=1,
    closed_b=1,
    pending=4,
    overdue=3,
    received=4,
    assigned=3,
    moved=3,
    reissued=2,
    category_a_share=0.06,
)

# 36,000 working members: 35,185 linked today, 815 outside the loop; 33,585 links active
# at the end of 2023 (the figure of the 2023 review).
HAGIANG_SHAPE = BookShape(
    unclassified=120,
    not_introduced=150,
    returned=60,
    category_b=420,
    expired_b=25,
    closed_b=40,
    pending=400,
    overdue=350,
    received=300,
    assigned=250,
    moved=600,
    reissued=150,
    category_a_share=0.05,
    counted_on=datetime.date(2023, 12, 31),
    active_then=33_585,
)


@dataclass
class DecisionSpec:
    """A classification decision; ``member``, ``decided_by``, ``proposed_by`` are plan
    indexes."""

    member: int
    category: str
    reason: str
    decided_by: int
    proposed_by: int | None
    decided_on: datetime.date
    valid_until: datetime.date | None = None
    review_on: datetime.date | None = None
    evidence: str = ""

    @property
    def valid_from(self) -> datetime.date:
        return self.decided_on


@dataclass
class LinkSpec:
    """A residence link and its history. Organizations are plan indexes; ``commune`` is
    the commune committee's; ``superseded_by`` an index into ``Book.links``;
    ``steps`` lists the history events ``(kind, date)`` in order, the first "issued"."""

    member: int
    issuer: int
    commune: int
    category: str
    issued_on: datetime.date
    deadline: datetime.date
    cell: int | None = None
    letter_number: int = 0
    presented_on: datetime.date | None = None
    received_on: datetime.date | None = None
    returned_on: datetime.date | None = None
    return_reason: str = ""
    assigned_on: datetime.date | None = None
    acknowledged_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    end_reason: str = ""
    exemption_reason: str = ""  # closed by a category-B exemption: its reason
    superseded_by: int | None = None
    status: str = "issued"
    steps: list[tuple[str, datetime.date]] = field(default_factory=list)

    @property
    def letter_year(self) -> int:
        return self.issued_on.year

    @property
    def letter_form(self) -> str:
        return "2-213" if self.category == "a" else "1-213"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def version(self) -> int:
        # 1 when issued, one more for every later step.
        return len(self.steps)


@dataclass
class Book:
    today: datetime.date
    decisions: list[DecisionSpec] = field(default_factory=list)
    links: list[LinkSpec] = field(default_factory=list)

    def linked_members(self) -> set[int]:
        """Plan indexes of the members with an open link (see the module doc)."""
        return {link.member for link in self.links if link.is_open}


# Reasons written by the commune clerk when sending a letter back.
RETURN_REASONS = (
    "Sai địa chỉ: đảng viên không cư trú trên địa bàn",
    "Không có tổ dân phố, thôn như ghi trong giấy giới thiệu",
)
EVIDENCE = {
    "armed_forces_barracks": "Xác nhận của đơn vị về việc ở tập trung trong doanh trại",
    "mobile_work": "Quyết định cử đi công tác lưu động",
    "full_time_study": "Quyết định cử đi học tập trung 12 tháng",
    "student_away": "Giấy xác nhận sinh viên",
    "special_mission": "Quyết định giao nhiệm vụ đặc biệt",
    "remote_post": "Quyết định điều động công tác vùng biên giới",
    "abroad": "Quyết định cử đi công tác nước ngoài",
    "illness": "Giấy xác nhận điều trị dài ngày của bệnh viện",
}


class _Planner:
    def __init__(
        self,
        plan: Plan,
        shape: BookShape,
        today: datetime.date,
        holidays: Collection[datetime.date],
        deadline_days: int,
    ) -> None:
        self.plan = plan
        self.shape = shape
        self.today = today
        self.holidays = frozenset(holidays)
        self.deadline_days = deadline_days
        self.rng = random.Random(f"{plan.seed}:book")
        self.book = Book(today=today)
        self._deadlines: dict[datetime.date, datetime.date] = {}
        orgs = plan.organizations
        self.commune_committee = {
            o.commune: i
            for i, o in enumerate(orgs)
            if o.kind == "grassroots_committee" and o.side == "residential"
        }
        self.cell_of_community = {
            o.community: i for i, o in enumerate(orgs) if o.community is not None
        }
        self.cells_of_commune: dict[str, list[int]] = {}
        for i, o in enumerate(orgs):
            if o.community is not None:
                self.cells_of_commune.setdefault(o.commune, []).append(i)
        self.campaigns: dict[int, datetime.date] = {}

    # --- dates ---------------------------------------------------------------------

    def working_day(self, day: datetime.date, *, forward: bool = True) -> datetime.date:
        step = datetime.timedelta(days=1 if forward else -1)
        while day.weekday() >= 5 or day in self.holidays:
            day += step
        return day

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        """A working day in ``[start, end]`` (or ``start``'s next working day)."""
        span = max((end - start).days, 0)
        return self.working_day(start + datetime.timedelta(days=self.rng.randint(0, span)))

    def after(self, day: datetime.date, low: int, high: int) -> datetime.date:
        return self.working_day(day + datetime.timedelta(days=self.rng.randint(low, high)))

    def deadline(self, issued_on: datetime.date) -> datetime.date:
        if issued_on not in self._deadlines:
            self._deadlines[issued_on] = add_working_days(
                issued_on, self.deadline_days, self.holidays
            )
        return self._deadlines[issued_on]

    def campaign(self, grassroots: int) -> datetime.date:
        """The day a workplace committee introduced its members in one batch."""
        if grassroots not in self.campaigns:
            self.campaigns[grassroots] = self.day_between(
                datetime.date(2021, 3, 1), datetime.date(2022, 6, 30)
            )
        return self.campaigns[grassroots]

    # --- organizations -------------------------------------------------------------

    def grassroots(self, member: int) -> int:
        unit = self.plan.members[member].organization
        spec = self.plan.organizations[unit]
        if spec.kind == "cell" and spec.parent is not None:
            return spec.parent
        return unit

    def proposer(self, member: int) -> int | None:
        unit = self.plan.members[member].organization
        return unit if unit != self.grassroots(member) else None

    def home_commune(self, member: int) -> int:
        return self.commune_committee[self.plan.members[member].residence_commune]

    def home_cell(self, member: int) -> int:
        community = self.plan.members[member].residence_community
        if community is None:
            return self.rng.choice(
                self.cells_of_commune[self.plan.members[member].residence_commune]
            )
        return self.cell_of_community[community]

    def other_commune(self, member: int) -> tuple[int, int]:
        """Another commune committee and one of its cells (a former or wrong address)."""
        own = self.plan.members[member].residence_commune
        codes = [c for c in self.cells_of_commune if c != own]
        code = self.rng.choice(codes)
        return self.commune_committee[code], self.rng.choice(self.cells_of_commune[code])

    def workplace_kind(self, member: int) -> str:
        agency = self.plan.organizations[self.grassroots(member)].agency
        if "Quân sự" in agency or "Biên phòng" in agency or "Phòng thủ" in agency:
            return "army"
        if "Công an" in agency:
            return "police"
        return "civil"

    # --- decisions -----------------------------------------------------------------

    def decide(
        self,
        member: int,
        category: str,
        on: datetime.date,
        *,
        reason: str = "",
        valid_until: datetime.date | None = None,
        review_on: datetime.date | None = None,
    ) -> DecisionSpec:
        decision = DecisionSpec(
            member=member,
            category=category,
            reason=reason,
            decided_by=self.grassroots(member),
            proposed_by=self.proposer(member),
            decided_on=on,
            valid_until=valid_until,
            review_on=review_on,
            evidence=EVIDENCE.get(reason, ""),
        )
        self.book.decisions.append(decision)
        return decision

    def reason_a(self, member: int) -> str:
        kind = self.workplace_kind(member)
        if kind == "army":
            return "armed_forces_barracks"
        if kind == "police":
            return "mobile_work"
        return self.rng.choice(("mobile_work", "full_time_study", "student_away"))

    def reason_b(self, member: int) -> str:
        if self.workplace_kind(member) == "army":
            return self.rng.choice(("special_mission", "remote_post"))
        return self.rng.choice(("abroad", "illness", "remote_post"))

    def b_until(self, start: datetime.date) -> datetime.date:
        """An end of validity one to three years on, and at least half a year after
        ``today`` so that the exemption is in force when the demo is used."""
        years = self.rng.randint(1, 3)
        until = start.replace(year=start.year + years, day=min(start.day, 28))
        floor = self.today + datetime.timedelta(days=180 + self.rng.randint(0, 365))
        return max(until, floor)

    def classify(self, member: int, on: datetime.date) -> str:
        """A normal or category-A decision in force from ``on``; returns the category."""
        if self.rng.random() < self.shape.category_a_share:
            reason = self.reason_a(member)
            self.decide(
                member,
                "a",
                on,
                reason=reason,
                review_on=on.replace(year=on.year + 1, day=min(on.day, 28)),
            )
            return "a"
        self.decide(member, "normal", on)
        return "normal"

    # --- links ---------------------------------------------------------------------

    def issue(
        self,
        member: int,
        category: str,
        on: datetime.date,
        *,
        commune: int | None = None,
    ) -> LinkSpec:
        link = LinkSpec(
            member=member,
            issuer=self.grassroots(member),
            commune=self.home_commune(member) if commune is None else commune,
            category=category,
            issued_on=on,
            deadline=self.deadline(on),
            steps=[("issued", on)],
        )
        self.book.links.append(link)
        return link

    def receive(self, link: LinkSpec, on: datetime.date) -> None:
        if self.rng.random() < 0.2:
            presented = max(link.issued_on, on - datetime.timedelta(days=self.rng.randint(0, 3)))
            link.presented_on = presented
            link.steps.append(("presented", presented))
        link.received_on = on
        link.status = "received"
        link.steps.append(("received", on))

    def assign(self, link: LinkSpec, cell: int, on: datetime.date) -> None:
        link.cell = cell
        link.assigned_on = on
        link.status = "assigned"
        link.steps.append(("assigned", on))

    def acknowledge(self, link: LinkSpec, on: datetime.date) -> None:
        link.acknowledged_on = on
        link.status = "active"
        link.steps.append(("acknowledged", on))

    def return_letter(self, link: LinkSpec, on: datetime.date, reason: str) -> None:
        link.returned_on = on
        link.return_reason = reason
        link.status = "returned"
        link.steps.append(("returned", on))

    def close(
        self, link: LinkSpec, kind: str, on: datetime.date, reason: str, exemption: str = ""
    ) -> None:
        link.ended_on = on
        link.end_reason = reason
        link.exemption_reason = exemption
        link.status = "closed"
        link.steps.append((kind, on))

    def activate(self, link: LinkSpec, cell: int, *, latest: datetime.date) -> datetime.date:
        """Receipt, assignment and acknowledgement after issue, none after ``latest``;
        returns the acknowledgement date."""
        received = min(self.after(link.issued_on, 3, 35), latest)
        self.receive(link, received)
        assigned = min(self.after(received, 1, 14), latest)
        self.assign(link, cell, assigned)
        acknowledged = min(self.after(assigned, 1, 20), latest)
        self.acknowledge(link, acknowledged)
        return acknowledged

    def first_issue_day(self, member: int) -> datetime.date:
        """Most members in their committee's first batch; the others (new staff, late
        decisions) one by one later."""
        start = self.campaign(self.grassroots(member))
        if self.rng.random() < 0.75:
            return start
        return self.day_between(start, datetime.date(2025, 9, 30))

    def decision_day(self, issue_day: datetime.date) -> datetime.date:
        return self.working_day(issue_day - datetime.timedelta(days=10), forward=False)

    # --- the situations --------------------------------------------------------------

    def active(self, member: int, *, then: bool | None = None) -> None:
        """An active link; with ``then``, one active (or not yet issued) at the end of
        the shape's ``counted_on``."""
        latest = datetime.date(2025, 12, 31)
        counted_on = self.shape.counted_on
        if then is None or counted_on is None:
            day = self.first_issue_day(member)
        elif then:
            latest = counted_on
            start = self.campaign(self.grassroots(member))
            if self.rng.random() < 0.75:
                day = start
            else:
                day = self.day_between(start, counted_on - datetime.timedelta(days=120))
        else:
            day = self.day_between(
                counted_on + datetime.timedelta(days=2), datetime.date(2025, 9, 30)
            )
        category = self.classify(member, self.decision_day(day))
        link = self.issue(member, category, day)
        self.activate(link, self.home_cell(member), latest=latest)

    def active_on(self, day: datetime.date) -> int:
        """The links planned so far that are active at the end of ``day``."""
        return sum(
            1
            for link in self.book.links
            if link.acknowledged_on is not None
            and link.acknowledged_on <= day
            and (link.ended_on is None or link.ended_on > day)
        )

    def pending(self, member: int) -> None:
        day = self.working_day(
            self.today - datetime.timedelta(days=self.rng.randint(1, 14)), forward=False
        )
        category = self.classify(member, self.decision_day(day))
        self.issue(member, category, day)

    def overdue(self, member: int) -> None:
        day = self.day_between(datetime.date(2024, 1, 2), datetime.date(2025, 9, 30))
        category = self.classify(member, self.decision_day(day))
        self.issue(member, category, day)

    def recent(self, member: int, *, assigned: bool) -> None:
        yesterday = self.today - datetime.timedelta(days=1)
        day = self.working_day(
            self.today - datetime.timedelta(days=self.rng.randint(35, 100)), forward=False
        )
        category = self.classify(member, self.decision_day(day))
        link = self.issue(member, category, day)
        received = min(self.after(day, 3, 15), yesterday)
        self.receive(link, received)
        if assigned:
            self.assign(link, self.home_cell(member), min(self.after(received, 1, 10), yesterday))

    def moved(self, member: int) -> None:
        day = self.campaign(self.grassroots(member))
        category = self.classify(member, self.decision_day(day))
        commune, cell = self.other_commune(member)
        old = self.issue(member, category, day, commune=commune)
        settled = self.activate(old, cell, latest=datetime.date(2022, 12, 31))
        moved_on = self.day_between(
            max(settled + datetime.timedelta(days=30), datetime.date(2023, 1, 2)),
            datetime.date(2025, 6, 30),
        )
        new = self.issue(member, category, moved_on)
        self.close(old, "moved", moved_on, "moved_residence")
        old.superseded_by = len(self.book.links) - 1
        self.activate(new, self.home_cell(member), latest=datetime.date(2025, 12, 31))

    def reissued(self, member: int) -> None:
        day = self.first_issue_day(member)
        category = self.classify(member, self.decision_day(day))
        commune, _cell = self.other_commune(member)
        wrong = self.issue(member, category, day, commune=commune)
        returned = self.after(day, 5, 20)
        self.return_letter(wrong, returned, RETURN_REASONS[0])
        link = self.issue(member, category, self.after(returned, 3, 10))
        self.activate(link, self.home_cell(member), latest=datetime.date(2025, 12, 31))

    def returned(self, member: int) -> None:
        day = self.working_day(
            self.today - datetime.timedelta(days=self.rng.randint(30, 90)), forward=False
        )
        self.decide(member, "normal", self.decision_day(day))
        link = self.issue(member, "normal", day)
        returned = min(self.after(day, 5, 20), self.today - datetime.timedelta(days=1))
        self.return_letter(link, returned, RETURN_REASONS[1])

    def not_introduced(self, member: int) -> None:
        day = self.working_day(
            self.today - datetime.timedelta(days=self.rng.randint(3, 20)), forward=False
        )
        self.decide(member, "normal", day)

    def category_b(self, member: int) -> None:
        day = self.working_day(self.campaign(self.grassroots(member)) - datetime.timedelta(days=10))
        reason = self.reason_b(member)
        until = self.b_until(day)
        self.decide(member, "b", day, reason=reason, valid_until=until, review_on=until)

    def expired_b(self, member: int) -> None:
        day = self.day_between(datetime.date(2022, 1, 3), datetime.date(2023, 6, 30))
        reason = self.reason_b(member)
        until = min(
            day.replace(year=day.year + 2, day=min(day.day, 28)),
            self.today - datetime.timedelta(days=30),
        )
        self.decide(member, "b", day, reason=reason, valid_until=until, review_on=until)

    def closed_b(self, member: int) -> None:
        day = self.campaign(self.grassroots(member))
        decision = self.decide(member, "normal", self.decision_day(day))
        link = self.issue(member, "normal", day)
        settled = self.activate(link, self.home_cell(member), latest=datetime.date(2023, 6, 30))
        start = self.day_between(
            max(settled + datetime.timedelta(days=60), datetime.date(2024, 1, 2)),
            datetime.date(2025, 10, 31),
        )
        # The B decision ends the normal one on the day before it starts.
        decision.valid_until = start - datetime.timedelta(days=1)
        reason = self.reason_b(member)
        until = self.b_until(start)
        self.decide(member, "b", start, reason=reason, valid_until=until, review_on=until)
        self.close(link, "closed", start, "category_b", exemption=reason)


def _situations(shape: BookShape) -> Iterator[tuple[str, int]]:
    yield from (
        ("unclassified", shape.unclassified),
        ("not_introduced", shape.not_introduced),
        ("returned", shape.returned),
        ("category_b", shape.category_b),
        ("expired_b", shape.expired_b),
        ("closed_b", shape.closed_b),
        ("pending", shape.pending),
        ("overdue", shape.overdue),
        ("received", shape.received),
        ("assigned", shape.assigned),
        ("moved", shape.moved),
        ("reissued", shape.reissued),
    )


def number_letters(links: list[LinkSpec]) -> None:
    """Number the letters as the services do: per issuer and year, from 1 without gaps,
    in the order of issue."""
    order = sorted(
        range(len(links)),
        key=lambda i: (links[i].issuer, links[i].letter_year, links[i].issued_on, i),
    )
    last: dict[tuple[int, int], int] = {}
    for i in order:
        key = (links[i].issuer, links[i].letter_year)
        last[key] = last.get(key, 0) + 1
        links[i].letter_number = last[key]


def plan_book(
    plan: Plan,
    shape: BookShape,
    *,
    today: datetime.date,
    holidays: Collection[datetime.date] = (),
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
    demo_cell_assigned: bool = True,
) -> Book:
    """The book of ``plan``'s working members: a pure function of the plan's seed,
    ``shape``, ``today`` and the holiday calendar."""
    planner = _Planner(plan, shape, today, holidays, deadline_days)
    working = [i for i, m in enumerate(plan.members) if m.employment == "working"]
    order = list(working)
    planner.rng.shuffle(order)
    situation: dict[int, str] = {}
    position = 0
    for name, count in _situations(shape):
        for member in order[position : position + count]:
            situation[member] = name
        position += count
    if position > len(order):
        raise ValueError("the book's shape needs more working members than the plan has")
    if plan.demo_working_member >= 0 and plan.demo_working_member in situation:
        # The demo member account has an active link (meetings, comments about them):
        # it trades its situation with the first active member, the counts stay.
        demo = plan.demo_working_member
        for member in order[position:]:
            if member not in situation:
                situation[member] = situation.pop(demo)
                break
    if demo_cell_assigned and plan.demo_residential_cell >= 0:
        # The demo cell secretary has a member to acknowledge right away.
        demo_community = plan.organizations[plan.demo_residential_cell].community
        for member in order[position:]:
            if member in situation or member == plan.demo_working_member:
                continue
            if plan.members[member].residence_community == demo_community:
                situation[member] = "assigned"
                break
    counted = shape.counted_on is not None
    for member in working:
        name = situation.get(member, "active")
        if name == "unclassified" or (counted and name == "active"):
            continue
        if name == "received":
            planner.recent(member, assigned=False)
        elif name == "assigned":
            planner.recent(member, assigned=True)
        else:
            getattr(planner, name)(member)
    if shape.counted_on is not None:
        # The other situations' links first, then as many active ones before the day as
        # the published count still needs.
        active = [m for m in working if m not in situation]
        needed = shape.active_then - planner.active_on(shape.counted_on)
        if not 0 <= needed <= len(active):
            raise ValueError("the book's shape cannot reach its count on the day")
        later = set(planner.rng.sample(range(len(active)), len(active) - needed))
        for n, member in enumerate(active):
            planner.active(member, then=n not in later)
    number_letters(planner.book.links)
    return planner.book


BOOK_SHAPES = {"small": SMALL_SHAPE, "hagiang-2023": HAGIANG_SHAPE}
