"""API representations of notices and the bodies of their steps."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lienhe213.core.fields import VisiblePrimaryKeyField
from lienhe213.notices.models import Kind, Notice, NoticeReply
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import ResidenceLink


# The schema spells these enums inline (wrapped, so the enum post-processing leaves them
# alone): "kind" and "status" also name other models' choices, and shared names collide
# in the schema's enum components without an ENUM_NAME_OVERRIDES entry in the settings.
@extend_schema_field(
    {"allOf": [{"type": "string", "enum": list(Kind.values)}], "description": "The kind of notice."}
)
class KindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Kind.choices, **kwargs)


@extend_schema_field(
    {
        "allOf": [{"type": "string", "enum": list(Notice.Status.values)}],
        "description": "Where the notice stands.",
    }
)
class StatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Notice.Status.choices, **kwargs)


class NoticeSerializer(serializers.ModelSerializer[Notice]):
    kind = KindField(read_only=True)
    status = StatusField(read_only=True)
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    sender_name = serializers.CharField(source="sender.name", read_only=True)
    recipient_name = serializers.CharField(source="recipient.name", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "member",
            "member_name",
            "link",
            "sender",
            "sender_name",
            "recipient",
            "recipient_name",
            "kind",
            "body",
            "sent_on",
            "sent_at",
            "response_due",
            "is_overdue",
            "acknowledged_at",
            "outcome",
            "closed_at",
            "escalated_at",
            "status",
            "version",
        ]
        read_only_fields = fields

    def get_is_overdue(self, notice: Notice) -> bool:
        return notice.is_overdue(self.context["today"])


class NoticeReplySerializer(serializers.ModelSerializer[NoticeReply]):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = NoticeReply
        fields = ["id", "organization", "organization_name", "at", "body"]
        read_only_fields = fields


class NoticeDetailSerializer(NoticeSerializer):
    replies = NoticeReplySerializer(many=True, read_only=True)

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "replies"]
        read_only_fields = fields


class NoticeCreateSerializer(serializers.Serializer[Any]):
    link = VisiblePrimaryKeyField(
        model=ResidenceLink,
        related=(
            "member",
            "workplace_organization",
            "residence_commune_organization",
            "residence_cell",
        ),
        help_text=_("The member's residence link the notice is about."),
    )
    kind = KindField()
    sender = VisiblePrimaryKeyField(
        model=Organization, help_text=_("The side of the link you write for.")
    )
    # The other side usually lies outside the sender's subtree; the service checks it
    # is the link's other side.
    recipient = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), help_text=_("The other side of the link.")
    )
    body = serializers.CharField()
    sent_on = serializers.DateField(required=False, help_text=_("Today when omitted."))


class VersionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(help_text=_("The version of the notice you saw."))


class ReplySerializer(VersionSerializer):
    body = serializers.CharField()


class CloseSerializer(VersionSerializer):
    outcome = serializers.CharField()


class NoticeConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text=_("The version of the notice now stored."))
