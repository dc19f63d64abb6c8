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

from lienhe213.core.text import fold
from lienhe213.organizations.models import Organization, OrganizationHistory

History = OrganizationHistory


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
    """

    day: datetime.date
    child_of: dict[int, int]
    child_ids: list[int]
    paths: list[str]
    names: dict[int, str]
    formerly: dict[int, list[str]] = field(default_factory=dict)
    follows_paths: bool = False


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
    rows = {
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

    absorbers = {row.merged_into for row in rows.values() if row.merged_into is not None}

    def founded_after(pk: int) -> bool:
        # Only a unit that absorbed others is trusted to be new: the founding date of
        # the others may be the day they were entered (ADR 0009).
        return rows[pk].valid_from > day and pk in absorbers

    def standing(pk: int) -> bool:
        row = rows[pk]
        return not founded_after(pk) and (row.valid_until is None or row.valid_until >= day)

    home_cache: dict[int, int | None] = {}

    def home(pk: int) -> int | None:
        """Where ``pk``'s rows count on ``day``: itself, its successor, or nowhere."""
        if pk in home_cache:
            return home_cache[pk]
        result: int | None = pk
        seen: set[int] = set()
        while result is not None and not standing(result):
            row = rows[result]
            if founded_after(result):
                result = None
            elif row.merged_into is not None and row.merged_into not in seen:
                seen.add(result)
                result = row.merged_into
            else:
                break  # dissolved: it keeps its place
        home_cache[pk] = result
        return result

    chain_cache: dict[int, list[int]] = {}

    def chain(pk: int) -> list[int]:
        """``pk`` and its ancestors on ``day``, from the root down."""
        if pk in chain_cache:
            return chain_cache[pk]
        up = parent[pk]
        above = chain(up) if up is not None and up in rows and up != pk else []
        result = [*above, pk]
        chain_cache[pk] = result
        return result

    folded_into: dict[int, list[int]] = defaultdict(list)
    for pk, row in rows.items():
        target = home(pk)
        if target is not None and target != pk and row.merged_into is not None:
            folded_into[target].append(pk)

    if org.pk in rows and home(org.pk) == org.pk:
        tops = {org.pk}
        candidates = [pk for pk in rows if parent[pk] == org.pk and home(pk) == pk and pk != org.pk]
    else:  # founded after the day: the units later merged into it stand for it
        tops = {pk for pk in rows if pk != org.pk and _leads_to(rows, pk, org.pk) and standing(pk)}
        candidates = list(tops)

    def ended_before_start(pk: int) -> bool:
        until = rows[pk].valid_until
        return until is not None and until < start

    children = [pk for pk in candidates if not ended_before_start(pk) or pk in tops]
    child_set = set(children)
    child_of: dict[int, int] = {}
    for pk in rows:
        target = home(pk)
        if target is None:
            continue
        line = chain(target)
        if not tops.intersection(line):
            continue
        child_of[pk] = next((p for p in line if p in child_set), org.pk)
    if org.pk not in child_of:
        child_of[org.pk] = org.pk

    paths = sorted({rows[pk].path for pk in child_of if rows[pk].parent not in child_of}, key=len)
    covering: list[str] = []
    for path in paths:
        if not any(path.startswith(kept) for kept in covering):
            covering.append(path)

    children.sort(key=lambda pk: (rows[pk].side, fold(names[pk]), pk))
    shown = [org.pk, *children]
    formerly = {pk: sorted((names[p] for p in folded_into.get(pk, [])), key=fold) for pk in shown}
    if org.pk not in rows or home(org.pk) != org.pk:
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
    )


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
