"""Filters over the notices list (the REST API reads them)."""

from typing import Any

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe213.core.filters import IdFilter
from lienhe213.notices.models import Kind, Notice
from lienhe213.notices.queries import NoticeQuerySet
from lienhe213.organizations.filters import VisibleOrganizationFilter
from lienhe213.organizations.models import Organization


class NoticeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Kind.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=Notice.Status.choices)
    member = IdFilter(label=_("member"), field_name="member_id")
    inbox = VisibleOrganizationFilter(
        label=_("inbox"),
        method="filter_inbox",
        help_text=_("Notices addressed to this organization or one below it."),
    )
    outbox = VisibleOrganizationFilter(
        label=_("outbox"),
        method="filter_outbox",
        help_text=_("Notices sent by this organization or one below it."),
    )
    overdue = django_filters.BooleanFilter(
        label=_("overdue"),
        method="filter_overdue",
        help_text=_("Unanswered past the answer deadline, as of today."),
    )

    class Meta:
        model = Notice
        fields = ["kind", "status", "member", "inbox", "outbox", "overdue"]

    def filter_inbox(self, queryset: NoticeQuerySet, name: str, value: Organization | None) -> Any:
        return queryset.inbox(value) if value is not None else queryset

    def filter_outbox(self, queryset: NoticeQuerySet, name: str, value: Organization | None) -> Any:
        return queryset.outbox(value) if value is not None else queryset

    def filter_overdue(self, queryset: NoticeQuerySet, name: str, value: Any) -> Any:
        if value is None:
            return queryset
        overdue = queryset.overdue(on=timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))
