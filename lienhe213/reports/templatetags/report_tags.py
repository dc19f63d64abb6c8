"""Template helpers of the report pages."""

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def lookup(mapping: Mapping[str, Any], key: str) -> Any:
    """``mapping[key]``, or None."""
    return mapping.get(key)


@register.filter
def figure(value: Any) -> str:
    """A figure as shown: a dash for a share with nothing to divide, decimals only for
    shares."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return str(number_format(value, 1))
    return str(number_format(int(value), 0, force_grouping=True))


@register.filter
def split_words(value: str) -> list[str]:
    """``"a b c"`` as a list, to loop over a fixed set of figure names in a template."""
    return value.split()


@register.filter
def name_in(org: Any, report: Any) -> str:
    """The name ``org`` bore on the report's tree day (ADR 0009)."""
    return str(report.name_of(org))


@register.filter
def percent(value: Any) -> str:
    """A share between 0 and 1 as a percentage with one decimal, or a dash."""
    if value is None:
        return "—"
    return figure(round(100 * float(value), 1))
