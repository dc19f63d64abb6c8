"""Writing the nation (``demo.nation``) into PostgreSQL with ``COPY``, in bounded memory.

The tables it fills are emptied of their secondary indexes, unique and foreign-key
constraints for the load (a deferred foreign key alone slows ``COPY`` 2–2.5×, see
``docs/performance.md``) and given them back afterwards from the definitions the
migrations left (``pg_get_indexdef``/``pg_get_constraintdef``), so the schema after the
load is exactly the migrated one. Everything happens in one transaction (PostgreSQL's
DDL is transactional): all or nothing.

Members are produced one at a time and written as text ``COPY`` lines in blocks; the
residence link of each working member is written at the same time to a temporary file
(a connection runs one ``COPY`` at a time) and copied in after the members. Only the
organization tree stays in memory. The columns ``save()`` would derive are computed by
the same functions (``fold``, ``members.models.name_keys`` through the demo's cache), the
paths as ``organizations.services`` makes them, and the sequences are moved past the
ids given here.
"""

import datetime
import resource
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone

from lienhe213.accounts.models import RoleAssignment, User
from lienhe213.core import audit
from lienhe213.core.text import fold
from lienhe213.demo.loader import DEMO_ACCOUNTS, _demo_password_hash, _reset_sequences
from lienhe213.demo.nation import ORG_VALID_FROM, LinkMaker, Nation, Org, members_of, plan_nation
from lienhe213.demo.people import derived_name_fields
from lienhe213.members.models import Member
from lienhe213.organizations.models import AdministrativeUnit, Community, Organization
from lienhe213.organizations.models import OrganizationHistory as History
from lienhe213.organizations.units import load_administrative_units
from lienhe213.registry.models import ResidenceLink
from lienhe213.reports.models import TallyState

# The tables the nation fills, in the order they are written.
TABLES = (
    "organizations_community",
    "organizations_organization",
    "organizations_organizationhistory",
    "members_member",
    "registry_residencelink",
)
BLOCK = 1 << 20  # bytes handed to COPY at a time

MEMBER_COLUMNS = (
    "id",
    "family_name",
    "middle_name",
    "given_name",
    "gender",
    "birth_date",
    "joined_on",
    "official_on",
    "party_card_number",
    "dossier_number",
    "citizen_id",
    "employment",
    "workplace_name",
    "residence_address",
    "phone",
    "email",
    "unit_path",
    "search_text",
    "name_sort_key",
    "version",
    "created_at",
    "updated_at",
    "organization_id",
    "residence_commune_id",
    "residence_community_id",
)
LINK_COLUMNS = (
    "id",
    "member_id",
    "issued_by_organization_id",
    "workplace_organization_id",
    "residence_commune_organization_id",
    "residence_cell_id",
    "category",
    "letter_form",
    "letter_number",
    "letter_year",
    "issued_on",
    "deadline",
    "received_on",
    "assigned_on",
    "acknowledged_on",
    "return_reason",
    "end_reason",
    "status",
    "version",
    "created_at",
    "updated_at",
)


@dataclass
class NationResult:
    seed: int
    scale: float
    provinces: int = 0
    communes: int = 0
    organizations: int = 0
    communities: int = 0
    members: int = 0
    working_members: int = 0
    links: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        # Communities, organizations and their history rows, members, links.
        return self.communities + 2 * self.organizations + self.members + self.links


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (``ru_maxrss`` is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: object) -> str:
    """A value in ``COPY``'s text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    return str(value)


def _line(values: Iterable[object]) -> str:
    return "\t".join(_text(v) for v in values) + "\n"


class _Copy:
    """Text lines gathered into blocks for one ``COPY … FROM STDIN``."""

    def __init__(self, copy: Any) -> None:
        self.copy = copy
        self.parts: list[str] = []
        self.size = 0
        self.rows = 0

    def write(self, line: str) -> None:
        self.parts.append(line)
        self.size += len(line)
        self.rows += 1
        if self.size > BLOCK:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.copy.write("".join(self.parts).encode())
            self.parts = []
            self.size = 0


def _copy_sql(table: str, columns: Iterable[str]) -> str:
    return f"COPY {table} ({', '.join(columns)}) FROM STDIN"


def _schema(cursor: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """The secondary indexes ``(name, definition)`` and the unique and foreign-key
    constraints ``(table, name, definition)`` of ``TABLES``."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname
                          AND c.conrelid = (quote_ident(i.tablename))::regclass)
        ORDER BY i.tablename, i.indexname
        """,
        [list(TABLES)],
    )
    # A predicate with an IN list (``= ANY (ARRAY[…])``) does not read back as the same
    # text once re-created (PostgreSQL moves the casts), so such an index stays through
    # the load: the schema afterwards must be exactly the migrated one.
    indexes = [(name, d) for name, d in cursor.fetchall() if "ARRAY[" not in d]
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.conrelid = ANY(SELECT (quote_ident(t))::regclass FROM unnest(%s::text[]) t)
          AND c.contype IN ('u', 'f')
        ORDER BY c.contype DESC, 1, 2
        """,
        [list(TABLES)],
    )
    return indexes, list(cursor.fetchall())


