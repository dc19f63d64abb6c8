import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from lienhe213.core import context


def client_ip(request: HttpRequest) -> str | None:
    """The client address; behind a proxy, configure it to set REMOTE_ADDR (e.g. gunicorn
    --forwarded-allow-ips) rather than trusting X-Forwarded-For from anyone."""
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Give every request an id (or keep the proxy's X-Request-ID) for the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        token = context.set_current(
            context.RequestContext(ip=client_ip(request), request_id=request_id)
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response
