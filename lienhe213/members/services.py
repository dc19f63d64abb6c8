"""Writes to member records: validation, uniqueness, optimistic locking, audit."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import UniqueConstraint
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser, Capability, has_capability
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.core.locking import check_version
from lienhe213.members.models import Member, PreviousPartyCard
from lienhe213.organizations.models import Organization
from lienhe213.organizations.services import require_unit_in_force
from lienhe213.reports import summaries

EDITABLE_FIELDS = (
    "family_name",
    "middle_name",
    "given_name",
    "gender",
    "birth_date",
    "joined_on",
    "official_on",
    "party_card_number",
    "dossier_number",
    "citizen_id",
    "organization",
    "employment",
    "workplace_name",
    "residence_commune",
    "residence_community",
    "residence_address",
    "phone",
    "email",
)


def _require_edit_under(by: AnyUser, organization: Organization) -> None:
    if not has_capability(by, Capability.EDIT_MEMBERS, organization.path):
        raise DomainError(
            _("You may not manage members of “%(org)s”.") % {"org": organization.name},
            field="organization",
        )


def _require_constraints(member: Member) -> None:
    """Check the table's constraints, naming the field for a single-field one.

    ``full_clean`` reports a conditional unique constraint (our identifiers) as a
    non-field error; the editor must see "another member has this party card number"
    on the party card field.
    """
    for constraint in Member._meta.constraints:
        try:
            constraint.validate(Member, member)  # type: ignore[attr-defined]  # missing in stubs
        except ValidationError as exc:
            field = (
                constraint.fields[0]
                if isinstance(constraint, UniqueConstraint) and len(constraint.fields) == 1
                else None
            )
            raise DomainError(exc.messages[0], field=field) from exc


def _require_card_not_previous(member: Member) -> None:
    """A card number another member carried before (PreviousPartyCard) is theirs."""
    number = member.party_card_number
    if (
        number
        and PreviousPartyCard.objects.filter(number=number).exclude(member_id=member.pk).exists()
    ):
        raise DomainError(
            _("Another member had this party card number before."), field="party_card_number"
        )


def _validate_and_save(member: Member) -> None:
    member.refresh_derived()
    try:
        member.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise DomainError.from_validation_error(exc) from exc
    _require_constraints(member)
    _require_card_not_previous(member)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent insert won the unique identifier
        _require_constraints(member)  # names the field once the other insert is visible
        raise DomainError(_("Another member already has one of these identifiers.")) from exc


@transaction.atomic
def create_member(*, by: AnyUser, **fields: Any) -> Member:
    """Register a member in a party unit the actor may manage."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown member fields: {sorted(unknown)}")
    organization = fields.get("organization")
    if not isinstance(organization, Organization):
        raise DomainError(_("Choose the member's party unit."), field="organization")
    # Decide on the stored row: the caller's copy may predate a move (another path, so
    # another scope) or a merge (no longer current).
    organization = Organization.objects.get(pk=organization.pk)
    fields["organization"] = organization
    _require_edit_under(by, organization)
    if not organization.is_current:
        raise DomainError(_("This party unit no longer exists."), field="organization")
    require_unit_in_force(
        fields.get("residence_commune"), on=timezone.localdate(), field="residence_commune"
    )
    member = Member(**fields)
    _validate_and_save(member)
    summaries.added(members=[member])
    audit.record(
        by=by,
        action="create",
        obj=member,
        scope_path=organization.path,
        changes=audit.snapshot(
            member,
            ["family_name", "middle_name", "given_name", "organization", "party_card_number"],
        ),
    )
    return member


@transaction.atomic
def update_member(*, by: AnyUser, member: Member, version: int | None, **changes: Any) -> Member:
    """Change a member's record.

    ``version`` is the version the editor started from; when someone else saved in
    between, the change is refused instead of silently overwriting theirs. An anonymised
    record (``members.retention``) is refused.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown member fields: {sorted(unknown)}")
    current = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    _require_edit_under(by, current.organization)
    if current.is_anonymised:
        # The identifiers were removed on purpose (members.retention): writing new ones
        # would bring the person back into a record kept only for the history.
        raise DomainError(
            _("This former member's record was anonymised and can no longer be changed.")
        )
    check_version(current, version, what="record")
    new_org = changes.get("organization")
    if isinstance(new_org, Organization) and new_org.pk != current.organization_id:
        new_org = changes["organization"] = Organization.objects.get(pk=new_org.pk)
        _require_edit_under(by, new_org)
        if not new_org.is_current:
            raise DomainError(_("This party unit no longer exists."), field="organization")
    commune = changes.get("residence_commune")
    if commune is not None and commune.pk != current.residence_commune_id:
        # A record keeping its pre-2025 commune may still be edited; choosing one is refused.
        require_unit_in_force(commune, on=timezone.localdate(), field="residence_commune")
    before = audit.snapshot(current, EDITABLE_FIELDS)
    for name, value in changes.items():
        setattr(current, name, value)
    current.refresh_derived()  # compare names as they will be stored (spaces collapsed)
    after = audit.snapshot(current, EDITABLE_FIELDS)
    changed = audit.diff(before, after)
    if not changed:
        return current
    current.version += 1
    # A new party unit or employment moves the member (and their links) in the reports.
    counted = "organization" in changed or "employment" in changed
    with summaries.changing(members=[current] if counted else []):
        _validate_and_save(current)
    old_card = (changed.get("party_card_number") or [""])[0]
    if old_card:  # the card exchange: the old number stays the member's (history, matching)
        PreviousPartyCard.objects.get_or_create(
            number=old_card, defaults={"member": current, "replaced_on": timezone.localdate()}
        )
    if "citizen_id" in changed:  # never write the full ID into the audit trail
        changed["citizen_id"] = [
            Member(citizen_id=str(v or "")).masked_citizen_id for v in changed["citizen_id"]
        ]
    audit.record(
        by=by,
        action="update",
        obj=current,
        scope_path=current.organization.path,
        changes=changed,
    )
    return current
