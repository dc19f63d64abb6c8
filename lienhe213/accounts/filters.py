"""Filters over the lists of role assignments and accounts (the REST API reads them;
the pages filter with their own forms)."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lienhe213.accounts.models import Role, RoleAssignment, User
from lienhe213.accounts.queries import (
    search_accounts,
)
from lienhe213.core.text import fold
from lienhe213.organizations.filters import VisibleOrganizationFilter
from lienhe213.organizations.models import Organization


class RoleAssignmentFilter(django_filters.FilterSet):
    organization = VisibleOrganizationFilter(
        label=_("organization"),
        method="filter_organization",
        help_text=_("Assignments in this organization and everything below it."),
    )
    role = django_filters.ChoiceFilter(label=_("role"), choices=Role.choices)
    user = django_filters.NumberFilter(label=_("account"), field_name="user_id")

    class Meta:
        model = RoleAssignment
        fields = ["organization", "role", "user"]

    def filter_organization(
        self, queryset: QuerySet[RoleAssignment], name: str, value: Organization | None
    ) -> Any:
        return queryset.filter(organization__path__under=value.path) if value else queryset


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("search"),
        method="filter_search",
        help_text=_("Words of the username or name; accents and case are ignored."),
    )
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = User
        fields = ["q", "is_active"]

    def filter_search(self, queryset: QuerySet[User], name: str, value: str) -> Any:
        return queryset.filter(pk__in=search_accounts(queryset, value)) if fold(value) else queryset
