"""Raw bulk inserts for the demo loader and the imports: ``executemany`` on SQLite,
``COPY`` on PostgreSQL.

Django's ``bulk_create`` costs several times the raw insert (measured: about 15 k rows/s
against 91 k on SQLite, and SQLite's parameter limit splits it into batches of a few
dozen rows). The demo and a province's import write tens of thousands of members, so
they insert plain rows instead. Rows are given as ``{attname: value}``; every other
concrete column gets its field default, so a field added to a model later does not
break them as long as it has a default. The callers keep the invariants that ``save()``
and the services would (derived columns, constraints checked beforehand); the
database's constraints remain the last line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """A function giving a value as the driver expects it for ``field`` (dates are text
    on SQLite). Resolved once per column: looking ``connection.ops`` up for every value
    costs more than the insert itself."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        convert = ops.adapt_datetimefield_value
    elif isinstance(field, models.DateField):
        convert = ops.adapt_datefield_value
    elif isinstance(field, models.JSONField):
        encoder = field.encoder

        def convert(value: Any) -> Any:
            return ops.adapt_json_value(value, encoder)

    else:

        def convert(value: Any) -> Any:
            return field.get_db_prep_save(value, connection)

    def adapt(value: Any) -> Any:
        return None if value is None else convert(value)

    return adapt


def _adapt(field: models.Field[Any, Any], value: Any) -> Any:
    return _adapter(field)(value)


def insert_rows(
    model: type[models.Model], rows: Iterable[Mapping[str, Any]], *, keys: Sequence[str]
) -> int:
    """Insert ``rows`` (mappings with exactly the attnames ``keys``) into ``model``'s
    table in the current transaction and return how many. Bypasses ``save()`` and
    signals; ``auto_now`` columns get the current time, other missing columns their
    field default."""
    now = timezone.now()
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    unknown = set(keys) - set(by_attname)
    if unknown:
        raise ValueError(f"unknown columns for {model.__name__}: {sorted(unknown)}")
    given = [by_attname[k] for k in keys]
    constants: list[tuple[models.Field[Any, Any], Any]] = []
    for f in model._meta.concrete_fields:
        if f.attname in keys or f.primary_key:
            continue
        auto_now = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        constants.append((f, _adapt(f, now if auto_now else f.get_default())))
    columns = [f.column for f in given] + [f.column for f, _v in constants]
    extra = tuple(value for _f, value in constants)
    # Columns whose values the driver cannot take as they are: dates on SQLite (text),
    # JSON everywhere.
    adapted = [
        (i, _adapter(f))
        for i, f in enumerate(given)
        if (isinstance(f, models.DateField) and connection.vendor != "postgresql")
        or isinstance(f, models.JSONField)
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)

    def values(row: Mapping[str, Any]) -> tuple[Any, ...]:
        result = [row[k] for k in keys]
        for i, adapt in adapted:
            result[i] = adapt(result[i])
        return (*result, *extra)

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        # Table and column names come from the model's meta, quoted; values are bound.
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"  # noqa: S608
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(values(row))
            if len(batch) == 10_000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
