"""The pages over HTTP, as deployed: gunicorn with two sync workers, ``DJANGO_DEBUG=0``,
loaded by ``wrk`` (16 connections, ``BENCH_HTTP_SECONDS`` seconds a page, default 5),
on hagiang-2023.

The server runs the project's settings unchanged but for what serving plain HTTP on
this machine needs (``LIENHE213_HTTPS=0``, a random ``DJANGO_SECRET_KEY``, the local
host names) and one extra URL: ``/_bench/bare/``, a bare Django page doing one query
and one template behind the same middleware (``_http_settings.py``, ``_http_urls.py``;
the product's URLs never carry it). Two-factor sign-in stays required, as in
production: each person's session is written directly (no login, so no audit row) with
a confirmed authenticator device, as after a real sign-in.

Pages, each against the bare page measured in the same run (first and last; the ratio
uses their mean):

- the cell secretary's home ``/`` (the residential cell with the most open links),
  target at least 0.5× the bare page's requests a second;
- the commune clerk's inbox ``/`` (the ward with the most open links, Phường Hà
  Giang 1), at least 0.5×;
- that ward's tracking book ``/registry/book/<ward>/``, at least 0.25×;
- that ward's member search ``/members/?q=nguyen`` as its clerk, at least 0.25×;

and for every page a p99 latency of at most 150 ms. Beside each: the queries of one
request (the same settings, through the test client in this process) and the workers'
CPU time per request over 20 requests one after another (read from /proc once the
workers are idle), with the bare page's CPU time over it: on a shared machine the
requests a second follow the load of the others, the CPU time much less.

Uses the hagiang-2023 database at ``BENCH_MEMBERS_DATABASE_URL`` when given (SQLite or
PostgreSQL), else seeds one (see _common.py). The accounts it adds (``bench-http-…``)
and their sessions are removed at the end. Needs Debian's ``wrk`` (``make bench-deps``).
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

HERE = Path(__file__).resolve().parent

CONNECTIONS = 16
WORKERS = 2
SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "5"))
P99_TARGET_MS = 150.0
CPU_REQUESTS = 20
BARE = "/_bench/bare/"
_SESSIONS: list[str] = []  # the session keys written here, removed at the end


@dataclass
class Page:
    label: str
    path: str
    cookie: str
    target: float  # the least ratio to the bare page's requests a second
    queries: int = 0
    rps: float = 0.0
    p50: float = 0.0
    p99: float = 0.0
    cpu_ms: float = 0.0  # the workers' CPU time per request
    errors: str = ""


def server_env(url: str) -> dict[str, str]:
    """The environment of the server and of this process: production settings, served
    over plain HTTP on the loopback."""
    return {
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "LIENHE213_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SETTINGS_MODULE": "_http_settings",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    command = [
        c.PYTHON,
        "-m",
        "gunicorn",
        "lienhe213.wsgi:application",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--pythonpath",
        str(HERE),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(  # noqa: S603  (our own interpreter and gunicorn)
        command, env={**os.environ, **env}, cwd=c.ROOT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start within 60 s")


def people() -> tuple[Any, Any]:
    """The largest residential cell and the ward with the most open links."""
    import bench_inbox

    (_l1, cell, _r1), (_l2, ward, _r2) = bench_inbox._people()
    return cell, ward


def session_for(username: str, org: Any, role: str) -> str:
    """A bench account holding ``role`` over ``org``, with a confirmed authenticator
    device, and the key of a signed-in, second-factor-verified session."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lienhe213.accounts.middleware import LAST_ACTIVITY, SESSION_STARTED
    from lienhe213.accounts.models import RoleAssignment, User

    user, _created = User.objects.get_or_create(username=username)
    user.set_unusable_password()
    user.two_factor_enabled = True
    user.save()
    RoleAssignment.objects.get_or_create(user=user, organization=org, role=role)
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SESSION_STARTED] = session[LAST_ACTIVITY] = time.time()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    assert session.session_key is not None
    _SESSIONS.append(session.session_key)
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def remove_accounts() -> None:
    from django.contrib.sessions.models import Session
    from django.db.models import ProtectedError

    from lienhe213.accounts.models import User

    Session.objects.filter(session_key__in=_SESSIONS).delete()
    users = User.objects.filter(username__startswith="bench-http-")
    try:
        users.delete()
    except ProtectedError:  # an audit row names them: deactivate, as the product does
        users.update(is_active=False)
        print("the bench accounts appear in the audit trail: deactivated, not deleted")


def count_queries(page: Page) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    name, value = page.cookie.split("=", 1)
    client.cookies[name] = value
    client.get(page.path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.path)
    if response.status_code != 200:
        raise SystemExit(f"{page.path} answered {response.status_code} in process")
    return len(queries)


