"""Serializers of the meetings API: output shapes and the request bodies of each action."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from lienhe213.meetings.models import Attendance, FollowUp, Meeting, Opinion
from lienhe213.members.models import Member
from lienhe213.organizations.api import VisibleOrganizationField


class VisibleMemberField(serializers.PrimaryKeyRelatedField[Member]):
    """A member id, looked up among the members the requesting user may see."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Member.objects.all(), **kwargs)

    def get_queryset(self) -> QuerySet[Member]:
        request = self.context.get("request")
        if request is None:
            return Member.objects.none()
        return Member.objects.visible_to(request.user)


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    cell_name = serializers.CharField(source="cell.name", read_only=True)

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


class AttendanceSerializer(serializers.ModelSerializer[Attendance]):
    member_name = serializers.CharField(source="member.full_name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["member", "member_name", "link", "invited", "status", "excuse_reason"]


class OpinionSerializer(serializers.ModelSerializer[Opinion]):
    class Meta:
        model = Opinion
        fields = ["id", "member", "text", "created_at"]


class FollowUpSerializer(serializers.ModelSerializer[FollowUp]):
    class Meta:
        model = FollowUp
        fields = ["id", "description", "owner", "due_on", "done_on"]


class MeetingDetailSerializer(MeetingSerializer):
    attendances = AttendanceSerializer(many=True, read_only=True)
    opinions = OpinionSerializer(many=True, read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "attendances", "opinions", "follow_ups"]


class PlanSerializer(serializers.Serializer[Any]):
    cell = VisibleOrganizationField()
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices)
    date = serializers.DateField()
    place = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    agenda = serializers.CharField(required=False, default="", allow_blank=True)
    include_category_a = serializers.BooleanField(required=False, default=False)


class VersionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()


class AttendanceInputSerializer(VersionSerializer):
    member = VisibleMemberField()
    status = serializers.ChoiceField(choices=Attendance.Status.choices)
    excuse_reason = serializers.CharField(
        max_length=255, required=False, default="", allow_blank=True
    )


class OpinionInputSerializer(VersionSerializer):
    member = VisibleMemberField()
    text = serializers.CharField()


class FollowUpInputSerializer(VersionSerializer):
    description = serializers.CharField()
    owner = serializers.CharField(max_length=200)
    due_on = serializers.DateField()


class FollowUpDoneSerializer(VersionSerializer):
    follow_up = serializers.IntegerField()
    done_on = serializers.DateField()


class CancelSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=255)


class MeetingConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    version = serializers.IntegerField()
