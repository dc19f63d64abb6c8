"""Fields shared by the apps: materialized tree paths with an index-friendly subtree
lookup, the pointer from a record to the import that wrote it, and the API's field for
an id among the objects the requesting user may see."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.query import Query
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

M = TypeVar("M", bound=models.Model)


STRICTLY_BELOW = "+"


class TreePathField(models.CharField):  # type: ignore[type-arg]
    """The chain of ancestor ids with a trailing dot, e.g. ``"1.5.80."``.

    ``path__under="1.5."`` matches the node with that path and every node below it.
    """


@TreePathField.register_lookup
class Under(models.Lookup):  # type: ignore[type-arg]
    """Subtree match that the database can answer from the path index.

    PostgreSQL answers ``LIKE 'prefix%'`` from the ``varchar_pattern_ops`` index Django
    adds to indexed text columns. SQLite's LIKE is case-insensitive and skips a BINARY
    index, so there the same set is written as a range: every string that starts with
    ``"1.5."`` lies in ``["1.5.", "1.5/")`` because "/" follows "." in ASCII
    (bench/bench_tree.py measured the LIKE scan 26× slower than this on SQLite).

    ``"1.5.+"`` (``STRICTLY_BELOW``) matches the nodes below 1.5 but not 1.5 itself: a
    report across a restructuring covers the units moved under a committee founded since
    without the committee (ADR 0019). Below a path comes an id, so a digit: the range is
    ``["1.5.0", "1.5.:")``, the LIKE ``'1.5._%'``.
    """

    lookup_name = "under"

    def get_prefix(self, params: list[Any]) -> tuple[str, bool]:
        """The path, and whether the path's own node is left out."""
        prefix = str(params[0])
        strict = prefix.endswith(STRICTLY_BELOW)
        prefix = prefix.removesuffix(STRICTLY_BELOW)
        if not prefix.endswith("."):
            raise ValueError(f"a tree path ends with a dot: {prefix!r}")
        return prefix, strict

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        prefix, strict = self.get_prefix(list(rhs_params))
        pattern = connection.ops.prep_for_like_query(prefix) + ("_%" if strict else "%")
        return f"{lhs} LIKE {rhs}", [*lhs_params, pattern]

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        prefix, strict = self.get_prefix(list(rhs_params))
        if prefix.count(".") == 1:
            # A root's subtree is (nearly) the whole table. SQLite has no statistics on
            # ranges and would still start from the path index and sort every row; the
            # unary plus keeps it off that index, so an ORDER BY … LIMIT walks the
            # order's own index and stops early (bench/bench_members.py: 180 ms → 1 ms).
            lhs = f"+{lhs}"
        low, high = (prefix + "0", prefix + ":") if strict else (prefix, prefix[:-1] + "/")
        return f"({lhs} >= {rhs} AND {lhs} < {rhs})", [*lhs_params, low, *lhs_params, high]


@TreePathField.register_lookup
class UnderAny(models.Lookup):  # type: ignore[type-arg]
    """``path__under_any=[...]``: under any of many prefixes, each matched as ``Under``
    matches one, the alternatives nested in balanced pairs. A report across a
    restructuring covers its old subtree with thousands of today's paths (ADR 0018); a
    flat chain of thousands of ORs is an expression thousands deep, which SQLite refuses
    beyond 1,000 and PostgreSQL plans slowly; nested in pairs it is a dozen deep."""

    lookup_name = "under_any"
    prepare_rhs = False

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        # compile() picks each piece's vendor form (Under.as_sqlite on SQLite).
        pieces = [compiler.compile(Under(self.lhs, path)) for path in self.rhs]
        if not pieces:
            return "1 = 0", []
        return _balanced([(sql, list(params)) for sql, params in pieces])


