"""REST API of the imports, on the same services and gatekeeper as the pages:

- ``POST /api/v1/imports/`` (multipart: ``file``, ``kind`` = ``organizations`` |
  ``members`` | ``links``, ``organization``, optional ``all_or_nothing``) → 202
  ``{"id", "status", …}``; the check runs in the background;
- ``GET /api/v1/imports/`` and ``/{id}/``: status, ``progress``, ``counts`` and (detail)
  the rejected rows with their spreadsheet row numbers and reasons;
- ``GET /api/v1/imports/{id}/errors/``: the error workbook (XLSX);
- ``POST /api/v1/imports/{id}/commit/`` (optional ``{"version"}``) → 202.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from lienhe213.core.api import validated_input
from lienhe213.imports import access, services, workbooks
from lienhe213.imports.models import ImportBatch
from lienhe213.imports.serializers import (
    ImportBatchDetailSerializer,
    ImportBatchSerializer,
    ImportInputSerializer,
    VersionInputSerializer,
)
from lienhe213.registry.exports import XLSX


class ImportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ImportBatch]
):
    serializer_class = ImportBatchSerializer
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self) -> "QuerySet[ImportBatch]":
        return (
            ImportBatch.objects.visible_to(self.request.user)
            .select_related("organization")
            .defer("content")
        )

    def get_serializer_class(self) -> Any:
        return ImportBatchDetailSerializer if self.action == "retrieve" else ImportBatchSerializer

    @extend_schema(
        request={"multipart/form-data": ImportInputSerializer},
        responses={202: ImportBatchSerializer},
    )
    def create(self, request: Request) -> Response:
        data = validated_input(ImportInputSerializer, request)
        if not services.may_import(request.user, data["kind"], data["organization"]):
            raise PermissionDenied
        upload = data["file"]
        services.require_file_size(upload.size or 0)
        batch = services.start_import(
            by=request.user,
            kind=data["kind"],
            organization=data["organization"],
            file_name=upload.name or "",
            content=upload.read(),
            all_or_nothing=data["all_or_nothing"],
        )
        return Response(ImportBatchSerializer(batch).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=VersionInputSerializer, responses={202: ImportBatchSerializer})
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, pk: str | None = None) -> Response:
        batch = access.get_import_for_user(request.user, pk)
        if not services.may_import(request.user, batch.kind, batch.organization):
            raise PermissionDenied
        version = validated_input(VersionInputSerializer, request).get("version")
        batch = services.commit_import(by=request.user, batch=batch, version=version)
        return Response(ImportBatchSerializer(batch).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, XLSX): bytes})
    @action(detail=True, methods=["get"])
    def errors(self, request: Request, pk: str | None = None) -> HttpResponse:
        batch = access.get_import_for_user(request.user, pk)
        response = HttpResponse(workbooks.error_workbook(batch), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.xlsx"'
        return workbooks.mark_rejected_rows(response, batch)
