"""Where each number of a report leads: the list of members or organizations behind it,
where such a list exists and shows the same rows, for the report's period. A number
without a list that matches it is shown without a link rather than leading to a list
that says something else (ADR 0008)."""

import datetime
from urllib.parse import urlencode

from django.db.models import Min
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lienhe213.accounts.access import AnyUser, Capability, has_capability
from lienhe213.meetings.models import Meeting
from lienhe213.organizations.models import Organization
from lienhe213.organizations.queries import paths_condition
from lienhe213.registry.models import ResidenceLink
from lienhe213.reports.indicators import Period, Report, below_grassroots

# The link figures that count a step dated in the period, and the book's filter of it.
BOOK_STEPS = {
    "letters_issued": "issued",
    "letters_received": "received",
    "letters_returned": "returned",
    "moved_in": "moved_in",
    "moved_out": "moved_out",
}
# The notice figures, and the box's filter of each (besides the period).
NOTICE_FILTERS = {
    "notices_sent": {},
    "notices_acknowledged": {"acknowledged": "1"},
    "notices_needing_answer": {"needs_answer": "1"},
    "notices_answered_on_time": {"answered_on_time": "1"},
}
# The returned-comment figures, and the commune list's filter of each.
COMMENT_FILTERS = {
    "comments_requested": {"status": "all"},
    "comments_returned": {"status": "reached-returned"},
    "comments_returned_on_time": {"status": "all", "returned_on_time": "1"},
    "good_example": {"status": "all", "good_example": "1"},
    "recommend_commend": {"status": "all", "recommendation": "commend"},
    "recommend_consider_handling": {"status": "all", "recommendation": "consider_handling"},
}
CLASSIFIED = {"classified_normal": "normal", "classified_a": "a", "classified_b": "b"}
# The proposal figures, and the workplace list's filter of each (besides the period).
WORKPLACE_COMMENT_FILTERS = {
    "recommend_commend": {"recommendation": "commend"},
    "recommend_consider_handling": {"recommendation": "consider_handling"},
    "recommend_followed_up": {"follow_up": "done"},
    "recommend_awaiting_follow_up": {"follow_up": "awaiting"},
}


def period_query(period: Period) -> str:
    """The query string that asks for ``period`` again (drill-down keeps the period)."""
    if period.year is not None:
        return urlencode({"year": period.year})
    return urlencode({"from": period.start.isoformat(), "to": period.end.isoformat()})


def _url(name: str, pk: int, **query: str) -> str:
    url = reverse(name, args=[pk])
    return f"{url}?{urlencode(query)}" if query else url


def _holding_workplace_units(report: Report) -> set[str]:
    """The paths of the organizations below the report's (itself included) under which
    an organization not on the residence side lies: where a link's workplace side may
    be. One query, remembered on the report; each path's ancestors are put in the set,
    so that asking about one organization costs one lookup."""
    cached: set[str] | None = vars(report).get("_holding_workplace_units")
    if cached is None:
        cached = set()
        paths = (
            Organization.objects.current()
            .in_subtree(report.organization)
            .exclude(side=Organization.Side.RESIDENTIAL)
            .values_list("path", flat=True)
        )
        for path in paths:
            parts = path.rstrip(".").split(".")
            cached.update(".".join(parts[: n + 1]) + "." for n in range(len(parts)))
        vars(report)["_holding_workplace_units"] = cached
    return cached


def _residence_only(org: Organization, report: Report) -> bool:
    """``org``'s subtree holds only residence-side organizations, and the report's tree
    is today's for it: then a report's link, comment and notice figures for ``org``
    count exactly the rows its residence lists hold. A subtree that also holds
    workplace units (a commune's schools) counts their links too (ADR 0008), which the
    residence lists do not show."""
    if org.side != Organization.Side.RESIDENTIAL or report.formerly:
        return False
    return org.path not in _holding_workplace_units(report)


