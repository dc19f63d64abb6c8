"""``manage.py restore PATH [--database-url URL] [--media-root DIR]``: restore a backup
made by ``manage.py backup`` into an empty database, the configured one or the one
``--database-url`` names, and its media files into an empty folder, ``MEDIA_ROOT`` or the
one ``--media-root`` names; see ``core.backups``. Stop the web server and the worker
first when restoring into the database they use.
"""

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from lienhe213.core.backups import BackupError, restore_backup


class Command(BaseCommand):
    # Marked here, translated when the parser is built (argparse wants str, not lazy).
    help = gettext_noop(
        "Restore a backup into an empty database and an empty media folder, and check every "
        "table's rows and every file against its manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = _(self.help)
        parser.add_argument("path", type=Path, help=_("The backup file (lienhe213-….tar)."))
        parser.add_argument(
            "--database-url",
            default=None,
            help=_(
                "Restore into this empty database instead of the configured one, e.g. "
                "postgres://user@127.0.0.1:5432/lienhe213_restored or "
                "sqlite:////tmp/restored.sqlite3."
            ),
        )

        parser.add_argument(
            "--media-root",
            type=Path,
            default=None,
            help=_(
                "Restore the media files into this new or empty folder instead of "
                "MEDIA_ROOT (LIENHE213_MEDIA_ROOT, or var/media)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        database: dict[str, Any] | None = None
        if options["database_url"]:
            try:
                database = dict(dj_database_url.parse(options["database_url"]))
            except ValueError as err:
                raise CommandError(
                    _("This is not a database URL: %(error)s") % {"error": err}
                ) from err
        try:
            restored = restore_backup(
                options["path"], database=database, media_root=options["media_root"]
            )
        except BackupError as err:
            raise CommandError(str(err)) from err
        self.stdout.write(
            _(
                "Restored the backup of %(created)s: %(tables)s tables, %(rows)s rows, "
                "each table as in its manifest."
            )
            % {
                "created": restored.manifest["created_at"],
                "tables": restored.tables,
                "rows": restored.rows,
            }
        )
        if restored.media_root is not None:
            self.stdout.write(
                ngettext(
                    "Restored %(count)s media file into %(path)s, as in its manifest.",
                    "Restored %(count)s media files into %(path)s, each as in its manifest.",
                    restored.media_files,
                )
                % {"count": restored.media_files, "path": restored.media_root}
            )
        missing: list[str] = restored.manifest.get("media_missing", [])
        if missing:
            self.stderr.write(
                ngettext(
                    "Warning: %(count)s file the database names was not in the media folder "
                    "when the backup was made: %(names)s",
                    "Warning: %(count)s files the database names were not in the media "
                    "folder when the backup was made: %(names)s",
                    len(missing),
                )
                % {"count": len(missing), "names": ", ".join(missing)}
            )
        if restored.pending_migrations:
            self.stdout.write(
                ngettext(
                    "This version has %(count)s migration the backup had not applied: "
                    "run manage.py migrate.",
                    "This version has %(count)s migrations the backup had not applied: "
                    "run manage.py migrate.",
                    restored.pending_migrations,
                )
                % {"count": restored.pending_migrations}
            )
