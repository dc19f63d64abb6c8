"""Importing a province's member list: the import services against a raw read and insert.

1. setup (not timed): the organization tree of the hagiang-2023 preset only (the
   provincial committee, 4,090 organizations: workplace grassroots committees with their
   cells, commune committees with their residential cells, on the communes of Tuyên
   Quang, code 08), written with the demo loader's own writers, and a provincial officer
   (``RoleAssignment(role="provincial_officer")`` on the province);
2. a member file for one import into the provincial committee, written with openpyxl
   (write-only; timed on its own, outside the ratio): the preset's 73,587 members
   (``--rows N`` for fewer, spread over the whole province) with the messiness offices
   produce — names in capitals or in decomposed Unicode, dates as real dates and as
   dd/mm/yyyy, d/m/yyyy and dd.mm.yyyy text, dotted card numbers, spaced citizen IDs,
   dotted phones, the residence commune by its 2025 name or by its pre-2025 name
   ("P. Trần Phú, TP Hà Giang") — and 5 % bad rows (impossible dates, future dates,
   duplicate card numbers, malformed citizen IDs, unknown cells);
3. the raw baseline, in the same run: python_calamine reading the same bytes into Python
   lists, and ``core.bulk.insert_rows(Member, …)`` of as many member rows with their
   values computed beforehand, in a transaction rolled back afterwards;
4. the application: ``services.run_check`` (validation) and ``services.run_commit`` timed
   separately, with rows/s, the outcome counts against the expected ones, the peak
   memory of each phase, and the ratio (check + commit) / (raw read + raw insert),
   target within 3x; peak memory target under 1 GB;
5. the preview page between the check and the commit: median of 10 ``GET
   /imports/<id>/?outcome=rejected`` and ``?outcome=new&page=50`` through the test client
   as the provincial officer, target under 300 ms.

``--profile`` runs the check and the commit under cProfile and prints the top 25
functions by cumulative time (the timings then include the profiler's overhead).

Run: ``.venv/bin/python bench/bench_import.py [--rows N] [--profile]`` (SQLite in a
temporary directory), or with ``DATABASE_URL=postgres://...`` on that server.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import gc
import io
import os
import pstats
import random
import resource
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

TARGET_RATIO = 3.0
TARGET_PAGE_MS = 300.0
TARGET_MEMORY_MB = 1024.0
PAGE_REPEAT = 10
BAD_SHARE = 0.05
SEED = 213
HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số thẻ đảng viên",
    "Số CCCD",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Chi bộ",
    "Thôn/tổ",
    "Xã/phường",
    "Số nhà, đường phố",
    "Điện thoại",
    "Nơi công tác",
    "Tình trạng công tác",
]
EMPLOYMENT_TEXT = {
    "working": ["Đang công tác", "đang công tác", "Tại chức"],
    "retired": ["Nghỉ hưu", "nghỉ hưu", "Hưu"],
    "other": ["Không", "Chưa có việc làm"],
}
DEFECTS = ("impossible date", "future date", "duplicate card", "malformed ID", "unknown cell")


# --- memory ---------------------------------------------------------------------------


class PeakMemory:
    """The peak resident set size of a phase: Linux's VmHWM, reset before the phase
    through /proc/self/clear_refs; elsewhere the growth of ``ru_maxrss``."""

    def __init__(self) -> None:
        self.resettable = self._reset()

    @staticmethod
    def _status(key: str) -> float | None:
        try:
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith(key + ":"):
                        return int(line.split()[1]) / 1024  # kB -> MB
        except OSError:
            return None
        return None

    @staticmethod
    def _reset() -> bool:
        try:
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")
        except OSError:
            return False
        return True

    def start(self) -> None:
        gc.collect()
        self.resettable = self._reset()
        self.rss_before = self._status("VmRSS") or 0.0
        self.maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def stop(self) -> tuple[float, float]:
        """(peak RSS during the phase, its growth over the RSS at the start), in MB."""
        if self.resettable:
            peak = self._status("VmHWM") or 0.0
            return peak, peak - self.rss_before
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return maxrss, maxrss - self.maxrss_before


# --- setup ----------------------------------------------------------------------------


def build_tree(plan: Any) -> list[dict[str, Any]]:
    """The preset's organizations and communities, written as the demo loader writes
    them (paths and depths built with the ids, history rows, sequences moved)."""
    from django.db import connection, transaction

    from lienhe213.demo.loader import _reset_sequences, _write_communities, _write_organizations
    from lienhe213.organizations.models import AdministrativeUnit, Community, Organization
    from lienhe213.organizations.units import load_administrative_units

    with transaction.atomic():
        load_administrative_units()
        codes = {o.commune for o in plan.organizations if o.commune}
        codes |= {m.residence_commune for m in plan.members}
        unit_ids = dict(AdministrativeUnit.objects.filter(code__in=codes).values_list("code", "id"))
        community_ids = _write_communities(plan, unit_ids)
        orgs = _write_organizations(plan, unit_ids, community_ids)
        _reset_sequences(Organization, Community)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for org, spec in zip(orgs, plan.organizations, strict=True):
        org["community_name"] = (
            plan.communities[spec.community].name if spec.community is not None else ""
        )
    return orgs


def provincial_officer(root_id: int) -> Any:
    from lienhe213.accounts.models import Role, RoleAssignment, User
    from lienhe213.organizations.models import Organization

    user = User.objects.create(username="bench-tinh")
    RoleAssignment.objects.create(
        user=user, organization=Organization.objects.get(pk=root_id), role=Role.PROVINCIAL_OFFICER
    )
    return user


def cell_labels(orgs: list[dict[str, Any]]) -> dict[int, str]:
    """The "Chi bộ" text of every cell: its name, or "Name — Parent name" where several
    cells of the province share the name."""
    from lienhe213.core.text import fold

    cells = [o for o in orgs if o["kind"] in ("cell", "grassroots_cell")]
    by_id = {o["id"]: o for o in orgs}
    shared = Counter(fold(o["name"]) for o in cells)
    labels = {}
    for o in cells:
        name = o["name"]
        if shared[fold(name)] > 1:
            name = f"{name} — {by_id[o['parent_id']]['name']}"
        labels[o["id"]] = name
    return labels


def check_labels(root_id: int, labels: dict[int, str]) -> set[int]:
    """The cells the importer cannot find by their label (a problem to report: their
    rows will be rejected), through the importer's own index."""
    from lienhe213.imports.members import CELL_KINDS
    from lienhe213.imports.rows import OrganizationIndex
    from lienhe213.organizations.models import Organization

    root = Organization.objects.get(pk=root_id)
    subtree = Organization.objects.current().in_subtree(root).select_related("parent")
    index = OrganizationIndex(o for o in subtree if o.kind in CELL_KINDS)
    return {
        cell for cell, label in labels.items() if getattr(index.find(label)[0], "pk", 0) != cell
    }


