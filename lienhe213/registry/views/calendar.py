"""The province's deadline calendar: the working days a member has to present an
introduction letter, and the public holidays of a year (national and the province's
own), with the forms that change them. Only for those who may manage the province."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser, AuthenticatedHttpRequest
from lienhe213.core.errors import DomainError
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.models import Organization
from lienhe213.registry import forms, services
from lienhe213.registry.models import DeadlinePolicy, PublicHoliday
from lienhe213.registry.services.calendar import may_manage_calendar

FIRST_YEAR = 2000
LAST_YEAR = 2100


def _province_for_user(user: AnyUser, pk: int) -> Organization:
    """The provincial committee ``pk``: 404 unless the user sees it and it is a current
    province, 403 unless they may manage it."""
    province = get_organization_for_user(user, pk)
    if not province.is_provincial_committee or not province.is_current:
        raise Http404
    if not may_manage_calendar(user, province):
        raise PermissionDenied
    return province


def _year(request: HttpRequest) -> int:
    raw = request.POST.get("year") or request.GET.get("year") or ""
    try:
        year = int(raw)
    except ValueError:
        return timezone.localdate().year
    return year if FIRST_YEAR <= year <= LAST_YEAR else timezone.localdate().year


@login_required
def province_calendar(request: AuthenticatedHttpRequest, province_pk: int) -> HttpResponse:
    """Show and change the province's deadline policy and holidays (``?year=``)."""
    user = request.user
    province = _province_for_user(user, province_pk)
    year = _year(request)
    policy = DeadlinePolicy.objects.filter(province=province).first()
    days = policy.letter_deadline_working_days if policy else DeadlinePolicy.DEFAULT_LETTER_DEADLINE
    days_form = forms.DeadlineDaysForm(initial={"days": days})
    holiday_form = forms.PublicHolidayForm(initial={"date": datetime.date(year, 1, 1)})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "days":
                days_form = forms.DeadlineDaysForm(request.POST)
                if days_form.is_valid():
                    _set_days(request, province, days_form)
                    return _back(province, year)
            elif action == "add":
                holiday_form = forms.PublicHolidayForm(request.POST)
                if holiday_form.is_valid():
                    _add_holiday(request, province, holiday_form)
                    return _back(province, holiday_form.cleaned_data["date"].year)
            elif action == "remove":
                _remove_holiday(request, province)
                return _back(province, year)
            else:
                return HttpResponseBadRequest()
        except DomainError as err:
            if action == "remove":
                messages.error(request, str(err))
                return _back(province, year)
            (days_form if action == "days" else holiday_form).add_domain_error(err)
    holidays = (
        PublicHoliday.objects.filter(Q(province__isnull=True) | Q(province=province))
        .filter(date__year=year)
        .order_by("date", "province_id", "pk")
    )
    context: dict[str, Any] = {
        "province": province,
        "policy": policy,
        "days": days,
        "default_days": DeadlinePolicy.DEFAULT_LETTER_DEADLINE,
        "year": year,
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < LAST_YEAR else None,
        "holidays": list(holidays),
        "days_form": days_form,
        "holiday_form": holiday_form,
    }
    return render(request, "registry/calendar.html", context)


def _back(province: Organization, year: int) -> HttpResponse:
    return redirect(f"{reverse('registry:calendar', args=[province.pk])}?year={year}")


def _set_days(request: HttpRequest, province: Organization, form: Any) -> None:
    days = form.cleaned_data["days"]
    services.set_deadline_days(by=request.user, province=province, days=days)
    messages.success(
        request,
        _(
            "Letters issued from now on have %(days)d working days; earlier letters keep "
            "their deadlines."
        )
        % {"days": days},
    )


def _add_holiday(request: HttpRequest, province: Organization, form: Any) -> None:
    data = form.cleaned_data
    services.add_public_holiday(
        by=request.user, province=province, date=data["date"], name=data["name"]
    )
    messages.success(
        request,
        _("%(date)s was added to the province's holidays.")
        % {"date": data["date"].strftime("%d/%m/%Y")},
    )


def _remove_holiday(request: HttpRequest, province: Organization) -> None:
    try:
        pk = int(request.POST.get("holiday", ""))
    except ValueError as exc:
        raise Http404 from exc
    holiday = (
        PublicHoliday.objects.filter(Q(province__isnull=True) | Q(province=province))
        .filter(pk=pk)
        .first()
    )
    if holiday is None:
        raise Http404
    services.remove_public_holiday(by=request.user, holiday=holiday)
    messages.success(
        request,
        _("%(date)s was removed from the province's holidays.")
        % {"date": holiday.date.strftime("%d/%m/%Y")},
    )
