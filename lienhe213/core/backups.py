"""Backups of the whole state of lienhe213 and their restore into an empty database.

The state is the database and the media folder. Uploaded import files are kept in
``imports.ImportBatch.content`` and the generated letter batches in
``documents.DocumentBatch`` (``pdf``, ``archive``); issued documents are rendered again from
their rows. The files uploaded through Django's storage (training materials,
``training.TrainingMaterial.file``) are under ``MEDIA_ROOT`` (``LIENHE213_MEDIA_ROOT``),
and a backup holds every file found there.

A backup is one uncompressed tar file, ``lienhe213-YYYYMMDD-HHMMSS.tar`` (local time),
readable without lienhe213:

- ``manifest.json``, first, so that ``tar -xOf FILE manifest.json`` shows it: the format
  and its version, when the backup was made, the engine, the versions of lienhe213,
  Django and the database, the latest migration applied per app, every other file with
  its size and SHA-256, and the rows of every table; since format version 2 also every
  media file (``media``: its path under ``MEDIA_ROOT``, size and SHA-256) and the files
  the database names that were not in the media folder (``media_missing``);
- ``database.dump`` on PostgreSQL: ``pg_dump --format=custom`` (compressed), taken in the
  same snapshot as the manifest's row counts (``pg_export_snapshot``), or
  ``database.sqlite3`` on SQLite: a copy made with SQLite's online backup API, checked
  with ``PRAGMA integrity_check``; the web server and the worker may keep running;
- ``media/…``: every regular file under ``MEDIA_ROOT`` (links, sockets and devices are
  not files Django's storage writes, and are left out), read after the database was
  copied and streamed into the archive, never read whole into memory.

The media folder is read after the database's snapshot: a material added meanwhile has
its file written before its row is committed, so the only file a row of the snapshot can
lack is one removed during the backup, or lost from disk before it. The backup checks
every file field of every model (``training.TrainingMaterial.file`` today, found through
the app registry so that ``core`` imports no domain app) against the files it archived.
A file the database names but the folder lacks is **a warning, not a failure**: it is
listed in the manifest (``media_missing``) and by ``manage.py backup`` and ``restore``.
Refusing the backup would not bring the file back, and would leave the night without any
backup at all — every night, until someone repairs the row; the warning names the files
to recover from an older backup.

A restore goes into an empty database only, so that it never overwrites anything. It
checks everything it can before touching the target (a readable archive of a known
format version, the target's engine, the checksums, migrations this version knows, an
empty target) and refuses with a translated message, having changed nothing; then it
restores (``pg_restore --single-transaction``, or the backup API) and compares the rows of
every table with the manifest. Backups of format version 1 (the database alone) are
still restored, and leave the media folder alone.

A backup of format version 2 restores its media files too, into ``MEDIA_ROOT`` or the
folder given, which must be missing or empty. Before the target database or folder is
touched, the restore refuses a member whose path leaves the media folder (absolute, ``..``,
not in its plain form) or is not a regular file (a link, a device: tar-slip), a file the
manifest lists but the archive lacks or the reverse, and a size that differs. The files
are written, each checked against its SHA-256, into a hidden folder beside the target
before the database is restored, and that folder is renamed to the target once the
database is restored and checked; any failure removes it (and the parent folders the
restore made), so no half-written media folder is ever left.
"""

import datetime
import errno
import hashlib
import importlib.metadata
import io
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import django
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db import Error as DjangoDatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.utils import ConnectionHandler
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "lienhe213-backup"
FORMAT_VERSION = 2
# Version 1 is the database alone (no media files); it is still restored.
READABLE_VERSIONS = (1, 2)
MEDIA_PREFIX = "media/"
MANIFEST = "manifest.json"
DATA_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ARCHIVE_NAME = re.compile(r"^lienhe213-(\d{8}-\d{6})(?:-(\d+))?\.tar$")
# Written into every manifest for whoever opens the archive years later; a record of the
# file, in English like the rest of its keys, not a message to a user.
CONTENTS = (
    "The state of lienhe213 is its database and its media folder: uploaded import files "
    "(imports.ImportBatch.content) and generated documents (documents.DocumentBatch.pdf, "
    ".archive) are stored in the database; the files uploaded through Django's storage "
    "(training.TrainingMaterial.file) are the members under media/, listed in 'media' "
    "with their path under MEDIA_ROOT. 'media_missing' lists the files the database "
    "names that were not in the media folder when the backup was made."
)
MANIFEST_LIMIT = 64 * 1024 * 1024
CHUNK = 1024 * 1024
SHOWN = 5
# Connection options Django passes to libpq, and the variables pg_dump and pg_restore
# read them from: the password and the rest never appear on a command line.
PG_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "options": "PGOPTIONS",
}


