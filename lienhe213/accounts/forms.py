from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienhe213.accounts.access import (
    ROLE_RANK,
    AnyUser,
    Capability,
    has_capability,
    highest_rank_at,
    manages_role,
)
from lienhe213.accounts.models import RepresentativeKind, Role, User, account_named
from lienhe213.core.forms import DateInput, DomainErrorMixin
from lienhe213.core.models import AuditEvent
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization


class LoginForm(AuthenticationForm):
    """Django's login form with the hints phones use to fill it in."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


def _password_field(label: Any, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class PasswordChangeForm(DomainErrorMixin, forms.Form):
    """The old password and the new one twice; ``change_password`` checks the old one
    and the password rules."""

    old_password = _password_field(_("Current password"), "current-password")
    new_password1 = _password_field(_("New password"), "new-password")
    new_password2 = _password_field(_("New password again"), "new-password")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "new_password1"
        ].help_text = password_validation.password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two new passwords differ."))
        return data

    # The service names the new password once; the form asks for it twice.
    aliases = {"new_password": "new_password1", "new_password1": None, "new_password2": None}


class ResetRequestForm(PasswordResetForm):
    """Django's reset form (the address; mail only to an active account with a usable
    password holding it, and the same answer whether or not one does)."""

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autocapitalize": "none"}),
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All actions")), *AuditEvent.Action.choices],
    )
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput(),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=DateInput(),
    )

    def filter(self, events: "models.QuerySet[AuditEvent]") -> "models.QuerySet[AuditEvent]":
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["actor"]:
            events = events.filter(actor_name__icontains=data["actor"].strip())
        if data["date_from"]:
            events = events.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            events = events.filter(at__date__lte=data["date_to"])
        return events


class ManagedOrganizationField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        # Many cells share a name ("Chi bộ tổ 1"); the parent tells them apart.
        return f"{obj.name} — {obj.parent.name}" if obj.parent else str(obj.name)


class GrantRoleForm(DomainErrorMixin, forms.Form):
    """Grant a role under one organization: the roles offered are those the user grants
    there (``access.manages_role``, not above their own rank), the organizations those
    of its subtree where they grant one; a commune clerk grants only the community
    representative role, over the commune's residential cells. ``grant_role`` checks the
    same rules again for the organization actually chosen."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    role = forms.ChoiceField(label=_("Role"))
    organization = ManagedOrganizationField(
        label=_("Organization"), queryset=Organization.objects.none()
    )
    representative_kind = forms.ChoiceField(
        label=_("Representative of"),
        required=False,
        choices=[("", _("Not a community representative")), *RepresentativeKind.choices],
        help_text=_("Only for a community representative: whom they speak for."),
    )

    def __init__(
        self, *args: Any, user: AnyUser, organization: Organization, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        rank = highest_rank_at(user, organization.path)
        self.fields["role"].choices = [  # type: ignore[attr-defined]
            (role.value, role.label)
            for role in Role
            if ROLE_RANK[role] <= rank and manages_role(user, role, organization.path)
        ]
        managed = Organization.objects.visible_to(user, Capability.MANAGE_ROLES)
        cells = Organization.objects.visible_to(user, Capability.APPOINT_REPRESENTATIVES).filter(
            kind=Organization.Kind.CELL, side=Organization.Side.RESIDENTIAL
        )
        self.fields["organization"].queryset = (  # type: ignore[attr-defined]
            (managed | cells).current().in_subtree(organization).select_related("parent")
        )
        self.fields["organization"].initial = organization.pk

    def clean_username(self) -> User:
        account = account_named(self.cleaned_data["username"])
        if account is None:
            raise forms.ValidationError(_("No account has this username."))
        return account


class AccountForm(DomainErrorMixin, forms.Form):
    """A new account. The member record is named by its party card number or its id,
    among the members the user may see; ``create_account`` checks the rest."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    email = forms.CharField(
        label=_("E-mail"), max_length=254, required=False, widget=forms.EmailInput
    )
    party_card_number = forms.CharField(
        label=_("Member's party card number"),
        max_length=12,
        required=False,
        help_text=_("Link the account to this member record (optional)."),
    )
    member_id = forms.IntegerField(label=_("or member record number"), min_value=1, required=False)
    generate_password = forms.BooleanField(
        label=_("Generate a temporary password"),
        required=False,
        help_text=_("Shown once, on the next page. Without it the account cannot log in yet."),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not has_capability(user, Capability.MANAGE_ROLES):
            # Who only appoints community representatives links no member record.
            del self.fields["party_card_number"]
            del self.fields["member_id"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "member_id" not in self.fields:
            data["member"] = None
            return data
        card = (data.get("party_card_number") or "").strip()
        member_id = data.get("member_id")
        members = Member.objects.visible_to(self.user)
        found: Member | None = None
        if card:
            found = members.filter(party_card_number=card).first()
            if found is None:
                self.add_error(
                    "party_card_number", _("No member you may see has this party card number.")
                )
        if member_id is not None:
            by_id = members.filter(pk=member_id).first()
            if by_id is None:
                self.add_error("member_id", _("No member you may see has this record number."))
            elif found is not None and found != by_id:
                self.add_error(
                    "member_id", _("The party card number and the record number differ.")
                )
            found = found or by_id
        data["member"] = found
        return data

    def changes(self) -> dict[str, Any]:
        """The cleaned values, named as ``create_account`` takes them."""
        names = ("username", "first_name", "last_name", "email", "member")
        return {name: self.cleaned_data[name] for name in names}

    # The member record is named by its party card number.
    aliases = {"member": "party_card_number"}


class AccountSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=150)


class SecondFactorForm(DomainErrorMixin, forms.Form):
    """A code from the authenticator app (six digits) or a recovery code; the services
    check it."""

    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )
