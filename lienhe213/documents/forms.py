from django import forms
from django.utils.translation import gettext_lazy as _

from lienhe213.core.forms import DateInput
from lienhe213.documents.models import DocumentBatch


class BatchForm(forms.Form):
    """The day of the bulk issue whose letters go into one PDF (or one ZIP file)."""

    issued_on = forms.DateField(label=_("Letters issued on"), widget=DateInput())
    output = forms.ChoiceField(
        label=_("File"),
        choices=DocumentBatch.Output.choices,
        initial=DocumentBatch.Output.PDF,
        required=False,  # a PDF unless asked otherwise
        widget=forms.RadioSelect,
    )


class RevokeForm(forms.Form):
    """Why a registered document is withdrawn (kept in the register and the audit)."""

    reason = forms.CharField(
        label=_("Reason for revocation"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
