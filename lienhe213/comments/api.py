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

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lienhe213.accounts.access import AnyUser, Capability, has_capability
from lienhe213.comments import access, services
from lienhe213.comments.models import Comment, CommentCampaign, CommentRequest, Recommendation
from lienhe213.comments.queries import (
    good_example_condition,
    on_time_condition,
    requested_in_period,
    returned_condition,
)
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
from lienhe213.core.api import stale_aware
from lienhe213.organizations.api import validated_input
from lienhe213.organizations.filters import VisibleOrganizationFilter
from lienhe213.registry.filters import SIDE_CHOICES, noop
from lienhe213.registry.queries import link_scope_condition, side_condition

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


class CommentRequestFilterForm(forms.Form):
    """A side is read under an organization; a period ends after it starts."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("side") and data.get("subtree") is None:
            self.add_error("side", _("A side is read under an organization: give subtree too."))
        start, end = data.get("requested_from"), data.get("requested_to")
        if start and end and start > end:
            self.add_error("requested_to", _("The end of the period is before its start."))
        return data


class CommentRequestFilter(django_filters.FilterSet):
    """The rows behind a report's comment figures (ADR 0008), as ``comments:subtree``:
    the same conditions from ``comments.queries``; a boolean narrows to the rows that
    meet it (true) or that do not (false)."""

    subtree = VisibleOrganizationFilter(
        label=_("in the subtree of"),
        method=noop,
        help_text=_("Requests on links either side of which lies under this organization."),
    )
    side = django_filters.ChoiceFilter(
        label=_("side"),
        choices=SIDE_CHOICES,
        method=noop,
        help_text=_("With subtree: the side a report's child row counts a request on."),
    )
    requested_from = django_filters.DateFilter(label=_("Requested from"), method=noop)
    requested_to = django_filters.DateFilter(label=_("Requested to"), method=noop)
    returned = django_filters.BooleanFilter(label=_("returned"), method="filter_condition")
    returned_on_time = django_filters.BooleanFilter(
        label=_("Returned on time"), method="filter_condition"
    )
    good_example = django_filters.BooleanFilter(
        label=_("Setting a good example"), method="filter_condition"
    )
    recommendation = django_filters.ChoiceFilter(
        label=_("Recommendation"), choices=Recommendation.choices, method="filter_recommendation"
    )

    class Meta:
        model = CommentRequest
        fields = [
            "subtree",
            "side",
            "requested_from",
            "requested_to",
            "returned",
            "returned_on_time",
            "good_example",
            "recommendation",
        ]
        form = CommentRequestFilterForm

    def filter_condition(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        condition = returned_condition()
        if name == "returned_on_time":
            condition &= on_time_condition()
        elif name == "good_example":
            condition &= good_example_condition()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_recommendation(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.recommending(value) if value else queryset

    def filter_queryset(self, queryset: Any) -> Any:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if (subtree := data.get("subtree")) is not None:
            queryset = queryset.filter(link_scope_condition([subtree.path], prefix="link__"))
            if side := data.get("side"):
                queryset = queryset.filter(
                    side_condition(side, [subtree.path], residence_prefix="link__")
                )
        return queryset.filter(
            requested_in_period(data.get("requested_from"), data.get("requested_to"))
        )


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
