"""Serializers of the documents API: registered documents, the public verification
answer, and the inputs that register a document or start a batch."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from lienhe213.comments.models import CommentRequest
from lienhe213.core.fields import VisiblePrimaryKeyField
from lienhe213.documents.models import DocumentBatch, IssuedDocument, Signer
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import ResidenceLink


class IssuedDocumentSerializer(serializers.ModelSerializer[IssuedDocument]):
    # Plain strings in the schema: the values are the form numbers and short codes.
    kind = serializers.CharField(read_only=True)
    series = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    current_status = serializers.CharField(read_only=True)

    class Meta:
        model = IssuedDocument
        fields = [
            "id",
            "kind",
            "series",
            "number",
            "year",
            "issuer",
            "issuer_name",
            "link",
            "comment_request",
            "member",
            "issued_on",
            "status",
            "current_status",
            "status_changed_on",
            "superseded_by",
            "signer",
            "verification_code",
            "checksum",
        ]
        read_only_fields = fields


class VerificationSerializer(serializers.ModelSerializer[IssuedDocument]):
    """What the public may learn from a code: nothing beyond the name and the issuer."""

    genuine = serializers.SerializerMethodField()
    kind = serializers.CharField(read_only=True)
    status = serializers.CharField(source="current_status", read_only=True)
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    member_name = serializers.SerializerMethodField()

    class Meta:
        model = IssuedDocument
        fields = ["genuine", "kind", "number", "year", "issuer_name", "member_name", "issued_on"]
        fields += ["status", "status_changed_on"]
        read_only_fields = fields

    def get_genuine(self, document: IssuedDocument) -> bool:
        return True

    def get_member_name(self, document: IssuedDocument) -> str:
        return document.member.full_name if document.member is not None else ""


def _signer_field(*, required: bool) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=Signer.choices,
        required=required,
        help_text=_(
            "Who signs for the issuing committee; required to issue a document, not to "
            "fetch one already issued."
        ),
    )


class LetterInputSerializer(serializers.Serializer[Any]):
    link = VisiblePrimaryKeyField(model=ResidenceLink)
    signer = _signer_field(required=False)


class CommentInputSerializer(serializers.Serializer[Any]):
    request = VisiblePrimaryKeyField(model=CommentRequest)
    signer = _signer_field(required=False)


class BatchInputSerializer(serializers.Serializer[Any]):
    workplace = VisiblePrimaryKeyField(model=Organization)
    issued_on = serializers.DateField()
    output = serializers.ChoiceField(
        choices=DocumentBatch.Output.choices, default=DocumentBatch.Output.PDF
    )
    signer = _signer_field(required=True)


class DocumentBatchSerializer(serializers.ModelSerializer[DocumentBatch]):
    status = serializers.CharField(read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = DocumentBatch
        fields = ["id", "issuer", "output", "total", "done", "status", "error", "created_at"]
        fields += ["finished_at", "percent"]
        read_only_fields = fields


class RevokeInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)
