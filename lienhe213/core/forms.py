"""Form parts every app shares."""

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """A browser date picker. Its value is always written ISO (yyyy-mm-dd), which is
    the only form ``<input type="date">`` accepts — a dd/mm/yyyy value is dropped and
    the field shows empty — while the browser displays the date in the user's locale."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
