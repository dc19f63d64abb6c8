"""The provincial report on hagiang-2023, against the same figures in raw SQL.

1. ``GET /reports/org/<province>/?year=<Y>`` as the provincial officer ``tinh``: median
   of N requests and the query count of one. ``Y`` is last year (the demo's last full
   year of meetings and comments) unless ``BENCH_REPORTS_YEAR`` says otherwise.
2. ``reports.indicators.compute`` alone (no template), the same median.
3. The raw baseline: the report's total figures computed by hand-written SQL, one query
   per indicator family (working members; classification; the letters and links; the
   meetings and attendance; the cells with active links and their meetings; the
   comments and the rating distribution; the cells with uniform ratings; the notices;
   and one COUNT per kind of reconciliation problem), scoped by a prefix match on the
   stored paths, on the application's own connection. The baseline computes totals
   only; the application also computes every child's row. Prints both, the ratio
   (target ≤ 2×) and any figure where the two disagree.

Uses the hagiang-2023 database at ``BENCH_MEMBERS_DATABASE_URL`` when given (as the
other benchmarks do), else seeds one in a scratch database (see _common.py; with
``DATABASE_URL=postgres://...`` on that server).
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

REPEAT = int(os.environ.get("BENCH_REPORTS_REPEAT", "10"))


def _day(connection: Any, column: str) -> str:
    """The local calendar day of a timestamp column, as the application reads it."""
    if connection.vendor == "postgresql":
        return f"({column} AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
    return f"date({column}, '+7 hours')"


def raw_figures(
    connection: Any, path: str, start: datetime.date, end: datetime.date, on: datetime.date
) -> dict[str, Any]:
    """The report's totals for the subtree at ``path``, one hand-written query per
    family. Links are in scope when either side or the member's unit is in the subtree."""
    under = path + "%"
    figures: dict[str, Any] = {}
    in_force = (
        "d.valid_from <= %(on)s AND (d.valid_until IS NULL OR d.valid_until >= %(on)s)"
        " AND (d.revoked_on IS NULL OR d.revoked_on > %(on)s)"
    )
    later = in_force.replace("d.", "d2.")
    orgs = "(SELECT id FROM organizations_organization WHERE path LIKE %(under)s)"
    link_scope = f"""(l.workplace_organization_id IN {orgs}
        OR l.residence_commune_organization_id IN {orgs} OR l.residence_cell_id IN {orgs}
        OR l.member_id IN (SELECT id FROM members_member WHERE unit_path LIKE %(under)s))"""
    params = {"under": under, "start": start, "end": end, "on": on}
    returned = "r.status IN ('returned', 'acknowledged', 'used')"
    with connection.cursor() as cursor:

        def one(sql: str) -> tuple[Any, ...]:
            cursor.execute(sql, params)
            return tuple(cursor.fetchone())

        def rows(sql: str) -> list[tuple[Any, ...]]:
            cursor.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()]

        (figures["working_members"],) = one(
            "SELECT COUNT(*) FROM members_member WHERE unit_path LIKE %(under)s"
            " AND employment = 'working'"
        )
        for category in ("normal", "a", "b"):
            figures[f"classified_{category}"] = 0
        for category, count in rows(
            f"""SELECT d.category, COUNT(*) FROM registry_exemptiondecision d
            JOIN members_member m ON m.id = d.member_id
            WHERE m.unit_path LIKE %(under)s AND m.employment = 'working' AND {in_force}
            AND NOT EXISTS (SELECT 1 FROM registry_exemptiondecision d2
                WHERE d2.member_id = d.member_id AND {later}
                AND (d2.valid_from > d.valid_from
                    OR (d2.valid_from = d.valid_from AND d2.id > d.id)))
            GROUP BY d.category"""
        ):
            figures[f"classified_{category}"] = count
        names = [
            "letters_issued",
            "letters_received",
            "letters_returned",
            "letters_overdue",
            "active_links",
            "moved_in",
            "moved_out",
        ]
        values = one(
            f"""SELECT
            SUM(CASE WHEN issued_on BETWEEN %(start)s AND %(end)s THEN 1 ELSE 0 END),
            SUM(CASE WHEN received_on BETWEEN %(start)s AND %(end)s THEN 1 ELSE 0 END),
            SUM(CASE WHEN returned_on BETWEEN %(start)s AND %(end)s THEN 1 ELSE 0 END),
            SUM(CASE WHEN issued_on <= %(on)s AND deadline < %(on)s
                AND (received_on IS NULL OR received_on > %(on)s)
                AND (returned_on IS NULL OR returned_on > %(on)s)
                AND (ended_on IS NULL OR ended_on > %(on)s) THEN 1 ELSE 0 END),
            SUM(CASE WHEN acknowledged_on <= %(on)s AND (ended_on IS NULL OR ended_on > %(on)s)
                THEN 1 ELSE 0 END),
            SUM(CASE WHEN acknowledged_on BETWEEN %(start)s AND %(end)s THEN 1 ELSE 0 END),
            SUM(CASE WHEN ended_on BETWEEN %(start)s AND %(end)s THEN 1 ELSE 0 END)
            FROM registry_residencelink l WHERE {link_scope}"""
        )
        figures.update({name: value or 0 for name, value in zip(names, values, strict=True)})
        held, invited, present = one(
            """SELECT COUNT(DISTINCT mt.id),
            SUM(CASE WHEN a.invited THEN 1 ELSE 0 END),
            SUM(CASE WHEN a.invited AND a.status = 'present' THEN 1 ELSE 0 END)
            FROM meetings_meeting mt
            JOIN organizations_organization o ON o.id = mt.cell_id AND o.path LIKE %(under)s
            LEFT JOIN meetings_attendance a ON a.meeting_id = mt.id
            WHERE mt.status = 'held' AND mt.date BETWEEN %(start)s AND %(end)s"""
        )
        figures.update(
            meetings_held=held, attendance_invited=invited or 0, attendance_present=present or 0
        )
        cells, meeting_requirement = one(
            """SELECT COUNT(*), SUM(CASE WHEN held >= 2 THEN 1 ELSE 0 END) FROM (
                SELECT l.residence_cell_id, (SELECT COUNT(*) FROM meetings_meeting mt
                    WHERE mt.cell_id = l.residence_cell_id AND mt.status = 'held'
                    AND mt.date BETWEEN %(start)s AND %(end)s) AS held
                FROM registry_residencelink l
                JOIN organizations_organization o ON o.id = l.residence_cell_id
                WHERE o.path LIKE %(under)s AND l.acknowledged_on <= %(on)s
                AND (l.ended_on IS NULL OR l.ended_on > %(on)s)
                GROUP BY l.residence_cell_id) AS cells"""
        )
        figures.update(
            cells_with_links=cells,
            meetings_required=2 * cells,
            cells_meeting_requirement=meeting_requirement or 0,
        )
        comment_scope = link_scope.replace("l.", "lk.")
        proposal = "cm.recommendation IN ('commend', 'consider_handling')"
        values = one(
            f"""SELECT COUNT(*),
            SUM(CASE WHEN {returned} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {returned} AND {_day(connection, "cm.returned_at")} <= camp.deadline
                THEN 1 ELSE 0 END),
            SUM(CASE WHEN {returned} AND (cm.item_1 = 'good' OR cm.item_a = 'good')
                THEN 1 ELSE 0 END),
            SUM(CASE WHEN {returned} AND cm.recommendation = 'commend' THEN 1 ELSE 0 END),
            SUM(CASE WHEN {returned} AND cm.recommendation = 'consider_handling'
                THEN 1 ELSE 0 END),
            SUM(CASE WHEN {returned} AND {proposal} AND fu.id IS NOT NULL THEN 1 ELSE 0 END),
            SUM(CASE WHEN {returned} AND {proposal} AND fu.id IS NULL THEN 1 ELSE 0 END)
            FROM comments_commentrequest r
            JOIN registry_residencelink lk ON lk.id = r.link_id
            JOIN comments_commentcampaign camp ON camp.id = r.campaign_id
            LEFT JOIN comments_comment cm ON cm.request_id = r.id
            LEFT JOIN comments_recommendationfollowup fu ON fu.request_id = r.id
            WHERE r.requested_on BETWEEN %(start)s AND %(end)s AND {comment_scope}"""
        )
        names = [
            "comments_requested",
            "comments_returned",
            "comments_returned_on_time",
            "good_example",
            "recommend_commend",
            "recommend_consider_handling",
            "recommend_followed_up",
            "recommend_awaiting_follow_up",
        ]
        figures.update({name: value or 0 for name, value in zip(names, values, strict=True)})
        best = (
            "((r.form = '3-213' AND cm.item_1 = 'good' AND cm.item_2 = 'leading'"
            " AND cm.item_3 = 'full' AND cm.item_4 = 'regular_active'"
            " AND cm.item_5 = 'very_active') OR (r.form = '4-213' AND cm.item_a = 'good'"
            " AND cm.item_b = 'good' AND cm.item_c = 'good'))"
        )
        (figures["cells_uniform_ratings"],) = one(
            f"""SELECT COUNT(*) FROM (SELECT lk.residence_cell_id
            FROM comments_commentrequest r
            JOIN registry_residencelink lk ON lk.id = r.link_id
            JOIN organizations_organization o ON o.id = lk.residence_cell_id
            JOIN comments_comment cm ON cm.request_id = r.id
            WHERE o.path LIKE %(under)s AND {returned}
            AND r.requested_on BETWEEN %(start)s AND %(end)s
            GROUP BY lk.residence_cell_id
            HAVING COUNT(*) = SUM(CASE WHEN {best} THEN 1 ELSE 0 END)) AS uniform"""
        )
        values = one(
            f"""SELECT COUNT(*),
            SUM(CASE WHEN n.acknowledged_at IS NOT NULL THEN 1 ELSE 0 END),
            SUM(CASE WHEN n.response_due IS NOT NULL THEN 1 ELSE 0 END),
            SUM(CASE WHEN EXISTS (SELECT 1 FROM notices_noticereply rp
                WHERE rp.notice_id = n.id AND rp.organization_id = n.recipient_id
                AND {_day(connection, "rp.at")} <= n.response_due) THEN 1 ELSE 0 END)
            FROM notices_notice n
            WHERE n.sent_on BETWEEN %(start)s AND %(end)s AND (
                n.sender_id IN {orgs} OR n.recipient_id IN {orgs})"""
        )
        names = [
            "notices_sent",
            "notices_acknowledged",
            "notices_needing_answer",
            "notices_answered_on_time",
        ]
        figures.update({name: value or 0 for name, value in zip(names, values, strict=True)})

        # Reconciliation: one COUNT per kind of problem.
        working = "m.unit_path LIKE %(under)s AND m.employment = 'working'"
        has_open = (
            "EXISTS (SELECT 1 FROM registry_residencelink o WHERE o.member_id = m.id"
            " AND o.status IN ('issued', 'received', 'assigned', 'active'))"
        )

        def decision(categories: str) -> str:
            return (
                "EXISTS (SELECT 1 FROM registry_exemptiondecision d"
                f" WHERE d.member_id = m.id AND {in_force} AND d.category IN ({categories}))"
            )

        any_decision, to_introduce = decision("'normal', 'a', 'b'"), decision("'normal', 'a'")
        category_b = decision("'b'")
        open_links = f"l.status IN ('issued', 'received', 'assigned', 'active') AND {link_scope}"
        problems = [
            f"SELECT COUNT(*) FROM members_member m WHERE {working}"
            f" AND NOT ({any_decision}) AND NOT {has_open}",
            f"SELECT COUNT(*) FROM members_member m WHERE {working}"
            f" AND ({to_introduce}) AND NOT ({category_b}) AND NOT {has_open}",
            f"SELECT COUNT(*) FROM registry_residencelink l WHERE l.status = 'issued'"
            f" AND l.deadline < %(on)s AND {link_scope}",
            f"SELECT COUNT(*) FROM (SELECT l.member_id FROM registry_residencelink l"
            f" WHERE {open_links} GROUP BY l.member_id HAVING COUNT(*) > 1) AS several",
            f"SELECT COUNT(*) FROM registry_residencelink l WHERE {open_links}"
            " AND l.residence_commune_organization_id IS NULL",
            f"""SELECT COUNT(*) FROM registry_residencelink l
            JOIN organizations_organization c ON c.id = l.residence_commune_organization_id
            LEFT JOIN organizations_organization cell ON cell.id = l.residence_cell_id
            JOIN organizations_organization w ON w.id = l.workplace_organization_id
            WHERE {open_links} AND (c.valid_until < %(on)s OR cell.valid_until < %(on)s
                OR w.valid_until < %(on)s)""",
            f"""SELECT COUNT(*) FROM registry_residencelink l
            JOIN members_member mm ON mm.id = l.member_id
            JOIN organizations_organization w ON w.id = l.workplace_organization_id
            WHERE {open_links} AND NOT (mm.unit_path LIKE w.path || '%%')""",
            f"""SELECT COUNT(*) FROM registry_exemptiondecision e
            JOIN members_member m ON m.id = e.member_id
            WHERE {working} AND e.revoked_on IS NULL AND e.category = 'b'
            AND e.valid_until < %(on)s AND NOT ({any_decision})""",
        ]
        figures["problems_open"] = sum(one(sql)[0] for sql in problems)
    return figures


