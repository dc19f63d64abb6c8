"""Forms of the notice pages: the inbox/outbox filter, sending, and the steps."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lienhe213.accounts.access import AnyUser
from lienhe213.core.forms import DomainErrorMixin
from lienhe213.notices import access
from lienhe213.notices.models import SIDE_OF_KIND, Kind, Notice, Side
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import ResidenceLink


class DomainErrorForm(DomainErrorMixin, forms.Form):
    """A form whose input a notice service checks; its refusals show on the form."""


class BoxFilterForm(forms.Form):
    """The filters of an inbox or outbox; an unreadable value means no filter."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Notice.Status.choices],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    # What the home page's "Notices to answer" lists: sent or acknowledged, not answered.
    waiting = forms.BooleanField(label=_("Waiting for an answer"), required=False)
    # The rows behind a report's notice figures (ADR 0008): sent or received below the
    # organization, sent in a period, acknowledged, needing an answer, answered on time.
    both = forms.BooleanField(label=_("Sent or received"), required=False)
    sent_from = forms.DateField(label=_("Sent from"), required=False)
    sent_to = forms.DateField(label=_("Sent to"), required=False)
    acknowledged = forms.BooleanField(label=_("Acknowledged"), required=False)
    needs_answer = forms.BooleanField(label=_("Needing an answer"), required=False)
    answered_on_time = forms.BooleanField(label=_("Answered on time"), required=False)


def routes(user: AnyUser, link: ResidenceLink) -> list[tuple[Organization, Organization, str]]:
    """``(sender, recipient, side)`` for every direction ``user`` may send on ``link``:
    from each side organization they act for, to each organization of the other side."""
    workplace = [link.workplace_organization]
    residence = [link.residence_commune_organization]
    if link.residence_cell is not None:
        residence.append(link.residence_cell)
    result: list[tuple[Organization, Organization, str]] = []
    for sender in workplace:
        if access.may_act_for(user, sender, Side.WORKPLACE):
            result += [(sender, recipient, Side.WORKPLACE) for recipient in residence]
    for sender in residence:
        if access.may_act_for(user, sender, Side.RESIDENCE):
            result += [(sender, recipient, Side.RESIDENCE) for recipient in workplace]
    return result


class SendForm(DomainErrorForm):
    """A new notice on one link: the direction, the kind (of the sending side) and the
    message. The choices offer only what the user may send."""

    route = forms.ChoiceField(label=_("From → to"))
    kind = forms.ChoiceField(label=_("Kind"))
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}))

    aliases = {"sender": "route", "recipient": "route"}

    def __init__(self, *args: Any, link: ResidenceLink, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.routes = {
            f"{sender.pk}-{recipient.pk}": (sender, recipient)
            for sender, recipient, _side in routes(user, link)
        }
        sides = {side for _s, _r, side in routes(user, link)}
        self.fields["route"].choices = [  # type: ignore[attr-defined]
            (key, f"{sender.name} → {recipient.name}")
            for key, (sender, recipient) in self.routes.items()
        ]
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Kind.choices if SIDE_OF_KIND[value] in sides
        ]


class AcknowledgeForm(DomainErrorForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReplyForm(DomainErrorForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}))


class CloseForm(DomainErrorForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}))
