"""Backups of the whole state of lienhe213 and their restore into an empty database.

The database is the whole state: uploaded import files are kept in
``imports.ImportBatch.content`` and the generated letter batches in
``documents.DocumentBatch`` (``pdf``, ``archive``); issued documents are rendered again from
their rows. There are no media files and nothing else is written to disk, so a backup is
the database alone.

A backup is one uncompressed tar file, ``lienhe213-YYYYMMDD-HHMMSS.tar`` (local time),
readable without lienhe213:

- ``manifest.json``, first, so that ``tar -xOf FILE manifest.json`` shows it: the format
  and its version, when the backup was made, the engine, the versions of lienhe213,
  Django and the database, the latest migration applied per app, every other file with
  its size and SHA-256, and the rows of every table;
- ``database.dump`` on PostgreSQL: ``pg_dump --format=custom`` (compressed), taken in the
  same snapshot as the manifest's row counts (``pg_export_snapshot``), or
  ``database.sqlite3`` on SQLite: a copy made with SQLite's online backup API, checked
  with ``PRAGMA integrity_check``; the web server and the worker may keep running.

A restore goes into an empty database only, so that it never overwrites anything. It
checks everything it can before touching the target (a readable archive of a known
format version, the target's engine, the checksums, migrations this version knows, an
empty target) and refuses with a translated message, having changed nothing; then it
restores (``pg_restore --single-transaction``, or the backup API) and compares the rows of
every table with the manifest.
"""

import datetime
import hashlib
import importlib.metadata
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db import Error as DjangoDatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.utils import ConnectionHandler
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "lienhe213-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ARCHIVE_NAME = re.compile(r"^lienhe213-(\d{8}-\d{6})(?:-(\d+))?\.tar$")
# Written into every manifest for whoever opens the archive years later; a record of the
# file, in English like the rest of its keys, not a message to a user.
CONTENTS = (
    "The whole state of lienhe213 is its database: uploaded import files "
    "(imports.ImportBatch.content) and generated documents (documents.DocumentBatch.pdf, "
    ".archive) are stored in it, and there are no media files."
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
    it, and how many migrations of this version the restored database still lacks."""

    manifest: dict[str, Any]
    tables: int
    rows: int
    pending_migrations: int


@dataclass(frozen=True)
class _State:
    """The database as the backup saw it: rows per table, the latest migration applied
    per app, and the server's version."""

    tables: dict[str, int]
    migrations: dict[str, str]
    server_version: str


def default_backup_dir() -> Path:
    """``LIENHE213_BACKUP_DIR``, or ``var/backups`` beside the SQLite database: a folder
    git ignores, since a backup holds personal data."""
    configured = os.environ.get("LIENHE213_BACKUP_DIR", "").strip()
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "backups"


# -- backup ------------------------------------------------------------------------------


def create_backup(destination_dir: Path | str, *, using: str = DEFAULT_DB_ALIAS) -> Path:
    """Write a backup of the database ``using`` into ``destination_dir`` (created, private
    to its owner, when missing) and return the archive's path.

    The archive appears under its final name only once it is complete, so a backup that
    failed half-way never looks like one. Raises ``BackupError``.
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
            }
            partial = Path(work) / "archive.tar"
            _write_archive(partial, manifest, data, created.timestamp())
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
    return _State(tables=tables, migrations=migrations, server_version=str(server_version))


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
    except (sqlite3.Error, DjangoDatabaseError) as err:
        raise BackupError(_("The database could not be read: %(error)s") % {"error": err}) from err
    finally:
        copy.close()
    return _State(tables=tables, migrations=migrations, server_version=sqlite3.sqlite_version)


def _write_archive(path: Path, manifest: dict[str, Any], data: Path, mtime: float) -> None:
    encoded = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        tar.addfile(_member(MANIFEST, len(encoded), mtime), io.BytesIO(encoded))
        with data.open("rb") as stream:
            tar.addfile(_member(data.name, data.stat().st_size, mtime), stream)
    path.chmod(0o600)


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


def restore_backup(path: Path | str, *, database: Mapping[str, Any] | None = None) -> Restored:
    """Restore the backup at ``path`` into ``database`` (Django's settings of a
    database; the default database when None), which must be empty.

    Refuses, before touching the target, an archive that is missing, damaged, of an
    unknown format version or from a newer version of lienhe213, a checksum mismatch,
    a target of another engine and a target that is not empty. Raises ``BackupError``.
    """
    archive = Path(path)
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
            if wrapper.vendor == "postgresql":
                _restore_postgresql(wrapper, data)
            else:
                _restore_sqlite(wrapper, data)
        return _verify(wrapper, manifest)
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
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _(
                "This backup is in format version %(version)s, which this version of "
                "lienhe213 cannot read (it reads version %(known)s)."
            )
            % {"version": manifest.get("format_version"), "known": FORMAT_VERSION}
        )
    if not _well_formed(manifest) or set(names) != {
        MANIFEST,
        DATA_FILES[manifest["engine"]],
    }:
        raise _damaged(archive)
    return manifest


def _well_formed(manifest: dict[str, Any]) -> bool:
    files = manifest.get("files")
    tables = manifest.get("tables")
    migrations = manifest.get("migrations")
    engine = manifest.get("engine")
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
