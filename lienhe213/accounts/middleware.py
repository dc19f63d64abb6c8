"""Middleware of the accounts:

* ``ExportAuditMiddleware``: every download labelled by ``core.audit.mark_export`` (a
  list to XLSX or PDF, an import's rejected rows) writes one audit row — who, which
  list, the filters of the query string, how many rows — because such files carry
  members' birth dates, card numbers, addresses and phones out of the system.
* ``SessionLimitsMiddleware``: a signed-in session ends after ``IDLE_MINUTES`` without
  a request, and at the latest ``SESSION_COOKIE_AGE`` seconds after it began.
* ``SecondFactorMiddleware``: an account with two-factor sign-in on reaches no page
  before it gives a code; one that must have it (``access.needs_second_factor``) sets
  it up first.
* ``PasswordChangeRequiredMiddleware``: an account with a temporary password sees only
  the password form until it chooses its own.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

from lienhe213.accounts.access import Capability, needs_second_factor, scope_paths
from lienhe213.core import audit
from lienhe213.core.models import AuditEvent


class ExportAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        exported = getattr(response, "exported", None)
        user = getattr(request, "user", None)
        if exported is not None and user is not None and user.is_authenticated:
            paths = scope_paths(user, Capability.VIEW_ORGANIZATIONS)
            audit.record(
                by=user,
                action=AuditEvent.Action.EXPORT,
                object_repr=exported["title"],
                changes={
                    "path": request.path,
                    "filters": {key: request.GET.getlist(key) for key in request.GET},
                    "rows": exported["rows"],
                },
                # Seen by those over the exporter: the most general place they act.
                scope_path=paths[0] if paths else "",
            )
        return response


# Seconds since the epoch, in the session: its first signed-in request and its latest.
SESSION_STARTED = "lienhe213_session_started"
LAST_ACTIVITY = "lienhe213_last_activity"
# The latest activity is written at most once a minute, not on every request (each
# write saves the session row).
ACTIVITY_RESOLUTION = 60


def now() -> float:
    """The sessions' clock (tests may replace it)."""
    return time.time()


@receiver(user_logged_in)
def _start_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A session that logs in starts its clocks (the token endpoint's login has no
    session, and gets none)."""
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) is not None:
        moment = now()
        session[SESSION_STARTED] = moment
        session[LAST_ACTIVITY] = moment


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _to(request: HttpRequest, url: str) -> HttpResponse:
    """Go to ``url``; an htmx request is told to load it as a whole page."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


class SessionLimitsMiddleware:
    """Log a session out after ``IDLE_MINUTES`` (``LIENHE213_IDLE_MINUTES``, 30) without
    a request, or ``SESSION_COOKIE_AGE`` (``LIENHE213_SESSION_HOURS``, a working day of
    8 hours) after its first request, whatever the activity: Django's own expiry slides
    with every write of the session. Logging out is audited and ends the account's API
    tokens (``accounts.services``); a page request goes to the login page with a
    message and comes back to the page after the login, an API request goes on as
    anonymous (401). Token-authenticated API requests have no session: their tokens
    expire instead (``accounts.authentication``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            refusal = self._check(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        session, moment = request.session, now()
        started, last = session.get(SESSION_STARTED), session.get(LAST_ACTIVITY)
        idle_minutes = settings.IDLE_MINUTES
        if isinstance(last, int | float) and moment - last > idle_minutes * 60:
            message = ngettext(
                "You were logged out after %(minutes)d minute without activity. Log in again.",
                "You were logged out after %(minutes)d minutes without activity. Log in again.",
                idle_minutes,
            ) % {"minutes": idle_minutes}
            return self._end(request, message)
        if isinstance(started, int | float) and moment - started > settings.SESSION_COOKIE_AGE:
            return self._end(request, _("Your session has ended. Log in again."))
        if not isinstance(started, int | float):
            session[SESSION_STARTED] = moment
        if not isinstance(last, int | float) or moment - last >= ACTIVITY_RESOLUTION:
            session[LAST_ACTIVITY] = moment
        return None

    def _end(self, request: HttpRequest, message: str) -> HttpResponse | None:
        logout(request)
        if _is_api(request):
            return None
        messages.info(request, message)
        login_url = reverse(settings.LOGIN_URL)
        if request.method != "GET" or getattr(request, "htmx", False):
            return _to(request, login_url)
        return redirect_to_login(request.get_full_path(), login_url)


# What a signed-in account may open before its second factor: the code form (or the
# set-up of its authenticator app, when it has none and must), and leaving.
OPEN_BEFORE_SECOND_FACTOR = {"accounts:logout", "accounts:login", "set_language"}
OPEN_FOR_SET_UP = OPEN_BEFORE_SECOND_FACTOR | {"accounts:two_factor_setup"}


class SecondFactorMiddleware:
    """Between the password and the second factor, an account sees only the code form
    (``accounts:two_factor_verify``), and comes back afterwards to the page it asked
    for. An account that must sign in with a second factor and has not set one up is
    sent to the set-up — after replacing a temporary password, which comes first.
    The API answers 403 itself (``accounts.authentication.SecondFactorDone``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _is_api(request):
            return None
        if user.is_verified():
            return None
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        if user.two_factor_enabled:
            if name in OPEN_BEFORE_SECOND_FACTOR or name == "accounts:two_factor_verify":
                return None
            return _to_with_next(request, reverse("accounts:two_factor_verify"))
        if not needs_second_factor(user) or user.must_change_password:
            return None
        if name in OPEN_FOR_SET_UP:
            return None
        return _to(request, reverse("accounts:two_factor_setup"))


def _to_with_next(request: HttpRequest, url: str) -> HttpResponse:
    """Go to ``url``, coming back afterwards to the page asked for (a plain GET)."""
    if request.method == "GET" and not getattr(request, "htmx", False):
        return redirect_to_login(request.get_full_path(), url)
    return _to(request, url)


# What an account with a temporary password may still open (besides the API, which
# answers 403 itself: ``accounts.authentication.PasswordChanged``).
OPEN_WITH_TEMPORARY_PASSWORD = {
    "accounts:password_change",
    "accounts:two_factor_verify",
    "accounts:logout",
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "set_language",
}


class PasswordChangeRequiredMiddleware:
    """Send an account that must replace its temporary password
    (``User.must_change_password``) to the password form from every other page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not getattr(user, "must_change_password", False) or _is_api(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_WITH_TEMPORARY_PASSWORD:
            return None
        return _to(request, reverse("accounts:password_change"))
