"""Filters over the commendations list (the REST API reads them)."""

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from lienhe213.core.filters import YearFilter
from lienhe213.organizations.filters import VisibleOrganizationFilter
from lienhe213.organizations.models import Organization
from lienhe213.reports.models import Commendation
from lienhe213.reports.queries import CommendationQuerySet


class CommendationFilter(django_filters.FilterSet):
    year = YearFilter(label=_("year"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=Commendation.Status.choices)
    organization = VisibleOrganizationFilter(
        label=_("organization"),
        method="filter_organization",
        help_text=_("Commendations of this organization's units and members."),
    )

    class Meta:
        model = Commendation
        fields = ["year", "status", "organization"]

    def filter_organization(
        self, queryset: CommendationQuerySet, name: str, value: Organization | None
    ) -> Any:
        return queryset.under([value.path]) if value is not None else queryset
