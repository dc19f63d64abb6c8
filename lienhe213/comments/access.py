"""Who may act on which step of the comment cycle, and the gatekeeper for reading one.

The province opens campaigns; the workplace committee requests, acknowledges and
records the rating use over its subtree; the residential cell drafts and signs (the
commune clerk may help with the draft); only the commune committee that holds the
member's link confirms and returns. The capabilities are in ``accounts.access``.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser, Capability, has_capability, own_member_id
from lienhe213.comments.models import CommentRequest
from lienhe213.core.errors import DomainError
from lienhe213.organizations.models import Organization


def _cell_path(request: CommentRequest) -> str | None:
    cell = request.link.residence_cell
    return cell.path if cell is not None else None


def require_campaign_side(by: AnyUser, province: Organization) -> None:
    """Refuse unless ``by`` may open campaigns for the provincial committee."""
    if not has_capability(by, Capability.MANAGE_COMMENT_CAMPAIGNS, province.path):
        raise DomainError(_("You may not open campaigns for “%(org)s”.") % {"org": province.name})


def require_workplace_side(by: AnyUser, org: Organization) -> None:
    """Refuse unless ``by`` may request and use comments for the workplace ``org``."""
    if not has_capability(by, Capability.REQUEST_COMMENTS, org.path):
        raise DomainError(
            _("You may not act for the workplace committee “%(org)s”.") % {"org": org.name}
        )


def may_write(by: AnyUser, request: CommentRequest) -> bool:
    """Whether ``by`` may sign for the member's residential cell."""
    path = _cell_path(request)
    return path is not None and has_capability(by, Capability.WRITE_COMMENTS, path)


def may_confirm(by: AnyUser, request: CommentRequest) -> bool:
    """Whether ``by`` acts for the commune committee that holds the member's link."""
    commune = request.link.residence_commune_organization
    return has_capability(by, Capability.CONFIRM_COMMENTS, commune.path)


def require_cell_side(by: AnyUser, request: CommentRequest) -> None:
    """Refuse unless ``by`` may write and sign for the member's residential cell."""
    if not may_write(by, request):
        cell = request.link.residence_cell
        raise DomainError(
            _("You may not write comments for the residential cell “%(org)s”.")
            % {"org": cell.name if cell is not None else "—"}
        )


def require_draft_side(by: AnyUser, request: CommentRequest) -> None:
    """The draft is the cell's; the commune clerk who holds the link may help type it."""
    if not (may_write(by, request) or may_confirm(by, request)):
        require_cell_side(by, request)


def require_commune_side(by: AnyUser, request: CommentRequest) -> None:
    """Refuse unless ``by`` acts for the commune committee that holds the link."""
    if not may_confirm(by, request):
        raise DomainError(
            _(
                "Only the committee of “%(org)s”, which holds this member's residence link, "
                "may confirm and return the comment."
            )
            % {"org": request.link.residence_commune_organization.name}
        )


def get_request_for_user(user: AnyUser, pk: object) -> CommentRequest:
    """The request ``pk`` with its comment if ``user`` may see it (404 otherwise)."""
    try:
        return (
            CommentRequest.objects.visible_to(user)
            .select_related(
                "campaign",
                "member",
                "workplace_organization",
                "link__residence_commune_organization",
                "link__residence_cell",
                "comment",
                "follow_up",
            )
            .get(pk=int(str(pk)))
        )
    except (CommentRequest.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def may_act_on(user: AnyUser, request: CommentRequest) -> bool:
    """Whether ``user`` holds a capability for any side of the request."""
    return (
        has_capability(user, Capability.REQUEST_COMMENTS, request.workplace_organization.path)
        or may_write(user, request)
        or may_confirm(user, request)
        or own_member_id(user) == request.member_id
    )


def require_act_on(user: AnyUser, request: CommentRequest) -> None:
    """403 for a viewer who may see the request but act on none of its sides."""
    if not may_act_on(user, request):
        raise PermissionDenied
