"""Every write to the tracking book.

Each service checks the actor's side and scope (``registry.access``), locks the rows it
changes, asks the link whether the step is allowed, and writes exactly one
``LinkEvent`` per changed link plus one audit row, all in one transaction. A refusal
raises ``DomainError`` with a translated reason and changes nothing.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser, Capability, has_capability
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.members.models import Member
from lienhe213.members.services import update_member
from lienhe213.organizations.models import Community, Organization
from lienhe213.registry import access
from lienhe213.registry.holidays import letter_deadline
from lienhe213.registry.models import (
    REASONS_BY_CATEGORY,
    Category,
    ExemptionDecision,
    LetterForm,
    LinkEvent,
    ResidenceLink,
)
from lienhe213.registry.queries import classifications_on

Status = ResidenceLink.Status
EndReason = ResidenceLink.EndReason
Kind = LinkEvent.Kind

STALE = "This entry was changed by someone else meanwhile. Reload it and try again."


# --- helpers ---------------------------------------------------------------------------


def _user(by: AnyUser) -> Any:
    return by if getattr(by, "pk", None) is not None else None


def _lock(link: ResidenceLink, version: int | None) -> ResidenceLink:
    """The stored row, locked until the transaction ends; refused when stale."""
    current = ResidenceLink.objects.select_for_update().get(pk=link.pk)
    if version is not None and version != current.version:
        raise DomainError(_(STALE))
    return current


def _apply(link: ResidenceLink, changes: dict[str, Any]) -> dict[str, Any]:
    """Save ``changes`` on the locked ``link``; returns the values they replaced."""
    before = audit.snapshot(link, changes)
    for name, value in changes.items():
        setattr(link, name, value)
    link.version += 1
    link.save(update_fields=[*changes, "version", "updated_at"])
    return before


def _record(
    link: ResidenceLink,
    *,
    by: AnyUser,
    kind: str,
    on: datetime.date,
    before: dict[str, Any],
    scope_path: str,
    note: str = "",
) -> None:
    """Write the step's one history event and its audit row."""
    after = audit.snapshot(link, before)
    LinkEvent.objects.create(
        link=link, kind=kind, on=on, by=_user(by), note=note, before=before, after=after
    )
    audit.record(
        by=by,
        action="update",
        obj=link,
        scope_path=scope_path,
        changes={"event": kind, **audit.diff(before, after)},
        reason=note,
    )


def _transition(
    link: ResidenceLink,
    *,
    by: AnyUser,
    kind: str,
    on: datetime.date,
    changes: dict[str, Any],
    scope_path: str,
    note: str = "",
) -> ResidenceLink:
    """Apply ``changes`` to the locked ``link`` and write its one event and audit row."""
    before = _apply(link, changes)
    _record(link, by=by, kind=kind, on=on, before=before, scope_path=scope_path, note=note)
    return link


def _require_grassroots(org: Organization) -> None:
    if not org.is_current:
        raise DomainError(_("“%(org)s” no longer exists.") % {"org": org.name})
    if not org.is_grassroots:
        raise DomainError(
            _("“%(org)s” is not a grassroots committee or grassroots cell.") % {"org": org.name}
        )


def _require_member_of(member: Member, org: Organization) -> None:
    if not member.unit_path.startswith(org.path):
        raise DomainError(
            _("“%(member)s” is not a member of “%(org)s”.")
            % {"member": member.full_name, "org": org.name}
        )


def _require_commune(org: Organization) -> Organization:
    """The stored commune committee, refused unless it is a current one."""
    org = Organization.objects.get(pk=org.pk)
    if (
        not org.is_current
        or org.kind != Organization.Kind.GRASSROOTS_COMMITTEE
        or org.side != Organization.Side.RESIDENTIAL
    ):
        raise DomainError(
            _("“%(org)s” is not a current commune committee.") % {"org": org.name},
            field="residence_commune",
        )
    return org


def _require_cell_of(cell: Organization, commune: Organization) -> Organization:
    cell = Organization.objects.get(pk=cell.pk)
    if (
        not cell.is_current
        or cell.kind != Organization.Kind.CELL
        or cell.side != Organization.Side.RESIDENTIAL
        or cell.pk == commune.pk
        or not cell.path.startswith(commune.path)
    ):
        raise DomainError(
            _("“%(cell)s” is not a current residential cell of “%(commune)s”.")
            % {"cell": cell.name, "commune": commune.name},
            field="cell",
        )
    return cell


