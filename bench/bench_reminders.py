"""The reminder command at the size of a province (hagiang-2023): ``run_due`` once on a
freshly seeded database (cold: every escalation and notification is new) and once more
(the idempotent re-run every cron tick makes), each with its time and number of queries;
then the database worker sending the digests it enqueued (to Django's in-memory mail
outbox). Target: each run under 30 s on SQLite.

The demo preset has six accounts; a deployed province has one for every committee. So
that the runs notify (and the worker mails) at that scale, the benchmark first gives an
account to every residential cell (its secretary), every commune committee (its clerk)
and every workplace grassroots organization (its officer).

Uses the hagiang-2023 database at ``BENCH_MEMBERS_DATABASE_URL`` when given (as
``bench_registry.py`` does), else seeds one in a scratch database (see _common.py; with
``DATABASE_URL=postgres://...`` on that server). A given database keeps what the runs
wrote (notifications, digests, escalations), so its second use starts warm.
"""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

TARGET_SECONDS = 30


def timed_run_due(label: str, on: str) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        call_command("run_due", "--on", on, stdout=out)
        seconds = time.perf_counter() - started
    verdict = "ok" if seconds < TARGET_SECONDS else "OVER TARGET"
    print(f"{label:<8} {seconds:7.2f} s {len(queries):6d} queries  {verdict}")
    print(f"         {out.getvalue().strip()}")


def staff_every_committee() -> int:
    """One account per committee that acts on reminders, as a deployed province has."""
    from django.db import transaction

    from lienhe213.accounts.models import Role, RoleAssignment, User
    from lienhe213.organizations.models import Organization

    if User.objects.filter(username__startswith="bench-").exists():
        return 0
    committees = Organization.objects.current().filter(kind__in=Organization.GRASSROOTS_KINDS)
    roles = [
        (org.pk, Role.COMMUNE_CLERK if org.side == "residential" else Role.WORKPLACE_OFFICER)
        for org in committees.only("pk", "side")
    ]
    cells = Organization.objects.current().filter(kind="cell", side="residential")
    roles += [(pk, Role.CELL_SECRETARY) for pk in cells.values_list("pk", flat=True)]
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(username=f"bench-{pk}", email=f"bench-{pk}@example.org", password="!")
            for pk, _role in roles
        )
        if not all(u.pk for u in users):  # backends that do not return ids
            users = list(User.objects.filter(username__startswith="bench-").order_by("pk"))
        by_name = {u.username: u for u in users}
        RoleAssignment.objects.bulk_create(
            RoleAssignment(user=by_name[f"bench-{pk}"], organization_id=pk, role=role)
            for pk, role in roles
        )
    return len(roles)


def run(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe213.settings")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["TASKS_BACKEND"] = "database"
    sys.path.insert(0, str(c.ROOT))
    import django

    django.setup()
    from django.core import mail
    from django.core.management import call_command
    from django.utils import timezone

    from lienhe213.accounts.models import User
    from lienhe213.reminders.models import Notification

    mail.outbox = []
    # Demo accounts have no address; give every account one so the digests are real.
    User.objects.filter(email="").update(email="demo@example.org")
    staffed = staff_every_committee()
    print(f"accounts added for the committees: {staffed}")
    on = timezone.localdate().isoformat()
    c.title(f"run_due --on {on} over hagiang-2023 (target < {TARGET_SECONDS} s each)")
    timed_run_due("cold", on)
    timed_run_due("re-run", on)
    started = time.perf_counter()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    seconds = time.perf_counter() - started
    print(f"worker   {seconds:7.2f} s, {len(mail.outbox)} digests sent")
    print(f"notifications in the database: {Notification.objects.count()}")


def main() -> None:
    with c.hagiang_database("reminders") as url:
        run(url)


if __name__ == "__main__":
    main()
