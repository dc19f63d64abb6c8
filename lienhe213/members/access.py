"""Gatekeeper for members: every view, export and API fetches through here."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser, Capability
from lienhe213.accounts.models import User
from lienhe213.core import audit
from lienhe213.members.models import Member


def get_member_for_user(user: AnyUser, pk: object, *, write: bool = False) -> Member:
    """The member ``pk`` if ``user`` may see it (404 otherwise: a forged id reveals
    nothing); with ``write``, 403 unless the user may also edit it."""
    try:
        member = (
            Member.objects.visible_to(user)
            .select_related("organization", "residence_commune", "residence_community")
            .get(pk=int(str(pk)))
        )
    except (Member.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if write and not can_edit(user, member):
        raise PermissionDenied
    return member


def get_own_member(user: AnyUser) -> Member:
    """The member record the signed-in ``user`` is linked to (``User.member``): the data
    subject, who may take everything held about them (``members.personal_data``).

    The link to the record, not a role, is what makes the user this person: a member
    whose member role was withdrawn is still the subject of their data. 404 for an
    account linked to no record (an officer's, a stranger's), with the reason.
    """
    member_id = user.member_id if isinstance(user, User) and user.is_active else None
    if member_id is None:
        raise Http404(_("Your account is not linked to a member record."))
    return Member.objects.select_related(
        "organization", "residence_commune", "residence_community"
    ).get(pk=member_id)


def can_edit(user: AnyUser, member: Member) -> bool:
    """Whether ``user`` may change the record: a member under their editing scope, not
    anonymised (an anonymised record is history, not a person to write about)."""
    if member.is_anonymised:
        return False
    return Member.objects.visible_to(user, Capability.EDIT_MEMBERS).filter(pk=member.pk).exists()


def reveal_citizen_id(user: AnyUser, member: Member) -> str | None:
    """The full citizen ID, for a user who may edit the member, or None (everyone else
    sees the masked form). Showing it is a sensitive read, so it is audited.

    Who may read it is ``MemberQuerySet.citizen_id_readable_by``, the rule the search
    also matches citizen IDs on: what is masked here cannot be found by searching."""
    if not member.citizen_id:
        return None
    if not Member.objects.citizen_id_readable_by(user).filter(pk=member.pk).exists():
        return None
    audit.record(
        by=user,
        action="view",
        obj=member,
        scope_path=member.unit_path,
        changes={"field": "citizen_id"},
    )
    return member.citizen_id
