"""Cheap filters for the rows of long lists, built into every template (the
``builtins`` of ``TEMPLATES``: no ``{% load %}``).

Django's ``date`` filter and ``get_FOO_display`` are general and cost tens of
microseconds a call (a format lookup, a dictionary of the field's choices rebuilt each
time); a list of fifty rows calls them hundreds of times. These do the one thing the
rows need:

- ``{{ value|dmy }}``: a date (or the local day of a moment) as ``dd/mm/yyyy``, the
  format every page prints; empty for no date.
- ``{{ obj|label:"status" }}``: the translated label of a choice field's value, from
  the field's choices read once per process.
"""

import datetime
from typing import Any

from django import template
from django.db import models
from django.utils import timezone

register = template.Library()

_LABELS: dict[tuple[type[models.Model], str], dict[Any, Any]] = {}


@register.filter
def dmy(value: datetime.date | None) -> str:
    """``value`` as ``dd/mm/yyyy`` (the Vietnamese order, also used in English); a
    moment by its day in the current time zone, as the ``date`` filter does."""
    if not isinstance(value, datetime.date):
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


@register.filter
def label(obj: models.Model, field_name: str) -> Any:
    """The label of ``obj``'s value of the choice field ``field_name`` (a lazy
    translation, rendered in the request's language), or the value when it is not one
    of the choices — as ``get_FOO_display``."""
    key = (type(obj), field_name)
    labels = _LABELS.get(key)
    if labels is None:
        field = obj._meta.get_field(field_name)
        labels = _LABELS[key] = dict(field.flatchoices)  # type: ignore[union-attr]
    value = getattr(obj, field_name)
    return labels.get(value, value)
