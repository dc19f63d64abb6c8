"""Shared helpers for the demo's activity after the tracking book: dates and times drawn
from one seeded generator, and an index of the planned book's links by cell, member and
period, so that meetings, comments and notices only involve members the book links to
the right organizations on the right day.
"""

import datetime
import random
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from lienhe213.demo.book import Book, LinkSpec
from lienhe213.demo.plans import Plan


class Days:
    """Dates and moments drawn from ``rng``; ``today`` bounds what has happened."""

    def __init__(
        self, rng: random.Random, today: datetime.date, holidays: Collection[datetime.date]
    ) -> None:
        self.rng = rng
        self.today = today
        self.yesterday = today - datetime.timedelta(days=1)
        self.holidays = frozenset(holidays)
        self.zone = ZoneInfo(settings.TIME_ZONE)

    def working_day(self, day: datetime.date, *, forward: bool = True) -> datetime.date:
        step = datetime.timedelta(days=1 if forward else -1)
        while day.weekday() >= 5 or day in self.holidays:
            day += step
        return day

    def plus(self, day: datetime.date, low: int, high: int) -> datetime.date:
        """A day ``low``..``high`` days after ``day`` (any day of the week)."""
        return day + datetime.timedelta(days=low + int(self.rng.random() * (high - low + 1)))

    def after(self, day: datetime.date, low: int, high: int) -> datetime.date:
        """A working day ``low``..``high`` days after ``day`` (or the next one)."""
        return self.working_day(self.plus(day, low, high))

    def past(self, day: datetime.date) -> datetime.date:
        """``day``, but not later than yesterday: nothing recorded has happened today."""
        return min(day, self.yesterday)

    def at(self, day: datetime.date, low_hour: int = 8, high_hour: int = 17) -> datetime.datetime:
        """A moment of ``day`` in office hours, in the project's time zone."""
        minutes = int(self.rng.random() * (high_hour - low_hour) * 60)
        return datetime.datetime.combine(
            day, datetime.time(low_hour + minutes // 60, minutes % 60), tzinfo=self.zone
        )

    def pick(self, weights: dict[str, float]) -> str:
        """A key of ``weights`` drawn with those weights."""
        draw = self.rng.random() * sum(weights.values())
        for key, weight in weights.items():
            draw -= weight
            if draw < 0:
                return key
        return next(reversed(weights))


@dataclass(frozen=True)
class Stay:
    """One link's time at a residential cell: active from ``start`` until ``end``
    (exclusive; None while the link is still active)."""

    link: int  # index into ``Book.links``
    member: int  # plan index
    category: str
    start: datetime.date
    end: datetime.date | None

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


class LinkIndex:
    """The book's acknowledged links by cell and by member."""

    def __init__(self, plan: Plan, book: Book) -> None:
        self.plan = plan
        self.book = book
        self.by_cell: dict[int, list[Stay]] = {}
        for number, link in enumerate(book.links):
            if link.cell is None or link.acknowledged_on is None:
                continue
            stay = Stay(
                link=number,
                member=link.member,
                category=link.category,
                start=link.acknowledged_on,
                end=link.ended_on,
            )
            self.by_cell.setdefault(link.cell, []).append(stay)
        self.residential_cells = [
            i for i, org in enumerate(plan.organizations) if org.community is not None
        ]

    def stays(self, cell: int, day: datetime.date) -> list[Stay]:
        """The links active at ``cell`` on ``day``, in link order."""
        return [stay for stay in self.by_cell.get(cell, ()) if stay.covers(day)]

    def current(self, cell: int) -> list[Stay]:
        """The links active at ``cell`` now."""
        return [stay for stay in self.by_cell.get(cell, ()) if stay.end is None]

    def links_active_on(self, day: datetime.date) -> Iterable[tuple[int, LinkSpec]]:
        for number, link in enumerate(self.book.links):
            if (
                link.acknowledged_on is not None
                and link.acknowledged_on <= day
                and (link.ended_on is None or day < link.ended_on)
            ):
                yield number, link


def moment(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """``day`` at ``hour``:``minute`` in the project's time zone."""
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE)
    )