def _drop(cursor: Any, indexes: list[tuple[str, str]], constraints: list[tuple[str, str, str]]):  # type: ignore[no-untyped-def]
    for table, name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')


def _restore(cursor: Any, indexes: list[tuple[str, str]], constraints: list[tuple[str, str, str]]):  # type: ignore[no-untyped-def]
    """Unique constraints, then the indexes, then the foreign keys (which validate
    against the indexed tables)."""
    for table, name, definition in constraints:
        if definition.startswith("UNIQUE"):
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _name, definition in indexes:
        cursor.execute(definition)
    for table, name, definition in constraints:
        if not definition.startswith("UNIQUE"):
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _provinces() -> list[tuple[str, str, int, list[tuple[int, str, str]]]]:
    communes: dict[int, list[tuple[int, str, str]]] = {}
    for unit_id, name, division_type, parent in (
        AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.COMMUNE, valid_until__isnull=True
        )
        .order_by("code")
        .values_list("id", "name", "division_type", "parent_id")
    ):
        communes.setdefault(parent, []).append((unit_id, name, division_type))
    return [
        (code, name, unit_id, communes[unit_id])
        for unit_id, code, name in AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.PROVINCE, valid_until__isnull=True
        )
        .order_by("code")
        .values_list("id", "code", "name")
        if unit_id in communes
    ]


def _write_tree(cursor: Any, nation: Nation, now: str) -> None:
    with cursor.copy(
        _copy_sql(TABLES[0], ("id", "name", "kind", "valid_from", "commune_id"))
    ) as copy:
        out = _Copy(copy)
        for community_id, unit_id, name, kind in nation.communities:
            out.write(_line((community_id, name, kind, ORG_VALID_FROM, unit_id)))
        out.flush()
    org_columns = (
        "id",
        "code",
        "name",
        "name_folded",
        "kind",
        "side",
        "path",
        "depth",
        "valid_from",
        "administrative_unit_id",
        "community_id",
        "parent_id",
    )
    with cursor.copy(_copy_sql(TABLES[1], org_columns)) as copy:
        out = _Copy(copy)
        for o in nation.organizations:
            out.write(
                _line(
                    (
                        o.id,
                        "",
                        o.name,
                        fold(o.name),
                        o.kind,
                        o.side,
                        o.path,
                        o.depth,
                        ORG_VALID_FROM,
                        o.unit_id,
                        o.community_id,
                        o.parent.id if o.parent else None,
                    )
                )
            )
        out.flush()
    history_columns = (
        "kind",
        "effective_date",
        "old_name",
        "new_name",
        "recorded_at",
        "new_parent_id",
        "organization_id",
    )
    created = History.Kind.CREATED.value
    with cursor.copy(_copy_sql(TABLES[2], history_columns)) as copy:
        out = _Copy(copy)
        for o in nation.organizations:
            out.write(
                _line(
                    (
                        created,
                        ORG_VALID_FROM,
                        "",
                        o.name,
                        now,
                        o.parent.id if o.parent else None,
                        o.id,
                    )
                )
            )
        out.flush()


def _write_members(
    cursor: Any, nation: Nation, links: LinkMaker, spool: IO[str], now: str
) -> tuple[int, int]:
    """Copy every member in; write the working members' links to ``spool``. Returns
    the number of members and of working members."""
    members = working = 0
    names = derived_name_fields
    with cursor.copy(_copy_sql(TABLES[3], MEMBER_COLUMNS)) as copy:
        out = _Copy(copy)
        write = out.write
        next_id = 1
        for province in nation.provinces:
            for m in members_of(nation, province, next_id):
                search_text, sort_key = names(m.family_name, m.middle_name, m.given_name)
                org = m.organization
                write(
                    f"{m.id}\t{m.family_name}\t{m.middle_name}\t{m.given_name}\t{m.gender}\t"
                    f"{m.birth_date}\t{m.joined_on}\t"
                    f"{m.official_on if m.official_on else chr(92) + 'N'}\t"
                    f"{m.party_card_number}\t{m.dossier_number}\t{m.citizen_id}\t"
                    f"{m.employment}\t{_text(m.workplace_name)}\t{m.residence_address}\t"
                    f"{m.phone}\t{m.email}\t{org.path}\t{search_text}\t{_text(sort_key)}\t1\t"
                    f"{now}\t{now}\t{org.id}\t{m.residence_commune_id}\t"
                    f"{m.residence_community_id}\n"
                )
                members += 1
                next_id = m.id + 1
                if m.issuer is not None:
                    working += 1
                    link = links.link(m)
                    spool.write(
                        _line(
                            (
                                link.id,
                                link.member_id,
                                link.issuer_id,
                                link.issuer_id,
                                link.commune_id,
                                link.cell_id,
                                link.category,
                                link.letter_form,
                                link.letter_number,
                                link.letter_year,
                                link.issued_on,
                                link.deadline,
                                link.received_on,
                                link.assigned_on,
                                link.acknowledged_on,
                                "",
                                "",
                                link.status,
                                link.version,
                                now,
                                now,
                            )
                        )
                    )
        out.flush()
    return members, working


