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
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lienhe213.accounts.access import AnyUser, Capability, has_capability, sees_everything
from lienhe213.core.api import validated_input
from lienhe213.organizations import services
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.filters import OrganizationFilter
from lienhe213.organizations.models import Organization
from lienhe213.organizations.serializers import (
    MergeSerializer,
    MoveSerializer,
    OrganizationCreateSerializer,
    OrganizationDetailSerializer,
    OrganizationSerializer,
    RenameSerializer,
)


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
