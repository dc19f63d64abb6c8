"""Loading a province: ``seed_demo --preset hagiang-2023`` against a raw insert.

1. time ``manage.py seed_demo --preset hagiang-2023`` on a fresh, migrated database (the
   command reports its own time, without Python start-up);
2. copy every row it wrote — members, organizations, the tracking book, meetings and
   attendance, the comment cycle, notices, accounts, audit — and insert exactly those rows
   (same columns, same tables, indexes present) into another fresh, migrated database
   with the fastest raw way each database has, one transaction per table: ``executemany``
   on SQLite, ``COPY`` on PostgreSQL (psycopg's ``cursor.copy()``, JSON columns passed as
   ``Jsonb``); foreign-key checks off, as the rows arrive table by table;
3. print both, and the ratio (target: the whole seed within 5x of the raw insert of the
   same rows), with the time of the 1 July 2025 restructuring the preset applies through
   the services (ADR 0019); the member table alone is timed the same way, for comparison
   with the loader's own member phase.

Run: ``.venv/bin/python bench/bench_seed.py`` (SQLite in a temporary directory), or with
``DATABASE_URL=postgres://...`` to use scratch databases on that server.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

TARGET = 5.0


def main() -> None:
    with c.scratch_database("seed") as seeded_url, c.scratch_database("raw") as raw_url:
        c.title("seed_demo --preset hagiang-2023")
        c.migrate(seeded_url)
        started = time.perf_counter()
        output = c.manage(seeded_url, "seed_demo", "--preset", "hagiang-2023", "-v2")
        wall = time.perf_counter() - started
        print("\n".join(line for line in output.splitlines() if line.startswith(("Seeded", "  "))))
        match = re.search(r"(?:in|trong) ([\d.]+) (?:s|giây)", output)  # English or Vietnamese
        seed_seconds = float(match.group(1)) if match else wall
        phases = dict(re.findall(r"^  ([a-z ]+): ([\d.]+) s$", output, re.M))
        members_seconds = float(phases.get("members", "nan"))

        raw_name = "COPY" if c.is_postgres(raw_url) else "executemany"
        c.title(f"raw {raw_name} of the same rows")
        c.migrate(raw_url)
        tables = _copied_tables(seeded_url, raw_url)
        src = c.connect(seeded_url)
        dst = c.connect(raw_url)
        if c.is_postgres(raw_url):
            dst.execute("SET session_replication_role = replica")
        else:
            dst.execute("PRAGMA foreign_keys = OFF")
        raw_seconds = 0.0
        counts: dict[str, int] = {}
        member_seconds_raw = 0.0
        for table in tables:
            cursor = src.cursor()
            cursor.execute(f'SELECT * FROM "{table}"')  # names from the catalogue
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
            names = ", ".join(f'"{name}"' for name in columns)
            if c.is_postgres(raw_url):
                rows = _with_json(cursor.description, rows)
                sql = f'COPY "{table}" ({names}) FROM STDIN'
            else:
                p = c.placeholder(raw_url)
                sql = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join([p] * len(columns))})'
            seconds = _insert(raw_url, dst, sql, rows)
            raw_seconds += seconds
            counts[table] = len(rows)
            if table == "members_member":
                member_seconds_raw = seconds
        src.close()
        dst.close()
        for table, n in sorted(counts.items(), key=lambda kv: -kv[1])[:12]:
            print(f"  {table:<40} {n:>9,} rows")
        print(f"  … {len(counts)} tables, {sum(counts.values()):,} rows in all")

        total = sum(counts.values())
        members = counts.get("members_member", 0)
        c.title("result")
        print(f"rows written by the seed      {total:>9,}   ({members:,} members)")
        print(
            f"seed_demo (whole preset)      {seed_seconds:8.2f} s  "
            f"{total / seed_seconds:>9,.0f} rows/s   (wall with start-up {wall:.2f} s)"
        )
        rate = total / raw_seconds
        label = f"raw {raw_name}, same rows"
        print(f"{label:<29} {raw_seconds:8.2f} s  {rate:>9,.0f} rows/s")
        ratio = seed_seconds / raw_seconds
        restructuring = float(phases.get("restructuring", "nan"))
        print(
            f"of it, the 2025 restructuring {restructuring:8.2f} s  (through the services: "
            "merges, moves, re-mapped links, carried addresses)"
        )
        print(
            f"ratio whole seed / raw        {ratio:8.2f}x  (target <= {TARGET:.0f}x: "
            f"{'met' if ratio <= TARGET else 'NOT met'})"
        )
        print(
            f"member table: loader phase {members_seconds:.2f} s, raw {member_seconds_raw:.2f} s "
            f"({members_seconds / member_seconds_raw:.2f}x)"
        )


def _copied_tables(seeded_url: str, raw_url: str) -> list[str]:
    """The tables the seed filled that are still empty after a plain migrate."""

    def non_empty(url: str) -> set[str]:
        conn = c.connect(url)
        cursor = conn.cursor()
        if c.is_postgres(url):
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        names = [row[0] for row in cursor.fetchall()]
        filled = set()
        for name in names:
            cursor.execute(f'SELECT 1 FROM "{name}" LIMIT 1')
            if cursor.fetchone():
                filled.add(name)
        conn.close()
        return filled

    return sorted(non_empty(seeded_url) - non_empty(raw_url))


# PostgreSQL's type oids of json and jsonb: psycopg reads them as dicts and lists, and
# writes those back only when wrapped ("cannot adapt type 'dict'").
_JSON_OIDS = {114, 3802}


def _with_json(description, rows: list) -> list:  # type: ignore[no-untyped-def]
    """``rows`` with the values of JSON columns wrapped in psycopg's ``Jsonb``."""
    from psycopg.types.json import Jsonb

    json_columns = [i for i, d in enumerate(description) if d.type_code in _JSON_OIDS]
    if not json_columns:
        return rows
    wrapped = []
    for row in rows:
        values = list(row)
        for i in json_columns:
            if values[i] is not None:
                values[i] = Jsonb(values[i])
        wrapped.append(values)
    return wrapped


def _insert(url: str, dst, sql: str, rows: list) -> float:  # type: ignore[no-untyped-def]
    """Write ``rows`` in one transaction: ``COPY`` on PostgreSQL (the fastest way in,
    the real floor), ``executemany`` on SQLite."""
    started = time.perf_counter()
    if c.is_postgres(url):
        with dst.transaction(), dst.cursor().copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        dst.execute("BEGIN")
        dst.executemany(sql, rows)
        dst.execute("COMMIT")
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
