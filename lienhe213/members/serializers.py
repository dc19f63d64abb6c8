"""The shapes of member records in the REST API; the rules are the services'."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from lienhe213.core.fields import VisiblePrimaryKeyField
from lienhe213.members import services
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization


class MemberListSerializer(serializers.ModelSerializer[Member]):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    masked_citizen_id = serializers.CharField(read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "full_name",
            "family_name",
            "middle_name",
            "given_name",
            "gender",
            "birth_date",
            "organization",
            "organization_name",
            "employment",
            "party_card_number",
            "masked_citizen_id",
            "residence_commune",
            "residence_community",
            "version",
        ]
        read_only_fields = fields


class MemberDetailSerializer(MemberListSerializer):
    """A whole record; ``citizen_id`` only when ``reveal_citizen_id`` allowed it."""

    citizen_id = serializers.SerializerMethodField(
        help_text=_("The full citizen ID; null unless you may edit this member.")
    )

    class Meta(MemberListSerializer.Meta):
        fields = [
            *MemberListSerializer.Meta.fields,
            "joined_on",
            "official_on",
            "dossier_number",
            "citizen_id",
            "workplace_name",
            "residence_address",
            "phone",
            "email",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        # A member may have no e-mail address: "" (the schema says so).
        extra_kwargs = {"email": {"allow_blank": True}}

    def get_citizen_id(self, obj: Member) -> str | None:
        return self.context.get("citizen_id")


class MemberCreatedSerializer(MemberDetailSerializer):
    """The new record, and what the page form would have asked to confirm."""

    warnings = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_(
            "Members you can see with the same name and date of birth: maybe the same "
            "person registered twice. The record is created all the same."
        ),
    )

    class Meta(MemberDetailSerializer.Meta):
        fields = [*MemberDetailSerializer.Meta.fields, "warnings"]
        read_only_fields = fields


def _identifier_validators(field_name: str) -> list[Any]:
    """The model's own format check and uniqueness constraint for an identifier, so a
    duplicate is reported on its field with the constraint's message."""
    model_field = Member._meta.get_field(field_name)
    assert isinstance(model_field, models.Field)
    constraint = next(
        c for c in Member._meta.constraints if getattr(c, "fields", ()) == (field_name,)
    )
    condition = getattr(constraint, "condition", None)
    return [
        *model_field.validators,
        UniqueValidator(
            queryset=Member.objects.filter(condition) if condition else Member.objects.all(),
            message=getattr(constraint, "violation_error_message", None),
        ),
    ]


class MemberWriteSerializer(serializers.ModelSerializer[Member]):
    organization = VisiblePrimaryKeyField(model=Organization, label=_("party unit"))

    class Meta:
        model = Member
        fields = list(services.EDITABLE_FIELDS)
        extra_kwargs = {
            name: {"validators": _identifier_validators(name)} for name in Member.IDENTITY_FIELDS
        }


class MemberUpdateSerializer(MemberWriteSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_("The version you read; required to detect concurrent edits.")
    )

    class Meta(MemberWriteSerializer.Meta):
        fields = [*MemberWriteSerializer.Meta.fields, "version"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A PATCH leaves every field optional, except the version it started from.
        if "version" not in attrs:
            raise serializers.ValidationError({"version": [_("This field is required.")]})
        return attrs


class ConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text=_("The version now stored."))


def _records(help_text: Any) -> serializers.ListField:
    return serializers.ListField(child=serializers.DictField(), help_text=help_text)


class PersonalDataSerializer(serializers.Serializer[Any]):
    """The sections of ``members.personal_data``: the record, then one list per kind of
    record. Choices are codes, dates ISO 8601, related organizations by name."""

    generated_on = serializers.DateField()
    member = serializers.DictField(help_text=_("The member record."))
    previous_party_cards = _records(_("Card numbers carried before the current one."))
    classifications = _records(_("Classification decisions (normal, category A or B)."))
    residence_links = _records(_("Introductions to the residence (the tracking book)."))
    link_events = _records(_("Every step of those links; ``letter`` names the link."))
    meetings = _records(_("Meetings the member was invited to, with their own attendance."))
    opinions = _records(_("The member's own opinions at meetings."))
    follow_ups = _records(_("What meetings decided about the member."))
    comments = _records(_("Comments on the member; the content once returned."))
    notices = _records(_("Notices about the member between the two committees."))
    notice_replies = _records(_("Replies in those notices' threads."))
