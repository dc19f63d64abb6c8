"""Who may run a residential cell's meetings, and the gatekeepers for reading them.

The cell's secretary runs its meetings; the commune clerk and the provincial staff over
the cell may do it for them (a cell without a secretary account still meets). This
reuses the tracking book's residence capabilities: the cell side (taking members in)
and the commune side (receiving and assigning) are the same people who run meetings.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser, Capability, has_capability
from lienhe213.core.errors import DomainError
from lienhe213.meetings.models import Meeting
from lienhe213.organizations.models import Organization


def may_run_meetings(user: AnyUser, cell: Organization) -> bool:
    """Whether ``user`` may plan and record the meetings of ``cell``."""
    return has_capability(user, Capability.ACKNOWLEDGE_LINKS, cell.path) or has_capability(
        user, Capability.RECEIVE_LETTERS, cell.path
    )


def require_meetings_of(by: AnyUser, cell: Organization) -> None:
    """Refuse unless ``by`` may run the meetings of ``cell``."""
    if not may_run_meetings(by, cell):
        raise DomainError(_("You may not run the meetings of “%(org)s”.") % {"org": cell.name})


def get_meeting_for_user(user: AnyUser, pk: object, *, write: bool = False) -> Meeting:
    """The meeting ``pk`` if ``user`` may see it (404 otherwise); with ``write``, 403
    unless they may run the cell's meetings."""
    try:
        meeting = Meeting.objects.visible_to(user).select_related("cell").get(pk=int(str(pk)))
    except (Meeting.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if write and not may_run_meetings(user, meeting.cell):
        raise PermissionDenied
    return meeting
