"""The organization tree as it stood on a past day, for history-true reports (ADR 0009).

``Organization.parent`` and ``path`` are today's. The tree of a past day is rebuilt from
the rows' validity dates, ``merged_into`` and the ``OrganizationHistory`` events after
that day (the first move after the day names the parent the organization had then, the
first rename after it the name it bore then), in two queries whatever the tree's size.

On that day, an organization is:

- *standing*: founded on or before the day and not ended before it;
- *folded* into its successor: ended before the day by a merger; its rows count with the
  unit it was merged into (followed until one standing on the day), which lists it as
  "formerly";
- *dissolved*: ended before the day without a successor; its rows stay where it hung;
- *not yet founded*: founded after the day by a merger (it absorbed other units); it
  has no place in that day's tree, the units it absorbed stand for it. Other units keep
  their place whatever their founding date, which may be the day they were entered.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from lienhe213.core.fields import STRICTLY_BELOW
from lienhe213.core.text import fold
from lienhe213.organizations.models import Organization, OrganizationHistory

History = OrganizationHistory


@dataclass(frozen=True)
class Merged:
    """Units merged into an organization on ``on`` (their first day in it), by the
    names they last bore (ADR 0018)."""

    on: datetime.date
    names: list[str]


@dataclass
class Tree:
    """One organization's subtree on ``day``.

    ``child_of`` maps every organization whose rows belong to the subtree to the child
    row they count in (the organization itself for what it holds). ``child_ids`` are
    the children in order; ``paths`` are today's tree paths that cover the subtree (the
    figure queries filter on them); ``names`` the names borne on ``day`` by the
    organization and its children; ``formerly`` the names of the units folded into
    each of them. ``follows_paths``: the subtree is the one today's paths give (its
    own path covers it, and every organization counts in the child its path lies
    under), so a list narrowed by today's paths shows the same rows (ADR 0008).
    ``merged_in``: the units merged into the organization between the period's first
    day and ``day``, whose records before the merger its report counts (ADR 0018).
    """

    day: datetime.date
    child_of: dict[int, int]
    child_ids: list[int]
    paths: list[str]
    names: dict[int, str]
    formerly: dict[int, list[str]] = field(default_factory=dict)
    follows_paths: bool = False
    merged_in: list[Merged] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    pk: int
    parent: int | None
    path: str
    name: str
    side: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    merged_into: int | None


def tree_day(org: Organization, end: datetime.date) -> datetime.date:
    """The day whose tree a report ending on ``end`` uses: the period's last day, or the
    organization's own last day when it ended before that."""
    if org.valid_until is not None and org.valid_until < end:
        return org.valid_until
    return end


def tree_on(org: Organization, *, day: datetime.date, start: datetime.date) -> Tree:
    """``org``'s subtree as it stood on ``day``; children ended before ``start`` (the
    period's first day) have no row. An organization founded after ``day`` stands for
    the units that were later merged into it: they become its children."""
    rows = _all_rows()
    parent, names = _parents_and_names_on(rows, day)
    places = _Places(rows, parent, day)
    stands = org.pk in rows and places.home(org.pk) == org.pk
    tops, children = _tops_and_children(places, org.pk, start, stands=stands)
    child_of = _child_of(places, org.pk, tops, children)
    covering = _covering_paths(rows, child_of)
    children.sort(key=lambda pk: (rows[pk].side, fold(names[pk]), pk))
    shown = [org.pk, *children]
    formerly = _formerly(places, names, shown)
    if not stands:
        formerly[org.pk] = sorted((names[p] for p in tops), key=fold)
    return Tree(
        day=day,
        child_of=child_of,
        child_ids=children,
        paths=covering,
        names={pk: names[pk] for pk in shown if pk in names},
        formerly={pk: former for pk, former in formerly.items() if former},
        follows_paths=org.pk in rows
        and covering == [rows[org.pk].path]
        and _follows_paths(rows, org.pk, children, child_of),
        merged_in=_merged_in(rows, org.pk, start=start, day=day),
    )


def _all_rows() -> dict[int, _Row]:
    """Every organization, as it stands today (one query)."""
    return {
        r[0]: _Row(*r)
        for r in Organization.objects.order_by().values_list(
            "id",
            "parent_id",
            "path",
            "name",
            "side",
            "valid_from",
            "valid_until",
            "merged_into_id",
        )
    }


