"""``manage.py backup`` and ``manage.py restore``: a backup restored into an empty
database and an empty media folder gives back every row of every table and every media
file, byte for byte, on the database the suite runs on (SQLite, or PostgreSQL with
DATABASE_URL); every refusal changes nothing. Each test has its own ``MEDIA_ROOT``.

A backup is made of committed data (pg_dump reads through a connection of its own), so
the tests that make one with their own data are transactional; the refusals share one
backup of the freshly migrated test database and run in a rolled-back transaction.
"""

import datetime
import hashlib
import importlib.metadata
import io
import json
import os
import re
import shutil
import stat
import tarfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import dj_database_url
import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import ConnectionHandler
from django.test import override_settings
from psycopg import sql

from conftest import member_fields
from lienhe213.core import backups
from lienhe213.core.backups import create_backup
from lienhe213.documents.models import DocumentBatch
from lienhe213.imports.models import ImportBatch
from lienhe213.members.services import create_member
from lienhe213.training import services as training
from lienhe213.training.models import TrainingMaterial
from lienhe213.training.tests.conftest import docx_bytes, pdf_bytes, plan, upload

TRANSACTIONAL = pytest.mark.django_db(transaction=True)

EVERY_BYTE = bytes(range(256)) * 64
DATA_FILE = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """The media folder of the test, not yet created."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def state(world):
    """The cast, one more member, an uploaded file and a letter batch with binary content,
    and Vietnamese text in JSON fields."""
    create_member(
        by=world.root_user,
        **member_fields(
            world.cell_a2,
            family_name="Hoàng",
            middle_name="Thị",
            given_name="Ngọc Ánh",
            gender="female",
            birth_date=datetime.date(1990, 9, 2),
            party_card_number="42345678",
        ),
    )
    ImportBatch.objects.create(
        kind=ImportBatch.Kind.MEMBERS,
        organization=world.commune_a_committee,
        file_name="Danh sách đảng viên phường Hà Giang 1.xlsx",
        checksum=hashlib.sha256(EVERY_BYTE).hexdigest(),
        size=len(EVERY_BYTE),
        content=EVERY_BYTE,
        labels=["Họ và tên", "Ngày sinh", "Nơi cư trú — Tổ 1"],
        mapping={"0": "full_name", "1": "birth_date"},
        choices={"P. Trần Phú, TP Hà Giang": "02269"},
        created_by=world.commune_clerk,
    )
    DocumentBatch.objects.create(
        issuer=world.workplace,
        link_ids=[],
        total=2,
        done=2,
        status=DocumentBatch.Status.DONE,
        pdf=b"%PDF-1.7\n\x00\xff\xfe" + EVERY_BYTE,
        archive=b"PK\x03\x04" + EVERY_BYTE[::-1],
        requested_by=world.workplace_officer,
    )
    return world


@pytest.fixture(scope="module")
def backup(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    """One backup of the migrated test database (content types, permissions, the
    migrations), for the refusals."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
    ):
        return create_backup(tmp_path_factory.mktemp("backup"))


@pytest.fixture
def empty_database(tmp_path) -> Iterator[str]:
    """The URL of a new, empty database of the suite's engine: a SQLite file not yet
    created, or a PostgreSQL database created for the test and dropped after it."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"lienhe213_restore_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with _server() as server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _postgres_url(name)
    finally:
        with _server() as server:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def _server() -> Iterator[psycopg.Connection[Any]]:
    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as server:
        yield server


def _postgres_url(name: str) -> str:
    params = connection.settings_dict
    login = quote(params["USER"] or "", safe="")
    if params["PASSWORD"]:
        login += ":" + quote(params["PASSWORD"], safe="")
    return f"postgres://{login}@{params['HOST']}:{params['PORT'] or 5432}/{name}"


@contextmanager
def _connected(url: str) -> Iterator[Any]:
    wrapper = ConnectionHandler({"default": dj_database_url.parse(url)}).create_connection(
        "default"
    )
    try:
        yield wrapper
    finally:
        wrapper.close()


def _table_names(wrapper: Any) -> list[str]:
    """Every table, SQLite's own (sequences, statistics) included."""
    with wrapper.cursor() as cursor:
        if wrapper.vendor == "postgresql":
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")
        return [name for (name,) in cursor.fetchall()]


