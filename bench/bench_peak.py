"""The year-end peak under load (issue 16, item 4): the last week of a comment campaign
at a province's scale, played by locust against gunicorn on PostgreSQL with Redis as
the shared cache.

On a hagiang-2023 database (seeded here into a scratch database on the server of
``DATABASE_URL``, or a copy of ``BENCH_MEMBERS_DATABASE_URL`` made with ``CREATE
DATABASE … TEMPLATE``: the run writes, so the given database is never used itself), in
this year's open campaign, the script creates the accounts of ``BENCH_PEAK_USERS``
people (default 50) — cell secretaries of the residential cells with the most
comments still to write (60 %), clerks of the communes with the most comments to
confirm and return (20 %), officers of the workplace committees with the most
returned comments (16 %), provincial officers (4 %, at least one) — each with a
password and an authenticator device, as two-factor sign-in is required without
DEBUG. It then starts gunicorn (``BENCH_PEAK_WORKERS`` sync workers, default 2, one a
core as bench_http.py; ``DJANGO_DEBUG=0``; ``CACHE_URL`` = ``BENCH_PEAK_CACHE_URL``,
default ``redis://127.0.0.1:6379/14``, emptied first) and runs locust headless
(``locust_peak.py``) three times:

1. **baseline**: as many users asking for the bare page (one query, one template, the
   same middleware) without any wait (``BENCH_PEAK_BARE_SECONDS``, default 20 s): the
   most this machine, gunicorn and locust serve at all;
2. **peak**: the campaign's last week, every user at its own work, waiting
   ``BENCH_PEAK_WAIT`` seconds (default 12–36 s) between two pieces of work (a
   comment written and signed, a handful of comments returned, a rating recorded, a
   dashboard refreshed: several requests each, one after another) — 50 users then
   ask for about a province's busiest hour (5 comment steps a second, below) —
   ``BENCH_PEAK_SECONDS`` (default 120 s) after a ramp of ``BENCH_PEAK_SPAWN_RATE``
   users a second (default 10). Target: p99 ≤ 500 ms on every step and no error;
3. **saturation**: the same users without any wait, ``BENCH_PEAK_SATURATION_SECONDS``
   (default 60 s): what the machine can do at most with this mix, the headroom (its
   p99 is a queue, not a target).

Each user signs in first (the login form, the password, the code of its device);
each run's window opens once all have, and the sign-in — a burst of password hashing
— is printed apart. The server runs ``_peak_settings.py``: bench_http.py's settings
with the cookies not marked Secure, as it answers plain HTTP on the loopback.

For each run it prints, per step (a page or a form posted): requests, requests a
second, p50, p99 and failures, then the total, the comments moved on in the database
(signed, confirmed, returned, acknowledged, rated), the workers' CPU time per request
and the machine's CPU use. Last, the headroom: a province's week of 34,000 comments,
seven steps each (comment form, Front meeting, sign, confirm, return, acknowledge,
rating) over the working hours of a week (5 × 8 h) with the busiest hour at three
times the mean, against the steps a second measured; and the nation (34 provinces)
extrapolated from the same figures, with what this cannot tell.

Needs locust (``make bench-deps``: the uv group ``bench``), or ``BENCH_PEAK_LOCUST``
naming a locust executable; PostgreSQL (``DATABASE_URL=postgres://…``) and Redis.
"""

from __future__ import annotations

import csv
import datetime
import importlib.util
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c
import bench_http

HERE = Path(__file__).resolve().parent

USERS = int(os.environ.get("BENCH_PEAK_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_PEAK_SECONDS", "120"))
SATURATION_SECONDS = int(os.environ.get("BENCH_PEAK_SATURATION_SECONDS", "60"))
BARE_SECONDS = int(os.environ.get("BENCH_PEAK_BARE_SECONDS", "20"))
SPAWN_RATE = int(os.environ.get("BENCH_PEAK_SPAWN_RATE", "10"))
WORKERS = int(os.environ.get("BENCH_PEAK_WORKERS", "2"))
WAIT = os.environ.get("BENCH_PEAK_WAIT", "12,36")
CACHE_URL = os.environ.get("BENCH_PEAK_CACHE_URL", "redis://127.0.0.1:6379/14")
P99_TARGET_MS = 500.0

