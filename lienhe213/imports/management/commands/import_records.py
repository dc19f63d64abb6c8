"""``manage.py import_records --kind members --organization ID FILE [--commit]``: check
a spreadsheet (and with ``--commit``, import it) through the same services as the
pages, printing the counts and the rejected rows."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lienhe213.core.errors import DomainError
from lienhe213.imports import services
from lienhe213.imports.models import ImportBatch, ImportRow
from lienhe213.organizations.models import Organization


class Command(BaseCommand):
    help = "Check (and with --commit, import) a spreadsheet of organizations, members or links."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", required=True, choices=ImportBatch.Kind.values)
        parser.add_argument("--organization", required=True, type=int)
        parser.add_argument("--commit", action="store_true", help="write the accepted rows")
        parser.add_argument(
            "--all-or-nothing", action="store_true", help="refuse to write if any row is rejected"
        )
        parser.add_argument(
            "--user", help="the account the import is recorded for (default: a superuser)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects.filter(is_active=True)
        user = (
            users.filter(username=options["user"]).first()
            if options["user"]
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError("No such active account (use --user USERNAME).")
        organization = Organization.objects.filter(pk=options["organization"]).first()
        if organization is None:
            raise CommandError("No organization with this id.")
        path: Path = options["file"]
        try:
            batch = services.start_import(
                by=user,
                kind=options["kind"],
                organization=organization,
                file_name=path.name,
                content=path.read_bytes(),
                all_or_nothing=options["all_or_nothing"],
                background=False,
            )
            batch = services.run_check(batch_id=batch.pk)
            self._report(batch)
            if batch.status == ImportBatch.Status.FAILED:
                raise CommandError(batch.error)
            if options["commit"]:
                services.commit_import(by=user, batch=batch, background=False)
                batch = services.run_commit(batch_id=batch.pk)
                if batch.status != ImportBatch.Status.DONE:
                    raise CommandError(batch.error or batch.get_status_display())
                self.stdout.write(f"imported: import {batch.pk} is {batch.get_status_display()}")
        except OSError as err:
            raise CommandError(str(err)) from err
        except DomainError as err:
            raise CommandError(str(err)) from err

    def _report(self, batch: ImportBatch) -> None:
        counts = " ".join(
            f"{key}={batch.count(key)}"
            for key in ("rows", "new", "update", "unchanged", "rejected")
        )
        self.stdout.write(f"import {batch.pk}: {counts}")
        rejected = ImportRow.objects.filter(batch=batch, outcome=ImportRow.Outcome.REJECTED)
        for number, reasons in rejected.order_by("number").values_list("number", "reasons")[:50]:
            self.stdout.write(f"  row {number}: {'; '.join(reasons)}")