def _parents_and_names_on(
    rows: dict[int, _Row], day: datetime.date
) -> tuple[dict[int, int | None], dict[int, str]]:
    """Each organization's parent and name on ``day``: today's, unless it moved or was
    renamed after the day, when the first such event says what they were (one query)."""
    parent = {pk: row.parent for pk, row in rows.items()}
    names = {pk: row.name for pk, row in rows.items()}
    moved: set[int] = set()
    renamed: set[int] = set()
    events = (
        History.objects.filter(
            effective_date__gt=day, kind__in=[History.Kind.MOVED, History.Kind.RENAMED]
        )
        .order_by("effective_date", "id")
        .values_list("organization_id", "kind", "old_parent_id", "old_name")
    )
    for pk, kind, old_parent, old_name in events:
        if kind == History.Kind.MOVED and pk not in moved:
            moved.add(pk)
            parent[pk] = old_parent
        elif kind == History.Kind.RENAMED and pk not in renamed:
            renamed.add(pk)
            names[pk] = old_name
    return parent, names


class _Places:
    """Where each organization's rows count on ``day``, given the parents it had then:
    the standing, folded, dissolved and not-yet-founded units of the module's doc."""

    def __init__(
        self, rows: dict[int, _Row], parent: dict[int, int | None], day: datetime.date
    ) -> None:
        self.rows = rows
        self.parent = parent
        self.day = day
        self.absorbers = {row.merged_into for row in rows.values() if row.merged_into is not None}
        self._home: dict[int, int | None] = {}
        self._chain: dict[int, list[int]] = {}

    def founded_after(self, pk: int) -> bool:
        # Only a unit that absorbed others is trusted to be new: the founding date of
        # the others may be the day they were entered (ADR 0009).
        return self.rows[pk].valid_from > self.day and pk in self.absorbers

    def standing(self, pk: int) -> bool:
        row = self.rows[pk]
        return not self.founded_after(pk) and (
            row.valid_until is None or row.valid_until >= self.day
        )

    def home(self, pk: int) -> int | None:
        """Where ``pk``'s rows count on ``day``: itself, its successor, or nowhere."""
        if pk in self._home:
            return self._home[pk]
        result: int | None = pk
        seen: set[int] = set()
        while result is not None and not self.standing(result):
            row = self.rows[result]
            if self.founded_after(result):
                result = None
            elif row.merged_into is not None and row.merged_into not in seen:
                seen.add(result)
                result = row.merged_into
            else:
                break  # dissolved: it keeps its place
        self._home[pk] = result
        return result

    def chain(self, pk: int) -> list[int]:
        """``pk`` and its ancestors on ``day``, from the root down."""
        if pk in self._chain:
            return self._chain[pk]
        up = self.parent[pk]
        above = self.chain(up) if up is not None and up in self.rows and up != pk else []
        result = [*above, pk]
        self._chain[pk] = result
        return result


def _tops_and_children(
    places: _Places, top: int, start: datetime.date, *, stands: bool
) -> tuple[set[int], list[int]]:
    """The organizations at the head of ``top``'s subtree on the day (``top`` itself,
    or the units later merged into it when it was not yet founded) and its children,
    less those ended before ``start`` (unordered)."""
    rows = places.rows
    if stands:
        tops = {top}
        candidates = [
            pk for pk in rows if places.parent[pk] == top and places.home(pk) == pk and pk != top
        ]
    else:  # founded after the day: the units later merged into it stand for it
        tops = {pk for pk in rows if pk != top and _leads_to(rows, pk, top) and places.standing(pk)}
        candidates = list(tops)
        if len(tops) == 1:
            # One predecessor (a province's committee merged into the new one): its own
            # units are the children, as on its page, and they lie under today's paths
            # of the organization, where its officers may open them (ADR 0019).
            (single,) = tops
            candidates = [
                pk
                for pk in rows
                if places.parent[pk] == single and places.home(pk) == pk and pk != single
            ]

    def ended_before_start(pk: int) -> bool:
        until = rows[pk].valid_until
        return until is not None and until < start

    return tops, [pk for pk in candidates if not ended_before_start(pk) or pk in tops]


def _child_of(places: _Places, top: int, tops: set[int], children: list[int]) -> dict[int, int]:
    """Every organization whose rows count in ``top``'s subtree on the day, mapped to
    the child they count in (``top`` for what it holds itself)."""
    child_set = set(children)
    child_of: dict[int, int] = {}
    for pk in places.rows:
        target = places.home(pk)
        if target is None:
            continue
        line = places.chain(target)
        if not tops.intersection(line):
            continue
        child_of[pk] = next((p for p in line if p in child_set), top)
    if top not in child_of:
        child_of[top] = top
    return child_of


