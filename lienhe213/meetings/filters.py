"""The filters of the meetings list, one set for the held-meetings page and the API under
the same parameter names (``cell``, ``status``, ``subtree``, ``date_from``,
``date_to``). The page fixes its organization from the address and lists held
meetings only."""

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    extend_schema_field,
)

from lienhe213.core.filters import IdFilter
from lienhe213.core.forms import DateInput
from lienhe213.meetings.models import Meeting
from lienhe213.meetings.queries import MeetingQuerySet
from lienhe213.meetings.serializers import (
    _inline_enum,
)
from lienhe213.organizations.filters import VisibleOrganizationFilter
from lienhe213.organizations.models import Organization


@extend_schema_field(_inline_enum(Meeting.Status.choices))
class MeetingStatusFilter(django_filters.ChoiceFilter):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Meeting.Status.choices, **kwargs)


class MeetingFilter(django_filters.FilterSet):
    """A page leaves an unreadable value out (an unreadable date is no bound); the API
    answers 400."""

    cell = IdFilter(field_name="cell_id")
    status = MeetingStatusFilter()
    subtree = VisibleOrganizationFilter(
        label=_("in the subtree of"),
        method="filter_subtree",
        help_text=_("Meetings of the cells in this organization's subtree."),
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="date", lookup_expr="gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="date", lookup_expr="lte", widget=DateInput()
    )

    class Meta:
        model = Meeting
        fields = ["cell", "status", "subtree", "date_from", "date_to"]

    def filter_subtree(
        self, queryset: MeetingQuerySet, name: str, value: Organization | None
    ) -> Any:
        return queryset.in_subtree(value) if value is not None else queryset
