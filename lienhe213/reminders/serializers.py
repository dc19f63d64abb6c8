from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lienhe213.core.filters import MAX_ID
from lienhe213.reminders.models import Kind, Notification

_KINDS = [value for value, _label in Kind.choices]


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(" + "|".join(_KINDS) + ")$",
        "description": "One of: " + ", ".join(_KINDS) + ".",
    }
)
class NotificationKindField(serializers.ChoiceField):
    """The kind, described inline: "kind" already names other enums in the API."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Kind.choices, **kwargs)


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    kind = NotificationKindField(read_only=True)
    message = serializers.SerializerMethodField(help_text=_("The text, in the request's language."))
    url = serializers.SerializerMethodField(help_text=_("The page the notification is about."))

    class Meta:
        model = Notification
        fields = ["id", "kind", "object_id", "params", "message", "url", "created_at", "read_at"]
        read_only_fields = fields

    def get_message(self, obj: Notification) -> str:
        return obj.message()

    def get_url(self, obj: Notification) -> str:
        return obj.target_url()


class MarkReadSerializer(serializers.Serializer[Any]):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        help_text=_("Only these notifications; all unread ones when left out."),
    )


class MarkedSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text=_("How many notifications became read."))
