"""The indicators, the annual thematic review and the commendations through the REST
API: the same functions, services and scoping as the pages."""

import dataclasses
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lienhe213.accounts.access import Capability, has_capability
from lienhe213.core.api import stale_aware, validated_input
from lienhe213.feedback.access import get_feedback_organization_for_user
from lienhe213.feedback.models import ResidentReport
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.reports import access, links, services
from lienhe213.reports.feedback import FeedbackRow, feedback_figures
from lienhe213.reports.filters import CommendationFilter
from lienhe213.reports.forms import PeriodForm
from lienhe213.reports.indicators import compute
from lienhe213.reports.models import Commendation
from lienhe213.reports.review import build_review, review_body
from lienhe213.reports.serializers import (
    CommendationConflictSerializer,
    CommendationSerializer,
    DecideSerializer,
    FeedbackFiguresQuerySerializer,
    IndicatorsSerializer,
    ProposeSerializer,
    RejectSerializer,
)


class IndicatorsView(APIView):
    """The indicators of an organization's subtree for a year (default: this year) or
    a range (``from`` and ``to``). 404 for an organization the user may not see; 400 for
    a period that does not make sense."""

    @extend_schema(
        summary="Indicators of an organization's subtree for a period",
        parameters=[
            OpenApiParameter("organization", int, required=True),
            OpenApiParameter("year", int),
            OpenApiParameter("from", str, description="YYYY-MM-DD"),
            OpenApiParameter("to", str, description="YYYY-MM-DD"),
        ],
        responses=IndicatorsSerializer,
    )
    def get(self, request: Request) -> Response:
        user = request.user
        if not has_capability(user, Capability.VIEW_ORGANIZATIONS):
            raise exceptions.PermissionDenied
        pk = request.query_params.get("organization")
        if not pk:
            raise exceptions.ValidationError({"organization": ["This field is required."]})
        org = get_organization_for_user(user, pk)
        today = timezone.localdate()
        form = PeriodForm(request.query_params, today=today)
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors.get_json_data())
        report = compute(user=user, organization=org, period=form.period, today=today)
        body = {
            "organization": org.pk,
            "name": report.name_of(org),
            "formerly": report.formerly.get(org.pk, []),
            **links.across(report, form.period, user=user),
            "tree_day": report.tree_day,
            "year": report.period.year,
            "start": report.period.start,
            "end": report.period.end,
            "on": report.on,
            "meetings_required_per_cell": report.period.meetings_required_per_cell,
            "figures": report.figures,
            "reasons": report.reasons,
            "distribution": report.distribution,
            "problems": report.problems,
            "children": [
                {
                    "id": child.pk,
                    "name": report.name_of(child),
                    "formerly": report.formerly.get(child.pk, []),
                    "kind": child.kind,
                    "side": child.side,
                    "figures": figures,
                }
                for child, figures in report.children
            ],
        }
        return Response(IndicatorsSerializer(body).data)


