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
