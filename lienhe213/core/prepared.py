"""Reads whose SQL is built once and run many times (ADR 0020).

Building a scoped QuerySet and compiling it to SQL costs a page far more than running
it: the inbox of a cell secretary builds eight querysets through the gatekeepers and
compiles them, about 10 ms of Python, for eight queries the database answers in under
2 ms. A ``PreparedValues`` keeps the compiled SQL, its parameters and the converters of
its columns, and runs them again as they are.

That is only right while nothing the SQL was built from has changed, so whoever keeps
one keys it on all of it (``Plans``): the inbox keys its tasks on the user, the user's
assignments (role, organization, its path, name and kind), the day and the language.
The SQL embeds no row read while building it: a read whose building queries the
database must not be prepared.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import QuerySet

T = TypeVar("T")


class PreparedValues:
    """A ``.values(...)`` QuerySet compiled on its first run; every run then executes
    the same SQL on the current connection and converts the columns as the ORM would,
    giving the same dicts as iterating the QuerySet."""

    def __init__(self, queryset: "QuerySet[Any, dict[str, Any]]") -> None:
        self.db = queryset.db
        # Given up once compiled: a kept read holds its SQL, not the QuerySet's tree of
        # expressions (about 70 % of the memory of an inbox's kept tasks).
        self._queryset: QuerySet[Any, dict[str, Any]] | None = queryset
        self._compiled: tuple[str, tuple[Any, ...], list[str], dict[int, Any]] | None = None

    def _compile(self) -> tuple[str, tuple[Any, ...], list[str], dict[int, Any]]:
        assert self._queryset is not None
        query = self._queryset.query
        compiler = query.get_compiler(using=self.db)
        sql, params = compiler.as_sql()
        # The names of the columns in the order of the row, as ValuesIterable reads
        # them (``selected`` keeps the order values() was given; the test proves it).
        if query.selected:
            names = list(query.selected)
        else:
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(fields)
        self._queryset = None
        return sql, tuple(params), names, converters

    def rows(self) -> list[dict[str, Any]]:
        if self._compiled is None:
            self._compiled = self._compile()
        sql, params, names, converters = self._compiled
        connection = connections[self.db]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        result = []
        for row in fetched:
            values = list(row)
            for position, (functions, expression) in converters.items():
                value = values[position]
                for function in functions:
                    value = function(value, expression, connection)
                values[position] = value
            result.append(dict(zip(names, values, strict=True)))
        return result


class Plans(Generic[T]):
    """A small per-process cache of built reads: at most ``size`` entries, each kept
    ``seconds`` at most, the least recently used dropped first. Thread-safe; ``build``
    runs outside the lock (two threads may build the same entry; one is kept)."""

    def __init__(self, size: int, seconds: float) -> None:
        if size < 1:
            raise ValueError("a plan cache needs room for one entry")
        self.size = size
        self.seconds = seconds
        self._entries: OrderedDict[Hashable, tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now:
                self._entries.move_to_end(key)
                return entry[1]
        value = build()
        with self._lock:
            self._entries[key] = (now + self.seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value
