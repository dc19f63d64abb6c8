"""Gatekeepers for the official documents: the public verification page finds a
document by its code alone; everything else goes through the object the document was
issued for (the link's or the comment request's own gatekeeper)."""

from django.http import Http404

from lienhe213.accounts.access import AnyUser
from lienhe213.documents.models import DocumentBatch, IssuedDocument


def get_document_by_code(code: str) -> IssuedDocument:
    """The document printed with ``code``; 404 for an unknown or forged code (the answer
    is the same whatever the code looks like)."""
    try:
        return IssuedDocument.objects.select_related(
            "issuer", "member", "link", "superseded_by"
        ).get(verification_code=code)
    except IssuedDocument.DoesNotExist as exc:
        raise Http404 from exc


def get_batch_for_user(user: AnyUser, pk: object) -> DocumentBatch:
    """The batch ``pk`` if ``user`` manages letters over its issuer (404 otherwise)."""
    try:
        return (
            DocumentBatch.objects.visible_to(user)
            .select_related("issuer")
            .defer("pdf", "archive")
            .get(pk=int(str(pk)))
        )
    except (DocumentBatch.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def get_document_for_user(user: AnyUser, pk: object) -> IssuedDocument:
    """The registered document ``pk`` if ``user`` sees the object it was issued for
    (404 otherwise)."""
    try:
        return (
            IssuedDocument.objects.visible_to(user)
            .select_related("issuer", "member", "link", "superseded_by")
            .get(pk=int(str(pk)))
        )
    except (IssuedDocument.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
