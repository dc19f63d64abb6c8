"""Shared helpers for the benchmark scripts: scratch databases, timing, printing.

Every script runs on a scratch database: a SQLite file in a temporary directory, or,
when ``DATABASE_URL`` names a PostgreSQL server, fresh databases created on that server
(named after the given one with a suffix) and dropped at the end.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# The benchmarks run the development settings, as `make bench` does.
os.environ.setdefault("DJANGO_DEBUG", "1")

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MANAGE = str(ROOT / "manage.py")


def base_url() -> str | None:
    return os.environ.get("DATABASE_URL") or None


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


@contextmanager
def postgres_database(url: str, name: str, template: str = "") -> Iterator[str]:
    """Yield the URL of a new database ``name`` on ``url``'s PostgreSQL server (a copy of
    the database ``template`` when given); drop it afterwards."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_database(label: str) -> Iterator[str]:
    """Yield the URL of a new, empty database; remove it afterwards."""
    url = base_url()
    if url and is_postgres(url):
        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/') or 'lienhe213'}_bench_{label}_{uuid.uuid4().hex[:6]}"
        with postgres_database(url, name) as created:
            yield created
        return
    if url:
        raise SystemExit("DATABASE_URL must be a PostgreSQL URL (or unset for SQLite)")
    with tempfile.TemporaryDirectory(prefix="lienhe213-bench-") as tmp:
        yield f"sqlite:///{Path(tmp) / f'{label}.sqlite3'}"


@contextmanager
def hagiang_database(label: str) -> Iterator[str]:
    """Yield the URL of a database holding the hagiang-2023 preset: the one named by
    ``BENCH_MEMBERS_DATABASE_URL`` (left as it is), or a scratch one seeded here."""
    given = os.environ.get("BENCH_MEMBERS_DATABASE_URL")
    if given:
        yield given
        return
    with scratch_database(label) as url:
        title("seeding hagiang-2023 (set BENCH_MEMBERS_DATABASE_URL to reuse a database)")
        migrate(url)
        print("\n".join(manage(url, "seed_demo", "--preset", "hagiang-2023").splitlines()[:2]))
        yield url


def manage(url: str, *args: str) -> str:
    """Run a management command against ``url`` in a subprocess; return its output."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "lienhe213.settings"}
    done = subprocess.run(  # noqa: S603  (our own interpreter and manage.py)
        [PYTHON, MANAGE, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def migrate(url: str) -> None:
    manage(url, "migrate", "-v0")


def median_ms(action: Callable[[], object], repeat: int = 30, warmup: int = 2) -> float:
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def connect(url: str):  # type: ignore[no-untyped-def]
    """A DB-API connection (sqlite3 or psycopg) for raw baselines."""
    if is_postgres(url):
        import psycopg

        return psycopg.connect(url)
    import sqlite3

    conn = sqlite3.connect(sqlite_path(url), isolation_level=None)
    # The same pragmas the application sets (lienhe213/settings.py).
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def placeholder(url: str) -> str:
    return "%s" if is_postgres(url) else "?"


def title(text: str) -> None:
    print(f"\n== {text}")
