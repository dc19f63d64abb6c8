"""API representations of guidance entries, their wordings and the province notes,
and the bodies of the note and walkthrough steps."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lienhe213.guidance.models import GuidanceEntry, GuidanceVersion, ProvinceNote, Step
from lienhe213.guidance.services import MAX_NOTE, MAX_SUMMARY, MAX_TEXT


@extend_schema_field({"allOf": [{"type": "string", "enum": list(Step.values)}]})
class StepField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Step.choices, **kwargs)


class GuidanceWordingSerializer(serializers.ModelSerializer[GuidanceVersion]):
    class Meta:
        model = GuidanceVersion
        fields = ["number", "summary", "text", "confirmed", "valid_from", "reason"]


class ProvinceNoteSerializer(serializers.ModelSerializer[ProvinceNote]):
    province_name = serializers.CharField(source="province.name", read_only=True)

    class Meta:
        model = ProvinceNote
        fields = ["id", "province", "province_name", "text", "updated_at", "version"]


class GuidanceEntrySerializer(serializers.ModelSerializer[GuidanceEntry]):
    """An entry with its current wording (the list)."""

    step = StepField(read_only=True)
    summary = serializers.CharField(source="current_version.summary", read_only=True)
    text = serializers.CharField(source="current_version.text", read_only=True)
    confirmed = serializers.BooleanField(source="current_version.confirmed", read_only=True)

    class Meta:
        model = GuidanceEntry
        fields = ["id", "key", "step", "title", "source", "summary", "text", "confirmed", "version"]


class GuidanceEntryDetailSerializer(GuidanceEntrySerializer):
    """An entry with every wording, newest first, and the notes the reader may read."""

    versions = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()

    class Meta(GuidanceEntrySerializer.Meta):
        fields = [*GuidanceEntrySerializer.Meta.fields, "versions", "notes"]

    @extend_schema_field(GuidanceWordingSerializer(many=True))
    def get_versions(self, entry: GuidanceEntry) -> list[dict[str, Any]]:
        return list(GuidanceWordingSerializer(entry.versions.order_by("-number"), many=True).data)

    @extend_schema_field(ProvinceNoteSerializer(many=True))
    def get_notes(self, entry: GuidanceEntry) -> list[dict[str, Any]]:
        return list(ProvinceNoteSerializer(self.context.get("notes", []), many=True).data)


class ProvinceNoteInSerializer(serializers.Serializer[Any]):
    province = serializers.IntegerField()
    text = serializers.CharField(max_length=MAX_NOTE, allow_blank=True)
    version = serializers.IntegerField(min_value=0)


class GuidanceReviseSerializer(serializers.Serializer[Any]):
    summary = serializers.CharField(max_length=MAX_SUMMARY)
    text = serializers.CharField(max_length=MAX_TEXT)
    confirmed = serializers.BooleanField(default=False)
    reason = serializers.CharField(max_length=300)
    version = serializers.IntegerField(min_value=1)


class WalkthroughDismissSerializer(serializers.Serializer[Any]):
    role = serializers.CharField(max_length=30)


class WalkthroughChecklistSerializer(serializers.Serializer[Any]):
    role = serializers.CharField()
    role_label = serializers.CharField()
    organization_name = serializers.CharField()
    does = serializers.CharField()
    items = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