def _covering_paths(rows: dict[int, _Row], child_of: dict[int, int]) -> list[str]:
    """Today's paths that cover the subtree: those of its organizations whose parent is
    outside it, shortest first, with nested paths removed.

    Where every unit below an outside organization belongs to the subtree (the cells of
    a 2023 tree, moved under a committee founded in 2025), that organization's path
    "strictly below" (``STRICTLY_BELOW``) stands for them all: one range instead of one
    per cell (ADR 0019); it covers the same rows."""
    below: dict[int, list[int]] = defaultdict(list)
    for pk, row in rows.items():
        if row.parent is not None:
            below[row.parent].append(pk)
    inside: dict[int, bool] = {}

    def all_inside(top: int) -> bool:
        if top not in inside:
            stack = list(below[top])
            ok = True
            while stack and ok:
                pk = stack.pop()
                ok = pk in child_of
                stack.extend(below[pk])
            inside[top] = ok
        return inside[top]

    wanted: set[str] = set()
    for pk in child_of:
        parent = rows[pk].parent
        if parent in child_of:
            continue
        if parent is not None and len(below[parent]) > 1 and all_inside(parent):
            wanted.add(rows[parent].path + STRICTLY_BELOW)
        else:
            wanted.add(rows[pk].path)
    covering: list[str] = []
    for path in sorted(wanted, key=len):
        if not any(_covers(kept, path) for kept in covering):
            covering.append(path)
    return covering


def _covers(kept: str, path: str) -> bool:
    """Whether the cover ``kept`` matches every row ``path`` matches."""
    base, strict = kept.removesuffix(STRICTLY_BELOW), kept.endswith(STRICTLY_BELOW)
    other = path.removesuffix(STRICTLY_BELOW)
    if not other.startswith(base):
        return False
    return not strict or other != base or path.endswith(STRICTLY_BELOW)


def _formerly(places: _Places, names: dict[int, str], shown: list[int]) -> dict[int, list[str]]:
    """The names of the units folded by a merger into each of ``shown``, by the day."""
    folded_into: dict[int, list[int]] = defaultdict(list)
    for pk, row in places.rows.items():
        target = places.home(pk)
        if target is not None and target != pk and row.merged_into is not None:
            folded_into[target].append(pk)
    return {pk: sorted((names[p] for p in folded_into.get(pk, [])), key=fold) for pk in shown}


def _follows_paths(
    rows: dict[int, _Row], top: int, children: list[int], child_of: dict[int, int]
) -> bool:
    """Whether every organization under ``top``'s path counts in the child whose path it
    lies under (or in ``top`` itself), and nothing else counts: the day's tree agrees
    with today's paths (no move, merger or founding between them changes a row's
    place)."""
    top_path = rows[top].path
    child_by_path = {rows[pk].path: pk for pk in children}
    under = 0
    for pk, row in rows.items():
        if not row.path.startswith(top_path):
            continue
        under += 1
        parts = row.path.rstrip(".").split(".")
        prefixes = (".".join(parts[: n + 1]) + "." for n in range(len(parts)))
        expected = next((child_by_path[p] for p in prefixes if p in child_by_path), top)
        if child_of.get(pk) != expected:
            return False
    return under == len(child_of)


def _merged_in(
    rows: dict[int, _Row], top: int, *, start: datetime.date, day: datetime.date
) -> list[Merged]:
    """The units merged into ``top`` (directly or through a chain) after ``start`` and
    on or before ``day``, grouped by the day of the merger, earliest first: a report of
    a period starting before a merger counts their records before that day."""
    by_day: dict[datetime.date, list[str]] = defaultdict(list)
    for pk, row in rows.items():
        if row.valid_until is None or row.merged_into is None or not _leads_to(rows, pk, top):
            continue
        merged_on = row.valid_until + datetime.timedelta(days=1)
        if start < merged_on <= day:
            by_day[merged_on].append(row.name)
    return [Merged(on, sorted(names, key=fold)) for on, names in sorted(by_day.items())]


def _leads_to(rows: dict[int, _Row], pk: int, target: int) -> bool:
    """Whether ``pk`` was merged, directly or through a chain of mergers, into ``target``."""
    seen: set[int] = set()
    current = rows[pk].merged_into
    while current is not None and current not in seen:
        if current == target:
            return True
        seen.add(current)
        current = rows[current].merged_into if current in rows else None
    return False


# --- what a report says across a restructuring (ADR 0018) ----------------------------


@dataclass(frozen=True)
class Successor:
    """Where an organization went: the unit standing today that took it over, directly
    or through a chain of mergers, and the day the organization ended into it; or, for
    a unit dissolved without one, ``organization`` is ``None``."""

    organization: Organization | None
    on: datetime.date


def successor(org: Organization) -> Successor | None:
    """Where ``org`` went when it ended: its successor followed along ``merged_into``
    to the last one (the unit that holds its records today), or ``None`` while it
    stands."""
    if org.valid_until is None:
        return None
    current = org
    seen = {org.pk}
    while current.merged_into_id is not None and current.merged_into_id not in seen:
        seen.add(current.merged_into_id)
        current = Organization.objects.get(pk=current.merged_into_id)
    return Successor(
        organization=current if current.pk != org.pk else None,
        on=org.valid_until + datetime.timedelta(days=1),
    )
