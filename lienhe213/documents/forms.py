from django import forms
from django.utils.translation import gettext_lazy as _


class BatchForm(forms.Form):
    """The day of the bulk issue whose letters go into one PDF."""

    issued_on = forms.DateField(
        label=_("Letters issued on"), widget=forms.DateInput(attrs={"type": "date"})
    )