def workers_cpu_seconds(server: subprocess.Popen[bytes]) -> float:
    """The CPU time (user and system) the server's workers have used so far: on a
    shared machine, what a request costs whatever the waits for a core."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    ticks = 0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a worker restarted
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def idle(server: subprocess.Popen[bytes]) -> float:
    """Wait until the workers have drained what wrk left queued; their CPU time then."""
    used = workers_cpu_seconds(server)
    while True:
        time.sleep(0.3)
        now = workers_cpu_seconds(server)
        if now - used < 0.01:
            return now
        used = now


def cpu_per_request(server: subprocess.Popen[bytes], port: int, page: Page) -> float:
    """The workers' CPU milliseconds per request over ``CPU_REQUESTS`` requests one
    after another: what the page costs, whatever the load of the machine."""
    used = idle(server)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(CPU_REQUESTS):
        conn.request("GET", page.path, headers={"Cookie": page.cookie})
        conn.getresponse().read()
    conn.close()
    return (idle(server) - used) * 1000 / CPU_REQUESTS


def check(port: int, page: Page) -> None:
    """The page answers 200 over HTTP (not a redirect to the login or the second factor)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", page.path, headers={"Cookie": page.cookie})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        where = response.getheader("Location", "")
        raise SystemExit(f"{page.path} answered {response.status} {where}: {body[:200]!r}")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(port: int, page: Page, seconds: int) -> int:
    done = subprocess.run(  # noqa: S603  (Debian's wrk, found on the PATH)
        [
            shutil.which("wrk") or "wrk",
            "--threads",
            "1",
            "--connections",
            str(CONNECTIONS),
            "--duration",
            f"{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "--header",
            f"Cookie: {page.cookie}",
            f"http://127.0.0.1:{port}{page.path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout
    page.rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    page.p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    page.p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    problems = re.findall(r"(Non-2xx or 3xx responses: \d+|Socket errors: .*)", out)
    page.errors = "; ".join(problems)
    return int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]


def load() -> str:
    return ", ".join(f"{n:.1f}" for n in os.getloadavg())


def run(url: str) -> None:
    env = server_env(url)
    os.environ.update(env)
    sys.path.insert(0, str(c.ROOT))
    import django

    django.setup()
    from lienhe213.accounts.models import Role

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: make bench-deps (Debian's wrk)")
    cell, ward = people()
    try:
        secretary = session_for("bench-http-secretary", cell, Role.CELL_SECRETARY)
        clerk = session_for("bench-http-clerk", ward, Role.COMMUNE_CLERK)
        pages = [
            Page("bare page", BARE, clerk, 0.0),
            Page("cell secretary's home", "/", secretary, 0.5),
            Page("commune clerk's inbox", "/", clerk, 0.5),
            Page("tracking book", f"/registry/book/{ward.pk}/", clerk, 0.25),
            Page("member search", "/members/?q=nguyen", clerk, 0.25),
            Page("bare page, again", BARE, clerk, 0.0),
        ]
        for page in pages:
            page.queries = count_queries(page)
        port = free_port()
        server = start_server(env, port)
        try:
            for page in pages:
                check(port, page)
                # Both workers warm (templates, translations, plans), and the previous
                # page's queued requests drained before the measured run.
                wrk(port, page, 2)
                wrk(port, page, SECONDS)
                page.cpu_ms = cpu_per_request(server, port, page)
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        remove_accounts()
    report(url, cell, ward, pages)


def report(url: str, cell: Any, ward: Any, pages: list[Page]) -> None:
    engine = "PostgreSQL" if c.is_postgres(url) else "SQLite"
    c.title(
        f"HTTP on {engine}: gunicorn, {WORKERS} sync workers, DEBUG off; wrk, "
        f"{CONNECTIONS} connections, {SECONDS} s a page"
    )
    print(f"cell: {cell.name}; ward: {ward.name} (pk {ward.pk})")
    bare = (pages[0].rps + pages[-1].rps) / 2
    bare_cpu = (pages[0].cpu_ms + pages[-1].cpu_ms) / 2
    print(
        f"{'page':24} {'queries':>7} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'ratio':>6} {'target':>7}  {'CPU ms':>6} {'CPU ratio':>9}  verdict"
    )
    failed = 0
    for page in pages:
        ratio = page.rps / bare if bare else 0.0
        cpu_ratio = bare_cpu / page.cpu_ms if page.cpu_ms else 0.0
        ok = ratio >= page.target and page.p99 <= P99_TARGET_MS and not page.errors
        failed += not ok
        target = f"≥{page.target:.2f}" if page.target else ""
        verdict = "ok" if ok else "OVER"
        print(
            f"{page.label:24} {page.queries:7} {page.rps:7.0f} {page.p50:7.1f} {page.p99:7.1f} "
            f"{ratio:6.2f} {target:>7}  {page.cpu_ms:6.1f} {cpu_ratio:9.2f}  {verdict} "
            f"{page.errors}"
        )
    print(
        f"targets: the ratio to the bare page as shown, p99 at most {P99_TARGET_MS:.0f} ms: "
        f"{'all met' if not failed else f'{failed} missed'} (load average {load()})"
    )
    print(
        "CPU ms: the workers' CPU time per request, over "
        f"{CPU_REQUESTS} requests one after another (the database server's own is not "
        "counted); CPU ratio: the bare page's CPU time over the page's, the ratio the "
        "requests a second would have on an otherwise idle machine"
    )


def main() -> None:
    with c.hagiang_database("http") as url:
        run(url)


if __name__ == "__main__":
    main()
