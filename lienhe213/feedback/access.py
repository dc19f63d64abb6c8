"""Who handles residents' reports, who reads the resident's phone, and the gatekeepers.

The reports of a cell are handled by the residence side: the cell's secretary and the
clerks of its commune (the capabilities of the residence side of the tracking book), and
the province above them as everywhere. The phone number is narrower: only the cell
secretary and the commune clerk — the people who may call the resident back — read it,
and each reading is audited (ADR 0014).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from lienhe213.accounts.access import (
    AnyUser,
    Capability,
    has_capability,
    representative_assignments,
    roles_of,
)
from lienhe213.accounts.models import Role, RoleAssignment
from lienhe213.core import audit
from lienhe213.core.errors import StepRefused
from lienhe213.feedback.models import FeedbackChannel, ResidentReport
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.models import Organization

REPORT_RELATED = ("cell", "cell__parent", "member", "link", "notice", "matched_by", "closed_by")
PHONE_ROLES = {Role.CELL_SECRETARY, Role.COMMUNE_CLERK}


def may_handle(user: AnyUser, cell: Organization) -> bool:
    """Whether ``user`` acts for the residence side over ``cell``: its secretary, its
    commune's clerks, the province."""
    return has_capability(user, Capability.ACKNOWLEDGE_LINKS, cell.path) or has_capability(
        user, Capability.RECEIVE_LETTERS, cell.path
    )


def require_handling(by: AnyUser, cell: Organization) -> None:
    """Refuse (``StepRefused``, 403) unless ``by`` handles the reports of ``cell``."""
    if not may_handle(by, cell):
        raise StepRefused(
            _("Only the cell secretary or the commune clerk of “%(cell)s” handles its reports.")
            % {"cell": cell.name}
        )


def may_read_phone(user: AnyUser, report: ResidentReport) -> bool:
    """Whether ``user`` may read the resident's phone: a cell secretary of the report's
    cell or a commune clerk over it — by role, not by capability, so neither the
    province nor an administrator reads it."""
    path = report.cell.path
    return any(role in PHONE_ROLES and path.startswith(p) for role, p in roles_of(user))


def reveal_phone(user: AnyUser, report: ResidentReport) -> str | None:
    """The resident's phone for a user who may read it (audited), else None."""
    if not report.phone or not may_read_phone(user, report):
        return None
    audit.record(
        by=user,
        action="view",
        obj=report,
        scope_path=report.cell.path,
        changes={"field": "phone"},
    )
    return report.phone


def get_channel_by_slug(slug: str) -> FeedbackChannel:
    """The public page's channel; 404 for any unknown code (the same page for all)."""
    channel = (
        FeedbackChannel.objects.select_related("cell", "cell__parent")
        .filter(slug=slug, cell__valid_until__isnull=True)
        .first()
    )
    if channel is None:
        raise Http404
    return channel


def get_report_for_user(user: AnyUser, pk: object, *, write: bool = False) -> ResidentReport:
    """The report ``pk`` if ``user`` reads the reports of its cell (404 otherwise);
    with ``write``, 403 unless they handle them."""
    try:
        report = (
            ResidentReport.objects.visible_to(user)
            .select_related(*REPORT_RELATED)
            .get(pk=int(str(pk)))
        )
    except (ResidentReport.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if write and not may_handle(user, report.cell):
        raise PermissionDenied
    return report


def get_feedback_organization_for_user(user: AnyUser, pk: object) -> Organization:
    """A residential cell or commune whose reports ``user`` reads: 404 when they may
    not see it or it takes no reports (a workplace, the province), 403 when they see it
    but do not handle its reports (a member, a workplace officer of the province)."""
    org = get_organization_for_user(user, pk)
    if not (org.is_residential_cell or org.is_commune_committee):
        raise Http404
    if not may_handle(user, org):
        raise PermissionDenied
    return org


# --- community representatives ---------------------------------------------------------


def representation_of(user: AnyUser, cell: Organization) -> RoleAssignment | None:
    """The community representative role ``user`` holds over ``cell`` (their kind of
    representative is on it), or None."""
    return next((a for a in representative_assignments(user) if a.organization_id == cell.pk), None)


def represented_cells(user: AnyUser) -> list[Organization]:
    """The residential cells ``user`` writes opinions to, in tree order."""
    cells = {a.organization_id: a.organization for a in representative_assignments(user)}
    return sorted(cells.values(), key=lambda org: org.path)


def get_represented_cell_for_user(user: AnyUser, pk: object) -> Organization:
    """One of the cells ``user`` represents; 404 for any other id (a forged one
    reveals nothing)."""
    try:
        wanted = int(str(pk))
    except ValueError as exc:
        raise Http404 from exc
    for cell in represented_cells(user):
        if cell.pk == wanted:
            return cell
    raise Http404


def get_opinion_for_user(user: AnyUser, pk: object) -> ResidentReport:
    """An opinion ``user`` wrote to a cell they still represent (404 otherwise)."""
    try:
        return ResidentReport.objects.opinions_of(user).select_related("cell").get(pk=int(str(pk)))
    except (ResidentReport.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
