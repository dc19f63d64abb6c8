"""Reusable reads of the issued documents: scoping follows the object a document was
issued for (the residence link or the comment request), so a document is seen exactly
by those who see that object."""

from typing import TYPE_CHECKING

from django.db import models

from lienhe213.organizations.queries import paths_condition

if TYPE_CHECKING:
    from lienhe213.accounts.access import AnyUser
    from lienhe213.documents.models import DocumentBatch, IssuedDocument  # noqa: F401


class IssuedDocumentQuerySet(models.QuerySet["IssuedDocument"]):
    def visible_to(self, user: "AnyUser") -> "IssuedDocumentQuerySet":
        """Documents about an object ``user`` may see (a link, a comment request, or
        the cell of a tracking book), through that object's own ``visible_to`` (one
        subquery each)."""
        from lienhe213.accounts import access
        from lienhe213.comments.models import CommentRequest
        from lienhe213.registry.models import ResidenceLink

        if access.sees_everything(user):
            return self
        from lienhe213.organizations.models import Organization

        return self.filter(
            models.Q(link__in=ResidenceLink.objects.visible_to(user).values("pk"))
            | models.Q(comment_request__in=CommentRequest.objects.visible_to(user).values("pk"))
            | models.Q(organization__in=Organization.objects.visible_to(user).values("pk"))
        )

    def valid(self) -> "IssuedDocumentQuerySet":
        return self.filter(status="valid")


class DocumentBatchQuerySet(models.QuerySet["DocumentBatch"]):
    def abandoned(self) -> "DocumentBatchQuerySet":
        """Batches that say they run but whose worker stopped (``core.leases``)."""
        from lienhe213.core import leases

        return self.filter(status="running", heartbeat_at__lt=leases.expired_before())

    def visible_to(self, user: "AnyUser") -> "DocumentBatchQuerySet":
        """Batches of an issuer in the subtree where ``user`` manages letters."""
        from lienhe213.accounts import access

        if access.sees_everything(user):
            return self
        paths = access.scope_paths(user, access.Capability.MANAGE_LETTERS)
        return self.filter(paths_condition("issuer__path", paths))
