"""Filters of the tracking book (residence side) and of its workplace mirror."""

import datetime
from typing import Any

import django_filters
from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe213.core.filters import IdFilter
from lienhe213.core.text import fold
from lienhe213.members.models import Member
from lienhe213.members.queries import MemberQuerySet
from lienhe213.organizations.filters import VisibleOrganizationFilter, visible_organizations
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import Category, ExemptionDecision, Reason, ResidenceLink
from lienhe213.registry.queries import (
    LINK_STEPS,
    ExemptionDecisionQuerySet,
    ResidenceLinkQuerySet,
    active_on_condition,
    link_scope_condition,
    overdue_on_condition,
    side_condition,
    step_in_period,
)

YES = [("1", _("Yes"))]
# The side a report's child row counts a link on (``registry.queries.SIDES``).
SIDE_CHOICES = [
    ("residence", _("Residence: the cell, or the commune before a cell is assigned")),
    ("workplace", _("Workplace committee")),
    ("party_unit", _("Member's party unit")),
]


def search_names(queryset: Any, value: str, field: str) -> Any:
    """Every word of ``value``, folded, must occur in the folded name. Identifiers are
    not searched: residence-side viewers must not learn party card numbers."""
    for word in fold(value).split():
        queryset = queryset.filter(**{f"{field}__contains": word})
    return queryset


def noop(queryset: Any, name: str, value: Any) -> Any:
    return queryset  # applied together in the filter set's ``filter_queryset``


def date_filter(label: Any) -> django_filters.DateFilter:
    return django_filters.DateFilter(label=label, method=noop)


# ``?<step>_from=&<step>_to=`` for each step a report counts in a period, and the
# "as of" states of a past day: the same conditions as the report's figures (ADR 0008).
PERIOD_FILTERS = [f"{step}_{end}" for step in LINK_STEPS for end in ("from", "to")]
DAY_FILTERS = ["active_on", "overdue_on"]


class StepDateFilters(django_filters.FilterSet):
    """The period of each step and the day of the "as of" states: the conditions of a
    report's link figures (``dated`` applies them), declared once for every list of
    links (the book, a subtree's links, the API)."""

    issued_from = date_filter(_("Issued from"))
    issued_to = date_filter(_("Issued to"))
    received_from = date_filter(_("Received from"))
    received_to = date_filter(_("Received to"))
    returned_from = date_filter(_("Returned from"))
    returned_to = date_filter(_("Returned to"))
    moved_in_from = date_filter(_("Moved in from"))
    moved_in_to = date_filter(_("Moved in to"))
    moved_out_from = date_filter(_("Moved out from"))
    moved_out_to = date_filter(_("Moved out to"))
    active_on = date_filter(_("Active on"))
    overdue_on = date_filter(_("Overdue on"))


class BookFilter(StepDateFilters):
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
        fields = ["q", "status", "category", "overdue", "cell", *PERIOD_FILTERS, *DAY_FILTERS]

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
        return _dated_or_open(super().filter_queryset(queryset), self.form.cleaned_data)

    def dated_filters(self) -> list[tuple[str, Any, Any]]:
        return _dated_filters(self)


def dated(queryset: Any, data: dict[str, Any]) -> tuple[Any, bool]:
    """``queryset`` narrowed by the period and day filters in ``data`` (the conditions
    of a report's link figures), and whether any was given."""
    given = False
    for step in LINK_STEPS:
        start, end = data.get(f"{step}_from"), data.get(f"{step}_to")
        if start or end:
            queryset, given = queryset.filter(step_in_period(step, start, end)), True
    if day := data.get("active_on"):
        queryset, given = queryset.filter(active_on_condition(day)), True
    if day := data.get("overdue_on"):
        queryset, given = queryset.filter(overdue_on_condition(day)), True
    return queryset, given


def _dated_or_open(queryset: Any, data: dict[str, Any]) -> Any:
    """``queryset`` narrowed by the period and day filters in ``data``, in Vietnamese
    name order; with neither nor a status, the open links only."""
    queryset, given = dated(queryset, data)
    # a period or a past day asks for every link it matches, closed ones included
    if not data.get("status") and not given:
        queryset = queryset.open()
    return queryset.order_by("member__name_sort_key", "member_id", "pk")


