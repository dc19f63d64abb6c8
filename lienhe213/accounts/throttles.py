"""Attempts to log in — at the login form and at the API's token endpoint — counted per
client address and username (case folded), so one client guessing one account's
password is stopped without locking that account for everyone else.

DRF's ``SimpleRateThrottle`` keeps the count (its rates and their format, ``n/min``,
come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``) in Django's cache: with several
application servers, ``CACHE_URL`` must name a shared one for the limit to be global."""

from typing import Any

from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from lienhe213.core.middleware import client_ip

USERNAME_LENGTH = 150


def attempted_username(data: Any) -> str:
    """The username a request's body tried, cut to the field's length; "" if none."""
    username = data.get("username", "") if hasattr(data, "get") else ""
    return username[:USERNAME_LENGTH] if isinstance(username, str) else ""


class _AttemptThrottle(SimpleRateThrottle):
    def attempt(self, request: Any) -> tuple[HttpRequest, str]:
        """The Django request and the username tried."""
        raise NotImplementedError

    def get_cache_key(self, request: Any, view: Any) -> str:
        http_request, username = self.attempt(request)
        ident = f"{client_ip(http_request) or ''}|{username.casefold()}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenAttemptThrottle(_AttemptThrottle):
    """``POST /api/v1/auth/token/`` (``LIENHE213_TOKEN_RATE``)."""

    scope = "auth-token"

    def attempt(self, request: Request) -> tuple[HttpRequest, str]:
        return request._request, attempted_username(request.data)


class LoginAttemptThrottle(_AttemptThrottle):
    """The login form (``LIENHE213_LOGIN_RATE``)."""

    scope = "login"

    def attempt(self, request: HttpRequest) -> tuple[HttpRequest, str]:
        return request, attempted_username(request.POST)

    def allow_login(self, request: HttpRequest) -> bool:
        """Count this attempt; False once over the rate. (DRF's throttle reads nothing
        of the request but through ``get_cache_key``, so a plain Django request does.)"""
        return self.allow_request(request, None)  # type: ignore[arg-type]