def figure_links(
    org: Organization, report: Report, today: datetime.date, *, user: AnyUser | None = None
) -> dict[str, str]:
    """``{figure: url}`` for the figures of ``org`` (the report's organization or one of
    its children) whose list shows the same rows for the report's period. The lists
    that only show today's state (the book's statuses, the mirror, the worklist) are
    linked only when the report is read on today; the book's dates reach any period.
    ``user`` is who reads: the commune's comment list is offered to those who may use it.
    Where no book or commune list holds the rows, the lists of the subtree do, on
    today's tree, for the total and for a child whose side they reproduce."""
    period, on = report.period, report.on
    start, end = period.start.isoformat(), period.end.isoformat()
    total = org.pk == report.organization.pk
    residence_only = _residence_only(org, report)
    result = {
        "working_members": reverse("members:list")
        + "?"
        + urlencode({"organization": org.pk, "employment": "working"}),
    }
    if total and not report.formerly:
        for figure, category in CLASSIFIED.items():
            result[figure] = classification_url(org, on, category=category)
    if org.has_tracking_book and residence_only:
        for figure, step in BOOK_STEPS.items():
            dates = {f"{step}_from": start, f"{step}_to": end}
            result[figure] = _url("registry:book", org.pk, **dates)
        if on == today:
            result["active_links"] = _url("registry:book", org.pk, status="active")
            result["letters_overdue"] = _url("registry:book", org.pk, overdue="1")
        else:
            result["active_links"] = _url("registry:book", org.pk, active_on=on.isoformat())
            result["letters_overdue"] = _url("registry:book", org.pk, overdue_on=on.isoformat())
    elif org.is_workplace_unit and on == today:
        result["active_links"] = _url("registry:workplace", org.pk, status="active")
        result["letters_overdue"] = _url("registry:workplace", org.pk, state="overdue")
    side = _subtree_side(org, report)
    if side is not None:
        for figure, step in BOOK_STEPS.items():
            dates = {f"{step}_from": start, f"{step}_to": end}
            result.setdefault(figure, _url("registry:subtree_links", org.pk, **dates, **side))
        day = on.isoformat()
        result.setdefault(
            "active_links", _url("registry:subtree_links", org.pk, active_on=day, **side)
        )
        result.setdefault(
            "letters_overdue", _url("registry:subtree_links", org.pk, overdue_on=day, **side)
        )
    if total and on == today:
        result["problems"] = _url("registry:worklist", org.pk)
    if not report.formerly:
        result["meetings_held"] = _url("meetings:held_list", org.pk, date_from=start, date_to=end)
        if org.has_tracking_book:
            result["cells_uniform_ratings"] = _url(
                "comments:progress", org.pk, requested_from=start, requested_to=end
            )
    # A child's row counts the notices it sent plus those it received: the same rows as
    # the box's when the child cannot hold both sides of one notice.
    if (total and not report.formerly) or residence_only:
        for figure, extra in NOTICE_FILTERS.items():
            result[figure] = _url(
                "notices:outbox", org.pk, both="1", sent_from=start, sent_to=end, **extra
            )
    commune = _comment_list_commune(org, report) if residence_only else None
    dates = {"requested_from": start, "requested_to": end}
    if (
        commune is not None
        and user is not None
        and has_capability(user, Capability.CONFIRM_COMMENTS, commune.path)
    ):
        cell = {"cell": str(org.pk)} if commune.pk != org.pk else {}
        for figure, extra in COMMENT_FILTERS.items():
            result[figure] = _url("comments:commune", commune.pk, **dates, **extra, **cell)
    elif side is not None:
        for figure, extra in COMMENT_FILTERS.items():
            result[figure] = _url("comments:subtree", org.pk, **dates, **extra, **side)
    result.update(_workplace_comment_links(org, report, user))
    return result


