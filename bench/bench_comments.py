"""The annual comment cycle at the size of a province (hagiang-2023), each figure
printed beside what it measures.

1. ``comments.services.request_comments`` for 1,000 members at once: the workplace
   committee of hagiang-2023 whose subtree holds the most active normal-category links
   (at least 1,000 when one has that many; otherwise several committees' links are
   combined, one call per committee, and the output says so), by the demo workplace
   officer ``coquan`` given that committee's role for the run. A campaign of its own
   (a year no demo campaign uses) is opened first; everything is rolled back. Prints the
   seconds and the number of queries (target under 2 s).
2. ``GET /comments/progress/<pk>/`` for the committee of Phường Hà Giang 1, the largest
   ward, as its clerk ``xa``: median of 30 requests and the query count of one (target
   under 200 ms), against the same aggregation in raw SQL (one GROUP BY over the
   campaign's requests whose link is held by the ward or its cells) and the ratio. The
   demo's latest campaign is used when the seed has one with requests in the ward;
   otherwise a campaign is opened and the ward's active links are requested through the
   services (one call per workplace committee), a third of them drafted, and all of it
   rolled back after the timing (``BENCH_COMMENTS_OWN_CAMPAIGN=1`` forces this).

Uses the hagiang-2023 database at ``BENCH_MEMBERS_DATABASE_URL`` when given (as the
other benchmarks do), else seeds one in a scratch database (see _common.py; with
``DATABASE_URL=postgres://...`` on that server).
"""

from __future__ import annotations

import datetime
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

REPEAT = 30
BULK = 1000
WARD = "Đảng bộ phường Hà Giang 1"
DRAFT = {"item_1": "good", "item_2": "exemplary", "item_3": "full", "item_4": "regular"}
RAW_STEPS = ("requested", "drafted", "signed", "confirmed", "returned", "acknowledged")


def _open_campaign(province: Any, officer: Any, today: datetime.date) -> Any:
    """A campaign open today, in a year no stored campaign of the province uses."""
    from lienhe213.comments import services
    from lienhe213.comments.models import CommentCampaign

    years = set(CommentCampaign.objects.filter(province=province).values_list("year", flat=True))
    year = max([today.year, *years]) + 1
    return services.open_campaign(
        by=officer,
        province=province,
        year=year,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=20),
        deadline=today + datetime.timedelta(days=40),
    )


def _workplace_link_counts(today: datetime.date) -> list[tuple[Any, list[int]]]:
    """Workplace-side committees with the members of the active normal-category links
    answering to their subtree, most members first (one query for the links, one for
    the organizations; rolled up over the stored paths in Python)."""
    from lienhe213.organizations.models import Organization
    from lienhe213.registry.models import Category, ResidenceLink
    from lienhe213.registry.queries import classifications_on

    rows = list(
        ResidenceLink.objects.filter(status="active", category=Category.NORMAL).values_list(
            "member_id", "workplace_organization__path"
        )
    )
    exempt = {
        pk
        for pk, category in classifications_on([m for m, _p in rows], today).items()
        if category != Category.NORMAL
    }
    committees = {
        org.path: org
        for org in Organization.objects.current().filter(
            side=Organization.Side.WORKPLACE,
            kind__in=[
                Organization.Kind.SUPERIOR_COMMITTEE,
                *Organization.GRASSROOTS_KINDS,
            ],
        )
    }
    members: dict[str, list[int]] = defaultdict(list)
    for member_id, path in rows:
        if member_id in exempt:
            continue
        parts = path.split(".")[:-1]  # "1.23.456." → every ancestor's path
        for depth in range(1, len(parts) + 1):
            prefix = ".".join(parts[:depth]) + "."
            if prefix in committees:
                members[prefix].append(member_id)
    ranked = sorted(members.items(), key=lambda item: (-len(item[1]), item[0]))
    return [(committees[path], ids) for path, ids in ranked]


