"""The residence meetings of a demo preset over ``Plan.meeting_years`` years (two by
default), planned in memory.

Every residential cell meets its linked members about every six months (docs/domain.md §4.3);
about one cell in eleven missed its latest meeting (so that the six-month flag has
something to show), a few more missed an earlier one, some held a thematic or
extraordinary meeting (as often again in every further two years of history), and some
have their next meeting planned. The rows are those ``meetings.services`` leaves: a
planned meeting invites every member whose link to the cell is active on the meeting's
day except category A (exempt from activities); a held meeting has every attendance
recorded; ``version`` is one more for every recorded attendance, opinion, follow-up,
completed follow-up and for the step to held or cancelled.
"""

import datetime
from dataclasses import dataclass, field

from lienhe213.demo.plans import Plan
from lienhe213.demo.timeline import Days, LinkIndex, Stay
from lienhe213.meetings.queries import months_before

YEAR_DAYS = 365  # the history reaches back ``meeting_years`` times this
# Thematic and extraordinary meetings: more than six months ago, and not in the oldest
# months of the history (where a cell may have had nobody to invite yet); their shares
# are per two years of history.
EXTRA_LATEST_DAYS = 200
EXTRA_MARGIN_DAYS = 80
EXTRA_BLOCK_YEARS = 2
# Shares of the residential cells.
SKIPPED_LATEST = 0.09  # no meeting in the last six months: the flag shows
SKIPPED_EARLIER = 0.04
THEMATIC = 0.15
EXTRAORDINARY = 0.04
PLANNED_NEXT = 0.12
# Shares of the linked members.
ABSENT_TWICE = 0.03
UNINVITED_CATEGORY_A = 0.1  # a category-A member who came anyway, per meeting

ATTENDANCE = {"present": 0.82, "excused": 0.11, "absent": 0.07}
EXCUSES = (
    "Đi công tác",
    "Ốm, điều trị tại bệnh viện",
    "Việc gia đình",
    "Trực cơ quan",
    "Đi học tập trung",
    "Đi công tác cơ sở",
)
CANCEL_REASONS = (
    "Hoãn do mưa lũ, sạt lở đường",
    "Trùng lịch tổ chức bầu cử",
    "Chi ủy tập trung phòng, chống thiên tai",
)
AGENDAS = {
    "periodic": (
        "Thông báo tình hình kinh tế - xã hội, quốc phòng - an ninh của địa phương 6 tháng; "
        "nhiệm vụ thời gian tới; lấy ý kiến đảng viên"
    ),
    "thematic": (
        "Chuyên đề xây dựng khu dân cư văn hóa, bảo đảm vệ sinh môi trường; "
        "đảng viên tham gia vận động nhân dân"
    ),
    "extraordinary": "Triển khai công tác phòng, chống thiên tai, khắc phục hậu quả mưa lũ",
}
OPINIONS = (
    "Đề nghị sửa chữa hệ thống đèn chiếu sáng trên tuyến đường chính",
    "Cần tăng cường thu gom rác thải, giữ vệ sinh chung",
    "Đề nghị nắm tình hình thanh niên tụ tập về khuya, bảo đảm an ninh trật tự",
    "Vận động các hộ gia đình tham gia đóng góp xây dựng nhà văn hóa",
    "Đề nghị công khai các khoản đóng góp của nhân dân",
    "Quan tâm hỗ trợ các hộ khó khăn dịp cuối năm",
    "Đề nghị kiểm tra việc lấn chiếm vỉa hè, hành lang giao thông",
    "Tuyên truyền nhân dân phòng, chống lừa đảo qua mạng",
)
FOLLOW_UPS = (
    ("Kiến nghị phường sửa chữa đèn chiếu sáng", "Chi ủy chi bộ"),
    ("Tổ chức tổng vệ sinh khu dân cư", "Ban công tác Mặt trận"),
    ("Rà soát, lập danh sách hộ khó khăn", "Chi ủy chi bộ"),
    ("Phối hợp công an phường nắm tình hình an ninh trật tự", "Tổ an ninh khu dân cư"),
    ("Vận động đóng góp quỹ khuyến học", "Chi hội khuyến học"),
)


@dataclass
class AttendanceSpec:
    member: int
    link: int  # index into ``Book.links``
    invited: bool = True
    status: str = "unknown"
    excuse_reason: str = ""


@dataclass
class FollowUpSpec:
    description: str
    owner: str
    due_on: datetime.date
    done_on: datetime.date | None = None
    member: int | None = None  # the linked member who took it on


