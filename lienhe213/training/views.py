"""Training session pages: the list (upcoming first), the plan form, a session with its
invitees, attendance and materials, the attendance form, and the download of a material.

Every page fetches through a gatekeeper (``training.access``: 404 when the user may not
see the session, 403 when they see it but do not organize it); the services decide the
rest. Materials are streamed by ``material`` after the same check, never from a public
media address.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienhe213.accounts.access import AuthenticatedHttpRequest
from lienhe213.core.errors import DomainError
from lienhe213.core.pages import peek_page, query_without_page
from lienhe213.training import access, forms, services
from lienhe213.training.models import TrainingSession


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The sessions the user organizes or is invited to: upcoming first, soonest first,
    then the past ones, latest first."""
    today = timezone.localdate()
    sessions = (
        TrainingSession.objects.visible_to(request.user)
        .select_related("organizer")
        .upcoming_first(today)
    )
    context = {
        "page": peek_page(sessions, request.GET.get("page")),
        "query": query_without_page(request),
        "today": today,
        "may_plan": bool(access.organizers_for(request.user)),
    }
    return render(request, "training/index.html", context)


@login_required
def plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Plan a session for one of the organizations the user plans for."""
    organizers = access.organizers_for(request.user)
    if not organizers:
        raise PermissionDenied
    form = forms.PlanForm(request.POST or None, organizers=organizers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.plan_session(
                by=request.user,
                organizer=data["organizer"],
                topic=data["topic"],
                date=data["date"],
                starts_at=data["starts_at"],
                place=data["place"],
                online_link=data["online_link"],
                audience=data["audience"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("The session is planned: invite its audience."))
            return redirect("training:detail", pk=session.pk)
    status = 400 if form.is_bound else 200
    return render(request, "training/plan.html", {"form": form}, status=status)


def _detail_page(
    request: HttpRequest,
    session: TrainingSession,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    organizes = access.may_organize(request.user, session.organizer)
    today = timezone.localdate()
    initial = {"version": session.version}
    invitations = list(session.invitations.select_related("user"))
    context = {
        "session": session,
        "organizes": organizes,
        "today": today,
        "invitations": invitations if organizes else [],
        "own": next((i for i in invitations if i.user_id == request.user.pk), None),
        "invited_count": len(invitations),
        "attended_count": sum(1 for i in invitations if i.attended),
        "materials": list(session.materials.all()),
        "step_form": bound.get("step") or forms.StepForm(initial=initial),
        "material_form": bound.get("material") or forms.MaterialForm(),
        "may_record": organizes and session.can_record_attendance(today) and invitations,
        "max_mb": services.max_upload_bytes() // (1024 * 1024),
    }
    return render(request, "training/detail.html", context, status=status)


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One session: its details, the invitees with their attendance (for the organizer)
    and the materials."""
    return _detail_page(request, access.get_session_for_user(request.user, pk))


def _step(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    session = access.get_session_for_user(request.user, pk, write=True)
    form = forms.StepForm(request.POST)
    if form.is_valid():
        version = form.cleaned_data["version"]
        try:
            if step == "invite":
                count = services.invite(by=request.user, session=session, version=version)
                done = _("%(count)s people were invited and told.") % {"count": count}
            else:
                services.cancel_session(by=request.user, session=session, version=version)
                done = _("The session is cancelled; the invitees were told.")
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, done)
            return redirect("training:detail", pk=session.pk)
    return _detail_page(request, session, {"step": form}, status=400)


@login_required
@require_POST
def invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "invite")


@login_required
@require_POST
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "cancel")


@login_required
def attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Who attended, in one form: a checkbox per invitee."""
    session = access.get_session_for_user(request.user, pk, write=True)
    initial = {
        "version": session.version,
        "attended": list(
            session.invitations.filter(attended=True).values_list("user_id", flat=True)
        ),
    }
    form = forms.AttendanceForm(request.POST or None, initial=initial, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(
                by=request.user,
                session=session,
                attended=form.cleaned_data["attended"],
                version=form.cleaned_data["version"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Attendance is recorded; the session is held."))
            return redirect("training:detail", pk=session.pk)
    context = {"session": session, "form": form, "today": timezone.localdate()}
    return render(
        request, "training/attendance.html", context, status=400 if form.is_bound else 200
    )


@login_required
@require_POST
def add_material(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for_user(request.user, pk, write=True)
    form = forms.MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_material(
                by=request.user, session=session, upload=form.cleaned_data["file"]
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("The file is shared with the invitees."))
            return redirect("training:detail", pk=session.pk)
    return _detail_page(request, session, {"material": form}, status=400)


@login_required
@require_POST
def remove_material(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    material = access.get_material_for_user(request.user, pk)
    if not access.may_organize(request.user, material.session.organizer):
        raise PermissionDenied
    session_pk = material.session_id
    try:
        services.remove_material(by=request.user, material=material)
    except DomainError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("The file was removed."))
    return redirect("training:detail", pk=session_pk)


@login_required
def material(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A material, for those who may read its session (organizer side and invitees)."""
    item = access.get_material_for_user(request.user, pk)
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
