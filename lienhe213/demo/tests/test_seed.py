import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from lienhe213.accounts.models import Role, RoleAssignment, User
from lienhe213.comments.models import CommentRequest
from lienhe213.core.models import AuditEvent
from lienhe213.demo import plans
from lienhe213.meetings.models import Attendance, FollowUp, Meeting, Opinion
from lienhe213.members.models import Member
from lienhe213.notices.models import Notice, NoticeReply
from lienhe213.organizations.models import (
    AdministrativeUnit,
    Community,
    Organization,
    OrganizationHistory,
)
from lienhe213.registry.models import ResidenceLink

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded(db: Any, settings: Any) -> str:
    settings.PASSWORD_HASHERS = FAST_HASHER
    out = io.StringIO()
    call_command("seed_demo", preset="small", stdout=out)
    return out.getvalue()


def test_small_preset_builds_the_tree_with_service_shaped_paths(seeded: str) -> None:
    orgs = {o.pk: o for o in Organization.objects.all()}
    for org in orgs.values():
        if org.parent_id is None:
            assert org.path == f"{org.pk}."
            assert org.depth == 0
        else:
            parent = orgs[org.parent_id]
            assert org.path == f"{parent.path}{org.pk}."
            assert org.depth == parent.depth + 1
    root = Organization.objects.get(parent=None)
    assert root.name == "Đảng bộ tỉnh Tuyên Quang"
    assert (root.kind, root.side, root.administrative_unit.code) == (
        "provincial_committee",
        "both",
        "08",
    )
    ward = Organization.objects.get(name="Đảng bộ phường Hà Giang 1")
    assert (ward.kind, ward.side, ward.administrative_unit.code) == (
        "grassroots_committee",
        "residential",
        "00694",
    )
    assert len(orgs) == 33
    assert Organization.objects.filter(parent=ward, kind="cell").count() == 10
    assert Community.objects.filter(commune__code="00694").count() == 10
    assert set(OrganizationHistory.objects.values_list("organization_id", "kind")) == {
        (pk, "created") for pk in orgs
    }
    cell = Organization.objects.get(parent=ward, name="Chi bộ tổ dân phố 3")
    assert (cell.community.name, cell.community.commune.code) == ("Tổ dân phố 3", "00694")
    assert Organization.objects.filter(name_folded="dang bo phuong ha giang 1").count() == 1


def test_small_preset_members_are_valid_and_derived_columns_match_the_model(seeded: str) -> None:
    assert Member.objects.count() == 350
    assert Member.objects.filter(employment="working").count() == 150
    assert not Member.objects.filter(organization__side="residential", employment="working")
    for member in Member.objects.select_related("residence_community")[:60]:
        member.full_clean()
        stored = (member.search_text, member.name_sort_key)
        member.refresh_derived()
        assert (member.search_text, member.name_sort_key) == stored
        assert member.residence_commune.code == "00694"
        assert member.residence_community.commune_id == member.residence_commune_id


def test_seed_prints_a_summary_and_the_logins(seeded: str) -> None:
    assert "33 organizations" in seeded
    assert "138 linked members" in seeded
    assert "350 members" in seeded
    assert "dangvien" in seeded
    assert f"{Meeting.objects.count()} residence meetings" in seeded
    assert f"{Notice.objects.count()} notices" in seeded


def test_small_preset_is_deterministic(db: Any) -> None:
    first = plans.small()
    second = plans.small()
    other_seed = plans.small(seed=7)

    def identities(plan: plans.Plan) -> list[tuple[str, str, str, str]]:
        return [
            (m.person.full_name, m.person.party_card_number, m.person.citizen_id, m.person.phone)
            for m in plan.members[:50]
        ]

    assert identities(first) == identities(second)
    assert [o.name for o in first.organizations] == [o.name for o in second.organizations]
    assert identities(first) != identities(other_seed)


def test_seeded_members_follow_the_plan(seeded: str) -> None:
    plan = plans.small()
    stored = list(
        Member.objects.order_by("pk").values_list("party_card_number", "family_name", "given_name")
    )[:50]
    assert stored == [
        (m.person.party_card_number, m.person.family_name, m.person.given_name)
        for m in plan.members[:50]
    ]


