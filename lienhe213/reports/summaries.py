"""The counts the reports read instead of the rows (ADR 0022): the member, link,
meeting, comment and notice figures of each organization's subtree, per calendar year,
and the problems of its book on each year's last day, kept current by the services that
change those rows, in their transaction.

Each row of ``Tally`` adds up what every organization under its organization holds, so
a report reads its organization's row and its children's, whatever the size of the
subtree. A link counts on four sides: ``t``, under any organization either side of it
lies under (the report's total, as ``link_scope_condition``); ``r``, under its
residence (its cell, or its commune before a cell is assigned); ``w``, under its
workplace committee; ``u``, under the member's party unit. A comment request counts as
its link, a notice under either side once and under its sender (``s``) and its
recipient (``c``); a held meeting under its cell and a working member under their unit,
on side ``t``. The book's problems (``registry.reconciliation``) count on side ``t``:
a member's under their unit, a link's under either side.

A service that changes rows says which, with ``changing`` (before and after) or
``added``: the counts of those rows are computed from the database before and after,
and the difference is added to the stored rows. ``rebuild`` computes every count from
scratch; ``differences`` compares the stored counts with that computation.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from lienhe213.comments.models import (
    FORM_ITEMS,
    CommentRequest,
    Recommendation,
    all_best_condition,
)
from lienhe213.comments.queries import (
    RETURNED_STATUSES,
    awaiting_follow_up_condition,
    followed_up_condition,
    good_example_condition,
    on_time_condition,
    returned_condition,
)
from lienhe213.meetings.models import Meeting
from lienhe213.members.models import Member
from lienhe213.notices.models import Notice
from lienhe213.organizations.models import Organization
from lienhe213.registry import reconciliation as book
from lienhe213.registry.models import Category, ExemptionDecision, Reason, ResidenceLink
from lienhe213.registry.queries import LINK_STEPS, OPEN_STATUSES, link_scope_condition
from lienhe213.reports.models import Tally, TallyState

Key = tuple[int, int, str, str]  # organization, year, side, figure
# A bulk loader that rebuilds every count at its end suspends the per-row counting.
_suspended: ContextVar[bool] = ContextVar("summaries_suspended", default=False)
Side = Tally.Side

# The report's link figures counted on the day of a step (``registry.queries.LINK_STEPS``).
LINK_STEP_FIGURES = {
    "letters_issued": "issued",
    "letters_received": "received",
    "letters_returned": "returned",
    "moved_in": "moved_in",
    "moved_out": "moved_out",
}
# Figures read as they stood on the year's last day: stored as their change in a year.
LINK_STOCKS = ("active_links", "letters_overdue")
LINK_FIGURES = (*LINK_STEP_FIGURES, *LINK_STOCKS)
# The working members (as they are today, in year 0) and the category of each on the
# year's last day (the governing decision) with its reason.
CLASSIFIED = {category: f"classified_{category}" for category in Category.values}
REASONS = {reason: f"reason_{reason}" for reason in Reason.values}
MEMBER_FIGURES = ("working_members", *CLASSIFIED.values(), *REASONS.values())
# The problems ``registry.reconciliation.reconcile`` finds on each year's last day,
# from the rows as they are today: stocks, with what holds on every day in year 0.
BOOK_FIGURES = {kind: f"book_{kind}" for kind in book.KINDS}
STOCKS = (*LINK_STOCKS, *MEMBER_FIGURES, *BOOK_FIGURES.values())
MEETING_FIGURES = ("meetings_held", "attendance_invited", "attendance_present")
NOTICE_FIGURES = (
    "notices_sent",
    "notices_acknowledged",
    "notices_needing_answer",
    "notices_answered_on_time",
)

LINK_COLUMNS = (
    "status",
    "issued_on",
    "received_on",
    "returned_on",
    "acknowledged_on",
    "ended_on",
    "deadline",
    "residence_cell__path",
    "residence_commune_organization__path",
    "workplace_organization__path",
    "member__unit_path",
    "residence_cell__valid_until",
    "residence_commune_organization__valid_until",
    "workplace_organization__valid_until",
)
CHUNK = 5_000
DAY = datetime.timedelta(days=1)


COMMENT_FIGURES = (
    "comments_requested",
    "comments_returned",
    "comments_returned_on_time",
    "good_example",
    "recommend_commend",
    "recommend_consider_handling",
    "recommend_followed_up",
    "recommend_awaiting_follow_up",
    "all_best",
)


def comment_aggregates() -> dict[str, Count]:
    """The comment figures of requests, as the report counts them (ADR 0008)."""
    returned = returned_condition()
    aggregates = {
        "comments_requested": Count("pk"),
        "comments_returned": Count("pk", filter=returned),
        "comments_returned_on_time": Count("pk", filter=returned & on_time_condition()),
        "good_example": Count("pk", filter=returned & good_example_condition()),
        "recommend_commend": Count(
            "pk", filter=returned & Q(comment__recommendation=Recommendation.COMMEND)
        ),
        "recommend_consider_handling": Count(
            "pk", filter=returned & Q(comment__recommendation=Recommendation.CONSIDER_HANDLING)
        ),
        # what the workplace did with those proposals (docs/domain.md §4.7): the same query
        "recommend_followed_up": Count("pk", filter=followed_up_condition()),
        "recommend_awaiting_follow_up": Count("pk", filter=awaiting_follow_up_condition()),
        "all_best": Count(
            "pk",
            filter=returned & all_best_condition(items_prefix="comment__", form_field="form"),
        ),
    }
    return aggregates


def distribution_aggregates() -> dict[str, Count]:
    """The returned comments at each level of each item, and each recommendation."""
    returned = Q(status__in=RETURNED_STATUSES)
    aggregates: dict[str, Count] = {}
    for items in FORM_ITEMS.values():
        for item, scale in items.items():
            for level in scale.values:
                aggregates[f"{item}__{level}"] = Count(
                    "pk", filter=returned & Q(**{f"comment__{item}": level})
                )
    for level in Recommendation.values:
        aggregates[f"recommendation__{level}"] = Count(
            "pk", filter=returned & Q(comment__recommendation=level)
        )
    return aggregates


def _under(path: str | None) -> list[int]:
    """The organizations a row at ``path`` lies under: its own and its ancestors'."""
    return [int(part) for part in path.split(".") if part] if path else []