def _dated_filters(filterset: django_filters.FilterSet) -> list[tuple[str, Any, Any]]:
    """``(name, label, value)`` of the period and day filters in use, for the page to
    show them and keep them when another filter changes."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return []
    data = filterset.form.cleaned_data
    return [
        (name, filterset.form.fields[name].label, data[name])
        for name in [*PERIOD_FILTERS, *DAY_FILTERS]
        if data.get(name)
    ]


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
            return queryset.filter(pk__not_among=in_force).filter(pk__not_among=open_links)
        if value == "no_link":
            return queryset.filter(pk__not_among=open_links)
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


class ClassificationFilter(django_filters.FilterSet):
    member = IdFilter(label=_("member"), field_name="member_id")
    category = django_filters.ChoiceFilter(label=_("category"), choices=Category.choices)
    decided_by = VisibleOrganizationFilter(
        label=_("decided by"),
        method="filter_decided_by",
        help_text=_("Decisions of this organization and of everything below it."),
    )
    in_force = django_filters.BooleanFilter(
        label=_("in force"), method="filter_in_force", help_text=_("In force today.")
    )

    class Meta:
        model = ExemptionDecision
        fields = ["member", "category", "decided_by", "in_force"]

    def filter_decided_by(
        self, queryset: ExemptionDecisionQuerySet, name: str, value: Organization | None
    ) -> Any:
        return queryset.filter(decided_by__path__under=value.path) if value else queryset

    def filter_in_force(self, queryset: ExemptionDecisionQuerySet, name: str, value: Any) -> Any:
        if value is None:
            return queryset
        in_force = queryset.in_force(on=timezone.localdate())
        return in_force if value else queryset.exclude(pk__in=in_force.values("pk"))


def residence_organizations(request: Any) -> QuerySet[Organization]:
    """Organizations a residence filter may name: those the user sees, and any
    residential organization (a workplace looks up where its members are registered)."""
    return visible_organizations(request) | Organization.objects.filter(
        side=Organization.Side.RESIDENTIAL
    )


class LinkFilterForm(forms.Form):
    """A side is read under an organization (``side`` needs ``subtree``); a period
    whose start is after its end is refused (the rows would silently be none)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("side") and data.get("subtree") is None:
            self.add_error("side", _("A side is read under an organization: give subtree too."))
        for step in LINK_STEPS:
            start, end = data.get(f"{step}_from"), data.get(f"{step}_to")
            if start and end and start > end:
                self.add_error(f"{step}_to", _("The end of the period is before its start."))
        return data


class ResidenceLinkFilter(StepDateFilters):
    """The links of the API and of a subtree's links page (``registry:subtree_links``,
    which fixes ``subtree`` to its organization), under the same parameter names: the
    conditions of a report's link figures (ADR 0008), and for a child's row the side it
    counts a link on. With ``open_by_default`` (the page), no status and no date mean
    the open links, in Vietnamese name order."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_("Words of the member's name; accents and case are ignored."),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ResidenceLink.Status.choices)
    category = django_filters.ChoiceFilter(label=_("category"), choices=Category.choices)
    workplace_organization = VisibleOrganizationFilter(
        label=_("workplace committee"),
        method="filter_workplace",
        help_text=_("Links held by this workplace organization and everything below it."),
    )
    residence_commune_organization = VisibleOrganizationFilter(
        label=_("residence"),
        queryset=residence_organizations,
        method="filter_residence",
        help_text=_("Links held at the residence by this organization or its cells."),
    )
    residence_cell = VisibleOrganizationFilter(
        label=_("residential cell"), queryset=residence_organizations
    )
    overdue = django_filters.BooleanFilter(
        label=_("overdue"),
        method="filter_overdue",
        help_text=_("Letters still not received after their deadline, as of today."),
    )
    member = IdFilter(label=_("member"), field_name="member_id")
    # The rows behind a report's link figures (ADR 0008), as ``registry:subtree_links``.
    subtree = VisibleOrganizationFilter(
        label=_("in the subtree of"),
        method=noop,
        help_text=_("Links either side of which lies under this organization."),
    )
    side = django_filters.ChoiceFilter(
        label=_("Side"),
        choices=SIDE_CHOICES,
        method=noop,
        empty_label=_("Either side"),
        help_text=_("With subtree: the side a report's child row counts a link on."),
    )

    class Meta:
        model = ResidenceLink
        fields = [
            "q",
            "status",
            "category",
            "workplace_organization",
            "residence_commune_organization",
            "residence_cell",
            "overdue",
            "member",
            "subtree",
            "side",
            *PERIOD_FILTERS,
            *DAY_FILTERS,
        ]
        form = LinkFilterForm

    def __init__(self, *args: Any, open_by_default: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_by_default = open_by_default
        if open_by_default:
            status = self.filters["status"]
            status.extra["empty_label"] = _("Open links")
            # The form field may already be built and copied along (the API's schema
            # reads the class's filters): drop it, so it is built with this label.
            vars(status).pop("_field", None)

    def filter_search(self, queryset: Any, name: str, value: str) -> Any:
        return search_names(queryset, value, "member__search_text")

    def filter_queryset(self, queryset: Any) -> Any:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if (subtree := data.get("subtree")) is not None:
            queryset = queryset.filter(link_scope_condition([subtree.path]))
            if side := data.get("side"):
                queryset = queryset.filter(side_condition(side, [subtree.path]))
        if self.open_by_default:
            return _dated_or_open(queryset, data)
        return dated(queryset, data)[0]

    def dated_filters(self) -> list[tuple[str, Any, Any]]:
        return _dated_filters(self)

    def filter_workplace(
        self, queryset: ResidenceLinkQuerySet, name: str, value: Organization | None
    ) -> Any:
        return queryset.at_workplace(value) if value is not None else queryset

    def filter_residence(
        self, queryset: ResidenceLinkQuerySet, name: str, value: Organization | None
    ) -> Any:
        return queryset.at_residence(value) if value is not None else queryset

    def filter_overdue(self, queryset: ResidenceLinkQuerySet, name: str, value: Any) -> Any:
        if value is None:
            return queryset
        overdue = queryset.overdue(on=timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))