def _contents(wrapper: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, all columns, in primary-key order (all columns where
    there is no primary key), binary values as bytes; on PostgreSQL the sequences too."""
    contents = {}
    with wrapper.cursor() as cursor:
        for table in _table_names(wrapper):
            columns = wrapper.introspection.get_primary_key_columns(cursor, table)
            if columns:
                order = ", ".join(wrapper.ops.quote_name(column) for column in columns)
            else:
                width = len(wrapper.introspection.get_table_description(cursor, table))
                order = ", ".join(str(number) for number in range(1, width + 1))
            cursor.execute(
                f"SELECT * FROM {wrapper.ops.quote_name(table)} ORDER BY {order}"  # noqa: S608
            )
            contents[table] = [
                tuple(bytes(value) if isinstance(value, memoryview) else value for value in row)
                for row in cursor.fetchall()
            ]
        if wrapper.vendor == "postgresql":
            cursor.execute(
                "SELECT sequencename, last_value FROM pg_sequences"
                " WHERE schemaname = 'public' ORDER BY 1"
            )
            contents["pg_sequences"] = cursor.fetchall()
    return contents


def _target_tables(url: str) -> list[str]:
    """The tables of a restore's target, without creating a SQLite file that is not
    there."""
    parsed = dj_database_url.parse(url)
    if parsed["ENGINE"].endswith("sqlite3") and not Path(parsed["NAME"]).exists():
        return []
    with _connected(url) as wrapper:
        return _table_names(wrapper)


def _rewritten(
    archive: Path,
    into: Path,
    *,
    manifest: Callable[[dict[str, Any]], None] = lambda manifest: None,
    data: Callable[[bytes], bytes] = lambda data: data,
    media: dict[str, bytes] | None = None,
    extra: tuple[tuple[tarfile.TarInfo, bytes], ...] = (),
) -> Path:
    """A copy of ``archive`` with its manifest and its database file changed, the
    ``media`` files (path: content) added as members and listed in the manifest (before
    ``manifest`` changes it), and the ``extra`` members added without being listed."""
    with tarfile.open(archive) as tar:
        members = {member.name: tar.extractfile(member).read() for member in tar.getmembers()}
    content = json.loads(members.pop("manifest.json"))
    for path, payload in (media or {}).items():
        content["media"].append(
            {"path": path, "size": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}
        )
        members["media/" + path] = payload
    manifest(content)
    database = DATA_FILE[connection.vendor]
    members[database] = data(members[database])
    with tarfile.open(into, "w") as tar:
        encoded = json.dumps(content).encode()
        for member_name, member_data in {"manifest.json": encoded, **members}.items():
            info = tarfile.TarInfo(member_name)
            info.size = len(member_data)
            tar.addfile(info, io.BytesIO(member_data))
        for info, payload in extra:
            tar.addfile(info, io.BytesIO(payload) if info.isfile() else None)
    return into


def _restore(archive: Path, url: str | None = None, *, media: Path | None = None) -> str:
    out = io.StringIO()
    arguments = [str(archive)] + (["--database-url", url] if url else [])
    arguments += ["--media-root", str(media)] if media else []
    call_command("restore", *arguments, stdout=out)
    return out.getvalue()


@TRANSACTIONAL
def test_a_backup_restored_into_an_empty_database_has_every_row_of_every_table(
    state, tmp_path, empty_database
):
    out = io.StringIO()

    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out)
    (archive,) = (tmp_path / "backups").iterdir()
    restored = _restore(archive, empty_database)

    source = _contents(connection)
    with _connected(empty_database) as target:
        assert _contents(target) == source
    assert set(connection.introspection.django_table_names(only_existing=True)) <= set(source)
    rows = {table: len(table_rows) for table, table_rows in source.items()}
    counted = {
        table: count
        for table, count in rows.items()
        if not table.startswith("sqlite_") and table != "pg_sequences"
    }
    assert f"{len(counted)} tables, {sum(counted.values())} rows" in out.getvalue()
    assert f"{len(counted)} tables, {sum(counted.values())} rows" in restored
    assert "migrate" not in restored


@TRANSACTIONAL
def test_binary_and_vietnamese_values_come_back_byte_for_byte(state, tmp_path, empty_database):
    archive = create_backup(tmp_path)

    _restore(archive, empty_database)

    with _connected(empty_database) as target, target.cursor() as cursor:
        cursor.execute("SELECT content, file_name, labels FROM imports_importbatch")
        ((content, file_name, labels),) = cursor.fetchall()
        cursor.execute("SELECT pdf, archive FROM documents_documentbatch")
        ((pdf, zip_file),) = cursor.fetchall()
    source = ImportBatch.objects.get()
    letters = DocumentBatch.objects.get()
    assert bytes(content) == bytes(source.content)
    assert file_name == "Danh sách đảng viên phường Hà Giang 1.xlsx"
    assert (json.loads(labels) if isinstance(labels, str) else labels) == source.labels
    assert (bytes(pdf), bytes(zip_file)) == (bytes(letters.pdf), bytes(letters.archive))


@TRANSACTIONAL
def test_the_manifest_holds_the_engine_migrations_checksums_and_rows(state, tmp_path):
    path = create_backup(tmp_path)

    with tarfile.open(path) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        data = tar.extractfile(DATA_FILE[connection.vendor]).read()
    assert re.fullmatch(r"lienhe213-\d{8}-\d{6}\.tar", path.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert names == ["manifest.json", DATA_FILE[connection.vendor]]
    assert manifest["format"] == "lienhe213-backup"
    assert manifest["format_version"] == 2
    assert manifest["engine"] == connection.vendor
    assert manifest["app_version"] == importlib.metadata.version("lienhe213")
    assert datetime.datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    assert "media folder" in manifest["contents"]
    assert (manifest["media"], manifest["media_missing"]) == ([], [])
    assert manifest["files"] == [
        {
            "name": DATA_FILE[connection.vendor],
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    ]
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(name, latest.get(app, name))
    assert manifest["migrations"] == latest
    counts = {
        table: len(rows)
        for table, rows in _contents(connection).items()
        if not table.startswith("sqlite_") and table != "pg_sequences"
    }
    assert manifest["tables"] == counts


@pytest.mark.django_db
def test_a_damaged_backup_is_refused_and_nothing_is_restored(backup, tmp_path, empty_database):

    def flip_one_byte(data: bytes) -> bytes:
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]

    damaged = _rewritten(backup, tmp_path / "damaged.tar", data=flip_one_byte)

    with pytest.raises(CommandError, match="does not match the size and checksum"):
        _restore(damaged, empty_database)
    assert _target_tables(empty_database) == []


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda path: path.unlink(), "There is no backup at"),
        (lambda path: path.write_bytes(path.read_bytes()[:3000]), "is damaged or is not"),
        (lambda path: path.write_bytes(b"not a tar file at all"), "is damaged or is not"),
    ],
    ids=["missing", "truncated", "not-an-archive"],
)
@pytest.mark.django_db
def test_a_missing_or_unreadable_archive_is_refused(
    backup, tmp_path, empty_database, spoil, message
):
    archive = Path(shutil.copy(backup, tmp_path))
    spoil(archive)

    with pytest.raises(CommandError, match=message):
        _restore(archive, empty_database)
    assert _target_tables(empty_database) == []


@pytest.mark.django_db
def test_an_archive_that_is_not_a_lienhe213_backup_is_refused(backup, tmp_path, empty_database):
    foreign = _rewritten(
        backup, tmp_path / "other.tar", manifest=lambda m: m.update(format="other-backup")
    )

    with pytest.raises(CommandError, match="is not a lienhe213 backup"):
        _restore(foreign, empty_database)
    assert _target_tables(empty_database) == []


@pytest.mark.django_db
def test_a_backup_of_an_unknown_format_version_is_refused(backup, tmp_path, empty_database):
    future = _rewritten(
        backup, tmp_path / "future.tar", manifest=lambda m: m.update(format_version=3)
    )

    with pytest.raises(CommandError, match="format version 3, which this version"):
        _restore(future, empty_database)
    assert _target_tables(empty_database) == []


@pytest.mark.django_db
def test_a_backup_from_a_newer_version_of_lienhe213_is_refused(backup, tmp_path, empty_database):
    newer = _rewritten(
        backup,
        tmp_path / "newer.tar",
        manifest=lambda m: m["migrations"].update(members="9999_from_the_future"),
    )

    with pytest.raises(CommandError, match=r"unknown here: members\.9999_from_the_future"):
        _restore(newer, empty_database)
    assert _target_tables(empty_database) == []


@pytest.mark.django_db
def test_a_backup_is_refused_by_a_database_of_another_engine(backup, tmp_path):
    other_file = tmp_path / "other.sqlite3"
    other = (
        "postgres://nobody@127.0.0.1:1/nowhere"
        if connection.vendor == "sqlite"
        else f"sqlite:///{other_file}"
    )

    with pytest.raises(CommandError, match="cannot be restored into a"):
        _restore(backup, other)
    assert not other_file.exists()


@pytest.mark.django_db
def test_a_database_that_is_not_empty_is_refused_and_left_as_it_was(backup, empty_database):
    _restore(backup, empty_database)
    before = _contents(connection)
    with _connected(empty_database) as target:
        restored_before = _contents(target)

    with pytest.raises(CommandError, match="The target database is not empty"):
        _restore(backup)
    with pytest.raises(CommandError, match="The target database is not empty"):
        _restore(backup, empty_database)

    assert _contents(connection) == before
    with _connected(empty_database) as target:
        assert _contents(target) == restored_before


@TRANSACTIONAL
def test_keep_deletes_the_oldest_backups_and_nothing_else(tmp_path):
    older = [
        "lienhe213-20240101-020000.tar",
        "lienhe213-20250101-020000.tar",
        "lienhe213-20250101-020000-2.tar",
    ]
    for name in [*older, "notes.txt"]:
        (tmp_path / name).write_bytes(b"")
    out = io.StringIO()

    call_command("backup", "--output", str(tmp_path), "--keep", "2", stdout=out)

    (new,) = {path.name for path in tmp_path.iterdir()} - {*older, "notes.txt"}
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        ["lienhe213-20250101-020000-2.tar", new, "notes.txt"]
    )
    assert out.getvalue().count("Deleted the older backup") == 2


# -- media files -------------------------------------------------------------------------

BIG_PDF = pdf_bytes(3 * 1024 * 1024 + 17)  # more than one chunk
DOCX = docx_bytes()  # made once: a ZIP holds the time it was made


def _tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by POSIX path, with its content."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _materials(world) -> list[TrainingMaterial]:
    session = plan(world)
    return [
        training.add_material(
            by=world.commune_clerk, session=session, upload=upload("Bài giảng.pdf", BIG_PDF)
        ),
        training.add_material(
            by=world.commune_clerk, session=session, upload=upload("Hướng dẫn.docx", DOCX)
        ),
    ]


def _file(name: str, content: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    return info, content


def _special(name: str, kind: bytes, linkname: str = "") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info, b""


@TRANSACTIONAL
def test_the_media_files_are_backed_up_and_restored_byte_for_byte(
    world, tmp_path, media_root, empty_database
):
    materials = _materials(world)
    (media_root / "notes").mkdir()
    (media_root / "notes" / "Ghi chú.txt").write_bytes(b"\x00\xff" + EVERY_BYTE)
    source = _tree(media_root)
    out = io.StringIO()

    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out)
    (archive,) = (tmp_path / "backups").iterdir()
    target = tmp_path / "restored" / "media"
    restored = _restore(archive, empty_database, media=target)

    assert sorted(source) == sorted(
        [*(material.file.name for material in materials), "notes/Ghi chú.txt"]
    )
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names == ["manifest.json", DATA_FILE[connection.vendor]] + [
        "media/" + path for path in sorted(source)
    ]
    assert manifest["media"] == [
        {"path": path, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
        for path, content in sorted(source.items())
    ]
    assert manifest["media_missing"] == []
    assert "3 media files" in out.getvalue()
    assert _tree(target) == source
    assert f"Restored 3 media files into {target.resolve()}" in restored
    assert sorted(path.name for path in target.parent.iterdir()) == ["media"]
    with _connected(empty_database) as database, database.cursor() as cursor:
        cursor.execute("SELECT file FROM training_trainingmaterial ORDER BY id")
        assert [name for (name,) in cursor.fetchall()] == [m.file.name for m in materials]
    assert _tree(media_root) == source


@TRANSACTIONAL
def test_a_file_the_database_names_but_the_folder_lacks_is_a_warning_in_the_manifest(
    world, tmp_path, media_root, empty_database, settings
):
    lost, kept = _materials(world)
    (media_root / lost.file.name).unlink()
    out, err = io.StringIO(), io.StringIO()

    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out, stderr=err)
    (archive,) = (tmp_path / "backups").iterdir()
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    restore_err = io.StringIO()
    call_command("restore", str(archive), "--database-url", empty_database, stderr=restore_err)

    manifest = backups.read_manifest(archive)
    assert manifest["media_missing"] == [lost.file.name]
    assert [entry["path"] for entry in manifest["media"]] == [kept.file.name]
    assert err.getvalue().strip() == (
        "Warning: 1 file the database names is not in the media folder and is not in the "
        f"backup: {lost.file.name}"
    )
    assert "1 media files" in out.getvalue()
    assert _tree(tmp_path / "restored-media") == {kept.file.name: DOCX}
    assert lost.file.name in restore_err.getvalue()


@pytest.mark.django_db
def test_a_backup_of_format_version_1_restores_and_leaves_the_media_folder_alone(
    backup, tmp_path, media_root, empty_database
):
    def version_1(manifest: dict[str, Any]) -> None:
        manifest.update(format_version=1)
        del manifest["media"], manifest["media_missing"]

    old = _rewritten(backup, tmp_path / "old.tar", manifest=version_1)
    media_root.mkdir()
    (media_root / "kept.pdf").write_bytes(b"%PDF-kept")

    restored = _restore(old, empty_database)

    assert "tables" in restored
    assert "media file" not in restored
    assert _tree(media_root) == {"kept.pdf": b"%PDF-kept"}
    assert _target_tables(empty_database) != []


def _assert_nothing_restored(url: str, parent: Path, before: list[str]) -> None:
    assert _target_tables(url) == []
    assert sorted(path.name for path in parent.iterdir()) == before


@pytest.mark.django_db
def test_a_media_folder_that_is_not_empty_is_refused_and_left_as_it_was(
    backup, tmp_path, empty_database
):
    archive = _rewritten(backup, tmp_path / "media.tar", media={"training/1/a.pdf": b"%PDF-a"})
    target = tmp_path / "target"
    target.mkdir()
    (target / "other.pdf").write_bytes(b"%PDF-other")

    with pytest.raises(CommandError, match=r"The media folder .* is not empty \(1 entries"):
        _restore(archive, empty_database, media=target)
    _assert_nothing_restored(empty_database, tmp_path, ["media.tar", "target"])
    assert _tree(target) == {"other.pdf": b"%PDF-other"}


@pytest.mark.django_db
def test_a_media_folder_that_is_a_file_is_refused(backup, tmp_path, empty_database):
    archive = _rewritten(backup, tmp_path / "media.tar", media={"a.pdf": b"%PDF-a"})
    (tmp_path / "target").write_bytes(b"a file")

    with pytest.raises(CommandError, match="is not a folder"):
        _restore(archive, empty_database, media=tmp_path / "target")
    _assert_nothing_restored(empty_database, tmp_path, ["media.tar", "target"])
    assert (tmp_path / "target").read_bytes() == b"a file"


@pytest.mark.parametrize(
    ("media", "extra", "message"),
    [
        ({"../escaped.pdf": b"%PDF"}, (), r"outside its folder \(media/\.\./escaped\.pdf\)"),
        ({"a/../../escaped.pdf": b"%PDF"}, (), "outside its folder"),
        ({"/srv/escaped.pdf": b"%PDF"}, (), "outside its folder"),
        ({"a//b.pdf": b"%PDF"}, (), "outside its folder"),
        ({}, (_file("/srv/escaped.pdf", b"%PDF"),), "outside its folder"),
        ({}, (_file("media/../../escaped.pdf", b"%PDF"),), "outside its folder"),
        ({}, (_special("media/link.pdf", tarfile.SYMTYPE, "/etc/passwd"),), "not a regular"),
        ({}, (_special("media/hard.pdf", tarfile.LNKTYPE, "manifest.json"),), "not a regular"),
        ({}, (_special("media/null", tarfile.CHRTYPE),), "not a regular"),
        ({}, (_special("media/pipe", tarfile.FIFOTYPE),), "not a regular"),
        ({}, (_special("media/training", tarfile.DIRTYPE),), "not a regular"),
        ({}, (_file("media/unlisted.pdf", b"%PDF"),), r"present but not listed: media/unl"),
    ],
    ids=[
        "dot-dot",
        "inner-dot-dot",
        "absolute",
        "not-plain",
        "absolute-member",
        "dot-dot-member",
        "symlink",
        "hard-link",
        "device",
        "fifo",
        "folder",
        "unlisted",
    ],
)
@pytest.mark.django_db
def test_a_media_member_that_escapes_or_is_not_listed_is_refused_and_nothing_changes(
    backup, tmp_path, empty_database, media, extra, message
):
    archive = _rewritten(
        backup,
        tmp_path / "crafted.tar",
        media={"training/1/ok.pdf": b"%PDF-ok", **media},
        extra=extra,
    )
    target = tmp_path / "restored" / "media"

    with pytest.raises(CommandError, match=message):
        _restore(archive, empty_database, media=target)
    _assert_nothing_restored(empty_database, tmp_path, ["crafted.tar"])
    assert not (tmp_path / "escaped.pdf").exists()


def _listed_only(manifest: dict[str, Any]) -> None:
    manifest["media"].append({"path": "gone.pdf", "size": 4, "sha256": "0" * 64})


def _wrong_checksum(manifest: dict[str, Any]) -> None:
    manifest["media"][-1]["sha256"] = hashlib.sha256(b"something else").hexdigest()


def _wrong_size(manifest: dict[str, Any]) -> None:
    manifest["media"][-1]["size"] += 1


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_listed_only, r"listed but missing: media/gone\.pdf; present but not listed: -"),
        (_wrong_checksum, r"media/training/2/b\.pdf does not match the size and checksum"),
        (_wrong_size, r"media/training/2/b\.pdf does not match the size and checksum"),
    ],
    ids=["listed-but-missing", "wrong-checksum", "wrong-size"],
)
@pytest.mark.django_db
def test_media_files_that_do_not_match_the_manifest_are_refused_and_nothing_changes(
    backup, tmp_path, empty_database, spoil, message
):
    archive = _rewritten(
        backup,
        tmp_path / "spoiled.tar",
        media={"training/1/a.pdf": b"%PDF-a", "training/2/b.pdf": b"%PDF-b"},
        manifest=spoil,
    )
    (tmp_path / "existing").mkdir()
    target = tmp_path / "existing" / "media"

    with pytest.raises(CommandError, match=message):
        _restore(archive, empty_database, media=target)
    _assert_nothing_restored(empty_database, tmp_path, ["existing", "spoiled.tar"])
    assert list((tmp_path / "existing").iterdir()) == []


@pytest.mark.django_db
def test_a_restore_that_fails_after_writing_the_media_files_leaves_no_media_folder(
    backup, tmp_path, empty_database, monkeypatch
):
    archive = _rewritten(backup, tmp_path / "media.tar", media={"training/1/a.pdf": b"%PDF-a"})

    def fail(*args: Any) -> None:
        raise backups.BackupError("pg_restore failed: no space left on device")

    monkeypatch.setattr(backups, "_restore_postgresql", fail)
    monkeypatch.setattr(backups, "_restore_sqlite", fail)
    target = tmp_path / "new" / "folders" / "media"

    with pytest.raises(CommandError, match="no space left"):
        _restore(archive, empty_database, media=target)
    _assert_nothing_restored(empty_database, tmp_path, ["media.tar"])


@pytest.mark.django_db
def test_an_empty_media_folder_is_restored_into_and_the_files_go_in_it(
    backup, tmp_path, empty_database
):
    archive = _rewritten(
        backup, tmp_path / "media.tar", media={"training/1/a.pdf": b"%PDF-a", "b.docx": b"PK"}
    )
    target = tmp_path / "srv" / "media"
    target.mkdir(parents=True)
    target.chmod(0o750)

    restored = _restore(archive, empty_database, media=target)

    assert _tree(target) == {"b.docx": b"PK", "training/1/a.pdf": b"%PDF-a"}
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    assert "Restored 2 media files" in restored
    assert [path.name for path in (tmp_path / "srv").iterdir()] == ["media"]