def _interval(
    counts: Counter[Key], places: Sequence[tuple[int, str]], figure: str, start: Any, stop: Any
) -> None:
    """A row that counts in ``figure`` from ``start`` until the day before ``stop`` (never
    when it stops first): +1 in the year it starts, -1 in the year it stops, so that the
    sum of the years up to Y is whether it counted on 31/12/Y."""
    if start is None or (stop is not None and stop <= start):
        return
    if stop is not None and stop.year == start.year:
        return
    for org, side in places:
        counts[org, start.year, side, figure] += 1
        if stop is not None:
            counts[org, stop.year, side, figure] -= 1


Span = tuple[Any, Any]  # first day (None: always), day after (None: still)


def _during(
    counts: Counter[Key], places: Sequence[tuple[int, str]], figure: str, spans: Iterable[Span]
) -> None:
    """A row that counts in ``figure`` over each of ``spans``; one counting from always
    counts from year 0, which every year's sum includes."""
    for start, stop in spans:
        if start is not None:
            _interval(counts, places, figure, start, stop)
            continue
        for org, side in places:
            counts[org, 0, side, figure] += 1
            if stop is not None:
                counts[org, stop.year, side, figure] -= 1


def _union(spans: Iterable[Span]) -> list[Span]:
    """``spans`` merged where they overlap or touch, in order."""
    low, high = datetime.date.min, datetime.date.max
    merged: list[list[Any]] = []
    for start, stop in sorted((s or low, e or high) for s, e in spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([start, stop])
    return [(s if s != low else None, e if e != high else None) for s, e in merged]


def _without(spans: Iterable[Span], removed: Iterable[Span]) -> list[Span]:
    """The days of ``spans`` outside every span of ``removed``."""
    low, high = datetime.date.min, datetime.date.max
    result: list[Span] = []
    holes = [(s or low, e or high) for s, e in _union(removed)]
    for start, stop in _union(spans):
        start, stop = start or low, stop or high
        for hole_start, hole_stop in holes:
            if hole_start > start:
                result.append((start, min(stop, hole_start)))
            start = max(start, hole_stop)
            if start >= stop:
                break
        if start < stop:
            result.append((start, stop))
    return [(s if s != low else None, e if e != high else None) for s, e in result if s < e]


def _force_span(decision: Mapping[str, Any]) -> Span | None:
    """The days on which ``decision`` is in force (``in_force``: started, not past its
    last day, not revoked), or None when it never is."""
    valid_until, revoked_on = decision["valid_until"], decision["revoked_on"]
    ends = [on for on in (valid_until and valid_until + DAY, revoked_on) if on]
    end = min(ends) if ends else None
    if end is not None and end <= decision["valid_from"]:
        return None
    return decision["valid_from"], end


def _in_force(decisions: Iterable[Mapping[str, Any]]) -> list[Span]:
    """The days on which any of ``decisions`` is in force."""
    return _union(span for d in decisions if (span := _force_span(d)) is not None)


def _places(
    row: Mapping[str, Any], prefix: str = "", workplace: str = "", unit: str = ""
) -> list[tuple[int, str]]:
    """Where the link of ``row`` (its columns after ``prefix``) counts: under either
    side, under its residence, and under the workplace committee and the party unit at
    ``workplace`` and ``unit`` (the link's own unless given)."""
    commune = row[f"{prefix}residence_commune_organization__path"]
    residence = _under(row[f"{prefix}residence_cell__path"] or commune)
    link_workplace = row[f"{prefix}workplace_organization__path"]
    link_unit = row[f"{prefix}member__unit_path"]
    either = {*residence, *_under(commune), *_under(link_workplace), *_under(link_unit)}
    return [
        *((org, Side.EITHER) for org in either),
        *((org, Side.RESIDENCE) for org in residence),
        *((org, Side.WORKPLACE) for org in _under(row[workplace] if workplace else link_workplace)),
        *((org, Side.PARTY_UNIT) for org in _under(row[unit] if unit else link_unit)),
    ]


def _link_counts(rows: Iterable[Mapping[str, Any]]) -> Counter[Key]:
    """The counts of the links ``rows`` (``LINK_COLUMNS``), by the definitions of ADR
    0008: a step dated in a year; active on 31/12 (acknowledged by then and not ended);
    overdue on 31/12 (issued, deadline passed, and not received, returned or ended);
    and the problems of the book an open link may have (``_book_link_counts``)."""
    counts: Counter[Key] = Counter()
    for row in rows:
        places = _places(row)
        for figure, step in LINK_STEP_FIGURES.items():
            on = row[LINK_STEPS[step]]
            if on is not None:
                for org, side in places:
                    counts[org, on.year, side, figure] += 1
        _interval(counts, places, "active_links", row["acknowledged_on"], row["ended_on"])
        if row["deadline"] is not None and row["issued_on"] is not None:
            closed = [
                on
                for on in (row["received_on"], row["returned_on"], row["ended_on"])
                if on is not None
            ]
            _interval(
                counts,
                places,
                "letters_overdue",
                max(row["issued_on"], row["deadline"] + DAY),
                min(closed) if closed else None,
            )
        if row["status"] in OPEN_STATUSES:
            _book_link_counts(counts, row, [place for place in places if place[1] == Side.EITHER])
    return counts


def _book_link_counts(
    counts: Counter[Key], row: Mapping[str, Any], places: Sequence[tuple[int, str]]
) -> None:
    """The problems of the open link ``row`` on each year's last day (the finders of
    ``registry.reconciliation``): a letter still issued after its deadline; no commune;
    a commune, cell or workplace committee ended by then; a member whose party unit
    the workplace committee no longer holds (the last two as the rows are today)."""
    if row["status"] == ResidenceLink.Status.ISSUED and row["deadline"] is not None:
        _during(counts, places, BOOK_FIGURES[book.OVERDUE], [(row["deadline"] + DAY, None)])
    if row["residence_commune_organization__path"] is None:
        _during(counts, places, BOOK_FIGURES[book.WITHOUT_COMMUNE], [(None, None)])
    ends = [
        row[f"{key}__valid_until"]
        for key in ("residence_commune_organization", "residence_cell", "workplace_organization")
        if row[f"{key}__valid_until"] is not None
    ]
    if ends:
        _during(counts, places, BOOK_FIGURES[book.ENDED_ORGANIZATION], [(min(ends) + DAY, None)])
    unit = row["member__unit_path"]
    if unit is None or not unit.startswith(row["workplace_organization__path"]):
        _during(counts, places, BOOK_FIGURES[book.WORKPLACE_MISMATCH], [(None, None)])


def _meeting_counts(meetings: "Any") -> Counter[Key]:
    """The counts of the held meetings among ``meetings``: held, invitations, present."""
    counts: Counter[Key] = Counter()
    invited = Q(attendances__invited=True)
    rows = (
        meetings.held_between(None, None)
        .values("date", "cell__path")
        .annotate(
            meetings_held=Count("pk", distinct=True),
            attendance_invited=Count("attendances", filter=invited),
            attendance_present=Count(
                "attendances", filter=invited & Q(attendances__status="present")
            ),
        )
        .order_by()
    )
    for row in rows:
        for org in _under(row["cell__path"]):
            for figure in MEETING_FIGURES:
                counts[org, row["date"].year, Side.EITHER, figure] += row[figure]
    return counts


REQUEST_COLUMNS = (
    "requested_on",
    "link__residence_cell__path",
    "link__residence_commune_organization__path",
    "link__workplace_organization__path",
    "link__member__unit_path",
    "workplace_organization__path",
    "member__unit_path",
)


def _request_counts(requests: "Any") -> Counter[Key]:
    """The counts of the comment ``requests`` in the year they were requested: the
    comment figures on every side (a request follows its link's residence and either
    side, and has its own workplace committee and member), the rating distribution on
    the total only."""
    figures = comment_aggregates()
    distribution = distribution_aggregates()
    rows = requests.values(*REQUEST_COLUMNS).annotate(**figures, **distribution).order_by()
    counts: Counter[Key] = Counter()
    for row in rows:
        places = _places(
            row, "link__", workplace="workplace_organization__path", unit="member__unit_path"
        )
        either = [org for org, side in places if side == Side.EITHER]
        year = row["requested_on"].year
        for figure in figures:
            if row[figure]:
                for org, side in places:
                    counts[org, year, side, figure] += row[figure]
        for figure in distribution:
            if row[figure]:
                for org in either:
                    counts[org, year, Side.EITHER, figure] += row[figure]
    return counts


def notice_aggregates() -> dict[str, Count]:
    """The notice figures, on notices annotated ``with_answered_on_time``."""
    return {
        "notices_sent": Count("pk"),
        "notices_acknowledged": Count("pk", filter=Q(acknowledged_at__isnull=False)),
        "notices_needing_answer": Count("pk", filter=Q(response_due__isnull=False)),
        "notices_answered_on_time": Count("pk", filter=Q(answered_on_time=True)),
    }


def _notice_counts(notices: "Any") -> Counter[Key]:
    """The counts of ``notices`` in the year they were sent: under either side once
    (the total), under the sender and under the recipient (a child counts what it sent
    and what it received)."""
    rows = (
        notices.with_answered_on_time()
        .values("sent_on", "sender__path", "recipient__path")
        .annotate(**notice_aggregates())
        .order_by()
    )
    counts: Counter[Key] = Counter()
    for row in rows:
        sender, recipient = _under(row["sender__path"]), _under(row["recipient__path"])
        places = [
            *((org, Side.EITHER) for org in {*sender, *recipient}),
            *((org, Side.SENDER) for org in sender),
            *((org, Side.RECIPIENT) for org in recipient),
        ]
        for figure in NOTICE_FIGURES:
            if row[figure]:
                for org, side in places:
                    counts[org, row["sent_on"].year, side, figure] += row[figure]
    return counts


def _governing(decisions: Sequence[Mapping[str, Any]]) -> list[tuple[Any, Any, str, str]]:
    """The spans of days over which each of one member's ``decisions`` classifies them
    (``registry.queries.ExemptionDecisionQuerySet.governing``: in force, and no later
    one in force, by start then by recording order): ``(first day, day after or None,
    category, reason)``."""
    spans = [
        (*span, (d["valid_from"], d["pk"]), d)
        for d in decisions
        if (span := _force_span(d)) is not None
    ]
    points = sorted({span[0] for span in spans} | {span[1] for span in spans if span[1]})
    governing: list[tuple[Any, Any, str, str]] = []
    last_key = None
    for i, point in enumerate(points):
        following = points[i + 1] if i + 1 < len(points) else None
        live = [span for span in spans if span[0] <= point and (span[1] is None or span[1] > point)]
        if not live:
            last_key = None
            continue
        *_days, key, d = max(live, key=lambda span: span[2])
        if key == last_key:  # the same decision goes on
            governing[-1] = (governing[-1][0], following, d["category"], d["reason"])
        else:
            governing.append((point, following, d["category"], d["reason"]))
        last_key = key
    return governing


PLACE_COLUMNS = (
    "residence_cell__path",
    "residence_commune_organization__path",
    "workplace_organization__path",
    "member__unit_path",
)


def _member_counts(members: "Any") -> Counter[Key]:
    """The counts of the working ``members``, under their party unit: one each, as
    they are today (year 0), the category and reason they hold on each year's last
    day, and the problems of the book a member may have (``_book_member_counts``)."""
    every = list(members.values_list("pk", "unit_path", "employment"))
    rows = {pk: path for pk, path, employment in every if employment == Member.Employment.WORKING}
    decisions: dict[int, list[Any]] = defaultdict(list)
    for d in ExemptionDecision.objects.filter(member__in=list(rows)).values(
        "pk", "member_id", "valid_from", "valid_until", "revoked_on", "category", "reason"
    ):
        decisions[d["member_id"]].append(d)
    counts: Counter[Key] = Counter()
    for member, path in rows.items():
        places = [(org, Side.EITHER) for org in _under(path)]
        for org, side in places:
            counts[org, 0, side, "working_members"] += 1
        for start, stop, category, reason in _governing(decisions[member]):
            _interval(counts, places, CLASSIFIED[category], start, stop)
            if reason:
                _interval(counts, places, REASONS[reason], start, stop)
    _book_member_counts(counts, [pk for pk, _path, _employment in every], rows, decisions)
    return counts


INTRODUCED = (Category.NORMAL, Category.A)  # the categories that are introduced


def _book_member_counts(
    counts: Counter[Key],
    members: Sequence[int],
    working: Mapping[int, str],
    decisions: Mapping[int, list[Any]],
) -> None:
    """The problems of the book the ``members`` (ids) may have on each year's last day (the
    finders of ``registry.reconciliation``), from their decisions and their open links
    as they are today: a working member without an open link, not classified then, or
    classified normal or A and not B then; a category-B decision past its last day,
    not revoked, of a working member then classified by no decision; and, on side
    ``t`` of every organization at least two of a member's open links count under,
    the member with several open links."""
    open_links: dict[int, list[list[int]]] = defaultdict(list)
    for row in ResidenceLink.objects.filter(member_id__in=members, status__in=OPEN_STATUSES).values(
        "member_id", *PLACE_COLUMNS
    ):
        open_links[row["member_id"]].append(
            [org for org, side in _places(row) if side == Side.EITHER]
        )
    for member, path in working.items():
        places = [(org, Side.EITHER) for org in _under(path)]
        own = decisions.get(member, [])
        in_force = _in_force(own)
        if not open_links.get(member):
            _during(
                counts, places, BOOK_FIGURES[book.UNCLASSIFIED], _without([(None, None)], in_force)
            )
            normal_or_a = _in_force(d for d in own if d["category"] in INTRODUCED)
            category_b = _in_force(d for d in own if d["category"] == Category.B)
            _during(
                counts, places, BOOK_FIGURES[book.NOT_INTRODUCED], _without(normal_or_a, category_b)
            )
        for d in own:
            if d["category"] == Category.B and d["revoked_on"] is None and d["valid_until"]:
                expired = _without([(d["valid_until"] + DAY, None)], in_force)
                _during(counts, places, BOOK_FIGURES[book.EXPIRED_B], expired)
    for links in open_links.values():
        if len(links) > 1:
            held = Counter(org for orgs in links for org in orgs)
            for org, n in held.items():
                if n > 1:
                    counts[org, 0, Side.EITHER, BOOK_FIGURES[book.SEVERAL_OPEN]] += 1


def _in_chunks(model: Any, ids: Iterable[int]) -> Iterator[Any]:
    """``model``'s rows of ``ids`` (each once), ``CHUNK`` ids a query."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield model.objects.filter(pk__in=ordered[start : start + CHUNK])


def _counts_of(
    *,
    links: Iterable[int] = (),
    meetings: Iterable[int] = (),
    requests: Iterable[int] = (),
    notices: Iterable[int] = (),
    members: Iterable[int] = (),
) -> Counter[Key]:
    """The counts of ``links`` (with their comment requests), ``meetings``,
    ``requests``, ``notices`` and ``members`` (ids, each counted once)."""
    counts: Counter[Key] = Counter()
    for rows in _in_chunks(Member, members):
        counts.update(_member_counts(rows))
    for rows in _in_chunks(Notice, notices):
        counts.update(_notice_counts(rows))
    for rows in _in_chunks(Meeting, meetings):
        counts.update(_meeting_counts(rows))
    request_ids = set(requests)
    for rows in _in_chunks(ResidenceLink, links):
        counts.update(_link_counts(rows.values(*LINK_COLUMNS)))
        of_links = CommentRequest.objects.filter(link__in=rows.values("pk"))
        request_ids.update(of_links.values_list("pk", flat=True))
    for rows in _in_chunks(CommentRequest, request_ids):
        counts.update(_request_counts(rows))
    return counts


def _add(delta: Mapping[Key, int]) -> None:
    """Add ``delta`` to the stored rows, in key order (concurrent writers lock the rows
    they share in the same order)."""
    rows = [(*key, value) for key, value in sorted(delta.items()) if value]
    if not rows:
        return
    table = Tally._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (organization_id, year, side, figure, value)"  # noqa: S608
            " VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (organization_id, side, figure, year)"
            f" DO UPDATE SET value = {table}.value + excluded.value",
            rows,
        )


def _ids(rows: Iterable[Any]) -> list[int]:
    return [row if isinstance(row, int) else row.pk for row in rows]


@contextmanager
def changing(
    *,
    links: Iterable[Any] = (),
    meetings: Iterable[Any] = (),
    requests: Iterable[Any] = (),
    notices: Iterable[Any] = (),
    members: Iterable[Any] = (),
) -> Iterator[None]:
    """Around a change of ``links`` (and their comment requests, and the problems of
    their members), ``meetings``, comment ``requests``, ``notices`` and ``members``
    (with their classification and their links, those made inside the block included)
    — rows or ids, locked by the caller: their counts before and after, the difference
    added to the stored rows. Not nested over the same rows: each block adds its own
    difference."""
    if _suspended.get():
        yield
        return
    link_ids, member_ids = _ids(links), _ids(members)
    # Whether a member has an open link, and how many, is a problem of the book or not.
    holders = ResidenceLink.objects.filter(pk__in=link_ids).values_list("member_id", flat=True)
    rows = {
        "meetings": _ids(meetings),
        "requests": _ids(requests),
        "notices": _ids(notices),
        "members": sorted({*member_ids, *holders}),
    }

    def links_now() -> list[int]:
        if not member_ids:
            return link_ids
        of_members = ResidenceLink.objects.filter(member__in=member_ids)
        return [*link_ids, *of_members.values_list("pk", flat=True)]

    before = _counts_of(links=links_now(), **rows)
    yield
    after = _counts_of(links=links_now(), **rows)
    after.subtract(before)
    _add(after)


def links_held_by(organization: Organization) -> list[int]:
    """The links whose workplace committee, commune or cell ``organization`` is: what
    its ending makes a problem of the book (``changing(links=links_held_by(org))``)."""
    return list(
        ResidenceLink.objects.filter(
            Q(workplace_organization=organization)
            | Q(residence_commune_organization=organization)
            | Q(residence_cell=organization)
        ).values_list("pk", flat=True)
    )


def rows_under(path: str) -> dict[str, list[int]]:
    """The links either side of which lies under ``path`` (with their comment
    requests), the members, the meetings of the cells, the notices and the requests
    made there: what a move of that subtree changes (``changing(**rows_under(path))``)."""
    return {
        "links": list(
            ResidenceLink.objects.filter(link_scope_condition([path])).values_list("pk", flat=True)
        ),
        "meetings": list(
            Meeting.objects.filter(cell__path__under=path).values_list("pk", flat=True)
        ),
        "members": list(Member.objects.filter(unit_path__under=path).values_list("pk", flat=True)),
        "notices": list(
            Notice.objects.filter(
                Q(sender__path__under=path) | Q(recipient__path__under=path)
            ).values_list("pk", flat=True)
        ),
        "requests": list(
            CommentRequest.objects.filter(
                Q(workplace_organization__path__under=path) | Q(member__unit_path__under=path)
            ).values_list("pk", flat=True)
        ),
    }


def added(
    *,
    meetings: Iterable[Any] = (),
    requests: Iterable[Any] = (),
    notices: Iterable[Any] = (),
    members: Iterable[Any] = (),
) -> None:
    """Count new ``meetings``, comment ``requests``, ``notices`` and ``members`` (rows
    or ids, a member without links). New links change what their members lack: they
    are made inside ``changing(members=…)``."""
    if _suspended.get():
        return
    _add(
        _counts_of(
            meetings=_ids(meetings),
            requests=_ids(requests),
            notices=_ids(notices),
            members=_ids(members),
        )
    )


# --- from scratch ----------------------------------------------------------------------


@contextmanager
def suspended() -> Iterator[None]:
    """Around a bulk load that calls ``rebuild`` at its end: the services it calls count
    nothing row by row."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def computed() -> Counter[Key]:
    """Every count, from the rows (streamed, ``CHUNK`` links at a time)."""
    counts: Counter[Key] = Counter()
    rows = ResidenceLink.objects.order_by().values(*LINK_COLUMNS).iterator(chunk_size=CHUNK)
    counts.update(_link_counts(rows))
    counts.update(_meeting_counts(Meeting.objects.all()))
    counts.update(_request_counts(CommentRequest.objects.all()))
    counts.update(_notice_counts(Notice.objects.all()))
    last = 0
    while True:  # by id, CHUNK members at a time after the last one read (not an OFFSET)
        ids = list(
            Member.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK]
        )
        if not ids:
            break
        counts.update(_member_counts(Member.objects.filter(pk__in=ids)))
        last = ids[-1]
    return Counter({key: value for key, value in counts.items() if value})


