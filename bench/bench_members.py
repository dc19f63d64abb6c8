"""Member search latency through the real page, against the same search in raw SQL.

Median over repeated requests (Django test client, logged in as the demo accounts
``tinh`` — the whole province — and ``xa`` — one ward) of:

- ``GET /members/?q=nguyen van``, ``GET /members/?q=duc`` and ``GET /members/``;
- the raw baseline: the same LIKE search on ``members_member.search_text`` (scoped to the
  subtree of the user's role, as the page is), ordered by ``name_sort_key``, LIMIT 50,
  in sqlite3 (psycopg on PostgreSQL).

Uses the hagiang-2023 database at ``BENCH_MEMBERS_DATABASE_URL`` when given (e.g. one left
by a previous run), else seeds one in a scratch database (see _common.py; with
``DATABASE_URL=postgres://...`` on that server).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

REPEAT = 30
QUERIES = ["nguyen van", "duc", ""]


def raw_search(conn, url: str, words: list[str], path: str | None) -> None:  # type: ignore[no-untyped-def]
    p = c.placeholder(url)
    where = [f"m.search_text LIKE {p}" for _w in words]
    params: list[str] = [f"%{w}%" for w in words]
    if path is not None:
        where.append(
            f"m.organization_id IN (SELECT id FROM organizations_organization WHERE path LIKE {p})"
        )
        params.append(f"{path}%")
    sql = (
        "SELECT m.id, m.family_name, m.middle_name, m.given_name, m.organization_id "
        "FROM members_member m "
        + (f"WHERE {' AND '.join(where)} " if where else "")
        + "ORDER BY m.name_sort_key LIMIT 50"
    )
    cursor = conn.cursor()
    cursor.execute(sql, params)
    cursor.fetchall()


def run(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe213.settings")
    sys.path.insert(0, str(c.ROOT))
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from lienhe213.accounts.models import RoleAssignment

    setup_test_environment()  # allows the test client's host name; DEBUG off
    conn = c.connect(url)
    rows = []
    for username in ("tinh", "xa"):
        client = Client()
        if not client.login(username=username, password="demo"):
            raise SystemExit(f"cannot log in as {username}: is this a seeded database?")
        # The same scope as the page: the subtree of the user's role.
        path = RoleAssignment.objects.get(user__username=username).organization.path
        for q in QUERIES:
            params = {"q": q} if q else {}
            response = client.get("/members/", params)
            if response.status_code != 200:
                print(f"GET /members/ {params} as {username}: HTTP {response.status_code}")
                page_ms = float("nan")
            else:
                page_ms = c.median_ms(
                    lambda client=client, params=params: client.get("/members/", params), REPEAT
                )
            raw_ms = c.median_ms(
                lambda q=q, path=path: raw_search(conn, url, q.split(), path), REPEAT
            )
            rows.append((username, q or "(none)", page_ms, raw_ms))
    conn.close()
    c.title(f"median of {REPEAT} requests")
    print(f"{'user':<6} {'q':<12} {'page ms':>9} {'raw SQL ms':>11} {'ratio':>7}")
    for username, q, page_ms, raw_ms in rows:
        print(f"{username:<6} {q:<12} {page_ms:9.1f} {raw_ms:11.2f} {page_ms / raw_ms:7.1f}x")


def main() -> None:
    with c.hagiang_database("members") as url:
        run(url)


if __name__ == "__main__":
    main()
