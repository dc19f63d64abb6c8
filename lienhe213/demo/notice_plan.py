"""Notices between the two committees of a demo preset, planned in memory.

Every kind appears, at every step: just sent, acknowledged, answered in a thread,
closed with an outcome; some are unanswered past their deadline, most of those already
escalated by the reminder job. Each notice goes between its link's workplace committee
and residence commune or cell, from the side its kind belongs to, over a link that is
active when it is sent (or, for an exemption, one the exemption closed a few days
before); repeated absences are reported for the members the meetings show absent
twice. The rows are those ``notices.services`` leaves: ``response_due`` in working days
for the kinds that ask for an answer, ``version`` one more per step, the recipient's
first reply answering (and acknowledging) the notice.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from lienhe213.demo.book import Book
from lienhe213.demo.plans import Plan
from lienhe213.demo.timeline import Days
from lienhe213.notices.models import RESPONSE_WORKING_DAYS, SIDE_OF_KIND, Kind
from lienhe213.registry.holidays import add_working_days

LINKS_PER_NOTICE = 20
KIND_WEIGHTS: dict[str, int] = {
    Kind.VIOLATION: 8,
    Kind.GOOD_CONDUCT: 12,
    Kind.REPEATED_ABSENCE: 10,
    Kind.UNREACHABLE: 5,
    Kind.WORKPLACE_CHANGED: 10,
    Kind.RETIREMENT: 10,
    Kind.DISCIPLINE_OUTCOME: 4,
    Kind.APPOINTMENT: 12,
    Kind.EXEMPTION: 8,
    Kind.DEATH: 2,
    Kind.LEFT_PARTY: 1,
}
LEAVING_KINDS = (Kind.DEATH, Kind.LEFT_PARTY)
BODIES: dict[str, str] = {
    Kind.VIOLATION: (
        "Đồng chí {name} xây dựng lấn chiếm lối đi chung của khu dân cư, vi phạm quy ước; "
        "đề nghị chi bộ nơi công tác giáo dục, nhắc nhở."
    ),
    Kind.GOOD_CONDUCT: (
        "Đồng chí {name} tích cực vận động nhân dân hiến đất làm đường giao thông; "
        "đề nghị biểu dương."
    ),
    Kind.REPEATED_ABSENCE: (
        "Đồng chí {name} vắng mặt không lý do hai kỳ họp liên tiếp của chi bộ nơi cư trú."
    ),
    Kind.UNREACHABLE: (
        "Chi bộ không liên hệ được với đồng chí {name}; gia đình cho biết đồng chí không còn "
        "ở địa chỉ đã đăng ký."
    ),
    Kind.WORKPLACE_CHANGED: (
        "Đồng chí {name} được điều động sang đơn vị mới; đảng ủy nơi công tác mới sẽ tiếp "
        "tục giữ mối liên hệ."
    ),
    Kind.RETIREMENT: (
        "Đồng chí {name} nghỉ hưu theo chế độ; đảng ủy sẽ làm thủ tục chuyển sinh hoạt đảng "
        "về chi bộ nơi cư trú."
    ),
    Kind.DISCIPLINE_OUTCOME: (
        "Đồng chí {name} bị thi hành kỷ luật khiển trách; đề nghị chi bộ nơi cư trú tiếp tục "
        "giúp đỡ, theo dõi."
    ),
    Kind.APPOINTMENT: (
        "Đồng chí {name} đang được xem xét bổ nhiệm; đề nghị chi ủy nơi cư trú cho ý kiến nhận xét."
    ),
    Kind.EXEMPTION: (
        "Đồng chí {name} được miễn sinh hoạt, công tác nơi cư trú theo quyết định của đảng ủy."
    ),
    Kind.DEATH: (
        "Trân trọng thông báo đồng chí {name} đã từ trần; đề nghị nơi cư trú khép lại hồ sơ "
        "theo dõi."
    ),
    Kind.LEFT_PARTY: (
        "Đồng chí {name} đã được xóa tên trong danh sách đảng viên; đề nghị nơi cư trú cập "
        "nhật sổ theo dõi."
    ),
}
REPLIES: dict[str, str] = {
    "residence": "Đã nhận thông tin; đảng ủy nơi công tác sẽ trao đổi với đồng chí và phản hồi.",
    "workplace": "Đã nhận thông báo; chi bộ nơi cư trú cập nhật sổ theo dõi.",
    Kind.APPOINTMENT: (
        "Chi ủy nơi cư trú nhất trí: đồng chí gương mẫu, giữ mối liên hệ tốt với khu dân cư."
    ),
}
FOLLOW_UP_REPLY = "Cảm ơn các đồng chí đã phối hợp."
OUTCOMES: dict[str, str] = {
    "residence": "Đảng ủy nơi công tác đã kiểm điểm, nhắc nhở; đồng chí cam kết khắc phục.",
    "workplace": "Nơi cư trú đã cập nhật sổ theo dõi.",
    Kind.GOOD_CONDUCT: "Đảng ủy nơi công tác đã biểu dương đồng chí tại hội nghị tổng kết.",
    Kind.APPOINTMENT: "Ý kiến nhận xét của nơi cư trú đã được sử dụng trong hồ sơ bổ nhiệm.",
}
RECENT_DAYS = 10
STATUSES = {
    (True, True): {"sent": 0.45, "acknowledged": 0.3, "answered": 0.2, "closed": 0.05},
    (True, False): {"sent": 0.13, "acknowledged": 0.12, "answered": 0.2, "closed": 0.55},
    (False, True): {"sent": 0.5, "acknowledged": 0.4, "closed": 0.1},
    (False, False): {"sent": 0.1, "acknowledged": 0.35, "answered": 0.05, "closed": 0.5},
}
ESCALATED = 0.7


@dataclass
class NoticeSpec:
    """A notice; ``link`` indexes ``Book.links``, ``sender``/``recipient`` are plan
    indexes, each reply ``(organization, moment, body)``."""

    link: int
    member: int
    kind: str
    sender: int
    recipient: int
    body: str
    sent_on: datetime.date
    sent_at: datetime.datetime
    response_due: datetime.date | None = None
    status: str = "sent"
    acknowledged_step: bool = False
    acknowledged_at: datetime.datetime | None = None
    outcome: str = ""
    closed_at: datetime.datetime | None = None
    escalated_at: datetime.datetime | None = None
    replies: list[tuple[int, datetime.datetime, str]] = field(default_factory=list)

    @property
    def version(self) -> int:
        closing = self.status == "closed"
        return 1 + self.acknowledged_step + len(self.replies) + closing


class NoticePlanner:
    """Chooses the notices first (so that meetings and requests leave out the members
    reported dead or gone), then dates them once the meetings are known."""

    def __init__(self, plan: Plan, book: Book, days: Days) -> None:
        self.plan = plan
        self.book = book
        self.days = days
        self.rng = days.rng
        today = days.today
        self.active = [
            n
            for n, link in enumerate(book.links)
            if link.status == "active"
            and link.cell is not None
            and link.acknowledged_on is not None
            and link.acknowledged_on <= today
        ]
        self.demo = [
            n
            for n in self.active
            if book.links[n].issuer == plan.demo_workplace_committee
            and book.links[n].commune == plan.demo_commune_committee
            and book.links[n].member != plan.demo_working_member
        ]
        self.closed_b = [
            n
            for n, link in enumerate(book.links)
            if link.end_reason == "category_b" and link.cell is not None
        ]
        self.category_a = [n for n in self.active if book.links[n].category == "a"]
        total = max(2 * len(KIND_WEIGHTS), round(len(self.active) / LINKS_PER_NOTICE))
        kinds: list[str] = list(KIND_WEIGHTS)  # every kind at least once
        weights = {str(k): float(w) for k, w in KIND_WEIGHTS.items()}
        kinds += [days.pick(weights) for _ in range(total - len(kinds))]
        self.kinds = kinds
        self.used: set[int] = set()
        # The first notice of each kind concerns the demo workplace and ward.
        self.links: list[int | None] = []
        for position, kind in enumerate(kinds):
            if kind == Kind.REPEATED_ABSENCE:
                self.links.append(None)  # chosen from the meetings
                continue
            pool = self.demo if position < len(KIND_WEIGHTS) and self.demo else self.active
            if kind == Kind.EXEMPTION and self.rng.random() < 0.5:
                pool = self.closed_b or self.category_a or pool
            self.links.append(self.choose(pool))

    def choose(self, pool: list[int]) -> int:
        for _attempt in range(5):
            number = pool[int(self.rng.random() * len(pool))]
            if number not in self.used:
                break
        self.used.add(number)
        return number

    @property
    def leaving(self) -> set[int]:
        """Members reported dead or gone from the party (plan indexes)."""
        return {
            self.book.links[n].member
            for kind, n in zip(self.kinds, self.links, strict=True)
            if kind in LEAVING_KINDS and n is not None
        }

    def notices(self, absent_twice: Mapping[int, datetime.date]) -> list[NoticeSpec]:
        """The notices, dated; ``absent_twice`` maps links to the day of the member's
        second absence in a row."""
        absent = sorted(absent_twice)
        result = []
        for kind, number in zip(self.kinds, self.links, strict=True):
            day: datetime.date | None = None
            if number is None:
                if absent:
                    demo = [n for n in absent if n in set(self.demo) and n not in self.used]
                    number = self.choose(demo or absent)
                    day = self.days.past(self.days.after(absent_twice[number], 3, 15))
                else:
                    number = self.choose(self.active)
            result.append(self.notice(kind, number, day))
        return result

    def sent_on(self, kind: str, number: int) -> datetime.date:
        link = self.book.links[number]
        days = self.days
        if link.ended_on is not None:
            return days.past(days.after(link.ended_on, 0, 5))
        if kind in LEAVING_KINDS:
            return days.working_day(
                days.today - datetime.timedelta(days=25 - int(self.rng.random() * 24)),
                forward=False,
            )
        back = 1 + int(self.rng.random() * 300)
        day = days.working_day(days.today - datetime.timedelta(days=back), forward=False)
        assert link.acknowledged_on is not None
        return max(day, link.acknowledged_on)

    def notice(self, kind: str, number: int, day: datetime.date | None) -> NoticeSpec:
        days = self.days
        link = self.book.links[number]
        assert link.cell is not None
        residence = link.commune if self.rng.random() < 0.6 else link.cell
        side = SIDE_OF_KIND[kind]
        sender, recipient = (
            (residence, link.issuer) if side == "residence" else (link.issuer, residence)
        )
        sent_on = day or self.sent_on(kind, number)
        name = self.plan.members[link.member].person.full_name
        notice = NoticeSpec(
            link=number,
            member=link.member,
            kind=kind,
            sender=sender,
            recipient=recipient,
            body=BODIES[kind].format(name=name),
            sent_on=sent_on,
            sent_at=days.at(sent_on),
        )
        wait = RESPONSE_WORKING_DAYS.get(kind)
        if wait is not None:
            notice.response_due = add_working_days(sent_on, wait, days.holidays)
        recent = (days.today - sent_on).days <= RECENT_DAYS
        notice.status = days.pick(STATUSES[(wait is not None, recent)])
        self.steps(notice, side)
        due = notice.response_due
        if (
            notice.status in ("sent", "acknowledged")
            and due is not None
            and due < days.yesterday
            and self.rng.random() < ESCALATED
        ):
            notice.escalated_at = days.at(due + datetime.timedelta(days=1), 7, 8)
        return notice

    def steps(self, notice: NoticeSpec, side: str) -> None:
        days = self.days
        status = notice.status
        moment = notice.sent_at
        if status == "sent":
            return
        if status == "acknowledged" or self.rng.random() < 0.7:
            notice.acknowledged_step = True
            day = days.past(days.after(notice.sent_on, 0, 3))
            notice.acknowledged_at = moment = max(days.at(day), moment)
        if status == "acknowledged":
            return
        reply_kind = notice.kind if notice.kind in REPLIES else side
        if status == "answered" or (notice.response_due is not None and self.rng.random() < 0.8):
            day = days.past(days.after(moment.date(), 1, 12))
            moment = max(days.at(day), moment)
            notice.replies.append((notice.recipient, moment, REPLIES[reply_kind]))
            if notice.acknowledged_at is None:
                notice.acknowledged_at = moment
            if status == "answered" and self.rng.random() < 0.3:
                day = days.past(days.after(moment.date(), 1, 5))
                moment = max(days.at(day), moment)
                notice.replies.append((notice.sender, moment, FOLLOW_UP_REPLY))
        if status == "answered":
            return
        day = days.past(days.after(moment.date(), 1, 20))
        notice.closed_at = max(days.at(day), moment)
        notice.outcome = OUTCOMES.get(notice.kind, OUTCOMES[side])
