"""The tracking book at the size of a province (hagiang-2023): the ward's book page, the
reconciliation and a bulk issue of letters, each printed with its figures.

1. ``GET /registry/book/<pk>/`` for the committee of Phường Hà Giang 1 (about 1,655
   linked members, the largest ward) and for its largest cell, through the Django test
   client logged in as the demo commune clerk ``xa``: median of 30 requests (target under
   200 ms on SQLite), against the raw SQL of the same first page (open links held by the
   ward or its cells, joined to the member, ordered by ``name_sort_key``, LIMIT page size
   + 1 as the page peeks; the organizations of the subtree found first by path, then
   the links by their indexed organization columns), and the ratio;
2. ``registry.reconciliation.reconcile(on=today)`` over the whole database: median of 5;
3. ``registry.services.issue_letters`` for 500 working members of one workplace
   committee (the demo workplace, the Department of Education): 500 new members,
   classified normal, are inserted first and everything is rolled back afterwards, so a
   given database is left as it was; prints the time and the number of queries (target
   well under 1 s on SQLite).

Uses the hagiang-2023 database at ``BENCH_MEMBERS_DATABASE_URL`` when given (as
``bench_members.py`` does), else seeds one in a scratch database (see _common.py; with
``DATABASE_URL=postgres://...`` on that server).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

REPEAT = 30
BULK = 500
WARD = "Đảng bộ phường Hà Giang 1"
WORKPLACE = "Đảng bộ Sở Giáo dục và Đào tạo"


def raw_book_page(conn, url: str, org_path: str, size: int) -> int:  # type: ignore[no-untyped-def]
    """The first page of the book in plain SQL: the same rows and joins as the page."""
    p = c.placeholder(url)
    sql = (
        "SELECT l.id, l.letter_number, l.letter_year, l.issued_on, l.deadline, l.status, "
        "l.category, m.family_name, m.middle_name, m.given_name, m.birth_date, m.phone, "
        "m.residence_address, w.name, rc.name, cell.name, comm.name "
        "FROM registry_residencelink l "
        "JOIN members_member m ON m.id = l.member_id "
        "JOIN organizations_organization w ON w.id = l.workplace_organization_id "
        "JOIN organizations_organization rc ON rc.id = l.residence_commune_organization_id "
        "LEFT JOIN organizations_organization cell ON cell.id = l.residence_cell_id "
        "LEFT JOIN organizations_community comm ON comm.id = m.residence_community_id "
        "WHERE l.status IN ('issued', 'received', 'assigned', 'active') AND ("
        "l.residence_commune_organization_id IN "
        f"(SELECT id FROM organizations_organization WHERE path LIKE {p}) "
        "OR l.residence_cell_id IN "
        f"(SELECT id FROM organizations_organization WHERE path LIKE {p})) "
        f"ORDER BY m.name_sort_key, m.id, l.id LIMIT {size + 1}"
    )
    cursor = conn.cursor()
    cursor.execute(sql, [f"{org_path}%", f"{org_path}%"])
    return len(cursor.fetchall())


def bench_book(url: str) -> None:
    from django.db.models import Count
    from django.test import Client

    from lienhe213.core.pages import PAGE_SIZE
    from lienhe213.organizations.models import Organization
    from lienhe213.registry.models import ResidenceLink

    ward = Organization.objects.get(name=WARD)
    linked = ResidenceLink.objects.open().at_residence(ward)
    cell_pk = (
        linked.exclude(residence_cell=None)
        .values("residence_cell")
        .annotate(n=Count("pk"))
        .order_by("-n", "residence_cell")
        .values_list("residence_cell", flat=True)
        .first()
    )
    cell = Organization.objects.get(pk=cell_pk)
    client = Client()
    if not client.login(username="xa", password="demo"):
        raise SystemExit("cannot log in as xa: is this a seeded database?")
    conn = c.connect(url)
    rows = []
    for org in (ward, cell):
        count = ResidenceLink.objects.open().at_residence(org).count()
        address = f"/registry/book/{org.pk}/"
        try:
            status = client.get(address).status_code
        except Exception as exc:  # a page still being written: report it and go on
            status = f"{type(exc).__name__}: {exc}"
        if status != 200:
            print(f"GET {address} as xa: {status}")
            page_ms = float("nan")
        else:
            page_ms = c.median_ms(lambda address=address: client.get(address), REPEAT)
        raw_ms = c.median_ms(lambda org=org: raw_book_page(conn, url, org.path, PAGE_SIZE), REPEAT)
        rows.append((org.name, count, page_ms, raw_ms))
    conn.close()
    c.title(f"tracking book page, median of {REPEAT} requests as xa (target < 200 ms)")
    print(f"{'book of':<32} {'linked':>7} {'page ms':>9} {'raw SQL ms':>11} {'ratio':>7}")
    for name, count, page_ms, raw_ms in rows:
        print(f"{name:<32} {count:>7} {page_ms:9.1f} {raw_ms:11.2f} {page_ms / raw_ms:7.1f}x")


def bench_reconcile() -> None:
    from django.utils import timezone

    from lienhe213.registry.reconciliation import reconcile

    today = timezone.localdate()
    times = []
    check = None
    for _ in range(5):
        started = time.perf_counter()
        check = reconcile(on=today)
        times.append(time.perf_counter() - started)
    assert check is not None
    c.title(f"reconcile(on={today.isoformat()}) over the whole database, median of 5")
    print(f"time {statistics.median(times) * 1000:.0f} ms  (min {min(times) * 1000:.0f} ms)")
    print("findings " + ", ".join(f"{kind} {n}" for kind, n in check.counts().items()))


def bench_issue() -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from lienhe213.accounts.models import User
    from lienhe213.core.bulk import insert_rows
    from lienhe213.members.models import Member
    from lienhe213.organizations.models import Organization
    from lienhe213.registry import services
    from lienhe213.registry.models import ExemptionDecision

    workplace = Organization.objects.get(name=WORKPLACE)
    officer = User.objects.get(username="coquan")
    today = timezone.localdate()
    keys = [
        "family_name",
        "middle_name",
        "given_name",
        "gender",
        "birth_date",
        "joined_on",
        "official_on",
        "organization_id",
        "unit_path",
        "employment",
        "workplace_name",
        "residence_commune_id",
        "residence_community_id",
        "residence_address",
        "search_text",
        "name_sort_key",
    ]
    models = list(
        Member.objects.filter(unit_path__startswith=workplace.path, employment="working")
        .order_by("pk")
        .values(*keys)[:50]
    )
    with transaction.atomic():
        first = (Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        # New members, without party card or dossier numbers (unique when present).
        insert_rows(Member, (models[i % len(models)] for i in range(BULK)), keys=keys)
        members = list(Member.objects.filter(pk__gte=first).order_by("pk"))
        insert_rows(
            ExemptionDecision,
            (
                {
                    "member_id": m.pk,
                    "category": "normal",
                    "reason": "",
                    "decided_by_id": workplace.pk,
                    "decided_on": today,
                    "valid_from": today,
                }
                for m in members
            ),
            keys=["member_id", "category", "reason", "decided_by_id", "decided_on", "valid_from"],
        )
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            links = services.issue_letters(
                by=officer, workplace=workplace, members=members, issued_on=today
            )
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    c.title(f"issue_letters for {BULK} members of {workplace.name} (target well under 1 s)")
    print(f"time {seconds * 1000:.0f} ms, {len(queries)} queries, {len(links)} letters")


def run(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe213.settings")
    sys.path.insert(0, str(c.ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # allows the test client's host name; DEBUG off
    bench_book(url)
    bench_reconcile()
    bench_issue()


def main() -> None:
    with c.hagiang_database("registry") as url:
        run(url)


if __name__ == "__main__":
    main()