def _require_not_before(day: datetime.date, earlier: datetime.date | None) -> None:
    if earlier is not None and day < earlier:
        raise DomainError(
            _("The date may not be before %(date)s.") % {"date": earlier.strftime("%d/%m/%Y")},
            field="date",
        )


# --- classification -------------------------------------------------------------------


def _record_decision(
    *,
    by: AnyUser,
    member: Member,
    category: str,
    reason: str,
    decided_by: Organization,
    decided_on: datetime.date,
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
    proposed_by: Organization | None,
    evidence: str,
    review_on: datetime.date | None,
) -> ExemptionDecision:
    member = Member.objects.select_for_update().get(pk=member.pk)
    decided_by = Organization.objects.get(pk=decided_by.pk)
    access.require_workplace_side(by, decided_by)
    _require_grassroots(decided_by)
    _require_member_of(member, decided_by)
    if member.employment != Member.Employment.WORKING:
        raise DomainError(_("Only working members are classified."))
    if proposed_by is not None and not proposed_by.path.startswith(decided_by.path):
        raise DomainError(
            _("The proposal comes from a cell of “%(org)s”.") % {"org": decided_by.name},
            field="proposed_by",
        )
    if reason not in REASONS_BY_CATEGORY[category] and not (
        category == Category.NORMAL and reason == ""
    ):
        raise DomainError(_("This reason does not fit the category."), field="reason")
    valid_from = valid_from or decided_on
    if valid_until is not None and valid_until < valid_from:
        raise DomainError(_("The decision must end after it starts."), field="valid_until")
    decisions = ExemptionDecision.objects.filter(member=member).not_revoked()
    later = decisions.filter(valid_from__gte=valid_from).order_by("valid_from").first()
    if later is not None:
        raise DomainError(
            _("A decision from %(date)s already exists; revoke it first.")
            % {"date": later.valid_from.strftime("%d/%m/%Y")},
            field="valid_from",
        )
    # The new decision replaces the one running on its first day.
    replaced = list(
        decisions.filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=valid_from)
        ).values_list("pk", flat=True)
    )
    decisions.filter(pk__in=replaced).update(valid_until=valid_from - datetime.timedelta(days=1))
    decision = ExemptionDecision.objects.create(
        member=member,
        category=category,
        reason=reason,
        proposed_by=proposed_by,
        decided_by=decided_by,
        decided_on=decided_on,
        valid_from=valid_from,
        valid_until=valid_until,
        evidence=evidence,
        review_on=review_on,
        recorded_by=_user(by),
    )
    changes = audit.snapshot(
        decision, ["member", "category", "reason", "decided_by", "valid_from", "valid_until"]
    )
    if replaced:
        changes["ended_decisions"] = replaced
    audit.record(by=by, action="create", obj=decision, scope_path=decided_by.path, changes=changes)
    return decision


@transaction.atomic
def classify_member(
    *,
    by: AnyUser,
    member: Member,
    decided_by: Organization,
    decided_on: datetime.date,
    valid_from: datetime.date | None = None,
    proposed_by: Organization | None = None,
    evidence: str = "",
) -> ExemptionDecision:
    """Record that a working member is a normal member under Regulation 213: introduced
    to the residence on form 1-213 and taking part in its activities."""
    return _record_decision(
        by=by,
        member=member,
        category=Category.NORMAL,
        reason="",
        decided_by=decided_by,
        decided_on=decided_on,
        valid_from=valid_from,
        valid_until=None,
        proposed_by=proposed_by,
        evidence=evidence,
        review_on=None,
    )


@transaction.atomic
def record_exemption(
    *,
    by: AnyUser,
    member: Member,
    category: str,
    reason: str,
    decided_by: Organization,
    decided_on: datetime.date,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    proposed_by: Organization | None = None,
    evidence: str = "",
    review_on: datetime.date | None = None,
) -> ExemptionDecision:
    """Record a category A or B exemption decided by the grassroots committee (or the
    grassroots cell where there is none) on the workplace cell's proposal (33-HD §1.3).

    A member already in the loop (open link) is exempted through
    ``exempt_temporarily``, which also changes or closes the link.
    """
    if category not in (Category.A, Category.B):
        raise DomainError(_("An exemption is of category A or B."), field="category")
    if ResidenceLink.objects.open().filter(member_id=member.pk).exists():
        raise DomainError(
            _("The member has an open residence link: record the exemption on the link.")
        )
    return _record_decision(
        by=by,
        member=member,
        category=category,
        reason=reason,
        decided_by=decided_by,
        decided_on=decided_on,
        valid_from=valid_from,
        valid_until=valid_until,
        proposed_by=proposed_by,
        evidence=evidence,
        review_on=review_on,
    )


