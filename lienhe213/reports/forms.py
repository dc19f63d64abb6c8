"""The report's period (a calendar year, or a custom range of days) and the forms of
the commendations."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lienhe213.accounts.access import AnyUser
from lienhe213.comments.models import CommentRequest
from lienhe213.core.forms import DateInput, DomainErrorMixin
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization
from lienhe213.reports.indicators import Period

_DATE = DateInput()
MAX_RANGE_DAYS = 3 * 366


class PeriodForm(forms.Form):
    """``year`` (default: the current one) or ``from`` and ``to``; a range wins."""

    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100, required=False)
    start = forms.DateField(label=_("From"), widget=_DATE, required=False)
    end = forms.DateField(label=_("To"), widget=_DATE, required=False)

    def __init__(self, data: Any, *, today: datetime.date) -> None:
        # The query string says from/to; those are Python keywords, the fields are not.
        data = {
            "year": data.get("year", ""),
            "start": data.get("from", ""),
            "end": data.get("to", ""),
        }
        super().__init__(data)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end):
            raise forms.ValidationError(_("Give both ends of the period, or a year."))
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The period ends before it starts."))
            if (end - start).days >= MAX_RANGE_DAYS:
                raise forms.ValidationError(_("A period is at most three years long."))
        return data

    @property
    def period(self) -> Period:
        data = self.cleaned_data
        if data.get("start") and data.get("end"):
            return Period(data["start"], data["end"])
        return Period.for_year(data.get("year") or self.today.year)


class DomainErrorForm(DomainErrorMixin, forms.Form):
    """A form whose input a report service checks; its refusals show on the form."""


class ProposeForm(DomainErrorForm):
    """A proposal for the committee of the page: an organization below it, or the
    member a returned comment recommends (both arrive from the review's buttons)."""

    organization = forms.ModelChoiceField(
        label=_("Organization to commend"), queryset=Organization.objects.none(), required=False
    )
    member = forms.ModelChoiceField(
        label=_("Member to commend"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )
    comment_request = forms.ModelChoiceField(
        queryset=CommentRequest.objects.none(), required=False, widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))
    proposed_on = forms.DateField(label=_("Proposed on"), widget=_DATE)

    def __init__(self, *args: Any, committee: Organization, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        below = Organization.objects.visible_to(user).current().in_subtree(committee)
        self.fields["organization"].queryset = below.exclude(pk=committee.pk)  # type: ignore[attr-defined]
        self.fields["member"].queryset = Member.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["comment_request"].queryset = CommentRequest.objects.visible_to(user)  # type: ignore[attr-defined]

    # The member and the comment are hidden: their messages go on top of the form.
    aliases = {"member": None, "comment_request": None}


class DecideForm(DomainErrorForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision_number = forms.CharField(label=_("Decision number"), max_length=40)
    decided_on = forms.DateField(label=_("Decision date"), widget=_DATE)


class RejectForm(DomainErrorForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    rejection_reason = forms.CharField(
        label=_("Reason for rejection"), widget=forms.Textarea(attrs={"rows": 3})
    )
    decided_on = forms.DateField(label=_("Date"), widget=_DATE)
