from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse

from lienhe213.accounts.access import AnyUser, Capability
from lienhe213.core.errors import DomainError
from lienhe213.members.models import Member
from lienhe213.members.services import EDITABLE_FIELDS
from lienhe213.organizations.models import AdministrativeUnit, Organization
from lienhe213.organizations.queries import communities_of, deployed_communes

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartyUnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        # Many cells share a name ("Chi bộ tổ 1"); the parent tells them apart.
        return f"{obj.name} — {obj.parent.name}" if obj.parent else str(obj.name)


class MemberForm(forms.ModelForm):  # type: ignore[type-arg]
    """The member record as the services accept it. Choices are narrowed to what the
    user may use; ``version`` carries the record's version for the edit conflict check."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Member
        fields = list(EDITABLE_FIELDS)
        field_classes = {"organization": PartyUnitChoiceField}
        widgets = {"birth_date": _DATE, "joined_on": _DATE, "official_on": _DATE}

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (  # type: ignore[attr-defined]
            Organization.objects.visible_to(user, Capability.EDIT_MEMBERS)
            .current()
            .select_related("parent")
        )
        self.fields["residence_commune"].queryset = AdministrativeUnit.objects.filter(  # type: ignore[attr-defined]
            Q(pk__in=deployed_communes().values("pk")) | Q(pk=self.instance.residence_commune_id)
        )
        commune = (
            self.data.get("residence_commune")
            if self.is_bound
            else self.instance.residence_commune_id
        )
        self.fields["residence_community"].queryset = communities_of(commune)  # type: ignore[attr-defined]
        # Choosing a commune reloads the community choices (htmx); without JavaScript
        # they follow on the next submit.
        self.fields["residence_commune"].widget.attrs.update(
            {
                "hx-get": reverse("members:community_options"),
                "hx-trigger": "change",
                "hx-target": "#id_residence_community",
            }
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def changes(self) -> dict[str, Any]:
        """The cleaned values, named as the services take them."""
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}

    def add_domain_error(self, err: DomainError) -> None:
        self.add_error(err.field if err.field in self.fields else None, str(err))
