"""Who may act on which side of a residence link, and what the residence side may see.

The workplace acts over the workplace committee's subtree, the commune over its
committee's subtree, the residential cell over the cell: each side only on its own steps
(the capabilities are defined with the other role rules in ``accounts.access``).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from lienhe213.accounts.access import (
    AnyUser,
    Capability,
    has_capability,
    own_member_id,
    scope_paths,
    sees_everything,
)
from lienhe213.core.errors import DomainError
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import ResidenceLink


def require_workplace_side(by: AnyUser, org: Organization) -> None:
    """Refuse unless ``by`` may act for the workplace committee ``org``."""
    if not has_capability(by, Capability.MANAGE_LETTERS, org.path):
        raise DomainError(
            _("You may not act for the workplace committee “%(org)s”.") % {"org": org.name}
        )


def require_commune_side(by: AnyUser, org: Organization) -> None:
    """Refuse unless ``by`` may receive, return and assign for the commune ``org``."""
    if not has_capability(by, Capability.RECEIVE_LETTERS, org.path):
        raise DomainError(
            _("You may not act for the commune committee “%(org)s”.") % {"org": org.name}
        )


def require_cell_side(by: AnyUser, org: Organization) -> None:
    """Refuse unless ``by`` may take members in for the residential cell ``org``."""
    if not has_capability(by, Capability.ACKNOWLEDGE_LINKS, org.path):
        raise DomainError(
            _("You may not act for the residential cell “%(org)s”.") % {"org": org.name}
        )


def require_restructuring(by: AnyUser, org: Organization) -> None:
    """Refuse unless ``by`` may re-map links held by ``org`` after a restructuring."""
    if not has_capability(by, Capability.RESTRUCTURE_LINKS, org.path):
        raise DomainError(_("You may not re-map the links of “%(org)s”.") % {"org": org.name})


def residence_only(user: AnyUser, member: Member) -> bool:
    """Whether ``user`` sees ``member`` only because the member is linked to their
    residence organization. Such a viewer gets the fields the residence needs (name,
    birth date, address, contact, workplace) and not the party card or dossier number."""
    if sees_everything(user) or own_member_id(user) == member.pk:
        return False
    paths = scope_paths(user, Capability.VIEW_MEMBERS)
    return not any(member.unit_path.startswith(path) for path in paths)


def get_link_for_user(user: AnyUser, pk: object, *, write: bool = False) -> ResidenceLink:
    """The link ``pk`` if either of its sides is in ``user``'s scope (404 otherwise);
    with ``write``, 403 unless the user may act on at least one side of it."""
    try:
        link = (
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
    if write and not may_act_on(user, link):
        raise PermissionDenied
    return link


def may_act_on(user: AnyUser, link: ResidenceLink) -> bool:
    """Whether ``user`` holds a capability for any side of ``link``."""
    cell = link.residence_cell
    return (
        has_capability(user, Capability.MANAGE_LETTERS, link.workplace_organization.path)
        or has_capability(
            user, Capability.RECEIVE_LETTERS, link.residence_commune_organization.path
        )
        or (cell is not None and has_capability(user, Capability.ACKNOWLEDGE_LINKS, cell.path))
    )