def _copy_file(cursor: Any, table: str, columns: Iterable[str], source: IO[str]) -> None:
    source.seek(0)
    with cursor.copy(_copy_sql(table, columns)) as copy:
        while block := source.read(BLOCK):
            copy.write(block.encode())


def _write_accounts(nation: Nation) -> None:
    """The administrator, a provincial officer (the largest province) and a commune
    clerk (its first commune), all with the password ``demo``."""
    password = _demo_password_hash()
    largest = max(nation.provinces, key=lambda p: p.working + p.residents)
    where: dict[str, Org] = {
        "admin": nation.provinces[0].root,
        "tinh": largest.root,
        "xa": largest.communes[0].committee,
    }
    admin = None
    for account in DEMO_ACCOUNTS:
        if account.username not in where:
            continue
        user = User.objects.create(
            username=account.username,
            password=password,
            is_superuser=account.username == "admin",
            is_staff=account.username == "admin",
            first_name=account.full_name,
        )
        admin = admin or user
        RoleAssignment.objects.create(
            user=user,
            organization_id=where[account.username].id,
            role=account.role,
            granted_by=admin,
        )


def build_nation(
    *,
    seed: int,
    scale: float = 1.0,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> NationResult:
    """Load the nation at ``scale`` into an empty tree (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("the nation preset needs PostgreSQL")
    started = time.perf_counter()
    result = NationResult(seed=seed, scale=scale)
    last = [started]

    def lap(name: str) -> None:
        now = time.perf_counter()
        result.phases[name] = now - last[0]
        last[0] = now
        if progress:
            progress(f"{name}: {result.phases[name]:.1f} s, peak {peak_rss_mb():.0f} MB")

    today = today or timezone.localdate()
    now = timezone.now().isoformat()
    with transaction.atomic():
        load_administrative_units()
        provinces = _provinces()
        nation = plan_nation(seed, scale, provinces)
        result.provinces = len(nation.provinces)
        result.communes = sum(len(p.communes) for p in nation.provinces)
        result.organizations = len(nation.organizations)
        result.communities = len(nation.communities)
        lap("plan")
        with connection.cursor() as django_cursor:
            cursor = django_cursor.cursor  # psycopg's own, for COPY
            # The units' deferred foreign-key checks must run before the tables change.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            indexes, constraints = _schema(cursor)
            _drop(cursor, indexes, constraints)
            lap("drop indexes")
            _write_tree(cursor, nation, now)
            lap("organizations")
            links = LinkMaker(seed, today, first_id=1)
            with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
                result.members, result.working_members = _write_members(
                    cursor, nation, links, spool, now
                )
                lap("members")
                _copy_file(cursor, TABLES[4], LINK_COLUMNS, spool)
            result.links = links.next_id - 1
            lap("residence links")
            # Building the member table's indexes sorts millions of keys: give the sorts
            # the memory to do it in one pass (the server's, for this transaction only).
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            _restore(cursor, indexes, constraints)
            lap("indexes and constraints")
        _reset_sequences(Community, Organization, History, Member, ResidenceLink)
        # Written around the services: the reports count the rows until
        # ``manage.py summaries --rebuild`` builds their counts (ADR 0022).
        TallyState.objects.all().delete()
        _write_accounts(nation)
        root = Organization.objects.get(pk=nation.provinces[0].root.id)
        audit.record(
            by=None,
            action="import",
            obj=root,
            scope_path=root.path,
            object_repr="demo preset nation",
            changes={
                "preset": "nation",
                "seed": seed,
                "scale": scale,
                "organizations": result.organizations,
                "members": result.members,
                "residence_links": result.links,
            },
        )
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
    lap("statistics")
    result.seconds = time.perf_counter() - started
    result.peak_rss_mb = peak_rss_mb()
    return result
