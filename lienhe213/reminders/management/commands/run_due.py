"""``manage.py run_due``: the reminder run, meant for cron or a systemd timer every few
minutes (README, "Reminders and background work"; ADR 0006)."""

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lienhe213.core import audit
from lienhe213.reminders import services


class Command(BaseCommand):
    help = (
        "Escalate overdue notices and comment requests, notify the people concerned by what "
        "is due, enqueue the daily e-mail digests, and seal the new audit rows into the "
        "audit chain. Idempotent: safe to run every few minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--on", help="the day to run for, YYYY-MM-DD (default: today; digests always run)"
        )
        parser.add_argument(
            "--no-digests", action="store_true", help="notify in the app only, send no e-mail"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["on"]:
            try:
                on = datetime.date.fromisoformat(options["on"])
            except ValueError as exc:
                raise CommandError(f"--on: not a date: {options['on']}") from exc
            digests = True
        else:
            on = timezone.localdate()
            # The digests wait for the morning, so that the day's reminders are in them.
            digests = timezone.localtime().hour >= settings.DIGEST_HOUR
        summary = services.run_due(on=on, digests=digests and not options["no_digests"])
        # The audit rows written since the last run join the hash chain (ADR 0012).
        sealed = audit.seal_audit()
        self.stdout.write(
            f"run_due {on.isoformat()}: {summary.line()}; audit rows sealed: {sealed}"
        )
