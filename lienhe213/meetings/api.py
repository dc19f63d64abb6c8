"""REST API for residence meetings, through the same services and scoping as the pages.

* a meeting in the URL the user may not see is **404** (``get_meeting_for_user``);
* a cell or member in the body the user may not see is a **400** on that field;
* a meeting or cell the user sees but may not run is **403**;
* a rule (a member not linked to the cell, a cancelled meeting…) is **400** with the
  service's message;
* a ``version`` older than the stored one is **409 Conflict**, with the stored version.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lienhe213.accounts.access import own_member_id
from lienhe213.core.api import stale_aware, validated_input
from lienhe213.meetings import services
from lienhe213.meetings.access import get_meeting_for_user, may_run_meetings
from lienhe213.meetings.filters import MeetingFilter
from lienhe213.meetings.models import FollowUp, Meeting
from lienhe213.meetings.serializers import (
    MeetingAttendanceInputSerializer,
    MeetingCancelSerializer,
    MeetingConflictSerializer,
    MeetingDetailSerializer,
    MeetingFollowUpDoneSerializer,
    MeetingFollowUpInputSerializer,
    MeetingHeldSerializer,
    MeetingOpinionInputSerializer,
    MeetingPlanSerializer,
    MeetingSerializer,
    MeetingVersionSerializer,
)


def _responses(code: int = 200) -> dict[int, Any]:
    return {
        code: MeetingDetailSerializer,
        409: OpenApiResponse(
            MeetingConflictSerializer, description=_("The meeting changed meanwhile.")
        ),
    }


@extend_schema_view(
    list=extend_schema(summary="List the meetings of the cells you may see"),
)
class MeetingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Meeting]):
    """Meetings scoped by ``Meeting.objects.visible_to``; the cell's secretary and the
    commune or provincial staff over it run them."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter

    def get_queryset(self) -> QuerySet[Meeting]:
        return (
            Meeting.objects.visible_to(self.request.user)
            .select_related("cell")
            .order_by("-date", "-id")
        )

    def _detail(self, meeting: Meeting, code: int = status.HTTP_200_OK) -> Response:
        """The meeting with its attendance, opinions and follow-ups. As on the pages, only
        those who run the cell's meetings see everyone's: a member sees their own rows
        alone — an absence reason ("in hospital") is another member's health data."""
        fresh = (
            Meeting.objects.select_related("cell")
            .prefetch_related("attendances__member", "opinions", "follow_ups__member")
            .get(pk=meeting.pk)
        )
        data = MeetingDetailSerializer(fresh).data
        if not may_run_meetings(self.request.user, fresh.cell):
            own = own_member_id(self.request.user)
            for key in ("attendances", "opinions", "follow_ups"):
                data[key] = [row for row in data[key] if own is not None and row["member"] == own]
        return Response(data, status=code)

    @extend_schema(summary="One meeting with attendance, opinions and follow-ups")
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(get_meeting_for_user(request.user, pk))

    @extend_schema(
        summary="Plan a meeting and invite the cell's members",
        request=MeetingPlanSerializer,
        responses={201: MeetingDetailSerializer},
    )
    def create(self, request: Request) -> Response:
        data = validated_input(MeetingPlanSerializer, request)
        if not may_run_meetings(request.user, data["cell"]):
            raise exceptions.PermissionDenied
        meeting = services.plan_meeting(by=request.user, **data)
        return self._detail(meeting, status.HTTP_201_CREATED)

    def _run(
        self,
        request: Request,
        pk: str,
        serializer: type[MeetingVersionSerializer],
        call: Callable[[Meeting, dict[str, Any]], object],
    ) -> Response:
        meeting = get_meeting_for_user(request.user, pk, write=True)
        data = validated_input(serializer, request)
        result = stale_aware(
            lambda: call(meeting, data),
            version=data["version"],
            stored=lambda: Meeting.objects.values_list("version", flat=True).get(pk=meeting.pk),
        )
        return result if isinstance(result, Response) else self._detail(meeting)

    @extend_schema(
        summary="Record a member's attendance",
        request=MeetingAttendanceInputSerializer,
        responses=_responses(),
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: str) -> Response:
        return self._run(
            request,
            pk,
            MeetingAttendanceInputSerializer,
            lambda meeting, data: services.record_attendance(
                by=request.user, meeting=meeting, **data
            ),
        )

    @extend_schema(
        summary="Record an opinion raised at the meeting",
        request=MeetingOpinionInputSerializer,
        responses=_responses(),
    )
    @action(detail=True, methods=["post"])
    def opinion(self, request: Request, pk: str) -> Response:
        return self._run(
            request,
            pk,
            MeetingOpinionInputSerializer,
            lambda meeting, data: services.record_opinion(by=request.user, meeting=meeting, **data),
        )

    @extend_schema(
        summary="Add a follow-up", request=MeetingFollowUpInputSerializer, responses=_responses()
    )
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: str) -> Response:
        return self._run(
            request,
            pk,
            MeetingFollowUpInputSerializer,
            lambda meeting, data: services.add_follow_up(by=request.user, meeting=meeting, **data),
        )

    @extend_schema(
        summary="Mark a follow-up done",
        request=MeetingFollowUpDoneSerializer,
        responses=_responses(),
    )
    @action(detail=True, methods=["post"], url_path="follow-up-done")
    def follow_up_done(self, request: Request, pk: str) -> Response:
        def call(meeting: Meeting, data: dict[str, Any]) -> object:
            follow_up = FollowUp.objects.filter(meeting=meeting, pk=data.pop("follow_up")).first()
            if follow_up is None:
                raise exceptions.ValidationError({"follow_up": [_("No such follow-up.")]})
            return services.complete_follow_up(by=request.user, follow_up=follow_up, **data)

        return self._run(request, pk, MeetingFollowUpDoneSerializer, call)

    @extend_schema(
        summary="Record that the meeting was held",
        request=MeetingHeldSerializer,
        responses=_responses(),
    )
    @action(detail=True, methods=["post"])
    def held(self, request: Request, pk: str) -> Response:
        return self._run(
            request,
            pk,
            MeetingHeldSerializer,
            lambda meeting, data: services.mark_held(by=request.user, meeting=meeting, **data),
        )

    @extend_schema(
        summary="Cancel a planned meeting", request=MeetingCancelSerializer, responses=_responses()
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return self._run(
            request,
            pk,
            MeetingCancelSerializer,
            lambda meeting, data: services.cancel_meeting(by=request.user, meeting=meeting, **data),
        )
