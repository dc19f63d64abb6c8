"""What happens in a demo preset after the tracking book: residence meetings, the
comment cycle and the notices between the two committees, planned in memory from the
seed and the book (``meeting_plan``, ``comment_plan``, ``notice_plan``) and written in
bulk by ``activity_writer``.

Each part draws from its own generator, so that a change in one leaves the others as
they were. The notices are chosen first: members reported dead or gone from the party
are then left out of this year's comment requests and of the absent-twice flag.
"""

import datetime
import random
from collections.abc import Collection
from dataclasses import dataclass

from lienhe213.demo.book import Book
from lienhe213.demo.comment_plan import CommentPlan, plan_comments, plan_follow_ups
from lienhe213.demo.meeting_plan import MeetingPlan, plan_meetings
from lienhe213.demo.notice_plan import NoticePlanner, NoticeSpec
from lienhe213.demo.plans import Plan
from lienhe213.demo.timeline import Days, LinkIndex


@dataclass
class Activity:
    meetings: MeetingPlan
    comments: CommentPlan
    notices: list[NoticeSpec]


def plan_activity(
    plan: Plan,
    book: Book,
    *,
    today: datetime.date,
    holidays: Collection[datetime.date] = (),
) -> Activity:
    """The meetings, comments and notices of ``plan`` with ``book``: a pure function of
    the plan's seed, the book, ``today`` and the holiday calendar."""
    index = LinkIndex(plan, book)

    def days(part: str) -> Days:
        return Days(random.Random(f"{plan.seed}:{part}"), today, holidays)

    notices = NoticePlanner(plan, book, days("notices"))
    leaving = notices.leaving
    meetings = plan_meetings(
        plan, index, days("meetings"), leaving=leaving, keep={plan.demo_working_member}
    )
    comments = plan_comments(
        plan,
        book,
        index,
        days("comments"),
        absent_twice=meetings.absent_twice,
        leaving=leaving,
    )
    sent = notices.notices(meetings.absent_twice)
    sent += plan_follow_ups(plan, book, comments, days("follow-ups"), first_notice=len(sent))
    return Activity(meetings=meetings, comments=comments, notices=sent)
