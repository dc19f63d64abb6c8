"""One link and its steps: each step is a small POST view calling its service."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lienhe213.accounts.access import AnyUser, AuthenticatedHttpRequest
from lienhe213.core.errors import DomainError, StepRefused
from lienhe213.registry import access, forms, services
from lienhe213.registry.history import history_lines
from lienhe213.registry.models import ResidenceLink

# --- one link and its steps -----------------------------------------------------------

# Which steps a user may take is ``access.allowed_steps``; ``documents`` imports it here.
allowed_steps = access.allowed_steps

STEP_TITLES = {
    "present": gettext_lazy("Record presentation"),
    "receive": gettext_lazy("Receive the letter"),
    "return": gettext_lazy("Return the letter"),
    "assign": gettext_lazy("Assign to a cell"),
    "acknowledge": gettext_lazy("Acknowledge: take the member in"),
    "move": gettext_lazy("Moved to another residence"),
    "change_workplace": gettext_lazy("Change workplace"),
    "exempt": gettext_lazy("Temporary exemption"),
    "retire": gettext_lazy("Retired: transfer to the residence cell"),
    "end": gettext_lazy("Left the party or died"),
}


# The steps that move a new link along (its receipt, its cell, its acknowledgement), as
# opposed to those taken when something changes (a move, an exemption, a departure).
NEXT_STEPS = ("receive", "assign", "acknowledge")


def _step_form(step: str, link: ResidenceLink, user: AnyUser, data: Any = None) -> forms.StepForm:
    classes: dict[str, type[forms.StepForm]] = {
        "return": forms.ReturnForm,
        "assign": forms.AssignForm,
        "move": forms.MoveForm,
        "change_workplace": forms.ChangeWorkplaceForm,
        "exempt": forms.ExemptForm,
        "retire": forms.RetireForm,
        "end": forms.EndForm,
    }
    form_class = classes.get(step, forms.StepForm)
    kwargs: dict[str, Any] = {"prefix": step, "initial": {"version": link.version}}
    if step in ("assign", "move"):
        kwargs["link"] = link
    if step in ("change_workplace", "exempt"):
        kwargs.update(link=link, user=user)
    if step == "retire":
        kwargs["initial"]["member_version"] = link.member.version
    return form_class(data, **kwargs)


def _link_page(
    request: HttpRequest,
    link: ResidenceLink,
    bound: dict[str, forms.StepForm] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    steps = access.allowed_steps(user, link)
    # The step the link waits for is unfolded, unless another step's form is being shown.
    unfold = next((s for s in steps if s in NEXT_STEPS), None) if not bound else None
    context = {
        "link": link,
        "member": link.member,
        "residence_only": access.residence_only(user, link.member),
        "history": history_lines(link, link.events.select_related("by").order_by("at", "pk")),
        "steps": [
            (
                reverse(f"registry:{step}", args=[link.pk]),
                STEP_TITLES[step],
                bound.get(step) or _step_form(step, link, user),
                step in bound or step == unfold,
            )
            for step in [*steps, *(s for s in bound if s not in steps)]
        ],
        "today": timezone.localdate(),
    }
    return render(request, "registry/link_detail.html", context, status=status)


@login_required
def link_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    link = access.get_link_for_user(request.user, pk)
    return _link_page(request, link)


def _refused(
    request: AuthenticatedHttpRequest, link: ResidenceLink, err: StepRefused
) -> HttpResponse:
    """The link page with the reason the user may not take the step: 403, as the API."""
    messages.error(request, err.message)
    return _link_page(request, link, status=403)


def _take_step(
    request: AuthenticatedHttpRequest,
    pk: int,
    step: str,
    perform: Callable[[ResidenceLink, dict[str, Any]], ResidenceLink],
    done: str | Callable[[HttpRequest, ResidenceLink], None],
) -> HttpResponse:
    """Fetch the link (404), check the user is the side of the step (403 with the
    reason, ``access.require_step``), bind the step's form, call the service, then
    redirect to the (new) link, or show the page again with the service's refusal on
    the form."""
    link = access.get_link_for_user(request.user, pk)
    try:
        access.require_step(request.user, link, step)
    except StepRefused as err:
        return _refused(request, link, err)
    form = _step_form(step, link, request.user, request.POST)
    if form.is_valid():
        try:
            result = perform(link, form.cleaned_data)
        except StepRefused as err:  # the link changed sides meanwhile
            return _refused(request, link, err)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            if callable(done):
                done(request, result)
            else:
                messages.success(request, done)
            return redirect("registry:link_detail", pk=result.pk)
    return _link_page(request, link, {step: form})


@login_required
@require_POST
def link_present(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _take_step(
        request,
        pk,
        "present",
        lambda link, data: services.record_presentation(
            by=request.user, link=link, presented_on=data["on"], version=data["version"]
        ),
        _("The presentation of the letter was recorded."),
    )


@login_required
@require_POST
def link_receive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _take_step(
        request,
        pk,
        "receive",
        lambda link, data: services.receive_letter(
            by=request.user, link=link, received_on=data["on"], version=data["version"]
        ),
        _("The letter was received."),
    )


@login_required
@require_POST
def link_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _take_step(
        request,
        pk,
        "return",
        lambda link, data: services.return_letter(
            by=request.user,
            link=link,
            returned_on=data["on"],
            reason=data["reason"],
            version=data["version"],
        ),
        _("The letter was returned to the workplace."),
    )


@login_required
@require_POST
def link_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _take_step(
        request,
        pk,
        "assign",
        lambda link, data: services.assign_to_cell(
            by=request.user,
            link=link,
            cell=data["cell"],
            assigned_on=data["on"],
            version=data["version"],
        ),
        _assigned,
    )


def _assigned(request: HttpRequest, link: ResidenceLink) -> None:
    """What the assignment did and what comes next; a warning when the cell is not the
    one of the community in the member's address (allowed: the commune knows best)."""
    cell = link.residence_cell
    assert cell is not None
    messages.success(
        request,
        _("The member was assigned to %(cell)s; its secretary is told to take the member in.")
        % {"cell": cell.name},
    )
    community = link.member.residence_community
    if community is not None and cell.community_id != community.pk:
        messages.warning(
            request,
            _(
                "The member's address is in %(community)s, which is not the community of "
                "%(cell)s. Check the address, or move the member if this was a mistake."
            )
            % {"community": community, "cell": cell.name},
        )


