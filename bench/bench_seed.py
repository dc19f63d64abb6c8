"""Loading a province: ``seed_demo --preset hagiang-2023`` against a raw insert.

1. time ``manage.py seed_demo --preset hagiang-2023`` on a fresh, migrated database (the
   command reports its own time, without Python start-up);
2. copy the member rows it wrote and insert exactly those rows (same columns, same
   table, indexes present) into another fresh, migrated database with one raw
   ``executemany`` in one transaction (sqlite3, or psycopg on PostgreSQL);
3. print both, and the ratio (target: the whole seed within 5x of the raw insert).

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

        c.title("raw executemany of the same member rows")
        c.migrate(raw_url)
        src = c.connect(seeded_url)
        cursor = src.cursor()
        cursor.execute("SELECT * FROM members_member ORDER BY id")
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
        src.close()
        dst = c.connect(raw_url)
        p = c.placeholder(raw_url)
        sql = (
            f"INSERT INTO members_member ({', '.join(columns)}) "
            f"VALUES ({', '.join([p] * len(columns))})"
        )
        # Foreign keys point at organizations that exist only in the seeded database.
        if c.is_postgres(raw_url):
            dst.execute("SET session_replication_role = replica")
            started = time.perf_counter()
            with dst.transaction():
                dst.cursor().executemany(sql, rows)
        else:
            dst.execute("PRAGMA foreign_keys = OFF")
            started = time.perf_counter()
            dst.execute("BEGIN")
            dst.executemany(sql, rows)
            dst.execute("COMMIT")
        raw_seconds = time.perf_counter() - started
        dst.close()

        n = len(rows)
        c.title("result")
        print(f"members                       {n:>8}")
        print(
            f"seed_demo (whole preset)      {seed_seconds:8.2f} s  "
            f"{n / seed_seconds:>9,.0f} members/s   (wall with start-up {wall:.2f} s)"
        )
        print(
            f"  of which the member insert  {members_seconds:8.2f} s  "
            f"{n / members_seconds:>9,.0f} members/s"
        )
        print(
            f"raw executemany               {raw_seconds:8.2f} s  {n / raw_seconds:>9,.0f} rows/s"
        )
        ratio = seed_seconds / raw_seconds
        print(
            f"ratio whole seed / raw        {ratio:8.2f}x  (target <= {TARGET:.0f}x: "
            f"{'met' if ratio <= TARGET else 'NOT met'})"
        )
        print(f"ratio member insert / raw     {members_seconds / raw_seconds:8.2f}x")


if __name__ == "__main__":
    main()