def _subtree_side(org: Organization, report: Report) -> dict[str, str] | None:
    """The side filter with which the subtree lists show the rows of ``org``'s link and
    comment figures, or None when they cannot. The lists narrow by today's paths: only
    when the report's tree agrees with them (``Report.follows_paths``, no unit folded).
    The total counts a link either side of which is in the subtree, as the lists do
    without a side. A child counts a link once for each of its sides (ADR 0008): the
    lists reproduce it for a child whose subtree holds one side only, by that side; a
    child holding both sides (a commune with schools, a "both sides" committee) may
    count one link twice and is left unlinked."""
    if report.formerly or not report.follows_paths:
        return None
    if org.pk == report.organization.pk:
        return {}
    if _residence_only(org, report):
        return {"side": "residence"}
    if org.side == Organization.Side.WORKPLACE and org.path not in _holding_residence_units(report):
        side = "party_unit" if below_grassroots(report.organization) else "workplace"
        return {"side": side}
    return None


def _holding_residence_units(report: Report) -> set[str]:
    """The paths of the workplace-side children of the report's organization under
    which lies an organization not on the workplace side (one query, remembered)."""
    cached: set[str] | None = vars(report).get("_holding_residence_units")
    if cached is None:
        children = [
            child.path
            for child, _figures in report.children
            if child.side == Organization.Side.WORKPLACE
        ]
        cached = set()
        if children:
            paths = list(
                Organization.objects.filter(paths_condition("path", children))
                .exclude(side=Organization.Side.WORKPLACE)
                .values_list("path", flat=True)
            )
            cached = {child for child in children for path in paths if path.startswith(child)}
        vars(report)["_holding_residence_units"] = cached
    return cached


def _workplace_comment_links(
    org: Organization, report: Report, user: AnyUser | None
) -> dict[str, str]:
    """A workplace committee's row in a report above the grassroots level counts the
    requests made by it or by the committees under it (grouped by the request's
    workplace committee, ADR 0008): its list of requests with ``below`` and the period
    shows the same rows, to readers who may request comments there. Not the report's
    own total (it also counts requests made above it on its links), nor a report on a
    past tree."""
    top = report.organization
    if (
        org.pk == top.pk
        or report.formerly
        or org.side != Organization.Side.WORKPLACE
        or top.is_grassroots
        or top.kind == Organization.Kind.CELL
        or user is None
        or not has_capability(user, Capability.REQUEST_COMMENTS, org.path)
    ):
        return {}
    dates = {"requested_from": report.period.start.isoformat()}
    dates["requested_to"] = report.period.end.isoformat()
    return {
        figure: _url("comments:workplace", org.pk, below="1", **dates, **extra)
        for figure, extra in WORKPLACE_COMMENT_FILTERS.items()
    }


def _comment_list_commune(org: Organization, report: Report) -> Organization | None:
    """The commune whose list of comment requests holds ``org``'s: a commune's own, or
    for a residential cell its commune's, filtered by the cell."""
    if org.kind == Organization.Kind.GRASSROOTS_COMMITTEE:
        return org
    if org.kind != Organization.Kind.CELL or org.parent_id is None:
        return None
    if org.parent_id == report.organization.pk:
        parent = report.organization
    elif org.pk == report.organization.pk:
        parent = Organization.objects.get(pk=org.parent_id)  # one query, a cell's report
    else:
        return None
    if parent.is_commune_committee:
        return parent
    return None


def classification_url(
    org: Organization, on: datetime.date, *, category: str = "", reason: str = ""
) -> str:
    """The working members of ``org``'s subtree classified ``category`` (or for
    ``reason``) by the decision governing on ``on``: a report's classification figures."""
    query = {"organization": org.pk, "employment": "working", "classified_on": on.isoformat()}
    if category:
        query["category"] = category
    if reason:
        query["reason"] = reason
    return reverse("members:list") + "?" + urlencode(query)


def related_lists(org: Organization) -> list[tuple[Promise, str]]:
    """The lists about the same organization that have no single matching number."""
    lists: list[tuple[Promise, str]] = []
    if org.has_tracking_book:
        lists.append((_("Tracking book"), _url("registry:book", org.pk)))
    if org.is_workplace_unit:
        lists.append((_("Working members and their letters"), _url("registry:workplace", org.pk)))
    if org.side != Organization.Side.WORKPLACE:
        lists.append((_("Meetings overdue"), _url("meetings:overdue", org.pk)))
        lists.append((_("Comment progress and uniform ratings"), _url("comments:progress", org.pk)))
    lists.append((_("Notices received"), _url("notices:inbox", org.pk)))
    lists.append((_("Notices sent"), _url("notices:outbox", org.pk)))
    lists.append((_("No member lost: the worklist"), _url("registry:worklist", org.pk)))
    lists.append((_("Links of the subtree"), _url("registry:subtree_links", org.pk)))
    lists.append((_("Comment requests of the subtree"), _url("comments:subtree", org.pk)))
    return lists


