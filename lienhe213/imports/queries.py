from typing import TYPE_CHECKING

from django.db import models

from lienhe213.organizations.queries import paths_condition

if TYPE_CHECKING:
    from lienhe213.accounts.access import AnyUser
    from lienhe213.imports.models import ImportBatch  # noqa: F401


class ImportBatchQuerySet(models.QuerySet["ImportBatch"]):
    def visible_to(self, user: "AnyUser") -> "ImportBatchQuerySet":
        """Imports into an organization of the subtree where ``user`` may import: the
        subtree where they manage members (members, tracking book) or organizations."""
        from lienhe213.accounts import access

        if access.sees_everything(user):
            return self
        paths = access.scope_paths(user, access.Capability.IMPORT_RECORDS)
        return self.filter(paths_condition("organization__path", paths))

    def running(self) -> "ImportBatchQuerySet":
        return self.filter(status__in=["validating", "committing"])

    def abandoned(self) -> "ImportBatchQuerySet":
        """Imports being checked or committed whose worker stopped (``core.leases``)."""
        from lienhe213.core import leases

        return self.running().filter(heartbeat_at__lt=leases.expired_before())
