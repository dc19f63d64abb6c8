"""Attempts to log in — at the login form, at the API's token endpoint, and at any other
door that calls Django's ``authenticate()`` — limited twice, under the normalised
username (``accounts.models.normalize_username``: "  XA", "xa\\t" and fullwidth "ｘａ" are
all "xa", the account they log in as):

* per client address and username (``LIENHE213_LOGIN_RATE``, ``LIENHE213_TOKEN_RATE``),
  so one client guessing one account's password is stopped without locking that account
  for everyone else. DRF's ``SimpleRateThrottle`` keeps the count (its rates and their
  format, ``n/min``, come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``);
* per username from every address (``Lockout``): after ``LOCKOUT_AFTER`` wrong passwords
  within ``LOCKOUT_WINDOW`` seconds the username is locked for ``LOCKOUT_SECONDS``,
  twice as long at each further lockout (up to ``LOCKOUT_MAX_SECONDS``), so many
  addresses guessing one account get no more guesses than one. A username that names no
  account locks the same way: the answer tells nothing about which accounts exist. A
  successful login or an administrator's ``unlock_account`` starts the username afresh.

Both live in Django's cache: with several application servers, ``CACHE_URL`` must name
a shared one for the limits to be global.
"""

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from lienhe213.accounts.models import normalize_username
from lienhe213.core.middleware import client_ip

USERNAME_LENGTH = 150

# How long the number of lockouts so far (which doubles the next delay) is remembered
# after the last one.
LOCKOUT_MEMORY = 24 * 60 * 60


def now() -> float:
    """The lockout's clock (tests replace it)."""
    return time.time()


def attempted_username(data: Any) -> str:
    """The username a request's body tried, normalised and cut to the field's length;
    "" if none. (Normalised before it is cut: the forms strip whitespace before they
    check the length, so "<200 spaces>xa" logs in as "xa".)"""
    username = data.get("username", "") if hasattr(data, "get") else ""
    return normalize_username(username)[:USERNAME_LENGTH] if isinstance(username, str) else ""


def _digest(username: str) -> str:
    """The cache keys' part for a (normalised) username: any length, any characters."""
    return hashlib.sha256(username.encode()).hexdigest()


class _AttemptThrottle(SimpleRateThrottle):
    def attempt(self, request: Any) -> tuple[HttpRequest, str]:
        """The Django request and the username tried."""
        raise NotImplementedError

    def get_cache_key(self, request: Any, view: Any) -> str:
        http_request, username = self.attempt(request)
        ident = f"{client_ip(http_request) or ''}|{_digest(username)}"
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


class PasswordResetThrottle(SimpleRateThrottle):
    """The password reset form (``LIENHE213_RESET_RATE``, five an hour by default), per
    e-mail address typed, from any client: nobody's mailbox is flooded with reset
    links. Counted before any account is looked up, so the refusal is the same for an
    address that names no account."""

    scope = "password-reset"

    def get_cache_key(self, request: Any, view: Any) -> str:
        email = request.POST.get("email", "")
        email = email.strip().casefold() if isinstance(email, str) else ""
        return self.cache_format % {"scope": self.scope, "ident": _digest(email)}

    def allow_reset(self, request: HttpRequest) -> bool:
        """Count this request; False once over the rate."""
        return self.allow_request(request, None)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Lock:
    """A lockout just begun: the how-manieth it is, and how long it lasts."""

    level: int
    seconds: int


class Lockout:
    """The failed logins of one username from any address, and its lockout.

    Three cache entries per username: the failures of the current window (an atomic
    counter, so parallel guesses are all counted), the lockout's end (a time of
    ``now()``), and how many lockouts there were (the next delay's exponent)."""

    def __init__(self, username: str) -> None:
        self.username = normalize_username(username)
        digest = _digest(self.username)
        self._failures = f"lockout:failures:{digest}"
        self._until = f"lockout:until:{digest}"
        self._level = f"lockout:level:{digest}"

    def remaining(self) -> float:
        """Seconds until the lockout ends; 0 when the username is not locked."""
        until = cache.get(self._until)
        return max(0.0, float(until) - now()) if until is not None else 0.0

    def is_locked(self) -> bool:
        return self.remaining() > 0

    def failures(self) -> int:
        return int(cache.get(self._failures) or 0)

    def fail(self) -> Lock | None:
        """Count one wrong password; the lockout it starts, if it is the last allowed.
        Nothing is counted while the username is locked (no password was checked)."""
        if self.is_locked():
            return None
        count = _increment(self._failures, settings.LOCKOUT_WINDOW)
        if settings.LOCKOUT_AFTER <= 0 or count < settings.LOCKOUT_AFTER:
            return None
        level = _increment(self._level, LOCKOUT_MEMORY)
        seconds = min(
            settings.LOCKOUT_SECONDS * 2 ** min(level - 1, 32), settings.LOCKOUT_MAX_SECONDS
        )
        cache.set(self._until, now() + seconds, timeout=seconds + 1)
        cache.delete(self._failures)
        return Lock(level=level, seconds=seconds)

    def clear(self) -> None:
        """Forget the failures, the lockout and the number of lockouts."""
        cache.delete_many([self._failures, self._until, self._level])


def _increment(key: str, timeout: int) -> int:
    """Add one to the counter at ``key``, created for ``timeout`` seconds if absent."""
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=timeout)
        return 1


def locked_usernames(usernames: list[str]) -> set[str]:
    """Those of ``usernames`` (as stored) that are locked now, in one cache read."""
    keys = {Lockout(name)._until: name for name in usernames}
    moment = now()
    return {keys[key] for key, until in cache.get_many(list(keys)).items() if until > moment}