@dataclass
class MeetingSpec:
    """A meeting; ``cell`` is a plan index."""

    cell: int
    kind: str
    date: datetime.date
    place: str
    agenda: str
    status: str = "held"
    cancel_reason: str = ""
    planned_on: datetime.date | None = None
    attendances: list[AttendanceSpec] = field(default_factory=list)
    opinions: list[tuple[int, str]] = field(default_factory=list)  # (member, text)
    follow_ups: list[FollowUpSpec] = field(default_factory=list)

    @property
    def version(self) -> int:
        """1 when planned, one more for every later service call."""
        records = sum(1 for a in self.attendances if a.status != "unknown")
        done = sum(1 for f in self.follow_ups if f.done_on is not None)
        closing = 0 if self.status == "planned" else 1
        return 1 + records + len(self.opinions) + len(self.follow_ups) + done + closing


@dataclass
class MeetingPlan:
    meetings: list[MeetingSpec] = field(default_factory=list)
    # Links whose member missed the last two meetings: the day of the second one.
    absent_twice: dict[int, datetime.date] = field(default_factory=dict)
    flagged_cells: set[int] = field(default_factory=set)


class _MeetingPlanner:
    def __init__(
        self, plan: Plan, index: LinkIndex, days: Days, *, leaving: set[int], keep: set[int]
    ) -> None:
        self.plan = plan
        self.index = index
        self.days = days
        self.rng = days.rng
        # Members reported dead or gone from the party: still invited while their link
        # is open (as the service does), but not picked as absent twice.
        self.leaving = leaving
        self.keep = keep  # members who must not be picked as absent twice
        self.result = MeetingPlan()

    def place(self, cell: int) -> str:
        community = self.plan.organizations[cell].community
        assert community is not None
        name = self.plan.communities[community].name
        return "Nhà văn hóa " + name[:1].lower() + name[1:]

    def meeting(self, cell: int, kind: str, day: datetime.date, status: str) -> MeetingSpec | None:
        stays = self.index.stays(cell, day)
        invited = [s for s in stays if s.category != "a"]
        if not invited:
            return None
        spec = MeetingSpec(
            cell=cell,
            kind=kind,
            date=day,
            place=self.place(cell),
            agenda=AGENDAS[kind],
            status=status,
            planned_on=day - datetime.timedelta(days=7 + int(self.rng.random() * 8)),
            attendances=[AttendanceSpec(member=s.member, link=s.link) for s in invited],
        )
        if status == "held":
            self.hold(spec, [s for s in stays if s.category == "a"])
        elif status == "cancelled":
            spec.cancel_reason = self.choice(CANCEL_REASONS)
        self.result.meetings.append(spec)
        return spec

    def choice(self, values: tuple[str, ...]) -> str:
        return values[int(self.rng.random() * len(values))]

    def hold(self, spec: MeetingSpec, category_a: list[Stay]) -> None:
        for attendance in spec.attendances:
            attendance.status = self.days.pick(ATTENDANCE)
            if attendance.status == "excused":
                attendance.excuse_reason = self.choice(EXCUSES)
        for stay in category_a:
            if self.rng.random() < UNINVITED_CATEGORY_A:
                spec.attendances.append(
                    AttendanceSpec(
                        member=stay.member, link=stay.link, invited=False, status="present"
                    )
                )
        present = [a.member for a in spec.attendances if a.status == "present"]
        speakers = min(len(present), self.count((0.3, 0.35, 0.25, 0.1)))
        for position in range(speakers):
            member = present[int(self.rng.random() * len(present))]
            spec.opinions.append((member, OPINIONS[(position + int(self.rng.random() * 8)) % 8]))
        for _ in range(self.count((0.4, 0.4, 0.2))):
            description, owner = FOLLOW_UPS[int(self.rng.random() * len(FOLLOW_UPS))]
            taker: int | None = None
            if present and self.rng.random() < 0.3:
                # A linked member takes the task on (the member's page lists it).
                taker = present[int(self.rng.random() * len(present))]
                owner = "Đồng chí " + self.plan.members[taker].person.full_name
            due = self.days.plus(spec.date, 15, 60)
            done = None
            if due < self.days.today and self.rng.random() < 0.85:
                done = self.days.past(self.days.plus(spec.date, 3, (due - spec.date).days + 10))
            elif self.rng.random() < 0.3:
                done = self.days.past(self.days.plus(spec.date, 1, 10))
            if done is not None and done < spec.date:
                done = None
            spec.follow_ups.append(FollowUpSpec(description, owner, due, done, taker))

    def count(self, shares: tuple[float, ...]) -> int:
        draw = self.rng.random()
        for n, share in enumerate(shares):
            draw -= share
            if draw < 0:
                return n
        return len(shares) - 1

    def cell(
        self,
        cell: int,
        *,
        skip_latest: bool,
        skip_earlier: bool,
        plan_next: bool,
        extra: tuple[str, ...],
        cancel_latest: bool = False,
    ) -> None:
        """The cell's periodic meetings, the ``extra`` thematic or extraordinary ones
        (more than six months ago), and the next one if ``plan_next``."""
        today = self.days.today
        years = self.plan.meeting_years
        first = today - datetime.timedelta(days=YEAR_DAYS * years)
        anchor = self.days.plus(today - datetime.timedelta(days=150), 0, 136)  # 14–150 days ago
        # The half-years back from the anchor, oldest first: the oldest falls before
        # ``first`` nearly always, the next one sometimes. The earlier meeting missed is
        # one between those two and the latest (with two years: one of the two before
        # the latest), so that it does not just shorten the history.
        skipped = 1 + int(self.rng.random() * (2 * years - 2)) if skip_earlier else -1
        for k in range(2 * years, -1, -1):
            day = self.days.plus(months_before(anchor, 6 * k), 0, 20) - datetime.timedelta(days=10)
            day = min(day, self.days.yesterday)
            if day < first:
                continue
            if (k == 0 and skip_latest) or k == skipped:
                if self.rng.random() < 0.5 or (k == 0 and cancel_latest):
                    self.meeting(cell, "periodic", day, "cancelled")
                continue
            self.meeting(cell, "periodic", day, "held")
        span = YEAR_DAYS * years - EXTRA_LATEST_DAYS - EXTRA_MARGIN_DAYS
        for kind in extra:
            back = datetime.timedelta(days=EXTRA_LATEST_DAYS + int(self.rng.random() * span))
            self.meeting(cell, kind, today - back, "held")
        if plan_next:
            self.meeting(cell, "periodic", self.days.plus(today, 3, 30), "planned")

    def absent_twice(self, cells: list[int], forced: int) -> None:
        """Members absent (not excused) from the last two held meetings they were
        recorded in, at about ``ABSENT_TWICE`` of the active links, one in ``forced``."""
        held: dict[tuple[int, int], list[tuple[MeetingSpec, AttendanceSpec]]] = {}
        for spec in sorted(self.result.meetings, key=lambda m: m.date):
            if spec.status != "held":
                continue
            for attendance in spec.attendances:
                held.setdefault((spec.cell, attendance.link), []).append((spec, attendance))
        for cell in cells:
            eligible = [
                (stay.link, held[(cell, stay.link)])
                for stay in self.index.current(cell)
                if len(held.get((cell, stay.link), ())) >= 2
                and stay.category != "a"
                and stay.member not in self.keep
                and stay.member not in self.leaving
            ]
            chosen = [pair for pair in eligible if self.rng.random() < ABSENT_TWICE]
            if cell == forced and eligible and not chosen:
                chosen = [eligible[-1]]
            for link, records in chosen:
                for spec, attendance in records[-2:]:
                    attendance.status = "absent"
                    attendance.excuse_reason = ""
                    # Whoever was absent raised no opinion there.
                    spec.opinions = [o for o in spec.opinions if o[0] != attendance.member]
                self.result.absent_twice[link] = records[-1][0].date


