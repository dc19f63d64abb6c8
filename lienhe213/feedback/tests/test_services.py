"""One test per rule of the feedback services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import timezone

from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent
from lienhe213.feedback import services
from lienhe213.feedback.models import FeedbackChannel, ResidentReport, receipt_digest
from lienhe213.feedback.tests.conftest import link_at, report_state, send_report
from lienhe213.notices.models import Notice
from lienhe213.reminders.models import Notification


def test_a_cells_page_is_created_once_with_an_unguessable_code(world):
    first = services.open_channel(by=world.secretary_a2, cell=world.cell_a2)

    again = services.open_channel(by=world.commune_clerk, cell=world.cell_a2)

    assert again.pk == first.pk
    assert FeedbackChannel.objects.count() == 1
    assert len(first.slug) == 12
    assert AuditEvent.objects.filter(object_type="feedback.feedbackchannel").count() == 1


def test_only_a_residential_cell_has_a_page(world):
    with pytest.raises(DomainError):
        services.open_channel(by=world.root_user, cell=world.workplace_cell)

    assert not FeedbackChannel.objects.exists()


def test_another_cells_secretary_may_not_create_the_page(world):
    with pytest.raises(PermissionDenied):
        services.open_channel(by=world.secretary_a1, cell=world.cell_a2)

    assert not FeedbackChannel.objects.exists()


def test_a_commune_opens_the_pages_of_all_its_cells(world):
    channels = services.open_channels(by=world.commune_clerk, commune=world.commune_a_committee)

    assert sorted(c.cell_id for c in channels) == sorted([world.cell_a1.pk, world.cell_a2.pk])


def test_a_report_is_stored_as_text_with_a_hashed_receipt_and_tells_the_secretary(world, channel):
    report, receipt = send_report(channel)

    assert report.status == "received"
    assert report.phone == "0912345678"
    assert report.receipt_digest == receipt_digest(receipt) != receipt
    assert len(receipt) >= 22
    assert not ResidentReport.objects.filter(receipt_digest=receipt).exists()
    assert list(Notification.objects.values_list("user__username", "kind")) == [
        ("chibo2", "feedback_received")
    ]
    received = timezone.localdate(report.received_at).strftime("%d/%m/%Y")
    assert Notification.objects.get().message() == (
        f"A resident sent Chi bộ tổ 2 a report on {received}: match it to a member or close it."
    )
    event = AuditEvent.objects.get(object_type="feedback.residentreport")
    assert event.changes == {"topic": "concern", "phone_given": True}
    assert "karaoke" not in str(event.changes)


def test_the_report_must_be_handled_within_the_working_days(world, channel):
    report, _receipt = send_report(channel)

    received = timezone.localdate(report.received_at)
    assert report.handle_by >= received + datetime.timedelta(days=14)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("body", "abc\x00def"),
        ("body", "\x1b[31m"),
        ("body", "x" * 2001),
        ("member_name", ""),
        ("community", "   "),
        ("phone", "call me"),
        ("phone", "1234"),
        ("topic", "spam"),
    ],
)
def test_a_report_that_is_not_plain_text_within_the_limits_is_refused(world, channel, field, value):
    before = report_state()

    with pytest.raises(DomainError) as refused:
        send_report(channel, **{field: value})

    assert refused.value.field == field
    assert report_state() == before


def test_the_status_answers_the_state_and_nothing_for_a_wrong_code(world, channel):
    _report, receipt = send_report(channel)

    assert services.report_status(receipt=receipt) == "received"
    assert services.report_status(receipt=receipt + "x") is None
    assert services.report_status(receipt="") is None


def test_a_report_is_matched_to_a_linked_member_of_the_cell(world, channel):
    link = link_at(world, "active")
    report, _receipt = send_report(channel)

    services.match_report(by=world.secretary_a2, report=report, link=link, note="Đã xác minh.")

    report.refresh_from_db()
    assert (report.status, report.member_id, report.link_id) == (
        "handling",
        link.member_id,
        link.pk,
    )
    assert report.matched_by == world.secretary_a2


def test_a_report_is_not_matched_to_a_member_of_another_cell(world, channel):
    other = link_at(world, "active")
    report, _receipt = send_report(channel)
    from lienhe213.registry.models import ResidenceLink

    ResidenceLink.objects.filter(pk=other.pk).update(residence_cell=world.cell_a1)
    before = report_state()

    with pytest.raises(DomainError) as refused:
        services.match_report(by=world.commune_clerk, report=report, link=other)

    assert refused.value.field == "link"
    assert report_state() == before


def test_the_workplace_may_not_handle_a_report(world, channel):
    link = link_at(world, "active")
    report, _receipt = send_report(channel)
    before = report_state()

    with pytest.raises(PermissionDenied):
        services.match_report(by=world.workplace_officer, report=report, link=link)

    assert report_state() == before


def test_an_unmatched_report_closes_only_as_not_about_a_member_not_serious_or_duplicate(
    world, channel
):
    report, _receipt = send_report(channel)
    before = report_state()

    with pytest.raises(DomainError):
        services.close_report(by=world.commune_clerk, report=report, reason="handled", note="x")
    assert report_state() == before

    services.close_report(
        by=world.commune_clerk, report=report, reason="duplicate", note="Trùng phản ánh trước."
    )
    report.refresh_from_db()
    assert (report.status, report.close_reason) == ("closed", "duplicate")


def test_a_close_needs_a_note(world, channel):
    report, _receipt = send_report(channel)

    with pytest.raises(DomainError) as refused:
        services.close_report(by=world.commune_clerk, report=report, reason="not_serious", note=" ")

    assert refused.value.field == "note"


def test_a_stale_page_may_not_close_a_report(world, channel):
    report, _receipt = send_report(channel)

    with pytest.raises(DomainError):
        services.close_report(
            by=world.commune_clerk, report=report, reason="not_serious", note="x", version=7
        )

    assert ResidentReport.objects.get(pk=report.pk).status == "received"


def test_forwarding_sends_a_notice_without_the_phone_and_closes_the_report(world, channel):
    link = link_at(world, "active")
    report, _receipt = send_report(channel)
    services.match_report(by=world.secretary_a2, report=report, link=link)

    notice = services.forward_report(
        by=world.secretary_a2, report=report, kind="violation", note="Đề nghị nhắc nhở."
    )

    assert (notice.sender, notice.recipient, notice.kind) == (
        world.cell_a2,
        world.workplace,
        "violation",
    )
    assert "karaoke" in notice.body and "Đề nghị nhắc nhở." in notice.body
    assert "0912" not in notice.body and "345" not in notice.body
    report.refresh_from_db()
    assert (report.status, report.close_reason, report.notice_id) == (
        "closed",
        "forwarded",
        notice.pk,
    )


def test_an_unmatched_report_is_not_forwarded(world, channel):
    report, _receipt = send_report(channel)
    before = report_state()

    with pytest.raises(DomainError):
        services.forward_report(by=world.secretary_a2, report=report, kind="violation", note="x")

    assert report_state() == before
    assert not Notice.objects.exists()


def test_unhandled_reports_are_escalated_once_after_the_working_days(world, channel):
    report, _receipt = send_report(channel)
    late = report.handle_by + datetime.timedelta(days=1)

    first = services.escalate_overdue_reports(on=late)
    second = services.escalate_overdue_reports(on=late)

    assert [r.pk for r in first] == [report.pk]
    assert second == []
    assert services.escalate_overdue_reports(on=report.handle_by) == []


@override_settings(FEEDBACK_PHONE_RETENTION_MONTHS=12)
def test_the_phone_is_erased_a_retention_period_after_the_report_closed(world, channel):
    report, _receipt = send_report(channel)
    services.close_report(by=world.commune_clerk, report=report, reason="not_serious", note="x")
    closed_on = timezone.localdate(ResidentReport.objects.get(pk=report.pk).closed_at)
    open_report, _r = send_report(channel)

    kept = services.erase_expired_phones(on=closed_on + datetime.timedelta(days=364))
    erased = services.erase_expired_phones(on=closed_on + datetime.timedelta(days=367))
    again = services.erase_expired_phones(on=closed_on + datetime.timedelta(days=367))

    assert (kept, erased, again) == (0, 1, 0)
    report.refresh_from_db()
    assert report.phone == "" and report.phone_erased_at is not None
    assert ResidentReport.objects.get(pk=open_report.pk).phone == "0912345678"
    event = AuditEvent.objects.filter(object_id=str(report.pk)).latest("pk")
    assert event.changes == {"cleared": ["phone"]}


def test_months_before_keeps_the_day_or_the_months_last():
    assert services.months_before(datetime.date(2025, 3, 31), 1) == datetime.date(2025, 2, 28)
    assert services.months_before(datetime.date(2025, 1, 15), 12) == datetime.date(2024, 1, 15)
