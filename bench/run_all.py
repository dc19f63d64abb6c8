"""Run every benchmark in turn (``make bench``)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script in (
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
):
    print(f"\n######## {script}", flush=True)
    subprocess.run([sys.executable, str(HERE / script)], check=True)  # noqa: S603
