"""Forms of the notice pages: sending, and the steps (the box's filters are
``filters.NoticeFilter``)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lienhe213.accounts.access import AnyUser
from lienhe213.core.forms import DomainErrorMixin
from lienhe213.notices import access
from lienhe213.notices.models import SIDE_OF_KIND, Kind, Side
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import ResidenceLink


class DomainErrorForm(DomainErrorMixin, forms.Form):
    """A form whose input a notice service checks; its refusals show on the form."""


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
