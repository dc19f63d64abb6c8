"""Pages of residence meetings: a cell's meetings and the plan form, one meeting with
its attendance, opinions and follow-ups, the overdue flags over a subtree, and a
member's own invitations."""

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lienhe213.accounts.access import AuthenticatedHttpRequest, own_member_id
from lienhe213.core.errors import DomainError
from lienhe213.core.exports import EXPORT_FORMATS
from lienhe213.core.pages import peek_page, query_without_page
from lienhe213.meetings import exports, forms, services
from lienhe213.meetings.access import get_meeting_for_user, may_run_meetings
from lienhe213.meetings.filters import MeetingFilter
from lienhe213.meetings.models import Attendance, FollowUp, Meeting
from lienhe213.meetings.queries import cells_without_recent_meeting, links_absent_twice
from lienhe213.members.models import Member
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.models import Organization


def _cell_for_user(user: Any, pk: int) -> Organization:
    cell = get_organization_for_user(user, pk)
    if not cell.is_residential_cell:
        raise Http404
    return cell


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where the navigation's "Meetings" leads: a cell's secretary to the cell's meetings,
    a commune or province to its overdue flags, a member to their own meetings."""
    roots = list(Organization.objects.visible_roots(request.user).order_by("path")[:1])
    if roots:
        root = roots[0]
        if root.is_residential_cell:
            return redirect("meetings:cell", pk=root.pk)
        return redirect("meetings:overdue", pk=root.pk)
    if own_member_id(request.user) is not None:
        return redirect("meetings:mine")
    raise PermissionDenied


@login_required
def cell_meetings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A cell's meetings, newest first, and (for those who run them) the plan form."""
    cell = _cell_for_user(request.user, pk)
    may_plan = may_run_meetings(request.user, cell)
    form = forms.PlanForm(request.POST or None)
    if request.method == "POST":
        if not may_plan:
            raise PermissionDenied
        if form.is_valid():
            try:
                meeting = services.plan_meeting(by=request.user, cell=cell, **form.cleaned_data)
            except DomainError as err:
                form.add_domain_error(err)
            else:
                messages.success(request, _("The meeting is planned and the members invited."))
                return redirect("meetings:detail", pk=meeting.pk)
    page = peek_page(
        Meeting.objects.filter(cell=cell).order_by("-date", "-id"), request.GET.get("page")
    )
    context = {
        "cell": cell,
        "page": page,
        "query": query_without_page(request),
        "form": form if may_plan else None,
        # Unfolded when nothing is planned: planning is then what the page is for.
        "plan_open": form.is_bound
        or not Meeting.objects.filter(cell=cell, status=Meeting.Status.PLANNED).exists(),
    }
    return render(request, "meetings/cell_meetings.html", context)


def _members_of(meeting: Meeting) -> list[tuple[int, str]]:
    """The meeting's members (invited, or recorded without an invitation) as choices:
    the only members an opinion or a follow-up may name on the page."""
    attendances = Attendance.objects.filter(meeting=meeting).select_related("member")
    return [
        (a.member_id, a.member.full_name)
        for a in attendances.order_by("member__given_name", "member__family_name", "pk")
    ]


