"""``manage.py check_book [--date YYYY-MM-DD]``: the reconciliation of the whole book.

Prints the count and the first ids of each kind of problem, and the background batches
abandoned by a stopped worker. Exits with status 1 when an
invariant that must never break is broken (a member with more than one open link, an
open link without a commune committee): the database forbids both, so such rows were
written around the application and need a person to look at them. The other findings
are worklists for the two sides and do not fail the command.
"""

import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lienhe213.registry.reconciliation import reconcile

SHOWN = 10


def _abandoned_work() -> dict[str, list[int]]:
    """Background batches that say they run but whose worker stopped (core.leases);
    ``run_due`` fails them, and until then they are reported here."""
    from lienhe213.documents.models import DocumentBatch
    from lienhe213.imports.models import ImportBatch

    return {
        "abandoned letter batches": list(
            DocumentBatch.objects.abandoned().order_by("pk").values_list("pk", flat=True)
        ),
        "abandoned imports": list(
            ImportBatch.objects.abandoned().order_by("pk").values_list("pk", flat=True)
        ),
    }


class Command(BaseCommand):
    help = "Reconcile the tracking book and report members lost or stuck."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="The date to reconcile at (YYYY-MM-DD); today by default.",
        )

    def _abandoned(self) -> None:
        for kind, ids in _abandoned_work().items():
            shown = ", ".join(str(pk) for pk in ids[:SHOWN])
            self.stdout.write(f"{kind}: {len(ids)}" + (f" ({shown})" if ids else ""))

    def handle(self, *args: Any, **options: Any) -> None:
        on: datetime.date = options["date"] or timezone.localdate()
        check = reconcile(on=on)
        self.stdout.write(f"Tracking book on {on.isoformat()}")
        for finding in check.findings.values():
            line = f"{finding.kind}: {finding.count}"
            if finding.ids:
                shown = ", ".join(str(pk) for pk in finding.ids[:SHOWN])
                more = " …" if finding.count > SHOWN else ""
                line += f" ({finding.object_type} {shown}{more})"
            self.stdout.write(line)
        self._abandoned()
        broken = check.broken_invariants
        if broken:
            raise CommandError(
                "broken invariants: " + ", ".join(f"{f.kind} ({f.count})" for f in broken),
                returncode=1,
            )
        self.stdout.write("No invariant broken.")
