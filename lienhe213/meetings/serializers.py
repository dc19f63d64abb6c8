"""Serializers of the meetings API: output shapes and the request bodies of each action."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lienhe213.core.fields import VisiblePrimaryKeyField
from lienhe213.meetings.models import Attendance, FollowUp, Meeting, Opinion
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization


def _inline_enum(choices: list[tuple[str, Any]]) -> dict[str, Any]:
    """The allowed values, described as a pattern rather than an enum: "status" and
    "kind" already name other enums in the API, and drf-spectacular would otherwise need
    a settings entry to keep the meeting's choices apart from those."""
    values = [value for value, _label in choices]
    return {
        "type": "string",
        "pattern": "^(" + "|".join(values) + ")$",
        "description": "One of: " + ", ".join(values) + ".",
    }


@extend_schema_field(_inline_enum(Meeting.Kind.choices))
class MeetingKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Meeting.Kind.choices, **kwargs)


@extend_schema_field(_inline_enum(Meeting.Status.choices))
class MeetingStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Meeting.Status.choices, **kwargs)


@extend_schema_field(_inline_enum(Attendance.Status.choices))
class AttendanceStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Attendance.Status.choices, **kwargs)


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    cell_name = serializers.CharField(source="cell.name", read_only=True)
    kind = MeetingKindField(read_only=True)
    status = MeetingStatusField(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "cell",
            "cell_name",
            "kind",
            "date",
            "place",
            "agenda",
            "status",
            "cancel_reason",
            "version",
        ]


class MeetingAttendanceSerializer(serializers.ModelSerializer[Attendance]):
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    status = AttendanceStatusField(read_only=True)

    class Meta:
        model = Attendance
        fields = ["member", "member_name", "link", "invited", "status", "excuse_reason"]


class MeetingOpinionSerializer(serializers.ModelSerializer[Opinion]):
    class Meta:
        model = Opinion
        fields = ["id", "member", "text", "created_at"]


class MeetingFollowUpSerializer(serializers.ModelSerializer[FollowUp]):
    member_name = serializers.CharField(
        source="member.full_name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = FollowUp
        fields = ["id", "description", "owner", "member", "member_name", "due_on", "done_on"]


class MeetingDetailSerializer(MeetingSerializer):
    attendances = MeetingAttendanceSerializer(many=True, read_only=True)
    opinions = MeetingOpinionSerializer(many=True, read_only=True)
    follow_ups = MeetingFollowUpSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "attendances", "opinions", "follow_ups"]


class MeetingPlanSerializer(serializers.Serializer[Any]):
    cell = VisiblePrimaryKeyField(model=Organization)
    kind = MeetingKindField()
    date = serializers.DateField()
    place = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    agenda = serializers.CharField(required=False, default="", allow_blank=True)
    include_category_a = serializers.BooleanField(required=False, default=False)


class MeetingVersionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()


class MeetingHeldSerializer(MeetingVersionSerializer):
    place = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        help_text="Where it took place, if not as planned; a held meeting needs one.",
    )
    agenda = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="What it dealt with, if not as planned; a held meeting needs one.",
    )


class MeetingAttendanceInputSerializer(MeetingVersionSerializer):
    member = VisiblePrimaryKeyField(model=Member)
    status = AttendanceStatusField()
    excuse_reason = serializers.CharField(
        max_length=255, required=False, default="", allow_blank=True
    )


class MeetingOpinionInputSerializer(MeetingVersionSerializer):
    member = VisiblePrimaryKeyField(model=Member)
    text = serializers.CharField()


class MeetingFollowUpInputSerializer(MeetingVersionSerializer):
    description = serializers.CharField()
    owner = serializers.CharField(max_length=200)
    member = VisiblePrimaryKeyField(
        model=Member,
        required=False,
        allow_null=True,
        default=None,
        help_text="The member it is about or who takes it on: one with a record at the "
        "meeting or linked to the cell.",
    )
    due_on = serializers.DateField()


class MeetingFollowUpDoneSerializer(MeetingVersionSerializer):
    follow_up = serializers.IntegerField()
    done_on = serializers.DateField()


class MeetingCancelSerializer(MeetingVersionSerializer):
    reason = serializers.CharField(max_length=255)


class MeetingConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    version = serializers.IntegerField()