def _meeting_page(
    request: HttpRequest, meeting: Meeting, bound: dict[str, Any] | None = None
) -> HttpResponse:
    bound = bound or {}
    attendances = list(
        meeting.attendances.select_related("member").order_by(
            "member__given_name", "member__family_name", "pk"
        )
    )
    may_run = may_run_meetings(request.user, meeting.cell) and meeting.can_take_records()
    initial = {"version": meeting.version}
    rows = [
        (
            attendance,
            bound.get(f"attendance-{attendance.member_id}")
            or forms.AttendanceForm(
                prefix=f"m{attendance.member_id}",
                initial={
                    **initial,
                    "status": attendance.status,
                    "excuse_reason": attendance.excuse_reason,
                },
            ),
        )
        for attendance in attendances
    ]
    members = [(a.member_id, a.member.full_name) for a in attendances]
    placed = {f"attendance-{a.member_id}" for a in attendances} | {
        "opinion",
        "follow_up",
        "cancel",
        "attendance",
        "held",
    }
    # a refusal of a form the page has no place for (held, done, an unlinked member)
    refusals = [
        str(error)
        for key, form in bound.items()
        if key not in placed
        for errors in form.errors.values()
        for error in errors
    ]
    context = {
        "meeting": meeting,
        "refusals": refusals,
        "cell": meeting.cell,
        "rows": rows,
        "may_run": may_run,
        "is_planned": meeting.is_planned and may_run_meetings(request.user, meeting.cell),
        "opinions": meeting.opinions.select_related("member"),
        # Each open follow-up has its own "done" form, with ids of its own for the labels.
        "follow_ups": [
            (item, forms.DoneForm(initial=initial, auto_id=f"id_done_{item.pk}_%s"))
            for item in meeting.follow_ups.select_related("member")
        ],
        "opinion_form": bound.get("opinion") or forms.OpinionForm(initial=initial, members=members),
        "follow_up_form": bound.get("follow_up")
        or forms.FollowUpForm(initial=initial, members=members),
        # the whole meeting's attendance in one form (forms.AttendanceSheetForm)
        "sheet": bound.get("attendance")
        or forms.AttendanceSheetForm(initial=initial, attendances=attendances),
        "held_form": bound.get("held")
        or forms.HeldForm(initial={**initial, "place": meeting.place, "agenda": meeting.agenda}),
        "cancel_form": bound.get("cancel") or forms.CancelForm(initial=initial),
        # Unfolded once the day has come, unless the secretary is cancelling instead.
        "held_open": "held" in bound
        or ("cancel" not in bound and meeting.date <= timezone.localdate()),
        "today": timezone.localdate(),
    }
    return render(request, "meetings/meeting_detail.html", context)


@login_required
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    if not may_run_meetings(request.user, meeting.cell):
        # a member reaches their own meetings through /meetings/mine/
        if own_member_id(request.user) is None:
            raise PermissionDenied
        return redirect("meetings:mine")
    return _meeting_page(request, meeting)


