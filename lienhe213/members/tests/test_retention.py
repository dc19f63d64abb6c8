"""The retention policies (``members.retention``, ``manage.py apply_retention``): former
members anonymised, never deleted, with the reports' figures unchanged; contacts of
former members removed sooner; old audit rows expired; every run audited."""

import datetime
import io
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from lienhe213.comments.models import Comment, CommentRequest
from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent
from lienhe213.meetings.models import Attendance, FollowUp, Meeting, Opinion
from lienhe213.members.models import Member, PreviousPartyCard
from lienhe213.members.retention import apply_retention
from lienhe213.members.services import update_member
from lienhe213.members.tests.conftest import former_member
from lienhe213.notices.models import Notice, NoticeReply
from lienhe213.registry import services as registry
from lienhe213.registry.models import ExemptionDecision, LinkEvent, ResidenceLink
from lienhe213.reports.indicators import Period, compute
from lienhe213.settings import retention_years

# Six years after An left the party (4 May 2020) and four after Bảo died (4 May 2022).
TODAY = datetime.date(2026, 6, 1)
NOW = datetime.datetime.combine(
    TODAY, datetime.time(9), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
)
REMOVED = "(removed under the retention policy)"
MEMBER_FIELDS = [f.attname for f in Member._meta.concrete_fields]


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[time_machine.Traveller]:
    """The retention runs on the clock's day: 9:00 on ``TODAY``."""
    with time_machine.travel(NOW.astimezone(datetime.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def former(world):
    """An (left the party in 2020, with a previous party card) and Bảo (died in 2022),
    each with a year of history in cell A2."""
    an = former_member(world, "An", "002085000001", year=2019, party_card_number="61234567")
    update_member(by=world.root_user, member=an, version=None, party_card_number="61234568")
    bao = former_member(world, "Bảo", "002085000002", year=2021, reason="died")
    return Member.objects.get(pk=an.pk), bao


def members():
    return {row["id"]: row for row in Member.objects.values(*MEMBER_FIELDS)}


def texts_about(member):
    """The free text written about ``member`` on every row that holds some."""
    return {
        "link_notes": list(LinkEvent.objects.filter(link__member=member).values_list("note")),
        "return_reasons": list(
            ResidenceLink.objects.filter(member=member).values_list("return_reason")
        ),
        "evidence": list(ExemptionDecision.objects.filter(member=member).values_list("evidence")),
        "excuses": list(Attendance.objects.filter(member=member).values_list("excuse_reason")),
        "opinions": list(Opinion.objects.filter(member=member).values_list("text")),
        "follow_ups": list(
            FollowUp.objects.filter(member=member).values_list("description", "owner")
        ),
        "comments": list(
            Comment.objects.filter(request__member=member).values_list(
                "other_comments", "rating_note", "member_answer"
            )
        ),
        "notices": list(Notice.objects.filter(member=member).values_list("body", "outcome")),
        "replies": list(NoticeReply.objects.filter(notice__member=member).values_list("body")),
    }


def history_rows():
    """Every row the reports count, with what they count on (statuses, dates, levels)."""
    return (
        list(
            ResidenceLink.objects.order_by("pk").values_list(
                "pk",
                "member_id",
                "status",
                "issued_on",
                "ended_on",
                "end_reason",
                "residence_cell_id",
            )
        ),
        list(LinkEvent.objects.order_by("pk").values_list("pk", "link_id", "kind", "on")),
        list(ExemptionDecision.objects.order_by("pk").values_list("pk", "category", "reason")),
        list(Meeting.objects.order_by("pk").values_list("pk", "status", "date")),
        list(Attendance.objects.order_by("pk").values_list("pk", "member_id", "status")),
        list(Opinion.objects.order_by("pk").values_list("pk", "member_id")),
        list(FollowUp.objects.order_by("pk").values_list("pk", "member_id", "due_on")),
        list(CommentRequest.objects.order_by("pk").values_list("pk", "member_id", "status")),
        list(Comment.objects.order_by("pk").values_list("pk", "item_1", "recommendation")),
        list(Notice.objects.order_by("pk").values_list("pk", "member_id", "kind", "status")),
        list(NoticeReply.objects.order_by("pk").values_list("pk", "notice_id")),
    )


def state():
    return members(), history_rows(), {m.pk: texts_about(m) for m in Member.objects.all()}


def report_of(world, year):
    report = compute(
        user=world.root_user,
        organization=world.province,
        period=Period.for_year(year),
        today=TODAY,
    )
    children = [(org.pk, figures) for org, figures in report.children]
    return report.figures, report.reasons, report.distribution, children


def test_a_member_who_left_six_years_ago_is_anonymised(world, former):
    an, _bao = former

    apply_retention(today=TODAY)

    row = members()[an.pk]
    assert {
        name: row[name]
        for name in MEMBER_FIELDS
        if name not in ("id", "created_at", "updated_at", "name_sort_key")
    } == {
        "family_name": "Anonymised member",
        "middle_name": "",
        "given_name": "",
        "gender": "male",
        "birth_date": datetime.date(1985, 1, 1),
        "joined_on": datetime.date(2010, 1, 1),
        "official_on": datetime.date(2011, 1, 1),
        "party_card_number": "",
        "dossier_number": "",
        "citizen_id": "",
        "organization_id": world.workplace_cell.pk,
        "employment": "working",
        "workplace_name": "",
        "residence_commune_id": world.commune_a.pk,
        "residence_community_id": None,
        "residence_address": "",
        "phone": "",
        "email": "",
        "anonymised_on": TODAY,
        "unit_path": world.workplace_cell.path,
        "search_text": "anonymised member",
        "import_batch_id": None,
        "version": an.version + 2,  # the contacts policy, then the anonymisation
    }
    assert not PreviousPartyCard.objects.filter(member=an).exists()
    assert Member.objects.get(pk=an.pk).full_name == "Anonymised member"


def test_the_free_text_about_an_anonymised_member_is_replaced_and_the_rows_stay(world, former):
    an, _bao = former
    rows_before = history_rows()
    assert texts_about(an)["link_notes"][-1] == ("Đồng chí An xin ra khỏi Đảng",)

    apply_retention(today=TODAY)

    assert texts_about(an) == {
        "link_notes": [("",)] * 5,
        "return_reasons": [("",)],
        "evidence": [("",)],
        "excuses": [(REMOVED,)],
        "opinions": [(REMOVED,)],
        "follow_ups": [(REMOVED, REMOVED)],
        "comments": [("", "", "")],
        "notices": [(REMOVED, REMOVED)],
        "replies": [(REMOVED,)],
    }
    assert history_rows() == rows_before


def test_a_member_who_died_four_years_ago_keeps_the_record_but_not_the_contacts(
    world, former, frozen_clock
):
    _an, bao = former
    before = members()[bao.pk]
    texts = texts_about(bao)
    frozen_clock.shift(datetime.timedelta(hours=1))  # the nightly run, after the setup

    apply_retention(today=TODAY)

    after = members()[bao.pk]
    changed = {
        name: (before[name], after[name]) for name in MEMBER_FIELDS if before[name] != after[name]
    }
    assert changed.keys() == {"phone", "email", "version", "updated_at"}
    assert (after["phone"], after["email"], after["version"]) == ("", "", before["version"] + 1)
    assert after["updated_at"] == NOW + datetime.timedelta(hours=1)
    assert after["anonymised_on"] is None
    assert texts_about(bao) == texts


def test_working_members_and_their_records_are_untouched(world, former):
    before = members()

    apply_retention(today=TODAY)

    after = members()
    for member in (world.member_w1, world.member_a1, world.member_b1):
        assert after[member.pk] == before[member.pk]


def test_a_member_who_came_back_after_leaving_is_kept(world):
    chi = former_member(world, "Chi", "002085000003", year=2019)
    registry.classify_member(
        by=world.root_user,
        member=chi,
        decided_by=world.workplace,
        decided_on=datetime.date(2021, 3, 1),
    )
    registry.issue_letter(
        by=world.root_user,
        workplace=world.workplace,
        member=chi,
        issued_on=datetime.date(2021, 3, 1),
    )
    before = members()

    report = apply_retention(today=TODAY)

    assert report.counts == {"phones": 0, "former_members": 0, "audit": 0}
    assert members() == before


def test_the_reports_count_the_same_before_and_after_anonymising(world, former):
    years = (2019, 2020, 2021, 2022)
    before = {year: report_of(world, year) for year in years}

    apply_retention(today=TODAY)

    assert {year: report_of(world, year) for year in years} == before
    # the figures count An's year in cell A2 (2019) and departure (2020)
    figures = before[2019][0]
    assert (
        figures["letters_issued"],
        figures["meetings_held"],
        figures["comments_returned"],
        figures["notices_sent"],
        figures["working_members"],
    ) == (1, 1, 1, 1, 4)
    assert before[2020][0]["active_links"] == 0


def test_a_second_run_changes_nothing_but_is_audited(world, former):
    apply_retention(today=TODAY)
    before = state()
    events = set(AuditEvent.objects.values_list("pk", flat=True))

    report = apply_retention(today=TODAY)

    assert report.counts == {"phones": 0, "former_members": 0, "audit": 0}
    assert state() == before
    (event,) = AuditEvent.objects.exclude(pk__in=events)
    assert event.changes["counts"] == {"phones": 0, "former_members": 0, "audit": 0}


def test_a_dry_run_counts_and_changes_nothing(world, former):
    before = state()
    events = AuditEvent.objects.count()

    report = apply_retention(today=TODAY, dry_run=True)

    assert report.counts == {"phones": 2, "former_members": 1, "audit": 0}
    assert state() == before
    assert AuditEvent.objects.count() == events
    # and the real run does what the dry run counted
    assert apply_retention(today=TODAY).counts == report.counts


def test_each_run_writes_one_event_with_the_counts_and_one_per_member_changed(world, former):
    an, bao = former
    events = set(AuditEvent.objects.values_list("pk", flat=True))

    apply_retention(by=world.root_user, today=TODAY)

    written = AuditEvent.objects.exclude(pk__in=events).order_by("pk")
    summary = written.get(object_type="")
    assert (summary.actor, summary.action, summary.object_repr, summary.reason) == (
        world.root_user,
        "update",
        "Personal data retention",
        "Retention policy",
    )
    assert summary.changes == {
        "counts": {"phones": 2, "former_members": 1, "audit": 0},
        "cutoffs": {"phones": "2024-06-01", "former_members": "2021-06-01", "audit": "2021-06-01"},
    }
    per_member = [
        (e.object_id, e.object_repr, e.scope_path, e.changes)
        for e in written.exclude(pk=summary.pk)
    ]
    anonymised = [
        "family_name",
        "middle_name",
        "given_name",
        "party_card_number",
        "dossier_number",
        "citizen_id",
        "workplace_name",
        "residence_community",
        "residence_address",
        "phone",
        "email",
        "birth_date",
        "joined_on",
        "official_on",
    ]
    path = world.workplace_cell.path
    assert per_member == [
        (str(an.pk), "Former member", path, {"cleared": ["phone", "email"]}),
        (str(bao.pk), "Former member", path, {"cleared": ["phone", "email"]}),
        (str(an.pk), "Former member", path, {"anonymised": anonymised}),
    ]


def test_a_run_from_cron_is_audited_as_the_system(world, former):
    apply_retention(today=TODAY)

    summary = AuditEvent.objects.get(object_repr="Personal data retention")
    assert (summary.actor, summary.actor_name) == (None, "system")


def test_audit_rows_older_than_the_retention_are_removed(world):
    old = set(AuditEvent.objects.values_list("pk", flat=True))
    # Five years and a day from now, every row written so far is past its retention.
    later = TODAY + datetime.timedelta(days=5 * 366 + 1)

    dry = apply_retention(today=later, dry_run=True)
    kept = AuditEvent.objects.filter(pk__in=old).count()
    report = apply_retention(today=later)

    assert (dry.counts["audit"], kept, report.counts["audit"]) == (len(old), len(old), len(old))
    assert not AuditEvent.objects.filter(pk__in=old).exists()
    assert AuditEvent.objects.filter(object_repr="Personal data retention").count() == 1


def test_an_anonymised_record_shows_anonymised_and_cannot_be_edited(client, world, former):
    an, _bao = former
    apply_retention(today=TODAY)
    client.force_login(world.workplace_officer)

    page = client.get(reverse("members:detail", args=[an.pk])).content.decode()
    edit = client.get(reverse("members:edit", args=[an.pk]))

    assert "<h1>Anonymised member</h1>" in page
    assert "<dt>Phone</dt><dd>Anonymised</dd>" in page
    assert "<dt>Year of birth</dt><dd>1985</dd>" in page
    assert "0912000111" not in page and "Số 5 ngõ 7" not in page
    assert reverse("members:edit", args=[an.pk]) not in page
    assert edit.status_code == 403
    with pytest.raises(DomainError, match="was anonymised and can no longer be changed"):
        update_member(by=world.root_user, member=an, version=None, given_name="An")


def test_the_command_prints_the_counts_per_policy(world, former):
    out = io.StringIO()

    call_command("apply_retention", "--dry-run", "--date", "2026-06-01", stdout=out)

    assert out.getvalue().splitlines() == [
        "Phone numbers and e-mails of former members removed: 2 (before 01/06/2024)",
        "Former members anonymised: 1 (before 01/06/2021)",
        "Audit rows removed: 0 (before 01/06/2021)",
        "Dry run: nothing was changed.",
    ]


def test_the_command_applies_the_policies(world, former):
    an, _bao = former

    call_command("apply_retention", "--date", "2026-06-01", stdout=io.StringIO())

    assert Member.objects.get(pk=an.pk).anonymised_on == TODAY
    assert AuditEvent.objects.filter(object_repr="Personal data retention").count() == 1


def test_the_policies_follow_the_settings(world, former, settings):
    settings.RETAIN_FORMER_MEMBERS_YEARS = 3
    settings.RETAIN_PHONE_YEARS = 5

    report = apply_retention(today=TODAY, dry_run=True)

    assert report.counts == {"phones": 1, "former_members": 2, "audit": 0}


@pytest.mark.parametrize("value", ["0", "-1", "five", "2.5"])
def test_a_retention_of_less_than_a_year_is_refused_at_start(monkeypatch, value):
    monkeypatch.setenv("LIENHE213_RETAIN_AUDIT_YEARS", value)

    with pytest.raises(ImproperlyConfigured):
        retention_years("LIENHE213_RETAIN_AUDIT_YEARS", 5)


def test_a_retention_in_whole_years_is_read(monkeypatch):
    monkeypatch.setenv("LIENHE213_RETAIN_AUDIT_YEARS", "7")

    assert retention_years("LIENHE213_RETAIN_AUDIT_YEARS", 5) == 7
    assert retention_years("LIENHE213_RETAIN_PHONE_YEARS_UNSET", 2) == 2
