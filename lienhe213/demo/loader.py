"""Writing a demo ``Plan`` to the database, fast enough for a whole province.

The organization services create one node at a time (lock, insert, path update,
history, audit: several queries per node); a province has thousands of nodes and tens
of thousands of members, so the demo writes them in bulk instead, keeping exactly the
invariants those services keep:

- ``Organization.path`` is the chain of ancestor ids with a trailing dot and ``depth``
  the number of ancestors, as ``organizations.services.create_organization`` makes them;
  ids are assigned here so that paths are known before the single insert, and the
  database sequence is moved past them afterwards;
- every organization gets its "created" ``OrganizationHistory`` row;
- the columns that ``save()`` would derive (``name_folded``, ``search_text``,
  ``name_sort_key``) are computed with the same functions, because ``bulk_create``
  bypasses ``save()``;
- the tracking book (``demo.book``) is written by ``demo.book_writer`` with the rows the
  registry services would have left;
- the residence meetings of the last ``Plan.meeting_years`` years, the comment
  campaigns (last year's, or every year from ``Plan.first_campaign_year``, and this
  year's), and the notices between the committees (``demo.activity``) are planned from the book and
  written by ``demo.activity_writer`` with the rows their services would have left;
- one audit event records the import itself.
"""

import datetime
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import identify_hasher, make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from lienhe213.accounts.models import Role, RoleAssignment, User
from lienhe213.comments.models import CommentCampaign, CommentRequest
from lienhe213.core import audit
from lienhe213.core.bulk import insert_rows
from lienhe213.core.text import fold
from lienhe213.demo.activity import plan_activity
from lienhe213.demo.activity_writer import (
    Ids,
    first_id,
    write_comments,
    write_follow_ups,
    write_meetings,
    write_notices,
)
from lienhe213.demo.book import BOOK_SHAPES, Book, plan_book
from lienhe213.demo.book_writer import calendar, write_book
from lienhe213.demo.feedback_writer import write_feedback
from lienhe213.demo.people import derived_name_fields
from lienhe213.demo.plans import ORG_VALID_FROM, PRESETS, Plan
from lienhe213.demo.reform import ReformResult, apply_reform
from lienhe213.demo.training_writer import write_training
from lienhe213.guidance.services import load_guidance
from lienhe213.meetings.models import Meeting
from lienhe213.members.models import Member
from lienhe213.notices.models import Notice
from lienhe213.organizations.models import AdministrativeUnit, Community, Organization
from lienhe213.organizations.models import OrganizationHistory as History
from lienhe213.organizations.units import load_administrative_units, load_pre_2025_units
from lienhe213.registry.models import ResidenceLink
from lienhe213.reports import summaries

