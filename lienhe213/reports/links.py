"""Where each number of a report leads: the list of members or organizations behind it,
where such a list exists and shows the same rows. A number without a list that matches
it is shown without a link rather than leading to a list that says something else."""

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lienhe213.organizations.models import Organization
from lienhe213.registry.views._common import has_book, has_mirror
from lienhe213.reports.indicators import Period, Report


def period_query(period: Period) -> str:
    """The query string that asks for ``period`` again (drill-down keeps the period)."""
    if period.year is not None:
        return urlencode({"year": period.year})
    return urlencode({"from": period.start.isoformat(), "to": period.end.isoformat()})


def _url(name: str, pk: int, **query: str) -> str:
    url = reverse(name, args=[pk])
    return f"{url}?{urlencode(query)}" if query else url


def figure_links(org: Organization, report: Report, today: datetime.date) -> dict[str, str]:
    """``{figure: url}`` for the figures whose list exists. The tracking book and the
    workplace mirror show today's state, so "as of" figures link there only when the
    report is read on today."""
    result = {
        "working_members": reverse("members:list")
        + "?"
        + urlencode({"organization": org.pk, "employment": "working"}),
    }
    if report.on == today:
        if has_book(org):
            result["active_links"] = _url("registry:book", org.pk, status="active")
            result["letters_overdue"] = _url("registry:book", org.pk, overdue="1")
        elif has_mirror(org):
            result["active_links"] = _url("registry:workplace", org.pk, status="active")
            result["letters_overdue"] = _url("registry:workplace", org.pk, state="overdue")
        result["problems"] = _url("registry:worklist", org.pk)
    if org.kind == Organization.Kind.CELL and org.side == Organization.Side.RESIDENTIAL:
        result["meetings_held"] = _url("meetings:cell", org.pk)
    return result


def related_lists(org: Organization) -> list[tuple[Promise, str]]:
    """The lists about the same organization that have no single matching number."""
    lists: list[tuple[Promise, str]] = []
    if has_book(org):
        lists.append((_("Tracking book"), _url("registry:book", org.pk)))
    if has_mirror(org):
        lists.append((_("Working members and their letters"), _url("registry:workplace", org.pk)))
    if org.side != Organization.Side.WORKPLACE:
        lists.append((_("Meetings overdue"), _url("meetings:overdue", org.pk)))
        lists.append((_("Comment progress and uniform ratings"), _url("comments:progress", org.pk)))
    lists.append((_("Notices received"), _url("notices:inbox", org.pk)))
    lists.append((_("Notices sent"), _url("notices:outbox", org.pk)))
    lists.append((_("No member lost: the worklist"), _url("registry:worklist", org.pk)))
    return lists