def plan_meetings(
    plan: Plan,
    index: LinkIndex,
    days: Days,
    *,
    leaving: set[int],
    keep: set[int],
) -> MeetingPlan:
    """The meetings of every residential cell over the ``plan.meeting_years`` years up
    to ``days.today``."""
    if plan.meeting_years < 1:
        raise ValueError(f"meeting_years must be at least 1, not {plan.meeting_years}")
    planner = _MeetingPlanner(plan, index, days, leaving=leaving, keep=keep)
    rng = days.rng
    demo_cell = plan.demo_residential_cell
    demo_commune = plan.demo_commune_committee
    cells = index.residential_cells
    skipping = {cell for cell in cells if rng.random() < SKIPPED_LATEST and cell != demo_cell}
    # The demo commune clerk sees at least one cell behind schedule.
    in_demo_commune = [
        c
        for c in cells
        if plan.organizations[c].parent == demo_commune and c != demo_cell and index.current(c)
    ]
    if in_demo_commune and not skipping & set(in_demo_commune):
        skipping.add(in_demo_commune[-1])
    # ... and one whose latest meeting was called off.
    behind = next((c for c in in_demo_commune if c in skipping), -1)
    # Every kind of meeting shows in the demo commune.
    forced_extra = {demo_cell: "thematic"}
    if in_demo_commune:
        forced_extra[in_demo_commune[0]] = "extraordinary"
    # As many draws of the extra meetings per cell as there are (begun) two-year blocks
    # of history; the first block's come first, so that two years draw as they always did.
    blocks = -(-plan.meeting_years // EXTRA_BLOCK_YEARS)
    for cell in cells:
        extra = tuple(
            kind
            for block in range(blocks)
            for kind, share in (("thematic", THEMATIC), ("extraordinary", EXTRAORDINARY))
            if rng.random() < share or (block == 0 and forced_extra.get(cell) == kind)
        )
        planner.cell(
            cell,
            skip_latest=cell in skipping,
            skip_earlier=cell not in skipping and rng.random() < SKIPPED_EARLIER,
            plan_next=cell == demo_cell or rng.random() < PLANNED_NEXT,
            extra=extra,
            cancel_latest=cell == behind,
        )
    planner.absent_twice(cells, demo_cell)
    planner.result.flagged_cells = {c for c in skipping if index.current(c)}
    return planner.result