DEMO_PASSWORD = "demo"  # noqa: S105  (published demo accounts, printed by demo_logins)
# make_password("demo") with a fixed salt: hashing is slow on purpose (about a second
# here), and the password is public anyway. Used when the configured hashers accept it.
_DEMO_PASSWORD_HASH = (
    "pbkdf2_sha256$1000000$lienhe213demo$FATaDoXOVvVy7uqity0NY6t+C5f1crogvcTP7oeCkik="  # noqa: S105
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    description: str
    # The person's name, which the pages greet them by (the member's account takes the
    # member's own name).
    full_name: str = ""
    # A community representative: whom they speak for, and which of the demo commune's
    # residential cells (0: the demo secretary's cell, 1: the next one) is theirs.
    representative_kind: str = ""
    cell: int = 0


# In the order demo_logins prints them.
DEMO_ACCOUNTS = (
    DemoAccount("admin", Role.ADMINISTRATOR, "superuser", "Lê Minh Quân"),
    DemoAccount("tinh", Role.PROVINCIAL_OFFICER, "provincial committee", "Hoàng Thị Thu"),
    DemoAccount("xa", Role.COMMUNE_CLERK, "commune committee", "Nguyễn Thị Hạnh"),
    DemoAccount("chibo", Role.CELL_SECRETARY, "residential cell", "Trần Văn Bình"),
    DemoAccount(
        "coquan", Role.WORKPLACE_OFFICER, "workplace grassroots committee", "Phạm Quốc Huy"
    ),
    DemoAccount("dangvien", Role.MEMBER, "working member"),
    # The community representatives of the demo commune's first cells (ADR 0014).
    DemoAccount(
        "mattran",
        Role.COMMUNITY_REPRESENTATIVE,
        "Front work committee head of the demo cell",
        "Hoàng Văn Sơn",
        representative_kind="front_committee_head",
    ),
    DemoAccount(
        "totruong",
        Role.COMMUNITY_REPRESENTATIVE,
        "head of the demo cell's community",
        "Đỗ Thị Mai",
        representative_kind="community_head",
    ),
    DemoAccount(
        "totruong2",
        Role.COMMUNITY_REPRESENTATIVE,
        "head of the next cell's community",
        "Vàng Seo Lử",
        representative_kind="community_head",
        cell=1,
    ),
)


@dataclass
class SeedResult:
    preset: str
    seed: int
    organizations: int = 0
    grassroots: int = 0
    communities: int = 0
    members: int = 0
    working_members: int = 0
    linked_members: int = 0
    links: int = 0
    decisions: int = 0
    accounts: int = 0
    meetings: int = 0
    attendances: int = 0
    comment_requests: int = 0
    comments_returned: int = 0
    notices: int = 0
    notice_replies: int = 0
    resident_reports: int = 0
    training_sessions: int = 0
    reform: ReformResult | None = None
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


class _Clock:
    def __init__(self, phases: dict[str, float]) -> None:
        self.phases = phases
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = now - self.last
        self.last = now


def _next_id(model: type[Organization] | type[Community]) -> int:
    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def _reset_sequences(*models: type[Any]) -> None:
    """Move the id sequences past the explicitly assigned ids (PostgreSQL needs it)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _write_communities(plan: Plan, unit_ids: dict[str, int]) -> list[int]:
    first = _next_id(Community)
    ids = [first + i for i in range(len(plan.communities))]
    insert_rows(
        Community,
        (
            {
                "id": community_id,
                "commune_id": unit_ids[spec.commune],
                "name": spec.name,
                "kind": spec.kind,
                "valid_from": ORG_VALID_FROM,
            }
            for community_id, spec in zip(ids, plan.communities, strict=True)
        ),
        keys=["id", "commune_id", "name", "kind", "valid_from"],
    )
    return ids


def _write_organizations(
    plan: Plan, unit_ids: dict[str, int], community_ids: list[int]
) -> list[dict[str, Any]]:
    first = _next_id(Organization)
    orgs: list[dict[str, Any]] = []
    for i, spec in enumerate(plan.organizations):
        parent = orgs[spec.parent] if spec.parent is not None else None
        org_id = first + i
        orgs.append(
            {
                "id": org_id,
                "name": spec.name,
                "name_folded": fold(spec.name),
                "kind": spec.kind,
                "side": spec.side,
                "parent_id": parent["id"] if parent else None,
                "path": f"{parent['path'] if parent else ''}{org_id}.",
                "depth": parent["depth"] + 1 if parent else 0,
                "administrative_unit_id": unit_ids[spec.commune] if spec.commune else None,
                "community_id": (
                    community_ids[spec.community] if spec.community is not None else None
                ),
                "valid_from": ORG_VALID_FROM,
            }
        )
    insert_rows(Organization, orgs, keys=list(orgs[0]))
    history = [
        {
            "organization_id": org["id"],
            "kind": History.Kind.CREATED.value,
            "effective_date": org["valid_from"],
            "new_name": org["name"],
            "new_parent_id": org["parent_id"],
        }
        for org in orgs
    ]
    insert_rows(History, history, keys=list(history[0]))
    return orgs


def _member_rows(
    plan: Plan, orgs: list[dict[str, Any]], unit_ids: dict[str, int], community_ids: list[int]
) -> Iterator[dict[str, Any]]:
    for spec in plan.members:
        p = spec.person
        search_text, name_sort_key = derived_name_fields(p.family_name, p.middle_name, p.given_name)
        yield {
            "family_name": p.family_name,
            "middle_name": p.middle_name,
            "given_name": p.given_name,
            "gender": p.gender,
            "birth_date": p.birth_date,
            "joined_on": p.joined_on,
            "official_on": p.official_on,
            "party_card_number": p.party_card_number,
            "dossier_number": p.dossier_number,
            "citizen_id": p.citizen_id,
            "organization_id": orgs[spec.organization]["id"],
            "unit_path": orgs[spec.organization]["path"],
            "employment": spec.employment,
            "workplace_name": spec.workplace_name,
            "residence_commune_id": unit_ids[spec.residence_commune],
            "residence_community_id": (
                community_ids[spec.residence_community]
                if spec.residence_community is not None
                else None
            ),
            "residence_address": spec.residence_address,
            "phone": p.phone,
            "email": p.email,
            "search_text": search_text,
            "name_sort_key": name_sort_key,
        }


MEMBER_KEYS = (
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
    "organization_id",
    "unit_path",
    "employment",
    "workplace_name",
    "residence_commune_id",
    "residence_community_id",
    "residence_address",
    "phone",
    "email",
    "search_text",
    "name_sort_key",
)


def _demo_password_hash() -> str:
    try:
        identify_hasher(_DEMO_PASSWORD_HASH)
    except ValueError:  # e.g. a faster hasher configured for tests
        return make_password(DEMO_PASSWORD)
    return _DEMO_PASSWORD_HASH


def _write_admin() -> User:
    """The superuser, first of the demo accounts (its role comes with the others)."""
    return User.objects.create(
        username="admin",
        password=_demo_password_hash(),
        is_superuser=True,
        is_staff=True,
        first_name=DEMO_ACCOUNTS[0].full_name,
    )


def _write_accounts(plan: Plan, orgs: list[dict[str, Any]], admin: User) -> int:
    """The demo accounts, all with the password ``demo``; ``orgs`` gives the ids of the
    plan's organizations as they stand today."""
    password = _demo_password_hash()
    working_member = Member.objects.get(
        party_card_number=plan.members[plan.demo_working_member].person.party_card_number
    )
    by_id = {
        org.pk: org
        for org in Organization.objects.filter(
            pk__in=[
                orgs[0]["id"],
                orgs[plan.demo_commune_committee]["id"],
                orgs[plan.demo_residential_cell]["id"],
                orgs[plan.demo_workplace_committee]["id"],
                working_member.organization_id,
            ]
        )
    }
    demo_cell = by_id[orgs[plan.demo_residential_cell]["id"]]
    next_cell = (
        Organization.objects.filter(
            parent_id=demo_cell.parent_id,
            kind=Organization.Kind.CELL,
            side=Organization.Side.RESIDENTIAL,
        )
        .exclude(pk=demo_cell.pk)
        .order_by("path")
        .first()
    )
    cells = [demo_cell, next_cell or demo_cell]
    where = {
        **{a.username: cells[a.cell] for a in DEMO_ACCOUNTS if a.representative_kind},
        "admin": by_id[orgs[0]["id"]],
        "tinh": by_id[orgs[0]["id"]],
        "xa": by_id[orgs[plan.demo_commune_committee]["id"]],
        "chibo": by_id[orgs[plan.demo_residential_cell]["id"]],
        "coquan": by_id[orgs[plan.demo_workplace_committee]["id"]],
        "dangvien": by_id[working_member.organization_id],
    }
    for account in DEMO_ACCOUNTS:
        user = (
            admin
            if account.username == admin.username
            else User.objects.create(
                username=account.username,
                password=password,
                member=working_member if account.role == Role.MEMBER else None,
                first_name=(
                    working_member.full_name if account.role == Role.MEMBER else account.full_name
                ),
            )
        )
        RoleAssignment.objects.create(
            user=user,
            organization=where[account.username],
            role=account.role,
            granted_by=admin,
            representative_kind=account.representative_kind,
        )
    return len(DEMO_ACCOUNTS)


def _write_book(
    plan: Plan, orgs: list[dict[str, Any]], first_member: int, today: datetime.date
) -> tuple[Book, dict[str, int], Ids, set[datetime.date]]:
    """Plan the tracking book of the preset against the stored calendar and write it;
    returns the book, the counts written, the ids of the plan's rows and the holidays."""
    root = Organization.objects.get(pk=orgs[0]["id"])
    holidays, deadline_days = calendar(root)
    book = plan_book(
        plan,
        BOOK_SHAPES[plan.preset],
        today=today,
        holidays=holidays,
        deadline_days=deadline_days,
    )
    member_ids = list(
        Member.objects.filter(pk__gte=first_member).order_by("pk").values_list("pk", flat=True)
    )
    org_ids = [o["id"] for o in orgs]
    counts = write_book(book, orgs=org_ids, members=member_ids)
    _reset_sequences(ResidenceLink)
    return book, counts, Ids(org_ids, member_ids, counts["first_link"]), holidays


def _restructure(
    plan: Plan,
    orgs: list[dict[str, Any]],
    community_ids: list[int],
    admin: User,
    result: SeedResult,
) -> list[dict[str, Any]]:
    """Apply the plan's 2025 restructuring (``demo.reform``); returns ``orgs`` with the
    province and the demo commune replaced by the committees that stand for them today."""
    reform = apply_reform(plan, [o["id"] for o in orgs], community_ids, by=admin)
    result.reform = reform
    today = list(orgs)
    today[0] = {**orgs[0], "id": reform.province}
    for index, committee in reform.committees.items():
        today[index] = {**orgs[index], "id": committee}
    return today


def build_preset(
    preset: str,
    *,
    seed: int,
    progress: Callable[[str], None] | None = None,
    today: datetime.date | None = None,
) -> SeedResult:
    """Build ``preset`` with ``seed`` into an empty tree (all or nothing). The tracking
    book's letters in progress are dated relative to ``today`` (the local date by
    default)."""
    started = time.perf_counter()
    result = SeedResult(preset=preset, seed=seed)
    clock = _Clock(result.phases)
    with transaction.atomic(), summaries.suspended():  # rebuilt at the end
        load_administrative_units()
        clock.lap("administrative units")
        plan = PRESETS[preset](seed)
        clock.lap("plan")
        if plan.reform is not None:
            load_pre_2025_units()
            clock.lap("pre-2025 units")
        load_guidance()
        clock.lap("guidance texts")
        codes = {o.commune for o in plan.organizations if o.commune}
        codes |= {m.residence_commune for m in plan.members}
        unit_ids = dict(AdministrativeUnit.objects.filter(code__in=codes).values_list("code", "id"))
        community_ids = _write_communities(plan, unit_ids)
        orgs = _write_organizations(plan, unit_ids, community_ids)
        _reset_sequences(Organization, Community)
        clock.lap("organizations")
        if progress:
            progress(f"{len(orgs)} organizations")
        first_member = (Member.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        result.members = insert_rows(
            Member, _member_rows(plan, orgs, unit_ids, community_ids), keys=MEMBER_KEYS
        )
        clock.lap("members")
        today = today or timezone.localdate()
        book_plan, book, ids, holidays = _write_book(plan, orgs, first_member, today)
        result.linked_members = book["linked_members"]
        result.links = book["links"]
        result.decisions = book["decisions"]
        clock.lap("tracking book")
        activity = plan_activity(plan, book_plan, today=today, holidays=holidays)
        clock.lap("activity plan")
        meetings = write_meetings(activity.meetings, ids)
        _reset_sequences(Meeting)
        clock.lap("meetings")
        first_request, first_notice = first_id(CommentRequest), first_id(Notice)
        comments = write_comments(activity.comments, ids)
        _reset_sequences(CommentCampaign, CommentRequest)
        clock.lap("comment cycle")
        notices = write_notices(activity.notices, ids)
        _reset_sequences(Notice)
        write_follow_ups(activity.comments, first_request=first_request, first_notice=first_notice)
        clock.lap("notices")
        result.meetings = meetings["meetings"]
        result.attendances = meetings["attendances"]
        result.comment_requests = comments["comment_requests"]
        result.comments_returned = comments["comments_returned"]
        result.notices = notices["notices"]
        result.notice_replies = notices["notice_replies"]
        admin = _write_admin()
        if plan.reform is not None:
            orgs = _restructure(plan, orgs, community_ids, admin, result)
            clock.lap("restructuring")
        result.accounts = _write_accounts(plan, orgs, admin)
        result.resident_reports = write_feedback(
            seed=seed, today=today, demo_cell_id=orgs[plan.demo_residential_cell]["id"]
        )
        clock.lap("residents' feedback")
        result.training_sessions = write_training(
            seed=seed,
            today=today,
            province_id=orgs[0]["id"],
            commune_id=orgs[plan.demo_commune_committee]["id"],
            workplace_id=orgs[plan.demo_workplace_committee]["id"],
        )
        clock.lap("training sessions")
        summaries.rebuild()
        clock.lap("report counts")
        root = Organization.objects.get(pk=orgs[0]["id"])
        result.organizations = len(orgs)
        result.grassroots = sum(1 for o in orgs if o["kind"] in Organization.GRASSROOTS_KINDS)
        result.communities = len(community_ids)
        result.working_members = sum(1 for m in plan.members if m.employment == "working")
        audit.record(
            by=None,
            action="import",
            obj=root,
            scope_path=root.path,
            object_repr=f"demo preset {preset}",
            changes={
                "preset": preset,
                "seed": seed,
                "organizations": result.organizations,
                "members": result.members,
                "classification_decisions": result.decisions,
                "residence_links": result.links,
                "link_events": book["link_events"],
                **meetings,
                **comments,
                **notices,
            },
        )
        clock.lap("accounts")
    # Fresh statistics after a bulk load: without them SQLite's planner drives the
    # tracking book from the status index instead of the commune's own links.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    clock.lap("statistics")
    result.seconds = time.perf_counter() - started
    return result