class BackupError(Exception):
    """A backup or a restore that cannot be done, with a translated message saying why.

    Every refusal of a restore happens before the target database is touched; only the
    final comparison with the manifest can fail after it was written, and says so.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Restored:
    """What a restore wrote: the backup's manifest, the tables and rows checked against
    it, how many migrations of this version the restored database still lacks, and the
    media files written into ``media_root`` (None for a backup without media)."""

    manifest: dict[str, Any]
    tables: int
    rows: int
    pending_migrations: int
    media_files: int = 0
    media_root: Path | None = None


@dataclass(frozen=True)
class _State:
    """The database as the backup saw it: rows per table, the latest migration applied
    per app, the server's version, and the media files its rows name."""

    tables: dict[str, int]
    migrations: dict[str, str]
    server_version: str
    file_references: frozenset[str]


def default_backup_dir() -> Path:
    """``LIENHE213_BACKUP_DIR``, or ``var/backups`` beside the SQLite database: a folder
    git ignores, since a backup holds personal data."""
    configured = os.environ.get("LIENHE213_BACKUP_DIR", "").strip()
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "backups"


# -- backup ------------------------------------------------------------------------------


def create_backup(destination_dir: Path | str, *, using: str = DEFAULT_DB_ALIAS) -> Path:
    """Write a backup of the database ``using`` and of the files under ``MEDIA_ROOT``
    into ``destination_dir`` (created, private to its owner, when missing) and return
    the archive's path.

    The archive appears under its final name only once it is complete, so a backup that
    failed half-way never looks like one. A file the database names that is not in the
    media folder does not fail the backup: it is listed in the manifest's
    ``media_missing`` (see the module's docstring). Raises ``BackupError``.
    """
    connection = connections[using]
    engine = connection.vendor
    if engine not in DATA_FILES:
        raise BackupError(
            _("Backups support PostgreSQL and SQLite, not %(engine)s.") % {"engine": engine}
        )
    if connection.in_atomic_block:
        raise BackupError(_("A backup cannot be made inside a database transaction."))
    destination = Path(destination_dir)
    media_root = Path(settings.MEDIA_ROOT)
    created = timezone.now()
    try:
        destination.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".lienhe213-backup-", dir=destination) as work:
            data = Path(work) / DATA_FILES[engine]
            if engine == "postgresql":
                state = _dump_postgresql(connection.settings_dict, data)
            else:
                state = _copy_sqlite(connection, data)
            size, digest = _measure(data)
            media = _media_files(media_root)
            archived = {entry["path"] for entry in media}
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": timezone.localtime(created).isoformat(),
                "engine": engine,
                "app_version": _app_version(),
                "django_version": django.get_version(),
                "server_version": state.server_version,
                "contents": CONTENTS,
                "migrations": state.migrations,
                "files": [{"name": data.name, "size": size, "sha256": digest}],
                "tables": state.tables,
                "media": media,
                "media_missing": sorted(state.file_references - archived),
            }
            partial = Path(work) / "archive.tar"
            _write_archive(partial, manifest, data, media_root, created.timestamp())
            return _publish(partial, destination, timezone.localtime(created))
    except OSError as err:
        raise BackupError(
            _("The backup could not be written to %(path)s: %(error)s")
            % {"path": destination, "error": err.strerror or err}
        ) from err


def _dump_postgresql(settings_dict: Mapping[str, Any], target: Path) -> _State:
    """``pg_dump`` in the snapshot the row counts were read in, through a connection of
    its own (so an open transaction of the caller neither leaks in nor blocks it)."""
    pg_dump = _program("pg_dump")
    wrapper = _wrapper(settings_dict)
    try:
        wrapper.ensure_connection()
        wrapper.set_autocommit(False)
        with wrapper.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            tables, migrations = _read_state(cursor, "postgresql")
            references = _file_references(cursor, tables)
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                ],
                env=_pg_environment(settings_dict),
            )
        wrapper.rollback()
    except DjangoDatabaseError as err:
        raise BackupError(_("The database could not be read: %(error)s") % {"error": err}) from err
    finally:
        wrapper.close()
    return _State(
        tables=tables,
        migrations=migrations,
        server_version=str(server_version),
        file_references=references,
    )


