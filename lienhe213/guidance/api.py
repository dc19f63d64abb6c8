"""REST API of the guidance, through the services the pages call and with the same
scoping: ``guidance/entries/`` (every signed-in user; ``?q=`` folded search, ``?step=``),
``{id}/`` with every wording and the reader's province notes, ``{id}/note/`` (a
province's officers: 403 for anyone else, a province out of their reach is 400, a
stale ``version`` 409), ``{id}/revise/`` (administrators: a new wording, 403 for anyone
else, a stale ``version`` 409), ``guidance/walkthrough/`` (the reader's checklists) and
``guidance/walkthrough/dismiss/``."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lienhe213.core.api import stale_aware, validated_input
from lienhe213.core.errors import DomainError, StepRefused
from lienhe213.guidance import access, services
from lienhe213.guidance.filters import GuidanceEntryFilter
from lienhe213.guidance.models import GuidanceEntry, ProvinceNote
from lienhe213.guidance.serializers import (
    GuidanceEntryDetailSerializer,
    GuidanceEntrySerializer,
    GuidanceReviseSerializer,
    ProvinceNoteInSerializer,
    ProvinceNoteSerializer,
    WalkthroughChecklistSerializer,
    WalkthroughDismissSerializer,
)
from lienhe213.guidance.walkthrough import checklists


class EntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[GuidanceEntry]):
    """The texts of the rules, for every signed-in user."""

    serializer_class = GuidanceEntrySerializer
    filterset_class = GuidanceEntryFilter
    lookup_value_regex = r"\d+"  # any other id is a 404 of the router, never an int() error

    def get_queryset(self) -> QuerySet[GuidanceEntry]:
        return GuidanceEntry.objects.visible_to(self.request.user).with_current()

    def _detail(self, entry: GuidanceEntry) -> Response:
        notes = ProvinceNote.objects.visible_to(self.request.user).filter(entry=entry).with_names()
        context = {**self.get_serializer_context(), "notes": list(notes)}
        return Response(GuidanceEntryDetailSerializer(entry, context=context).data)

    @extend_schema(
        summary="One text with every wording and the reader's province notes",
        responses=GuidanceEntryDetailSerializer,
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(access.get_entry_for_user(request.user, int(pk)))

    @extend_schema(
        summary="Write, change or clear (empty text) a province's note under a text",
        request=ProvinceNoteInSerializer,
        responses={200: ProvinceNoteSerializer, 204: None},
    )
    @action(detail=True, methods=["post"])
    def note(self, request: Request, pk: str) -> Response:
        entry = access.get_entry_for_user(request.user, int(pk))
        provinces = {p.pk: p for p in access.note_provinces(request.user)}
        if not provinces:
            raise exceptions.PermissionDenied(
                _("Only a provincial officer writes the province's notes.")
            )
        data = validated_input(ProvinceNoteInSerializer, request)
        province = provinces.get(data["province"])
        if province is None:
            raise DomainError(_("Choose your own province."), field="province")

        def stored() -> int:
            notes = ProvinceNote.objects.visible_to(request.user)
            note = notes.filter(entry=entry, province=province).first()
            return note.version if note else 0

        result = stale_aware(
            lambda: services.save_province_note(
                by=request.user,
                entry=entry,
                province=province,
                text=data["text"],
                version=data["version"],
            ),
            version=data["version"],
            stored=stored,
        )
        if isinstance(result, Response):
            return result
        if result is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ProvinceNoteSerializer(result).data)

    @extend_schema(
        summary="Publish a new wording of a text (administrators; the old one is kept)",
        request=GuidanceReviseSerializer,
        responses={201: GuidanceEntryDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str) -> Response:
        entry = access.get_entry_for_user(request.user, int(pk))
        try:
            access.require_reviser(request.user)
        except StepRefused as err:
            raise exceptions.PermissionDenied(err.message) from err
        data = validated_input(GuidanceReviseSerializer, request)
        result = stale_aware(
            lambda: services.revise_entry(
                by=request.user,
                entry=entry,
                summary=data["summary"],
                text=data["text"],
                confirmed=data["confirmed"],
                reason=data["reason"],
                version=data["version"],
            ),
            version=data["version"],
            stored=lambda: (
                GuidanceEntry.objects.visible_to(request.user)
                .values_list("version", flat=True)
                .get(pk=entry.pk)
            ),
        )
        if isinstance(result, Response):
            return result
        response = self._detail(access.get_entry_for_user(request.user, entry.pk))
        response.status_code = status.HTTP_201_CREATED
        return response


class WalkthroughView(APIView):
    @extend_schema(
        summary="The newcomer checklists the reader has not dismissed",
        responses=WalkthroughChecklistSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        data = [vars(c) for c in checklists(request.user)]
        return Response(WalkthroughChecklistSerializer(data, many=True).data)


class WalkthroughDismissView(APIView):
    @extend_schema(
        summary="Dismiss the newcomer checklist of one of the reader's committee roles",
        request=WalkthroughDismissSerializer,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        data: dict[str, Any] = validated_input(WalkthroughDismissSerializer, request)
        services.dismiss_walkthrough(by=request.user, role=data["role"])
        return Response(status=status.HTTP_204_NO_CONTENT)
