"""``manage.py summaries [--rebuild] [--check]``: the counts the reports read (ADR 0022).

``--rebuild`` computes every count from the rows and replaces the stored ones (once
after upgrading a database from before them, and after writing rows around the
services). ``--check`` computes them again and compares: exits with status 1 and
prints the first differences when the stored counts do not equal the rows. Without an
option, prints whether the counts are built and how many rows they hold.
"""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lienhe213.reports import summaries
from lienhe213.reports.models import Tally, TallyState

SHOWN = 10


class Command(BaseCommand):
    help = "Build or check the counts the reports read."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Recompute every count.")
        parser.add_argument(
            "--check", action="store_true", help="Compare the stored counts with the rows."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            started = time.perf_counter()
            written = summaries.rebuild()
            self.stdout.write(f"Rebuilt {written} counts in {time.perf_counter() - started:.1f} s.")
        if options["check"]:
            if not summaries.built():
                raise CommandError("The counts are not built: run with --rebuild.")
            differences = summaries.differences()
            for (org, year, side, figure), (have, want) in sorted(differences.items())[:SHOWN]:
                self.stdout.write(
                    f"organization {org}, {year}, side {side}, {figure}: "
                    f"stored {have}, from the rows {want}"
                )
            if differences:
                raise CommandError(f"{len(differences)} counts differ from the rows.")
            self.stdout.write("The counts equal the rows.")
        if not options["rebuild"] and not options["check"]:
            state = TallyState.objects.first()
            if state is None:
                self.stdout.write("The counts are not built: run with --rebuild.")
            else:
                self.stdout.write(
                    f"{Tally.objects.count()} counts, built {state.built_at:%Y-%m-%d %H:%M}."
                )
