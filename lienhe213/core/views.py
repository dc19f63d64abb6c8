"""The audit page, and small helpers every page uses (paging, htmx fragments, navigation)."""

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from lienhe213.accounts.access import Capability, has_capability, scope_paths, sees_everything
from lienhe213.core.models import AuditEvent

T = TypeVar("T", bound=models.Model)

PAGE_SIZE = 50


@dataclass
class PeekPage(Generic[T]):
    """One page of a list, found by fetching one row more than the page holds.

    At province scale a ``COUNT(*)`` of a scoped list costs as much as the page itself
    (PERFORMANCE.md), so lists show previous/next without a total: the extra row only
    tells whether a next page exists.
    """

    rows: list[T]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.rows else 0


def peek_page(queryset: "models.QuerySet[T]", page: object, size: int = PAGE_SIZE) -> PeekPage[T]:
    """The ``page``-th page (1-based; anything unreadable means the first) of ``queryset``."""
    try:
        number = max(1, int(str(page)))
    except ValueError:
        number = 1
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    return PeekPage(rows=rows[:size], number=number, has_next=len(rows) > size)


def wants_fragment(request: HttpRequest) -> bool:
    """Whether to answer with a fragment: an htmx request, except when htmx restores a
    page from history after a cache miss (it then needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], fragment: str
) -> HttpResponse:
    """Render ``template``, or only its ``fragment`` partial for an htmx request."""
    name = f"{template}#{fragment}" if wants_fragment(request) else template
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: which sections the navigation offers to this user."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "can_view_audit": has_capability(user, Capability.VIEW_AUDIT),
        "can_view_organizations": has_capability(user, Capability.VIEW_ORGANIZATIONS),
    }


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All actions")), *AuditEvent.Action.choices],
    )
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filter(self, events: "models.QuerySet[AuditEvent]") -> "models.QuerySet[AuditEvent]":
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["actor"]:
            events = events.filter(actor_name__icontains=data["actor"].strip())
        if data["date_from"]:
            events = events.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            events = events.filter(at__date__lte=data["date_to"])
        return events


def change_rows(changes: Any) -> list[tuple[str, Any, Any]]:
    """``(field, before, after)`` rows of an audit event's changes.

    Updates store ``{field: [old, new]}``; creations store a plain snapshot
    ``{field: value}``, shown as an empty "before".
    """
    if not isinstance(changes, dict):
        return []
    rows: list[tuple[str, Any, Any]] = []
    for field, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            rows.append((field, value[0], value[1]))
        else:
            rows.append((field, None, value))
    return rows


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail of the user's scope; events outside any subtree (logins of
    unassigned accounts, system jobs) only for superusers."""
    if not has_capability(request.user, Capability.VIEW_AUDIT):
        raise PermissionDenied
    events = AuditEvent.objects.all()
    if not sees_everything(request.user):
        events = events.in_scope_paths(scope_paths(request.user, Capability.VIEW_AUDIT))
    form = AuditFilterForm(request.GET)
    page = peek_page(form.filter(events), request.GET.get("page"))
    for event in page.rows:
        event.change_rows = change_rows(event.changes)  # type: ignore[attr-defined]
    context = {"form": form, "page": page, "query": query_without_page(request)}
    return render_page(request, "core/auditevent_list.html", context, "results")


def query_without_page(request: HttpRequest) -> str:
    """The current query string without ``page``, for previous/next links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