def _act(
    request: HttpRequest,
    meeting: Meeting,
    key: str,
    form: forms.ServiceForm,
    perform: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Bind, call the service, redirect; or show the page with the refusal on the form."""
    if form.is_valid():
        try:
            perform(form.cleaned_data)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, done)
            return redirect("meetings:detail", pk=meeting.pk)
    return _meeting_page(request, meeting, {key: form})


@login_required
@require_POST
def record_attendance(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, write=True)
    member = get_object_or_404(Member, pk=member_pk)
    form = forms.AttendanceForm(request.POST, prefix=f"m{member_pk}")
    return _act(
        request,
        meeting,
        f"attendance-{member_pk}",
        form,
        lambda data: services.record_attendance(
            by=request.user, meeting=meeting, member=member, **data
        ),
        _("Attendance recorded."),
    )


@login_required
@require_POST
def record_attendances(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The whole meeting's attendance in one form, saved by one service call."""
    meeting = get_meeting_for_user(request.user, pk, write=True)
    attendances = list(
        meeting.attendances.select_related("member").order_by(
            "member__given_name", "member__family_name", "pk"
        )
    )
    form = forms.AttendanceSheetForm(request.POST, attendances=attendances)

    def perform(data: dict[str, Any]) -> object:
        return services.record_attendances(
            by=request.user, meeting=meeting, entries=form.entries(), version=data["version"]
        )

    tally = Counter(status for _m, status, _r in form.entries()) if form.is_valid() else Counter()
    counts = {status: tally[status] for status in ("present", "excused", "absent")}
    done = ngettext(
        "The attendance of %(count)d member is recorded: %(present)d present, %(excused)d "
        "excused, %(absent)d absent.",
        "The attendance of %(count)d members is recorded: %(present)d present, %(excused)d "
        "excused, %(absent)d absent.",
        len(attendances),
    ) % {"count": len(attendances), **counts}
    return _act(request, meeting, "attendance", form, perform, done)


@login_required
@require_POST
def record_opinion(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = forms.OpinionForm(request.POST, members=_members_of(meeting))

    def perform(data: dict[str, Any]) -> object:
        member = Member.objects.get(pk=data["member"])
        return services.record_opinion(
            by=request.user,
            meeting=meeting,
            member=member,
            text=data["text"],
            version=data["version"],
        )

    return _act(request, meeting, "opinion", form, perform, _("Opinion recorded."))


@login_required
@require_POST
def add_follow_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = forms.FollowUpForm(request.POST, members=_members_of(meeting))

    def perform(data: dict[str, Any]) -> object:
        member_pk = data.pop("member")
        member = Member.objects.get(pk=member_pk) if member_pk is not None else None
        return services.add_follow_up(by=request.user, meeting=meeting, member=member, **data)

    return _act(request, meeting, "follow_up", form, perform, _("Follow-up added."))


@login_required
@require_POST
def complete_follow_up(
    request: AuthenticatedHttpRequest, pk: int, follow_up_pk: int
) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, write=True)
    follow_up = get_object_or_404(FollowUp, pk=follow_up_pk, meeting=meeting)
    return _act(
        request,
        meeting,
        "done",
        forms.DoneForm(request.POST),
        lambda data: services.complete_follow_up(by=request.user, follow_up=follow_up, **data),
        _("Follow-up done."),
    )


@login_required
@require_POST
def mark_held(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, write=True)
    return _act(
        request,
        meeting,
        "held",
        forms.HeldForm(request.POST),
        lambda data: services.mark_held(by=request.user, meeting=meeting, **data),
        _("The meeting is recorded as held; it counts for the six-month rule."),
    )


@login_required
@require_POST
def cancel_meeting(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, write=True)
    return _act(
        request,
        meeting,
        "cancel",
        forms.CancelForm(request.POST),
        lambda data: services.cancel_meeting(by=request.user, meeting=meeting, **data),
        _("The meeting is cancelled."),
    )


@login_required
def held_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The meetings held by the cells of an organization's subtree, newest first, in a
    period (``?date_from=&date_to=``, read by the API's ``MeetingFilter``): the rows
    behind a report's "meetings held"."""
    org = get_organization_for_user(request.user, pk)
    filters = MeetingFilter(
        request.GET,
        queryset=Meeting.objects.visible_to(request.user).in_subtree(org).held(),
        request=request,
    )
    meetings = filters.qs.select_related("cell").order_by("-date", "-id")
    context = {
        "org": org,
        "filter": filters.form,
        "page": peek_page(meetings, request.GET.get("page")),
        "query": query_without_page(request),
    }
    return render(request, "meetings/held.html", context)


@login_required
def overdue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The six-month flags over an organization's subtree: cells that have not met
    their members, and members absent from their last two meetings; ``?format=xlsx``
    exports both lists whole."""
    org = get_organization_for_user(request.user, pk)
    today = timezone.localdate()
    if (fmt := request.GET.get("format")) in EXPORT_FORMATS:
        return exports.overdue_xlsx(org, today, fmt=fmt)
    context = {
        "org": org,
        "today": today,
        "cells": list(cells_without_recent_meeting(org, on=today)[:500]),
        "absent": list(links_absent_twice(org)[:500]),
        "all_cells": list(Organization.objects.residential_cells_under(org)[:500]),
    }
    return render(request, "meetings/overdue.html", context)


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A member's own invitations and attendance record."""
    own = own_member_id(request.user)
    if own is None:
        raise PermissionDenied
    attendances = (
        Attendance.objects.of_member(own)
        .select_related("meeting__cell")
        .order_by("-meeting__date", "-meeting_id")
    )
    page = peek_page(attendances, request.GET.get("page"))
    return render(
        request, "meetings/mine.html", {"page": page, "query": query_without_page(request)}
    )
