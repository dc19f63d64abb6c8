"""REST API for one's own notifications: ``GET /api/v1/notifications/`` (own only,
newest first; ``?unread=true`` for the unread ones) and ``POST .../mark-read/``."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lienhe213.core.api import validated_input
from lienhe213.reminders import services
from lienhe213.reminders.models import Notification
from lienhe213.reminders.serializers import (
    MarkedSerializer,
    MarkReadSerializer,
    NotificationSerializer,
)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Notification]):
    serializer_class = NotificationSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> "QuerySet[Notification]":
        notifications = Notification.objects.visible_to(self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            notifications = notifications.unread()
        return notifications

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="Only the unread notifications.")]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=MarkReadSerializer, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request: Request) -> Response:
        data = validated_input(MarkReadSerializer, request)
        count = services.mark_notifications_read(by=request.user, ids=data.get("ids"))
        return Response({"marked": count})
