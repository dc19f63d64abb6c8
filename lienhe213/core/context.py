"""Where the current request came from, for the audit trail.

Services never see the request; the middleware stores the client address and a request
id here, and ``core.audit.record`` reads them. Outside a request (commands, tasks) both
stay empty, and commands may set an origin of their own.
"""

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    request_id: str = ""


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "lienhe213_request_context",
    default=RequestContext(),  # noqa: B039  (frozen)
)


def current() -> RequestContext:
    return _current.get()


def set_current(ctx: RequestContext) -> contextvars.Token[RequestContext]:
    return _current.set(ctx)


def reset(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)
