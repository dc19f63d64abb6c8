"""The API's filters of training sessions."""

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from lienhe213.organizations.filters import VisibleOrganizationFilter
from lienhe213.organizations.models import Organization
from lienhe213.training.models import TrainingSession


class SessionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("state"), choices=TrainingSession.State.choices)
    year = django_filters.NumberFilter(
        label=_("year"), field_name="date", lookup_expr="year", min_value=1900, max_value=9999
    )
    organization = VisibleOrganizationFilter(
        label=_("organization"),
        method="filter_organization",
        help_text=_("Sessions organized by this organization or by one below it."),
    )

    class Meta:
        model = TrainingSession
        fields = ["state", "year", "organization"]

    def filter_organization(self, queryset: Any, name: str, value: Organization | None) -> Any:
        return queryset.under(value) if value is not None else queryset
