"""REST API for member records.

Reads go through ``Member.objects.visible_to`` and ``get_member_for_user``; writes through
``members.services``. The ids rules are those of ``organizations.api``: a member the user
may not see is 404, one they may see but not edit is 403, an out-of-scope organization in
the body or a filter is a 400 field error.

Citizen IDs are personal data: lists show them masked; a member's detail shows the full
number only to users who may edit the record (``citizen_id`` is null for the others).
The ``q`` search matches a whole citizen ID on the same rule only
(``MemberQuerySet.search``): for the others an ID-like query matches nothing on it, so
the masked digits cannot be recovered by trying candidates.

Edits are optimistic: ``PATCH`` must carry the ``version`` the client read; if someone
saved in between, the answer is 409 Conflict and nothing changes.

``GET /api/v1/me/data/`` gives the signed-in member everything held about them, the
content of the page's workbook as JSON (``members.personal_data``), audited as an export.
"""

from typing import Any

import django_filters
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.validators import UniqueValidator
from rest_framework.views import APIView

from lienhe213.accounts.access import Capability, has_capability
from lienhe213.core import audit
from lienhe213.core.api import stale_aware
from lienhe213.members import personal_data, services
from lienhe213.members.access import get_member_for_user, get_own_member, reveal_citizen_id
from lienhe213.members.models import Member
from lienhe213.members.queries import MemberQuerySet
from lienhe213.organizations.api import VisibleOrganizationField, validated_input
from lienhe213.organizations.filters import VisibleOrganizationFilter
from lienhe213.organizations.models import AdministrativeUnit, Organization


class MemberFilter(django_filters.FilterSet):
    organization = VisibleOrganizationFilter(
        label=_("party unit"),
        method="filter_organization",
        help_text=_("Members of this organization and of everything below it."),
    )
    gender = django_filters.ChoiceFilter(label=_("gender"), choices=Member.Gender.choices)
    employment = django_filters.ChoiceFilter(
        label=_("employment"), choices=Member.Employment.choices
    )
    residence_commune = django_filters.ModelChoiceFilter(
        label=_("residence commune"),
        queryset=AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE),
    )
    q = django_filters.CharFilter(
        label=_("search"),
        method="filter_search",
        help_text=_("Words of the name (accents and case are ignored) or an identifier."),
    )

    class Meta:
        model = Member
        fields = ["organization", "gender", "employment", "residence_commune", "q"]

    def filter_organization(
        self, queryset: MemberQuerySet, name: str, value: Organization | None
    ) -> Any:
        return queryset.in_subtree(value) if value is not None else queryset

    def filter_search(self, queryset: MemberQuerySet, name: str, value: str) -> Any:
        # the citizen ID is matched only where the user may read it (one rule, in search)
        return queryset.search(value, user=self.request.user)


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
    organization = VisibleOrganizationField(label=_("party unit"))

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


@extend_schema_view(
    list=extend_schema(summary="List the members you may see, in Vietnamese name order"),
)
class MemberViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Member]):
    """Member records, scoped by ``Member.objects.visible_to``. No PUT: edits are PATCH."""

    serializer_class = MemberListSerializer
    filterset_class = MemberFilter

    def get_queryset(self) -> QuerySet[Member]:
        return (
            Member.objects.visible_to(self.request.user)
            .select_related("organization")
            .vietnamese_order()
        )

    def _detail(self, member: Member) -> dict[str, Any]:
        context = {"citizen_id": reveal_citizen_id(self.request.user, member)}
        return MemberDetailSerializer(member, context=context).data

    @extend_schema(summary="One member's record", responses=MemberDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._detail(get_member_for_user(request.user, pk)))

    @extend_schema(
        summary="Register a member",
        request=MemberWriteSerializer,
        responses={201: MemberCreatedSerializer},
    )
    def create(self, request: Request) -> Response:
        """Register a member. A namesake (a member the user can see with the same folded
        name and date of birth) does not stop it: an API client has no one to tick the
        page form's confirmation, and refusing would break imports by script. The 201
        answer lists each namesake in ``warnings`` (empty when there is none), so the
        client can show it or undo the registration."""
        user = request.user
        if not has_capability(user, Capability.EDIT_MEMBERS):
            raise exceptions.PermissionDenied
        data = validated_input(MemberWriteSerializer, request)
        if not has_capability(user, Capability.EDIT_MEMBERS, data["organization"].path):
            raise exceptions.PermissionDenied
        member = services.create_member(by=user, **data)
        namesakes = (
            Member.objects.visible_to(user)
            .namesakes(
                family_name=member.family_name,
                middle_name=member.middle_name,
                given_name=member.given_name,
                birth_date=member.birth_date,
            )
            .exclude(pk=member.pk)
            .select_related("organization")
            .vietnamese_order()
        )
        body = {
            **self._detail(member),
            "warnings": [
                _("%(name)s (id %(id)s, %(unit)s) has the same name and date of birth.")
                % {"name": other.full_name, "id": other.pk, "unit": other.organization.name}
                for other in namesakes
            ],
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a member's record",
        request=MemberUpdateSerializer,
        responses={
            200: MemberDetailSerializer,
            409: OpenApiResponse(
                ConflictSerializer, description=_("Someone else saved the record meanwhile.")
            ),
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        user = request.user
        member = get_member_for_user(user, pk, write=True)
        serializer = MemberUpdateSerializer(
            member, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version")
        new_org = changes.get("organization")
        if new_org is not None and not has_capability(user, Capability.EDIT_MEMBERS, new_org.path):
            raise exceptions.PermissionDenied
        result = stale_aware(
            lambda: services.update_member(by=user, member=member, version=version, **changes),
            version=version,
            stored=lambda: Member.objects.values_list("version", flat=True).get(pk=member.pk),
        )
        return result if isinstance(result, Response) else Response(self._detail(result))


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


class PersonalDataView(APIView):
    """The signed-in member's own data (the data subject's right of access). 404 for an
    account linked to no member record."""

    @extend_schema(
        summary="Everything held about you, the signed-in member",
        responses={
            200: PersonalDataSerializer,
            404: OpenApiResponse(description=_("Your account is not linked to a member record.")),
        },
    )
    def get(self, request: Request) -> Response:
        try:
            member = get_own_member(request.user)
        except Http404 as exc:
            raise exceptions.NotFound(str(exc)) from exc
        data = personal_data.collect(member)
        response = Response(data.as_data())
        return audit.mark_export(  # type: ignore[return-value]
            response, title=f"{personal_data.TITLE} {data.today.isoformat()}", rows=data.rows
        )
