"""API representations of residents' reports, the public bodies and the steps' bodies."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lienhe213.accounts.models import RepresentativeKind
from lienhe213.feedback import services
from lienhe213.feedback.models import CloseReason, ResidentReport, Topic


@extend_schema_field({"allOf": [{"type": "string", "enum": list(ResidentReport.Status.values)}]})
class StatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ResidentReport.Status.choices, **kwargs)


@extend_schema_field(
    {"allOf": [{"type": "string", "enum": list(CloseReason.values)}], "description": "Why."}
)
class CloseReasonField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=CloseReason.choices, **kwargs)


@extend_schema_field(
    {"allOf": [{"type": "string", "enum": list(Topic.values)}], "description": "About what."}
)
class TopicField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Topic.choices, **kwargs)


@extend_schema_field(
    {
        "allOf": [{"type": "string", "enum": list(services.FORWARD_KINDS)}],
        "description": "The kind of notice the report is forwarded as.",
    }
)
class ForwardKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=list(services.FORWARD_KINDS), **kwargs)


@extend_schema_field(
    {
        "allOf": [{"type": "string", "enum": ["", *RepresentativeKind.values]}],
        "description": "Whom the representative speaks for.",
    }
)
class RepresentativeKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[("", ""), *RepresentativeKind.choices], **kwargs)


class ChannelSerializer(serializers.Serializer[Any]):
    """A cell's public page as the API shows it to anyone: the cell and its commune,
    and the signed start of the form (the same honeypot clock as the page)."""

    cell = serializers.CharField()
    commune = serializers.CharField()
    started = serializers.CharField()


class SubmitSerializer(serializers.Serializer[Any]):
    channel = serializers.CharField(max_length=32)
    topic = TopicField()
    member_name = serializers.CharField(max_length=services.MAX_NAME)
    community = serializers.CharField(max_length=services.MAX_COMMUNITY)
    body = serializers.CharField(max_length=services.MAX_BODY)
    phone = serializers.CharField(max_length=25, required=False, allow_blank=True, default="")
    started = serializers.CharField(max_length=200)
    website = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ReceiptSerializer(serializers.Serializer[Any]):
    receipt = serializers.CharField()


class ReceiptLookupSerializer(serializers.Serializer[Any]):
    receipt = serializers.CharField(max_length=64)


class ReceiptStatusSerializer(serializers.Serializer[Any]):
    status = StatusField(allow_null=True)


class ReportSerializer(serializers.ModelSerializer[ResidentReport]):
    """A report as the residence side reads it; never the phone (``phone/`` reads it,
    audited, for those who may)."""

    status = StatusField(read_only=True)
    topic = TopicField(read_only=True)
    close_reason = CloseReasonField(read_only=True)
    cell_name = serializers.CharField(source="cell.name", read_only=True)
    member_full_name = serializers.CharField(
        source="member.full_name", read_only=True, default=None
    )
    has_phone = serializers.SerializerMethodField()
    representative_kind = RepresentativeKindField(
        read_only=True,
        help_text=_(
            "Whom the community representative who wrote it speaks for; empty for a "
            "resident's report."
        ),
    )
    representative_name = serializers.CharField(
        read_only=True,
        help_text=_("The community representative who wrote it; empty for a resident's report."),
    )

    class Meta:
        model = ResidentReport
        fields = [
            "id",
            "cell",
            "cell_name",
            "topic",
            "member_name",
            "community",
            "representative_kind",
            "representative_name",
            "body",
            "has_phone",
            "received_at",
            "handle_by",
            "status",
            "link",
            "member",
            "member_full_name",
            "notice",
            "close_reason",
            "note",
            "closed_at",
            "escalated_at",
            "version",
        ]
        read_only_fields = fields

    def get_has_phone(self, obj: ResidentReport) -> bool:
        return bool(obj.phone)


class ReportPhoneSerializer(serializers.Serializer[Any]):
    phone = serializers.CharField()


class ChannelCreateSerializer(serializers.Serializer[Any]):
    cell = serializers.IntegerField()


class ChannelOutSerializer(serializers.Serializer[Any]):
    cell = serializers.IntegerField(source="cell_id")
    slug = serializers.CharField()
    url = serializers.CharField()


class ReportMatchSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(required=False)
    link = serializers.IntegerField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReportCloseSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(required=False)
    reason = CloseReasonField()
    note = serializers.CharField()


class ReportForwardSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(required=False)
    kind = ForwardKindField()
    note = serializers.CharField()


class OpinionSerializer(serializers.ModelSerializer[ResidentReport]):
    """A community representative's own opinion as they read it: what they wrote and
    its state, nothing of its handling (no more than a resident's receipt tells)."""

    status = StatusField(read_only=True)
    topic = TopicField(read_only=True)
    cell_name = serializers.CharField(source="cell.name", read_only=True)

    class Meta:
        model = ResidentReport
        fields = [
            "id",
            "cell",
            "cell_name",
            "topic",
            "member_name",
            "body",
            "received_at",
            "status",
        ]
        read_only_fields = fields


class OpinionCreateSerializer(serializers.Serializer[Any]):
    cell = serializers.IntegerField(
        label=_("residential cell"), help_text=_("A cell you represent.")
    )
    topic = TopicField()
    member_name = serializers.CharField(max_length=services.MAX_NAME)
    body = serializers.CharField(max_length=services.MAX_BODY)
    token = serializers.UUIDField(
        help_text=_(
            "A new random identifier for each opinion: sending the same one again is "
            "refused (400) and stores nothing more."
        )
    )