def test_hagiang_plan_has_the_2023_sizes(db: Any) -> None:
    # The plan only (no database writes): building it is quick, writing it is the bench's job.
    plan = plans.hagiang_2023()
    kinds = [o.kind for o in plan.organizations]
    assert kinds.count("grassroots_committee") + kinds.count("grassroots_cell") == 844
    assert len(plan.members) == 73_587
    assert sum(1 for m in plan.members if m.employment == "working") == 36_000
    # Phường Trần Phú: its residents and the staff of the provincial agencies living there.
    ward = [m for m in plan.members if m.residence_commune == plans.TRAN_PHU]
    assert len(ward) > 2_500
    assert plan.reform is not None and plan.reform.successor[plan.demo_commune_committee] == "00691"


@pytest.mark.parametrize(
    ("username", "role", "organization"),
    [
        ("admin", Role.ADMINISTRATOR, "Đảng bộ tỉnh Tuyên Quang"),
        ("tinh", Role.PROVINCIAL_OFFICER, "Đảng bộ tỉnh Tuyên Quang"),
        ("xa", Role.COMMUNE_CLERK, "Đảng bộ phường Hà Giang 1"),
        ("chibo", Role.CELL_SECRETARY, "Chi bộ tổ dân phố 1"),
        ("coquan", Role.WORKPLACE_OFFICER, "Đảng bộ Sở Giáo dục và Đào tạo"),
        ("dangvien", Role.MEMBER, "Chi bộ Văn phòng Sở"),
        ("mattran", Role.COMMUNITY_REPRESENTATIVE, "Chi bộ tổ dân phố 1"),
        ("totruong", Role.COMMUNITY_REPRESENTATIVE, "Chi bộ tổ dân phố 1"),
        ("totruong2", Role.COMMUNITY_REPRESENTATIVE, "Chi bộ tổ dân phố 8"),
    ],
)
def test_demo_accounts_have_their_roles_and_can_log_in(
    seeded: str, username: str, role: str, organization: str
) -> None:
    assignments = list(
        RoleAssignment.objects.filter(user__username=username).values_list(
            "role", "organization__name"
        )
    )
    assert assignments == [(role, organization)]
    assert Client().login(username=username, password="demo")


def test_the_representatives_opinions_are_in_their_cells_queue_and_on_record(
    seeded: str,
) -> None:
    from lienhe213.feedback.models import ResidentReport

    opinions = ResidentReport.objects.opinions().order_by("submitted_by__username", "received_at")
    rows = list(opinions.values_list("submitted_by__username", "representative_kind", "status"))

    assert [(who, kind) for who, kind, _status in rows] == [
        ("mattran", "front_committee_head"),
        ("mattran", "front_committee_head"),
        ("totruong", "community_head"),
        ("totruong", "community_head"),
        ("totruong2", "community_head"),
        ("totruong2", "community_head"),
    ]
    assert [status for _who, _kind, status in rows] == ["handling", "received"] * 3
    assert opinions.filter(member__isnull=False).count() == 3
    assert set(opinions.values_list("representative_name", flat=True)) == {
        "Hoàng Văn Sơn",
        "Đỗ Thị Mai",
        "Vàng Seo Lử",
    }
    assert "mattran" in seeded
    assert "Community representative (Head of the Front work committee)" in seeded


def test_demo_member_account_is_linked_to_a_working_member(seeded: str) -> None:
    user = User.objects.select_related("member__organization").get(username="dangvien")
    assert user.member is not None
    assert user.member.employment == "working"
    assert user.member.organization.name == "Chi bộ Văn phòng Sở"
    assert User.objects.get(username="admin").is_superuser


def test_if_empty_does_nothing_on_a_filled_database(seeded: str, settings: Any) -> None:
    counts = (Member.objects.count(), Organization.objects.count(), User.objects.count())
    events = AuditEvent.objects.count()
    out = io.StringIO()

    call_command("seed_demo", preset="small", if_empty=True, stdout=out)

    assert (Member.objects.count(), Organization.objects.count(), User.objects.count()) == counts
    assert AuditEvent.objects.count() == events
    assert "nothing seeded" in out.getvalue()
    assert "chibo" in out.getvalue()  # the demo logins are printed all the same


def test_seed_refuses_a_database_that_already_has_a_tree(seeded: str) -> None:
    counts = (Member.objects.count(), Organization.objects.count())

    with pytest.raises(CommandError):
        call_command("seed_demo", preset="small", stdout=io.StringIO())

    assert (Member.objects.count(), Organization.objects.count()) == counts


