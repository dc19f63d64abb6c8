"""The member list's filters, one set for the page and the API: search, subtree,
gender, employment, residence commune, classification and order, under the same
parameter names on both. An organization out of the user's sight is refused as an
invalid choice, like an id that never existed: 400 on both surfaces."""

import datetime
from collections.abc import Callable
from typing import Any

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe213.members.models import Member
from lienhe213.members.queries import MemberQuerySet
from lienhe213.organizations.filters import UnitChoiceFilter, VisibleOrganizationFilter
from lienhe213.organizations.models import AdministrativeUnit, Organization
from lienhe213.registry.models import Category, ExemptionDecision, Reason

SORTS: dict[str, tuple[Any, Callable[[MemberQuerySet], MemberQuerySet]]] = {
    "name": (_("Name"), lambda qs: qs.vietnamese_order()),
    "-name": (_("Name, Z to A"), lambda qs: qs.order_by("-name_sort_key", "-pk")),
    "birth_date": (_("Date of birth"), lambda qs: qs.order_by("birth_date", "pk")),
    "joined_on": (_("Date admitted"), lambda qs: qs.order_by("joined_on", "pk")),
}


class MemberFilter(django_filters.FilterSet):
    """Filters applied on top of ``Member.objects.visible_to(user)``. The organization
    is chosen among ``Organization.objects.visible_to(user)``: a forged id makes the
    filter set invalid, which the page and the API both answer with 400."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_("Words of the name (accents and case are ignored) or an identifier."),
    )
    organization = VisibleOrganizationFilter(
        label=_("Organization"),
        method="filter_organization",
        help_text=_("Members of this organization and of everything below it."),
    )
    gender = django_filters.ChoiceFilter(
        label=_("Gender"), choices=Member.Gender.choices, empty_label=_("Any gender")
    )
    employment = django_filters.ChoiceFilter(
        label=_("Employment"), choices=Member.Employment.choices, empty_label=_("Any")
    )
    residence_commune = UnitChoiceFilter(
        label=_("residence commune"),
        # Only the communes in force today (ADR 0017): pre-2025 ones are not offered.
        queryset=lambda request: AdministrativeUnit.objects.communes().valid_on(
            timezone.localdate()
        ),
    )
    category = django_filters.ChoiceFilter(
        label=_("Classification"),
        choices=Category.choices,
        empty_label=_("Any classification"),
        method="filter_noop",
    )
    reason = django_filters.ChoiceFilter(
        label=_("Reason"), choices=Reason.choices, empty_label=_("Any reason"), method="filter_noop"
    )
    classified_on = django_filters.DateFilter(label=_("Classified on"), method="filter_noop")
    sort = django_filters.ChoiceFilter(
        label=_("Order"),
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        empty_label=None,
        method="filter_noop",
    )

    class Meta:
        model = Member
        fields = [
            "q",
            "organization",
            "gender",
            "employment",
            "residence_commune",
            "category",
            "reason",
            "classified_on",
            "sort",
        ]

    @property
    def organization_obj(self) -> Organization | None:
        """The organization the list is narrowed to, once the filters are valid."""
        return getattr(self.form, "cleaned_data", {}).get("organization")

    def filter_search(self, queryset: MemberQuerySet, name: str, value: str) -> MemberQuerySet:
        # the citizen ID is matched only where the user may read it (one rule, in search)
        return queryset.search(value, user=self.request.user)

    def filter_organization(
        self, queryset: MemberQuerySet, name: str, value: Organization | None
    ) -> MemberQuerySet:
        return queryset.in_subtree(value) if value is not None else queryset

    def filter_noop(self, queryset: MemberQuerySet, name: str, value: str) -> MemberQuerySet:
        return queryset  # ordering is applied last, in filter_queryset

    def classified_day(self) -> datetime.date:
        """The day the classification filters read: ``classified_on``, or today."""
        data = getattr(self.form, "cleaned_data", {})
        day: datetime.date | None = data.get("classified_on")
        return day or timezone.localdate()

    def filter_queryset(self, queryset: MemberQuerySet) -> MemberQuerySet:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        category, reason = data.get("category"), data.get("reason")
        if category or reason:
            # the decision that classifies each member on that day, as a report counts
            decisions = ExemptionDecision.objects.governing(on=self.classified_day())
            if category:
                decisions = decisions.filter(category=category)
            if reason:
                decisions = decisions.filter(reason=reason)
            queryset = queryset.filter(pk__in=decisions.values("member_id"))
        sort = self.form.cleaned_data.get("sort") or "name"
        return SORTS.get(sort, SORTS["name"])[1](queryset)
