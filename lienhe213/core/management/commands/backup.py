"""``manage.py backup [--output DIR] [--keep N]``: write a backup of the database and
the media folder (the whole state of lienhe213) as one archive with a manifest; see
``core.backups``.

From cron, once a night; the command exits with status 1 and a message when the backup
could not be made, so cron's mail reports it. Files the database names that are not in
the media folder do not fail the backup: a warning on the error output lists them (they
are in the manifest's ``media_missing`` too).
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from lienhe213.core.backups import (
    BackupError,
    create_backup,
    default_backup_dir,
    prune_backups,
    read_manifest,
)


class Command(BaseCommand):
    # Marked here, translated when the parser is built (argparse wants str, not lazy).
    help = gettext_noop(
        "Back up the database and the media folder (uploaded files and generated documents "
        "included) into one archive with a manifest of checksums and row counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = _(self.help)
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help=_(
                "The folder to write the backup into (default: LIENHE213_BACKUP_DIR, "
                "or var/backups)."
            ),
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help=_(
                "After a successful backup, keep only this many of the newest backups in "
                "the folder."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["output"] or default_backup_dir()
        keep: int | None = options["keep"]
        if keep is not None and keep < 1:
            raise CommandError(_("--keep must be at least 1."))
        try:
            path = create_backup(directory)
            manifest = read_manifest(path)
            removed = prune_backups(directory, keep=keep) if keep else []
        except BackupError as err:
            raise CommandError(str(err)) from err
        except OSError as err:
            raise CommandError(str(err)) from err
        self.stdout.write(
            _(
                "Backup written: %(path)s (%(size)s, %(tables)s tables, %(rows)s rows, "
                "%(files)s media files)."
            )
            % {
                "path": path,
                "size": filesizeformat(path.stat().st_size),
                "tables": len(manifest["tables"]),
                "rows": sum(manifest["tables"].values()),
                "files": len(manifest["media"]),
            }
        )
        missing: list[str] = manifest["media_missing"]
        if missing:
            self.stderr.write(
                ngettext(
                    "Warning: %(count)s file the database names is not in the media folder "
                    "and is not in the backup: %(names)s",
                    "Warning: %(count)s files the database names are not in the media folder "
                    "and are not in the backup: %(names)s",
                    len(missing),
                )
                % {"count": len(missing), "names": ", ".join(missing)}
            )
        for old in removed:
            self.stdout.write(_("Deleted the older backup %(path)s.") % {"path": old})
