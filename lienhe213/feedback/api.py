"""REST API for residents' feedback, through the services the pages call and with the
same scoping and limits.

Anonymous (the only anonymous write of the API): ``GET feedback/public/{code}/`` names
the cell and gives the signed start of the form; ``POST feedback/public/submit/`` sends
a report (per-address and per-cell limits, the same honeypot: 429 / 400) and answers
with the receipt code only; ``POST feedback/public/status/`` looks a receipt up (limited
per address) and answers with the state only.

Signed in, the residence side: ``feedback/reports/`` (scoped by ``visible_to``; a report
the user may not see is 404), ``{id}/phone/`` (the resident's phone for the cell
secretary and the commune clerk, audited; 403 for anyone else), ``{id}/match/``,
``{id}/close/``, ``{id}/forward/`` (403 for those who see but do not handle; a rule is
400; a stale ``version`` is 409), and ``feedback/channels/`` to create a cell's page.

A community representative: ``feedback/opinions/`` lists their own opinions and writes a
new one (``token`` against a double submit), ``feedback/opinions/{id}/`` reads one.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lienhe213.core.api import stale_aware, validated_input
from lienhe213.core.errors import DomainError
from lienhe213.feedback import access, forms, services, throttles
from lienhe213.feedback.filters import ReportFilter
from lienhe213.feedback.models import ResidentReport
from lienhe213.feedback.serializers import (
    ChannelCreateSerializer,
    ChannelOutSerializer,
    ChannelSerializer,
    OpinionCreateSerializer,
    OpinionSerializer,
    ReceiptLookupSerializer,
    ReceiptSerializer,
    ReceiptStatusSerializer,
    ReportCloseSerializer,
    ReportForwardSerializer,
    ReportMatchSerializer,
    ReportPhoneSerializer,
    ReportSerializer,
    SubmitSerializer,
)
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.registry.models import ResidenceLink


def _public_throttled() -> exceptions.Throttled:
    return exceptions.Throttled(detail=_("Too many reports were sent. Please try again later."))


class _Public(APIView):
    """No authentication at all (no session, so no CSRF either), open to anyone."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]


class PublicChannelView(_Public):
    @extend_schema(
        summary="A cell's public page: its names and the form's start", responses=ChannelSerializer
    )
    def get(self, request: Request, slug: str) -> Response:
        channel = access.get_channel_by_slug(slug)
        parent = channel.cell.parent
        return Response(
            ChannelSerializer(
                {
                    "cell": channel.cell.name,
                    "commune": parent.name if parent else "",
                    "started": forms.started_token(),
                }
            ).data
        )