class ReviewView(APIView):
    """The annual thematic review of an organization for a year: the figures beside the
    previous year's, the units ranked, the commendations. 404 outside the scope."""

    @extend_schema(
        summary="The annual thematic review of an organization for a year",
        parameters=[
            OpenApiParameter("organization", int, required=True),
            OpenApiParameter("year", int, required=True),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        user = request.user
        if not has_capability(user, Capability.VIEW_ORGANIZATIONS):
            raise exceptions.PermissionDenied
        errors = {
            name: ["This field is required."]
            for name in ("organization", "year")
            if not str(request.query_params.get(name, "")).isdigit()
        }
        if errors:
            raise exceptions.ValidationError(errors)
        org = get_organization_for_user(user, request.query_params["organization"])
        year = int(request.query_params["year"])
        if not 2020 <= year <= 2100:
            raise exceptions.ValidationError({"year": ["Between 2020 and 2100."]})
        review = build_review(user=user, organization=org, year=year, today=timezone.localdate())
        return Response(review_body(review))


class FeedbackFiguresView(APIView):
    """Residents' feedback of a commune or a cell for a year, a row per cell and the
    total (ADR 0014); the residence side only: 404 outside the scope, 403 for those who
    see the organization but do not handle its reports."""

    @extend_schema(
        summary="Residents' feedback figures of a commune or a cell for a year",
        parameters=[FeedbackFiguresQuerySerializer],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        query = validated_input(FeedbackFiguresQuerySerializer, request, query=True)
        org = get_feedback_organization_for_user(request.user, query["organization"])
        year = query["year"]
        rows, total = feedback_figures(
            ResidentReport.objects.visible_to(request.user), org, year=year
        )

        def body(row: FeedbackRow) -> dict[str, Any]:
            return {**dataclasses.asdict(row), "share_rated_excellent": row.share_rated_excellent}

        return Response({"year": year, "rows": [body(r) for r in rows], "total": body(total)})


def _responses(code: int = 200) -> dict[int, Any]:
    return {
        code: CommendationSerializer,
        409: OpenApiResponse(
            CommendationConflictSerializer, description=_("The commendation changed meanwhile.")
        ),
    }


@extend_schema_view(list=extend_schema(summary="List the commendations in your scope"))
class CommendationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Commendation]):
    """Commendations through ``Commendation.objects.visible_to``; committees propose for
    what lies below them, the province decides or rejects (stale ``version`` → 409)."""

    serializer_class = CommendationSerializer
    filterset_class = CommendationFilter

    def get_queryset(self) -> QuerySet[Commendation]:
        return (
            Commendation.objects.visible_to(self.request.user)
            .select_related(*access.COMMENDATION_RELATED)
            .order_by("-year", "status", "pk")
        )

    @extend_schema(summary="One commendation", responses=CommendationSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        commendation = access.get_commendation_for_user(request.user, pk)
        return Response(CommendationSerializer(commendation).data)

    @extend_schema(
        summary="Propose a commendation of an organization or a member for a year",
        request=ProposeSerializer,
        responses={201: CommendationSerializer},
    )
    def create(self, request: Request) -> Response:
        data = validated_input(ProposeSerializer, request)
        committee = data["proposed_by_organization"]
        if not access.may_propose(request.user, committee):
            raise exceptions.PermissionDenied
        commendation = services.propose_commendation(
            by=request.user,
            year=data["year"],
            proposed_by_organization=committee,
            organization=data.get("organization"),
            member=data.get("member"),
            comment_request=data.get("comment_request"),
            reason=data["reason"],
            proposed_on=data.get("proposed_on") or timezone.localdate(),
        )
        return Response(CommendationSerializer(commendation).data, status=status.HTTP_201_CREATED)

    def _run(self, commendation: Commendation, version: int, call: Callable[[], Any]) -> Response:
        """Run a step; a refusal caused by a stale version becomes 409."""
        result = stale_aware(
            call,
            version=version,
            stored=lambda: Commendation.objects.values_list("version", flat=True).get(
                pk=commendation.pk
            ),
        )
        return (
            result
            if isinstance(result, Response)
            else Response(CommendationSerializer(result).data)
        )

    @extend_schema(
        summary="The province decides: decision number and date",
        request=DecideSerializer,
        responses=_responses(),
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        commendation = access.get_commendation_for_user(request.user, pk, decide=True)
        data = validated_input(DecideSerializer, request)
        return self._run(
            commendation,
            data["version"],
            lambda: services.decide_commendation(
                by=request.user,
                commendation=commendation,
                decision_number=data["decision_number"],
                decided_on=data.get("decided_on") or timezone.localdate(),
                version=data["version"],
            ),
        )

    @extend_schema(
        summary="The province rejects the proposal, saying why",
        request=RejectSerializer,
        responses=_responses(),
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        commendation = access.get_commendation_for_user(request.user, pk, decide=True)
        data = validated_input(RejectSerializer, request)
        return self._run(
            commendation,
            data["version"],
            lambda: services.reject_commendation(
                by=request.user,
                commendation=commendation,
                reason=data["reason"],
                decided_on=data.get("decided_on") or timezone.localdate(),
                version=data["version"],
            ),
        )