def _copy_sqlite(connection: BaseDatabaseWrapper, target: Path) -> _State:
    """SQLite's online backup API from the live connection (which also reaches an
    in-memory database), in one step: a consistent copy while others keep writing. The
    copy is a standalone file (no write-ahead log) and is checked before it is kept;
    the manifest's counts are read from the copy itself."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        with connection.wrap_database_errors:
            connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        (check,) = copy.execute("PRAGMA integrity_check").fetchone()
        if check != "ok":
            raise BackupError(
                _("The copy of the SQLite database failed its integrity check: %(error)s")
                % {"error": check}
            )
        tables, migrations = _read_state(copy.cursor(), "sqlite")
        references = _file_references(copy.cursor(), tables)
    except (sqlite3.Error, DjangoDatabaseError) as err:
        raise BackupError(_("The database could not be read: %(error)s") % {"error": err}) from err
    finally:
        copy.close()
    return _State(
        tables=tables,
        migrations=migrations,
        server_version=sqlite3.sqlite_version,
        file_references=references,
    )


def _file_references(cursor: Any, tables: Mapping[str, int]) -> frozenset[str]:
    """The names every file field of every installed model holds (the files its rows
    say are in the media folder), read through ``cursor`` in the backup's snapshot."""
    names: set[str] = set()
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table not in tables:
            continue
        for field in meta.local_concrete_fields:
            if isinstance(field, models.FileField):
                column = _quote(field.column)
                # Table and column names come from the models and are quoted.
                cursor.execute(
                    f"SELECT {column} FROM {_quote(meta.db_table)}"  # noqa: S608
                    f" WHERE {column} IS NOT NULL AND {column} <> ''"
                )
                names.update(str(name) for (name,) in cursor.fetchall())
    return frozenset(names)


def _media_files(root: Path) -> list[dict[str, Any]]:
    """Every regular file under ``root`` (none when it does not exist), by path in POSIX
    form, with its size and SHA-256, each read in chunks. Links are not followed."""
    if not root.exists():
        return []
    if not root.is_dir():
        raise BackupError(_("The media folder %(path)s is not a folder.") % {"path": root})

    def fail(err: OSError) -> None:
        raise err

    found: list[dict[str, Any]] = []
    for directory, folders, files in os.walk(root, onerror=fail):
        folders.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if not stat.S_ISREG(path.lstat().st_mode):
                continue
            relative = path.relative_to(root).as_posix()
            try:
                relative.encode()
            except UnicodeEncodeError as err:
                raise BackupError(
                    _("The media file %(path)s has a name that is not UTF-8; rename it.")
                    % {"path": path}
                ) from err
            size, digest = _measure(path)
            found.append({"path": relative, "size": size, "sha256": digest})
    return found


class _HashingReader:
    """A file read by ``tarfile`` that hashes what it hands over."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        return chunk


def _write_archive(
    path: Path, manifest: dict[str, Any], data: Path, media_root: Path, mtime: float
) -> None:
    """The manifest first, then the database file, then the media files, each streamed
    and each media file hashed again as it is written: a file changed since it was
    measured for the manifest fails the backup rather than contradict it."""
    encoded = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        tar.addfile(_member(MANIFEST, len(encoded), mtime), io.BytesIO(encoded))
        with data.open("rb") as stream:
            tar.addfile(_member(data.name, data.stat().st_size, mtime), stream)
        for entry in manifest["media"]:
            source = media_root / entry["path"]
            try:
                stream = source.open("rb")
            except FileNotFoundError as err:
                raise _changed(entry["path"]) from err
            with stream:
                if os.fstat(stream.fileno()).st_size != entry["size"]:
                    raise _changed(entry["path"])
                reader = _HashingReader(stream)
                tar.addfile(_member(MEDIA_PREFIX + entry["path"], entry["size"], mtime), reader)
            if reader.digest.hexdigest() != entry["sha256"]:
                raise _changed(entry["path"])
    path.chmod(0o600)


def _changed(name: str) -> BackupError:
    return BackupError(
        _(
            "The media file %(name)s changed or was removed while the backup was being "
            "made; no backup was written. Run the backup again."
        )
        % {"name": name}
    )


def _member(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o600
    return info


def _publish(partial: Path, destination: Path, created: datetime.datetime) -> Path:
    """Move the finished archive to its name, never over an existing backup (two
    backups in the same second get ``-2``, ``-3``…)."""
    stamp = created.strftime("%Y%m%d-%H%M%S")
    for counter in range(1, 1000):
        suffix = "" if counter == 1 else f"-{counter}"
        final = destination / f"lienhe213-{stamp}{suffix}.tar"
        try:
            final.open("xb").close()
        except FileExistsError:
            continue
        try:
            os.replace(partial, final)
        except OSError:
            final.unlink(missing_ok=True)
            raise
        return final
    raise FileExistsError(destination)


def prune_backups(directory: Path | str, *, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest backups in ``directory`` (only files named as
    this command names them) and return the deleted paths, oldest first."""

    def made(path: Path) -> tuple[str, int]:
        match = ARCHIVE_NAME.match(path.name)
        assert match is not None
        return match.group(1), int(match.group(2) or 1)

    archives = sorted(
        (path for path in Path(directory).iterdir() if ARCHIVE_NAME.match(path.name)),
        key=made,
    )
    removed = archives[: max(len(archives) - keep, 0)]
    for path in removed:
        path.unlink()
    return removed


