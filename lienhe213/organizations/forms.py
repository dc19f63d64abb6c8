"""Forms of the tree-management pages. They check shapes and narrow the choices to what
the user may use; the rules of the tree are the services' (``organizations.services``)."""

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lienhe213.accounts.access import AnyUser, Capability
from lienhe213.core.forms import DateInput, DomainErrorMixin
from lienhe213.organizations.models import AdministrativeUnit, Organization
from lienhe213.organizations.queries import communities_of, deployed_communes
from lienhe213.organizations.services import unit_not_in_force

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_DATE = DateInput()


def _date_field(label: "StrOrPromise") -> forms.DateField:
    return forms.DateField(label=label, widget=_DATE, initial=timezone.localdate)


class OrganizationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        # Many cells share a name ("Chi bộ tổ 1"); the parent tells them apart.
        return f"{obj.name} — {obj.parent.name}" if obj.parent else str(obj.name)


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An administrative unit among those offered. A unit that was not in force on the
    date in question (``on``, today unless the form sets it; e.g. a pre-2025 commune
    posted by id) is refused with a message that says so, not "not one of the choices"."""

    on: datetime.date | None = None

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError:
            if str(value).isdigit():
                unit = AdministrativeUnit.objects.filter(pk=int(value)).first()
                problem = unit and unit_not_in_force(unit, self.on or timezone.localdate())
                if problem:
                    raise ValidationError(problem, code="not_in_force") from None
            raise


class _ServiceForm(DomainErrorMixin, forms.Form):
    """A form whose input an organization service checks; its refusals show on it."""


def _choose_outside(field: forms.Field, user: AnyUser, org: Organization) -> None:
    """Accept every current organization ``user`` may manage; list only those outside
    ``org``'s subtree.

    A posted id inside the subtree still reaches the service, so the user reads why it
    is refused; an id the user may not manage is a form error.
    """
    assert isinstance(field, OrganizationChoiceField)
    manageable = (
        Organization.objects.visible_to(user, Capability.MANAGE_ORGANIZATIONS)
        .current()
        .select_related("parent")
    )
    field.queryset = manageable
    offered = manageable.exclude(path__under=org.path)
    field.widget.choices = [
        ("", field.empty_label),
        *((o.pk, field.label_from_instance(o)) for o in offered),
    ]


class OrganizationCreateForm(_ServiceForm):
    """A new sub-unit under ``parent``: the administrative units offered are the
    deployed communes and the parent's own unit; the communities, those of the chosen
    commune (reloaded with htmx when the commune changes)."""

    name = forms.CharField(label=pgettext_lazy("of a thing", "Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organization.Kind.choices)
    side = forms.ChoiceField(label=_("Side"), choices=Organization.Side.choices)
    code = forms.CharField(label=_("Code"), max_length=30, required=False)
    administrative_unit = UnitChoiceField(
        label=_("Administrative unit"), queryset=AdministrativeUnit.objects.none(), required=False
    )
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=communities_of(None), required=False
    )
    valid_from = _date_field(_("Valid from"))

    def __init__(self, *args: Any, parent: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("kind", Organization.Kind.CELL)
        if parent.side != Organization.Side.BOTH:
            self.initial.setdefault("side", parent.side)
        self.initial.setdefault("administrative_unit", parent.administrative_unit_id)
        unit = self.fields["administrative_unit"]
        # Only units in force today: a parent still pointing at a pre-2025 unit does not
        # bring it back into the list (ADR 0017).
        unit.queryset = AdministrativeUnit.objects.filter(  # type: ignore[attr-defined]
            Q(pk__in=deployed_communes().values("pk")) | Q(pk=parent.administrative_unit_id)
        ).valid_on(timezone.localdate())
        unit.widget.attrs.update(
            {
                "hx-get": reverse("organizations:community_options"),
                "hx-trigger": "change",
                "hx-target": "#id_community",
            }
        )
        commune = (self.data if self.is_bound else self.initial).get("administrative_unit")
        self.fields["community"].queryset = communities_of(commune)  # type: ignore[attr-defined]


class RenameForm(_ServiceForm):
    name = forms.CharField(label=_("New name"), max_length=200)
    effective_date = _date_field(_("Effective date"))


class MoveForm(_ServiceForm):
    """The new parent, among the current organizations the user may manage."""

    new_parent = OrganizationChoiceField(
        label=_("New parent organization"), queryset=Organization.objects.none()
    )
    effective_date = _date_field(_("Effective date"))

    def __init__(self, *args: Any, user: AnyUser, organization: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choose_outside(self.fields["new_parent"], user, organization)


class MergeForm(_ServiceForm):
    """The organization to merge into, and the date; ``confirmed`` is set by the
    confirmation step, which shows what the merge will do before it is done."""

    into = OrganizationChoiceField(label=_("Merge into"), queryset=Organization.objects.none())
    effective_date = _date_field(_("Effective date"))
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: AnyUser, organization: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choose_outside(self.fields["into"], user, organization)

    def ends_on(self) -> datetime.date:
        """The last day of the absorbed organization: the day before the merge."""
        effective: datetime.date = self.cleaned_data["effective_date"]
        return effective - datetime.timedelta(days=1)
