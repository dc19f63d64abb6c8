"""Forms of the residents' pages and of the handling pages.

The public form carries a time-based honeypot, asking no third party: ``started`` is the
moment the form was shown, signed by the server, and ``website`` is a field hidden from
people that must stay empty. A form sent back faster than ``FEEDBACK_MIN_SECONDS`` after
it was shown, older than ``FEEDBACK_MAX_FORM_HOURS``, with a forged or missing
``started`` or a filled ``website`` is refused and nothing is stored.
"""

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from lienhe213.core.forms import DomainErrorMixin
from lienhe213.feedback import services
from lienhe213.feedback.models import CloseReason, ResidentReport, Topic
from lienhe213.notices.models import Kind as NoticeKind

SIGNING_SALT = "lienhe213.feedback.started"


def started_token(now: float | None = None) -> str:
    """The signed moment a public form was shown."""
    return signing.dumps(now if now is not None else time.time(), salt=SIGNING_SALT)


def refused_as_robot(started: str, website: str, now: float | None = None) -> bool:
    """Whether the honeypot says a robot sent the form (see the module's docstring)."""
    if website:
        return True
    try:
        shown = float(
            signing.loads(
                started, salt=SIGNING_SALT, max_age=settings.FEEDBACK_MAX_FORM_HOURS * 3600
            )
        )
    except (signing.BadSignature, TypeError, ValueError):
        return True
    elapsed = (now if now is not None else time.time()) - shown
    return not settings.FEEDBACK_MIN_SECONDS <= elapsed <= settings.FEEDBACK_MAX_FORM_HOURS * 3600


def topic_field() -> forms.ChoiceField:
    """What the report is about, with no topic chosen in advance: a resident who does not
    look at the list must not send "concern" by default."""
    return forms.ChoiceField(
        label=_("What is it about?"),
        choices=[("", _("Choose what it is about")), *Topic.choices],
        error_messages={"required": _("Choose what it is about.")},
    )


class DomainErrorForm(DomainErrorMixin, forms.Form):
    """A form whose input a feedback service checks; its refusals show on the form."""


class ReportForm(DomainErrorForm):
    """What a resident writes; the service checks the text again (plain text, sizes)."""

    topic = topic_field()
    member_name = forms.CharField(
        label=_("The party member's name, as you know it"), max_length=services.MAX_NAME
    )
    community = forms.CharField(
        label=_("Village or residential group"), max_length=services.MAX_COMMUNITY
    )
    body = forms.CharField(
        label=_("What happened"),
        max_length=services.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("When and where, and what you saw or heard. At most 2,000 characters."),
    )
    phone = forms.CharField(
        label=_("Your phone number (optional)"),
        required=False,
        max_length=25,
        help_text=_(
            "Only if you want the cell to call you back. It is never shown to anyone else."
        ),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class OpinionForm(DomainErrorForm):
    """A community representative's written opinion: the same topics as the public
    form, the member's name as they know it and the text; no phone (the account is
    known). ``token`` is the form's one-time code against a double submit; ``cell`` is
    offered only to one who represents several cells."""

    cell = forms.TypedChoiceField(
        label=_("Residential cell"),
        coerce=int,
        error_messages={"required": _("Choose the cell you write to.")},
    )
    topic = topic_field()
    member_name = forms.CharField(
        label=_("The party member's name, as you know it"), max_length=services.MAX_NAME
    )
    body = forms.CharField(
        label=_("Your opinion"),
        max_length=services.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What you and the people of the community see of the member. At most 2,000 characters."
        ),
    )
    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This form is out of date. Reload the page and write again."),
            "invalid": _("This form is out of date. Reload the page and write again."),
        },
    )

    def __init__(self, *args: Any, cells: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cell"].choices = [(cell.pk, cell.name) for cell in cells]  # type: ignore[attr-defined]
        if len(cells) == 1:
            self.fields["cell"].initial = cells[0].pk
            self.fields["cell"].widget = forms.HiddenInput()


class StatusForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt code"), max_length=64)


class QueueFilterForm(forms.Form):
    """The queue's filter: open reports (the default), or one status."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open (received or being handled)")), *ResidentReport.Status.choices],
    )


class MatchSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the cell's linked members"), required=False)


class MatchForm(DomainErrorForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    link = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseForm(DomainErrorForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("Reason"))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, report: ResidentReport, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(CloseReason.choices)
        self.fields["reason"].choices = [  # type: ignore[attr-defined]
            (value, labels[value]) for value in report.close_reasons()
        ]


class ForwardForm(DomainErrorForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind of notice"))
    note = forms.CharField(
        label=_("Message to the workplace committee"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The resident's text follows your message; their phone number is never sent."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(NoticeKind.choices)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (value, labels[value]) for value in services.FORWARD_KINDS
        ]