@transaction.atomic
def revoke_exemption(
    *, by: AnyUser, decision: ExemptionDecision, revoked_on: datetime.date, note: str = ""
) -> ExemptionDecision:
    """Revoke a decision from ``revoked_on`` on (decisions are never deleted)."""
    current = (
        ExemptionDecision.objects.select_for_update()
        .select_related("decided_by")
        .get(pk=decision.pk)
    )
    access.require_workplace_side(by, current.decided_by)
    if current.revoked_on is not None:
        raise DomainError(_("This decision is already revoked."))
    _require_not_before(revoked_on, current.valid_from)
    current.revoked_on = revoked_on
    current.revoked_by = _user(by)
    current.save(update_fields=["revoked_on", "revoked_by"])
    audit.record(
        by=by,
        action="update",
        obj=current,
        scope_path=current.decided_by.path,
        changes={"revoked_on": [None, revoked_on.isoformat()]},
        reason=note,
    )
    return current


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
        with transaction.atomic():
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
    for link in links:
        audit.record(
            by=by,
            action="create",
            obj=link,
            scope_path=issuer.path,
            changes={"event": Kind.ISSUED, **audit.snapshot(link, fields)},
        )
    return links


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
    workplace, commune = link.workplace_organization, link.residence_commune_organization
    if not (
        has_capability(by, Capability.MANAGE_LETTERS, workplace.path)
        or has_capability(by, Capability.RECEIVE_LETTERS, commune.path)
    ):
        raise DomainError(_("You may not act on this letter."))
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
    access.require_commune_side(by, link.residence_commune_organization)
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
    commune = link.residence_commune_organization
    access.require_commune_side(by, commune)
    if not link.can_be_returned():
        raise DomainError(
            _("Only a letter not yet assigned to a cell can be returned; this link is %(status)s.")
            % {"status": link.get_status_display().lower()}
        )
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(_("Give the reason for returning the letter."), field="reason")
    _require_not_before(returned_on, link.issued_on)
    return _transition(
        link,
        by=by,
        kind=Kind.RETURNED,
        on=returned_on,
        changes={"returned_on": returned_on, "return_reason": reason, "status": Status.RETURNED},
        scope_path=commune.path,
        note=reason,
    )


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
    access.require_commune_side(by, link.residence_commune_organization)
    if not link.can_be_assigned():
        raise DomainError(
            _("Only a received letter can be assigned to a cell; this link is %(status)s.")
            % {"status": link.get_status_display().lower()}
        )
    commune = _require_current_commune(link)
    cell = _require_cell_of(cell, commune)
    _require_not_before(assigned_on, link.received_on)
    return _transition(
        link,
        by=by,
        kind=Kind.ASSIGNED,
        on=assigned_on,
        changes={"residence_cell": cell, "assigned_on": assigned_on, "status": Status.ASSIGNED},
        scope_path=commune.path,
    )


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
    cell = link.residence_cell
    if cell is None or not link.can_be_acknowledged():
        raise DomainError(
            _("Only a link assigned to a cell can be acknowledged; this link is %(status)s.")
            % {"status": link.get_status_display().lower()}
        )
    access.require_cell_side(by, cell)
    _require_not_before(acknowledged_on, link.assigned_on)
    return _transition(
        link,
        by=by,
        kind=Kind.ACKNOWLEDGED,
        on=acknowledged_on,
        changes={"acknowledged_on": acknowledged_on, "status": Status.ACTIVE},
        scope_path=link.residence_commune_organization.path,
    )


# --- life-cycle changes ---------------------------------------------------------------


def _lock_open_for_workplace(
    by: AnyUser, link: ResidenceLink, version: int | None
) -> ResidenceLink:
    link = _lock(link, version)
    access.require_workplace_side(by, link.workplace_organization)
    if not link.is_open:
        raise DomainError(
            _("This link is %(status)s; only an open link can change.")
            % {"status": link.get_status_display().lower()}
        )
    return link


def _close(
    link: ResidenceLink,
    *,
    by: AnyUser,
    kind: str,
    on: datetime.date,
    reason: str,
    note: str = "",
) -> ResidenceLink:
    _require_not_before(on, link.issued_on)
    return _transition(
        link,
        by=by,
        kind=kind,
        on=on,
        changes={"status": Status.CLOSED, "ended_on": on, "end_reason": reason},
        scope_path=link.workplace_organization.path,
        note=note,
    )


