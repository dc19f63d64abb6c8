"""API shapes of the comment cycle; the rules stay in ``comments.services``."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lienhe213.comments.models import (
    Comment,
    CommentCampaign,
    CommentRequest,
    FollowUpOutcome,
    Purpose,
    RatingLevel,
    RecommendationFollowUp,
)
from lienhe213.core.fields import VisiblePrimaryKeyField
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization


class CampaignSerializer(serializers.ModelSerializer[CommentCampaign]):
    class Meta:
        model = CommentCampaign
        fields = ["id", "province", "year", "opens_on", "closes_on", "deadline"]
        read_only_fields = ["id"]
        validators: list[Any] = []  # the service gives the clear reason for a second one


class CampaignCreateSerializer(serializers.Serializer[Any]):
    province = VisiblePrimaryKeyField(model=Organization)
    year = serializers.IntegerField(min_value=2020, max_value=2100)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    deadline = serializers.DateField()


def _plain(name: str) -> serializers.CharField:
    """A stored choice shown as its code (the scales are documented on the forms)."""
    return serializers.CharField(read_only=True, help_text=name)


class CommentSerializer(serializers.ModelSerializer[Comment]):
    item_1 = _plain("form 3 item 1: good / fair / not_yet")
    item_2 = _plain("form 3 item 2: leading / exemplary / not_yet")
    item_3 = _plain("form 3 item 3: full / partial / none")
    item_4 = _plain("form 3 item 4: regular_active / regular / irregular")
    item_5 = _plain("form 3 item 5: very_active / active / not_yet")
    recommendation = _plain("commend / no_proposal / consider_handling")
    item_a = _plain("form 4 item a: good / fair / not_yet")
    item_b = _plain("form 4 item b: good / done / not_yet")
    item_c = _plain("form 4 item c: good / done / not_yet")
    rating_level = _plain("excellent / good / completed / not_completed")

    class Meta:
        model = Comment
        fields = [
            "front_meeting_on",
            "front_meeting_participants",
            "item_1",
            "item_2",
            "item_3",
            "item_4",
            "item_5",
            "recommendation",
            "other_comments",
            "item_a",
            "item_b",
            "item_c",
            "signed_at",
            "signed_by",
            "confirmed_at",
            "confirmed_by",
            "returned_at",
            "acknowledged_at",
            "acknowledged_by",
            "rating_level",
            "rating_note",
            "member_answer",
            "answered_at",
            "version",
        ]
        read_only_fields = fields


class FollowUpSerializer(serializers.ModelSerializer[RecommendationFollowUp]):
    outcome = _plain(
        "commend: commended / not_commended; "
        "consider_handling: disciplined / reminded / no_violation"
    )

    class Meta:
        model = RecommendationFollowUp
        fields = [
            "outcome",
            "decided_on",
            "decision_reference",
            "note",
            "notice",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class CommentRequestSerializer(serializers.ModelSerializer[CommentRequest]):
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    comment = CommentSerializer(read_only=True)
    follow_up = serializers.SerializerMethodField(
        help_text="The workplace committee's follow-up of the recommendation, or null."
    )
    form = _plain("3-213 / 4-213")
    purpose = _plain("cadre_work / commendation / discipline, form 4-213 only")
    status = _plain("requested / drafted / signed / confirmed / returned / acknowledged / used")

    class Meta:
        model = CommentRequest
        fields = [
            "id",
            "campaign",
            "link",
            "member",
            "member_name",
            "workplace_organization",
            "form",
            "purpose",
            "requested_on",
            "status",
            "escalated_at",
            "version",
            "comment",
            "follow_up",
        ]
        read_only_fields = fields

    @extend_schema_field(FollowUpSerializer(allow_null=True))
    def get_follow_up(self, obj: CommentRequest) -> dict[str, Any] | None:
        try:
            follow_up = obj.follow_up
        except RecommendationFollowUp.DoesNotExist:
            return None
        return FollowUpSerializer(follow_up).data


class BulkRequestSerializer(serializers.Serializer[Any]):
    campaign = serializers.PrimaryKeyRelatedField(queryset=CommentCampaign.objects.all())
    workplace = VisiblePrimaryKeyField(model=Organization)
    members = serializers.ListField(child=VisiblePrimaryKeyField(model=Member), allow_empty=False)
    requested_on = serializers.DateField()
    purpose = serializers.ChoiceField(choices=Purpose.choices, required=False, default="")


class CommentVersionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        required=False, help_text=_("The version you started from; a stale one answers 409.")
    )


class DraftSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(help_text=_("The comment's version you started from."))
    values = serializers.DictField(child=serializers.CharField(allow_blank=True))


class FrontMeetingSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(help_text=_("The comment's version you started from."))
    met_on = serializers.DateField()
    participants = serializers.CharField()


class RatingSerializer(CommentVersionSerializer):
    rating_level = serializers.ChoiceField(choices=RatingLevel.choices)
    rating_note = serializers.CharField(allow_blank=True, required=False, default="")


class FollowUpInputSerializer(CommentVersionSerializer):
    outcome = serializers.ChoiceField(choices=FollowUpOutcome.choices)
    decided_on = serializers.DateField()
    decision_reference = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=100
    )
    note = serializers.CharField(allow_blank=True, required=False, default="")


class AnswerSerializer(CommentVersionSerializer):
    answer = serializers.CharField()
