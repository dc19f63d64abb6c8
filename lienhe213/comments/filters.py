"""The filters of comment requests, one set for the pages and the API: the conditions
of a report's comment figures (ADR 0008) under the same parameter names everywhere
(``requested_from``, ``requested_to``, ``returned``, ``returned_on_time``,
``good_example``, ``recommendation``, and ``subtree`` with ``side``)."""

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from lienhe213.comments.models import CommentRequest, Recommendation
from lienhe213.comments.queries import (
    good_example_condition,
    on_time_condition,
    requested_in_period,
    returned_condition,
)
from lienhe213.core.filters import BooleanCheckbox
from lienhe213.organizations.filters import VisibleOrganizationFilter
from lienhe213.registry.filters import SIDE_CHOICES, noop
from lienhe213.registry.queries import link_scope_condition, side_condition

# An old name of ``good_example`` that links into the pages may still carry.
LEGACY_NAMES = {"item1_best": "good_example"}


def condition_filter(label: Any) -> django_filters.BooleanFilter:
    return django_filters.BooleanFilter(
        label=label, method="filter_condition", widget=BooleanCheckbox
    )


class CommentRequestFilterForm(forms.Form):
    """A side is read under an organization; a period ends after it starts."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("side") and data.get("subtree") is None:
            self.add_error("side", _("A side is read under an organization: give subtree too."))
        start, end = data.get("requested_from"), data.get("requested_to")
        if start and end and start > end:
            self.add_error("requested_to", _("The end of the period is before its start."))
        return data


class CommentRequestFilter(django_filters.FilterSet):
    """The rows behind a report's comment figures (ADR 0008): the same conditions from
    ``comments.queries`` for the subtree and commune pages and the API; a boolean
    narrows to the rows that meet it (true) or that do not (false). An unreadable value
    is left out of ``filter_queryset`` (the commune page falls back on its default);
    the API and the subtree page answer 400."""

    subtree = VisibleOrganizationFilter(
        label=_("in the subtree of"),
        method=noop,
        help_text=_("Requests on links either side of which lies under this organization."),
    )
    side = django_filters.ChoiceFilter(
        label=_("side"),
        choices=SIDE_CHOICES,
        method=noop,
        empty_label=_("Either side"),
        help_text=_("With subtree: the side a report's child row counts a request on."),
    )
    requested_from = django_filters.DateFilter(label=_("Requested from"), method=noop)
    requested_to = django_filters.DateFilter(label=_("Requested to"), method=noop)
    returned = condition_filter(_("returned"))
    returned_on_time = condition_filter(_("Returned on time"))
    good_example = condition_filter(_("Setting a good example"))
    recommendation = django_filters.ChoiceFilter(
        label=_("Recommendation"),
        choices=Recommendation.choices,
        empty_label=_("Any recommendation"),
        method="filter_recommendation",
    )

    class Meta:
        model = CommentRequest
        fields = [
            "subtree",
            "side",
            "requested_from",
            "requested_to",
            "returned",
            "returned_on_time",
            "good_example",
            "recommendation",
        ]
        form = CommentRequestFilterForm

    def filter_condition(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        condition = returned_condition()
        if name == "returned_on_time":
            condition &= on_time_condition()
        elif name == "good_example":
            condition &= good_example_condition()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_recommendation(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.recommending(value) if value else queryset

    def filter_queryset(self, queryset: Any) -> Any:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if (subtree := data.get("subtree")) is not None:
            queryset = queryset.filter(link_scope_condition([subtree.path], prefix="link__"))
            if side := data.get("side"):
                queryset = queryset.filter(
                    side_condition(side, [subtree.path], residence_prefix="link__")
                )
        return queryset.filter(
            requested_in_period(data.get("requested_from"), data.get("requested_to"))
        )

    def period(self) -> tuple[Any, Any] | None:
        """``(from, to)`` when either date was given and readable, else None."""
        self.is_valid()
        data = self.form.cleaned_data
        start, end = data.get("requested_from"), data.get("requested_to")
        return (start, end) if start or end else None


def page_filter_data(query: Any, **fixed: Any) -> Any:
    """A page's query string for ``CommentRequestFilter``: old parameter names read as
    their new ones, and ``fixed`` values (the page's organization as ``subtree``)."""
    data = query.copy()
    for old, new in LEGACY_NAMES.items():
        if old in data and new not in data:
            data[new] = data[old]
    for name, value in fixed.items():
        data[name] = value
    return data
