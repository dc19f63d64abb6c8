"""The limits of the residents' public page, in the pattern of ``accounts.throttles``:
DRF's ``SimpleRateThrottle`` counts in Django's cache (``CACHE_URL`` must name a shared
cache when several processes serve), with the rates of
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``:

* ``feedback-address``: reports sent from one client address, to any cell — one
  person (or script) cannot flood;
* ``feedback-cell``: reports received by one cell from every address — many addresses
  cannot bury one cell's secretary;
* ``feedback-status``: receipt look-ups from one client address, so receipt codes
  cannot be enumerated (they are unguessable anyway: 128 random bits).

No third party is asked (no captcha, no script): the form's time-based honeypot
(``feedback.forms``) stops the simple robots, these limits the rest. The page and the
API count in the same places, so switching door buys nothing.
"""

from typing import Any

from rest_framework.throttling import SimpleRateThrottle

from lienhe213.core.middleware import client_ip


def _http_request(request: Any) -> Any:
    """The Django request under a DRF one (or the Django request itself)."""
    return getattr(request, "_request", request)


class _Throttle(SimpleRateThrottle):
    def allow(self, request: Any) -> bool:
        """Count this request; False once over the rate. (DRF's throttle reads nothing
        of the request but through ``get_cache_key``, so a plain Django request does.)"""
        return self.allow_request(request, None)  # type: ignore[arg-type]


class AddressThrottle(_Throttle):
    """Reports sent from one client address (``LIENHE213_FEEDBACK_ADDRESS_RATE``)."""

    scope = "feedback-address"

    def get_cache_key(self, request: Any, view: Any) -> str:
        ident = client_ip(_http_request(request)) or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class CellThrottle(_Throttle):
    """Reports received by one cell from any address (``LIENHE213_FEEDBACK_CELL_RATE``)."""

    scope = "feedback-cell"

    def __init__(self, cell_id: int) -> None:
        super().__init__()
        self.cell_id = cell_id

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.cell_id}


class StatusThrottle(AddressThrottle):
    """Receipt look-ups from one client address (``LIENHE213_FEEDBACK_STATUS_RATE``)."""

    scope = "feedback-status"


def allow_report(request: Any, cell_id: int) -> bool:
    """Whether one more report may be sent from this address to this cell now; each
    attempt counts, accepted or not, so resending a refused form is no way around."""
    return AddressThrottle().allow(request) and CellThrottle(cell_id).allow(request)


def allow_status(request: Any) -> bool:
    return StatusThrottle().allow(request)
