"""Who plans training sessions, who reads them, and the gatekeepers.

The organizer side — a provincial officer over the province, a commune clerk over the
commune, a workplace officer over the workplace committee (and an administrator over
their subtree) — plans sessions, invites, records attendance and shares materials. The
people invited read the sessions they are invited to and their materials (ADR 0015).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser, roles_of, sees_everything
from lienhe213.accounts.models import Role
from lienhe213.core.errors import StepRefused
from lienhe213.organizations.models import Organization
from lienhe213.training.models import TrainingMaterial, TrainingSession

ORGANIZER_ROLES = {
    Role.ADMINISTRATOR,
    Role.PROVINCIAL_OFFICER,
    Role.COMMUNE_CLERK,
    Role.WORKPLACE_OFFICER,
}
SESSION_RELATED = ("organizer", "created_by")


def is_organizer_kind(org: Organization) -> bool:
    """Whether ``org`` may organize sessions: the provincial committee, a commune
    committee, or a workplace committee (a grassroots or superior committee of the
    workplace side)."""
    if not org.is_current:
        return False
    if org.is_provincial_committee or org.is_commune_committee:
        return True
    return org.side == Organization.Side.WORKPLACE and org.kind in (
        Organization.Kind.GRASSROOTS_COMMITTEE,
        Organization.Kind.SUPERIOR_COMMITTEE,
    )


def may_organize(user: AnyUser, org: Organization) -> bool:
    """Whether ``user`` plans sessions for ``org`` (a role of the organizer side over it)."""
    if sees_everything(user):
        return True
    return any(role in ORGANIZER_ROLES and org.path.startswith(p) for role, p in roles_of(user))


def may_plan_anywhere(user: AnyUser) -> bool:
    """Whether ``user`` holds a role that plans sessions somewhere (the menu, the list)."""
    return sees_everything(user) or any(role in ORGANIZER_ROLES for role, _p in roles_of(user))


def require_organizing(by: AnyUser, org: Organization) -> None:
    """Refuse (``StepRefused``, 403) unless ``by`` plans sessions for ``org``."""
    if not may_organize(by, org):
        raise StepRefused(
            _("Only the committee that organizes “%(org)s” sessions plans and records them.")
            % {"org": org.name}
        )


def organizers_for(user: AnyUser) -> list[Organization]:
    """The organizations ``user`` may plan a session for (the plan form's choices)."""
    orgs = Organization.objects.visible_to(user).current().order_by("path")
    return [org for org in orgs if is_organizer_kind(org) and may_organize(user, org)]


def get_session_for_user(user: AnyUser, pk: object, *, write: bool = False) -> TrainingSession:
    """The session ``pk`` if ``user`` may read it (404 otherwise); with ``write``, 403
    unless they organize it."""
    try:
        session = (
            TrainingSession.objects.visible_to(user)
            .select_related(*SESSION_RELATED)
            .get(pk=int(str(pk)))
        )
    except (TrainingSession.DoesNotExist, ValueError, OverflowError) as exc:
        raise Http404 from exc
    if write and not may_organize(user, session.organizer):
        raise PermissionDenied
    return session


def get_material_for_user(user: AnyUser, pk: object) -> TrainingMaterial:
    """A material of a session ``user`` may read (404 otherwise)."""
    try:
        return TrainingMaterial.objects.select_related("session").get(
            pk=int(str(pk)),
            session__in=TrainingSession.objects.visible_to(user).values("pk"),
        )
    except (TrainingMaterial.DoesNotExist, ValueError, OverflowError) as exc:
        raise Http404 from exc