# -- restore -----------------------------------------------------------------------------


def read_manifest(path: Path | str) -> dict[str, Any]:
    """The manifest of the backup at ``path``, checked for its format and version."""
    try:
        with tarfile.open(path, "r:") as tar:
            return _manifest(tar, Path(path))
    except FileNotFoundError as err:
        raise BackupError(_("There is no backup at %(path)s.") % {"path": path}) from err
    except (tarfile.TarError, EOFError, OSError) as err:
        raise _damaged(Path(path)) from err


def restore_backup(
    path: Path | str,
    *,
    database: Mapping[str, Any] | None = None,
    media_root: Path | str | None = None,
) -> Restored:
    """Restore the backup at ``path`` into ``database`` (Django's settings of a
    database; the default database when None), which must be empty, and its media files
    into ``media_root`` (``MEDIA_ROOT`` when None), which must be missing or empty.

    Refuses, before touching the targets, an archive that is missing, damaged, of an
    unknown format version or from a newer version of lienhe213, a checksum mismatch, a
    media member that leaves its folder or is not a regular file, media files that do
    not match the manifest, a target of another engine, a target database that is not
    empty and a media folder that is not empty. Raises ``BackupError``.
    """
    archive = Path(path)
    media_target = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
    owned = database is not None
    try:
        wrapper = _wrapper(database) if database is not None else connections[DEFAULT_DB_ALIAS]
    except ImproperlyConfigured as err:  # a backend Django cannot load
        raise BackupError(
            _("The target database could not be used: %(error)s") % {"error": err}
        ) from err
    try:
        with tempfile.TemporaryDirectory(prefix="lienhe213-restore-") as work:
            manifest, data = _unpack(archive, Path(work), target_engine=wrapper.vendor)
            _check_migrations_known(manifest)
            _check_empty(wrapper)
            media = _media_entries(manifest)
            restoring_media = manifest["format_version"] >= 2
            if restoring_media:
                media_target = _check_media_target(media_target)
            staging = _MediaStaging(media_target) if restoring_media else None
            try:
                if staging is not None:
                    staging.extract(archive, media)
                if wrapper.vendor == "postgresql":
                    _restore_postgresql(wrapper, data)
                else:
                    _restore_sqlite(wrapper, data)
                restored = _verify(wrapper, manifest)
                if staging is not None:
                    staging.publish()
            except BaseException:
                if staging is not None:
                    staging.discard()
                raise
        if staging is None:
            return restored
        return Restored(
            manifest=restored.manifest,
            tables=restored.tables,
            rows=restored.rows,
            pending_migrations=restored.pending_migrations,
            media_files=len(media),
            media_root=media_target,
        )
    except DjangoDatabaseError as err:
        raise BackupError(
            _("The target database could not be used: %(error)s") % {"error": err}
        ) from err
    finally:
        if owned:
            wrapper.close()