def bench_report() -> None:
    """Each year of ``BENCH_REPORTS_YEARS`` (comma-separated; default
    ``BENCH_REPORTS_YEAR`` or last year)."""
    from django.utils import timezone

    default = os.environ.get("BENCH_REPORTS_YEAR", str(timezone.localdate().year - 1))
    for year in os.environ.get("BENCH_REPORTS_YEARS", default).split(","):
        bench_year(int(year))


def bench_year(year: int) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from lienhe213.accounts.models import User
    from lienhe213.organizations.models import Organization
    from lienhe213.reports.indicators import FIGURES, Period, compute

    today = timezone.localdate()
    # Today's province, whose report of a year before the 1 July 2025 restructuring reads
    # the tree of that year (on hagiang-2023: Hà Giang's committee and its districts).
    province = Organization.objects.current().filter(parent__isnull=True).order_by("pk").first()
    if province is None:
        raise SystemExit("no province: is this a seeded database?")
    scope = province.path
    tinh = User.objects.get(username="tinh")
    client = Client()
    client.force_login(tinh)
    address = f"/reports/org/{province.pk}/?year={year}"
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        status = client.get(address).status_code
    if status != 200:
        raise SystemExit(f"GET {address} as tinh: {status}")
    period = Period.for_year(year)
    on = period.reference_day(today)

    def computed() -> Any:
        user = User.objects.get(pk=tinh.pk)  # a fresh user: its roles are read again
        return compute(user=user, organization=province, period=period, today=today)

    # Interleaved, so that the three see the same load on a shared machine.
    actions = {
        "page": lambda: client.get(address),
        "compute": computed,
        "raw": lambda: raw_figures(connection, scope, period.start, period.end, on),
    }
    times: dict[str, list[float]] = {name: [] for name in actions}
    for round_number in range(REPEAT + 1):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            if round_number:  # the first round warms up
                times[name].append(time.perf_counter() - started)
    page_ms, compute_ms, raw_ms = (1000 * statistics.median(times[n]) for n in actions)
    report = computed()
    raw = raw_figures(connection, scope, period.start, period.end, on)
    c.title(f"provincial report {year}, median of {REPEAT} interleaved runs as tinh (target ≤ 2×)")
    print(f"{report.name_of(province)}: {len(report.children)} child organizations")
    print(f"{'what':<40} {'ms':>9} {'queries':>8} {'ratio':>7}")
    print(f"{'GET ' + address:<40} {page_ms:9.1f} {len(queries):>8} {page_ms / raw_ms:6.1f}x")
    print(f"{'compute() alone':<40} {compute_ms:9.1f} {'':>8} {compute_ms / raw_ms:6.1f}x")
    print(f"{'raw SQL, one query per family':<40} {raw_ms:9.1f} {'':>8} {'1.0x':>7}")
    app = dict(report.figures, problems_open=report.problems_open)
    differ = [
        f"{name}: app {app[name]} raw {raw[name]}"
        for name in raw
        if name in app and (app[name] or 0) != (raw[name] or 0)
    ]
    shown = ", ".join(f"{name}={app[name]}" for name in list(FIGURES)[:12])
    print(f"figures: {shown}, …, problems_open={app['problems_open']}")
    print(
        "raw and application agree on every figure"
        if not differ
        else "DIFFER: " + "; ".join(differ)
    )
    bench_counts(province, User.objects.get(pk=tinh.pk), period, today)


