from django import forms
from django.utils.translation import gettext_lazy as _


class BatchForm(forms.Form):
    """The day of the bulk issue whose letters go into one PDF."""

    issued_on = forms.DateField(
        label=_("Letters issued on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class RevokeForm(forms.Form):
    """Why a registered document is withdrawn (kept in the register and the audit)."""

    reason = forms.CharField(
        label=_("Reason for revocation"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