_ABBREVIATIONS = [
    ("Phường ", "P. "),
    ("Xã ", "X. "),
    ("Thị trấn ", "TT "),
    ("Thành phố ", "TP "),
    ("Huyện ", "H. "),
]


def old_commune_names(codes: set[str], root_id: int) -> tuple[dict[str, list[str]], list[str]]:
    """Pre-2025 names, typed as offices abbreviate them ("P. Trần Phú, TP Hà Giang"),
    that the official mapping gives to exactly one 2025 commune of the province, by that
    commune's code; and those of them the importer's own resolver takes for another
    commune (to report: their rows would be misfiled or rejected, so they are left out)."""
    from lienhe213.imports.rows import CommuneResolver, province_unit_of
    from lienhe213.organizations.legacy import old_communes_of, resolve_commune
    from lienhe213.organizations.models import Organization

    resolver = CommuneResolver(province_unit_of(Organization.objects.get(pk=root_id)), {})
    names: dict[str, list[str]] = {}
    misread: list[str] = []
    for code in sorted(codes):
        for old in old_communes_of(code):
            commune, district = [p.strip() for p in old.split(",")][:2]
            short = f"{commune}, {district}"
            for before, after in _ABBREVIATIONS:
                short = short.replace(before, after)
            for text in (short, f"{commune}, {district}"):
                if resolve_commune(text, province_code="08").new_codes == (code,):
                    unit, _reason = resolver.resolve(text)
                    if unit is not None and unit.code == code:
                        names.setdefault(code, []).append(text)
                    else:
                        found = unit.name if unit is not None else "nothing"
                        misread.append(f"{text} -> {found}")
                    break
    return names, misread


# --- the file -------------------------------------------------------------------------


