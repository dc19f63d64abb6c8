"""REST API glue shared by every app: domain errors become 400 responses, and a refusal
caused by a stale version becomes 409 with the stored version."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from lienhe213.core.errors import DomainError

T = TypeVar("T")


def stale_aware(
    call: Callable[[], T], *, version: int | None, stored: Callable[[], int]
) -> T | Response:
    """Run a versioned step. When the service refuses and the row's ``stored`` version
    is no longer the ``version`` the client sent, the refusal is a conflict: 409 with
    the stored version, so the client can reload. Other refusals propagate (400)."""
    try:
        return call()
    except DomainError as exc:
        if version is None:
            raise
        current = stored()
        if current == version:
            raise
        return Response({"detail": str(exc), "version": current}, status=status.HTTP_409_CONFLICT)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn ``DomainError`` and Django ``ValidationError`` into DRF validation errors."""
    if isinstance(exc, DomainError):
        detail: dict[str, Any] = {exc.field: [str(exc)]} if exc.field else {"detail": str(exc)}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"detail": exc.messages})
    return drf_exception_handler(exc, context)


class Pagination(LimitOffsetPagination):
    """``?limit=`` and ``?offset=`` with bounds: at most 500 rows a page (a client asking
    for a hundred million gets 500), and an offset past 5 million rows reads as that
    offset instead of one the database cannot hold."""

    max_limit = 500
    max_offset = 5_000_000

    def get_offset(self, request: Any) -> int:
        return min(super().get_offset(request), self.max_offset)


def validated_input(
    serializer_class: type[serializers.Serializer[Any]], request: Request, *, query: bool = False
) -> dict[str, Any]:
    """The request body, or with ``query`` its query parameters, checked by
    ``serializer_class`` (400 with field errors if not)."""
    data = request.query_params if query else request.data
    serializer = serializer_class(data=data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
