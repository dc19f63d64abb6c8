"""The indicators through the REST API: the same function and scoping as the page."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lienhe213.accounts.access import Capability, has_capability
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.reports.forms import PeriodForm
from lienhe213.reports.indicators import compute
from lienhe213.reports.serializers import IndicatorsSerializer


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
                    "name": child.name,
                    "kind": child.kind,
                    "side": child.side,
                    "figures": figures,
                }
                for child, figures in report.children
            ],
        }
        return Response(IndicatorsSerializer(body).data)