def _date_cell(day: datetime.date | None, draw: float) -> Any:
    if day is None:
        return None
    if draw < 0.4:
        return day  # a real Excel date
    if draw < 0.7:
        return day.strftime("%d/%m/%Y")
    if draw < 0.85:
        return f"{day.day}/{day.month}/{day.year}"
    return day.strftime("%d.%m.%Y")


def _name_cell(full: str, draw: float) -> str:
    if draw < 0.15:
        return full.upper()
    if draw < 0.25:
        return unicodedata.normalize("NFD", full)
    if draw < 0.3:
        return "  " + full.replace(" ", "  ") + " "
    return full


def _card_cell(card: str, draw: float) -> Any:
    if draw < 0.3:
        return f"{card[:2]}.{card[2:5]}.{card[5:]}"
    if draw < 0.4:
        return int(card)  # a number cell
    return card


def _id_cell(cid: str, draw: float) -> str:
    if draw < 0.3:
        return f"{cid[:3]} {cid[3:6]} {cid[6:9]} {cid[9:]}"
    if draw < 0.35:
        return "'" + cid
    return cid


def _phone_cell(phone: str, draw: float) -> str:
    if draw < 0.3:
        return f"{phone[:4]}.{phone[4:7]}.{phone[7:]}"
    if draw < 0.4:
        return f"{phone[:4]} {phone[4:7]} {phone[7:]}"
    return phone


def member_file(
    plan: Any,
    orgs: list[dict[str, Any]],
    labels: dict[int, str],
    old_names: dict[str, list[str]],
    unit_names: dict[str, str],
    rows: int,
) -> tuple[list[list[Any]], list[int], Counter[str], set[int]]:
    """The spreadsheet rows (title, header, data), the plan's member index of every data
    row, the number of bad rows of each kind and the bad rows' indexes."""
    rng = random.Random(SEED)
    chosen = sorted(rng.sample(range(len(plan.members)), rows))
    bad = set(rng.sample(range(rows), round(rows * BAD_SHARE)))
    bad_order = sorted(bad)
    defect_of = {row: DEFECTS[i % len(DEFECTS)] for i, row in enumerate(bad_order)}
    # A duplicate card shares the number of the next row: both are rejected, so the
    # partner counts as a bad row of the same kind (it replaces the defect it had).
    dup_partner: dict[int, int] = {}
    dups = [r for r in bad_order if defect_of[r] == "duplicate card"]
    for first, second in zip(dups[0::2], dups[1::2], strict=False):
        dup_partner[second] = first
    if len(dups) % 2:
        defect_of[dups[-1]] = "impossible date"
    table: list[list[Any]] = [
        ["DANH SÁCH ĐẢNG VIÊN"],
        ["Đảng bộ tỉnh Tuyên Quang"],
        HEADER,
    ]
    cards = {}
    defects: Counter[str] = Counter()
    for n, index in enumerate(chosen):
        spec = plan.members[index]
        p = spec.person
        draws = [rng.random() for _ in range(9)]
        full = " ".join(x for x in (p.family_name, p.middle_name, p.given_name) if x)
        org = orgs[spec.organization]
        commune = spec.residence_commune
        olds = old_names.get(commune)
        commune_text = rng.choice(olds) if olds and draws[7] < 0.2 else unit_names[commune]
        community = (
            plan.communities[spec.residence_community].name
            if spec.residence_community is not None
            else None
        )
        gender = (
            ("Nam" if p.gender == "male" else "Nữ")
            if draws[8] < 0.9
            else ("nam" if p.gender == "male" else "NỮ")
        )
        row = [
            n + 1,
            _name_cell(full, draws[0]),
            _date_cell(p.birth_date, draws[1]),
            gender,
            _card_cell(p.party_card_number, draws[2]),
            _id_cell(p.citizen_id, draws[3]),
            _date_cell(p.joined_on, draws[4]),
            _date_cell(p.official_on, draws[5]),
            labels[org["id"]],
            community,
            commune_text,
            spec.residence_address or None,
            _phone_cell(p.phone, draws[6]) if p.phone else None,
            spec.workplace_name or None,
            EMPLOYMENT_TEXT[spec.employment][n % len(EMPLOYMENT_TEXT[spec.employment])],
        ]
        cards[n] = row[4]
        defect = defect_of.get(n)
        if defect == "impossible date":
            row[2] = f"31/02/{p.birth_date.year}"
        elif defect == "future date":
            row[6] = f"{p.joined_on.day:02d}/{p.joined_on.month:02d}/2090"
        elif defect == "duplicate card" and n in dup_partner:
            row[4] = cards[dup_partner[n]]
        elif defect == "malformed ID":
            row[5] = (p.citizen_id[:11], "099" + p.citizen_id[3:], "12345")[n % 3]
        elif defect == "unknown cell":
            row[8] = f"Chi bộ không có {n}"
        if defect:
            defects[defect] += 1
        table.append(row)
    table.append(["Tổng cộng", f"{rows} đảng viên"])
    return table, chosen, defects, set(defect_of)


