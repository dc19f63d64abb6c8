"""A link's history in words: each step as a sentence with the committee that took it,
the letter's number and the date ("On 18/04/2022, the Party Committee of Ward X
received introduction letter no. 12/2022."), followed by what changed, in words
(``core.changes``). Nothing of the stored form — field names, ids, status codes, ISO
dates — reaches the page."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lienhe213.core.changes import ChangeRow, describe
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import LinkEvent, ResidenceLink

Kind = LinkEvent.Kind

# What the history says besides the sentence: the fields the sentence already tells,
# and the link's version counter, are left out of the changes.
_TOLD = {
    *("status", "version", "issued_on", "presented_on", "received_on", "assigned_on"),
    *("acknowledged_on", "returned_on", "ended_on"),
}


@dataclass
class HistoryLine:
    sentence: str
    by: str
    at: object
    note: str
    changes: list[ChangeRow] = field(default_factory=list)


def _name(org: Organization | None) -> str:
    return org.name if org is not None else _("an organization no longer recorded")


def _sentence(link: ResidenceLink, event: LinkEvent, cells: dict[str, str]) -> str:
    values = {
        "date": date_format(event.on, "d/m/Y"),
        "number": f"{link.letter_number}/{link.letter_year}",
        "workplace": _name(link.issued_by_organization),
        "commune": _name(link.residence_commune_organization),
        "cell": cells.get(str(event.after.get("residence_cell")), "") or _name(link.residence_cell),
    }
    if event.kind == Kind.ISSUED:
        text = _("On %(date)s, %(workplace)s issued introduction letter no. %(number)s.")
    elif event.kind == Kind.PRESENTED:
        text = _(
            "On %(date)s, the member presented introduction letter no. %(number)s to %(commune)s."
        )
    elif event.kind == Kind.RECEIVED:
        text = _("On %(date)s, %(commune)s received introduction letter no. %(number)s.")
    elif event.kind == Kind.RETURNED:
        text = _("On %(date)s, %(commune)s returned introduction letter no. %(number)s.")
    elif event.kind == Kind.ASSIGNED:
        text = _("On %(date)s, %(commune)s assigned the member to %(cell)s.")
    elif event.kind == Kind.ACKNOWLEDGED:
        text = _("On %(date)s, %(cell)s acknowledged the member.")
    else:
        text = _("On %(date)s: %(step)s.")
        values["step"] = str(event.get_kind_display()).lower()
    return text % values


def history_lines(link: ResidenceLink, events: Iterable[LinkEvent]) -> list[HistoryLine]:
    """The steps of ``link`` (its events, oldest first) in words."""
    events = list(events)
    rows = [
        [
            (name, event.before.get(name), value)
            for name, value in event.after.items()
            if name not in _TOLD and event.before.get(name) != value
        ]
        if event.kind != Kind.ISSUED  # the letter itself is on the page
        else []
        for event in events
    ]
    described = describe((ResidenceLink, r) for r in rows)
    cell_ids = {str(e.after.get("residence_cell")) for e in events if e.after.get("residence_cell")}
    cells = {
        str(pk): name
        for pk, name in Organization.objects.filter(
            pk__in=[i for i in cell_ids if i.isdigit()]
        ).values_list("pk", "name")
    }
    return [
        HistoryLine(
            sentence=_sentence(link, event, cells),
            by=(event.by.get_full_name() or event.by.get_username()) if event.by else _("imported"),
            at=event.at,
            note=event.note,
            changes=rows_in_words,
        )
        for event, rows_in_words in zip(events, described, strict=True)
    ]
