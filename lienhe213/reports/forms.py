"""The report's period: a calendar year, or a custom range of days."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lienhe213.reports.indicators import Period

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
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
