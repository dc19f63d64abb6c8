"""Form parts every app shares."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms

from lienhe213.core.errors import DomainError

if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class DateInput(forms.DateInput):
    """A browser date picker. Its value is always written ISO (yyyy-mm-dd), which is
    the only form ``<input type="date">`` accepts — a dd/mm/yyyy value is dropped and
    the field shows empty — while the browser displays the date in the user's locale."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DomainErrorMixin(_FormBase):
    """A form that shows a service's refusal (``DomainError``) where it belongs: on the
    field the refusal names when the form has that field, above the form otherwise.

    ``aliases`` maps a service's input name to the form's field for it (``None``: above
    the form, for an input the form hides or names differently).
    """

    aliases: ClassVar[Mapping[str, str | None]] = {}

    def add_domain_error(self, err: DomainError) -> None:
        """Attach ``err``'s message to its field, or to the form as a whole."""
        field = self.aliases.get(err.field or "", err.field)
        self.add_error(field if field in self.fields else None, str(err))
