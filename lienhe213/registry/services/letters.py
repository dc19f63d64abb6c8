"""Introduction letters: issue, present, receive, return, assign to a cell, acknowledge."""

import datetime
from collections.abc import Callable, Sequence

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.accounts.models import User
from lienhe213.core import audit
from lienhe213.core.errors import DomainError, StepRefused
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization
from lienhe213.registry import access
from lienhe213.registry.holidays import letter_deadline
from lienhe213.registry.models import (
    Category,
    LetterForm,
    LinkEvent,
    ResidenceLink,
)
from lienhe213.registry.queries import classifications_on
from lienhe213.registry.services._common import (
    Kind,
    Status,
    _lock,
    _require_cell_of,
    _require_commune,
    _require_grassroots,
    _require_member_of,
    _require_not_before,
    _transition,
    _user,
)
from lienhe213.reminders import handoffs
from lienhe213.reports import summaries

# --- letters --------------------------------------------------------------------------


def _create_links(
    *,
    by: AnyUser,
    issuer: Organization,
    entries: Sequence[tuple[Member, Organization, str]],
    issued_on: datetime.date,
) -> list[ResidenceLink]:
    """Number and store new letters; ``issuer`` must already be locked (the lock makes
    the numbering gapless and unique under concurrent issues)."""
    deadline = letter_deadline(issuer, issued_on)
    year = issued_on.year
    last = (
        ResidenceLink.objects.filter(issued_by_organization=issuer, letter_year=year).aggregate(
            last=models.Max("letter_number")
        )["last"]
        or 0
    )
    links = [
        ResidenceLink(
            member=member,
            issued_by_organization=issuer,
            workplace_organization=issuer,
            residence_commune_organization=commune,
            category=category,
            letter_form=LetterForm.CATEGORY_A if category == Category.A else LetterForm.NORMAL,
            letter_number=last + position,
            letter_year=year,
            issued_on=issued_on,
            deadline=deadline,
            status=Status.ISSUED,
        )
        for position, (member, commune, category) in enumerate(entries, start=1)
    ]
    try:
        with (
            transaction.atomic(),
            summaries.changing(members=[link.member_id for link in links]),
        ):
            ResidenceLink.objects.bulk_create(links)
    except IntegrityError as exc:
        raise DomainError(
            _("A letter was issued for one of these members at the same time. Try again.")
        ) from exc
    fields = [
        "member",
        "workplace_organization",
        "residence_commune_organization",
        "category",
        "letter_form",
        "letter_number",
        "letter_year",
        "issued_on",
        "deadline",
        "status",
    ]
    LinkEvent.objects.bulk_create(
        LinkEvent(
            link=link,
            kind=Kind.ISSUED,
            on=issued_on,
            by=_user(by),
            after=audit.snapshot(link, fields),
        )
        for link in links
    )
    audit.record_many(
        by=by,
        action="create",
        entries=[(link, {"event": Kind.ISSUED, **audit.snapshot(link, fields)}) for link in links],
        scope_path=issuer.path,
    )
    _notify_communes(links, issuer=issuer, by=by)
    return links


def _may_see(link: ResidenceLink) -> Callable[[User], bool]:
    """Whether a user may read ``link``: only they are told about it."""
    return lambda user: ResidenceLink.objects.visible_to(user).filter(pk=link.pk).exists()


def _notify_communes(links: Sequence[ResidenceLink], *, issuer: Organization, by: AnyUser) -> None:
    """Tell each residence commune's clerks, once per issue, that letters wait to be
    received there (the first member named, the others counted)."""
    by_commune: dict[int, list[ResidenceLink]] = {}
    for link in links:
        by_commune.setdefault(link.residence_commune_organization.pk, []).append(link)
    for commune_links in by_commune.values():
        first = commune_links[0]
        commune = first.residence_commune_organization
        handoffs.notify(
            kind=handoffs.Kind.LETTERS_ISSUED,
            key=f"{handoffs.Kind.LETTERS_ISSUED}:{commune.pk}:{first.pk}",
            object_id=commune.pk,
            params={
                "workplace": issuer.name,
                "commune": commune.name,
                "member": first.member.full_name,
                "count": len(commune_links),
                "on": first.issued_on.isoformat(),
            },
            path=commune.path,
            roles=handoffs.COMMUNE,
            by=by,
            may_see=_may_see(first),
        )


def _communes_for(members: Sequence[Member]) -> dict[int, Organization]:
    """The current commune committee of each member's residence commune (one query)."""
    unit_ids = {m.residence_commune_id for m in members if m.residence_commune_id}
    by_unit: dict[int, Organization] = {}
    for org in (
        Organization.objects.current()
        .filter(
            administrative_unit_id__in=unit_ids,
            kind=Organization.Kind.GRASSROOTS_COMMITTEE,
            side=Organization.Side.RESIDENTIAL,
        )
        .order_by("-pk")
    ):
        if org.administrative_unit_id is not None:
            by_unit[org.administrative_unit_id] = org
    return by_unit


