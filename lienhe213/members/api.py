"""REST API for member records.

Reads go through ``Member.objects.visible_to`` and ``get_member_for_user``; writes through
``members.services``. The ids rules are those of ``organizations.api``: a member the user
may not see is 404, one they may see but not edit is 403, an out-of-scope organization in
the body or a filter is a 400 field error.

Citizen IDs are personal data: lists show them masked; a member's detail shows the full
number only to users who may edit the record (``citizen_id`` is null for the others).
The ``q`` search matches a whole citizen ID on the same rule only
(``MemberQuerySet.search``): for the others an ID-like query matches nothing on it, so
the masked digits cannot be recovered by trying candidates.

Edits are optimistic: ``PATCH`` must carry the ``version`` the client read; if someone
saved in between, the answer is 409 Conflict and nothing changes.

``GET /api/v1/me/data/`` gives the signed-in member everything held about them, the
content of the page's workbook as JSON (``members.personal_data``), audited as an export.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lienhe213.accounts.access import Capability, has_capability
from lienhe213.core import audit
from lienhe213.core.api import stale_aware, validated_input
from lienhe213.members import personal_data, services
from lienhe213.members.access import get_member_for_user, get_own_member, reveal_citizen_id
from lienhe213.members.filters import MemberFilter
from lienhe213.members.models import Member
from lienhe213.members.serializers import (
    ConflictSerializer,
    MemberCreatedSerializer,
    MemberDetailSerializer,
    MemberListSerializer,
    MemberUpdateSerializer,
    MemberWriteSerializer,
    PersonalDataSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="List the members you may see, in Vietnamese name order"),
)
class MemberViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Member]):
    """Member records, scoped by ``Member.objects.visible_to``. No PUT: edits are PATCH."""

    serializer_class = MemberListSerializer
    filterset_class = MemberFilter

    def get_queryset(self) -> QuerySet[Member]:
        return (
            Member.objects.visible_to(self.request.user)
            .select_related("organization")
            .vietnamese_order()
        )

    def _detail(self, member: Member) -> dict[str, Any]:
        context = {"citizen_id": reveal_citizen_id(self.request.user, member)}
        return MemberDetailSerializer(member, context=context).data

    @extend_schema(summary="One member's record", responses=MemberDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._detail(get_member_for_user(request.user, pk)))

    @extend_schema(
        summary="Register a member",
        request=MemberWriteSerializer,
        responses={201: MemberCreatedSerializer},
    )
    def create(self, request: Request) -> Response:
        """Register a member. A namesake (a member the user can see with the same folded
        name and date of birth) does not stop it: an API client has no one to tick the
        page form's confirmation, and refusing would break imports by script. The 201
        answer lists each namesake in ``warnings`` (empty when there is none), so the
        client can show it or undo the registration."""
        user = request.user
        if not has_capability(user, Capability.EDIT_MEMBERS):
            raise exceptions.PermissionDenied
        data = validated_input(MemberWriteSerializer, request)
        if not has_capability(user, Capability.EDIT_MEMBERS, data["organization"].path):
            raise exceptions.PermissionDenied
        member = services.create_member(by=user, **data)
        namesakes = (
            Member.objects.visible_to(user)
            .namesakes(
                family_name=member.family_name,
                middle_name=member.middle_name,
                given_name=member.given_name,
                birth_date=member.birth_date,
            )
            .exclude(pk=member.pk)
            .select_related("organization")
            .vietnamese_order()
        )
        body = {
            **self._detail(member),
            "warnings": [
                _("%(name)s (id %(id)s, %(unit)s) has the same name and date of birth.")
                % {"name": other.full_name, "id": other.pk, "unit": other.organization.name}
                for other in namesakes
            ],
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a member's record",
        request=MemberUpdateSerializer,
        responses={
            200: MemberDetailSerializer,
            409: OpenApiResponse(
                ConflictSerializer, description=_("Someone else saved the record meanwhile.")
            ),
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        user = request.user
        member = get_member_for_user(user, pk, write=True)
        serializer = MemberUpdateSerializer(
            member, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version")
        new_org = changes.get("organization")
        if new_org is not None and not has_capability(user, Capability.EDIT_MEMBERS, new_org.path):
            raise exceptions.PermissionDenied
        result = stale_aware(
            lambda: services.update_member(by=user, member=member, version=version, **changes),
            version=version,
            stored=lambda: Member.objects.values_list("version", flat=True).get(pk=member.pk),
        )
        return result if isinstance(result, Response) else Response(self._detail(result))


class PersonalDataView(APIView):
    """The signed-in member's own data (the data subject's right of access). 404 for an
    account linked to no member record."""

    @extend_schema(
        summary="Everything held about you, the signed-in member",
        responses={
            200: PersonalDataSerializer,
            404: OpenApiResponse(description=_("Your account is not linked to a member record.")),
        },
    )
    def get(self, request: Request) -> Response:
        try:
            member = get_own_member(request.user)
        except Http404 as exc:
            raise exceptions.NotFound(str(exc)) from exc
        data = personal_data.collect(member)
        response = Response(data.as_data())
        return audit.mark_export(  # type: ignore[return-value]
            response, title=f"{personal_data.TITLE} {data.today.isoformat()}", rows=data.rows
        )
