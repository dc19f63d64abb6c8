"""The shapes of the organization tree in the REST API; the rules are the services'."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from lienhe213.core.fields import VisiblePrimaryKeyField
from lienhe213.organizations.models import Organization, OrganizationHistory


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
    parent = VisiblePrimaryKeyField(model=Organization, allow_null=True)  # type: ignore[assignment]

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
    new_parent = VisiblePrimaryKeyField(model=Organization, label=_("new parent organization"))
    effective_date = serializers.DateField(label=_("effective date"))


class MergeSerializer(serializers.Serializer[Any]):
    into = VisiblePrimaryKeyField(model=Organization, label=_("merge into"))
    effective_date = serializers.DateField(label=_("effective date"))
