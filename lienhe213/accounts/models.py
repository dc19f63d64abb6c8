import unicodedata
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lienhe213.accounts.queries import RoleAssignmentQuerySet


class Role(models.TextChoices):
    """What a person may do over an organization's subtree (see ``accounts.access``)."""

    ADMINISTRATOR = "administrator", _("Administrator")
    PROVINCIAL_OFFICER = "provincial_officer", _("Provincial officer")
    COMMUNE_CLERK = "commune_clerk", _("Commune clerk")
    CELL_SECRETARY = "cell_secretary", _("Cell secretary")
    WORKPLACE_OFFICER = "workplace_officer", _("Workplace committee officer")
    MEMBER = "member", _("Member")
    # The Front work committee head or the head of the community of a residential cell:
    # writes opinions on the members living there and reads their own, nothing else
    # (ADR 0014, "Community representatives").
    COMMUNITY_REPRESENTATIVE = "community_representative", _("Community representative")


class RepresentativeKind(models.TextChoices):
    """Whom a community representative speaks for: the Front work committee of the
    village or residential group, or the community itself (its head)."""

    FRONT_COMMITTEE_HEAD = "front_committee_head", _("Head of the Front work committee")
    COMMUNITY_HEAD = "community_head", _("Head of the community")


def normalize_username(value: str) -> str:
    """The one form of a username under which it is stored, looked up and counted:
    NFKC (fullwidth ``ｘａ`` is ``xa``), case folded, without surrounding whitespace
    (every Unicode space, tab or line break). Two usernames are the same account
    exactly when their normalised forms are equal."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
    return folded.strip()


class User(AbstractUser):
    """A person who logs in. A party member who uses the system is linked to their
    ``Member`` record and, with the member role, sees only themselves.

    Usernames are stored normalised (``normalize_username``): Django's ``create_user``,
    ``create_superuser`` and the admin's forms go through ``normalize_username`` below,
    ``accounts.services.create_account`` through the same function."""

    member = models.OneToOneField(
        "members.Member",
        verbose_name=_("member record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    # Set when an administrator creates the account with a temporary password: until
    # its owner chooses their own, every page leads to the password form and the API
    # answers 403 (``accounts.middleware``, ``accounts.authentication``).
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # Whether the account signs in with a second factor (an authenticator app): kept by
    # ``accounts.services.two_factor`` with the devices, so that a request can tell
    # without a query whether its session still owes a code (``accounts.middleware``).
    two_factor_enabled = models.BooleanField(_("two-factor sign-in"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @classmethod
    def normalize_username(cls, username: Any) -> Any:
        return normalize_username(username) if isinstance(username, str) else username


def account_named(username: str) -> User | None:
    """The account whose username normalises as ``username`` does, or None.

    Accounts created before usernames were normalised may be stored otherwise ("An");
    they are found too when their stored form normalises the same. Should two legacy
    accounts share a normalised form, the one stored normalised wins, and with none
    stored so the name is ambiguous and matches nobody."""
    wanted = normalize_username(username)
    if not wanted:
        return None
    typed = unicodedata.normalize("NFKC", username).strip()
    candidates = User.objects.filter(
        Q(username=wanted) | Q(username__iexact=wanted) | Q(username=typed)
    )
    matches = [user for user in candidates if normalize_username(user.username) == wanted]
    exact = [user for user in matches if user.username == wanted]
    if exact:
        return exact[0]
    return matches[0] if len(matches) == 1 else None


class RoleAssignment(models.Model):
    """Grants ``role`` to ``user`` over ``organization`` and everything below it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    # Set exactly for the community representative role: whom they speak for.
    representative_kind = models.CharField(
        _("representative of"), max_length=30, choices=RepresentativeKind.choices, blank=True
    )

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["user_id", "organization_id"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="role_assignment_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role="community_representative") & ~models.Q(representative_kind="")
                )
                | (~models.Q(role="community_representative") & models.Q(representative_kind="")),
                name="role_assignment_representative_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organization}"
