"""The feedback in the reminders (a new report, an unhandled one escalated by run_due,
the phones erased) and in the comment's evidence panel."""

import datetime

from django.urls import reverse
from django.utils import timezone

from lienhe213.comments.tests.conftest import request_at
from lienhe213.feedback import services
from lienhe213.feedback.tests.conftest import send_report
from lienhe213.reminders.models import Notification
from lienhe213.reminders.services import create_due_notifications, run_due


def test_run_due_escalates_an_unhandled_report_to_the_commune_once(world, channel):
    report, _receipt = send_report(channel)
    late = report.handle_by + datetime.timedelta(days=1)

    first = create_due_notifications(on=late)
    second = create_due_notifications(on=late)

    overdue = Notification.objects.filter(kind="feedback_overdue")
    assert (first.escalated_reports, second.escalated_reports) == (1, 0)
    assert sorted(overdue.values_list("user__username", flat=True)) == ["chibo2", "xa"]
    received = timezone.localdate(report.received_at).strftime("%d/%m/%Y")
    assert overdue.first().message() == (
        f"A resident's report to Chi bộ tổ 2, received on {received}, is still unhandled; "
        "it is escalated to the commune."
    )
    assert overdue.first().target_url() == reverse("feedback:detail", args=[report.pk])


def test_a_report_handled_in_time_is_not_escalated(world, channel, active):
    report, _receipt = send_report(channel)
    services.match_report(by=world.secretary_a2, report=report, link=active)

    summary = create_due_notifications(on=report.handle_by + datetime.timedelta(days=30))

    assert summary.escalated_reports == 0
    assert not Notification.objects.filter(kind="feedback_overdue").exists()


def test_run_due_erases_the_phones_kept_too_long(world, channel):
    report, _receipt = send_report(channel)
    services.close_report(by=world.commune_clerk, report=report, reason="duplicate", note="x")

    summary = run_due(on=timezone.localdate() + datetime.timedelta(days=400), digests=False)

    report.refresh_from_db()
    assert summary.phones_erased == 1
    assert report.phone == ""


def test_a_matched_report_is_evidence_for_the_residence_and_not_the_workplace(
    client, world, channel
):
    request = request_at(world, "requested")
    report, _receipt = send_report(channel, body="Giúp đỡ gia đình khó khăn trong tổ.")
    services.match_report(by=world.secretary_a2, report=report, link=request.link)
    url = reverse("comments:request", args=[request.pk])

    client.force_login(world.secretary_a2)
    residence = client.get(url)
    client.force_login(world.workplace_officer)
    workplace = client.get(url)

    assert [r.pk for r in residence.context["resident_reports"]] == [report.pk]
    assert "Giúp đỡ gia đình khó khăn" in residence.content.decode()
    assert list(workplace.context["resident_reports"]) == []
    assert "0912" not in residence.content.decode()