def _unpack(archive: Path, work: Path, *, target_engine: str) -> tuple[dict[str, Any], Path]:
    """The manifest and the database file of ``archive``, copied into ``work`` and
    checked against the manifest's sizes and checksums."""
    if not archive.is_file():
        raise BackupError(_("There is no backup at %(path)s.") % {"path": archive})
    try:
        with tarfile.open(archive, "r:") as tar:
            manifest = _manifest(tar, archive)
            if manifest["engine"] != target_engine:
                raise BackupError(
                    _(
                        "This backup is of a %(backup)s database and cannot be restored into "
                        "a %(target)s database."
                    )
                    % {"backup": manifest["engine"], "target": target_engine}
                )
            (entry,) = manifest["files"]
            member = _single_member(tar, entry["name"], archive)
            if member.size != entry["size"]:
                raise _mismatch(entry["name"])
            data = work / entry["name"]
            stream = tar.extractfile(member)
            if stream is None:
                raise _damaged(archive)
            digest = hashlib.sha256()
            with stream, data.open("wb") as out:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != entry["sha256"]:
                raise _mismatch(entry["name"])
            for item in _media_entries(manifest):
                if tar.getmember(MEDIA_PREFIX + item["path"]).size != item["size"]:
                    raise _mismatch(MEDIA_PREFIX + item["path"])
    except (tarfile.TarError, EOFError) as err:
        raise _damaged(archive) from err
    except OSError as err:
        raise BackupError(
            _("The backup could not be read: %(error)s") % {"error": err.strerror or err}
        ) from err
    return manifest, data


def _manifest(tar: tarfile.TarFile, archive: Path) -> dict[str, Any]:
    """The manifest, refused unless it is this format and version and names exactly the
    files the archive holds (regular files, each once)."""
    members = tar.getmembers()
    names = [member.name for member in members]
    if MANIFEST not in names or len(names) != len(set(names)):
        raise _damaged(archive)
    member = tar.getmember(MANIFEST)
    stream = tar.extractfile(member) if member.isfile() else None
    if stream is None or member.size > MANIFEST_LIMIT:
        raise _damaged(archive)
    try:
        manifest = json.loads(stream.read())
    except ValueError as err:
        raise _damaged(archive) from err
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("%(path)s is not a lienhe213 backup.") % {"path": archive})
    version = manifest.get("format_version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise BackupError(
            _(
                "This backup is in format version %(version)s, which this version of "
                "lienhe213 cannot read (it reads versions %(known)s)."
            )
            % {
                "version": manifest.get("format_version"),
                "known": ", ".join(str(known) for known in READABLE_VERSIONS),
            }
        )
    if not _well_formed(manifest):
        raise _damaged(archive)
    # Tar-slip: no member may name a place outside the archive's own tree, and every
    # media member must be a plain file (no link, device or folder); nothing is ever
    # extracted by its member name, but an archive holding such a member is refused.
    for member in members:
        if not _plain_path(member.name):
            raise _escaping(member.name)
        if member.name.startswith(MEDIA_PREFIX) and not member.isfile():
            raise BackupError(
                _(
                    "The backup's member %(name)s is not a regular file (a link, a device "
                    "or a folder); nothing was restored."
                )
                % {"name": member.name}
            )
    media = _media_entries(manifest)
    for entry in media:
        if not _plain_path(entry["path"]):
            raise _escaping(entry["path"])
    listed = {MEDIA_PREFIX + entry["path"] for entry in media}
    present = {name for name in names if name.startswith(MEDIA_PREFIX)}
    if listed != present:
        missing = sorted(listed - present)
        unlisted = sorted(present - listed)
        raise BackupError(
            _(
                "The backup's media files do not match its manifest (listed but missing: "
                "%(missing)s; present but not listed: %(unlisted)s); nothing was restored."
            )
            % {
                "missing": ", ".join(missing[:SHOWN]) or "-",
                "unlisted": ", ".join(unlisted[:SHOWN]) or "-",
            }
        )
    if set(names) - present != {MANIFEST, DATA_FILES[manifest["engine"]]}:
        raise _damaged(archive)
    return manifest


