"""Who may act on which side of a residence link, and what the residence side may see.

The workplace acts over the workplace committee's subtree, the commune over its
committee's subtree, the residential cell over the cell: each side only on its own steps
(the capabilities are defined with the other role rules in ``accounts.access``).

Which side takes which step of a link is written once, in ``STEP_SIDES``; whether the
link's state allows the step is the link's own predicate (``STEP_STATES``). A user who
may see the link but is not the side of the step gets ``StepRefused`` (``core.errors``):
a 403 with the same translated message in the pages (shown on the link page) and in the
API (its ``detail``, through DRF's handling of Django's ``PermissionDenied``).
"""

from collections.abc import Callable
from enum import StrEnum

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienhe213.accounts.access import (
    AnyUser,
    Capability,
    has_capability,
    own_member_id,
    scope_paths,
    sees_everything,
)
from lienhe213.core.errors import DomainError, StepRefused
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import ResidenceLink


class LinkSide(StrEnum):
    """The three parties of a residence link."""

    WORKPLACE = "workplace"
    COMMUNE = "commune"
    CELL = "cell"


SIDE_CAPABILITIES = {
    LinkSide.WORKPLACE: Capability.MANAGE_LETTERS,
    LinkSide.COMMUNE: Capability.RECEIVE_LETTERS,
    LinkSide.CELL: Capability.ACKNOWLEDGE_LINKS,
}

_NOT_FOR = {
    LinkSide.WORKPLACE: gettext_lazy("You may not act for the workplace committee “%(org)s”."),
    LinkSide.COMMUNE: gettext_lazy("You may not act for the commune committee “%(org)s”."),
    LinkSide.CELL: gettext_lazy("You may not act for the residential cell “%(org)s”."),
}
_NOWHERE = {
    LinkSide.WORKPLACE: gettext_lazy("Only a workplace committee may do this."),
    LinkSide.COMMUNE: gettext_lazy("Only a commune committee may do this."),
    LinkSide.CELL: gettext_lazy("Only a residential cell may do this."),
}

# --- which side takes which step -------------------------------------------------------

# Every step of a link, in the order the link page offers them, and the sides that may
# take it: the side's organization on the link (its workplace committee, its residence
# commune committee, its residential cell).
STEP_SIDES: dict[str, tuple[LinkSide, ...]] = {
    "present": (LinkSide.WORKPLACE, LinkSide.COMMUNE),
    "receive": (LinkSide.COMMUNE,),
    "return": (LinkSide.COMMUNE,),
    "assign": (LinkSide.COMMUNE,),
    "acknowledge": (LinkSide.CELL,),
    "move": (LinkSide.WORKPLACE,),
    "change_workplace": (LinkSide.WORKPLACE,),
    "exempt": (LinkSide.WORKPLACE,),
    "retire": (LinkSide.WORKPLACE,),
    "end": (LinkSide.WORKPLACE,),
}
# Steps taken by an organization that does not hold the link yet: after a formal
# transfer the *new* workplace committee takes the link over; which one is named in the
# request and checked with ``require_side``.
TAKEN_FROM_OUTSIDE = frozenset({"change_workplace"})

# --- whether the link's state allows the step ------------------------------------------

STEP_STATES: dict[str, Callable[[ResidenceLink], bool]] = {
    "present": ResidenceLink.can_be_presented,
    "receive": ResidenceLink.can_be_received,
    "return": ResidenceLink.can_be_returned,
    "assign": ResidenceLink.can_be_assigned,
    "acknowledge": ResidenceLink.can_be_acknowledged,
    "move": ResidenceLink.can_be_moved,
    "change_workplace": lambda link: link.is_open,
    "exempt": lambda link: link.is_open,
    "retire": lambda link: link.status in (link.Status.ASSIGNED, link.Status.ACTIVE),
    "end": ResidenceLink.can_be_ended,
}


def holder(link: ResidenceLink, side: LinkSide) -> Organization | None:
    """The organization that holds ``side`` of ``link`` (no cell before assignment)."""
    if side == LinkSide.WORKPLACE:
        return link.workplace_organization
    if side == LinkSide.COMMUNE:
        return link.residence_commune_organization
    return link.residence_cell


def acts_for(user: AnyUser, side: LinkSide, org: Organization | None = None) -> bool:
    """Whether ``user`` may act for ``org`` on ``side`` (with no ``org``: for some
    organization of that side)."""
    return has_capability(user, SIDE_CAPABILITIES[side], org.path if org is not None else None)


