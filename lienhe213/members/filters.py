"""The member list's filters: search, subtree, gender, employment and order."""

import datetime
from collections.abc import Callable
from typing import Any

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe213.members.models import Member
from lienhe213.members.queries import MemberQuerySet
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import Category, ExemptionDecision, Reason

SORTS: dict[str, tuple[Any, Callable[[MemberQuerySet], MemberQuerySet]]] = {
    "name": (_("Name"), lambda qs: qs.vietnamese_order()),
    "-name": (_("Name, Z to A"), lambda qs: qs.order_by("-name_sort_key", "-pk")),
    "birth_date": (_("Date of birth"), lambda qs: qs.order_by("birth_date", "pk")),
    "joined_on": (_("Date admitted"), lambda qs: qs.order_by("joined_on", "pk")),
}


class MemberFilter(django_filters.FilterSet):
    """Filters applied on top of ``Member.objects.visible_to(user)``; the organization
    is fetched through its gatekeeper, so a forged id gives 404."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    organization = django_filters.NumberFilter(
        label=_("Organization"), method="filter_organization"
    )
    gender = django_filters.ChoiceFilter(
        label=_("Gender"), choices=Member.Gender.choices, empty_label=_("Any gender")
    )
    employment = django_filters.ChoiceFilter(
        label=_("Employment"), choices=Member.Employment.choices, empty_label=_("Any")
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
            "category",
            "reason",
            "classified_on",
            "sort",
        ]

    organization_obj: Organization | None = None

    def filter_search(self, queryset: MemberQuerySet, name: str, value: str) -> MemberQuerySet:
        # the citizen ID is matched only where the user may read it (one rule, in search)
        return queryset.search(value, user=self.request.user)

    def filter_organization(
        self, queryset: MemberQuerySet, name: str, value: Any
    ) -> MemberQuerySet:
        self.organization_obj = get_organization_for_user(self.request.user, int(value))
        return queryset.in_subtree(self.organization_obj)

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