def _media_entries(manifest: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The media files a manifest lists (none in format version 1)."""
    if manifest.get("format_version") == 1:
        return []
    media: list[dict[str, Any]] = manifest["media"]
    return media


def _plain_path(name: str) -> bool:
    """A relative path in its plain POSIX form (``a/b.pdf``): not absolute, no empty,
    ``.`` or ``..`` part, no backslash or NUL; it cannot lead outside its folder."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    parts = PurePosixPath(name).parts
    return "/".join(parts) == name and not any(part in (".", "..") for part in parts)


def _escaping(name: str) -> BackupError:
    return BackupError(
        _(
            "The backup names a file outside its folder (%(name)s): it may be crafted to "
            "overwrite other files; nothing was restored."
        )
        % {"name": name}
    )


def _well_formed(manifest: dict[str, Any]) -> bool:
    files = manifest.get("files")
    tables = manifest.get("tables")
    migrations = manifest.get("migrations")
    engine = manifest.get("engine")
    if manifest.get("format_version") != 1 and not _well_formed_media(manifest):
        return False
    return (
        engine in DATA_FILES
        and isinstance(files, list)
        and len(files) == 1
        and isinstance(files[0], dict)
        and files[0].get("name") == DATA_FILES[engine]
        and isinstance(files[0].get("size"), int)
        and isinstance(files[0].get("sha256"), str)
        and isinstance(tables, dict)
        and all(isinstance(count, int) for count in tables.values())
        and isinstance(migrations, dict)
        and all(isinstance(name, str) for name in migrations.values())
    )


def _well_formed_media(manifest: dict[str, Any]) -> bool:
    """``media`` lists each file once with its size and SHA-256, and no file is also a
    folder of another; ``media_missing`` is a list of names."""
    media = manifest.get("media")
    missing = manifest.get("media_missing")
    if not isinstance(media, list) or not isinstance(missing, list):
        return False
    if not all(isinstance(name, str) for name in missing):
        return False
    paths: set[str] = set()
    for entry in media:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("size"), int)
            and entry["size"] >= 0
            and isinstance(entry.get("sha256"), str)
            and re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
        ):
            return False
        paths.add(entry["path"])
    if len(paths) != len(media):
        return False
    return not any(str(parent) in paths for path in paths for parent in PurePosixPath(path).parents)


def _single_member(tar: tarfile.TarFile, name: str, archive: Path) -> tarfile.TarInfo:
    member = tar.getmember(name)
    if not member.isfile():
        raise _damaged(archive)
    return member


