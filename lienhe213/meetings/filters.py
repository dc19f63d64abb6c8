"""Filters over the meetings list (the REST API reads them)."""

from typing import Any

import django_filters
from drf_spectacular.utils import (
    extend_schema_field,
)

from lienhe213.core.filters import IdFilter
from lienhe213.meetings.models import Meeting
from lienhe213.meetings.serializers import (
    _inline_enum,
)


@extend_schema_field(_inline_enum(Meeting.Status.choices))
class MeetingStatusFilter(django_filters.ChoiceFilter):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Meeting.Status.choices, **kwargs)


class MeetingFilter(django_filters.FilterSet):
    cell = IdFilter(field_name="cell_id")
    status = MeetingStatusFilter()
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = ["cell", "status", "date_from", "date_to"]
