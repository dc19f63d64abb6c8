"""Changes in a linked member's life: moves, new workplace, exemption, retirement, departure,
restructuring."""

import datetime

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser, Capability, has_capability
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.core.locking import check_version
from lienhe213.members.models import Member
from lienhe213.members.services import update_member
from lienhe213.organizations.models import Community, Organization
from lienhe213.registry import access
from lienhe213.registry.models import (
    Category,
    ExemptionDecision,
    LinkEvent,
    ResidenceLink,
)
from lienhe213.registry.queries import classifications_on
from lienhe213.registry.services._common import (
    EndReason,
    Kind,
    Status,
    _apply,
    _lock,
    _record,
    _require_cell_of,
    _require_commune,
    _require_grassroots,
    _require_not_before,
    _transition,
    _user,
)
from lienhe213.registry.services.classification import (
    _record_decision,
)
from lienhe213.registry.services.letters import (
    _create_links,
)
from lienhe213.reports import summaries

# --- life-cycle changes ---------------------------------------------------------------


def _lock_open_for_workplace(
    by: AnyUser, link: ResidenceLink, version: int | None, *, step: str
) -> ResidenceLink:
    link = _lock(link, version)
    access.require_step(by, link, step)
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
    link = _lock_open_for_workplace(by, link, version, step="move")
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
    check_version(current, version, what="entry")
    new = Organization.objects.get(pk=workplace.pk)
    access.require_step(by, current, "change_workplace")
    access.require_side(by, access.LinkSide.WORKPLACE, new)  # the new workplace takes over
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
    link = _lock_open_for_workplace(by, link, version, step="exempt")
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
    link = _lock_open_for_workplace(by, link, version, step="retire")
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
    link = _lock_open_for_workplace(by, link, version, step="end")
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
    audited = []
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
        audited.append((link, {"event": Kind.REMAPPED, "before": before, "after": after}))
    # One INSERT for the audit rows: a merged commune re-maps hundreds of links at once.
    audit.record_many(by=by, action="update", entries=audited, scope_path=target.path)
    # Every locked link gets the same new places: one UPDATE per batch of ids (a
    # bulk_update would write a CASE per row).
    ids = [link.pk for link in locked]
    with summaries.changing(links=ids):
        for start in range(0, len(ids), 500):
            batch = ResidenceLink.objects.filter(pk__in=ids[start : start + 500])
            batch.update(
                residence_commune_organization=target,
                version=models.F("version") + 1,
                updated_at=timezone.now(),
            )
            if new_cell is not None:
                batch.filter(residence_cell__isnull=False).update(residence_cell=new_cell)
    LinkEvent.objects.bulk_create(events, batch_size=500)
    return locked