def _balanced(pieces: Sequence[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    """``pieces`` joined by OR, nested in halves: ``((a OR b) OR (c OR d))``."""
    if len(pieces) == 1:
        return pieces[0]
    middle = len(pieces) // 2
    left_sql, left_params = _balanced(pieces[:middle])
    right_sql, right_params = _balanced(pieces[middle:])
    return f"({left_sql} OR {right_sql})", [*left_params, *right_params]


class _IdsLookup(models.Lookup):  # type: ignore[type-arg]
    """A key matched against a subquery of ids, written for each database's planner
    (ADR 0021): ``sql`` on SQLite, ``postgresql_sql`` on PostgreSQL, each with the
    compiled ``{key}`` and ``{ids}``."""

    sql = ""
    postgresql_sql = ""
    # What a subquery known to be empty (``none()``, ``pk__in=[]``) matches.
    empty_matches_all = False

    def get_prep_lookup(self) -> Any:
        """The subquery without its ordering, as Django's ``__in`` does: its rows are a
        set (a default ordering would be sorted for nothing)."""
        if isinstance(self.rhs, Query):
            self.rhs.clear_ordering(clear_default=True)
        return super().get_prep_lookup()

    def _render(
        self, template: str, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        key, key_params = self.process_lhs(compiler, connection)
        try:
            ids, ids_params = self.process_rhs(compiler, connection)
        except EmptyResultSet:
            if self.empty_matches_all:
                raise FullResultSet from None
            raise
        ordered = sorted(
            [(template.index("{key}"), key_params), (template.index("{ids}"), ids_params)],
            key=lambda pair: pair[0],
        )
        params = [param for _position, group in ordered for param in group]
        return template.format(key=key, ids=ids), params

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        return self._render(self.sql, compiler, connection)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        return self._render(self.postgresql_sql, compiler, connection)


@models.ForeignKey.register_lookup
class Among(_IdsLookup):
    """``<foreign key>__among=<ids queryset>``: the key is one of the subquery's ids,
    for a narrowing ORed across two keys (a link held at a residence: by its commune
    or by its cell).

    SQLite reads ``IN (subquery) OR IN (subquery)`` through both keys' indexes.
    PostgreSQL cannot: it filters a scan of the table with hashed SubPlans. Written
    ``= ANY(ARRAY(subquery))`` there, the subquery runs once, first, and the array is
    matched through each key's index (a BitmapOr): the commune's tracking book went
    from 55 to 31 ms on hagiang-2023. Only for small sets (the organizations of one
    subtree), where the array is the index condition: as a mere filter an array is
    searched row by row, which a member or link set would make quadratic."""

    lookup_name = "among"
    sql = "{key} IN {ids}"
    postgresql_sql = "{key} = ANY(ARRAY{ids})"


@models.ForeignKey.register_lookup
@models.BigAutoField.register_lookup
class NotAmong(_IdsLookup):
    """``<key>__not_among=<ids queryset>``: the key is none of the subquery's ids (which
    are never NULL: foreign keys and primary keys), e.g. the working members without
    an open link.

    ``NOT IN (subquery)`` on SQLite, which answers it from an ephemeral index. On
    PostgreSQL ``NOT IN`` cannot become an anti-join (a NULL in the list would change
    its meaning), and a list larger than ``work_mem`` is searched again for every row:
    ``check_book`` over the nation stalled on it. Written ``NOT EXISTS`` over the same
    subquery there, it is planned as a hash anti-join. A subquery known to be empty
    names no row: every row is kept, as ``exclude(pk__in=…)`` keeps them."""

    lookup_name = "not_among"
    sql = "{key} NOT IN {ids}"
    # Both sides are compiled SQL with their own parameters, never values.
    postgresql_sql = "NOT EXISTS (SELECT 1 FROM {ids} AS among (id) WHERE among.id = {key})"
    empty_matches_all = True


def import_batch_field(help_text: "str | _StrPromise" = "") -> "models.ForeignKey[Any, Any]":
    """The import (``imports.ImportBatch``) that last created or changed the record;
    empty for records written one at a time (ADR 0011)."""
    return models.ForeignKey(
        "imports.ImportBatch",
        verbose_name=_("import"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=help_text or _("The import that last created or changed this record."),
    )


class VisiblePrimaryKeyField(serializers.PrimaryKeyRelatedField[M], Generic[M]):
    """An id in a request body, looked up among ``model.objects.visible_to(user)`` for
    the requesting user: an id out of sight is refused with the field's "object does not
    exist" error (400), the answer for an id that never existed, so ids of other
    subtrees reveal nothing. ``related`` names relations to read along with the object.

    ``model``'s default manager must have ``visible_to(user)``; without a request in the
    serializer's context nothing is visible."""

    def __init__(self, *, model: type[M], related: Sequence[str] = (), **kwargs: Any) -> None:
        self.model = model
        self.related = tuple(related)
        super().__init__(queryset=model._default_manager.all(), **kwargs)

    def get_queryset(self) -> "models.QuerySet[M]":
        request = self.context.get("request")
        manager: Any = self.model._default_manager
        if request is None:
            return manager.none()
        queryset = manager.visible_to(request.user)
        return queryset.select_related(*self.related) if self.related else queryset
