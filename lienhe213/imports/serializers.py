from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lienhe213.core.fields import VisiblePrimaryKeyField
from lienhe213.imports.models import ImportBatch, ImportRow
from lienhe213.organizations.models import Organization


# Spelled inline (wrapped, so the enum post-processing leaves them alone): "kind" and
# "status" also name other models' choices (see notices.serializers).
@extend_schema_field(
    {
        "allOf": [{"type": "string", "enum": list(ImportBatch.Kind.values)}],
        "description": "What the file holds.",
    }
)
class KindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ImportBatch.Kind.choices, **kwargs)


@extend_schema_field(
    {
        "allOf": [{"type": "string", "enum": list(ImportBatch.Status.values)}],
        "description": "Where the import stands.",
    }
)
class StatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ImportBatch.Status.choices, **kwargs)


class ImportInputSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()
    kind = KindField()
    organization = VisiblePrimaryKeyField(model=Organization)
    all_or_nothing = serializers.BooleanField(default=False)


class VersionInputSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(required=False, allow_null=True)


class RejectedRowSerializer(serializers.ModelSerializer[ImportRow]):
    row = serializers.IntegerField(source="number")

    class Meta:
        model = ImportRow
        fields = ["row", "cells", "reasons"]


class ImportBatchSerializer(serializers.ModelSerializer[ImportBatch]):
    kind = KindField(read_only=True)
    status = StatusField(read_only=True)
    progress = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "organization",
            "organization_name",
            "file_name",
            "status",
            "progress",
            "counts",
            "all_or_nothing",
            "error",
            "version",
            "created_at",
            "finished_at",
        ]

    def get_progress(self, batch: ImportBatch) -> dict[str, int]:
        return {"done": batch.done, "total": batch.total, "percent": batch.percent}

    def get_counts(self, batch: ImportBatch) -> dict[str, int]:
        return {key: batch.count(key) for key in ("rows", "new", "update", "unchanged", "rejected")}


class ImportBatchDetailSerializer(ImportBatchSerializer):
    rejected_rows = serializers.SerializerMethodField()

    class Meta(ImportBatchSerializer.Meta):
        fields = [*ImportBatchSerializer.Meta.fields, "rejected_rows"]

    def get_rejected_rows(self, batch: ImportBatch) -> list[dict[str, Any]]:
        """The first 1,000 rejected rows (the error workbook holds them all)."""
        rows = ImportRow.objects.filter(batch=batch, outcome=ImportRow.Outcome.REJECTED).order_by(
            "number"
        )[:1_000]
        return list(RejectedRowSerializer(rows, many=True).data)
