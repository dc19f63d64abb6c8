"""REST API of the official documents, on the same services and gatekeepers as the
pages:

- ``GET /api/v1/documents/`` and ``/{id}/``: registered documents the user may see;
  ``/{id}/pdf/`` and ``/{id}/docx/``: the file, for those who may print it (403 else);
- ``POST /api/v1/documents/letters/`` ``{"link", "signer"}``, ``/requests/`` and
  ``/comments/`` ``{"request", "signer"}``: register (or find) the document, 201 (200 for
  one already issued, which needs no ``signer``); ``signer`` is "secretary" or "deputy";
- ``POST /api/v1/documents/batches/`` ``{"workplace", "issued_on", "output", "signer"}`` (202;
  ``output`` "pdf", the default, or "zip": one PDF per letter) and
  ``GET /api/v1/documents/batches/{id}/``: letter batches and their progress;
- ``POST /api/v1/documents/{id}/revoke/`` ``{"reason"}``: withdraw a valid document, for
  those who act for its issuer (403 else);
- ``GET /api/v1/documents/verify/{code}/``: public, what the verification page shows.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from lienhe213.accounts.access import Capability, has_capability
from lienhe213.core.api import validated_input
from lienhe213.documents import access, services
from lienhe213.documents.models import IssuedDocument, Series
from lienhe213.documents.serializers import (
    BatchInputSerializer,
    CommentInputSerializer,
    DocumentBatchSerializer,
    IssuedDocumentSerializer,
    LetterInputSerializer,
    RevokeInputSerializer,
    VerificationSerializer,
)
from lienhe213.documents.views import DOCX, PDF


def _require_signer(data: dict[str, Any], existed: bool) -> str:
    """Who signs: required to issue a new document, not to fetch one already issued."""
    signer = str(data.get("signer") or "")
    if not existed and not signer:
        raise ValidationError({"signer": [_("Choose who signs for the committee.")]})
    return signer


class DocumentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[IssuedDocument]
):
    serializer_class = IssuedDocumentSerializer
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> "QuerySet[IssuedDocument]":
        return IssuedDocument.objects.visible_to(self.request.user).select_related(
            "issuer",
            "organization",
            "link__issued_by_organization",
            "comment_request__link__residence_commune_organization",
            "comment_request__workplace_organization",
        )

    def _file(self, fmt: str) -> HttpResponse:
        document = self.get_object()
        if not services.may_print(self.request.user, document):
            raise PermissionDenied
        name = document.file_stem()
        if fmt == "docx":
            content, content_type = services.render_docx(document), DOCX
        else:
            content, content_type = services.render_pdf(document), PDF
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response

    @extend_schema(responses={(200, PDF): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        return self._file("pdf")

    @extend_schema(responses={(200, DOCX): bytes})
    @action(detail=True, methods=["get"])
    def docx(self, request: Request, pk: str | None = None) -> HttpResponse:
        return self._file("docx")

    @extend_schema(request=RevokeInputSerializer, responses=IssuedDocumentSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        document = self.get_object()
        if not services.may_revoke(request.user, document):
            raise PermissionDenied
        reason = validated_input(RevokeInputSerializer, request)["reason"]
        revoked = services.revoke_document(by=request.user, document=document, reason=reason)
        return Response(IssuedDocumentSerializer(revoked).data)

    def _registered(self, issued: services.Rendered, existed: bool) -> Response:
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(IssuedDocumentSerializer(issued.document).data, status=code)

    @extend_schema(request=LetterInputSerializer, responses=IssuedDocumentSerializer)
    @action(detail=False, methods=["post"])
    def letters(self, request: Request) -> Response:
        data = validated_input(LetterInputSerializer, request)
        link = data["link"]
        if not services.may_print_letter(request.user, link):
            raise PermissionDenied
        existed = services.issued_letter(link) is not None
        signer = _require_signer(data, existed)
        issued = services.issue_letter_document(by=request.user, link=link, signer=signer)
        return self._registered(issued, existed)

    @extend_schema(request=CommentInputSerializer, responses=IssuedDocumentSerializer)
    @action(detail=False, methods=["post"])
    def comments(self, request: Request) -> Response:
        data = validated_input(CommentInputSerializer, request)
        item = data["request"]
        if not services.may_print_comment(request.user, item):
            raise PermissionDenied
        existed = services.issued_for_request(item, Series.COMMENT) is not None
        signer = _require_signer(data, existed)
        issued = services.issue_comment_document(by=request.user, request=item, signer=signer)
        return self._registered(issued, existed)

    @extend_schema(request=CommentInputSerializer, responses=IssuedDocumentSerializer)
    @action(detail=False, methods=["post"], url_path="requests")
    def comment_requests(self, request: Request) -> Response:
        data = validated_input(CommentInputSerializer, request)
        item = data["request"]
        if not services.may_print_request(request.user, item):
            raise PermissionDenied
        existed = services.issued_for_request(item, Series.REQUEST) is not None
        signer = _require_signer(data, existed)
        issued = services.issue_request_document(by=request.user, request=item, signer=signer)
        return self._registered(issued, existed)

    @extend_schema(request=BatchInputSerializer, responses={202: DocumentBatchSerializer})
    @action(detail=False, methods=["post"], url_path="batches")
    def start_batch(self, request: Request) -> Response:
        data = validated_input(BatchInputSerializer, request)
        if not has_capability(request.user, Capability.MANAGE_LETTERS, data["workplace"].path):
            raise PermissionDenied
        batch = services.start_letter_batch(
            by=request.user,
            workplace=data["workplace"],
            issued_on=data["issued_on"],
            output=data["output"],
            signer=data["signer"],
        )
        return Response(DocumentBatchSerializer(batch).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=DocumentBatchSerializer)
    @action(detail=False, methods=["get"], url_path=r"batches/(?P<batch_pk>\d+)")
    def batch(self, request: Request, batch_pk: str) -> Response:
        return Response(
            DocumentBatchSerializer(access.get_batch_for_user(request.user, batch_pk)).data
        )

    @extend_schema(responses=VerificationSerializer)
    @action(
        detail=False,
        methods=["get"],
        url_path=r"verify/(?P<code>[^/]+)",
        permission_classes=[AllowAny],
        authentication_classes=[],
    )
    def verify(self, request: Request, code: str) -> Response:
        return Response(VerificationSerializer(access.get_document_by_code(code)).data)
