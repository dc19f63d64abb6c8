"""Who may propose and decide commendations, and the gatekeeper for reading one.

A committee proposes a commendation of what lies below it: an organization strictly
inside its subtree, or a member whose party unit is in its subtree or who is linked to
a residence there (the residence side that recommended them). Only the provincial
officers and the administrators decide, for the committee over the subject.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from lienhe213.accounts.access import AnyUser, Capability, has_capability
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import ResidenceLink
from lienhe213.reports.models import Commendation

COMMENDATION_RELATED = (
    "organization",
    "member",
    "proposed_by_organization",
    "decided_by_organization",
    "comment_request",
)


def is_over(
    committee: Organization, *, organization: Organization | None, member: Member | None
) -> bool:
    """Whether ``committee`` stands over the subject (ADR 0009)."""
    if organization is not None:
        return organization.pk != committee.pk and organization.path.startswith(committee.path)
    if member is None:
        return False
    if member.unit_path.startswith(committee.path):
        return True
    return (
        ResidenceLink.objects.filter(member=member)
        .filter(residence_commune_organization__path__under=committee.path)
        .exists()
    )


def may_propose(user: AnyUser, committee: Organization) -> bool:
    return has_capability(user, Capability.PROPOSE_COMMENDATIONS, committee.path)


def may_decide(user: AnyUser, committee: Organization) -> bool:
    return has_capability(user, Capability.DECIDE_COMMENDATIONS, committee.path)


def deciding_committee(commendation: Commendation) -> Organization | None:
    """The provincial committee over the subject: the one that decides."""
    path = (
        commendation.organization.path
        if commendation.organization is not None
        else commendation.member.unit_path
        if commendation.member is not None
        else ""
    )
    root = next((part for part in path.split(".") if part), None)
    if root is None:
        return None
    return Organization.objects.filter(
        pk=int(root), kind=Organization.Kind.PROVINCIAL_COMMITTEE
    ).first()


def get_commendation_for_user(user: AnyUser, pk: object, *, decide: bool = False) -> Commendation:
    """The commendation ``pk`` if ``user`` may see it (404 otherwise); with ``decide``,
    403 unless they may decide it."""
    try:
        commendation = (
            Commendation.objects.visible_to(user)
            .select_related(*COMMENDATION_RELATED)
            .get(pk=int(str(pk)))
        )
    except (Commendation.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if decide:
        committee = deciding_committee(commendation)
        if committee is None or not may_decide(user, committee):
            raise PermissionDenied
    return commendation
