"""Who may act on which step of the comment cycle, and the gatekeeper for reading one.

The province opens campaigns; the workplace committee requests, acknowledges and
records the rating use over its subtree; the residential cell drafts and signs (the
commune clerk may help with the draft); only the commune committee that holds the
member's link confirms and returns. The capabilities are in ``accounts.access``; which
side takes which step, and when, is the one table ``STEPS`` that the services, the
pages and the API ask (``require_step``, ``allowed_steps``). A user who is not the side
of a step gets ``StepRefused`` (``core.errors``): 403 with the reason in the pages and
the API alike; a rule of the cycle, by contrast, is a ``DomainError`` (400).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser, Capability, has_capability, own_member_id
from lienhe213.comments.models import OUTCOMES_FOR, CommentRequest
from lienhe213.core.errors import DomainError
from lienhe213.core.errors import StepRefused as StepRefused  # the pages and API catch it here
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


def may_draft(by: AnyUser, request: CommentRequest) -> bool:
    """The draft is the cell's; the commune clerk who holds the link may help type it."""
    return may_write(by, request) or may_confirm(by, request)


def may_use(by: AnyUser, request: CommentRequest) -> bool:
    """Whether ``by`` acts for the workplace committee that asked for the comment."""
    return has_capability(by, Capability.REQUEST_COMMENTS, request.workplace_organization.path)


def is_the_member(by: AnyUser, request: CommentRequest) -> bool:
    """Whether ``by`` is the member the comment is about (the right to know)."""
    return own_member_id(by) == request.member_id


def _cell_refusal(request: CommentRequest) -> str:
    cell = request.link.residence_cell
    return _("You may not write comments for the residential cell “%(org)s”.") % {
        "org": cell.name if cell is not None else "—"
    }


def _commune_refusal(request: CommentRequest) -> str:
    return _(
        "Only the committee of “%(org)s”, which holds this member's residence link, "
        "may confirm and return the comment."
    ) % {"org": request.link.residence_commune_organization.name}


def _workplace_refusal(request: CommentRequest) -> str:
    return _("You may not act for the workplace committee “%(org)s”.") % {
        "org": request.workplace_organization.name
    }


def _member_refusal(request: CommentRequest) -> str:
    return _("Only the member may answer the comment about them.")


def _follow_up_due(request: CommentRequest) -> bool:
    """Returned with a proposal to commend or to consider handling, not followed up yet."""
    if not request.is_returned or request.comment.recommendation not in OUTCOMES_FOR:
        return False
    try:
        request.follow_up  # noqa: B018 (a reverse one-to-one: it raises when missing)
    except ObjectDoesNotExist:
        return True
    return False


@dataclass(frozen=True)
class Step:
    """Who takes a step of the cycle (``side``, with the ``refusal`` telling anyone
    else why not) and in which state of the request it is offered (``ready``). The
    services refuse a state that does not allow the step with their own, more precise
    reason (signed twice, an item without its level…)."""

    side: Callable[[AnyUser, CommentRequest], bool]
    refusal: Callable[[CommentRequest], str]
    ready: Callable[[CommentRequest], bool]


Status = CommentRequest.Status

# The one table of who may take which step of a request, and when (docs/domain.md §4):
# the cell drafts (the commune clerk may help), records the Front meeting and signs;
# the commune that holds the link confirms and returns; the workplace acknowledges,
# records the rating use and follows up a proposal; the member answers.
STEPS: dict[str, Step] = {
    "draft": Step(may_draft, _cell_refusal, CommentRequest.can_be_edited),
    "front_meeting": Step(may_write, _cell_refusal, CommentRequest.can_be_edited),
    "sign": Step(may_write, _cell_refusal, lambda r: r.status == Status.DRAFTED),
    "confirm": Step(may_confirm, _commune_refusal, lambda r: r.status == Status.SIGNED),
    "return": Step(may_confirm, _commune_refusal, lambda r: r.status == Status.CONFIRMED),
    "acknowledge": Step(may_use, _workplace_refusal, lambda r: r.status == Status.RETURNED),
    "rating": Step(may_use, _workplace_refusal, lambda r: r.is_returned),
    "follow_up": Step(may_use, _workplace_refusal, _follow_up_due),
    "answer": Step(
        is_the_member,
        _member_refusal,
        lambda r: r.is_returned and r.comment.answered_at is None,
    ),
}


def may_take(by: AnyUser, request: CommentRequest, step: str) -> bool:
    """Whether ``by`` acts for the side that takes ``step`` (the request's state aside)."""
    return STEPS[step].side(by, request)


def require_step(by: AnyUser, request: CommentRequest, step: str) -> None:
    """Refuse (``StepRefused``, with the reason) unless ``by`` acts for the side that
    takes ``step``: every service, page and API action asks this, so the same user
    gets the same answer everywhere."""
    if not may_take(by, request, step):
        raise StepRefused(STEPS[step].refusal(request))


def allowed_steps(
    user: AnyUser, request: CommentRequest, *, among: Iterable[str] = STEPS
) -> list[str]:
    """The steps (of ``among``) ``user`` may take on ``request`` now: those of a side
    they act for whose state the request is in. The pages show these buttons and forms.
    ``request.comment`` is read for the member's answer and the follow-up."""
    return [name for name in among if may_take(user, request, name) and STEPS[name].ready(request)]


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