def bench_request_comments() -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from lienhe213.accounts.models import Role, RoleAssignment, User
    from lienhe213.comments import services
    from lienhe213.members.models import Member
    from lienhe213.organizations.models import Organization

    today = timezone.localdate()
    officer = User.objects.get(username="coquan")
    root = User.objects.filter(is_superuser=True).first()
    ranked = _workplace_link_counts(today)
    if not ranked:
        print("no workplace committee with active links: nothing to request")
        return
    chosen: list[tuple[Organization, list[int]]] = []
    # The committee closest to a real one: the deepest (a grassroots committee before
    # the superior committee above it) among those with enough links.
    enough = sorted(
        ((org, ids) for org, ids in ranked if len(ids) >= BULK),
        key=lambda item: (-item[0].path.count("."), len(item[1])),
    )
    if enough:
        org, ids = enough[0]
        chosen = [(org, ids[:BULK])]
        note = (
            f"{org.name} ({org.get_kind_display()}): {len(ids)} active normal-category "
            f"links, the first {BULK} requested in one call"
        )
    else:
        taken: set[str] = set()
        left = BULK
        for org, ids in ranked:  # disjoint subtrees only, largest first
            if left <= 0:
                break
            if any(org.path.startswith(p) or p.startswith(org.path) for p in taken):
                continue
            chosen.append((org, ids[:left]))
            taken.add(org.path)
            left -= len(ids[:left])
        note = (
            f"no workplace committee has {BULK} active normal-category links (the largest, "
            f"{ranked[0][0].name}, has {len(ranked[0][1])}): {len(chosen)} committees' "
            "links combined, one call each"
        )
    with transaction.atomic():
        province = Organization.objects.get(
            pk__in=chosen[0][0].ancestor_ids(), kind=Organization.Kind.PROVINCIAL_COMMITTEE
        )
        campaign = _open_campaign(province, root or officer, today)
        for org, _ids in chosen:
            RoleAssignment.objects.get_or_create(
                user=officer, organization=org, role=Role.WORKPLACE_OFFICER
            )
        batches = [(org, list(Member.objects.filter(pk__in=ids))) for org, ids in chosen]
        made = 0
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            for org, members in batches:
                made += len(
                    services.request_comments(
                        by=officer,
                        campaign=campaign,
                        workplace=org,
                        members=members,
                        requested_on=today,
                    )
                )
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    c.title(f"request_comments for {made} members at once (target < 2 s; rolled back)")
    print(note)
    print(f"time {seconds:.2f} s, {len(queries)} queries, {made} requests")


def raw_progress(conn: Any, campaign_id: int, org_path: str) -> int:
    """The progress aggregation in plain SQL: per residence commune, the requests of the
    campaign that reached each step, for links held by the ward or its cells."""
    p = "%s"  # Django's cursor takes %s on every backend
    counts = []
    for step in RAW_STEPS:
        reached = (*RAW_STEPS[RAW_STEPS.index(step) :], "used")
        values = ", ".join(f"'{s}'" for s in reached)
        counts.append(f"SUM(CASE WHEN r.status IN ({values}) THEN 1 ELSE 0 END)")
    sql = (
        f"SELECT l.residence_commune_organization_id, o.name, {', '.join(counts)} "
        "FROM comments_commentrequest r "
        "JOIN registry_residencelink l ON l.id = r.link_id "
        "JOIN organizations_organization o ON o.id = l.residence_commune_organization_id "
        f"WHERE r.campaign_id = {p} AND ("
        "l.residence_commune_organization_id IN "
        f"(SELECT id FROM organizations_organization WHERE path LIKE {p}) "
        "OR l.residence_cell_id IN "
        f"(SELECT id FROM organizations_organization WHERE path LIKE {p})) "
        "GROUP BY l.residence_commune_organization_id, o.name ORDER BY o.name"
    )
    cursor = conn.cursor()
    cursor.execute(sql, [campaign_id, f"{org_path}%", f"{org_path}%"])
    return len(cursor.fetchall())


