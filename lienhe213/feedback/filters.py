"""The API's filters of residents' reports."""

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from lienhe213.core.filters import IdFilter, YearFilter
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

    opinions = django_filters.BooleanFilter(
        label=_("community representatives' opinions"),
        method="filter_opinions",
        help_text=_("True: only the representatives' written opinions; false: only residents'."),
    )
    member = IdFilter(
        label=_("member"), field_name="member_id", help_text=_("Matched to this member.")
    )
    year = YearFilter(
        label=_("year"), field_name="received_at__year", help_text=_("Received in this year.")
    )

    class Meta:
        model = ResidentReport
        fields = ["status", "topic", "organization", "opinions", "member", "year"]

    def filter_opinions(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        return queryset.opinions() if value else queryset.filter(representative_kind="")

    def filter_organization(self, queryset: Any, name: str, value: Organization | None) -> Any:
        return queryset.under(value) if value is not None else queryset