def residence_committees_for(members: Sequence[Member]) -> dict[int, Organization]:
    """``{administrative unit id: commune committee}`` of the members' residence
    communes: where ``issue_letters`` sends each letter by default (the summary before a
    bulk issue shows it)."""
    return _communes_for(members)


@transaction.atomic
def issue_letters(
    *,
    by: AnyUser,
    workplace: Organization,
    members: Sequence[Member],
    issued_on: datetime.date,
    residence_commune: Organization | None = None,
) -> list[ResidenceLink]:
    """Introduce working members to the committee of the commune where they live: one
    letter each (form 1-213, or 2-213 for category A), numbered in the given order,
    continuing the issuer's sequence for the year without gaps.

    The commune is ``residence_commune`` or, by default, the committee of each member's
    residence commune. All or nothing: one refused member refuses the whole batch.
    """
    issuer = Organization.objects.select_for_update().get(pk=workplace.pk)
    access.require_workplace_side(by, issuer)
    _require_grassroots(issuer)
    ids = [m.pk for m in members]
    if not ids:
        raise DomainError(_("Choose at least one member."), field="members")
    if len(set(ids)) != len(ids):
        raise DomainError(_("A member is listed twice."), field="members")
    stored = Member.objects.in_bulk(ids)
    rows = [stored[pk] for pk in ids]
    categories = classifications_on(ids, issued_on)
    already = set(
        ResidenceLink.objects.open().filter(member_id__in=ids).values_list("member_id", flat=True)
    )
    chosen = _require_commune(residence_commune) if residence_commune is not None else None
    communes = _communes_for(rows) if chosen is None else {}
    entries: list[tuple[Member, Organization, str]] = []
    for member in rows:
        names = {"member": member.full_name}
        _require_member_of(member, issuer)
        if member.employment != Member.Employment.WORKING:
            raise DomainError(_("“%(member)s” is not a working member.") % names)
        category = categories.get(member.pk)
        if category is None:
            raise DomainError(
                _("“%(member)s” is not yet classified: record the decision first.") % names
            )
        if category == Category.B:
            raise DomainError(_("“%(member)s” is exempt from introduction (category B).") % names)
        if member.pk in already:
            raise DomainError(_("“%(member)s” already has an open residence link.") % names)
        commune = chosen or communes.get(member.residence_commune_id or 0)
        if commune is None:
            raise DomainError(
                _("No commune committee is found for the residence of “%(member)s”.") % names
            )
        entries.append((member, commune, category))
    return _create_links(by=by, issuer=issuer, entries=entries, issued_on=issued_on)


def issue_letter(
    *,
    by: AnyUser,
    workplace: Organization,
    member: Member,
    issued_on: datetime.date,
    residence_commune: Organization | None = None,
) -> ResidenceLink:
    """Introduce one member (see ``issue_letters``)."""
    return issue_letters(
        by=by,
        workplace=workplace,
        members=[member],
        issued_on=issued_on,
        residence_commune=residence_commune,
    )[0]


@transaction.atomic
def record_presentation(
    *, by: AnyUser, link: ResidenceLink, presented_on: datetime.date, version: int | None = None
) -> ResidenceLink:
    """The member handed the letter to the commune; either side may record it."""
    link = _lock(link, version)
    access.require_step(by, link, "present")
    commune = link.residence_commune_organization
    if not link.can_be_presented():
        raise DomainError(_("Only an issued letter not yet presented can be marked presented."))
    _require_not_before(presented_on, link.issued_on)
    return _transition(
        link,
        by=by,
        kind=Kind.PRESENTED,
        on=presented_on,
        changes={"presented_on": presented_on},
        scope_path=commune.path,
    )


def _why_not_received(link: ResidenceLink) -> str:
    if link.status == Status.RETURNED:
        return _("This letter was returned; it can no longer be received.")
    if link.status == Status.CLOSED:
        return _("This link is closed; its letter can no longer be received.")
    received = link.received_on.strftime("%d/%m/%Y") if link.received_on else ""
    return _("This letter was already received on %(date)s.") % {"date": received}


def _require_current_commune(link: ResidenceLink) -> Organization:
    commune = link.residence_commune_organization
    if not commune.is_current:
        raise DomainError(
            _("“%(org)s” no longer exists: re-map the link to its successor first.")
            % {"org": commune.name}
        )
    return commune


@transaction.atomic
def receive_letter(
    *, by: AnyUser, link: ResidenceLink, received_on: datetime.date, version: int | None = None
) -> ResidenceLink:
    """The commune committee receives the letter and lists the member (Art. 4.1)."""
    link = _lock(link, version)
    access.require_step(by, link, "receive")
    if not link.can_be_received():
        raise DomainError(_why_not_received(link))
    commune = _require_current_commune(link)
    _require_not_before(received_on, link.issued_on)
    return _transition(
        link,
        by=by,
        kind=Kind.RECEIVED,
        on=received_on,
        changes={"received_on": received_on, "status": Status.RECEIVED},
        scope_path=commune.path,
    )


