"""The audit trail's integrity (ADR 0012): rows cannot be changed or deleted through the
application or the database, the sealer chains them by hash, the expiry keeps the chain
verifiable, and ``verify_audit`` names the first row tampered with."""

import datetime
import hashlib
import importlib
import io
import threading
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import ProtectedError

from lienhe213.accounts.models import User
from lienhe213.core import audit
from lienhe213.core.models import AuditEvent, AuditRowImmutable

guard_migration = importlib.import_module("lienhe213.core.migrations.0003_audit_chain")

UTC = datetime.UTC
JANUARY = datetime.datetime(2025, 1, 15, 8, 30, 0, 123456, tzinfo=UTC)
FEBRUARY = datetime.datetime(2025, 2, 1, tzinfo=UTC)
MARCH = datetime.datetime(2025, 3, 10, 14, 0, tzinfo=UTC)


def write(n, *, at=None, action="update"):
    """``n`` audit rows by the system, written at ``at`` (default: now)."""
    events = []
    for i in range(n):
        with mock.patch("django.utils.timezone.now", return_value=at or datetime.datetime.now(UTC)):
            events.append(audit.record(by=None, action=action, object_repr=f"row {i}"))
    return events


def chain():
    """``[(seq, prev_hash, row_hash)]`` of the sealed rows in chain order."""
    return list(
        AuditEvent.objects.sealed().order_by("seq").values_list("seq", "prev_hash", "row_hash")
    )


