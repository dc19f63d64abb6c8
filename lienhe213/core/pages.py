"""Small helpers every list page uses: paging without COUNT, htmx fragments."""

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

T = TypeVar("T", bound=models.Model)


class HtmxHttpRequest(HttpRequest):
    """A request through ``django_htmx``'s middleware, as its documentation types it:
    ``request.htmx`` tells whether htmx sent it."""

    htmx: HtmxDetails


PAGE_SIZE = 50
# Beyond any list's length (5 million rows); a larger page number reads as the last one
# this allows instead of an offset the database cannot hold.
MAX_PAGE = 100_000


@dataclass
class PeekPage(Generic[T]):
    """One page of a list, found by fetching one row more than the page holds.

    At province scale a ``COUNT(*)`` of a scoped list costs as much as the page itself
    (docs/performance.md), so lists show previous/next without a total: the extra row only
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
    """The ``page``-th page (1-based; anything unreadable means the first, anything past
    ``MAX_PAGE`` that one) of ``queryset``."""
    try:
        number = min(max(1, int(str(page))), MAX_PAGE)
    except ValueError:
        number = 1
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    return PeekPage(rows=rows[:size], number=number, has_next=len(rows) > size)


def wants_fragment(request: HttpRequest) -> bool:
    """Whether to answer with a fragment: an htmx request, except when htmx restores a
    page from history after a cache miss (it then needs the whole page)."""
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], fragment: str
) -> HttpResponse:
    """Render ``template``, or only its ``fragment`` partial for an htmx request."""
    name = f"{template}#{fragment}" if wants_fragment(request) else template
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def query_without_page(request: HttpRequest) -> str:
    """The current query string without ``page``, for previous/next links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