def receive_letters(
    *,
    by: AnyUser,
    links: Sequence[tuple[ResidenceLink, int | None]],
    received_on: datetime.date,
) -> tuple[list[ResidenceLink], list[tuple[ResidenceLink, str]]]:
    """Receive a stack of letters at once: each ``(link, version)`` goes through
    ``receive_letter`` in its own transaction, with its own history event and audit row.

    Each on its own, not all or nothing: a clerk with a pile of letters at the counter
    expects the good ones recorded, and the one a colleague received meanwhile (or that
    was returned, or changed since the page was read) named with its reason. Returns the
    received links and the refused ones with the reason.
    """
    done: list[ResidenceLink] = []
    refused: list[tuple[ResidenceLink, str]] = []
    for link, version in links:
        try:
            done.append(receive_letter(by=by, link=link, received_on=received_on, version=version))
        except (DomainError, StepRefused) as err:
            # a letter re-mapped meanwhile to a commune the user does not act for
            refused.append((link, str(err)))
    return done, refused


@transaction.atomic
def return_letter(
    *,
    by: AnyUser,
    link: ResidenceLink,
    returned_on: datetime.date,
    reason: str,
    version: int | None = None,
) -> ResidenceLink:
    """The commune sends the letter back (wrong address, no such community); the reason
    goes back to the workplace, which may issue a corrected letter."""
    link = _lock(link, version)
    access.require_step(by, link, "return")
    commune = link.residence_commune_organization
    if not link.can_be_returned():
        raise DomainError(
            _("Only a letter not yet assigned to a cell can be returned; this link is %(status)s.")
            % {"status": link.get_status_display().lower()}
        )
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(_("Give the reason for returning the letter."), field="reason")
    _require_not_before(returned_on, link.issued_on)
    link = _transition(
        link,
        by=by,
        kind=Kind.RETURNED,
        on=returned_on,
        changes={"returned_on": returned_on, "return_reason": reason, "status": Status.RETURNED},
        scope_path=commune.path,
        note=reason,
    )
    workplace = link.workplace_organization
    handoffs.notify(
        kind=handoffs.Kind.LETTER_RETURNED,
        key=f"{handoffs.Kind.LETTER_RETURNED}:{link.pk}",
        object_id=link.pk,
        params={
            "commune": commune.name,
            "member": link.member.full_name,
            "reason": reason,
            "on": returned_on.isoformat(),
        },
        path=workplace.path,
        roles=handoffs.WORKPLACE,
        by=by,
        may_see=_may_see(link),
    )
    return link


@transaction.atomic
def assign_to_cell(
    *,
    by: AnyUser,
    link: ResidenceLink,
    cell: Organization,
    assigned_on: datetime.date,
    version: int | None = None,
) -> ResidenceLink:
    """The commune forwards the member to the residential cell of their community
    (Art. 4.1–4.2); the cell must be a current cell of that same commune."""
    link = _lock(link, version)
    access.require_step(by, link, "assign")
    if not link.can_be_assigned():
        raise DomainError(
            _("Only a received letter can be assigned to a cell; this link is %(status)s.")
            % {"status": link.get_status_display().lower()}
        )
    commune = _require_current_commune(link)
    cell = _require_cell_of(cell, commune)
    _require_not_before(assigned_on, link.received_on)
    link = _transition(
        link,
        by=by,
        kind=Kind.ASSIGNED,
        on=assigned_on,
        changes={"residence_cell": cell, "assigned_on": assigned_on, "status": Status.ASSIGNED},
        scope_path=commune.path,
    )
    handoffs.notify(
        kind=handoffs.Kind.LINK_ASSIGNED,
        key=f"{handoffs.Kind.LINK_ASSIGNED}:{link.pk}:{cell.pk}",
        object_id=link.pk,
        params={
            "commune": commune.name,
            "cell": cell.name,
            "member": link.member.full_name,
            "on": assigned_on.isoformat(),
        },
        path=cell.path,
        roles=handoffs.CELL,
        by=by,
        may_see=_may_see(link),
    )
    return link


@transaction.atomic
def acknowledge_link(
    *,
    by: AnyUser,
    link: ResidenceLink,
    acknowledged_on: datetime.date,
    version: int | None = None,
) -> ResidenceLink:
    """The residential cell lists the member and tells them what is expected
    (Art. 4.2): the link becomes active."""
    link = _lock(link, version)
    access.require_step(by, link, "acknowledge")  # before assignment, no cell refuses
    if link.residence_cell is None or not link.can_be_acknowledged():
        raise DomainError(
            _("Only a link assigned to a cell can be acknowledged; this link is %(status)s.")
            % {"status": link.get_status_display().lower()}
        )
    _require_not_before(acknowledged_on, link.assigned_on)
    return _transition(
        link,
        by=by,
        kind=Kind.ACKNOWLEDGED,
        on=acknowledged_on,
        changes={"acknowledged_on": acknowledged_on, "status": Status.ACTIVE},
        scope_path=link.residence_commune_organization.path,
    )
