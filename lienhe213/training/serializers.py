"""API representations of training sessions and the bodies of their steps."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lienhe213.training import services
from lienhe213.training.models import Audience, Invitation, TrainingMaterial, TrainingSession


@extend_schema_field(
    {"allOf": [{"type": "string", "enum": list(Audience.values)}], "description": "For whom."}
)
class AudienceField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Audience.choices, **kwargs)


@extend_schema_field(
    {
        "allOf": [{"type": "string", "enum": list(TrainingSession.State.values)}],
        "description": "Planned, held or cancelled.",
    }
)
class SessionStateField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TrainingSession.State.choices, **kwargs)


@extend_schema_field(
    {
        "allOf": [{"type": "string", "enum": list(TrainingMaterial.FileType.values)}],
        "description": "PDF or DOCX.",
    }
)
class FileTypeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TrainingMaterial.FileType.choices, **kwargs)


class MaterialSerializer(serializers.ModelSerializer[TrainingMaterial]):
    """A material: its name, size and type; ``download`` is the address that checks
    access and streams it."""

    file_type = FileTypeField(read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = TrainingMaterial
        fields = ["id", "original_name", "size", "file_type", "uploaded_at", "download"]
        read_only_fields = fields

    def get_download(self, obj: TrainingMaterial) -> str:
        from django.urls import reverse

        return reverse("api:training-material-download", args=[obj.pk])


class InvitationSerializer(serializers.ModelSerializer[Invitation]):
    name = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["user", "name", "attended", "invited_at"]
        read_only_fields = fields

    def get_name(self, obj: Invitation) -> str:
        return obj.user.get_full_name() or obj.user.username


class SessionSerializer(serializers.ModelSerializer[TrainingSession]):
    """A session as the API shows it: the organizer side and the invitees alike (the
    list of invitees is in ``{id}/``, for the organizer side)."""

    audience = AudienceField(read_only=True)
    state = SessionStateField(read_only=True)
    organizer_name = serializers.CharField(source="organizer.name", read_only=True)

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "organizer",
            "organizer_name",
            "topic",
            "date",
            "starts_at",
            "place",
            "online_link",
            "audience",
            "state",
            "invited_at",
            "recorded_at",
            "cancelled_at",
            "version",
        ]
        read_only_fields = fields


class SessionDetailSerializer(SessionSerializer):
    invitations = serializers.SerializerMethodField()
    materials = MaterialSerializer(many=True, read_only=True)

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "invitations", "materials"]
        read_only_fields = fields

    @extend_schema_field(InvitationSerializer(many=True))
    def get_invitations(self, obj: TrainingSession) -> list[dict[str, Any]]:
        """The invitees with their attendance, for the organizer side; an invitee reads
        only their own."""
        organizes = bool(self.context.get("organizes"))
        user = self.context.get("user")
        rows = obj.invitations.select_related("user")
        if not organizes:
            rows = rows.filter(user_id=getattr(user, "pk", 0))
        return list(InvitationSerializer(rows, many=True).data)


class PlanSerializer(serializers.Serializer[Any]):
    organizer = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    topic = serializers.CharField(max_length=services.MAX_TOPIC)
    date = serializers.DateField()
    starts_at = serializers.TimeField(required=False, allow_null=True, default=None)
    place = serializers.CharField(
        max_length=services.MAX_PLACE, required=False, allow_blank=True, default=""
    )
    online_link = serializers.CharField(
        max_length=services.MAX_LINK, required=False, allow_blank=True, default=""
    )
    audience = AudienceField()


class StepSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)


class InviteResultSerializer(serializers.Serializer[Any]):
    invited = serializers.IntegerField()
    session = SessionSerializer()


class AttendanceSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
    attended = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        allow_empty=True,
        max_length=10000,
    )


class MaterialUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(allow_empty_file=True)
