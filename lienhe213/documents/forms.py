from django import forms
from django.utils.translation import gettext_lazy as _

from lienhe213.core.forms import DateInput
from lienhe213.documents.models import DocumentBatch, Signer


def signer_field() -> forms.ChoiceField:
    """Who signs for the issuing committee: a required choice with nothing preselected
    (the system does not know who will sign, so it does not guess)."""
    return forms.ChoiceField(
        label=_("Signed for the committee by"),
        choices=Signer.choices,
        widget=forms.RadioSelect,
    )


class IssueForm(forms.Form):
    """Issue a form (1-213 to 4-213): who signs it."""

    signer = signer_field()


class SnapshotIssueForm(IssueForm):
    """Issue a tracking book or an annual report: who signs it, and the print the page
    showed as the latest (0 for none), so that the same form posted twice finds the
    print the first post made instead of taking a second number."""

    latest = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class BookIssueForm(SnapshotIssueForm):
    as_of = forms.DateField(widget=forms.HiddenInput)


class BookDayForm(forms.Form):
    """The day the book to issue stands on: today, or a past day."""

    as_of = forms.DateField(label=_("The book as of"), widget=DateInput(), required=False)


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
    signer = signer_field()


class RevokeForm(forms.Form):
    """Why a registered document is withdrawn (kept in the register and the audit)."""

    reason = forms.CharField(
        label=_("Reason for revocation"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
