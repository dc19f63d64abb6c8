"""Filters over organization lists (the REST API uses them; pages may too)."""

from typing import Any

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from lienhe213.core.text import fold
from lienhe213.organizations.forms import UnitChoiceField
from lienhe213.organizations.models import Organization
from lienhe213.organizations.queries import OrganizationQuerySet


def visible_organizations(request: HttpRequest | None) -> OrganizationQuerySet:
    """The organizations a filter may name: an id outside the user's scope is refused
    as an invalid choice, exactly like an id that does not exist."""
    user = getattr(request, "user", None) or AnonymousUser()
    return Organization.objects.visible_to(user)


@extend_schema_field(OpenApiTypes.INT)
class VisibleOrganizationFilter(django_filters.ModelChoiceFilter):
    """An organization id among those the user may see (an integer in the API schema)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", visible_organizations)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class UnitChoiceFilter(django_filters.ModelChoiceFilter):
    """An administrative unit id among those offered; one that ended before today (a
    pre-2025 unit) is refused with a message saying so (ADR 0017)."""

    field_class = UnitChoiceField


class OrganizationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Organization.Kind.choices)
    side = django_filters.ChoiceFilter(label=_("side"), choices=Organization.Side.choices)
    parent = VisibleOrganizationFilter(label=_("parent organization"))
    current = django_filters.BooleanFilter(
        label=_("current"), method="filter_current", help_text=_("Only organizations in force.")
    )
    q = django_filters.CharFilter(
        label=_("name contains"),
        method="filter_name",
        help_text=_("Part of the name; accents and case are ignored."),
    )
    subtree_of = VisibleOrganizationFilter(
        label=_("in the subtree of"),
        method="filter_subtree",
        help_text=_("The organization and everything below it."),
    )

    class Meta:
        model = Organization
        fields = ["kind", "side", "parent", "current", "q", "subtree_of"]

    def filter_current(self, queryset: OrganizationQuerySet, name: str, value: Any) -> Any:
        if value is None:
            return queryset
        return queryset.filter(valid_until__isnull=bool(value))

    def filter_name(self, queryset: OrganizationQuerySet, name: str, value: str) -> Any:
        folded = fold(value)
        return queryset.filter(name_folded__contains=folded) if folded else queryset

    def filter_subtree(
        self, queryset: OrganizationQuerySet, name: str, value: Organization | None
    ) -> Any:
        return queryset.in_subtree(value) if value is not None else queryset
