"""Filters shared by the list pages and the API: numbers that are range-checked before
they reach the database, so ``?member=1e40`` or ``?cell=-4.5e97`` is a 400 with a
message, never a server error."""

from typing import Any

import django_filters
from django import forms

# Ids are BigAutoField: a positive 64-bit integer.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A record's id: a whole number between 1 and the largest id the database holds."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class YearFilter(django_filters.NumberFilter):
    """A calendar year the records can have (Regulation 213 dates from 2019; older
    books are kept)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"0", "false", "off", "no"}


class BooleanCheckbox(forms.CheckboxInput):
    """A page's checkbox (``on``) and the API's ``true`` / ``false`` (or ``1`` / ``0``)
    read the same; a missing parameter is no condition."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, check_test=lambda value: value is True)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        if not isinstance(value, str):
            return value
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return None

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data


def boolean_filter(label: Any, method: str, **kwargs: Any) -> django_filters.BooleanFilter:
    """A yes/no condition read alike from a page's checkbox and the API's boolean."""
    return django_filters.BooleanFilter(
        label=label, method=method, widget=BooleanCheckbox, **kwargs
    )
