"""Optimistic locking: a page carries the ``version`` of the row it showed, and a write
made from a page that is no longer current is refused instead of overwriting a newer
record (``core.api.stale_aware`` turns the refusal into a 409 in the API).

The one check and its messages live here. Each message names the kind of record, as the
user knows it; they are literals so that the translation tools extract them.
"""

from typing import Literal, Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from lienhe213.core.errors import DomainError

Stale = Literal[
    "entry", "comment", "meeting", "notice", "commendation", "record", "import", "report"
]

STALE_MESSAGES: dict[Stale, Promise] = {
    "entry": gettext_lazy(
        "This entry was changed by someone else meanwhile. Reload it and try again."
    ),
    "comment": gettext_lazy(
        "This comment was changed by someone else meanwhile. Reload it and try again."
    ),
    "meeting": gettext_lazy(
        "This meeting was changed by someone else meanwhile. Reload it and try again."
    ),
    "notice": gettext_lazy(
        "This notice was changed by someone else meanwhile. Reload it and try again."
    ),
    "commendation": gettext_lazy("The commendation changed meanwhile: reload it and try again."),
    "record": gettext_lazy(
        "This record was changed by someone else meanwhile. Reload it and try again."
    ),
    "import": gettext_lazy(
        "This import was changed by someone else meanwhile. Reload it and try again."
    ),
    "report": gettext_lazy(
        "This report was changed by someone else meanwhile. Reload it and try again."
    ),
}


class Versioned(Protocol):
    """A row with a version number that every write increments."""

    @property
    def version(self) -> int: ...


def check_version(obj: Versioned, version: int | None, *, what: Stale) -> None:
    """Refuse (``DomainError``, with the translated message for ``what``) when the page
    showed ``version`` of ``obj`` and ``obj`` — read and locked by the service — has
    changed since. No ``version`` (a command, the importer, a test) means no check."""
    if version is not None and version != obj.version:
        raise DomainError(STALE_MESSAGES[what])
