"""Classification of working members: normal, category A or B (33-HD §1.3)."""

import datetime

from django.db import models, transaction
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization
from lienhe213.registry import access
from lienhe213.registry.models import (
    REASONS_BY_CATEGORY,
    Category,
    ExemptionDecision,
    ResidenceLink,
)
from lienhe213.registry.services._common import (
    _require_grassroots,
    _require_member_of,
    _require_not_before,
    _user,
)
from lienhe213.reports import summaries

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
    with summaries.changing(members=[member]):
        decisions.filter(pk__in=replaced).update(
            valid_until=valid_from - datetime.timedelta(days=1)
        )
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
    with summaries.changing(members=[current.member_id]):
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