def _ward_campaign(ward: Any, today: datetime.date) -> tuple[Any, str]:
    """The demo's latest campaign if it has requests in the ward, else a new one with
    the ward's active links requested (in the caller's transaction)."""
    from lienhe213.accounts.models import User
    from lienhe213.comments import services
    from lienhe213.comments.models import CommentCampaign, CommentRequest
    from lienhe213.core.errors import DomainError
    from lienhe213.members.models import Member
    from lienhe213.organizations.models import Organization
    from lienhe213.registry.models import Category, ResidenceLink

    province = Organization.objects.get(
        pk__in=ward.ancestor_ids(), kind=Organization.Kind.PROVINCIAL_COMMITTEE
    )
    latest = CommentCampaign.objects.filter(province=province).order_by("-year").first()
    in_ward = ResidenceLink.objects.at_residence(ward).values("pk")
    if latest is not None and not os.environ.get("BENCH_COMMENTS_OWN_CAMPAIGN"):
        n = CommentRequest.objects.filter(campaign=latest, link__in=in_ward).count()
        if n:
            return latest, f"the demo campaign {latest.year} ({n} requests in the ward)"
    root = User.objects.filter(is_superuser=True).first()
    if root is None:
        raise SystemExit("no superuser in this database to act for every workplace")
    campaign = _open_campaign(province, root, today)
    by_workplace: dict[int, list[int]] = defaultdict(list)
    for member_id, workplace_id in (
        ResidenceLink.objects.at_residence(ward)
        .filter(status="active", category=Category.NORMAL)
        .values_list("member_id", "workplace_organization_id")
    ):
        by_workplace[workplace_id].append(member_id)
    made: list[Any] = []
    skipped = 0
    for workplace_id, ids in by_workplace.items():
        workplace = Organization.objects.get(pk=workplace_id)
        try:
            made += services.request_comments(
                by=root,
                campaign=campaign,
                workplace=workplace,
                members=list(Member.objects.filter(pk__in=ids)),
                requested_on=today,
            )
        except DomainError:
            skipped += len(ids)  # e.g. a member classified B since the link was made
    for request in made[::3]:
        services.save_draft(by=root, request=request, version=None, values=DRAFT)
    return campaign, (
        f"no demo campaign with requests in the ward: campaign {campaign.year} opened and "
        f"{len(made)} requests made through the services ({len(made[::3])} drafted, "
        f"{skipped} members skipped)"
    )


def bench_progress() -> None:
    from django.db import connection, reset_queries, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from lienhe213.organizations.models import Organization

    today = timezone.localdate()
    ward = Organization.objects.get(name=WARD)
    client = Client()
    if not client.login(username="xa", password="demo"):
        raise SystemExit("cannot log in as xa: is this a seeded database?")
    with transaction.atomic():
        campaign, source = _ward_campaign(ward, today)
        address = f"/comments/progress/{ward.pk}/?campaign={campaign.pk}"
        reset_queries()  # the client resets the log on each request: start from zero
        with CaptureQueriesContext(connection) as queries:
            status = client.get(address).status_code
        if status != 200:
            raise SystemExit(f"GET {address} as xa: {status}")
        page_ms = c.median_ms(lambda: client.get(address), REPEAT)
        # The raw baseline on the application's own connection: it sees the requests
        # this transaction made, and a second connection would wait on SQLite's lock.
        raw_ms = c.median_ms(lambda: raw_progress(connection, campaign.pk, ward.path), REPEAT)
        transaction.set_rollback(True)
    c.title(f"comment progress page, median of {REPEAT} requests as xa (target < 200 ms)")
    print(source)
    print(f"{'progress of':<32} {'page ms':>9} {'queries':>8} {'raw SQL ms':>11} {'ratio':>7}")
    print(
        f"{ward.name:<32} {page_ms:9.1f} {len(queries):>8} {raw_ms:11.2f} {page_ms / raw_ms:7.1f}x"
    )


def run(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe213.settings")
    sys.path.insert(0, str(c.ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # allows the test client's host name; DEBUG off
    bench_request_comments()
    bench_progress()


def main() -> None:
    with c.hagiang_database("comments") as url:
        run(url)


if __name__ == "__main__":
    main()
