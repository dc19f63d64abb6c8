"""``manage.py verify_audit``: seal the audit rows written since the last run, then check
the whole hash chain (ADR 0012). Meant for cron, e.g. nightly; exits non-zero, naming the
first broken ``seq``, when a row was changed, deleted or moved behind the application's
back."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lienhe213.core import audit


class Command(BaseCommand):
    # Marked here, translated when the parser is built (argparse wants str, not lazy).
    help = gettext_noop(
        "Seal pending audit rows, then recompute the audit trail's hash chain and report "
        "the first row that was changed, deleted or reordered (exit status 1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = _(self.help)
        parser.add_argument(
            "--chunk",
            type=int,
            default=2000,
            help=_("Rows read per query (default: 2000)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chunk"] < 1:
            raise CommandError(_("--chunk must be at least 1."))
        check = audit.verify_chain(chunk=options["chunk"])
        if not check.ok:
            raise CommandError(
                _("The audit chain is broken after %(rows)s intact rows: %(problem)s")
                % {"rows": check.rows, "problem": check.message()}
            )
        self.stdout.write(check.message())
