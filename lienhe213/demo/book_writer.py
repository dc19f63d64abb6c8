"""Writing a planned tracking book (``demo.book``) in bulk.

The rows are those ``registry.services`` would have written for the same steps:
``ExemptionDecision`` as ``classify_member``/``record_exemption`` store it (a later
decision ending the earlier one the day before it starts), ``ResidenceLink`` with its
final status, dates, version (one more per step after issue) and letter number, and one
``LinkEvent`` per step whose ``before``/``after`` hold exactly the fields that step
changed. The demo is recorded by no user (``by`` is empty, as for a system import) at the
time of the import (``at``), and one audit event records the whole import instead of one
per step.
"""

import datetime
from collections.abc import Iterator, Sequence
from typing import Any

from lienhe213.core.bulk import insert_rows
from lienhe213.demo.book import Book, LinkSpec
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import (
    DeadlinePolicy,
    ExemptionDecision,
    LinkEvent,
    PublicHoliday,
    Reason,
    ResidenceLink,
)


def calendar(province: Organization) -> tuple[set[datetime.date], int]:
    """The holidays (national and ``province``'s) and the number of working days to
    present a letter, as ``registry.holidays.letter_deadline`` reads them."""
    holidays = set(
        PublicHoliday.objects.filter(province__isnull=True).values_list("date", flat=True)
    )
    holidays |= set(PublicHoliday.objects.filter(province=province).values_list("date", flat=True))
    policy = DeadlinePolicy.objects.filter(province=province).first()
    days = (
        policy.letter_deadline_working_days
        if policy is not None
        else DeadlinePolicy.DEFAULT_LETTER_DEADLINE
    )
    return holidays, days


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _step_changes(
    link: LinkSpec, kind: str, status: str, ids: "_Ids"
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """``(before, after, new status)`` of one step, as the service records it."""
    if kind == "issued":
        issued = {
            "member": ids.members[link.member],
            "workplace_organization": ids.orgs[link.issuer],
            "residence_commune_organization": ids.orgs[link.commune],
            "category": link.category,
            "letter_form": link.letter_form,
            "letter_number": link.letter_number,
            "letter_year": link.letter_year,
            "issued_on": _iso(link.issued_on),
            "deadline": _iso(link.deadline),
            "status": "issued",
        }
        return {}, issued, "issued"
    if kind == "presented":
        return {"presented_on": None}, {"presented_on": _iso(link.presented_on)}, status
    if kind == "received":
        return (
            {"received_on": None, "status": status},
            {"received_on": _iso(link.received_on), "status": "received"},
            "received",
        )
    if kind == "returned":
        return (
            {"returned_on": None, "return_reason": "", "status": status},
            {
                "returned_on": _iso(link.returned_on),
                "return_reason": link.return_reason,
                "status": "returned",
            },
            "returned",
        )
    if kind == "assigned":
        cell = ids.orgs[link.cell] if link.cell is not None else None
        return (
            {"residence_cell": None, "assigned_on": None, "status": status},
            {"residence_cell": cell, "assigned_on": _iso(link.assigned_on), "status": "assigned"},
            "assigned",
        )
    if kind == "acknowledged":
        return (
            {"acknowledged_on": None, "status": status},
            {"acknowledged_on": _iso(link.acknowledged_on), "status": "active"},
            "active",
        )
    before: dict[str, Any] = {"status": status, "ended_on": None, "end_reason": ""}
    after: dict[str, Any] = {
        "status": "closed",
        "ended_on": _iso(link.ended_on),
        "end_reason": link.end_reason,
    }
    if kind == "moved":
        before["superseded_by"] = None
        after["superseded_by"] = (
            ids.first_link + link.superseded_by if link.superseded_by is not None else None
        )
    return before, after, "closed"


class _Ids:
    def __init__(self, orgs: Sequence[int], members: Sequence[int], first_link: int) -> None:
        self.orgs = orgs
        self.members = members
        self.first_link = first_link


def _events(book: Book, ids: _Ids) -> Iterator[dict[str, Any]]:
    for number, link in enumerate(book.links):
        link_id = ids.first_link + number
        status = "issued"
        for kind, on in link.steps:
            before, after, status = _step_changes(link, kind, status, ids)
            note = ""
            if kind == "returned":
                note = link.return_reason
            elif kind == "closed" and link.exemption_reason:
                # The service notes the exemption's reason in the active language.
                note = str(Reason(link.exemption_reason).label)
            yield {
                "link_id": link_id,
                "kind": kind,
                "on": on,
                "note": note,
                "before": before,
                "after": after,
            }


def write_book(book: Book, *, orgs: Sequence[int], members: Sequence[int]) -> dict[str, int]:
    """Insert ``book``; ``orgs`` and ``members`` map plan indexes to ids. Returns the
    counts written, and the id of the first link (the others follow in plan order)."""
    decisions = insert_rows(
        ExemptionDecision,
        (
            {
                "member_id": members[d.member],
                "category": d.category,
                "reason": d.reason,
                "proposed_by_id": orgs[d.proposed_by] if d.proposed_by is not None else None,
                "decided_by_id": orgs[d.decided_by],
                "decided_on": d.decided_on,
                "valid_from": d.valid_from,
                "valid_until": d.valid_until,
                "evidence": d.evidence,
                "review_on": d.review_on,
            }
            for d in book.decisions
        ),
        keys=[
            "member_id",
            "category",
            "reason",
            "proposed_by_id",
            "decided_by_id",
            "decided_on",
            "valid_from",
            "valid_until",
            "evidence",
            "review_on",
        ],
    )
    first_link = (
        ResidenceLink.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    ids = _Ids(orgs, members, first_link)
    link_keys = [
        "id",
        "member_id",
        "issued_by_organization_id",
        "workplace_organization_id",
        "residence_commune_organization_id",
        "residence_cell_id",
        "category",
        "letter_form",
        "letter_number",
        "letter_year",
        "issued_on",
        "deadline",
        "presented_on",
        "received_on",
        "returned_on",
        "return_reason",
        "assigned_on",
        "acknowledged_on",
        "ended_on",
        "end_reason",
        "superseded_by_id",
        "status",
        "version",
    ]
    links = insert_rows(
        ResidenceLink,
        (
            {
                "id": first_link + number,
                "member_id": members[link.member],
                "issued_by_organization_id": orgs[link.issuer],
                "workplace_organization_id": orgs[link.issuer],
                "residence_commune_organization_id": orgs[link.commune],
                "residence_cell_id": orgs[link.cell] if link.cell is not None else None,
                "category": link.category,
                "letter_form": link.letter_form,
                "letter_number": link.letter_number,
                "letter_year": link.letter_year,
                "issued_on": link.issued_on,
                "deadline": link.deadline,
                "presented_on": link.presented_on,
                "received_on": link.received_on,
                "returned_on": link.returned_on,
                "return_reason": link.return_reason,
                "assigned_on": link.assigned_on,
                "acknowledged_on": link.acknowledged_on,
                "ended_on": link.ended_on,
                "end_reason": link.end_reason,
                "superseded_by_id": (
                    first_link + link.superseded_by if link.superseded_by is not None else None
                ),
                "status": link.status,
                "version": link.version,
            }
            for number, link in enumerate(book.links)
        ),
        keys=link_keys,
    )
    events = insert_rows(
        LinkEvent,
        _events(book, ids),
        keys=["link_id", "kind", "on", "note", "before", "after"],
    )
    return {
        "decisions": decisions,
        "links": links,
        "link_events": events,
        "linked_members": len(book.linked_members()),
        "first_link": first_link,
    }
