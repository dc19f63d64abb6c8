from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person may do over an organization's subtree (see ``accounts.access``)."""

    ADMINISTRATOR = "administrator", _("Administrator")
    PROVINCIAL_OFFICER = "provincial_officer", _("Provincial officer")
    COMMUNE_CLERK = "commune_clerk", _("Commune clerk")
    CELL_SECRETARY = "cell_secretary", _("Cell secretary")
    WORKPLACE_OFFICER = "workplace_officer", _("Workplace committee officer")
    MEMBER = "member", _("Member")


class User(AbstractUser):
    """A person who logs in. A party member who uses the system is linked to their
    ``Member`` record and, with the member role, sees only themselves."""

    member = models.OneToOneField(
        "members.Member",
        verbose_name=_("member record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


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

    class Meta:
        ordering = ["user_id", "organization_id"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="role_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organization}"