def test_seed_records_one_import_audit_event(seeded: str) -> None:
    event = AuditEvent.objects.get(action="import")
    assert event.changes == {
        "preset": "small",
        "seed": 213,
        "organizations": 33,
        "members": 350,
        "classification_decisions": 148,
        "residence_links": 146,
        "link_events": ResidenceLink.objects.aggregate(n=Sum("version"))["n"],
        # The activity is dated relative to the day of the seed: its counts vary.
        "meetings": Meeting.objects.count(),
        "attendances": Attendance.objects.count(),
        "opinions": Opinion.objects.count(),
        "follow_ups": FollowUp.objects.count(),
        "comment_campaigns": 2,
        "comment_requests": CommentRequest.objects.count(),
        "comments_returned": CommentRequest.objects.returned().count(),
        "notices": Notice.objects.count(),
        "notice_replies": NoticeReply.objects.count(),
    }


def test_load_admin_units_loads_every_unit_once(db: Any) -> None:
    call_command("load_admin_units", stdout=io.StringIO())
    call_command("load_admin_units", stdout=io.StringIO())

    assert AdministrativeUnit.objects.filter(level="province").count() == 34
    assert AdministrativeUnit.objects.filter(level="commune").count() == 3321
    ward = AdministrativeUnit.objects.select_related("parent").get(code="00694")
    assert (ward.name, ward.name_folded, ward.division_type, ward.parent.code) == (
        "Phường Hà Giang 1",
        "phuong ha giang 1",
        "phường",
        "08",
    )


def test_load_admin_units_repairs_a_changed_name(db: Any) -> None:
    call_command("load_admin_units", stdout=io.StringIO())
    AdministrativeUnit.objects.filter(code="08").update(name="Tuyen Quang (old)")

    call_command("load_admin_units", stdout=io.StringIO())

    province = AdministrativeUnit.objects.get(code="08")
    assert (province.name, province.name_folded) == ("Tuyên Quang", "tuyen quang")
    assert AdministrativeUnit.objects.count() == 3355


def test_the_demo_people_are_greeted_by_their_names(seeded: str) -> None:
    names = dict(User.objects.values_list("username", "first_name"))
    member = User.objects.get(username="dangvien").member
    assert member is not None

    assert names["chibo"] == "Trần Văn Bình"
    assert names["dangvien"] == member.full_name
    client = Client()
    client.force_login(User.objects.get(username="chibo"))
    assert "Trần Văn Bình" in client.get("/").content.decode()


def test_the_demo_has_the_guidance_texts(seeded: str) -> None:
    from lienhe213.guidance.models import GuidanceEntry
    from lienhe213.guidance.texts import OFFICIAL_TEXTS

    assert sorted(GuidanceEntry.objects.values_list("key", flat=True)) == sorted(
        text.key for text in OFFICIAL_TEXTS
    )
    assert not GuidanceEntry.objects.filter(current_version__isnull=True).exists()


def test_closed_years_reports_from_the_counts_equal_the_live_ones(seeded: str) -> None:
    """Every committee's report of the last two closed years, as the superuser reads
    it: from the maintained counts (ADR 0022) and counted live from the rows."""
    from unittest import mock

    from lienhe213.reports import indicators

    admin = User.objects.get(username="admin")
    today = timezone.localdate()
    committees = Organization.objects.exclude(kind=Organization.Kind.CELL).order_by("path")
    reads_tallies = indicators._reads_tallies
    read: list[bool] = []

    def spy(*args: Any) -> bool:
        read.append(reads_tallies(*args))
        return read[-1]

    figures = problems = 0
    for year in (today.year - 2, today.year - 1):
        period = indicators.Period.for_year(year)
        for org in committees:
            with mock.patch.object(indicators, "_reads_tallies", return_value=False):
                live = indicators.compute(user=admin, organization=org, period=period, today=today)
            with mock.patch.object(indicators, "_reads_tallies", spy):
                counted = indicators.compute(
                    user=admin, organization=org, period=period, today=today
                )
            assert counted.figures == live.figures, (year, org.name)
            assert counted.problems == live.problems, (year, org.name)
            assert [(c.pk, f) for c, f in counted.children] == [
                (c.pk, f) for c, f in live.children
            ], (year, org.name)
            figures += counted.figures["letters_issued"] + counted.figures["meetings_held"]
            problems += sum(counted.problems.values())
    assert read == [True] * (2 * committees.count())  # every report read the counts
    assert figures > 0 and problems > 0  # and they were not all zero
