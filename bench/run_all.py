"""Run every benchmark in turn (``make bench``); on PostgreSQL (``DATABASE_URL``), the
year-end peak under load (``bench_peak.py``, which needs PostgreSQL and Redis) last."""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

SCRIPTS = [
    "bench_seed.py",
    "bench_members.py",
    "bench_tree.py",
    "bench_registry.py",
    "bench_reminders.py",
    "bench_comments.py",
    "bench_inbox.py",
    "bench_http.py",
    "bench_reports.py",
    "bench_documents.py",
    "bench_import.py",
]
if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    SCRIPTS.append("bench_peak.py")

for script in SCRIPTS:
    print(f"\n######## {script}", flush=True)
    subprocess.run([sys.executable, str(HERE / script)], check=True)  # noqa: S603