def write_xlsx(table: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    for row in table:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the raw baseline -----------------------------------------------------------------


def raw_read(content: bytes) -> int:
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    rows = workbook.get_sheet_by_index(0).to_python()
    return len(rows)


def raw_member_rows(plan: Any, chosen: list[int], orgs: list[dict[str, Any]]) -> list[dict]:
    """The member rows the file describes, with every value ready (ids, paths, derived
    name fields), for the raw insert."""
    from lienhe213.demo.people import derived_name_fields
    from lienhe213.organizations.models import AdministrativeUnit, Community

    units = dict(AdministrativeUnit.objects.values_list("code", "id"))
    communities = {
        (commune_id, name): pk
        for pk, commune_id, name in Community.objects.values_list("id", "commune_id", "name")
    }
    rows = []
    for index in chosen:
        spec = plan.members[index]
        p = spec.person
        org = orgs[spec.organization]
        commune_id = units[spec.residence_commune]
        community = (
            plan.communities[spec.residence_community].name
            if spec.residence_community is not None
            else None
        )
        search_text, name_sort_key = derived_name_fields(p.family_name, p.middle_name, p.given_name)
        rows.append(
            {
                "family_name": p.family_name,
                "middle_name": p.middle_name,
                "given_name": p.given_name,
                "gender": p.gender,
                "birth_date": p.birth_date,
                "joined_on": p.joined_on,
                "official_on": p.official_on,
                "party_card_number": p.party_card_number,
                "citizen_id": p.citizen_id,
                "organization_id": org["id"],
                "employment": spec.employment,
                "workplace_name": spec.workplace_name,
                "residence_commune_id": commune_id,
                "residence_community_id": communities.get((commune_id, community)),
                "residence_address": spec.residence_address,
                "phone": p.phone,
                "unit_path": org["path"],
                "search_text": search_text,
                "name_sort_key": name_sort_key,
            }
        )
    return rows


def raw_insert(rows: list[dict]) -> float:
    """Seconds to insert ``rows`` with ``insert_rows``, in a transaction then rolled
    back (the rollback is not timed)."""
    from django.db import transaction

    from lienhe213.core.bulk import insert_rows
    from lienhe213.members.models import Member

    with transaction.atomic():
        started = time.perf_counter()
        count = insert_rows(Member, rows, keys=list(rows[0]))
        seconds = time.perf_counter() - started
        assert count == len(rows)
        transaction.set_rollback(True)
    assert not Member.objects.exists()
    return seconds


# --- the application ------------------------------------------------------------------


def timed(
    label: str, action: Any, memory: PeakMemory, profile: bool
) -> tuple[Any, float, tuple[float, float]]:
    """Run ``action``; return its result, seconds, and peak RSS and its growth (MB)."""
    profiler = cProfile.Profile() if profile else None
    memory.start()
    started = time.perf_counter()
    result = profiler.runcall(action) if profiler else action()
    seconds = time.perf_counter() - started
    peak = memory.stop()
    if profiler:
        c.title(f"profile: {label} (top 25 by cumulative time)")
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(25)
        print("\n".join(stream.getvalue().strip().splitlines()[:60]))
    return result, seconds, peak


def preview(batch: Any, user: Any) -> list[tuple[str, float, int, int, int]]:
    """(query string, median ms, HTTP status, queries, kB) for the two preview pages."""
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("imports:detail", args=[batch.pk])
    except NoReverseMatch:
        return []
    client = Client()
    client.force_login(user)
    last_new_page = max(1, -(-batch.count("new") // 50))
    results = []
    for params in ({"outcome": "rejected"}, {"outcome": "new", "page": min(50, last_new_page)}):
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):  # type: ignore[no-untyped-def]
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url, params)
        query = "&".join(f"{k}={v}" for k, v in params.items())
        size = len(response.content) // 1024
        if response.status_code != 200:
            results.append((query, float("nan"), response.status_code, len(queries), size))
            continue
        ms = c.median_ms(lambda p=params: client.get(url, p), PAGE_REPEAT)
        results.append((query, ms, 200, len(queries), size))
    return results


def run(url: str, rows: int, profile: bool) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe213.settings")
    sys.path.insert(0, str(c.ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    from lienhe213.demo.plans import hagiang_2023
    from lienhe213.imports import services
    from lienhe213.imports.models import ImportRow
    from lienhe213.members.models import Member
    from lienhe213.organizations.models import AdministrativeUnit

    setup_test_environment()  # the test client's host name; DEBUG stays off
    memory = PeakMemory()

    c.title("setup: the hagiang-2023 tree (not timed)")
    started = time.perf_counter()
    plan = hagiang_2023(SEED)
    if not 1 <= rows <= len(plan.members):
        raise SystemExit(f"--rows must be between 1 and {len(plan.members)}")
    orgs = build_tree(plan)
    root_id = orgs[0]["id"]
    user = provincial_officer(root_id)
    labels = cell_labels(orgs)
    unfindable = check_labels(root_id, labels)
    kinds = Counter(o["kind"] for o in orgs)
    print(
        f"{len(orgs):,} organizations ({', '.join(f'{n:,} {k}' for k, n in kinds.most_common())}), "
        f"{len(plan.communities):,} communities, {len(labels):,} cells "
        f"({sum(1 for v in labels.values() if ' — ' in v):,} named with their parent), "
        f"in {time.perf_counter() - started:.1f} s"
    )
    if unfindable:
        print(
            f"WARNING: {len(unfindable)} cells cannot be found by their label, e.g. "
            f"{[labels[i] for i in sorted(unfindable)[:3]]}"
        )
    codes = {m.residence_commune for m in plan.members}
    unit_names = dict(AdministrativeUnit.objects.filter(code__in=codes).values_list("code", "name"))
    old_names, misread = old_commune_names(codes, root_id)
    print(
        f"{len(codes)} residence communes, {sum(map(len, old_names.values()))} pre-2025 names "
        f"resolving to one of them (e.g. {next(iter(old_names.values()))[0]!r})"
    )
    if misread:
        print(
            f"WARNING: {len(misread)} pre-2025 names that the official mapping gives to one "
            f"commune are read otherwise by the importer, left out of the file: {misread[:3]}"
        )

    c.title(f"the member file: {rows:,} rows")
    started = time.perf_counter()
    table, chosen, defects, defect_rows = member_file(
        plan, orgs, labels, old_names, unit_names, rows
    )
    content = write_xlsx(table)
    generation = time.perf_counter() - started
    unfindable_index = {k for k, o in enumerate(orgs) if o["id"] in unfindable}
    alike = {
        n
        for n, i in enumerate(chosen)
        if plan.members[i].organization in unfindable_index and n not in defect_rows
    }
    expected_bad = defect_rows | alike
    print(
        f"generated and written (openpyxl write-only) in {generation:.2f} s: "
        f"{len(content) / 2**20:.1f} MB; bad rows {sum(defects.values()):,} "
        f"({', '.join(f'{n:,} {k}' for k, n in sorted(defects.items()))})"
        + (
            f", and {len(alike):,} rows in the cells the importer cannot tell apart"
            if alike
            else ""
        )
    )
    member_rows = raw_member_rows(plan, chosen, orgs)
    del table
    gc.collect()

    c.title("raw baseline: python_calamine read + insert_rows(Member) rolled back")
    started = time.perf_counter()
    read_count = raw_read(content)
    read_seconds = time.perf_counter() - started
    insert_seconds = raw_insert(member_rows)
    raw_seconds = read_seconds + insert_seconds
    print(
        f"raw read      {read_seconds:8.2f} s  {read_count:>9,} rows  "
        f"{read_count / read_seconds:>9,.0f} rows/s"
    )
    print(
        f"raw insert    {insert_seconds:8.2f} s  {len(member_rows):>9,} rows  "
        f"{len(member_rows) / insert_seconds:>9,.0f} rows/s"
    )
    del member_rows
    gc.collect()

    c.title("the application")
    started = time.perf_counter()
    batch = services.start_import(
        by=user,
        kind="members",
        organization=services.Organization.objects.get(pk=root_id),
        file_name="danh-sach-dang-vien.xlsx",
        content=content,
        background=False,
    )
    upload_seconds = time.perf_counter() - started
    batch, check_seconds, check_peak = timed(
        "run_check", lambda: services.run_check(batch_id=batch.pk), memory, profile
    )
    counts = {k: v for k, v in batch.counts.items() if k != "choose"}
    pages = preview(batch, user)
    started = time.perf_counter()
    services.commit_import(by=user, batch=batch, background=False)
    queue_seconds = time.perf_counter() - started
    done, commit_seconds, commit_peak = timed(
        "run_commit", lambda: services.run_commit(batch_id=batch.pk), memory, profile
    )
    written = Member.objects.filter(import_batch_id=batch.pk).count()

    print(f"start_import  {upload_seconds:8.2f} s  (stores the file; not in the ratio)")
    print(
        f"run_check     {check_seconds:8.2f} s  {rows / check_seconds:>9,.0f} rows/s   "
        f"peak RSS {check_peak[0]:,.0f} MB (+{check_peak[1]:,.0f} MB)"
    )
    print(f"commit_import {queue_seconds:8.2f} s  (queues the commit; not in the ratio)")
    print(
        f"run_commit    {commit_seconds:8.2f} s  {written / commit_seconds:>9,.0f} rows/s   "
        f"peak RSS {commit_peak[0]:,.0f} MB (+{commit_peak[1]:,.0f} MB)   (status {done.status})"
    )
    print(
        f"outcomes      {', '.join(f'{k} {v:,}' for k, v in counts.items())}; expected "
        f"new {rows - len(expected_bad):,}, rejected {len(expected_bad):,}; "
        f"members written {written:,}"
    )
    if counts.get("rejected") != len(expected_bad) or written != counts.get("new"):
        print("WARNING: the outcome counts differ from the expected ones")
        first_data_row = 4  # two title rows, then the header
        expected_numbers = {n + first_data_row for n in expected_bad}
        rejected = ImportRow.objects.filter(batch=batch, outcome="rejected")
        surprises = [r for r in rejected.order_by("number") if r.number not in expected_numbers]
        for row in surprises[:5]:
            print(f"  unexpected: row {row.number}: {row.reasons} {row.cells}")

    c.title(f"preview page as the provincial officer (median of {PAGE_REPEAT})")
    if not pages:
        print("skipped: the URL imports:detail is not there")
    for query, ms, status, queries, size in pages:
        verdict = "met" if ms <= TARGET_PAGE_MS else "NOT met"
        shown = f"HTTP {status}" if status != 200 else f"{ms:7.1f} ms"
        print(
            f"GET /imports/{batch.pk}/?{query:<22} {shown}  {queries} queries, {size} kB  "
            f"(target < {TARGET_PAGE_MS:.0f} ms: {verdict})"
        )

    c.title("result")
    app_seconds = check_seconds + commit_seconds
    ratio = app_seconds / raw_seconds
    peak, growth = max(check_peak, commit_peak)
    print(f"file generation (not in the ratio)  {generation:8.2f} s")
    print(f"raw read + raw insert               {raw_seconds:8.2f} s")
    print(
        f"run_check + run_commit              {app_seconds:8.2f} s  "
        f"{rows / app_seconds:>9,.0f} rows/s{'  (under cProfile)' if profile else ''}"
    )
    print(
        f"ratio app / raw                     {ratio:8.2f}x  (target <= {TARGET_RATIO:.0f}x: "
        f"{'met' if ratio <= TARGET_RATIO else 'NOT met'})"
    )
    print(f"  check / raw read                  {check_seconds / read_seconds:8.2f}x")
    print(f"  commit / raw insert               {commit_seconds / insert_seconds:8.2f}x")
    how = "VmHWM" if memory.resettable else "ru_maxrss"
    print(
        f"peak memory ({how}, process)      {peak:8,.0f} MB  (+{growth:,.0f} MB over the RSS "
        f"before the phase; target < {TARGET_MEMORY_MB:,.0f} MB: "
        f"{'met' if peak < TARGET_MEMORY_MB else 'NOT met'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=73_587, help="data rows (default 73,587)")
    parser.add_argument("--profile", action="store_true", help="cProfile the check and commit")
    args = parser.parse_args()
    with c.scratch_database("import") as url:
        c.migrate(url)
        run(url, args.rows, args.profile)


if __name__ == "__main__":
    main()
