"""What the inbox shows (``InboxItem``, ``InboxGroup``, ``InboxSection``), what a task
is (``Task``), and how the rows of the usual kinds of task become items."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Count, F, QuerySet, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe213.core.prepared import PreparedValues
from lienhe213.notices.models import Kind as NoticeKind
from lienhe213.notices.models import Notice
from lienhe213.organizations.models import Organization

INBOX_ROWS = 5


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting: whom or what it is about, the organization it comes from or
    belongs to, since when it waits, and the page where it is done."""

    name: str
    organization: str
    since: datetime.date | None
    url: str
    note: str = ""


@dataclass
class Task:
    """One kind of work of a role over an organization: the scoped rows waiting for it
    (any order), the field giving the date each has waited since, the columns the
    items show, how a row becomes an item, and the list of them all."""

    key: str
    title: str
    rows: "QuerySet[Any] | None"  # given up once ``prepared`` (a kept task holds its SQL)
    since: str
    fields: tuple[str, ...]
    item: Callable[[dict[str, Any]], InboxItem]
    see_all: str
    since_label: str = ""

    @cached_property
    def prepared(self) -> PreparedValues:
        """The task's first rows (``first_rows``), compiled on their first run."""
        prepared = PreparedValues(first_rows(self))
        self.rows = None
        return prepared


def first_rows(task: Task) -> "QuerySet[Any]":
    """The task's first ``INBOX_ROWS`` rows, oldest first (never-dated ones first), as
    dicts of its fields with ``inbox_since`` and ``inbox_total``, the number of all its
    rows: one query (the window's count is taken over every row the WHERE keeps, before
    the LIMIT)."""
    if task.rows is None:
        raise ValueError(f"task {task.key!r} was prepared: its QuerySet is given up")
    return (
        task.rows.annotate(inbox_since=F(task.since), inbox_total=Window(Count("pk")))
        .order_by(F(task.since).asc(nulls_first=True), "pk")
        .values(*task.fields, "inbox_since", "inbox_total")[:INBOX_ROWS]
    )


@dataclass
class InboxGroup:
    key: str
    title: str
    since_label: str
    count: int
    items: list[InboxItem]
    see_all: str


@dataclass
class InboxSection:
    """The groups of one role over one organization that hold work, and the pages the
    role checks beyond them (``shortcuts``: label, address)."""

    role_label: str
    organization: Organization
    groups: list[InboxGroup] = field(default_factory=list)
    shortcuts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)


MEMBER_NAME = ("member__family_name", "member__middle_name", "member__given_name")


def full_name(row: dict[str, Any]) -> str:
    return " ".join(p for p in (row[f] for f in MEMBER_NAME) if p)


def local_day(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value if isinstance(value, datetime.date) else None


def page_url(name: str, *args: Any, query: str = "") -> str:
    return reverse(name, args=args) + (f"?{query}" if query else "")


def about_member(
    key: str, title: str, rows: Any, since: str, side: str, page: str, see_all: str, **extra: Any
) -> Task:
    """A task over rows about one member each (links, requests, notices): the member's
    name, the organization at ``side`` (a related field's name) and the row's page."""
    kinds = dict(NoticeKind.choices)
    notes = rows.model is Notice  # a notice says what kind it is
    return Task(
        key,
        title,
        rows,
        since,
        ("pk", *MEMBER_NAME, f"{side}__name", *(("kind",) if notes else ())),
        lambda row: InboxItem(
            full_name(row),
            row[f"{side}__name"] or "",
            row["since"],
            page_url(page, row["pk"]),
            str(kinds.get(row["kind"], row["kind"])) if notes else "",
        ),
        see_all,
        **extra,
    )


def cells_task(key: str, title: str, rows: Any, see_all: str) -> Task:
    """Residential cells whose meeting is due, planned from the cell's meetings page."""
    return Task(
        key,
        title,
        rows,
        "last_held_on",
        ("pk", "name"),
        lambda row: InboxItem(
            row["name"],
            "",
            row["since"],
            page_url("meetings:cell", row["pk"]),
            "" if row["since"] else _("Has never met its linked members"),
        ),
        see_all,
        _("Last meeting"),
    )
