"""The export audit: every download labelled by ``core.audit.mark_export`` (a list to
XLSX or PDF, an import's rejected rows) writes one audit row — who, which list, the
filters of the query string, how many rows — because such files carry members' birth
dates, card numbers, addresses and phones out of the system."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from lienhe213.accounts.access import Capability, scope_paths
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