class PublicSubmitView(_Public):
    @extend_schema(
        summary="Send a resident's report (anonymous; limited per address and per cell)",
        request=SubmitSerializer,
        responses={201: ReceiptSerializer},
    )
    def post(self, request: Request) -> Response:
        if int(request.META.get("CONTENT_LENGTH") or 0) > settings.FEEDBACK_MAX_BYTES:
            return Response(
                {"detail": _("Your report is too long. Shorten it and send it again.")},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        slug = request.data.get("channel") if hasattr(request.data, "get") else None
        channel = access.get_channel_by_slug(str(slug or ""))
        if not throttles.allow_report(request, channel.cell_id):
            raise _public_throttled()
        data = validated_input(SubmitSerializer, request)
        if forms.refused_as_robot(data["started"], data["website"]):
            raise DomainError(
                _(
                    "Your report could not be accepted. Reload the page, take your time, "
                    "and send it again."
                )
            )
        _report, receipt = services.submit_report(
            channel=channel,
            topic=data["topic"],
            member_name=data["member_name"],
            community=data["community"],
            body=data["body"],
            phone=data["phone"],
        )
        return Response({"receipt": receipt}, status=status.HTTP_201_CREATED)


class PublicStatusView(_Public):
    @extend_schema(
        summary="The state of a report from its receipt code (limited per address)",
        request=ReceiptLookupSerializer,
        responses=ReceiptStatusSerializer,
    )
    def post(self, request: Request) -> Response:
        if not throttles.allow_status(request):
            raise exceptions.Throttled(detail=_("Too many look-ups. Please try again later."))
        data = validated_input(ReceiptLookupSerializer, request)
        value = services.report_status(receipt=data["receipt"])
        if value is None:
            raise exceptions.NotFound
        return Response({"status": value})


class OpinionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ResidentReport]
):
    """A community representative's own opinions (``ResidentReport.objects.opinions_of``,
    newest first) and a new one (``submit_opinion``). 403 for anyone who represents no
    cell; a cell they do not represent, or another's opinion, is 404."""

    serializer_class = OpinionSerializer

    def _require_representative(self) -> None:
        if not access.represented_cells(self.request.user):
            raise PermissionDenied

    def get_queryset(self) -> QuerySet[ResidentReport]:
        return (
            ResidentReport.objects.opinions_of(self.request.user)
            .select_related("cell")
            .order_by("-received_at", "-pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._require_representative()
        return super().list(request, *args, **kwargs)

    def get_object(self) -> ResidentReport:
        self._require_representative()
        return access.get_opinion_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(
        summary="Write an opinion to a cell you represent",
        request=OpinionCreateSerializer,
        responses={201: OpinionSerializer},
    )
    def create(self, request: Request) -> Response:
        self._require_representative()
        data = validated_input(OpinionCreateSerializer, request)
        cell = access.get_represented_cell_for_user(request.user, data["cell"])
        opinion = services.submit_opinion(
            by=request.user,
            cell=cell,
            topic=data["topic"],
            member_name=data["member_name"],
            body=data["body"],
            token=data["token"],
        )
        fresh = access.get_opinion_for_user(request.user, opinion.pk)
        return Response(OpinionSerializer(fresh).data, status=status.HTTP_201_CREATED)


class ChannelViewSet(viewsets.GenericViewSet[Any]):
    """Create (or read back) the public page of a residential cell."""

    serializer_class = ChannelOutSerializer

    @extend_schema(request=ChannelCreateSerializer, responses={201: ChannelOutSerializer})
    def create(self, request: Request) -> Response:
        from lienhe213.feedback.views import public_url

        data = validated_input(ChannelCreateSerializer, request)
        cell = get_organization_for_user(request.user, data["cell"])
        channel = services.open_channel(by=request.user, cell=cell)
        body = {"cell": channel.cell_id, "slug": channel.slug, "url": public_url(channel)}
        return Response(body, status=status.HTTP_201_CREATED)


class ReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ResidentReport]
):
    """Residents' reports scoped by ``ResidentReport.objects.visible_to``: the residence
    side of their cell reads them; the workplace never does. Oldest first."""

    serializer_class = ReportSerializer
    filterset_class = ReportFilter

    def get_queryset(self) -> QuerySet[ResidentReport]:
        return (
            ResidentReport.objects.visible_to(self.request.user)
            .select_related("cell", "member")
            .order_by("received_at", "pk")
        )

    def get_object(self) -> ResidentReport:
        return access.get_report_for_user(self.request.user, self.kwargs["pk"])

    def _writable(self) -> ResidentReport:
        report = self.get_object()
        if not access.may_handle(self.request.user, report.cell):
            raise PermissionDenied
        return report

    def _answer(self, report: ResidentReport, code: int = status.HTTP_200_OK) -> Response:
        fresh = ResidentReport.objects.select_related("cell", "member").get(pk=report.pk)
        return Response(ReportSerializer(fresh).data, status=code)

    def _take(
        self, report: ResidentReport, data: dict[str, Any], step: Callable[[int | None], Any]
    ) -> Response:
        """Run a handling ``step`` with the version the client showed: 409 with the stored
        version when the report changed meanwhile, else the report as it now is."""
        result = stale_aware(
            lambda: step(data.get("version")),
            version=data.get("version"),
            stored=lambda: ResidentReport.objects.get(pk=report.pk).version,
        )
        return result if isinstance(result, Response) else self._answer(report)

    @extend_schema(request=None, responses=ReportPhoneSerializer)
    @action(detail=True, methods=["get"])
    def phone(self, request: Request, pk: str) -> Response:
        """The resident's phone, for the cell secretary and the commune clerk only
        (403 for others, 404 when none is kept); each reading is audited."""
        report = self.get_object()
        if not access.may_read_phone(request.user, report):
            raise PermissionDenied
        number = access.reveal_phone(request.user, report)
        if number is None:
            raise exceptions.NotFound
        return Response({"phone": number})

    @extend_schema(request=ReportMatchSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def match(self, request: Request, pk: str) -> Response:
        report = self._writable()
        data = validated_input(ReportMatchSerializer, request)
        link = ResidenceLink.objects.visible_to(request.user).filter(pk=data["link"]).first()
        if link is None:
            raise DomainError(_("Choose one of the cell's linked members."), field="link")
        return self._take(
            report,
            data,
            lambda version: services.match_report(
                by=request.user, report=report, link=link, note=data["note"], version=version
            ),
        )

    @extend_schema(request=ReportCloseSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        report = self._writable()
        data = validated_input(ReportCloseSerializer, request)
        return self._take(
            report,
            data,
            lambda version: services.close_report(
                by=request.user,
                report=report,
                reason=data["reason"],
                note=data["note"],
                version=version,
            ),
        )

    @extend_schema(request=ReportForwardSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def forward(self, request: Request, pk: str) -> Response:
        report = self._writable()
        data = validated_input(ReportForwardSerializer, request)
        return self._take(
            report,
            data,
            lambda version: services.forward_report(
                by=request.user,
                report=report,
                kind=data["kind"],
                note=data["note"],
                version=version,
            ),
        )