@transaction.atomic
def move_residence(
    *,
    by: AnyUser,
    link: ResidenceLink,
    moved_on: datetime.date,
    residence_commune: Organization,
    version: int | None = None,
    note: str = "",
) -> ResidenceLink:
    """The member lives somewhere else: the old link closes, pointing at the new one,
    and the workplace issues a new letter to the new commune. Returns the new link."""
    link = _lock_open_for_workplace(by, link, version)
    commune = _require_commune(residence_commune)
    issuer = Organization.objects.select_for_update().get(pk=link.workplace_organization_id)
    _require_grassroots(issuer)
    category = classifications_on([link.member_id], moved_on).get(link.member_id, link.category)
    if category == Category.B:
        raise DomainError(_("The member is exempt from introduction (category B)."))
    _require_not_before(moved_on, link.issued_on)
    # Close first: the database allows one open link per member.
    before = _apply(
        link,
        {"status": Status.CLOSED, "ended_on": moved_on, "end_reason": EndReason.MOVED_RESIDENCE},
    )
    (new_link,) = _create_links(
        by=by, issuer=issuer, entries=[(link.member, commune, category)], issued_on=moved_on
    )
    before["superseded_by"] = None
    link.superseded_by = new_link
    link.save(update_fields=["superseded_by"])
    _record(
        link,
        by=by,
        kind=Kind.MOVED,
        on=moved_on,
        before=before,
        scope_path=link.workplace_organization.path,
        note=note,
    )
    return new_link


@transaction.atomic
def change_workplace(
    *,
    by: AnyUser,
    link: ResidenceLink,
    workplace: Organization,
    changed_on: datetime.date,
    version: int | None = None,
) -> ResidenceLink:
    """After the member's formal transfer, the link continues under the new workplace
    committee, which from then on asks for and receives the comments."""
    current = ResidenceLink.objects.select_for_update().get(pk=link.pk)
    if version is not None and version != current.version:
        raise DomainError(_(STALE))
    new = Organization.objects.get(pk=workplace.pk)
    access.require_workplace_side(by, new)
    if not current.is_open:
        raise DomainError(
            _("This link is %(status)s; only an open link can change.")
            % {"status": current.get_status_display().lower()}
        )
    _require_grassroots(new)
    if new.pk == current.workplace_organization_id:
        raise DomainError(_("The link is already held by this workplace."), field="workplace")
    member = Member.objects.get(pk=current.member_id)
    if not member.unit_path.startswith(new.path):
        raise DomainError(
            _("Transfer “%(member)s” formally to “%(org)s” first.")
            % {"member": member.full_name, "org": new.name},
            field="workplace",
        )
    _require_not_before(changed_on, current.issued_on)
    return _transition(
        current,
        by=by,
        kind=Kind.WORKPLACE_CHANGED,
        on=changed_on,
        changes={"workplace_organization": new},
        scope_path=new.path,
    )


@transaction.atomic
def exempt_temporarily(
    *,
    by: AnyUser,
    link: ResidenceLink,
    category: str,
    reason: str,
    decided_by: Organization,
    decided_on: datetime.date,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    review_on: datetime.date | None = None,
    proposed_by: Organization | None = None,
    evidence: str = "",
    version: int | None = None,
) -> tuple[ResidenceLink, ExemptionDecision]:
    """A linked member goes away for long (secondment, study, abroad, illness): with
    category A the link stays, exempt from activities; with category B it closes."""
    link = _lock_open_for_workplace(by, link, version)
    if category not in (Category.A, Category.B):
        raise DomainError(_("An exemption is of category A or B."), field="category")
    if category == Category.A and link.category == Category.A:
        raise DomainError(_("The link is already of category A."), field="category")
    start = valid_from or decided_on
    decision = _record_decision(
        by=by,
        member=link.member,
        category=category,
        reason=reason,
        decided_by=decided_by,
        decided_on=decided_on,
        valid_from=start,
        valid_until=valid_until,
        proposed_by=proposed_by,
        evidence=evidence,
        review_on=review_on,
    )
    if category == Category.B:
        _close(
            link,
            by=by,
            kind=Kind.CLOSED,
            on=start,
            reason=EndReason.CATEGORY_B,
            note=decision.get_reason_display(),
        )
    else:
        _require_not_before(start, link.issued_on)
        _transition(
            link,
            by=by,
            kind=Kind.EXEMPTED,
            on=start,
            changes={"category": Category.A},
            scope_path=link.workplace_organization.path,
            note=decision.get_reason_display(),
        )
    return link, decision


