"""Filters of the tracking book (residence side) and of its workplace mirror."""

import datetime
from typing import Any

import django_filters
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe213.core.text import fold
from lienhe213.members.models import Member
from lienhe213.members.queries import MemberQuerySet
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import Category, ExemptionDecision, Reason, ResidenceLink
from lienhe213.registry.queries import ResidenceLinkQuerySet

YES = [("1", _("Yes"))]


def search_names(queryset: Any, value: str, field: str) -> Any:
    """Every word of ``value``, folded, must occur in the folded name. Identifiers are
    not searched: residence-side viewers must not learn party card numbers."""
    for word in fold(value).split():
        queryset = queryset.filter(**{f"{field}__contains": word})
    return queryset


class BookFilter(django_filters.FilterSet):
    """Filters over the links a residential cell or a commune holds. Without a chosen
    status the book lists the open links: the members who are in it now."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ResidenceLink.Status.choices, empty_label=_("In the book")
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        choices=[(Category.NORMAL, Category.NORMAL.label), (Category.A, _("Category A"))],
        empty_label=_("Any category"),
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"), choices=YES, empty_label=_("Any"), method="filter_overdue"
    )
    cell = django_filters.ModelChoiceFilter(
        label=_("Residential cell"),
        field_name="residence_cell",
        queryset=Organization.objects.none(),
        empty_label=_("Any cell"),
    )

    class Meta:
        model = ResidenceLink
        fields = ["q", "status", "category", "overdue", "cell"]

    def __init__(self, *args: Any, organization: Organization, on: datetime.date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.on = on
        if organization.kind == Organization.Kind.CELL:
            del self.filters["cell"]
        else:
            self.filters["cell"].queryset = (
                Organization.objects.in_subtree(organization)
                .filter(kind=Organization.Kind.CELL, side=Organization.Side.RESIDENTIAL)
                .order_by("name", "pk")
            )

    def filter_search(self, queryset: Any, name: str, value: str) -> Any:
        return search_names(queryset, value, "member__search_text")

    def filter_overdue(self, queryset: ResidenceLinkQuerySet, name: str, value: str) -> Any:
        return queryset.overdue(on=self.on) if value else queryset

    def filter_queryset(self, queryset: Any) -> Any:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.open()
        return queryset.order_by("member__name_sort_key", "member_id", "pk")


class WorkplaceFilter(django_filters.FilterSet):
    """Filters over a workplace organization's working members."""

    STATES = [
        ("unclassified", _("Not yet classified")),
        ("no_link", _("No open link")),
        ("overdue", _("Letter overdue")),
    ]

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    state = django_filters.ChoiceFilter(
        label=_("Show"), choices=STATES, empty_label=_("All working members"), method="filter_state"
    )
    status = django_filters.ChoiceFilter(
        label=_("Letter status"),
        choices=ResidenceLink.Status.choices,
        empty_label=_("Any"),
        method="filter_status",
    )

    class Meta:
        model = Member
        fields = ["q", "state", "status"]

    def __init__(self, *args: Any, on: datetime.date | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.on = on or timezone.localdate()

    def filter_search(self, queryset: MemberQuerySet, name: str, value: str) -> Any:
        return search_names(queryset, value, "search_text")

    def filter_state(self, queryset: MemberQuerySet, name: str, value: str) -> Any:
        open_links = ResidenceLink.objects.open().values("member_id")
        if value == "unclassified":
            in_force = ExemptionDecision.objects.in_force(on=self.on).values("member_id")
            return queryset.exclude(pk__in=in_force).exclude(pk__in=open_links)
        if value == "no_link":
            return queryset.exclude(pk__in=open_links)
        if value == "overdue":
            return queryset.filter(
                pk__in=ResidenceLink.objects.overdue(on=self.on).values("member_id")
            )
        return queryset

    def filter_status(self, queryset: MemberQuerySet, name: str, value: str) -> Any:
        links = ResidenceLink.objects.filter(status=value)
        return queryset.filter(pk__in=links.values("member_id"))

    def filter_queryset(self, queryset: Any) -> Any:
        return super().filter_queryset(queryset).order_by("name_sort_key", "pk")


def latest_links(member_ids: list[int]) -> dict[int, ResidenceLink]:
    """Each member's open link, or else their latest one (one query)."""
    links = (
        ResidenceLink.objects.filter(member_id__in=member_ids)
        .select_related("residence_commune_organization", "residence_cell")
        .annotate(
            open_rank=models.Case(
                models.When(status__in=ResidenceLink.OPEN_STATUSES, then=1),
                default=0,
                output_field=models.IntegerField(),
            )
        )
        .order_by("member_id", "open_rank", "issued_on", "pk")
    )
    return {link.member_id: link for link in links}  # the last one per member wins


def exemption_reasons(member_ids: Any, on: datetime.date) -> dict[int, str]:
    """``{member id: reason label}`` of the category-A decisions in force (one query)."""
    rows = (
        ExemptionDecision.objects.in_force(on=on)
        .filter(member_id__in=member_ids, category=Category.A)
        .order_by("member_id", "valid_from", "id")
        .values_list("member_id", "reason")
    )
    return {member_id: str(Reason(reason).label) for member_id, reason in rows}
