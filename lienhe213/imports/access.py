"""Gatekeeper of the imports: a batch is read only through the organizations where the
user may import (``ImportBatch.objects.visible_to``); writing is checked again by the
services, kind by kind."""

from django.http import Http404

from lienhe213.accounts.access import AnyUser
from lienhe213.imports.models import ImportBatch


def get_import_for_user(user: AnyUser, pk: object) -> ImportBatch:
    """The import ``pk`` if it went into an organization of the subtree where ``user``
    may import (404 otherwise: an unknown, forged or foreign id reveals nothing). The
    stored file is deferred: a province's workbook is megabytes the pages never show."""
    try:
        return (
            ImportBatch.objects.visible_to(user)
            .select_related("organization", "organization__parent", "created_by")
            .defer("content")
            .get(pk=int(str(pk)))
        )
    except (ImportBatch.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
