"""The API's filters of residents' reports."""

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from lienhe213.feedback.models import ResidentReport, Topic
from lienhe213.organizations.filters import VisibleOrganizationFilter
from lienhe213.organizations.models import Organization


class ReportFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=ResidentReport.Status.choices)
    topic = django_filters.ChoiceFilter(label=_("about"), choices=Topic.choices)
    organization = VisibleOrganizationFilter(
        label=_("organization"),
        method="filter_organization",
        help_text=_("Reports to this cell, or to any cell below this commune."),
    )

    class Meta:
        model = ResidentReport
        fields = ["status", "topic", "organization"]

    def filter_organization(self, queryset: Any, name: str, value: Organization | None) -> Any:
        return queryset.under(value) if value is not None else queryset