FIRST_YEAR = 2020  # the reports' first year (``PeriodForm``)


def year_links(
    org: Organization, period: Period, today: datetime.date, *, user: AnyUser
) -> list[tuple[int, str, bool]]:
    """``(year, url, shown)`` for each year from the earliest letter or meeting the user
    may see (the current year when there is none) to the current one, and the year
    shown: the report of any past year is one tap away (ADR 0018). Two queries."""
    earliest = [
        ResidenceLink.objects.visible_to(user).aggregate(first=Min("issued_on"))["first"],
        Meeting.objects.visible_to(user).aggregate(first=Min("date"))["first"],
    ]
    first = min([day.year for day in earliest if day is not None] + [today.year])
    last = max(today.year, period.year or today.year)
    url = reverse("reports:organization", args=[org.pk])
    return [
        (year, f"{url}?{urlencode({'year': year})}", year == period.year)
        for year in range(max(first, FIRST_YEAR), last + 1)
    ]


def names_in_words(names: list[str]) -> str:
    """``["A", "B", "C"]`` as "A, B and C" (translated)."""
    if len(names) <= 1:
        return "".join(names)
    return gettext("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def successor_in_words(report: Report) -> str:
    """Where the organization went when it ended before the period's end (ADR 0018),
    in words; empty while it stands."""
    went = report.successor
    if went is None:
        return ""
    name = report.name_of(report.organization)
    last_day = date_format(went.on - datetime.timedelta(days=1), "d/m/Y")
    if went.organization is None:
        text = gettext("%(name)s ceased to exist on %(date)s.") % {"name": name, "date": last_day}
    else:
        text = gettext("%(name)s was merged into %(successor)s on %(date)s.") % {
            "name": name,
            "successor": went.organization.name,
            "date": date_format(went.on, "d/m/Y"),
        }
    if not report.ended_before:
        text += " " + gettext("The figures below run to %(date)s.") % {"date": last_day}
    return text


def notes_in_words(report: Report) -> list[str]:
    """The sentences on the units whose records before a merger the report counts, or
    that an organization not yet founded at the period's end stands for (ADR 0018)."""
    org = report.organization
    notes = [
        gettext("Including the records of %(names)s before %(date)s.")
        % {"names": names_in_words(merged.names), "date": date_format(merged.on, "d/m/Y")}
        for merged in report.merged_in
    ]
    formerly = report.formerly.get(org.pk, [])
    if org.valid_from > (report.tree_day or report.period.end) and formerly:
        notes.append(
            gettext("Founded on %(date)s from %(names)s: these are their records.")
            % {"names": names_in_words(formerly), "date": date_format(org.valid_from, "d/m/Y")}
        )
    return notes


def across(report: Report, asked: Period, *, user: AnyUser) -> dict[str, object]:
    """What a report says in words across a restructuring (ADR 0018), for the page and
    the API: ``notes`` (``notes_in_words``) and ``successor``, where an organization
    that ended before the period's end went (``None`` otherwise), with the URL of its
    successor's report for the period asked when the user may see it."""
    went = report.successor
    successor: dict[str, object] | None = None
    if went is not None:
        target = went.organization
        visible = (
            target is not None
            and Organization.objects.visible_to(user).filter(pk=target.pk).exists()
        )
        successor = {
            "id": target.pk if target is not None and visible else None,
            "name": target.name if target is not None else "",
            "on": went.on,
            "text": successor_in_words(report),
            "url": f"{reverse('reports:organization', args=[target.pk])}?{period_query(asked)}"
            if target is not None and visible
            else "",
        }
    return {"notes": notes_in_words(report), "successor": successor}