def stored() -> dict[Key, int]:
    return {
        (org, year, side, figure): value
        for org, year, side, figure, value in Tally.objects.values_list(
            "organization_id", "year", "side", "figure", "value"
        ).iterator(chunk_size=CHUNK)
        if value
    }


def differences() -> dict[Key, tuple[int, int]]:
    """``{key: (stored, computed)}`` where the two differ; empty when they agree."""
    have, want = stored(), computed()
    return {
        key: (have.get(key, 0), want.get(key, 0))
        for key in have.keys() | want.keys()
        if have.get(key, 0) != want.get(key, 0)
    }


@transaction.atomic
def rebuild() -> int:
    """Replace every stored count by the computation from the rows; returns the number
    of rows written. On PostgreSQL the table is locked first, so that a service's
    change waits for the rebuild and is added after it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Tally._meta.db_table} IN EXCLUSIVE MODE")
    Tally.objects.all().delete()
    counts = computed()
    Tally.objects.bulk_create(
        (
            Tally(organization_id=org, year=year, side=side, figure=figure, value=value)
            for (org, year, side, figure), value in counts.items()
        ),
        batch_size=CHUNK,
    )
    TallyState.objects.update_or_create(pk=1, defaults={"built_at": timezone.now()})
    return len(counts)


def built() -> bool:
    """Whether the counts were built (they are then kept current)."""
    return TallyState.objects.exists()


# --- what a report reads ---------------------------------------------------------------

Figures = dict[str, dict[str, int]]  # side -> figure -> value


def of_year(tallies: Any, year: int) -> Any:
    """The rows of ``tallies`` a report of ``year`` adds up: the flows of the year, the
    stocks' changes of every year up to it."""
    return tallies.filter(Q(year=year) | Q(year__lt=year, figure__in=STOCKS))


