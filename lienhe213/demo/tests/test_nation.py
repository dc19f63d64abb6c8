"""``seed_demo --preset nation`` at a tiny scale: the rows keep the invariants the
services keep, the schema after the load is the migrated one, the load is deterministic,
and SQLite is refused."""

import datetime
import hashlib
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from lienhe213.accounts.models import User
from lienhe213.core.text import fold
from lienhe213.demo.nation_loader import TABLES, build_nation
from lienhe213.members.models import Member
from lienhe213.members.services import create_member
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.reconciliation import reconcile
from lienhe213.reports import indicators, summaries

SCALE = 0.001
TODAY = datetime.date(2026, 3, 16)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the nation preset is written with PostgreSQL's COPY; SQLite refuses it",
)


def _schema() -> set[tuple[str, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [list(TABLES)]
        )
        indexes = {("index", *row) for row in cursor.fetchall()}
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated
            FROM pg_constraint
            WHERE conrelid = ANY(SELECT t::regclass FROM unnest(%s::text[]) t)""",
            [list(TABLES)],
        )
        constraints = {("constraint", *map(str, row)) for row in cursor.fetchall()}
    return indexes | constraints


def _checksum() -> str:
    digest = hashlib.sha256()
    for row in Member.objects.order_by("pk").values_list(
        "pk", "family_name", "middle_name", "given_name", "party_card_number", "organization_id"
    ):
        digest.update(repr(row).encode())
    for row in Organization.objects.order_by("pk").values_list("pk", "name", "path"):
        digest.update(repr(row).encode())
    for row in ResidenceLink.objects.order_by("pk").values_list("pk", "member_id", "status"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is SQLite's")
@pytest.mark.django_db
def test_sqlite_refuses_the_nation_and_writes_nothing():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("seed_demo", preset="nation", scale=SCALE)
    assert not Organization.objects.exists()
    assert not Member.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("scale", [0, -0.5, 1.5])
def test_a_scale_outside_the_nation_is_refused(scale):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite refuses the preset before reading the scale")
    with pytest.raises(CommandError, match="scale"):
        call_command("seed_demo", preset="nation", scale=scale)
    assert not Organization.objects.exists()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_nation_keeps_the_invariants_of_the_services():
    migrated = _schema()
    result = build_nation(seed=213, scale=SCALE, today=TODAY)

    # The counts printed are the rows written, and every province is there.
    assert result.provinces == 34
    assert Organization.objects.filter(kind="provincial_committee").count() == 34
    assert Organization.objects.count() == result.organizations
    assert Member.objects.count() == result.members > 1000
    assert ResidenceLink.objects.count() == result.links == result.working_members
    assert Member.objects.filter(employment="working").count() == result.working_members
    assert set(ResidenceLink.objects.values_list("status", flat=True)) == {
        "issued",
        "received",
        "assigned",
        "active",
    }

    # The schema is exactly the migrated one: indexes and constraints rebuilt.
    assert _schema() == migrated

    # Written around the services, the reports count the rows until the counts are
    # built (ADR 0022); built, a province's last year reads the same from them.
    assert not summaries.built()
    summaries.rebuild()
    admin = User.objects.create_superuser("nation_admin", password="x")
    province = Organization.objects.filter(kind="provincial_committee").order_by("pk")[0]
    year = indicators.Period.for_year(TODAY.year - 1)
    reads_tallies, read = indicators._reads_tallies, []
    with mock.patch.object(
        indicators, "_reads_tallies", lambda *a: read.append(reads_tallies(*a)) or read[-1]
    ):
        counted = indicators.compute(user=admin, organization=province, period=year, today=TODAY)
    assert read == [True]
    with mock.patch.object(indicators, "_reads_tallies", return_value=False):
        live = indicators.compute(user=admin, organization=province, period=year, today=TODAY)
    assert counted.figures == live.figures and counted.figures["working_members"] > 0
    assert counted.problems == live.problems
    assert [f for _c, f in counted.children] == [f for _c, f in live.children]

    # Paths (ADR 0002) and member scope paths (ADR 0004) are exact.
    by_id = {o.pk: o for o in Organization.objects.all()}
    for org in by_id.values():
        parent = by_id.get(org.parent_id) if org.parent_id else None
        assert org.path == f"{parent.path if parent else ''}{org.pk}."
        assert org.depth == (parent.depth + 1 if parent else 0)
    members = list(Member.objects.select_related("organization"))
    for member in members:
        assert member.unit_path == member.organization.path

    # Folded columns equal what save() computes (ADR 0003).
    for org in by_id.values():
        assert org.name_folded == fold(org.name)
    for member in members:
        stored = (member.search_text, member.name_sort_key, member.unit_path)
        member.refresh_derived()
        assert (member.search_text, member.name_sort_key, member.unit_path) == stored

    # The links answer to the member's own grassroots organization and residence.
    for link in ResidenceLink.objects.select_related("member", "workplace_organization"):
        assert link.member.unit_path.startswith(link.workplace_organization.path)
    assert not ResidenceLink.objects.exclude(
        residence_commune_organization__administrative_unit=F("member__residence_commune")
    ).exists()

    # check_book: nothing lost, nothing overdue, no invariant broken.
    check = reconcile(on=TODAY)
    assert check.is_clean, check.counts()

    # The sequences are past the ids given: the application inserts afterwards.
    cell = Organization.objects.filter(kind="cell", side="residential").first()
    assert cell is not None
    admin = User.objects.get(username="admin")
    member = create_member(
        by=admin,
        family_name="Nguyễn",
        middle_name="Văn",
        given_name="Mới",
        gender="male",
        birth_date=datetime.date(1990, 1, 1),
        joined_on=datetime.date(2015, 1, 1),
        organization=cell,
        employment="retired",
        residence_commune=cell.administrative_unit,
    )
    assert member.pk > result.members
    assert member.search_text == "nguyen van moi"
    link_max = ResidenceLink.objects.order_by("-pk").values_list("pk", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_value FROM pg_sequences WHERE sequencename = %s",
            ["registry_residencelink_id_seq"],
        )
        assert cursor.fetchone()[0] >= link_max


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_loads_at_the_same_scale_give_the_same_rows():
    first = build_nation(seed=213, scale=SCALE, today=TODAY)
    first_sum = _checksum()
    call_command("flush", interactive=False, verbosity=0)
    second = build_nation(seed=213, scale=SCALE, today=TODAY)
    assert (first.organizations, first.members, first.links) == (
        second.organizations,
        second.members,
        second.links,
    )
    assert _checksum() == first_sum
    call_command("flush", interactive=False, verbosity=0)
    other = build_nation(seed=214, scale=SCALE, today=TODAY)
    assert other.organizations != first.organizations or _checksum() != first_sum


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_command_refuses_a_database_that_holds_a_tree():
    build_nation(seed=213, scale=SCALE, today=TODAY)
    members = Member.objects.count()
    with pytest.raises(CommandError):
        call_command("seed_demo", preset="nation", scale=SCALE)
    assert Member.objects.count() == members
