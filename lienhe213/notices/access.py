"""Who may write for which side of a notice, and the gatekeeper for reading one.

The residence side is the commune clerk over the link's commune (or any of its cells)
and the cell secretary over the link's cell; the workplace side is the workplace officer
over the workplace committee; provincial officers and administrators act for both. The
checks are those of the tracking book (``registry.access``).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.core.errors import DomainError
from lienhe213.notices.models import Notice, Side
from lienhe213.organizations.models import Organization
from lienhe213.registry import access as registry_access
from lienhe213.registry.models import ResidenceLink

NOTICE_RELATED = (
    "member",
    "link",
    "sender",
    "recipient",
    "sent_by",
    "acknowledged_by",
)


def side_of(link: ResidenceLink, org: Organization) -> str | None:
    """Which side of ``link`` ``org`` is: the workplace committee, the residence
    commune or cell, or neither (None)."""
    if org.pk == link.workplace_organization_id:
        return Side.WORKPLACE
    if org.pk in (link.residence_commune_organization_id, link.residence_cell_id):
        return Side.RESIDENCE
    return None


def may_act_for(by: AnyUser, org: Organization, side: str) -> bool:
    """Whether ``by`` may write notices on behalf of ``org`` on ``side``."""
    try:
        require_acting_for(by, org, side)
    except DomainError:
        return False
    return True


def require_acting_for(by: AnyUser, org: Organization, side: str) -> None:
    """Refuse unless ``by`` may write on behalf of ``org``: the workplace side through
    the letters capability, the residence side through the commune's (which covers its
    cells) or, for a cell, the cell secretary's."""
    if side == Side.WORKPLACE:
        registry_access.require_workplace_side(by, org)
        return
    if org.kind == Organization.Kind.CELL:
        try:
            registry_access.require_cell_side(by, org)
            return
        except DomainError:
            pass
    try:
        registry_access.require_commune_side(by, org)
    except DomainError as exc:
        raise DomainError(
            _("You may not act for “%(org)s” on the residence side.") % {"org": org.name}
        ) from exc


def acting_sides(user: AnyUser, notice: Notice) -> set[str]:
    """``{"sender", "recipient"}``, the part of each the user may act for."""
    sides = set()
    link = notice.link
    for role, org in (("sender", notice.sender), ("recipient", notice.recipient)):
        side = side_of(link, org)
        if side is not None and may_act_for(user, org, side):
            sides.add(role)
    return sides


def get_notice_for_user(user: AnyUser, pk: object, *, write: bool = False) -> Notice:
    """The notice ``pk`` if its sender's or recipient's subtree is in ``user``'s scope
    (404 otherwise); with ``write``, 403 unless the user may act for one of them."""
    try:
        notice = (
            Notice.objects.visible_to(user).select_related(*NOTICE_RELATED).get(pk=int(str(pk)))
        )
    except (Notice.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if write and not acting_sides(user, notice):
        raise PermissionDenied
    return notice