@transaction.atomic
def retire_member(
    *,
    by: AnyUser,
    link: ResidenceLink,
    retired_on: datetime.date,
    member_version: int | None,
    version: int | None = None,
) -> ResidenceLink:
    """Retirement: the link closes ("retired — transferred") and the member transfers
    formally to the residential cell, becoming its member.

    The member's party unit changes through ``members.services.update_member`` (audited
    there), so the actor needs rights over both the workplace and the cell.
    """
    link = _lock_open_for_workplace(by, link, version)
    cell = link.residence_cell
    if cell is None or link.status not in (Status.ASSIGNED, Status.ACTIVE):
        raise DomainError(
            _("The member can transfer to the residence only once assigned to a cell.")
        )
    if not has_capability(by, Capability.EDIT_MEMBERS, cell.path):
        raise DomainError(
            _("The transfer moves the member to “%(cell)s”: you may not manage its members.")
            % {"cell": cell.name}
        )
    _close(link, by=by, kind=Kind.CLOSED, on=retired_on, reason=EndReason.RETIRED_TRANSFERRED)
    update_member(
        by=by,
        member=link.member,
        version=member_version,
        employment=Member.Employment.RETIRED,
        organization=cell,
    )
    return link


@transaction.atomic
def end_link_for_departure(
    *,
    by: AnyUser,
    link: ResidenceLink,
    ended_on: datetime.date,
    reason: str,
    note: str = "",
    version: int | None = None,
) -> ResidenceLink:
    """The member left the party or died: the workplace, which holds the file, closes
    the link and the residence sees it closed."""
    if reason not in (EndReason.LEFT_PARTY, EndReason.DIED):
        raise DomainError(_("Choose whether the member left the party or died."), field="reason")
    link = _lock_open_for_workplace(by, link, version)
    return _close(link, by=by, kind=Kind.CLOSED, on=ended_on, reason=reason, note=note)


@transaction.atomic
def remap_links(
    *,
    by: AnyUser,
    source: Organization,
    commune: Organization,
    effective_on: datetime.date,
    cell: Organization | None = None,
    community: Community | None = None,
) -> list[ResidenceLink]:
    """Restructuring: move the open links held by ``source`` (a merged commune
    committee, or a cell whose community moved) to ``commune`` and, for links already in
    a cell, to ``cell``. Each link gets a "remapped" event naming the old organizations
    as they were called, so old books still read with old names. ``community``
    limits the re-map to the members living in that community.
    """
    source = Organization.objects.get(pk=source.pk)
    access.require_restructuring(by, source)
    target = _require_commune(commune)
    access.require_restructuring(by, target)
    new_cell = _require_cell_of(cell, target) if cell is not None else None
    is_cell = source.kind == Organization.Kind.CELL
    if (new_cell or target).pk == source.pk:
        raise DomainError(_("The links already belong there."), field="commune")
    if is_cell and new_cell is None:
        raise DomainError(_("Choose the cell the links move to."), field="cell")
    held = (
        models.Q(residence_cell=source)
        if is_cell
        else models.Q(residence_commune_organization=source)
    )
    links = ResidenceLink.objects.open().filter(held).select_for_update().order_by("pk")
    if community is not None:
        links = links.filter(member__residence_community=community)
    locked = list(links)
    names = {
        org.pk: org.name_on(effective_on - datetime.timedelta(days=1))
        for org in Organization.objects.filter(
            pk__in={
                pk
                for link in locked
                for pk in (link.residence_commune_organization_id, link.residence_cell_id)
                if pk is not None
            }
        )
    }
    events = []
    for link in locked:
        before = {
            "residence_commune_organization": link.residence_commune_organization_id,
            "residence_cell": link.residence_cell_id,
            "names": [
                names.get(link.residence_commune_organization_id, ""),
                names.get(link.residence_cell_id or 0, ""),
            ],
        }
        link.residence_commune_organization = target
        if new_cell is not None and link.residence_cell_id is not None:
            link.residence_cell = new_cell
        link.version += 1
        after = {
            "residence_commune_organization": target.pk,
            "residence_cell": link.residence_cell_id,
            "names": [target.name, new_cell.name if link.residence_cell_id and new_cell else ""],
        }
        events.append(
            LinkEvent(
                link=link,
                kind=Kind.REMAPPED,
                on=effective_on,
                by=_user(by),
                before=before,
                after=after,
            )
        )
        audit.record(
            by=by,
            action="update",
            obj=link,
            scope_path=target.path,
            changes={"event": Kind.REMAPPED, "before": before, "after": after},
        )
    ResidenceLink.objects.bulk_update(
        locked, ["residence_commune_organization", "residence_cell", "version"], batch_size=500
    )
    LinkEvent.objects.bulk_create(events, batch_size=500)
    return locked