def _check_migrations_known(manifest: dict[str, Any]) -> None:
    """A backup whose latest migrations this code does not have was made by a newer
    version: restored here, the application would not work with it."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}" for app, name in manifest["migrations"].items() if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            _(
                "This backup was made by a newer version of lienhe213 (migrations unknown "
                "here: %(migrations)s). Restore it with that version, or a later one."
            )
            % {"migrations": ", ".join(unknown[:SHOWN])}
        )


def _check_empty(wrapper: BaseDatabaseWrapper) -> None:
    """A restore never overwrites: the target holds no table, view or sequence (a new
    PostgreSQL database, a new or empty SQLite file). A SQLite file that does not exist
    is not created by a refusal."""
    if (
        wrapper.vendor == "sqlite"
        and not wrapper.is_in_memory_db()  # type: ignore[attr-defined]
        and not Path(wrapper.settings_dict["NAME"]).exists()
    ):
        return
    with wrapper.cursor() as cursor:
        if wrapper.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relkind, c.relname FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
                " AND n.nspname <> 'information_schema' AND left(n.nspname, 3) <> 'pg_'"
                " ORDER BY c.relkind <> 'r', c.relname"
            )
        else:
            cursor.execute(
                "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view')"
                " AND substr(name, 1, 7) <> 'sqlite_' ORDER BY name"
            )
        found = cursor.fetchall()
    # Sequences alone refuse too, but a count of tables reads better when there are some.
    names = [name for kind, name in found if kind != "S"] or [name for _kind, name in found]
    if names:
        raise BackupError(
            _(
                "The target database is not empty (%(count)s tables, such as %(names)s)."
                " A backup is restored only into an empty database, so that "
                "nothing is overwritten: create a new database and restore into it."
            )
            % {"count": len(names), "names": ", ".join(names[:SHOWN])}
        )


def _check_media_target(target: Path) -> Path:
    """The media folder to restore into, with its links resolved: it must be missing or
    an empty folder, so that a restore never mixes or overwrites files."""
    resolved = target.resolve()
    if resolved.exists() or resolved.is_symlink():
        if not resolved.is_dir():
            raise BackupError(
                _("The media folder %(path)s is not a folder; nothing was restored.")
                % {"path": target}
            )
        entries = sorted(os.listdir(resolved))
        if entries:
            raise BackupError(
                _(
                    "The media folder %(path)s is not empty (%(count)s entries, such as "
                    "%(names)s). Media files are restored only into an empty folder, so that "
                    "nothing is overwritten: give a new or empty folder with --media-root."
                )
                % {"path": target, "count": len(entries), "names": ", ".join(entries[:SHOWN])}
            )
    return resolved


class _MediaStaging:
    """The media files written into a hidden folder beside the target, renamed to the
    target at the end (one step on one file system), or removed with the parent
    folders it made."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.folder: Path | None = None
        self.made: list[Path] = []

    def extract(self, archive: Path, media: list[dict[str, Any]]) -> None:
        """Write every file listed in the manifest, checked against its size and SHA-256
        (the paths were checked by ``_manifest``: plain, relative, each once)."""
        parent = self.target.parent
        missing = [folder for folder in (parent, *parent.parents) if not folder.exists()]
        for folder in reversed(missing):
            folder.mkdir()
            self.made.append(folder)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.target.name}-restore-", dir=parent))
        try:
            with tarfile.open(archive, "r:") as tar:
                for entry in media:
                    self._write(tar, entry)
        except (tarfile.TarError, EOFError) as err:
            raise _damaged(archive) from err
        except OSError as err:
            raise BackupError(
                _("The media files could not be written beside %(path)s: %(error)s")
                % {"path": self.target, "error": err.strerror or err}
            ) from err

    def _write(self, tar: tarfile.TarFile, entry: dict[str, Any]) -> None:
        assert self.folder is not None
        name = MEDIA_PREFIX + entry["path"]
        member = tar.getmember(name)
        stream = tar.extractfile(member) if member.isfile() else None
        if stream is None or member.size != entry["size"]:
            raise _mismatch(name)
        destination = self.folder.joinpath(*PurePosixPath(entry["path"]).parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with stream, destination.open("xb") as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != entry["sha256"]:
            raise _mismatch(name)

    def publish(self) -> None:
        """Rename the folder to the target (over an empty folder too). A target that is
        a mount point cannot be renamed over: the entries are moved into it instead."""
        assert self.folder is not None
        try:
            if self.target.is_dir():
                self.folder.chmod(stat.S_IMODE(self.target.stat().st_mode))
            try:
                os.replace(self.folder, self.target)
            except OSError as err:
                if err.errno not in (errno.EBUSY, errno.EXDEV) or not self.target.is_dir():
                    raise
                self._move_entries()
        except OSError as err:
            raise BackupError(
                _(
                    "The database was restored, but the media files could not be moved into "
                    "%(path)s: %(error)s. Do not use the database: drop it, empty the folder "
                    "and restore again."
                )
                % {"path": self.target, "error": err.strerror or err}
            ) from err
        self.folder = None
        self.made = []

    def _move_entries(self) -> None:
        assert self.folder is not None
        moved: list[Path] = []
        try:
            for entry in sorted(self.folder.iterdir()):
                moved.append(Path(shutil.move(entry, self.target / entry.name)))
        except OSError:
            for path in moved:
                shutil.rmtree(path, ignore_errors=True)
            raise
        self.folder.rmdir()

    def discard(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
        for folder in reversed(self.made):
            try:
                folder.rmdir()
            except OSError:
                break
        self.made = []


def _restore_postgresql(wrapper: BaseDatabaseWrapper, dump: Path) -> None:
    """``pg_restore`` in one transaction (a failure leaves the database as it was), then
    ``ANALYZE``, since planner statistics are not part of a dump."""
    pg_restore = _program("pg_restore")
    settings_dict = wrapper.settings_dict
    _run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={settings_dict['NAME']}",
            str(dump),
        ],
        env=_pg_environment(settings_dict),
    )
    with wrapper.cursor() as cursor:
        cursor.execute("ANALYZE")


def _restore_sqlite(wrapper: BaseDatabaseWrapper, copy: Path) -> None:
    """The backup API again, from the copy into the target's own connection (a file, or
    the live in-memory database); the target keeps its journal mode."""
    source = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
    try:
        wrapper.ensure_connection()
        source.backup(wrapper.connection)
    except sqlite3.Error as err:
        raise BackupError(
            _("The target database could not be used: %(error)s") % {"error": err}
        ) from err
    finally:
        source.close()


