"""REST API for the tracking book: residence links and their steps, letters issued in
bulk, classifications, the reconciliation and restructuring.

Every action calls the service the pages call (``registry.services``), with the same
scoping. The answers about ids are those of ``organizations.api``:

* a link or classification in the URL that the user may not see is **404**
  (``registry.access.get_link_for_user``, ``ResidenceLink.objects.visible_to``);
* an organization or member in the body the user may not see is a **400** on that field;
  a commune committee may be named anywhere (members live outside their workplace's
  subtree);
* a link the user sees but may not act on, or a step of the other side (a workplace
  receiving, a commune acknowledging…), is **403** with the reason as ``detail``: the
  same answer and message as the pages (``registry.access.require_step``, and
  ``require_side`` for an organization the user may not act for);
* a rule of the book (receiving a closed letter, a cell of another commune, a second
  open link, a category-B member…) is **400** with the service's message;
* a ``version`` older than the stored one is **409 Conflict**, with the stored version.

Residence-only viewers get no party card or dossier number (``residence_only``).
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lienhe213.accounts.access import Capability, has_capability, sees_everything
from lienhe213.core.api import stale_aware, validated_input
from lienhe213.core.errors import DomainError
from lienhe213.members.models import Member
from lienhe213.registry import access, services
from lienhe213.registry.filters import ClassificationFilter, ResidenceLinkFilter
from lienhe213.registry.models import Category, ExemptionDecision, LinkEvent, ResidenceLink
from lienhe213.registry.reconciliation import reconcile
from lienhe213.registry.serializers import (
    AcknowledgeSerializer,
    AssignSerializer,
    BookCheckSerializer,
    ChangeWorkplaceSerializer,
    ClassificationCreateSerializer,
    ClassificationSerializer,
    EndSerializer,
    ExemptResultSerializer,
    ExemptSerializer,
    IssueLettersSerializer,
    LinkConflictSerializer,
    MoveResidenceSerializer,
    PresentSerializer,
    ReceiveSerializer,
    ReconciliationQuerySerializer,
    RemapSerializer,
    ResidenceLinkDetailSerializer,
    ResidenceLinkSerializer,
    RetireSerializer,
    ReturnSerializer,
    RevokeSerializer,
)

T = TypeVar("T")

LINK_RELATIONS = (
    "member",
    "issued_by_organization",
    "workplace_organization",
    "residence_commune_organization",
    "residence_cell",
)


def _history() -> "Prefetch[Any]":
    """A link's history in the order it happened, with who recorded each step."""
    return Prefetch("events", queryset=LinkEvent.objects.select_related("by").order_by("at", "pk"))


def _stale_aware(link: ResidenceLink, version: int, call: Callable[[], T]) -> T | Response:
    """Run a service on ``link``; a refusal caused by a stale version becomes 409."""
    return stale_aware(
        call,
        version=version,
        stored=lambda: ResidenceLink.objects.values_list("version", flat=True).get(pk=link.pk),
    )


def _responses(ok: Any, code: int = 200) -> dict[int, Any]:
    return {
        code: ok,
        409: OpenApiResponse(LinkConflictSerializer, description=_("The link changed meanwhile.")),
    }