def read(organizations: Iterable[int], year: int) -> dict[int, Figures]:
    """The counts of ``organizations`` for ``year``: ``{org: {side: {figure: n}}}``.
    Stocks add up their changes over the years up to ``year``."""
    rows = (
        of_year(Tally.objects.filter(organization__in=list(organizations)), year)
        .values("organization_id", "side", "figure")
        .annotate(n=Sum("value"))
        .order_by()
    )
    result: dict[int, Figures] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        result[row["organization_id"]][row["side"]][row["figure"]] = row["n"]
    return result


def cells(path: str, year: int) -> dict[int, dict[str, int]]:
    """Each residential cell under ``path``: its links active on 31/12/``year``, the
    meetings it held in ``year`` and the comments returned on its links' requests of
    ``year`` with those rating every item best (``{cell: {figure: n}}``, cells with
    none of them absent)."""
    of_cells = Tally.objects.filter(
        organization__in=Organization.objects.filter(
            path__under=path, kind=Organization.Kind.CELL
        ).values("pk")
    )
    # One query of three parts, each an exact (side, figure) of the key's index.
    parts = [
        of_cells.filter(side=Side.RESIDENCE, figure="active_links", year__lte=year),
        of_cells.filter(side=Side.EITHER, figure="meetings_held", year=year),
        of_cells.filter(side=Side.RESIDENCE, figure__in=("comments_returned", "all_best")).filter(
            year=year
        ),
    ]
    first, *others = (
        part.values("organization_id", "figure").annotate(n=Sum("value")).order_by()
        for part in parts
    )
    rows = first.union(*others, all=True)
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        result[row["organization_id"]][row["figure"]] = row["n"]
    return result
