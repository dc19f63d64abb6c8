from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienhe213.core.fields import TreePathField


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def in_scope_paths(self, paths: list[str]) -> "AuditEventQuerySet":
        """Events whose object lies in one of the subtrees given by tree paths."""
        condition = models.Q(pk__in=[])
        for path in paths:
            condition |= models.Q(scope_path__under=path)
        return self.filter(condition)


class AuditEvent(models.Model):
    """One write, login or sensitive read: who did what to which object, from where.

    Rows are only ever inserted (by ``core.audit.record``); nothing updates or deletes
    them. ``scope_path`` is the tree path of the organization the object belongs to, so
    the audit page can be scoped like every other list without knowing domain models.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        RENAME = "rename", _("Renamed")
        MOVE = "move", _("Moved")
        MERGE = "merge", _("Merged")
        GRANT = "grant", _("Role granted")
        REVOKE = "revoke", _("Role revoked")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logged out")
        VIEW = "view", _("Viewed sensitive data")
        IMPORT = "import", _("Imported")
        EXPORT = "export", _("Exported")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    scope_path = TreePathField(_("scope path"), max_length=255, blank=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"
