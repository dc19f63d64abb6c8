"""The home page's inbox at the size of a province (hagiang-2023), for the two people
with the most waiting for them: the secretary of the residential cell with the most
open links, and the clerk of the ward (Phường) with the most open links (Phường Hà
Giang 1, about 1,655 linked members).

For each of them (an account given that role for the run; everything rolled back, so a
given database is left as it was):

1. ``GET /`` through the Django test client: median and p95 of 30 requests (target:
   median under 150 ms), the query count of one, and, in the same run, the same
   person's ``GET /password/`` (a page with the menu and nothing else: what every page
   costs) and ``accounts.inbox.inbox()`` alone, so the inbox's own share is visible on
   a shared, noisy machine, with the CPU time beside the wall clock
   (``BENCH_INBOX_QUERIES=1`` lists the queries of that one request);
2. the first load's transfer, compressed: the HTML and every stylesheet and script it
   references, each gzipped (level 6, as a proxy serves them), and their sum (target at
   most 60 KB), with the scripts named (the inbox needs none of htmx).

Uses the hagiang-2023 database at ``BENCH_MEMBERS_DATABASE_URL`` when given (as the
other benchmarks do), else seeds one in a scratch database (see _common.py; with
``DATABASE_URL=postgres://...`` on that server).
"""

from __future__ import annotations

import gzip
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

REPEAT = 30
TARGET_MS = 150
TARGET_KB = 60


def _people() -> list[tuple[str, Any, str]]:
    """(label, organization, role) of the largest cell's secretary and the largest
    ward's clerk."""
    from django.db.models import Count

    from lienhe213.accounts.models import Role
    from lienhe213.organizations.models import Organization
    from lienhe213.registry.models import ResidenceLink

    links = ResidenceLink.objects.open()
    cell_pk = (
        links.exclude(residence_cell=None)
        .values("residence_cell")
        .annotate(n=Count("pk"))
        .order_by("-n", "residence_cell")
        .values_list("residence_cell", flat=True)
        .first()
    )
    ward_pk = (
        links.filter(residence_commune_organization__administrative_unit__division_type="phường")
        .values("residence_commune_organization")
        .annotate(n=Count("pk"))
        .order_by("-n", "residence_commune_organization")
        .values_list("residence_commune_organization", flat=True)
        .first()
    )
    if cell_pk is None or ward_pk is None:
        raise SystemExit("no open links: is this a seeded hagiang-2023 database?")
    return [
        ("cell secretary", Organization.objects.get(pk=cell_pk), Role.CELL_SECRETARY),
        ("commune clerk", Organization.objects.get(pk=ward_pk), Role.COMMUNE_CLERK),
    ]


def _timings(action: Any) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of ``REPEAT`` runs (after two warm-up runs): on
    a shared machine the wall clock also counts the waits for a core."""
    for _ in range(2):
        action()
    wall, cpu = [], []
    for _ in range(REPEAT):
        started, used = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return wall, cpu


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


def _assets(html: str) -> list[str]:
    """The stylesheets and scripts the page references, in order."""
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) + re.findall(
        r'<script[^>]* src="([^"]+)"', html
    )


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def _transfer(html: bytes) -> list[tuple[str, int, int]]:
    """(name, bytes, gzipped bytes) of the HTML and of every asset it references."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    rows = [("HTML", len(html), _gz(html))]
    for url in _assets(html.decode()):
        path = finders.find(url.removeprefix(settings.STATIC_URL).removeprefix("/"))
        if not isinstance(path, str):
            rows.append((f"{url} (not found)", 0, 0))
            continue
        data = Path(path).read_bytes()
        rows.append((url, len(data), _gz(data)))
    return rows


def bench_person(label: str, org: Any, role: str) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from lienhe213.accounts import inbox
    from lienhe213.accounts.models import RoleAssignment, User
    from lienhe213.registry.models import ResidenceLink

    user = User.objects.create_user(username=f"bench-{role}", password="bench-inbox")
    RoleAssignment.objects.create(user=user, organization=org, role=role)
    client = Client()
    client.force_login(user)
    linked = ResidenceLink.objects.open().at_residence(org).count()
    home = _timings(lambda: client.get("/"))
    bare = _timings(lambda: client.get("/password/"))
    today = timezone.localdate()
    alone = _timings(lambda: inbox.inbox(User.objects.get(pk=user.pk), today=today))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    sections = response.context["inbox"]
    groups = ", ".join(f"{g.title} {g.count}" for s in sections for g in s.groups)
    c.title(f"{label} of {org.name} ({linked} open links): GET / , {REPEAT} requests")
    print(f"status {response.status_code}, {len(queries)} queries; waiting: {groups or 'nothing'}")
    if os.environ.get("BENCH_INBOX_QUERIES"):
        for query in queries.captured_queries:
            print(f"  {query['time']:>6} {query['sql'][:110]}")
    print(f"{'':20} {'median ms':>10} {'p95 ms':>8} {'CPU median':>11}")
    for name, (wall, cpu) in (
        ("GET / (the inbox)", home),
        ("GET /password/", bare),
        ("inbox() alone", alone),
    ):
        median = statistics.median(wall)
        print(f"{name:20} {median:10.1f} {_p95(wall):8.1f} {statistics.median(cpu):11.1f}")
    verdict = "ok" if statistics.median(home[0]) < TARGET_MS else "OVER"
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"target: median under {TARGET_MS} ms: {verdict} (load average {load})")

    rows = _transfer(response.content)
    total = sum(gz for _n, _b, gz in rows)
    print(f"\nfirst load, each file gzipped (target at most {TARGET_KB} KB in all)")
    print(f"{'file':40} {'bytes':>8} {'gzip':>8}")
    for name, size, gz in rows:
        print(f"{name:40} {size:8} {gz:8}")
    verdict = "ok" if total <= TARGET_KB * 1024 else "OVER"
    size = sum(b for _n, b, _g in rows)
    print(f"{'total':40} {size:8} {total:8}  ({total / 1024:.1f} KB: {verdict})")
    scripts = re.findall(r'<script[^>]* src="([^"]+)"', response.content.decode())
    print("scripts: " + (", ".join(scripts) or "none"))


def run(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe213.settings")
    sys.path.insert(0, str(c.ROOT))
    import django

    django.setup()
    from django.db import transaction
    from django.test.utils import setup_test_environment

    setup_test_environment()  # allows the test client's host name; DEBUG off
    for label, org, role in _people():
        with transaction.atomic():
            bench_person(label, org, role)
            transaction.set_rollback(True)


def main() -> None:
    with c.hagiang_database("inbox") as url:
        run(url)


if __name__ == "__main__":
    main()