def bench_counts(province: Any, user: Any, period: Any, today: Any) -> None:
    """The member, link, meeting, comment and notice figures and the book's problems
    read from the maintained counts (ADR 0022) against the same figures counted live
    from the rows and the reconciliation, on the same subtree, interleaved; and, when the
    report may read the counts, the two reports figure by figure."""
    from unittest import mock

    from lienhe213.registry.reconciliation import reconcile
    from lienhe213.reports import indicators as ind

    tree, children = ind._subtree(province, period)
    scope = ind._Scope(
        user=user,
        organization=province,
        period=period,
        on=period.reference_day(today),
        tree=tree,
        remapped=ind._remapped_after(tree.day),
    )
    reads = ind._reads_tallies(scope, today)
    actions = {
        "counts": lambda: ind._read_tallies(scope, children),
        "live": lambda: (
            ind._count_classification(scope, ind._count_working_members(scope)),
            ind._count_links(scope),
            ind._count_meetings(scope),
            ind._count_comments(scope),
            ind._count_notices(scope),
            reconcile(on=scope.on, organization=province).counts(),
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in actions}
    for round_number in range(REPEAT + 1):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            if round_number:
                times[name].append(time.perf_counter() - started)
    counts_ms, live_ms = (1000 * statistics.median(times[n]) for n in actions)
    c.title(f"the counted families, {period.year}: maintained counts against live")
    print(f"{'counts (one row per figure and child)':<40} {counts_ms:9.1f} ms")
    live_label = "live (rows grouped, book reconciled)"
    print(f"{live_label:<40} {live_ms:9.1f} ms  {live_ms / counts_ms:6.1f}x")
    if not reads:
        print(
            "this report reads the rows: its subtree was restructured (a unit ended, or "
            "links re-mapped since the year), so counts and rows are not compared"
        )
        return
    report = ind.compute(user=user, organization=province, period=period, today=today)
    with mock.patch.object(ind, "_reads_tallies", return_value=False):
        live = ind.compute(user=user, organization=province, period=period, today=today)
    rows = [(child.pk, figures) for child, figures in report.children]
    same = (
        report.figures == live.figures
        and report.problems == live.problems
        and rows == [(ch.pk, f) for ch, f in live.children]
    )
    print(
        "the report reads the counts; counts and live agree on every figure, problem and child row"
        if same
        else "DIFFER: "
        + "; ".join(
            f"{name}: counts {counted[name]} live {rows_[name]}"
            for counted, rows_ in ((report.figures, live.figures), (report.problems, live.problems))
            for name in counted
            if counted[name] != rows_.get(name)
        )
    )


def run(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe213.settings")
    sys.path.insert(0, str(c.ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # allows the test client's host name; DEBUG off
    bench_report()


def main() -> None:
    with c.hagiang_database("reports") as url:
        run(url)


if __name__ == "__main__":
    main()