def _verify(wrapper: BaseDatabaseWrapper, manifest: dict[str, Any]) -> Restored:
    """The restored rows of every table against the manifest, and the migrations this
    version has that the backup lacks (``manage.py migrate`` applies them)."""
    with wrapper.cursor() as cursor:
        tables, _migrations = _read_state(cursor, wrapper.vendor)
    expected: dict[str, int] = manifest["tables"]
    differing = sorted(
        name for name in set(tables) | set(expected) if tables.get(name) != expected.get(name)
    )
    if differing:
        raise BackupError(
            _(
                "The restored database does not match the backup's manifest (tables "
                "%(tables)s). Do not use it: drop it and restore again."
            )
            % {"tables": ", ".join(differing[:SHOWN])}
        )
    executor = MigrationExecutor(wrapper)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return Restored(
        manifest=manifest,
        tables=len(tables),
        rows=sum(tables.values()),
        pending_migrations=len(plan),
    )


# -- shared ------------------------------------------------------------------------------


def _read_state(cursor: Any, engine: str) -> tuple[dict[str, int], dict[str, str]]:
    """Rows per table (named ``schema.table`` outside PostgreSQL's ``public``) and the
    latest migration applied per app, read through ``cursor``."""
    if engine == "postgresql":
        cursor.execute(
            "SELECT n.nspname, c.relname FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema'"
            " AND left(n.nspname, 3) <> 'pg_' ORDER BY 1, 2"
        )
        found = [(schema, name) for schema, name in cursor.fetchall()]
    else:
        cursor.execute(
            "SELECT NULL, name FROM sqlite_master"
            " WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_' ORDER BY name"
        )
        found = [(None, name) for _schema, name in cursor.fetchall()]
    tables: dict[str, int] = {}
    for schema, name in found:
        public = schema in (None, "public")
        quoted = _quote(name) if public else f"{_quote(schema)}.{_quote(name)}"
        # The names come from the catalog and are quoted.
        cursor.execute(f"SELECT count(*) FROM {quoted}")  # noqa: S608
        tables[name if public else f"{schema}.{name}"] = int(cursor.fetchone()[0])
    migrations: dict[str, str] = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations")
        for app, name in cursor.fetchall():
            # Migration names begin with their number: the greatest is the latest.
            migrations[app] = max(name, migrations.get(app, name))
    return tables, dict(sorted(migrations.items()))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _wrapper(settings_dict: Mapping[str, Any]) -> BaseDatabaseWrapper:
    """A connection of its own to the database ``settings_dict`` describes, with
    Django's defaults filled in; the caller closes it."""
    handler = ConnectionHandler({DEFAULT_DB_ALIAS: dict(settings_dict)})
    return handler.create_connection(DEFAULT_DB_ALIAS)


def _pg_environment(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    """The environment that points ``pg_dump``/``pg_restore`` at the database, as
    libpq's variables: the password never appears on a command line."""
    environment = dict(os.environ)
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in PG_OPTION_VARIABLES.items():
        values[variable] = options.get(option)
    for variable, value in values.items():
        if value not in (None, ""):
            environment[variable] = str(value)
    return environment


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _(
                "%(program)s was not found: install the PostgreSQL client of the server's "
                "major version or a later one (on Debian: apt-get install postgresql-client)."
            )
            % {"program": name}
        )
    return path


def _run(arguments: list[str], *, env: dict[str, str]) -> None:
    """Run a PostgreSQL client program; its error output becomes the message."""
    # The program is found on PATH by name and given no shell; the arguments are ours.
    completed = subprocess.run(arguments, env=env, capture_output=True, check=False)  # noqa: S603
    if completed.returncode != 0:
        error = completed.stderr.decode(errors="replace").strip()[-2000:]
        raise BackupError(
            _("%(program)s failed (exit status %(status)s): %(error)s")
            % {
                "program": Path(arguments[0]).name,
                "status": completed.returncode,
                "error": error,
            }
        )


def _measure(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return path.stat().st_size, digest.hexdigest()


def _app_version() -> str:
    try:
        return importlib.metadata.version("lienhe213")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _damaged(archive: Path) -> BackupError:
    return BackupError(
        _("%(path)s is damaged or is not a lienhe213 backup; nothing was restored.")
        % {"path": archive}
    )


def _mismatch(name: str) -> BackupError:
    return BackupError(
        _(
            "The backup is damaged: %(name)s does not match the size and checksum in its "
            "manifest; nothing was restored."
        )
        % {"name": name}
    )
