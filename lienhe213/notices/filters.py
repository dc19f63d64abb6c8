"""The filters of the notices list, one set for the notice box pages and the API under
the same parameter names (``kind``, ``status``, ``member``, ``inbox``, ``outbox``,
``involving``, ``sent_from``, ``sent_to``, ``overdue``, ``waiting``, ``acknowledged``,
``needs_answer``, ``answered_on_time``). A box page fixes its organization from the
address: its inbox, its outbox, or with ``both`` the notices involving it."""

from typing import Any

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe213.core.filters import IdFilter, boolean_filter
from lienhe213.notices.models import Kind, Notice
from lienhe213.notices.queries import NoticeQuerySet
from lienhe213.organizations.filters import VisibleOrganizationFilter
from lienhe213.organizations.models import Organization
from lienhe213.registry.filters import noop


class NoticeFilter(django_filters.FilterSet):
    """A boolean narrows to the notices that meet it (true, or a page's checked box) or
    to those that do not (false). The API answers 400 for an unreadable value; a page
    leaves that one filter out."""

    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Kind.choices, empty_label=_("All kinds")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Notice.Status.choices, empty_label=_("All statuses")
    )
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
    involving = VisibleOrganizationFilter(
        label=_("Sent or received"),
        method="filter_involving",
        help_text=_("Notices sent or received by this organization or one below it."),
    )
    sent_from = django_filters.DateFilter(label=_("Sent from"), method=noop)
    sent_to = django_filters.DateFilter(label=_("Sent to"), method=noop)
    overdue = boolean_filter(
        _("Overdue only"),
        "filter_overdue",
        help_text=_("Unanswered past the answer deadline, as of today."),
    )
    waiting = boolean_filter(_("Waiting for an answer"), "filter_waiting")
    acknowledged = boolean_filter(_("Acknowledged"), "filter_acknowledged")
    needs_answer = boolean_filter(_("Needing an answer"), "filter_needs_answer")
    answered_on_time = boolean_filter(_("Answered on time"), "filter_answered_on_time")

    class Meta:
        model = Notice
        fields = [
            "kind",
            "status",
            "member",
            "inbox",
            "outbox",
            "involving",
            "sent_from",
            "sent_to",
            "overdue",
            "waiting",
            "acknowledged",
            "needs_answer",
            "answered_on_time",
        ]

    def filter_inbox(self, queryset: NoticeQuerySet, name: str, value: Organization | None) -> Any:
        return queryset.inbox(value) if value is not None else queryset

    def filter_outbox(self, queryset: NoticeQuerySet, name: str, value: Organization | None) -> Any:
        return queryset.outbox(value) if value is not None else queryset

    def filter_involving(
        self, queryset: NoticeQuerySet, name: str, value: Organization | None
    ) -> Any:
        return queryset.involving(value) if value is not None else queryset

    def _narrow(self, queryset: NoticeQuerySet, value: bool | None, meeting: Any) -> Any:
        if value is None:
            return queryset
        return meeting if value else queryset.exclude(pk__in=meeting.values("pk"))

    def filter_overdue(self, queryset: NoticeQuerySet, name: str, value: bool | None) -> Any:
        return self._narrow(queryset, value, queryset.overdue(on=timezone.localdate()))

    def filter_waiting(self, queryset: NoticeQuerySet, name: str, value: bool | None) -> Any:
        return self._narrow(queryset, value, queryset.waiting())

    def filter_acknowledged(self, queryset: NoticeQuerySet, name: str, value: bool | None) -> Any:
        return queryset if value is None else queryset.filter(acknowledged_at__isnull=not value)

    def filter_needs_answer(self, queryset: NoticeQuerySet, name: str, value: bool | None) -> Any:
        return queryset if value is None else queryset.filter(response_due__isnull=not value)

    def filter_answered_on_time(
        self, queryset: NoticeQuerySet, name: str, value: bool | None
    ) -> Any:
        if value is None:
            return queryset
        annotated: Any = queryset.with_answered_on_time()  # the stubs miss annotations
        return annotated.filter(answered_on_time=value)

    def filter_queryset(self, queryset: Any) -> Any:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        start, end = data.get("sent_from"), data.get("sent_to")
        return queryset.sent_between(start, end) if start or end else queryset
