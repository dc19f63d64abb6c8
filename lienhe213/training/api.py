"""REST API of training sessions, through the services the pages call and with the same
scoping (``TrainingSession.objects.visible_to``; a session the user may not see is 404,
a step by someone who sees it but does not organize it 403, a rule 400, a stale
``version`` 409).

``training/sessions/`` lists and plans sessions; ``{id}/`` reads one with its invitees
(the organizer side; an invitee reads their own row) and materials; ``{id}/invite/``,
``{id}/attendance/``, ``{id}/cancel/``; ``{id}/materials/`` uploads a PDF or DOCX
(multipart, the same checks as the page); ``training/materials/{id}/download/``
streams one after the same access check, and ``DELETE training/materials/{id}/``
removes it.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from lienhe213.core.api import stale_aware, validated_input
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.training import access, services
from lienhe213.training.filters import SessionFilter
from lienhe213.training.models import TrainingMaterial, TrainingSession
from lienhe213.training.serializers import (
    AttendanceSerializer,
    InviteResultSerializer,
    MaterialSerializer,
    MaterialUploadSerializer,
    PlanSerializer,
    SessionDetailSerializer,
    SessionSerializer,
    StepSerializer,
)


class SessionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[TrainingSession]
):
    """Training sessions scoped by ``TrainingSession.objects.visible_to``: upcoming
    first, then the past ones."""

    serializer_class = SessionSerializer
    filterset_class = SessionFilter

    def get_queryset(self) -> QuerySet[TrainingSession]:
        return (
            TrainingSession.objects.visible_to(self.request.user)
            .select_related("organizer")
            .upcoming_first(timezone.localdate())
        )

    def get_object(self) -> TrainingSession:
        return access.get_session_for_user(self.request.user, self.kwargs["pk"])

    def _writable(self) -> TrainingSession:
        session = self.get_object()
        if not access.may_organize(self.request.user, session.organizer):
            raise PermissionDenied
        return session

    def _answer(self, session: TrainingSession, code: int = status.HTTP_200_OK) -> Response:
        fresh = access.get_session_for_user(self.request.user, session.pk)
        context = {
            "user": self.request.user,
            "organizes": access.may_organize(self.request.user, fresh.organizer),
        }
        return Response(SessionDetailSerializer(fresh, context=context).data, status=code)

    def _take(
        self, session: TrainingSession, version: int | None, step: Callable[[int | None], Any]
    ) -> Any:
        return stale_aware(
            lambda: step(version),
            version=version,
            stored=lambda: (
                TrainingSession.objects.visible_to(self.request.user)
                .values_list("version", flat=True)
                .get(pk=session.pk)
            ),
        )

    @extend_schema(responses=SessionDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._answer(self.get_object())

    @extend_schema(request=PlanSerializer, responses={201: SessionDetailSerializer})
    def create(self, request: Request) -> Response:
        data = validated_input(PlanSerializer, request)
        organizer = get_organization_for_user(request.user, data["organizer"])
        session = services.plan_session(
            by=request.user,
            organizer=organizer,
            topic=data["topic"],
            date=data["date"],
            starts_at=data["starts_at"],
            place=data["place"],
            online_link=data["online_link"],
            audience=data["audience"],
        )
        return self._answer(session, status.HTTP_201_CREATED)

    @extend_schema(request=StepSerializer, responses=InviteResultSerializer)
    @action(detail=True, methods=["post"])
    def invite(self, request: Request, pk: str) -> Response:
        """Invite the people the audience names now; each is told."""
        session = self._writable()
        data = validated_input(StepSerializer, request)
        result = self._take(
            session,
            data.get("version"),
            lambda version: services.invite(by=request.user, session=session, version=version),
        )
        if isinstance(result, Response):
            return result
        fresh = TrainingSession.objects.visible_to(request.user).get(pk=session.pk)
        return Response({"invited": result, "session": SessionSerializer(fresh).data})

    @extend_schema(request=AttendanceSerializer, responses=SessionDetailSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: str) -> Response:
        """Who attended (user ids of invitees); everyone else did not. Marks it held."""
        session = self._writable()
        data = validated_input(AttendanceSerializer, request)
        result = self._take(
            session,
            data.get("version"),
            lambda version: services.record_attendance(
                by=request.user, session=session, attended=data["attended"], version=version
            ),
        )
        return result if isinstance(result, Response) else self._answer(session)

    @extend_schema(request=StepSerializer, responses=SessionDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        session = self._writable()
        data = validated_input(StepSerializer, request)
        result = self._take(
            session,
            data.get("version"),
            lambda version: services.cancel_session(
                by=request.user, session=session, version=version
            ),
        )
        return result if isinstance(result, Response) else self._answer(session)

    @extend_schema(
        request={"multipart/form-data": MaterialUploadSerializer},
        responses={201: MaterialSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def materials(self, request: Request, pk: str) -> Response:
        """Upload a PDF or DOCX (checked by content, ``TRAINING_MAX_UPLOAD_MB`` at most)."""
        session = self._writable()
        data = validated_input(MaterialUploadSerializer, request)
        material = services.add_material(by=request.user, session=session, upload=data["file"])
        return Response(MaterialSerializer(material).data, status=status.HTTP_201_CREATED)


class MaterialViewSet(viewsets.GenericViewSet[Any]):
    """A material of a session the user may read: its file, or its removal."""

    serializer_class = MaterialSerializer
    # For the schema's path parameter only: every read goes through the gatekeeper.
    queryset = TrainingMaterial.objects.none()

    @extend_schema(
        request=None,
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> FileResponse:
        item = access.get_material_for_user(request.user, pk)
        response = FileResponse(
            item.file.open("rb"),
            as_attachment=True,
            filename=item.original_name,
            content_type=item.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        item = access.get_material_for_user(request.user, pk)
        if not access.may_organize(request.user, item.session.organizer):
            raise PermissionDenied
        services.remove_material(by=request.user, material=item)
        return Response(status=status.HTTP_204_NO_CONTENT)
