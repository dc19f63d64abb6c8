"""Who reads and who writes the guidance (ADR 0016).

Every signed-in user reads the official texts. A province's officers write its notes;
an administrator publishes a new wording of an official text. The newcomer walkthrough
is for the committee roles (``WALKTHROUGH_ROLES``).
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser, roles_of, sees_everything
from lienhe213.accounts.models import Role
from lienhe213.core.errors import StepRefused
from lienhe213.guidance.models import GuidanceEntry
from lienhe213.organizations.models import Organization

NOTE_ROLES = {Role.ADMINISTRATOR, Role.PROVINCIAL_OFFICER}
WALKTHROUGH_ROLES = (
    Role.PROVINCIAL_OFFICER,
    Role.COMMUNE_CLERK,
    Role.CELL_SECRETARY,
    Role.WORKPLACE_OFFICER,
)


def get_entry_for_user(user: AnyUser, pk: int) -> GuidanceEntry:
    """The entry ``pk`` with its current wording; 404 for anyone not signed in."""
    return get_object_or_404(GuidanceEntry.objects.visible_to(user).with_current(), pk=pk)


def note_provinces(user: AnyUser) -> list[Organization]:
    """The current provincial committees whose notes ``user`` writes: those under a
    path where they are a provincial officer or an administrator (a superuser: all)."""
    provinces = Organization.objects.current().filter(kind=Organization.Kind.PROVINCIAL_COMMITTEE)
    if sees_everything(user):
        return list(provinces.order_by("name"))
    paths = [path for role, path in roles_of(user) if role in NOTE_ROLES]
    return [p for p in provinces.order_by("name") if any(p.path.startswith(q) for q in paths)]


def require_note_editor(by: AnyUser, province: Organization) -> None:
    """Refuse (403) unless ``by`` writes the notes of ``province``."""
    if province.pk not in {p.pk for p in note_provinces(by)}:
        raise StepRefused(
            _("Only the provincial officers of “%(province)s” write its notes.")
            % {"province": province.name}
        )


def may_revise(user: AnyUser) -> bool:
    """Whether ``user`` publishes new wordings of the official texts: an administrator."""
    return sees_everything(user) or any(role == Role.ADMINISTRATOR for role, _p in roles_of(user))


def require_reviser(by: AnyUser) -> None:
    """Refuse (403) unless ``by`` is an administrator."""
    if not may_revise(by):
        raise StepRefused(_("Only an administrator publishes a new wording of an official text."))


def walkthrough_roles(user: AnyUser) -> list[str]:
    """The committee roles ``user`` holds, in ``WALKTHROUGH_ROLES`` order."""
    held = {role for role, _path in roles_of(user)}
    return [role.value for role in WALKTHROUGH_ROLES if role in held]
