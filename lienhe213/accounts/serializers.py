"""The shapes of tokens, passwords, accounts and role assignments in the REST API; the
rules are the services'."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lienhe213.accounts.models import RepresentativeKind, Role, RoleAssignment, User
from lienhe213.core.fields import VisiblePrimaryKeyField
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(label=_("Username"), max_length=150)
    password = serializers.CharField(
        label=_("Password"),
        max_length=4096,
        trim_whitespace=False,
        style={"input_type": "password"},
    )
    code = serializers.CharField(
        label=_("Code"),
        max_length=64,
        required=False,
        allow_blank=True,
        help_text=_(
            "For an account with two-factor sign-in: the code from the authenticator "
            "app, or one of the recovery codes."
        ),
    )


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(label=_("Token"), read_only=True)
    expires = serializers.DateTimeField(
        label=_("Expires"),
        read_only=True,
        help_text=_("After this time the token is refused (401): obtain a new one."),
    )


class PasswordChangeSerializer(serializers.Serializer[Any]):
    old_password = serializers.CharField(
        label=_("Current password"),
        max_length=4096,
        trim_whitespace=False,
        style={"input_type": "password"},
    )
    new_password = serializers.CharField(
        label=_("New password"),
        max_length=4096,
        trim_whitespace=False,
        style={"input_type": "password"},
    )


@extend_schema_field(
    {
        "allOf": [{"type": "string", "enum": ["", *RepresentativeKind.values]}],
        "description": "Whom a community representative speaks for; empty for every other role.",
    }
)
class RepresentativeKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[("", ""), *RepresentativeKind.choices], **kwargs)


class RoleAssignmentSerializer(serializers.ModelSerializer[RoleAssignment]):
    username = serializers.CharField(source="user.username", read_only=True)
    representative_kind = RepresentativeKindField(read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    granted_by_username = serializers.CharField(
        source="granted_by.username", allow_null=True, read_only=True
    )

    class Meta:
        model = RoleAssignment
        fields = [
            "id",
            "user",
            "username",
            "organization",
            "organization_name",
            "role",
            "representative_kind",
            "granted_by",
            "granted_by_username",
            "granted_at",
        ]
        read_only_fields = fields


class GrantRoleSerializer(serializers.Serializer[Any]):
    # Any account may receive a role, as on the roles page (where it is named by its
    # username): a new account holds no role yet, so it lies in nobody's subtree.
    user = serializers.PrimaryKeyRelatedField(label=_("account"), queryset=User.objects.all())
    organization = VisiblePrimaryKeyField(model=Organization, label=_("organization"))
    role = serializers.ChoiceField(label=_("role"), choices=Role.choices)
    representative_kind = serializers.ChoiceField(
        label=_("representative of"),
        choices=RepresentativeKind.choices,
        required=False,
        default="",
        help_text=_("Only for a community representative (required then): whom they speak for."),
    )


class AccountRoleSerializer(serializers.ModelSerializer[RoleAssignment]):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "organization", "organization_name"]
        read_only_fields = fields


class AccountSerializer(serializers.ModelSerializer[User]):
    roles = AccountRoleSerializer(
        source="shown_roles",
        many=True,
        read_only=True,
        help_text=_("The account's roles inside the organizations you manage."),
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "member",
            "roles",
        ]
        read_only_fields = fields
        # An account may have no e-mail address: "" (the schema says so).
        extra_kwargs = {"email": {"allow_blank": True}}


class AccountCreatedSerializer(AccountSerializer):
    temporary_password = serializers.CharField(
        allow_null=True,
        read_only=True,
        help_text=_("The generated password, shown only in this answer; null if none was asked."),
    )

    class Meta(AccountSerializer.Meta):
        fields = [*AccountSerializer.Meta.fields, "temporary_password"]
        read_only_fields = fields


class AccountCreateSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(label=_("username"), max_length=150)
    first_name = serializers.CharField(
        label=_("given name"), max_length=150, required=False, allow_blank=True, default=""
    )
    last_name = serializers.CharField(
        label=_("family name"), max_length=150, required=False, allow_blank=True, default=""
    )
    # The format is the service's rule; it answers on the field.
    email = serializers.CharField(
        label=_("e-mail"), max_length=254, required=False, allow_blank=True, default=""
    )
    member = VisiblePrimaryKeyField(
        model=Member, label=_("member record"), required=False, allow_null=True, default=None
    )
    generate_password = serializers.BooleanField(
        label=_("generate a temporary password"),
        default=False,
        help_text=_("Without it the account cannot log in until a password is set."),
    )


class AccountActiveSerializer(serializers.Serializer[Any]):
    is_active = serializers.BooleanField(label=_("active"))