def _step_refusal(user: AnyUser, link: ResidenceLink, step: str) -> str | None:
    """Why ``user`` may not take ``step`` on ``link`` as far as sides go, or None."""
    sides = STEP_SIDES[step]
    if step in TAKEN_FROM_OUTSIDE:
        (side,) = sides
        return None if acts_for(user, side) else str(_NOWHERE[side])
    holders = [(side, holder(link, side)) for side in sides]
    if any(org is not None and acts_for(user, side, org) for side, org in holders):
        return None
    if len(holders) > 1:
        return _("You may not act on this letter.")
    side, org = holders[0]
    if org is None:
        # Nobody holds that side yet (acknowledging before assignment): the state rule
        # refuses, with its reason.
        return None
    return str(_NOT_FOR[side] % {"org": org.name})


def allowed_steps(user: AnyUser, link: ResidenceLink) -> list[str]:
    """The steps ``user`` may take on ``link`` in its present state, in page order:
    those its state allows (``STEP_STATES``) and whose side the user acts for
    (``STEP_SIDES``)."""
    return [
        step
        for step in STEP_SIDES
        if STEP_STATES[step](link) and _step_refusal(user, link, step) is None
    ]


def require_step(user: AnyUser, link: ResidenceLink, step: str) -> None:
    """Refuse (``StepRefused``, 403) unless ``user`` acts for a side that takes ``step``
    on ``link``. Only the side: whether the state allows the step is the service's
    check, refused with a ``DomainError`` that names the state."""
    reason = _step_refusal(user, link, step)
    if reason is not None:
        raise StepRefused(reason)


def require_side(user: AnyUser, side: LinkSide, org: Organization | None = None) -> None:
    """Refuse (``StepRefused``, 403) unless ``user`` may act for ``org`` on ``side`` —
    the checks that are not a step of a link: issuing letters for a workplace,
    receiving a commune's letters, a classification's deciding committee, the new
    workplace taking a link over. With no ``org``: for some organization of that side
    (the check made before the request names one)."""
    if not acts_for(user, side, org):
        message = _NOWHERE[side] if org is None else _NOT_FOR[side] % {"org": org.name}
        raise StepRefused(message)


def require_workplace_side(by: AnyUser, org: Organization) -> None:
    """Refuse (``DomainError``) unless ``by`` may act for the workplace committee ``org``:
    ``require_side`` for services and other apps that refuse inside a wider check."""
    _as_domain_error(LinkSide.WORKPLACE, by, org)


def require_commune_side(by: AnyUser, org: Organization) -> None:
    """Refuse (``DomainError``) unless ``by`` may receive, return and assign for the
    commune ``org``."""
    _as_domain_error(LinkSide.COMMUNE, by, org)


def require_cell_side(by: AnyUser, org: Organization) -> None:
    """Refuse (``DomainError``) unless ``by`` may take members in for the residential
    cell ``org``."""
    _as_domain_error(LinkSide.CELL, by, org)


def _as_domain_error(side: LinkSide, by: AnyUser, org: Organization) -> None:
    try:
        require_side(by, side, org)
    except StepRefused as exc:
        raise DomainError(exc.message) from exc


def require_remapping(user: AnyUser, org: Organization | None = None) -> None:
    """Refuse (``StepRefused``, 403) unless ``user`` may re-map the links held by
    ``org`` after a restructuring (with no ``org``: re-map links somewhere)."""
    if not has_capability(user, Capability.RESTRUCTURE_LINKS, org.path if org else None):
        if org is None:
            raise StepRefused(_("You may not re-map links."))
        raise StepRefused(_("You may not re-map the links of “%(org)s”.") % {"org": org.name})


def require_restructuring(by: AnyUser, org: Organization) -> None:
    """Refuse (``DomainError``) unless ``by`` may re-map links held by ``org`` after a
    restructuring: ``require_remapping`` for the service."""
    try:
        require_remapping(by, org)
    except StepRefused as exc:
        raise DomainError(exc.message) from exc


def residence_only(user: AnyUser, member: Member) -> bool:
    """Whether ``user`` sees ``member`` only because the member is linked to their
    residence organization. Such a viewer gets the fields the residence needs (name,
    birth date, address, contact, workplace) and not the party card or dossier number."""
    if sees_everything(user) or own_member_id(user) == member.pk:
        return False
    paths = scope_paths(user, Capability.VIEW_MEMBERS)
    return not any(member.unit_path.startswith(path) for path in paths)


def get_link_for_user(user: AnyUser, pk: object) -> ResidenceLink:
    """The link ``pk`` if either of its sides is in ``user``'s scope (404 otherwise).
    Whether the user may take a step on it is ``require_step``'s answer (403)."""
    try:
        return (
            ResidenceLink.objects.visible_to(user)
            .select_related(
                "member",
                "workplace_organization",
                "residence_commune_organization",
                "residence_cell",
            )
            .get(pk=int(str(pk)))
        )
    except (ResidenceLink.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