# The people of a campaign's last week, in shares of the users.
SHARES = {
    "cell_secretary": 0.60,
    "commune_clerk": 0.20,
    "workplace_officer": 0.16,
    "provincial_officer": 0.04,
}

# The demand: a province's week, and the nation.
WEEK_COMMENTS = 34_000
STEPS_PER_COMMENT = 7  # comment form, Front meeting, sign, confirm, return, acknowledge, rating
WORKING_SECONDS = 5 * 8 * 3600  # a week's working hours
PEAK_FACTOR = 3.0  # the busiest hour against the week's mean working hour
PROVINCES = 34


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p99: float


@dataclass
class Run:
    label: str
    seconds: int
    wait: str
    rows: list[Row] = field(default_factory=list)
    total: Row | None = None
    failures: list[tuple[str, str, int]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    moved: dict[str, int] = field(default_factory=dict)
    sign_in: list[Row] = field(default_factory=list)
    sign_in_errors: list[tuple[str, str, int]] = field(default_factory=list)
    window: float = 0.0  # the measured window, after every user signed in
    cpu_ms: float = 0.0  # the workers' CPU time per request
    machine_cpu: float = 0.0  # the share of the two cores busy (every process)
    locust_cpu: float = 0.0  # locust's own CPU seconds, the sign-in included
    load: str = ""

    @property
    def steps(self) -> int:
        """The comment steps taken: each bulk post counts the comments it moved."""
        return sum(self.moved.values())

    @property
    def steps_per_second(self) -> float:
        return self.steps / self.window if self.window else 0.0


# --- the database ------------------------------------------------------------------


@contextmanager
def peak_database() -> Iterator[str]:
    """A hagiang-2023 PostgreSQL database this run may write to, dropped afterwards."""
    given = os.environ.get("BENCH_MEMBERS_DATABASE_URL")
    if given:
        if not c.is_postgres(given):
            raise SystemExit("bench_peak runs on PostgreSQL: BENCH_MEMBERS_DATABASE_URL")
        source = urlsplit(given).path.lstrip("/")
        c.title(f"copying {source} (the run writes to its copy)")
        with c.postgres_database(
            given, f"{source}_peak_{uuid.uuid4().hex[:6]}", template=source
        ) as copy:
            yield copy
        return
    base = c.base_url()
    if not base or not c.is_postgres(base):
        raise SystemExit("bench_peak runs on PostgreSQL: DATABASE_URL=postgres://…")
    with c.hagiang_database("peak") as url:
        yield url


def counts_by_role(users: int) -> dict[str, int]:
    """The users of each role: the shares of ``users``, at least one provincial officer."""
    counts = {role: int(users * share) for role, share in SHARES.items()}
    counts["provincial_officer"] = max(1, counts["provincial_officer"])
    counts["cell_secretary"] += users - sum(counts.values())
    return counts


def open_campaign() -> Any:
    from lienhe213.comments.models import CommentCampaign

    today = datetime.date.today()
    campaign = (
        CommentCampaign.objects.filter(opens_on__lte=today, closes_on__gte=today)
        .order_by("-year")
        .first()
    )
    if campaign is None:
        raise SystemExit("no comment campaign open today in this database")
    return campaign


def busiest(campaign: Any, statuses: tuple[str, ...], key: str, n: int) -> list[int]:
    """The ``n`` organizations (``key`` of the request) with the most requests of the
    campaign in ``statuses``."""
    from django.db.models import Count

    from lienhe213.comments.models import CommentRequest

    rows = (
        CommentRequest.objects.filter(campaign=campaign, status__in=statuses)
        .exclude(**{f"{key}__isnull": True})
        .values(key)
        .annotate(n=Count("pk"))
        .order_by("-n", key)[:n]
    )
    found = [row[key] for row in rows]
    if len(found) < n:
        raise SystemExit(f"only {len(found)} organizations have requests {statuses}; {n} needed")
    return found


def make_accounts(campaign: Any, counts: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
    """The run's accounts, each with its role over one organization, one password (hashed
    once) and a confirmed authenticator device whose key locust computes the codes from."""
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lienhe213.accounts.models import Role, RoleAssignment, User

    password = secrets.token_urlsafe(16)
    hashed = make_password(password)
    organizations = {
        "cell_secretary": busiest(
            campaign, ("requested", "drafted"), "link__residence_cell", counts["cell_secretary"]
        ),
        "commune_clerk": busiest(
            campaign,
            ("signed", "confirmed"),
            "link__residence_commune_organization",
            counts["commune_clerk"],
        ),
        "workplace_officer": busiest(
            campaign,
            ("returned", "acknowledged"),
            "workplace_organization",
            counts["workplace_officer"],
        ),
        "provincial_officer": [campaign.province_id] * counts["provincial_officer"],
        # the baseline's users: their own accounts (a code is accepted once per 30 s)
        "bare": [campaign.province_id] * sum(counts.values()),
    }
    roles = {
        "cell_secretary": Role.CELL_SECRETARY,
        "commune_clerk": Role.COMMUNE_CLERK,
        "workplace_officer": Role.WORKPLACE_OFFICER,
        "provincial_officer": Role.PROVINCIAL_OFFICER,
        "bare": Role.PROVINCIAL_OFFICER,
    }
    accounts: dict[str, list[dict[str, Any]]] = {}
    for role, orgs in organizations.items():
        accounts[role] = []
        for number, org in enumerate(orgs, 1):
            user = User.objects.create(
                username=f"peak-{role.replace('_', '-')}-{number}",
                password=hashed,
                two_factor_enabled=True,
            )
            RoleAssignment.objects.create(user=user, organization_id=org, role=roles[role])
            key = secrets.token_hex(20)
            TOTPDevice.objects.create(user=user, name="peak", key=key, confirmed=True)
            accounts[role].append(
                {"username": user.username, "password": password, "totp_key": key, "org": org}
            )
    return accounts


def comment_marks(since: datetime.datetime) -> dict[str, int]:
    """The comments moved on since ``since``, step by step, from the rows."""
    from django.db.models import Count, Q

    from lienhe213.comments.models import Comment
    from lienhe213.core.models import AuditEvent

    # every campaign: the workplaces' inboxes hold older campaigns' returned comments too
    marks = Comment.objects.aggregate(
        signed=Count("pk", filter=Q(signed_at__gte=since)),
        confirmed=Count("pk", filter=Q(confirmed_at__gte=since)),
        returned=Count("pk", filter=Q(returned_at__gte=since)),
        acknowledged=Count("pk", filter=Q(acknowledged_at__gte=since)),
    )
    events = (
        AuditEvent.objects.filter(at__gte=since, changes__event__in=["drafted", "front_meeting"])
        .values("changes__event")
        .annotate(n=Count("pk"))
    )
    by_event = {row["changes__event"]: row["n"] for row in events}
    rated = AuditEvent.objects.filter(at__gte=since, changes__event="rating_used").count()
    return {
        "comment form": by_event.get("drafted", 0),
        "Front meeting": by_event.get("front_meeting", 0),
        **marks,
        "rated": rated,
    }


# --- locust --------------------------------------------------------------------------


def locust_command() -> list[str]:
    given = os.environ.get("BENCH_PEAK_LOCUST")
    if given:
        return [given]
    if importlib.util.find_spec("locust") is not None:
        return [sys.executable, "-m", "locust"]
    if shutil.which("locust"):
        return [shutil.which("locust") or "locust"]
    raise SystemExit("locust is missing: make bench-deps (the uv group bench)")


def machine_busy() -> tuple[float, float]:
    """The machine's busy and total CPU time so far (/proc/stat), in ticks."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields)


class Sampler(threading.Thread):
    """Every half second: the time, the machine's busy and total CPU ticks and the
    workers' CPU seconds, to read them over the measured window afterwards."""

    def __init__(self, server: subprocess.Popen[bytes]) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.samples: list[tuple[float, float, float, float]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            busy, total = machine_busy()
            workers = bench_http.workers_cpu_seconds(self.server)
            self.samples.append((time.time(), busy, total, workers))
            self.stopped.wait(0.5)

    def over(self, start: float, end: float) -> tuple[float, float]:
        """The machine's busy share and the workers' CPU seconds between the samples
        nearest ``start`` and ``end``."""
        inside = [s for s in self.samples if start - 0.5 <= s[0] <= end + 0.5]
        if len(inside) < 2:
            return 0.0, 0.0
        first, last = inside[0], inside[-1]
        return (last[1] - first[1]) / max(1.0, last[2] - first[2]), last[3] - first[3]


def run_locust(
    run: Run,
    port: int,
    server: subprocess.Popen[bytes],
    accounts_file: Path,
    workdir: Path,
    classes: list[str],
) -> Run:
    prefix = workdir / run.label
    counts_file = workdir / f"{run.label}-counts.json"
    env = {
        **os.environ,
        "BENCH_PEAK_ACCOUNTS": str(accounts_file),
        "BENCH_PEAK_COUNTS": str(counts_file),
        "BENCH_PEAK_WAIT": run.wait,
        "BENCH_PEAK_MEASURE_SECONDS": str(run.seconds),
    }
    from django.utils import timezone

    users = sum(len(json.loads(accounts_file.read_text())[role]) for role in classes_roles(classes))
    guard = run.seconds + 600  # --run-time: the window closes itself after run.seconds
    command = [
        *locust_command(),
        "-f",
        str(HERE / "locust_peak.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(SPAWN_RATE),
        "--run-time",
        f"{guard}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "ERROR",
        *classes,
    ]
    since = timezone.now()
    sampler = Sampler(server)
    sampler.start()
    own_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(  # noqa: S603  (locust, from this environment)
        command, env=env, cwd=c.ROOT, capture_output=True, text=True, check=False
    )
    own_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler.stopped.set()
    sampler.join()
    run.load = bench_http.load()
    if not Path(f"{prefix}_stats.csv").exists() or not counts_file.exists():
        raise SystemExit(f"locust failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    read_stats(run, prefix)
    report = json.loads(counts_file.read_text())
    run.counts = report.get("counts", {})
    run.window = report.get("window", 0.0)
    run.sign_in = [
        Row(r["name"], r["requests"], r["failures"], 0.0, r["p50"], r["p99"])
        for r in report.get("sign_in", [])
    ]
    run.sign_in_errors = [
        (e["name"], e["error"], e["occurrences"]) for e in report.get("sign_in_errors", [])
    ]
    if classes != ["BarePage"]:
        run.moved = comment_marks(since)
    opened = report.get("opened", 0.0)
    run.machine_cpu, workers = sampler.over(opened, opened + run.window)
    total = run.total.requests if run.total else 0
    run.cpu_ms = workers * 1000 / total if total else 0.0
    run.locust_cpu = (own_after.ru_utime + own_after.ru_stime) - (
        own_before.ru_utime + own_before.ru_stime
    )
    return run


def classes_roles(classes: list[str]) -> list[str]:
    names = {
        "CellSecretary": "cell_secretary",
        "CommuneClerk": "commune_clerk",
        "WorkplaceOfficer": "workplace_officer",
        "ProvincialOfficer": "provincial_officer",
        "BarePage": "bare",
    }
    return [names[name] for name in classes]


def read_stats(run: Run, prefix: Path) -> None:
    def number(row: dict[str, str], key: str) -> float:
        value = row.get(key, "") or "0"
        return float(value) if value != "N/A" else 0.0

    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            item = Row(
                name=row["Name"] if row["Type"] in ("GET", "") else f"{row['Name']}",
                requests=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                rps=number(row, "Requests/s"),
                p50=number(row, "50%"),
                p99=number(row, "99%"),
            )
            if row["Name"] == "Aggregated":
                run.total = item
            elif item.requests:  # the sign-in's rows, emptied when the window opened
                run.rows.append(item)
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with open(failures, encoding="utf-8") as rows:
            for row in csv.DictReader(rows):
                run.failures.append((row["Name"], row["Error"], int(row["Occurrences"])))


# --- the report ----------------------------------------------------------------------


def print_run(run: Run) -> bool:
    """The run's table; True when every step met the target (p99, no failure)."""
    c.title(
        f"{run.label}: {run.window:.0f} s measured once all had signed in, waits {run.wait} s "
        f"(load average {run.load})"
    )
    print(f"{'step':44} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'failed':>6}")
    ok = True
    for row in sorted(run.rows, key=lambda r: r.name):
        over = row.p99 > P99_TARGET_MS or row.failures
        ok = ok and not over
        print(
            f"{row.name[:44]:44} {row.requests:8} {row.rps:7.1f} {row.p50:7.0f} {row.p99:7.0f} "
            f"{row.failures:6}{'  OVER' if over else ''}"
        )
    if run.total:
        t = run.total
        ok = ok and t.p99 <= P99_TARGET_MS and not t.failures
        print(f"{'all':44} {t.requests:8} {t.rps:7.1f} {t.p50:7.0f} {t.p99:7.0f} {t.failures:6}")
    for name, error, times in run.failures[:10]:
        print(f"  failed {times}× {name}: {error[:160]}")
    sign_in = "; ".join(
        f"{r.name.removeprefix('sign-in: ')} p50 {r.p50:.0f} / p99 {r.p99:.0f} ms"
        + (f", {r.failures} failed" if r.failures else "")
        for r in run.sign_in
    )
    print(f"before the window, the sign-in of every user ({SPAWN_RATE} a second): {sign_in}")
    for name, error, times in run.sign_in_errors[:5]:
        print(f"  sign-in failed {times}× {name}: {error[:160]}")
    if run.moved:
        moved = ", ".join(f"{k} {v}" for k, v in run.moved.items())
        print(
            f"comments moved on: {moved} — {run.steps} steps, {run.steps_per_second:.1f} a second"
        )
    if run.counts:
        print("lists found empty: " + ", ".join(f"{k} {v}" for k, v in sorted(run.counts.items())))
    print(
        f"workers' CPU {run.cpu_ms:.1f} ms a request; the two cores {run.machine_cpu:.0%} busy "
        f"(every process: gunicorn, PostgreSQL, Redis, locust, other jobs); locust "
        f"{run.locust_cpu:.1f} CPU s in all"
    )
    return ok


def print_headroom(peak: Run, saturation: Run) -> None:
    need = WEEK_COMMENTS * STEPS_PER_COMMENT / WORKING_SECONDS * PEAK_FACTOR
    nation = need * PROVINCES
    c.title("headroom")
    print(
        f"a province's week: {WEEK_COMMENTS:,} comments × {STEPS_PER_COMMENT} steps over "
        f"{WORKING_SECONDS // 3600} working hours, the busiest hour ×{PEAK_FACTOR:.0f} the mean: "
        f"{need:.1f} steps/s at the peak; the nation ({PROVINCES} provinces): {nation:.0f} steps/s"
    )
    for run, what in ((peak, "carried"), (saturation, "at most (the capacity)")):
        rate = run.steps_per_second
        per_step = run.total.requests / run.steps if run.total and run.steps else 0.0
        print(
            f"{run.label}: {what} {rate:.1f} steps/s ({per_step:.1f} requests a step, p99 "
            f"{run.total.p99 if run.total else 0:.0f} ms): {rate / need:.1f}× the province's "
            f"peak, {rate / nation:.2f}× the nation's"
        )
    rate = saturation.steps_per_second
    if rate:
        print(
            f"the nation at its peak: about {nation / rate:.0f}× this machine's saturation — "
            "application servers scale out, but one PostgreSQL holds the 34 provinces, and "
            "these figures come from one province's data (bench_nation.py: the nation's "
            "member search, book and report are not yet at a province's speed), so this is "
            "the load of the steps, not a proof that the nation fits"
        )


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="lienhe213-peak-"))
    with peak_database() as url:
        env = {
            **bench_http.server_env(url),
            "DJANGO_SETTINGS_MODULE": "_peak_settings",
            "CACHE_URL": CACHE_URL,
        }
        os.environ.update(env)
        sys.path.insert(0, str(c.ROOT))
        import django

        django.setup()
        from django.core.cache import cache

        cache.clear()  # the bench's own Redis database (BENCH_PEAK_CACHE_URL)
        campaign = open_campaign()
        counts = counts_by_role(USERS)
        accounts = make_accounts(campaign, counts)
        accounts_file = workdir / "accounts.json"
        accounts_file.write_text(json.dumps(accounts))
        from django.db import connections

        connections.close_all()
        bench_http.WORKERS = WORKERS
        port = bench_http.free_port()
        server = bench_http.start_server(env, port)
        try:
            roles = ["CellSecretary", "CommuneClerk", "WorkplaceOfficer", "ProvincialOfficer"]
            bare = run_locust(
                Run("baseline (bare page)", BARE_SECONDS, "0,0"),
                port,
                server,
                accounts_file,
                workdir,
                ["BarePage"],
            )
            peak = run_locust(
                Run("peak", SECONDS, WAIT), port, server, accounts_file, workdir, roles
            )
            time.sleep(max(0.0, 31 - SECONDS))  # a code is accepted once per 30 s
            saturation = run_locust(
                Run("saturation", SATURATION_SECONDS, "0,0"),
                port,
                server,
                accounts_file,
                workdir,
                roles,
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        report(campaign, counts, bare, peak, saturation)
    shutil.rmtree(workdir, ignore_errors=True)


def report(campaign: Any, counts: dict[str, int], bare: Run, peak: Run, saturation: Run) -> None:
    c.title(
        f"the year-end peak on PostgreSQL: gunicorn, {WORKERS} sync workers, DEBUG off, "
        f"Redis cache; locust, {sum(counts.values())} users"
    )
    print(
        f"campaign {campaign.year} of {campaign.province}; users: "
        + ", ".join(f"{n} {role.replace('_', ' ')}" for role, n in counts.items())
    )
    print_run(bare)
    met = print_run(peak)
    print_run(saturation)
    print_headroom(peak, saturation)
    errors = peak.total.failures if peak.total else 0
    over = [r.name for r in peak.rows if r.p99 > P99_TARGET_MS or r.failures]
    need = WEEK_COMMENTS * STEPS_PER_COMMENT / WORKING_SECONDS * PEAK_FACTOR
    carried = peak.steps_per_second >= need
    print(
        f"target (peak: p99 ≤ {P99_TARGET_MS:.0f} ms on every step, 0 errors, "
        f"{sum(counts.values())} users, at least {need:.1f} steps/s): "
        f"{'met' if met and carried else 'MISSED'}"
        f" (p99 of all requests {peak.total.p99 if peak.total else 0:.0f} ms, {errors} errors, "
        f"{peak.steps_per_second:.1f} steps/s)"
    )
    if over:
        print("over the target at the peak: " + ", ".join(sorted(over)))


if __name__ == "__main__":
    main()