def raw(sql, params=()):
    """Run ``sql`` with the database guard off, as someone with database access would;
    the guard comes back afterwards (and the test's transaction rolls it all back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no deferred check: the actor's foreign key is checked now
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_guard")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_guard")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_guard")
            cursor.execute(sql, params)
            cursor.execute(guard_migration.SQLITE_GUARD)


def verify():
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue().strip()


def verify_fails():
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", stdout=io.StringIO())
    return str(failure.value)


# Sealing


def test_the_first_row_hashes_its_content_and_seq_after_the_genesis_hash(db):
    user = User.objects.create_user(username="xa", password="demo")
    with mock.patch("django.utils.timezone.now", return_value=JANUARY):
        event = audit.record(
            by=user, action="update", obj=user, changes={"b": 1, "a": ["x", "ý"]}, reason="typo"
        )

    assert audit.seal_audit() == 1

    event.refresh_from_db()
    content = (
        '{"action":"update","actor_id":PK,"actor_name":"xa",'
        '"at":"2025-01-15T08:30:00.123456+00:00","changes":{"a":["x","ý"],"b":1},'
        '"ip":null,"object_id":"PK","object_repr":"xa","object_type":"accounts.user",'
        '"reason":"typo","request_id":"","scope_path":"","seq":1}'
    ).replace("PK", str(user.pk))
    assert event.seq == 1
    assert event.prev_hash == "0" * 64
    assert event.row_hash == hashlib.sha256(("0" * 64 + content).encode()).hexdigest()


def test_sealing_chains_the_pending_rows_in_id_order(db):
    events = write(3)

    sealed = audit.seal_audit()

    assert sealed == 3
    rows = chain()
    assert [seq for seq, _prev, _hash in rows] == [1, 2, 3]
    assert list(AuditEvent.objects.sealed().order_by("seq").values_list("pk", flat=True)) == [
        e.pk for e in events
    ]
    assert rows[0][1] == audit.GENESIS
    assert rows[1][1] == rows[0][2]
    assert rows[2][1] == rows[1][2]
    assert len({h for _seq, _prev, h in rows}) == 3


def test_sealing_again_changes_nothing_and_later_rows_continue_the_chain(db):
    write(3)
    audit.seal_audit()
    before = chain()

    assert audit.seal_audit() == 0
    assert chain() == before

    write(1)
    assert audit.seal_audit() == 1
    after = chain()
    assert after[:3] == before
    assert after[3][0] == 4
    assert after[3][1] == before[2][2]


def test_sealing_in_small_chunks_gives_the_same_chain(db):
    write(5)
    with transaction.atomic():
        assert audit.seal_audit(chunk=1000) == 5
        whole = chain()
        transaction.set_rollback(True)
    assert chain() == []

    assert audit.seal_audit(chunk=2) == 5

    assert chain() == whole


def test_bulk_written_rows_are_sealed_like_the_others(world):
    before = AuditEvent.objects.count()
    audit.record_many(
        by=world.commune_clerk,
        action="update",
        entries=[(world.cell_a1, {"x": [1, 2]}), (world.cell_a2, {"x": [3, 4]})],
        scope_path=world.commune_a_committee.path,
    )

    assert audit.seal_audit() == before + 2
    assert not AuditEvent.objects.unsealed().exists()
    assert verify().startswith(f"The audit chain is intact: {before + 2} rows, seq 1 to ")


def test_run_due_seals_the_pending_rows(db):
    write(2)
    out = io.StringIO()

    call_command("run_due", "--on", "2025-03-03", "--no-digests", stdout=out)

    assert out.getvalue().strip().endswith("audit rows sealed: 2")
    assert not AuditEvent.objects.unsealed().exists()


# Nothing changes or deletes a row


def test_a_stored_row_cannot_be_saved_again(db):
    (event,) = write(1)
    event.reason = "rewritten"

    with pytest.raises(AuditRowImmutable):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_a_row_cannot_be_deleted(db):
    (event,) = write(1)

    with pytest.raises(AuditRowImmutable):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_queryset_refuses_update_bulk_update_and_delete(db):
    events = write(2)
    audit.seal_audit()
    before = list(AuditEvent.objects.order_by("pk").values())

    with pytest.raises(AuditRowImmutable):
        AuditEvent.objects.filter(pk=events[0].pk).update(reason="rewritten")
    with pytest.raises(AuditRowImmutable):
        AuditEvent.objects.unsealed().update(seq=99)
    events[1].reason = "rewritten"
    with pytest.raises(AuditRowImmutable):
        AuditEvent.objects.bulk_update([events[1]], ["reason"])
    with pytest.raises(AuditRowImmutable):
        AuditEvent.objects.all().delete()

    assert list(AuditEvent.objects.order_by("pk").values()) == before


def test_a_user_who_appears_in_the_audit_cannot_be_deleted(db):
    user = User.objects.create_user(username="xa", password="demo")
    audit.record(by=user, action="login", obj=user)

    with pytest.raises(ProtectedError):
        user.delete()

    assert AuditEvent.objects.get().actor_id == user.pk


def test_the_database_refuses_to_change_a_row_outside_the_sealer(db):
    (event,) = write(1)

    # unsealed: its content
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'rewritten' WHERE id = %s", [event.pk])
    # unsealed: a seal with a changed content
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET seq = 1, actor_name = 'x' WHERE id = %s", [event.pk]
        )
    audit.seal_audit()
    # sealed: its seal
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET row_hash = 'x' WHERE id = %s", [event.pk])

    stored = AuditEvent.objects.values("reason", "actor_name", "seq").get()
    assert stored == {"reason": "", "actor_name": "system", "seq": 1}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's guard covers UPDATE only: Django's flush deletes there row by row",
)
def test_postgresql_refuses_to_delete_a_row_outside_the_expiry(db):
    (event,) = write(1)
    audit.seal_audit()

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])

    assert AuditEvent.objects.filter(pk=event.pk).exists()


# Expiry


def test_expiry_deletes_the_older_rows_and_anchors_the_rest(db):
    old = write(3, at=JANUARY)
    new = write(2, at=MARCH)

    deleted = audit.expire_audit_before(FEBRUARY)

    assert deleted == 3
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    anchor = AuditEvent.objects.get(action="expire")
    assert anchor.actor_name == "system"
    assert anchor.seq == 6
    rows = chain()
    assert [seq for seq, _prev, _hash in rows] == [4, 5, 6]
    assert anchor.changes == {
        "before": "2025-02-01T00:00:00+00:00",
        "deleted": 3,
        "last_seq": 3,
        "last_hash": rows[0][1],
    }
    assert list(AuditEvent.objects.sealed().order_by("seq").values_list("pk", flat=True)) == [
        *(e.pk for e in new),
        anchor.pk,
    ]
    assert verify() == f"The audit chain is intact: 3 rows, seq 4 to 6, last hash {rows[2][2]}."


def test_expiry_seals_the_pending_rows_before_it_deletes(db):
    write(2, at=JANUARY)
    write(1, at=MARCH)

    assert audit.expire_audit_before(FEBRUARY) == 2

    assert not AuditEvent.objects.unsealed().exists()
    assert [seq for seq, _prev, _hash in chain()] == [3, 4]


def test_expiry_keeps_an_old_row_sealed_after_a_newer_one(db):
    # a row whose transaction committed late was sealed after a newer row
    write(1, at=JANUARY)
    write(1, at=MARCH)
    audit.seal_audit()
    late = write(1, at=JANUARY)
    audit.seal_audit()

    deleted = audit.expire_audit_before(FEBRUARY)

    assert deleted == 1
    assert AuditEvent.objects.filter(pk=late[0].pk).exists()
    assert [seq for seq, _prev, _hash in chain()] == [2, 3, 4]
    assert verify().startswith("The audit chain is intact: 3 rows, seq 2 to 4")


def test_expiry_with_nothing_old_enough_deletes_nothing_and_records_nothing(db):
    write(2, at=MARCH)

    assert audit.expire_audit_before(FEBRUARY) == 0

    assert AuditEvent.objects.count() == 2
    assert not AuditEvent.objects.filter(action="expire").exists()


def test_successive_expiries_keep_the_chain_verifiable(db):
    write(2, at=JANUARY)
    write(2, at=MARCH)
    audit.expire_audit_before(FEBRUARY)
    write(1, at=datetime.datetime(2025, 5, 1, tzinfo=UTC))

    deleted = audit.expire_audit_before(datetime.datetime.now(UTC) + datetime.timedelta(days=1))

    # the March rows, the first expiry's event and the May row
    assert deleted == 4
    anchor = AuditEvent.objects.get()
    assert (anchor.action, anchor.seq, anchor.changes["last_seq"]) == ("expire", 7, 6)
    assert verify().startswith("The audit chain is intact: 1 rows, seq 7 to 7")


def test_expiry_needs_an_aware_cutoff(db):
    with pytest.raises(ValueError):
        audit.expire_audit_before(datetime.datetime(2025, 2, 1))


# Verification


def test_verify_reports_an_intact_chain_with_its_last_hash(db):
    write(3)

    message = verify()

    head = chain()[-1][2]
    assert message == f"The audit chain is intact: 3 rows, seq 1 to 3, last hash {head}."


def test_verify_reports_an_empty_trail(db):
    assert verify() == "The audit chain is empty."


def test_verify_names_the_row_whose_content_changed(db):
    events = write(4)
    audit.seal_audit()
    raw("UPDATE core_auditevent SET reason = 'rewritten' WHERE id = %s", [events[2].pk])

    message = verify_fails()

    assert message == (
        "The audit chain is broken after 2 intact rows: seq 3: the row's content does not "
        "match its hash (changed)"
    )


def test_verify_names_a_row_changed_and_rehashed_by_the_next_link(db):
    events = write(4)
    audit.seal_audit()
    seq, prev_hash, _hash = chain()[1]
    forged = audit.row_hash(
        prev_hash,
        {
            **AuditEvent.objects.values(*audit.CONTENT).get(pk=events[1].pk),
            "reason": "rewritten",
            "seq": seq,
        },
    )
    raw(
        "UPDATE core_auditevent SET reason = 'rewritten', row_hash = %s WHERE id = %s",
        [forged, events[1].pk],
    )

    check = audit.verify_chain()

    assert (check.broken_seq, check.problem, check.rows) == (3, "link", 2)


def test_verify_names_a_deleted_row(db):
    events = write(4)
    audit.seal_audit()
    raw("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])

    message = verify_fails()

    assert message == (
        "The audit chain is broken after 1 intact rows: seq 2: the row is missing (deleted)"
    )


def test_deleting_the_newest_rows_shows_in_the_last_hash_only(db):
    # deleting the newest rows leaves a shorter chain that is intact: the last hash,
    # printed at every run, is what shows it (ADR 0012)
    events = write(3)
    first = verify()
    raw("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])

    second = verify()

    assert first.startswith("The audit chain is intact: 3 rows, seq 1 to 3")
    assert second.startswith("The audit chain is intact: 2 rows, seq 1 to 2")


def test_verify_names_reordered_rows(db):
    events = write(4)
    audit.seal_audit()
    raw("UPDATE core_auditevent SET seq = -1 WHERE id = %s", [events[1].pk])
    raw("UPDATE core_auditevent SET seq = 2 WHERE id = %s", [events[2].pk])
    raw("UPDATE core_auditevent SET seq = 3 WHERE id = %s", [events[1].pk])

    check = audit.verify_chain()

    assert (check.broken_seq, check.problem) == (2, "link")
    assert "seq 2: its previous hash is not the hash of the row before it" in verify_fails()


def test_verify_names_the_oldest_rows_deleted_without_an_expiry(db):
    events = write(2, at=JANUARY)
    write(2, at=MARCH)
    audit.seal_audit()
    raw("DELETE FROM core_auditevent WHERE id IN (%s, %s)", [events[0].pk, events[1].pk])

    check = audit.verify_chain()

    assert (check.broken_seq, check.problem) == (3, "start")


def test_verify_names_a_forged_expiry_anchor(db):
    write(2, at=JANUARY)
    write(2, at=MARCH)
    audit.expire_audit_before(FEBRUARY)
    anchor = AuditEvent.objects.get(action="expire")
    forged = '{"last_seq": 2, "last_hash": "' + "f" * 64 + '"}'
    if connection.vendor == "postgresql":
        raw("UPDATE core_auditevent SET changes = %s::jsonb WHERE id = %s", [forged, anchor.pk])
    else:
        raw("UPDATE core_auditevent SET changes = %s WHERE id = %s", [forged, anchor.pk])

    check = audit.verify_chain()

    assert (check.broken_seq, check.problem) == (3, "start")


def test_verify_reads_in_chunks(db):
    write(7)

    check = audit.verify_chain(chunk=3)

    assert (check.ok, check.rows, check.first_seq, check.last_seq) == (True, 7, 1, 7)


# Concurrency (PostgreSQL: real transactions at once)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes whole transactions; concurrent sealers need PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_sealers_and_writers_at_once_seal_every_row_once():
    write(50)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def seal():
        try:
            barrier.wait()
            for _ in range(5):
                audit.seal_audit(chunk=7)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def record():
        try:
            barrier.wait()
            for i in range(30):
                with transaction.atomic():
                    audit.record(by=None, action="update", object_repr=f"concurrent {i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=t) for t in (seal, seal, seal, record)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    audit.seal_audit()
    assert AuditEvent.objects.sealed().count() == 80
    check = audit.verify_chain()
    assert (check.ok, check.rows, check.last_seq) == (True, 80, 80)
