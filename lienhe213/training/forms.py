"""Forms of the training pages; the services check everything again."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lienhe213.core.forms import DateInput, DomainErrorMixin
from lienhe213.organizations.models import Organization
from lienhe213.training import services
from lienhe213.training.models import Audience, TrainingSession


class DomainErrorForm(DomainErrorMixin, forms.Form):
    """A form whose input a training service checks; its refusals show on the form."""


class PlanForm(DomainErrorForm):
    """Plan a session: the organizer is one the user plans for."""

    organizer = forms.ModelChoiceField(
        label=_("Organized by"), queryset=Organization.objects.none(), empty_label=None
    )
    topic = forms.CharField(label=_("Topic"), max_length=services.MAX_TOPIC)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    starts_at = forms.TimeField(
        label=_("Start time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("Place"), max_length=services.MAX_PLACE, required=False)
    online_link = forms.CharField(
        label=_("Online link"),
        max_length=services.MAX_LINK,
        required=False,
        help_text=_("A web address starting with https:// (for a session held online)."),
        widget=forms.URLInput(),
    )
    audience = forms.ChoiceField(
        label=_("For"),
        choices=Audience.choices,
        help_text=_("Chosen among the people of the organizer's subtree when you invite them."),
    )

    def __init__(self, *args: Any, organizers: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organizer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organization.objects.filter(pk__in=[org.pk for org in organizers])


class StepForm(DomainErrorForm):
    """A step with no input but the version of the page (invite, cancel)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AttendanceForm(DomainErrorForm):
    """One checkbox per invitee: ticked attended, unticked did not."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    attended = forms.TypedMultipleChoiceField(
        label=_("Attended"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    aliases = {"attended": "attended"}

    def __init__(self, *args: Any, session: TrainingSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attended"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [
            (inv.user_id, inv.user.get_full_name() or inv.user.username)
            for inv in session.invitations.select_related("user")
        ]


class MaterialForm(DomainErrorForm):
    """A PDF or DOCX to share with the invitees."""

    file = forms.FileField(
        label=_("File (PDF or Word .docx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )
