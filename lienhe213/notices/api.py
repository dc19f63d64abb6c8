"""REST API for the notices between the two committees, through the services the pages
call and with the same scoping:

* a notice in the URL the user may not see is **404** (``get_notice_for_user``);
* a link or sender in the body the user may not see is a **400** on that field;
* a notice (or link) the user sees but may not act on, or acknowledging a notice not
  addressed to you, is **403**;
* a rule (a recipient outside the link, a kind of the other side…) is **400** with the
  service's message; a stale ``version`` is **409** with the stored version.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lienhe213.core.api import stale_aware, validated_input
from lienhe213.notices import access, services
from lienhe213.notices.filters import NoticeFilter
from lienhe213.notices.forms import routes
from lienhe213.notices.models import Notice, NoticeReply
from lienhe213.notices.serializers import (
    CloseSerializer,
    NoticeConflictSerializer,
    NoticeCreateSerializer,
    NoticeDetailSerializer,
    NoticeSerializer,
    ReplySerializer,
    VersionSerializer,
)

RELATED = ("member", "sender", "recipient")


def _responses(code: int = 200) -> dict[int, Any]:
    return {
        code: NoticeDetailSerializer,
        409: OpenApiResponse(
            NoticeConflictSerializer, description=_("The notice changed meanwhile.")
        ),
    }


@extend_schema_view(
    list=extend_schema(summary="List the notices sent or received in your scope"),
)
class NoticeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Notice]):
    """Notices scoped by ``Notice.objects.visible_to``: the sender's and the
    recipient's subtrees see a notice; each side acts only for itself."""

    serializer_class = NoticeSerializer
    filterset_class = NoticeFilter

    def get_queryset(self) -> QuerySet[Notice]:
        return (
            Notice.objects.visible_to(self.request.user)
            .select_related(*RELATED)
            .order_by("-sent_at", "-pk")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _detail(self, notice: Notice, code: int = status.HTTP_200_OK) -> Response:
        replies = NoticeReply.objects.select_related("organization").order_by("at", "pk")
        fresh = (
            Notice.objects.select_related(*RELATED)
            .prefetch_related(Prefetch("replies", queryset=replies))
            .get(pk=notice.pk)
        )
        data = NoticeDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=code)

    @extend_schema(summary="One notice with its replies", responses=NoticeDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(access.get_notice_for_user(request.user, pk))

    @extend_schema(
        summary="Send a notice about a linked member to the other side of the link",
        request=NoticeCreateSerializer,
        responses={201: NoticeDetailSerializer},
    )
    def create(self, request: Request) -> Response:
        data = validated_input(NoticeCreateSerializer, request)
        if not routes(request.user, data["link"]):
            raise exceptions.PermissionDenied
        notice = services.send_notice(
            by=request.user,
            link=data["link"],
            kind=data["kind"],
            sender=data["sender"],
            recipient=data["recipient"],
            body=data["body"],
            sent_on=data.get("sent_on") or timezone.localdate(),
        )
        return self._detail(notice, status.HTTP_201_CREATED)

    def _run(self, notice: Notice, version: int, call: Callable[[], Any]) -> Response:
        """Run a step; a refusal caused by a stale version becomes 409."""
        result = stale_aware(
            call,
            version=version,
            stored=lambda: Notice.objects.values_list("version", flat=True).get(pk=notice.pk),
        )
        return result if isinstance(result, Response) else self._detail(notice)

    @extend_schema(
        summary="The recipient acknowledges the notice",
        request=VersionSerializer,
        responses=_responses(),
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        notice = access.get_notice_for_user(request.user, pk, write=True)
        if "recipient" not in access.acting_sides(request.user, notice):
            raise exceptions.PermissionDenied
        version = validated_input(VersionSerializer, request)["version"]
        return self._run(
            notice,
            version,
            lambda: services.acknowledge_notice(by=request.user, notice=notice, version=version),
        )

    @extend_schema(
        summary="Add a reply to the notice's thread (either side)",
        request=ReplySerializer,
        responses=_responses(),
    )
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str) -> Response:
        notice = access.get_notice_for_user(request.user, pk, write=True)
        data = validated_input(ReplySerializer, request)
        return self._run(
            notice,
            data["version"],
            lambda: services.reply_to_notice(
                by=request.user, notice=notice, body=data["body"], version=data["version"]
            ),
        )

    @extend_schema(
        summary="Close the notice with its outcome (either side)",
        request=CloseSerializer,
        responses=_responses(),
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        notice = access.get_notice_for_user(request.user, pk, write=True)
        data = validated_input(CloseSerializer, request)
        return self._run(
            notice,
            data["version"],
            lambda: services.close_notice(
                by=request.user, notice=notice, outcome=data["outcome"], version=data["version"]
            ),
        )