@login_required
@require_POST
def link_acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _take_step(
        request,
        pk,
        "acknowledge",
        lambda link, data: services.acknowledge_link(
            by=request.user, link=link, acknowledged_on=data["on"], version=data["version"]
        ),
        _("The cell took the member in: the link is active."),
    )


@login_required
@require_POST
def link_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _take_step(
        request,
        pk,
        "move",
        lambda link, data: services.move_residence(
            by=request.user,
            link=link,
            moved_on=data["on"],
            residence_commune=data["residence_commune"],
            note=data["note"],
            version=data["version"],
        ),
        _("The old link was closed and a new letter issued to the new commune."),
    )


@login_required
@require_POST
def link_change_workplace(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # The new workplace committee takes the link over: it sees the link through the
    # member's party unit but holds no side of it yet; the form offers only the
    # workplaces the user acts for.
    return _take_step(
        request,
        pk,
        "change_workplace",
        lambda link, data: services.change_workplace(
            by=request.user,
            link=link,
            workplace=data["workplace"],
            changed_on=data["on"],
            version=data["version"],
        ),
        _("The link continues under the new workplace committee."),
    )


@login_required
@require_POST
def link_exempt(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def perform(link: ResidenceLink, data: dict[str, Any]) -> ResidenceLink:
        changed, _decision = services.exempt_temporarily(
            by=request.user,
            link=link,
            category=data["category"],
            reason=data["reason"],
            decided_by=data["decided_by"],
            decided_on=data["on"],
            valid_until=data["valid_until"],
            review_on=data["review_on"],
            evidence=data["evidence"],
            version=data["version"],
        )
        return changed

    return _take_step(request, pk, "exempt", perform, _("The exemption was recorded."))


@login_required
@require_POST
def link_retire(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _take_step(
        request,
        pk,
        "retire",
        lambda link, data: services.retire_member(
            by=request.user,
            link=link,
            retired_on=data["on"],
            member_version=data["member_version"],
            version=data["version"],
        ),
        _("The link was closed and the member transferred to the residence cell."),
    )


@login_required
@require_POST
def link_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _take_step(
        request,
        pk,
        "end",
        lambda link, data: services.end_link_for_departure(
            by=request.user,
            link=link,
            ended_on=data["on"],
            reason=data["reason"],
            note=data["note"],
            version=data["version"],
        ),
        _("The link was closed."),
    )
