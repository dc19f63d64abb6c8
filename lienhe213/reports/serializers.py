"""The report's shape in the REST API (the same figures as the page), and the
commendations of the annual thematic review."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lienhe213.comments.models import CommentRequest
from lienhe213.core.fields import VisiblePrimaryKeyField
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization
from lienhe213.reports.models import Commendation


class ChildSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text=_("The name borne at the end of the period."))
    formerly = serializers.ListField(child=serializers.CharField(), required=False)
    kind = serializers.CharField()
    side = serializers.CharField()
    figures = serializers.DictField(child=serializers.FloatField(allow_null=True))


class SuccessorSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(
        allow_null=True, help_text=_("None when the user may not see the successor.")
    )
    name = serializers.CharField(help_text=_("Empty for a unit dissolved without successor."))
    on = serializers.DateField(help_text=_("The first day after the organization ended."))
    text = serializers.CharField(help_text=_("Where the organization went, in words."))
    url = serializers.CharField(help_text=_("The successor's report for the same period."))


class FeedbackFiguresQuerySerializer(serializers.Serializer[Any]):
    """The query of the residents' feedback figures: which commune or cell, which year.
    Whether the reader may see the organization is the gatekeeper's answer (404/403)."""

    organization = serializers.IntegerField(
        label=_("organization"),
        min_value=1,
        help_text=_("A residential cell or a commune committee whose reports you handle."),
    )
    year = serializers.IntegerField(label=_("year"), min_value=2020, max_value=2100)


class IndicatorsSerializer(serializers.Serializer[Any]):
    organization = serializers.IntegerField()
    name = serializers.CharField(help_text=_("The name borne at the end of the period."))
    formerly = serializers.ListField(child=serializers.CharField())
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("The units whose records before a merger the report counts, in words."),
    )
    successor = SuccessorSerializer(
        allow_null=True,
        help_text=_(
            "Where the organization went when it ended before the period's end; its "
            "figures stop at its last day, and are zero for a period after it."
        ),
    )
    tree_day = serializers.DateField(help_text=_("The day whose tree and names are used."))
    year = serializers.IntegerField(allow_null=True)
    start = serializers.DateField()
    end = serializers.DateField()
    on = serializers.DateField(help_text=_("The day the 'as of' figures are read on."))
    meetings_required_per_cell = serializers.IntegerField()
    figures = serializers.DictField(child=serializers.FloatField(allow_null=True))
    reasons = serializers.DictField(child=serializers.IntegerField())
    distribution = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField())
    )
    problems = serializers.DictField(child=serializers.IntegerField())
    children = ChildSerializer(many=True)


# Spelled inline (as the notices do): "status" names other models' choices too, and
# shared names collide in the schema's enum components.
@extend_schema_field(
    {
        "allOf": [{"type": "string", "enum": list(Commendation.Status.values)}],
        "description": "Proposed, decided or rejected.",
    }
)
class CommendationStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Commendation.Status.choices, **kwargs)


class CommendationSerializer(serializers.ModelSerializer[Commendation]):
    subject = serializers.CharField(source="__str__", read_only=True)
    status = CommendationStatusField(read_only=True)

    class Meta:
        model = Commendation
        fields = [
            "id",
            "year",
            "organization",
            "member",
            "subject",
            "comment_request",
            "status",
            "reason",
            "proposed_by_organization",
            "proposed_on",
            "decided_by_organization",
            "decision_number",
            "decided_on",
            "rejection_reason",
            "version",
        ]
        read_only_fields = fields


class ProposeSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(min_value=2020, max_value=2100)
    proposed_by_organization = VisiblePrimaryKeyField(model=Organization)
    organization = VisiblePrimaryKeyField(model=Organization, required=False, allow_null=True)
    member = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.all(), required=False, allow_null=True
    )
    comment_request = serializers.PrimaryKeyRelatedField(
        queryset=CommentRequest.objects.all(), required=False, allow_null=True
    )
    reason = serializers.CharField()
    proposed_on = serializers.DateField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            user = request.user
            self.fields["member"].queryset = Member.objects.visible_to(user)  # type: ignore[attr-defined]
            self.fields["comment_request"].queryset = CommentRequest.objects.visible_to(user)  # type: ignore[attr-defined]


class DecideSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    decision_number = serializers.CharField(max_length=40)
    decided_on = serializers.DateField(required=False)


class RejectSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    reason = serializers.CharField()
    decided_on = serializers.DateField(required=False)


class CommendationConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    version = serializers.IntegerField()
