"""REST API of the comment cycle, through the same services and scoping as the pages.

* a request in the URL the user may not see is **404** (``get_request_for_user``);
* an organization or member in the body the user may not see is **400** on that field;
* a step of the other side (a workplace signing, a commune that does not hold the link
  confirming…) is **403** with the reason, as on the pages (``access.require_step``);
* a rule of the cycle (signed twice, rating before return…) is **400** with the reason;
* a stale ``version`` is **409 Conflict**, with the stored version.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lienhe213.accounts.access import AnyUser, Capability, has_capability
from lienhe213.comments import access, services
from lienhe213.comments.filters import CommentRequestFilter
from lienhe213.comments.models import Comment, CommentCampaign, CommentRequest
from lienhe213.comments.serializers import (
    AnswerSerializer,
    BulkRequestSerializer,
    CampaignCreateSerializer,
    CampaignSerializer,
    CommentRequestSerializer,
    CommentVersionSerializer,
    DraftSerializer,
    FollowUpInputSerializer,
    FrontMeetingSerializer,
    RatingSerializer,
)
from lienhe213.core.api import stale_aware, validated_input

RELATED = (
    "campaign",
    "member",
    "workplace_organization",
    "link__residence_commune_organization",
    "link__residence_cell",
    "comment",
    "follow_up",
)


class CampaignViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[CommentCampaign]
):
    """The provinces' comment campaigns you may see; a provincial officer opens one."""

    serializer_class = CampaignSerializer

    def get_queryset(self) -> QuerySet[CommentCampaign]:
        return CommentCampaign.objects.visible_to(self.request.user).order_by("-year", "pk")

    @extend_schema(summary="Open a province's comment campaign", request=CampaignCreateSerializer)
    def create(self, request: Request) -> Response:
        data = validated_input(CampaignCreateSerializer, request)
        if not has_capability(
            request.user, Capability.MANAGE_COMMENT_CAMPAIGNS, data["province"].path
        ):
            raise exceptions.PermissionDenied
        campaign = services.open_campaign(by=request.user, **data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)


def _require_step(user: AnyUser, item: CommentRequest, step: str) -> None:
    """The step table's refusal (``access.require_step``) as the pages give it: 403
    with the reason."""
    try:
        access.require_step(user, item, step)
    except access.StepRefused as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc


class CommentRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[CommentRequest]
):
    """Comment requests either side of which you may see, with their comment; every
    step of the cycle as an action."""

    serializer_class = CommentRequestSerializer
    filterset_class = CommentRequestFilter

    def get_queryset(self) -> QuerySet[CommentRequest]:
        return (
            CommentRequest.objects.visible_to(self.request.user)
            .select_related(*RELATED)
            .order_by("pk")
        )

    def get_object(self) -> CommentRequest:
        return access.get_request_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(
        summary="Request comments on many members of a workplace at once",
        description="Form 3-213 for normal members; form 4-213 for category A only with a "
        "purpose; never category B. All or nothing.",
        request=BulkRequestSerializer,
        responses=CommentRequestSerializer(many=True),
    )
    def create(self, request: Request) -> Response:
        data = validated_input(BulkRequestSerializer, request)
        if not has_capability(request.user, Capability.REQUEST_COMMENTS, data["workplace"].path):
            raise exceptions.PermissionDenied
        created = services.request_comments(by=request.user, **data)
        fresh = self.get_queryset().filter(pk__in=[r.pk for r in created])
        return Response(
            CommentRequestSerializer(fresh, many=True).data, status=status.HTTP_201_CREATED
        )

    def _run(
        self,
        step: str,
        serializer: type[Any],
        call: Callable[[CommentRequest, dict[str, Any]], CommentRequest],
        comment_version: bool = False,
    ) -> Response:
        item = self.get_object()
        _require_step(self.request.user, item, step)
        data = validated_input(serializer, self.request)
        model: Any = Comment if comment_version else CommentRequest
        key = "request_id" if comment_version else "pk"
        try:
            result = stale_aware(
                lambda: call(item, data),
                version=data.get("version"),
                stored=lambda: model.objects.values_list("version", flat=True).get(
                    **{key: item.pk}
                ),
            )
        except access.StepRefused as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        if isinstance(result, Response):
            return result
        return Response(CommentRequestSerializer(self.get_object()).data)

    @extend_schema(summary="Save the draft of the comment", request=DraftSerializer)
    @action(detail=True, methods=["post"])
    def draft(self, request: Request, pk: str) -> Response:
        return self._run(
            "draft",
            DraftSerializer,
            lambda item, d: services.save_draft(
                by=request.user, request=item, version=d["version"], values=d["values"]
            ),
            comment_version=True,
        )

    @extend_schema(
        summary="Record the meeting with the Front work committee", request=FrontMeetingSerializer
    )
    @action(detail=True, methods=["post"], url_path="front-meeting")
    def front_meeting(self, request: Request, pk: str) -> Response:
        return self._run(
            "front_meeting",
            FrontMeetingSerializer,
            lambda item, d: services.record_front_meeting(by=request.user, request=item, **d),
            comment_version=True,
        )

    @extend_schema(summary="Sign the comment for the cell", request=CommentVersionSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        return self._run(
            "sign",
            CommentVersionSerializer,
            lambda item, d: services.sign_comment(by=request.user, request=item, **d),
            comment_version=True,
        )

    @extend_schema(summary="Confirm the comment (the commune)", request=CommentVersionSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        return self._run(
            "confirm",
            CommentVersionSerializer,
            lambda item, d: services.confirm_comment(by=request.user, request=item, **d),
        )

    @extend_schema(summary="Return the comment to the workplace", request=CommentVersionSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str) -> Response:
        return self._run(
            "return",
            CommentVersionSerializer,
            lambda item, d: services.return_comment(by=request.user, request=item, **d),
        )

    @extend_schema(summary="Acknowledge the returned comment", request=CommentVersionSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        return self._run(
            "acknowledge",
            CommentVersionSerializer,
            lambda item, d: services.acknowledge_comment(by=request.user, request=item, **d),
        )

    @extend_schema(
        summary="Record how the comment was used in the rating", request=RatingSerializer
    )
    @action(detail=True, methods=["post"])
    def rating(self, request: Request, pk: str) -> Response:
        return self._run(
            "rating",
            RatingSerializer,
            lambda item, d: services.record_rating_use(by=request.user, request=item, **d),
        )

    @extend_schema(summary="The member answers the comment about them", request=AnswerSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        return self._run(
            "answer",
            AnswerSerializer,
            lambda item, d: services.answer_comment(by=request.user, request=item, **d),
        )

    @extend_schema(
        summary="Record the workplace's follow-up of the recommendation",
        description="Once per returned comment proposing to commend or to consider "
        "handling; the outcome must answer the recommendation; a notice tells the "
        "residence commune. A second record is refused (400).",
        request=FollowUpInputSerializer,
    )
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: str) -> Response:
        return self._run(
            "follow_up",
            FollowUpInputSerializer,
            lambda item, d: services.record_follow_up(by=request.user, request=item, **d).request,
        )
