"""Writes of the annual thematic review: proposing, deciding and rejecting
commendations. Each checks who may act, locks the row it moves, records an audit row
and raises ``DomainError`` with a translated message."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.accounts.models import User
from lienhe213.comments.models import CommentRequest, Recommendation
from lienhe213.comments.queries import RETURNED_STATUSES
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.core.locking import check_version
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization
from lienhe213.reports import access
from lienhe213.reports.models import Commendation

FIELDS = [
    "year",
    "organization",
    "member",
    "comment_request",
    "status",
    "reason",
    "proposed_by_organization",
    "proposed_on",
]


def _user(by: AnyUser) -> User | None:
    return by if isinstance(by, User) else None


def _scope(commendation: Commendation) -> str:
    if commendation.organization is not None:
        return commendation.organization.path
    return commendation.member.unit_path if commendation.member is not None else ""


@transaction.atomic
def propose_commendation(
    *,
    by: AnyUser,
    year: int,
    proposed_by_organization: Organization,
    reason: str,
    proposed_on: datetime.date,
    organization: Organization | None = None,
    member: Member | None = None,
    comment_request: CommentRequest | None = None,
) -> Commendation:
    """Propose to commend ``organization`` or ``member`` for ``year``, for the
    committee ``proposed_by_organization`` standing over them; ``comment_request`` is
    the returned comment whose recommendation ("commend") the proposal takes up."""
    committee = proposed_by_organization
    if (organization is None) == (member is None):
        raise DomainError(_("Commend either an organization or a member."), field="organization")
    if not access.may_propose(by, committee):
        raise DomainError(_("You may not propose commendations for this committee."))
    if not committee.is_current:
        raise DomainError(_("“%(name)s” no longer exists.") % {"name": committee.name})
    if not access.is_over(committee, organization=organization, member=member):
        raise DomainError(
            _("A committee proposes commendations of the units and members below it."),
            field="organization" if organization is not None else "member",
        )
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for the commendation."), field="reason")
    if proposed_on.year < year:
        raise DomainError(
            _("A commendation for a year is proposed during or after that year."),
            field="proposed_on",
        )
    if comment_request is not None:
        returned = comment_request.status in RETURNED_STATUSES
        recommends = getattr(getattr(comment_request, "comment", None), "recommendation", "")
        if (
            member is None
            or comment_request.member_id != member.pk
            or not returned
            or recommends != Recommendation.COMMEND
        ):
            raise DomainError(
                _("This comment does not recommend commending this member."),
                field="comment_request",
            )
    commendation = Commendation(
        year=year,
        organization=organization,
        member=member,
        comment_request=comment_request,
        reason=reason,
        proposed_by_organization=committee,
        proposed_by=_user(by),
        proposed_on=proposed_on,
    )
    try:
        commendation.validate_constraints()
    except ValidationError as exc:
        raise DomainError.from_validation_error(exc) from exc
    try:
        with transaction.atomic():
            commendation.save()
    except IntegrityError as exc:  # the same proposal recorded at the same moment
        raise DomainError(_("This subject is already proposed for that year.")) from exc
    audit.record(
        by=by,
        action="create",
        obj=commendation,
        scope_path=_scope(commendation),
        changes=audit.snapshot(commendation, FIELDS),
    )
    return commendation


def _lock(commendation: Commendation, version: int | None, by: AnyUser) -> Commendation:
    current = (
        Commendation.objects.select_for_update(of=("self",))
        .select_related("organization", "member")
        .get(pk=commendation.pk)
    )
    check_version(current, version, what="commendation")
    if current.status != Commendation.Status.PROPOSED:
        raise DomainError(_("Only a proposed commendation can be decided or rejected."))
    committee = access.deciding_committee(current)
    if committee is None or not access.may_decide(by, committee):
        raise DomainError(_("Only the provincial committee decides commendations."))
    return current


def _step(commendation: Commendation, *, by: AnyUser, changes: dict[str, Any]) -> Commendation:
    before = audit.snapshot(commendation, list(changes))
    for name, value in changes.items():
        setattr(commendation, name, value)
    commendation.version += 1
    commendation.save(update_fields=[*changes, "version"])
    audit.record(
        by=by,
        action="update",
        obj=commendation,
        scope_path=_scope(commendation),
        changes=audit.diff(before, audit.snapshot(commendation, list(changes))),
    )
    return commendation


@transaction.atomic
def decide_commendation(
    *,
    by: AnyUser,
    commendation: Commendation,
    decision_number: str,
    decided_on: datetime.date,
    version: int | None = None,
) -> Commendation:
    """Record the province's decision (number and date) on a proposed commendation."""
    current = _lock(commendation, version, by)
    number = " ".join(decision_number.split())
    if not number:
        raise DomainError(_("Give the decision number."), field="decision_number")
    if decided_on < current.proposed_on:
        raise DomainError(_("The decision cannot come before the proposal."), field="decided_on")
    committee = access.deciding_committee(current)
    taken = Commendation.objects.filter(
        decided_by_organization=committee,
        decision_year=decided_on.year,
        decision_number=number,
    ).exists()
    if taken:
        raise DomainError(
            _("This committee already used this decision number that year."),
            field="decision_number",
        )
    try:
        with transaction.atomic():
            return _step(
                current,
                by=by,
                changes={
                    "status": Commendation.Status.DECIDED,
                    "decided_by_organization": committee,
                    "decided_by": _user(by),
                    "decision_number": number,
                    "decided_on": decided_on,
                    "decision_year": decided_on.year,
                },
            )
    except IntegrityError as exc:  # the same number recorded at the same moment
        raise DomainError(
            _("This committee already used this decision number that year."),
            field="decision_number",
        ) from exc


@transaction.atomic
def reject_commendation(
    *,
    by: AnyUser,
    commendation: Commendation,
    reason: str,
    decided_on: datetime.date,
    version: int | None = None,
) -> Commendation:
    """The province turns a proposal down, saying why."""
    current = _lock(commendation, version, by)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the proposal is rejected."), field="rejection_reason")
    return _step(
        current,
        by=by,
        changes={
            "status": Commendation.Status.REJECTED,
            "decided_by_organization": access.deciding_committee(current),
            "decided_by": _user(by),
            "decided_on": decided_on,
            "rejection_reason": reason,
        },
    )
