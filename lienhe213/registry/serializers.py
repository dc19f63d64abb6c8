"""Shapes of the tracking book in the REST API: what a link, its history and a
classification look like, and what each action takes. Serializers check shapes only;
every rule lives in ``registry.services``.

Every ``category`` field offers the same three choices (normal, A, B) and every
``reason`` of a classification the reasons of Guidance 33, so the schema has one enum
for each; the services refuse a choice that does not fit the action, on that field.
"""

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lienhe213.core.fields import VisiblePrimaryKeyField
from lienhe213.members.models import Member
from lienhe213.organizations.models import Community, Organization
from lienhe213.registry.access import residence_only
from lienhe213.registry.models import (
    Category,
    ExemptionDecision,
    LinkEvent,
    Reason,
    ResidenceLink,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def commune_committees() -> QuerySet[Organization]:
    """Every residential commune committee: the workplace introduces its members to the
    commune where they live, which is never inside its own subtree. Their names are
    public (they follow the administrative units); the services refuse a former one."""
    return Organization.objects.filter(
        kind=Organization.Kind.GRASSROOTS_COMMITTEE, side=Organization.Side.RESIDENTIAL
    )


class CommuneField(serializers.PrimaryKeyRelatedField[Organization]):
    """The id of a residential commune committee, anywhere in the tree."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=commune_committees(), **kwargs)


def _today() -> datetime.date:
    return timezone.localdate()


def _date(label: "StrOrPromise") -> serializers.DateField:
    return serializers.DateField(
        label=label, required=False, default=_today, help_text=_("Today when left out.")
    )


def _version() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        help_text=_("The version of the link you read; required to detect concurrent changes."),
    )


# --- reading --------------------------------------------------------------------------


class LinkEventSerializer(serializers.ModelSerializer[LinkEvent]):
    # Named "step" so the schema's enum does not clash with other "kind" fields.
    step = serializers.ChoiceField(source="kind", choices=LinkEvent.Kind.choices, read_only=True)
    by_username = serializers.CharField(source="by.username", allow_null=True, read_only=True)

    class Meta:
        model = LinkEvent
        fields = ["id", "step", "on", "at", "by", "by_username", "note", "before", "after"]
        read_only_fields = fields


class ResidenceLinkSerializer(serializers.ModelSerializer[ResidenceLink]):
    """One entry of the tracking book. ``party_card_number`` and ``dossier_number`` are
    null for a viewer who sees the member only through the residence (issue 3 item 7)."""

    category = serializers.ChoiceField(choices=Category.choices, read_only=True)
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    member_birth_date = serializers.DateField(source="member.birth_date", read_only=True)
    party_card_number = serializers.SerializerMethodField(
        help_text=_("Null for viewers who see the member only through the residence.")
    )
    dossier_number = serializers.SerializerMethodField(
        help_text=_("Null for viewers who see the member only through the residence.")
    )
    issued_by_organization_name = serializers.CharField(
        source="issued_by_organization.name", read_only=True
    )
    workplace_organization_name = serializers.CharField(
        source="workplace_organization.name", read_only=True
    )
    residence_commune_organization_name = serializers.CharField(
        source="residence_commune_organization.name", read_only=True
    )
    residence_cell_name = serializers.CharField(
        source="residence_cell.name", allow_null=True, read_only=True
    )
    is_overdue = serializers.SerializerMethodField(
        help_text=_("Issued and still not received after the deadline, as of today.")
    )

    class Meta:
        model = ResidenceLink
        fields = [
            "id",
            "member",
            "member_name",
            "member_birth_date",
            "party_card_number",
            "dossier_number",
            "issued_by_organization",
            "issued_by_organization_name",
            "workplace_organization",
            "workplace_organization_name",
            "residence_commune_organization",
            "residence_commune_organization_name",
            "residence_cell",
            "residence_cell_name",
            "category",
            "letter_form",
            "letter_number",
            "letter_year",
            "issued_on",
            "deadline",
            "presented_on",
            "received_on",
            "returned_on",
            "return_reason",
            "assigned_on",
            "acknowledged_on",
            "ended_on",
            "end_reason",
            "superseded_by",
            "status",
            "is_overdue",
            "version",
        ]
        read_only_fields = fields
        # "" until the link ends (the schema says so).
        extra_kwargs = {"end_reason": {"allow_blank": True}}

    def _shows_identifiers(self, link: ResidenceLink) -> bool:
        request = self.context["request"]
        return not residence_only(request.user, link.member)

    @extend_schema_field(OpenApiTypes.STR)
    def get_party_card_number(self, link: ResidenceLink) -> str | None:
        return link.member.party_card_number if self._shows_identifiers(link) else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_dossier_number(self, link: ResidenceLink) -> str | None:
        return link.member.dossier_number if self._shows_identifiers(link) else None

    def get_is_overdue(self, link: ResidenceLink) -> bool:
        return link.is_overdue(self.context.get("today") or _today())


class ResidenceLinkDetailSerializer(ResidenceLinkSerializer):
    """A link with what the residence needs to find the member, and its whole history."""

    member_phone = serializers.CharField(source="member.phone", read_only=True)
    member_residence_address = serializers.CharField(
        source="member.residence_address", read_only=True
    )
    member_community_name = serializers.CharField(
        source="member.residence_community.name", allow_null=True, read_only=True
    )
    events = LinkEventSerializer(many=True, read_only=True)

    class Meta(ResidenceLinkSerializer.Meta):
        fields = [
            *ResidenceLinkSerializer.Meta.fields,
            "member_phone",
            "member_residence_address",
            "member_community_name",
            "events",
        ]
        read_only_fields = fields


class ClassificationSerializer(serializers.ModelSerializer[ExemptionDecision]):
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    decided_by_name = serializers.CharField(source="decided_by.name", read_only=True)

    class Meta:
        model = ExemptionDecision
        fields = [
            "id",
            "member",
            "member_name",
            "category",
            "reason",
            "proposed_by",
            "decided_by",
            "decided_by_name",
            "decided_on",
            "valid_from",
            "valid_until",
            "evidence",
            "review_on",
            "revoked_on",
            "created_at",
        ]
        read_only_fields = fields
        # "" for a normal classification, which has no reason (the schema says so).
        extra_kwargs = {"reason": {"allow_blank": True}}


class FindingSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(
        help_text=_(
            "What kind of problem, as a fixed name a program can rely on; "
            "the label says it in words."
        )
    )
    label = serializers.CharField()  # type: ignore[assignment]  # shadows Field.label
    object_type = serializers.CharField(help_text=_("member, link or decision: what ids name."))
    count = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())
    must_never_break = serializers.BooleanField(
        help_text=_("An invariant the database itself forbids to break.")
    )


class BookCheckSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    organization = serializers.IntegerField(
        allow_null=True, help_text=_("Null for the whole database.")
    )
    is_clean = serializers.BooleanField()
    findings = FindingSerializer(many=True)


class LinkConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text=_("The version of the link now stored."))
    member_version = serializers.IntegerField(
        required=False, help_text=_("The version of the member now stored (retirement only).")
    )


class ExemptResultSerializer(serializers.Serializer[Any]):
    link = ResidenceLinkDetailSerializer()
    classification = ClassificationSerializer()


# --- query parameters ----------------------------------------------------------------


class ReconciliationQuerySerializer(serializers.Serializer[Any]):
    organization = VisiblePrimaryKeyField(
        model=Organization,
        label=_("organization"),
        required=False,
        help_text=_("The subtree to check; required unless you see the whole database."),
    )
    date = serializers.DateField(label=_("date"), required=False, default=_today)


# --- actions ----------------------------------------------------------------------------


class IssueLettersSerializer(serializers.Serializer[Any]):
    workplace_organization = VisiblePrimaryKeyField(
        model=Organization, label=_("workplace committee")
    )
    members = serializers.ManyRelatedField(
        child_relation=VisiblePrimaryKeyField(model=Member), label=_("members"), allow_empty=True
    )
    issued_on = _date(_("issued on"))
    residence_commune = CommuneField(
        label=_("residence commune committee"),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Left out: the committee of each member's residence commune."),
    )


class PresentSerializer(serializers.Serializer[Any]):
    version = _version()
    presented_on = _date(_("presented on"))


class ReceiveSerializer(serializers.Serializer[Any]):
    version = _version()
    received_on = _date(_("received on"))


class ReturnSerializer(serializers.Serializer[Any]):
    version = _version()
    returned_on = _date(_("returned on"))
    reason = serializers.CharField(label=_("reason for return"), max_length=255)


class AssignSerializer(serializers.Serializer[Any]):
    version = _version()
    cell = VisiblePrimaryKeyField(model=Organization, label=_("residential cell"))
    assigned_on = _date(_("assigned on"))


class AcknowledgeSerializer(serializers.Serializer[Any]):
    version = _version()
    acknowledged_on = _date(_("acknowledged on"))


class MoveResidenceSerializer(serializers.Serializer[Any]):
    version = _version()
    residence_commune = CommuneField(label=_("new residence commune committee"))
    moved_on = _date(_("moved on"))
    note = serializers.CharField(label=_("note"), required=False, allow_blank=True, default="")


class ChangeWorkplaceSerializer(serializers.Serializer[Any]):
    version = _version()
    workplace = VisiblePrimaryKeyField(model=Organization, label=_("new workplace committee"))
    changed_on = _date(_("changed on"))


class _DecisionFields(serializers.Serializer[Any]):
    category = serializers.ChoiceField(label=_("category"), choices=Category.choices)
    reason = serializers.ChoiceField(
        label=_("reason"), choices=Reason.choices, required=False, allow_blank=True, default=""
    )
    decided_by = VisiblePrimaryKeyField(model=Organization, label=_("decided by"))
    decided_on = _date(_("decision date"))
    valid_from = serializers.DateField(
        label=_("valid from"),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The decision date when left out."),
    )
    valid_until = serializers.DateField(
        label=_("valid until"), required=False, allow_null=True, default=None
    )
    review_on = serializers.DateField(
        label=_("review date"), required=False, allow_null=True, default=None
    )
    proposed_by = VisiblePrimaryKeyField(
        model=Organization, label=_("proposed by"), required=False, allow_null=True, default=None
    )
    evidence = serializers.CharField(
        label=_("evidence"), required=False, allow_blank=True, default=""
    )


class ExemptSerializer(_DecisionFields):
    version = _version()


class ClassificationCreateSerializer(_DecisionFields):
    member = VisiblePrimaryKeyField(model=Member, label=_("member"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["category"] == Category.NORMAL:
            for name in ("reason", "valid_until", "review_on"):
                if attrs.get(name):
                    raise serializers.ValidationError(
                        {name: [_("A normal classification has no reason, end or review.")]}
                    )
        return attrs


class RetireSerializer(serializers.Serializer[Any]):
    version = _version()
    member_version = serializers.IntegerField(
        min_value=1,
        help_text=_("The version of the member you read: retirement changes their party unit."),
    )
    retired_on = _date(_("retired on"))


class EndSerializer(serializers.Serializer[Any]):
    version = _version()
    # A plain string: the schema's "reason" enum is the exemption reasons'.
    reason = serializers.CharField(
        label=_("reason for ending"),
        max_length=30,
        help_text=_("left_party or died."),
    )
    ended_on = _date(_("ended on"))
    note = serializers.CharField(label=_("note"), required=False, allow_blank=True, default="")


class RevokeSerializer(serializers.Serializer[Any]):
    revoked_on = _date(_("revoked on"))
    note = serializers.CharField(label=_("note"), required=False, allow_blank=True, default="")


class RemapSerializer(serializers.Serializer[Any]):
    # "source" shadows Field.source only for the type checker (see organizations.serializers).
    source = VisiblePrimaryKeyField(  # type: ignore[assignment]
        model=Organization,
        label=_("merged commune committee or cell"),
    )
    commune = VisiblePrimaryKeyField(
        model=Organization, label=_("commune committee the links move to")
    )
    cell = VisiblePrimaryKeyField(
        model=Organization,
        label=_("cell the links move to"),
        required=False,
        allow_null=True,
        default=None,
    )
    community = serializers.PrimaryKeyRelatedField(
        label=_("only members living in this community"),
        queryset=Community.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )
    effective_on = _date(_("effective date"))