@extend_schema_view(
    list=extend_schema(summary="List the residence links either side of which you may see"),
)
class ResidenceLinkViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[ResidenceLink]):
    """The tracking book, scoped by ``ResidenceLink.objects.visible_to``: each side sees
    the links it holds; each acts only on its own steps."""

    serializer_class = ResidenceLinkSerializer
    filterset_class = ResidenceLinkFilter

    def get_queryset(self) -> QuerySet[ResidenceLink]:
        return (
            ResidenceLink.objects.visible_to(self.request.user)
            .select_related(*LINK_RELATIONS)
            .order_by("-letter_year", "issued_by_organization_id", "-letter_number", "pk")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _detail(self, link: ResidenceLink, code: int = status.HTTP_200_OK) -> Response:
        fresh = (
            ResidenceLink.objects.select_related(*LINK_RELATIONS, "member__residence_community")
            .prefetch_related(_history())
            .get(pk=link.pk)
        )
        data = ResidenceLinkDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=code)

    def _fetch(self, pk: str, step: str) -> ResidenceLink:
        """The link (404 out of sight), if the user is the side of ``step`` (403 with
        the reason, as the pages: ``access.require_step``)."""
        link = access.get_link_for_user(self.request.user, pk)
        access.require_step(self.request.user, link, step)
        return link

    @extend_schema(
        summary="One residence link with its history", responses=ResidenceLinkDetailSerializer
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(access.get_link_for_user(request.user, pk))

    @extend_schema(
        summary="Record that the member presented the letter (either side)",
        request=PresentSerializer,
        responses=_responses(ResidenceLinkDetailSerializer),
    )
    @action(detail=True, methods=["post"])
    def present(self, request: Request, pk: str) -> Response:
        link = self._fetch(pk, "present")
        data = validated_input(PresentSerializer, request)
        return self._run(link, data, services.record_presentation)

    @extend_schema(
        summary="The commune receives the letter",
        request=ReceiveSerializer,
        responses=_responses(ResidenceLinkDetailSerializer),
    )
    @action(detail=True, methods=["post"])
    def receive(self, request: Request, pk: str) -> Response:
        link = self._fetch(pk, "receive")
        data = validated_input(ReceiveSerializer, request)
        return self._run(link, data, services.receive_letter)

    @extend_schema(
        summary="The commune returns the letter, with the reason",
        request=ReturnSerializer,
        responses=_responses(ResidenceLinkDetailSerializer),
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_letter(self, request: Request, pk: str) -> Response:
        link = self._fetch(pk, "return")
        data = validated_input(ReturnSerializer, request)
        return self._run(link, data, services.return_letter)

    @extend_schema(
        summary="The commune assigns the member to a residential cell",
        request=AssignSerializer,
        responses=_responses(ResidenceLinkDetailSerializer),
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        link = self._fetch(pk, "assign")
        data = validated_input(AssignSerializer, request)
        return self._run(link, data, services.assign_to_cell)

    @extend_schema(
        summary="The residential cell takes the member in; the link becomes active",
        request=AcknowledgeSerializer,
        responses=_responses(ResidenceLinkDetailSerializer),
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        link = self._fetch(pk, "acknowledge")  # without a cell the service explains why
        data = validated_input(AcknowledgeSerializer, request)
        return self._run(link, data, services.acknowledge_link)

    @extend_schema(
        summary="The member moved: close the link and issue a letter to the new commune",
        description="Answers with the new link; the old one is closed and points to it.",
        request=MoveResidenceSerializer,
        responses=_responses(ResidenceLinkDetailSerializer, status.HTTP_201_CREATED),
    )
    @action(detail=True, methods=["post"], url_path="move-residence")
    def move_residence(self, request: Request, pk: str) -> Response:
        link = self._fetch(pk, "move")
        data = validated_input(MoveResidenceSerializer, request)
        return self._run(link, data, services.move_residence, status.HTTP_201_CREATED)

    @extend_schema(
        summary="After a formal transfer, the new workplace takes the link over",
        description="Asked by the new workplace committee, which must already hold the "
        "member's party unit.",
        request=ChangeWorkplaceSerializer,
        responses=_responses(ResidenceLinkDetailSerializer),
    )
    @action(detail=True, methods=["post"], url_path="change-workplace")
    def change_workplace(self, request: Request, pk: str) -> Response:
        # The new workplace is not yet a side of the link: it is named in the body.
        link = self._fetch(pk, "change_workplace")
        data = validated_input(ChangeWorkplaceSerializer, request)
        access.require_side(request.user, access.LinkSide.WORKPLACE, data["workplace"])
        return self._run(link, data, services.change_workplace)

    @extend_schema(
        summary="Exempt a linked member (category A keeps the link, B closes it)",
        request=ExemptSerializer,
        responses=_responses(ExemptResultSerializer),
    )
    @action(detail=True, methods=["post"])
    def exempt(self, request: Request, pk: str) -> Response:
        user, link = request.user, self._fetch(pk, "exempt")
        data = validated_input(ExemptSerializer, request)
        access.require_side(user, access.LinkSide.WORKPLACE, data["decided_by"])
        version = data.pop("version")
        result = _stale_aware(
            link,
            version,
            lambda: services.exempt_temporarily(by=user, link=link, version=version, **data),
        )
        if isinstance(result, Response):
            return result
        _link, decision = result
        context = self.get_serializer_context()
        body = {
            "link": self._detail(link).data,
            "classification": ClassificationSerializer(decision, context=context).data,
        }
        return Response(body)

    @extend_schema(
        summary="Retirement: close the link and transfer the member to the residential cell",
        request=RetireSerializer,
        responses=_responses(ResidenceLinkDetailSerializer),
    )
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str) -> Response:
        link = self._fetch(pk, "retire")
        data = validated_input(RetireSerializer, request)
        try:
            return self._run(link, data, services.retire_member)
        except DomainError as exc:
            stored = Member.objects.filter(pk=link.member_id).values_list("version", flat=True)
            if stored.get() == data["member_version"]:
                raise
            body = {"detail": str(exc), "version": link.version, "member_version": stored.get()}
            return Response(body, status=status.HTTP_409_CONFLICT)

    @extend_schema(
        summary="The member left the party or died: close the link",
        request=EndSerializer,
        responses=_responses(ResidenceLinkDetailSerializer),
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        link = self._fetch(pk, "end")
        data = validated_input(EndSerializer, request)
        return self._run(link, data, services.end_link_for_departure)

    @extend_schema(
        summary="Re-map the open links of a merged commune or cell to its successor",
        request=RemapSerializer,
        responses=ResidenceLinkSerializer(many=True),
    )
    @action(detail=False, methods=["post"])
    def remap(self, request: Request) -> Response:
        user = request.user
        access.require_remapping(user)  # before the body names organizations out of sight
        data = validated_input(RemapSerializer, request)
        access.require_remapping(user, data["source"])
        access.require_remapping(user, data["commune"])
        links = services.remap_links(by=user, **data)
        fresh = self.get_queryset().filter(pk__in=[link.pk for link in links])
        context = self.get_serializer_context()
        return Response(ResidenceLinkSerializer(fresh, many=True, context=context).data)

    def _run(
        self,
        link: ResidenceLink,
        data: dict[str, Any],
        service: Callable[..., ResidenceLink],
        code: int = status.HTTP_200_OK,
    ) -> Response:
        version = data.pop("version")
        result = _stale_aware(
            link,
            version,
            lambda: service(by=self.request.user, link=link, version=version, **data),
        )
        if isinstance(result, Response):
            return result
        return self._detail(result, code)


class LetterViewSet(viewsets.GenericViewSet[ResidenceLink]):
    """Introduction letters issued in bulk."""

    serializer_class = ResidenceLinkSerializer

    def get_queryset(self) -> QuerySet[ResidenceLink]:
        return ResidenceLink.objects.visible_to(self.request.user)

    @extend_schema(
        summary="Issue introduction letters for many members at once",
        description="All or nothing: one refused member (not classified, category B, "
        "outside the workplace, already linked…) refuses the whole batch with the reason.",
        request=IssueLettersSerializer,
        responses={201: ResidenceLinkSerializer(many=True)},
    )
    @action(detail=False, methods=["post"])
    def issue(self, request: Request) -> Response:
        user = request.user
        access.require_side(user, access.LinkSide.WORKPLACE)  # before the body is read
        data = validated_input(IssueLettersSerializer, request)
        workplace = data.pop("workplace_organization")
        access.require_side(user, access.LinkSide.WORKPLACE, workplace)
        links = services.issue_letters(by=user, workplace=workplace, **data)
        fresh = (
            ResidenceLink.objects.filter(pk__in=[link.pk for link in links])
            .select_related(*LINK_RELATIONS)
            .order_by("letter_number")
        )
        context = {"request": request, "today": timezone.localdate()}
        body = ResidenceLinkSerializer(fresh, many=True, context=context).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List the classifications of the members you may see"),
    retrieve=extend_schema(summary="One classification decision"),
)
class ClassificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ExemptionDecision]
):
    """Classification decisions (normal, category A, category B), never deleted:
    a decision is revoked."""

    serializer_class = ClassificationSerializer
    filterset_class = ClassificationFilter

    def get_queryset(self) -> QuerySet[ExemptionDecision]:
        return (
            ExemptionDecision.objects.visible_to(self.request.user)
            .select_related("member", "decided_by")
            .order_by("member_id", "valid_from", "pk")
        )

    def get_object(self) -> ExemptionDecision:
        try:
            pk = int(self.kwargs["pk"])
        except ValueError as exc:
            raise exceptions.NotFound from exc
        decision = self.get_queryset().filter(pk=pk).first()
        if decision is None:
            raise exceptions.NotFound
        return decision

    @extend_schema(
        summary="Classify a working member, or record an exemption",
        description="A normal classification (form 1-213) or an exemption of category A or "
        "B with its reason, decided by the grassroots committee or cell. A member already "
        "linked is exempted on the link (links/{id}/exempt/).",
        request=ClassificationCreateSerializer,
        responses={201: ClassificationSerializer},
    )
    def create(self, request: Request) -> Response:
        user = request.user
        access.require_side(user, access.LinkSide.WORKPLACE)  # before the body is read
        data = validated_input(ClassificationCreateSerializer, request)
        access.require_side(user, access.LinkSide.WORKPLACE, data["decided_by"])
        if data["category"] == Category.NORMAL:
            for name in ("category", "reason", "valid_until", "review_on"):
                data.pop(name)
            decision = services.classify_member(by=user, **data)
        else:
            decision = services.record_exemption(by=user, **data)
        decision = self.get_queryset().get(pk=decision.pk)
        return Response(ClassificationSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Revoke a classification decision from a date on",
        request=RevokeSerializer,
        responses=ClassificationSerializer,
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        user = request.user
        decision = self.get_object()
        access.require_side(user, access.LinkSide.WORKPLACE, decision.decided_by)
        data = validated_input(RevokeSerializer, request)
        services.revoke_exemption(by=user, decision=decision, **data)
        return Response(ClassificationSerializer(self.get_object()).data)


class ReconciliationView(APIView):
    """No member lost: the problems of the tracking book on a date, for an
    organization's subtree or, for superusers, the whole database. Read-only."""

    @extend_schema(
        summary="Reconcile the tracking book on a date",
        parameters=[ReconciliationQuerySerializer],
        responses=BookCheckSerializer,
    )
    def get(self, request: Request) -> Response:
        user = request.user
        if not has_capability(user, Capability.VIEW_MEMBERS):
            raise exceptions.PermissionDenied
        query = ReconciliationQuerySerializer(
            data=request.query_params, context={"request": request}
        )
        query.is_valid(raise_exception=True)
        org = query.validated_data.get("organization")
        if org is None and not sees_everything(user):
            raise serializers.ValidationError({"organization": [_("This field is required.")]})
        check = reconcile(on=query.validated_data["date"], organization=org)
        body = {
            "on": check.on,
            "organization": org.pk if org else None,
            "is_clean": check.is_clean,
            "findings": [
                {
                    "kind": f.kind,
                    "label": str(f.label),
                    "object_type": f.object_type,
                    "count": f.count,
                    "ids": f.ids,
                    "must_never_break": f.must_never_break,
                }
                for f in check.findings.values()
            ],
        }
        return Response(BookCheckSerializer(body).data)
