"""The guidance page's search, a province's note and a new wording of an entry."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lienhe213.core.forms import DomainErrorMixin
from lienhe213.guidance.models import Step
from lienhe213.guidance.services import MAX_NOTE, MAX_SUMMARY, MAX_TEXT
from lienhe213.organizations.models import Organization


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the rules"),
        required=False,
        max_length=100,
        help_text=_("Accents are optional: “mien” finds “miễn”."),
    )
    step = forms.ChoiceField(
        label=_("Step"), required=False, choices=[("", _("All steps")), *Step.choices]
    )


class NoteForm(DomainErrorMixin, forms.Form):
    """A province's note under an entry; an empty text removes the note."""

    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Organization.objects.none(), empty_label=None
    )
    text = forms.CharField(
        label=_("Your province's note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to every user of the province under the official text."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, provinces: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organization.objects.filter(pk__in=[p.pk for p in provinces])
        if len(provinces) == 1:
            field.widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any] | None:
        # The province is usually a hidden input: a forged one is said above the form.
        if "province" in self.errors:
            del self.errors["province"]
            self.add_error(None, _("You write the notes of your own province only."))
        return super().clean()


class ReviseForm(DomainErrorMixin, forms.Form):
    """A new wording of an official entry (administrators)."""

    summary = forms.CharField(
        label=_("Short text"), max_length=MAX_SUMMARY, widget=forms.Textarea(attrs={"rows": 3})
    )
    text = forms.CharField(
        label=_("Full text"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 8})
    )
    confirmed = forms.BooleanField(label=_("Checked against the official text"), required=False)
    reason = forms.CharField(label=_("Reason for the change"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DismissForm(forms.Form):
    role = forms.CharField(max_length=30)
