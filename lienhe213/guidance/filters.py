"""The guidance list's filters in the API: ``q`` (folded search) and ``step``."""

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from lienhe213.guidance.models import GuidanceEntry, Step
from lienhe213.guidance.queries import GuidanceEntryQuerySet


class GuidanceEntryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("Search (accents optional)"), max_length=100
    )
    step = django_filters.ChoiceFilter(choices=Step.choices, label=_("Step"))

    class Meta:
        model = GuidanceEntry
        fields: list[str] = []

    def search(self, queryset: GuidanceEntryQuerySet, name: str, value: Any) -> Any:
        return queryset.search(str(value))
