import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control

from lienhe213.core import context


def client_ip(request: HttpRequest) -> str | None:
    """The client address; behind a proxy, configure it to set REMOTE_ADDR (e.g. gunicorn
    --forwarded-allow-ips) rather than trusting X-Forwarded-For from anyone."""
    return request.META.get("REMOTE_ADDR") or None


# What a proxy's request id may look like: a UUID, hex, or a short token of letters,
# digits, dots, dashes and underscores — never free text a client could write into the
# audit trail.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$", re.ASCII)


def request_id_of(request: HttpRequest) -> str:
    """The request's id: the proxy's ``X-Request-ID`` only when the deployment says a
    trusted proxy sets it (``LIENHE213_TRUST_REQUEST_ID``) and it is well formed;
    otherwise a new one. A client's own header is never trusted."""
    given = request.headers.get("X-Request-ID", "")
    if settings.TRUST_REQUEST_ID and _REQUEST_ID.match(given):
        return given
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Give every request an id for the audit trail (see ``request_id_of``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_of(request)
        token = context.set_current(
            context.RequestContext(ip=client_ip(request), request_id=request_id)
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which on
    many office machines says English; the system's users read Vietnamese first.
    The explicit choice (the language cookie set by ``set_language``) still wins, and
    the REST API follows Accept-Language, which API clients set on purpose.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in dict(settings.LANGUAGES):
            language = chosen
        elif request.path.startswith("/api/"):
            # API clients state their language explicitly with Accept-Language.
            language = translation.get_language_from_request(request)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every page, API answer and export a signed-in user
    receives (and every API answer): they carry members' personal data, which no
    browser cache or proxy may keep. Static files are served before this (WhiteNoise)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            patch_cache_control(response, no_store=True, private=True)
        return response
