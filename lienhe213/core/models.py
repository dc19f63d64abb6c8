from collections.abc import Sequence
from typing import Any, NoReturn

from django.conf import settings
from django.db import connections, models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from lienhe213.core.fields import TreePathField


class AuditRowImmutable(Exception):
    """Code tried to change or delete an audit row (ADR 0012): the trail is append-only;
    only ``core.audit`` seals rows and expires old ones."""


# Who reads which audit rows is a rule of the role model, which core may not import:
# it is named here (or by ``settings.AUDIT_READER_PATHS``) and resolved when asked. The
# function gives the tree paths a user reads, or None for every row.
AUDIT_READER_PATHS = "lienhe213.accounts.queries.audit_paths"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, user: Any) -> "AuditEventQuerySet":
        """The events ``user`` may read: those whose object lies in a subtree where
        they may read the audit trail; every event, those outside any subtree too
        (logins of unassigned accounts, system jobs), for a superuser."""
        reader_paths = import_string(getattr(settings, "AUDIT_READER_PATHS", AUDIT_READER_PATHS))
        paths: list[str] | None = reader_paths(user)
        return self if paths is None else self.in_scope_paths(paths)

    def in_scope_paths(self, paths: list[str]) -> "AuditEventQuerySet":
        """Events whose object lies in one of the subtrees given by tree paths."""
        condition = models.Q(pk__in=[])
        for path in paths:
            condition |= models.Q(scope_path__under=path)
        return self.filter(condition)

    def sealed(self) -> "AuditEventQuerySet":
        """Rows already in the hash chain (they have a ``seq``)."""
        return self.filter(seq__isnull=False)

    def unsealed(self) -> "AuditEventQuerySet":
        """Rows written since the last ``core.audit.seal_audit``."""
        return self.filter(seq__isnull=True)

    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditRowImmutable(str(_("Audit rows cannot be changed.")))

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        # Refused before Django's own transaction around it, which would otherwise mark
        # the caller's transaction broken.
        raise AuditRowImmutable(str(_("Audit rows cannot be changed.")))

    def delete(self) -> NoReturn:
        raise AuditRowImmutable(str(_("Audit rows cannot be deleted.")))

    # The two writes the trail allows, for ``core.audit`` only. Raw SQL, because every
    # ORM path to an UPDATE or a DELETE above is closed; the database guard (migration
    # 0003) lets exactly these through as well.

    def _write_seals(self, seals: Sequence[tuple[int, int, str, str]]) -> None:
        """Set ``seq``, ``prev_hash`` and ``row_hash`` of the rows given as
        ``(id, seq, prev_hash, row_hash)``, each only while it has no ``seq`` yet."""
        if not seals:
            return
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One statement for the chunk: a round trip per row cost ~1 ms each.
                ids, seqs, prev_hashes, row_hashes = (
                    list(column) for column in zip(*seals, strict=True)
                )
                cursor.execute(
                    f"UPDATE {table} AS a SET seq = v.seq, prev_hash = v.prev_hash, "  # noqa: S608
                    "row_hash = v.row_hash FROM unnest(%s::bigint[], %s::bigint[], %s::text[], "
                    "%s::text[]) AS v(id, seq, prev_hash, row_hash) "
                    "WHERE a.id = v.id AND a.seq IS NULL",
                    [ids, seqs, prev_hashes, row_hashes],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET seq = %s, prev_hash = %s, row_hash = %s "  # noqa: S608
                    "WHERE id = %s AND seq IS NULL",
                    [(seq, prev_hash, row_hash, pk) for pk, seq, prev_hash, row_hash in seals],
                )
            written = cursor.rowcount
        if written != len(seals):
            # Another sealer got there first: the caller's transaction rolls back.
            raise RuntimeError(f"sealed {written} of {len(seals)} audit rows")

    def _purge_through(self, seq: int) -> int:
        """Delete the sealed rows up to ``seq`` included and return how many; in the
        caller's transaction, which keeps the database guard open only for this DELETE."""
        connection = connections[self.db]
        if not connection.in_atomic_block:
            raise RuntimeError("expiring audit rows needs a transaction")
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('lienhe213.audit_purge', 'on', true)")
            cursor.execute(
                f"DELETE FROM {table} WHERE seq IS NOT NULL AND seq <= %s",  # noqa: S608
                [seq],
            )
            deleted = cursor.rowcount
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('lienhe213.audit_purge', 'off', true)")
        return deleted


class AuditEvent(models.Model):
    """One write, login or sensitive read: who did what to which object, from where.

    Rows are only ever inserted (by ``core.audit.record``); ``save()`` of a stored row,
    ``delete()`` and the QuerySet's ``update()`` and ``delete()`` refuse, and so does the
    database (ADR 0012). ``core.audit.seal_audit`` later links each row into a hash chain
    (``seq``, ``prev_hash``, ``row_hash``) that ``manage.py verify_audit`` checks;
    ``core.audit.expire_audit_before`` is the one way rows leave. ``scope_path`` is the
    tree path of the organization the object belongs to, so the audit page can be scoped
    like every other list without knowing domain models.
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
        EXPIRE = "expire", _("Expired old rows")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        # Not SET_NULL: that would rewrite sealed rows. A user who appears in the audit
        # is deactivated, never deleted.
        on_delete=models.PROTECT,
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
    # The hash chain, set once by core.audit.seal_audit (ADR 0012).
    seq = models.BigIntegerField(
        _("sequence number"), null=True, blank=True, unique=True, editable=False
    )
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    row_hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert the row; a stored row is never saved again."""
        if self.pk is not None or not self._state.adding:
            raise AuditRowImmutable(str(_("Audit rows cannot be changed.")))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditRowImmutable(str(_("Audit rows cannot be deleted.")))
