"""``manage.py apply_retention [--dry-run] [--date YYYY-MM-DD]``: the retention policies
of personal data (``members.retention``), for cron, e.g. weekly::

    15 3 * * 0 cd /srv/lienhe213 && .venv/bin/python manage.py apply_retention

Prints each policy's cutoff and count in the system's language. The run is audited; a
dry run only counts and writes nothing. Runs again safely: what was done is not done
twice.
"""

import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from lienhe213.members.retention import apply_retention


class Command(BaseCommand):
    help = "Apply the retention policies of personal data (anonymise, remove, expire)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what is due without changing anything.",
        )
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="The day the policies are applied as of (YYYY-MM-DD); today by default.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = apply_retention(today=options["date"], dry_run=options["dry_run"])
        for policy, count in report.lines():
            cutoff = report.cutoffs[policy.key].strftime("%d/%m/%Y")
            self.stdout.write(
                _("%(policy)s: %(count)s (before %(cutoff)s)")
                % {"policy": policy.label, "count": count, "cutoff": cutoff}
            )
        if report.dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
