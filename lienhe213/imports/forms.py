"""The forms of the import pages: the upload, the column mapping, the communes to choose
and the commit. Choices are narrowed to what the user may use; the services decide the
rest (ADR 0011)."""

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lienhe213.accounts.access import AnyUser, Capability, has_capability
from lienhe213.core.forms import DomainErrorMixin
from lienhe213.imports import reading, services
from lienhe213.imports.models import ImportBatch
from lienhe213.members.forms import PartyUnitChoiceField
from lienhe213.organizations.models import Organization

ACCEPTED_FILES = ".xlsx,.xls,.csv,.ods"


def importable_kinds(user: AnyUser) -> list[tuple[str, Any]]:
    """The kinds of file ``user`` may import somewhere, with their plain labels."""
    return [
        (value, label)
        for value, label in ImportBatch.Kind.choices
        if has_capability(user, services.KINDS[value].capability)
    ]


class UploadForm(DomainErrorMixin, forms.Form):
    """A file to import, what it holds and the organization it goes into: the current
    organizations where the user may import (a forged id is not a valid choice)."""

    kind = forms.ChoiceField(label=_("What the file holds"), widget=forms.RadioSelect)
    organization = PartyUnitChoiceField(
        label=_("Import into"),
        queryset=Organization.objects.none(),
        help_text=_("The committee or cell the rows belong to, or one above it."),
    )
    file = forms.FileField(
        label=_("File to import"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
    )
    all_or_nothing = forms.BooleanField(
        label=_("All or nothing"),
        required=False,
        help_text=_("Import nothing if a single row is rejected."),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = importable_kinds(user)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        if len(kinds) == 1:  # nothing to choose
            self.fields["kind"].initial = kinds[0][0]
        self.fields["file"].help_text = gettext(
            "Excel (.xlsx, .xls), OpenDocument (.ods) or CSV, up to %(size)d MB."
        ) % {"size": reading.MAX_BYTES // 2**20}
        self.fields["organization"].queryset = (  # type: ignore[attr-defined]
            Organization.objects.visible_to(user, Capability.IMPORT_RECORDS)
            .current()
            .select_related("parent")
            .order_by("path")  # the tree's order: each committee before its cells
        )


class VersionForm(forms.Form):
    """The version of the import the page showed: a change made meanwhile (by another
    tab, another person or a double submit) is refused by the service."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


NOT_IMPORTED = ""


class MappingForm(VersionForm):
    """One choice per column of the file: the field it fills, or none."""

    def __init__(
        self,
        *args: Any,
        labels: Sequence[str],
        fields: Sequence[tuple[str, str]],
        mapping: Mapping[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(NOT_IMPORTED, _("— not imported —")), *fields]
        for index, label in enumerate(labels):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=label or _("Column %(number)d") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=mapping.get(str(index), NOT_IMPORTED),
            )

    def columns(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("column_")]

    def mapping(self) -> dict[int, str]:
        return {
            int(name.removeprefix("column_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("column_")
        }


class CommunesForm(VersionForm):
    """For each old commune that was split in 2025, the new commune its rows go to."""

    def __init__(
        self,
        *args: Any,
        pending: Sequence[tuple[str, str, list[tuple[str, str]]]],
        **kwargs: Any,
    ) -> None:
        """``pending``: (folded text, text as typed, [(code, name)…]) of each old
        commune to choose for."""
        super().__init__(*args, **kwargs)
        self.keys: dict[str, str] = {}
        for index, (key, typed, options) in enumerate(pending):
            name = f"commune_{index}"
            self.keys[name] = key
            self.fields[name] = forms.ChoiceField(
                label=typed,
                choices=[("", _("— choose later —")), *options],
                required=False,
            )

    def communes(self) -> list[forms.BoundField]:
        return [self[name] for name in self.keys]

    def choices(self) -> dict[str, str]:
        return {key: self.cleaned_data[name] for name, key in self.keys.items()}
