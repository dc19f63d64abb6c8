"""REST API for the organization tree.

Answers about ids, the same on every endpoint of the API:

* an id in the URL that the user may not see gives **404**, like an id that never
  existed, so ids of other subtrees reveal nothing;
* an id in the request body or in a filter (``parent``, ``new_parent``, ``into``,
  ``subtree_of``, a member's ``organization``) is looked up through the same gatekeeper
  and, when out of scope, refused with **400** and the field's "object does not exist"
  error — again the answer for an id that never existed;
* an organization the user may see but not change gives **403**;
* a rule of the tree (a cycle, a merge into itself, a former organization…) gives
  **400** with the service's message.

Writes go through ``organizations.services``; serializers only check shapes.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lienhe213.accounts.access import AnyUser, Capability, has_capability, sees_everything
from lienhe213.organizations import services
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.filters import OrganizationFilter
from lienhe213.organizations.models import Organization, OrganizationHistory


def validated_input(
    serializer_class: type[serializers.Serializer[Any]], request: Request
) -> dict[str, Any]:
    """The request body checked by ``serializer_class`` (400 with field errors if not)."""
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class VisibleOrganizationField(serializers.PrimaryKeyRelatedField[Organization]):
    """An organization id, looked up among the organizations the requesting user may see."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Organization.objects.all(), **kwargs)

    def get_queryset(self) -> QuerySet[Organization]:
        request = self.context.get("request")
        if request is None:
            return Organization.objects.none()
        return Organization.objects.visible_to(request.user)


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    administrative_unit_name = serializers.CharField(
        source="administrative_unit.name", allow_null=True, read_only=True
    )
    community_name = serializers.CharField(source="community.name", allow_null=True, read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "side",
            "parent",
            "depth",
            "administrative_unit",
            "administrative_unit_name",
            "community",
            "community_name",
            "valid_from",
            "valid_until",
            "is_current",
            "merged_into",
        ]
        read_only_fields = fields


class OrganizationHistorySerializer(serializers.ModelSerializer[OrganizationHistory]):
    # Named "event" (its label) so the schema does not clash with Organization.kind.
    event = serializers.ChoiceField(
        source="kind", choices=OrganizationHistory.Kind.choices, read_only=True
    )

    class Meta:
        model = OrganizationHistory
        fields = [
            "event",
            "effective_date",
            "old_name",
            "new_name",
            "old_parent",
            "new_parent",
            "successor",
        ]
        read_only_fields = fields


class OrganizationDetailSerializer(OrganizationSerializer):
    ancestors = serializers.SerializerMethodField(
        help_text=_("Ids of the organizations above this one, from the root down.")
    )
    history = OrganizationHistorySerializer(many=True, read_only=True)

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "ancestors", "history"]
        read_only_fields = fields

    def get_ancestors(self, obj: Organization) -> list[int]:
        return obj.ancestor_ids()[:-1]


class OrganizationCreateSerializer(serializers.ModelSerializer[Organization]):
    # "parent" shadows Field.parent (the enclosing serializer) only for the type checker:
    # declared fields are taken off the class by the serializer metaclass.
    parent = VisibleOrganizationField(allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = Organization
        fields = [
            "name",
            "kind",
            "side",
            "parent",
            "code",
            "administrative_unit",
            "community",
            "valid_from",
        ]
        # Uniqueness of the code is the service's rule; it answers on the field.
        extra_kwargs: dict[str, dict[str, Any]] = {"code": {"validators": []}}


class RenameSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(label=_("new name"), max_length=200)
    effective_date = serializers.DateField(label=_("effective date"))


class MoveSerializer(serializers.Serializer[Any]):
    new_parent = VisibleOrganizationField(label=_("new parent organization"))
    effective_date = serializers.DateField(label=_("effective date"))


class MergeSerializer(serializers.Serializer[Any]):
    into = VisibleOrganizationField(label=_("merge into"))
    effective_date = serializers.DateField(label=_("effective date"))


def _require_manage(user: AnyUser, org: Organization | None) -> None:
    """403 unless ``user`` may change the tree at ``org`` (a root: superusers only)."""
    allowed = (
        sees_everything(user)
        if org is None
        else has_capability(user, Capability.MANAGE_ORGANIZATIONS, org.path)
    )
    if not allowed:
        raise exceptions.PermissionDenied


def _detail(org: Organization) -> dict[str, Any]:
    fresh = (
        Organization.objects.select_related("administrative_unit", "community")
        .prefetch_related("history")
        .get(pk=org.pk)
    )
    return OrganizationDetailSerializer(fresh).data


@extend_schema_view(
    list=extend_schema(summary="List the organizations you may see"),
)
class OrganizationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Organization]):
    """The party tree, scoped to the user's roles (``Organization.objects.visible_to``)."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter

    def get_queryset(self) -> QuerySet[Organization]:
        return (
            Organization.objects.visible_to(self.request.user)
            .select_related("administrative_unit", "community")
            .order_by("path")
        )

    @extend_schema(
        summary="One organization with its ancestors and history",
        responses=OrganizationDetailSerializer,
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        org = get_organization_for_user(request.user, pk)
        return Response(_detail(org))

    @extend_schema(
        summary="Create an organization",
        request=OrganizationCreateSerializer,
        responses={201: OrganizationDetailSerializer},
    )
    def create(self, request: Request) -> Response:
        user = request.user
        if not has_capability(user, Capability.MANAGE_ORGANIZATIONS):
            raise exceptions.PermissionDenied
        data = validated_input(OrganizationCreateSerializer, request)
        _require_manage(user, data["parent"])
        org = services.create_organization(by=user, **data)
        return Response(_detail(org), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Rename an organization, keeping the old name for earlier dates",
        request=RenameSerializer,
        responses=OrganizationDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def rename(self, request: Request, pk: str) -> Response:
        user = request.user
        org = get_organization_for_user(user, pk, write=True)
        data = validated_input(RenameSerializer, request)
        services.rename_organization(by=user, organization=org, **data)
        return Response(_detail(org))

    @extend_schema(
        summary="Move an organization and its subtree under another parent",
        request=MoveSerializer,
        responses=OrganizationDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str) -> Response:
        user = request.user
        org = get_organization_for_user(user, pk, write=True)
        data = validated_input(MoveSerializer, request)
        _require_manage(user, data["new_parent"])
        services.move_organization(by=user, organization=org, **data)
        return Response(_detail(org))

    @extend_schema(
        summary="Merge an organization into another one",
        description="The merged organization ends the day before the effective date; its "
        "sub-units move under the organization it is merged into. Answers with the merged "
        "organization.",
        request=MergeSerializer,
        responses=OrganizationDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        user = request.user
        org = get_organization_for_user(user, pk, write=True)
        data = validated_input(MergeSerializer, request)
        _require_manage(user, data["into"])
        services.merge_organizations(by=user, absorbed=org, **data)
        return Response(_detail(org))
