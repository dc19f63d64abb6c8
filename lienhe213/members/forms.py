from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienhe213.accounts.access import AnyUser, Capability
from lienhe213.core.forms import DateInput, DomainErrorMixin
from lienhe213.members.models import Member
from lienhe213.members.services import EDITABLE_FIELDS
from lienhe213.organizations.addresses import commune_on, resolve_address
from lienhe213.organizations.forms import UnitChoiceField
from lienhe213.organizations.models import AdministrativeUnit, Organization
from lienhe213.organizations.queries import communities_of, deployed_communes

_DATE = DateInput()


class PartyUnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        # Many cells share a name ("Chi bộ tổ 1"); the parent tells them apart.
        return f"{obj.name} — {obj.parent.name}" if obj.parent else str(obj.name)


class MemberForm(DomainErrorMixin, forms.ModelForm):  # type: ignore[type-arg]
    """The member record as the services accept it. Choices are narrowed to what the
    user may use; ``version`` carries the record's version for the edit conflict check."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Shown (as a checkbox) only when a new record has namesakes: see ``_check_namesakes``.
    confirm_namesake = forms.BooleanField(
        label=gettext_lazy("This is a different person with the same name and date of birth"),
        required=False,
        widget=forms.HiddenInput,
    )
    # An address copied from a paper form, maybe with the names of before July 2025:
    # resolved to the 2025 commune (ADR 0017); not stored as such.
    residence_as_written = forms.CharField(
        label=gettext_lazy("Residence as written on a paper form"),
        help_text=gettext_lazy(
            "Commune, district, province, old names accepted, e.g. “Phường Trần Phú, "
            "Thành phố Hà Giang, Hà Giang”; used when no residence commune is chosen."
        ),
        max_length=255,
        required=False,
    )

    class Meta:
        model = Member
        fields = list(EDITABLE_FIELDS)
        field_classes = {"organization": PartyUnitChoiceField, "residence_commune": UnitChoiceField}
        widgets = {"birth_date": _DATE, "joined_on": _DATE, "official_on": _DATE}

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (  # type: ignore[attr-defined]
            Organization.objects.visible_to(user, Capability.EDIT_MEMBERS)
            .current()
            .select_related("parent")
        )
        today = timezone.localdate()
        stored = self.instance.residence_commune
        if stored is not None and not stored.is_valid_on(today) and not self.is_bound:
            # A pre-2025 commune is shown as its 2025 successor when it has only one.
            self.initial["residence_commune"] = commune_on(stored, today).pk
        self.fields["residence_commune"].queryset = AdministrativeUnit.objects.filter(  # type: ignore[attr-defined]
            Q(pk__in=deployed_communes().values("pk")) | Q(pk=self.instance.residence_commune_id)
        ).valid_on(today)
        self.order_fields([*EDITABLE_FIELDS[: EDITABLE_FIELDS.index("residence_commune") + 1]])
        commune = (
            self.data.get("residence_commune")
            if self.is_bound
            else self.initial.get("residence_commune")
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
        self.user = user
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            del self.fields["confirm_namesake"]  # the warning is for new records

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        self._resolve_written_address(cleaned)
        if "confirm_namesake" in self.fields:
            self._check_namesakes(cleaned)
        return cleaned

    def _resolve_written_address(self, cleaned: dict[str, Any]) -> None:
        """The commune of an address typed as on a paper form: a 2025 name or a
        pre-2025 one through the official mapping. When the old commune was split, the
        user chooses among its successors in the commune list (a choice among them is
        kept); a commune chosen that the address does not name is an error."""
        text = (cleaned.get("residence_as_written") or "").strip()
        if not text or "residence_commune" in self.errors:
            return
        found = resolve_address(text)
        chosen = cleaned.get("residence_commune")
        if chosen is not None:
            if found.candidates and chosen not in found.candidates:
                self.add_error(
                    "residence_as_written",
                    _("“%(text)s” is in %(names)s, not in %(chosen)s.")
                    % {
                        "text": text,
                        "names": ", ".join(c.name for c in found.candidates),
                        "chosen": chosen.name,
                    },
                )
            return
        if found.unit is not None:
            cleaned["residence_commune"] = found.unit
            return
        self.add_error("residence_as_written", found.problem())

    def _check_namesakes(self, cleaned: dict[str, Any]) -> None:
        """A new member with the name and date of birth of one the user can see may be
        that member registered twice: warn, and save only once the user has ticked
        ``confirm_namesake``. Members outside the user's scope are not looked at (naming
        them would reveal them)."""
        parts = [cleaned.get(name) for name in ("family_name", "given_name", "birth_date")]
        if not all(parts):
            return  # the missing field has its own error
        namesakes = list(
            Member.objects.visible_to(self.user)
            .namesakes(
                family_name=cleaned["family_name"],
                middle_name=cleaned.get("middle_name") or "",
                given_name=cleaned["given_name"],
                birth_date=cleaned["birth_date"],
            )
            .select_related("organization")
            .vietnamese_order()[:5]
        )
        if not namesakes:
            return
        self.fields["confirm_namesake"].widget = forms.CheckboxInput()
        if cleaned.get("confirm_namesake"):
            return
        listed = "; ".join(f"{m.full_name} ({m.organization.name})" for m in namesakes)
        self.add_error(
            None,
            _(
                "A member with the same name and date of birth is already registered: "
                "%(members)s. If this is a different person, tick “%(confirm)s” and save "
                "again."
            )
            % {"members": listed, "confirm": self.fields["confirm_namesake"].label},
        )

    def changes(self) -> dict[str, Any]:
        """The cleaned values, named as the services take them."""
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
