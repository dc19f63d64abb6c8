import datetime

import pytest

from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent
from lienhe213.notices import services
from lienhe213.notices.models import Kind, Notice, NoticeReply
from lienhe213.notices.tests.conftest import (
    NOW,
    SENT_ON,
    link_at,
    notice_state,
    second_member,
    send,
)
from lienhe213.registry import services as registry_services
from lienhe213.registry.models import PublicHoliday


def test_the_cell_secretary_sends_a_violation_notice_with_a_deadline(world, active):
    # given a national holiday inside the ten working days
    PublicHoliday.objects.create(date=datetime.date(2025, 3, 20), name="Ngày lễ")

    # when
    notice = send(world, active, by=world.secretary_a2)

    # then
    stored = Notice.objects.get()
    assert stored.pk == notice.pk
    assert stored.member == world.member_w1
    assert stored.link == active
    assert stored.sender == world.cell_a2
    assert stored.recipient == world.workplace
    assert stored.kind == Kind.VIOLATION
    assert stored.body == "Nội dung thông báo."
    assert stored.sent_on == SENT_ON
    assert stored.sent_by == world.secretary_a2
    # 10 working days after Monday 17/03 skipping Thursday 20/03: Tuesday 01/04
    assert stored.response_due == datetime.date(2025, 4, 1)
    assert stored.status == Notice.Status.SENT
    assert stored.version == 1
    event = AuditEvent.objects.filter(object_type="notices.notice").get()
    assert event.action == "create"
    assert event.actor == world.secretary_a2
    assert event.scope_path == world.cell_a2.path
    assert event.changes["kind"] == "violation"
    assert event.changes["response_due"] == "2025-04-01"


def test_an_informing_kind_has_no_deadline(world, active):
    notice = send(world, active, kind=Kind.RETIREMENT, by=world.workplace_officer)

    notice.refresh_from_db()
    assert notice.sender == world.workplace
    assert notice.recipient == world.commune_a_committee
    assert notice.response_due is None


def test_a_notice_may_still_go_through_a_recently_closed_link(world, active):
    registry_services.end_link_for_departure(
        by=world.root_user,
        link=active,
        ended_on=SENT_ON - datetime.timedelta(days=10),
        reason="died",
    )

    notice = send(world, active, kind=Kind.DEATH, by=world.workplace_officer)

    assert Notice.objects.get().pk == notice.pk


def test_the_commune_clerk_acts_for_the_commune_and_its_cells(world, active):
    send(world, active, by=world.commune_clerk)
    send(
        world,
        active,
        kind=Kind.UNREACHABLE,
        sender=world.commune_a_committee,
        by=world.commune_clerk,
    )

    assert list(Notice.objects.order_by("pk").values_list("sender__name", flat=True)) == [
        world.cell_a2.name,
        world.commune_a_committee.name,
    ]


@pytest.mark.parametrize(
    "case",
    [
        "recipient outside the link",
        "recipient on the same side",
        "residence kind from the workplace",
        "workplace kind from the residence",
        "sender outside the link",
        "actor on the other side",
        "actor of another cell",
        "empty message",
        "link closed long ago",
    ],
)
def test_a_wrong_notice_is_refused_and_nothing_changes(world, active, case):
    # given
    kwargs = {
        "by": world.root_user,
        "link": active,
        "kind": Kind.VIOLATION,
        "sender": world.cell_a2,
        "recipient": world.workplace,
        "body": "Nội dung.",
        "sent_on": SENT_ON,
    }
    expected = {
        "recipient outside the link": (
            {"recipient": world.commune_b_committee},
            "“Đảng bộ xã Lâm Bình” is not the other side of this member's link",
        ),
        "recipient on the same side": (
            {"recipient": world.commune_a_committee},
            "is not the other side of this member's link",
        ),
        "residence kind from the workplace": (
            {"sender": world.workplace, "recipient": world.cell_a2},
            "A notice of this kind is sent by the residence side.",
        ),
        "workplace kind from the residence": (
            {"kind": Kind.DEATH},
            "A notice of this kind is sent by the workplace side.",
        ),
        "sender outside the link": (
            {"sender": world.cell_a1},
            "“Chi bộ tổ 1” is neither the workplace nor the residence of this member's link.",
        ),
        "actor on the other side": (
            {"by": world.workplace_officer},
            "You may not act for “Chi bộ tổ 2” on the residence side.",
        ),
        "actor of another cell": (
            {"by": world.secretary_a1},
            "You may not act for “Chi bộ tổ 2” on the residence side.",
        ),
        "empty message": ({"body": "  "}, "Write the message."),
        "link closed long ago": (
            {"sent_on": SENT_ON + datetime.timedelta(days=200)},
            "This link is closed; notices go only through an open link or one closed in the "
            "last 90 days.",
        ),
    }
    changes, message = expected[case]
    kwargs.update(changes)
    if case == "link closed long ago":
        registry_services.end_link_for_departure(
            by=world.root_user, link=active, ended_on=SENT_ON, reason="left_party"
        )
    before = notice_state()

    # when
    with pytest.raises(DomainError) as refusal:
        services.send_notice(**kwargs)

    # then
    assert message in str(refusal.value)
    assert notice_state() == before


def test_the_recipient_acknowledges(world, active):
    notice = send(world, active)

    services.acknowledge_notice(by=world.workplace_officer, notice=notice, version=1)

    notice.refresh_from_db()
    assert notice.status == Notice.Status.ACKNOWLEDGED
    assert notice.acknowledged_by == world.workplace_officer
    assert notice.acknowledged_at == NOW
    assert notice.version == 2
    event = AuditEvent.objects.filter(object_type="notices.notice").order_by("pk").last()
    assert event.changes["event"] == "acknowledged"
    assert event.changes["status"] == ["sent", "acknowledged"]
    assert event.scope_path == world.workplace.path


@pytest.mark.parametrize("actor", ["secretary_a2", "commune_clerk", "secretary_a1", "stranger"])
def test_acknowledging_a_notice_not_addressed_to_you_is_refused(world, active, actor):
    notice = send(world, active)
    before = notice_state()

    with pytest.raises(DomainError) as refusal:
        services.acknowledge_notice(by=world.user(actor), notice=notice)

    assert str(refusal.value) == (
        "This notice is addressed to “Đảng bộ Sở Giáo dục và Đào tạo”; only they acknowledge it."
    )
    assert notice_state() == before


def test_a_stale_version_is_refused(world, active):
    notice = send(world, active)
    services.acknowledge_notice(by=world.workplace_officer, notice=notice, version=1)
    before = notice_state()

    with pytest.raises(DomainError) as refusal:
        services.close_notice(by=world.secretary_a2, notice=notice, outcome="Xong.", version=1)

    assert "changed by someone else meanwhile" in str(refusal.value)
    assert notice_state() == before


def test_acknowledging_twice_is_refused(world, active):
    notice = send(world, active)
    services.acknowledge_notice(by=world.workplace_officer, notice=notice)
    before = notice_state()

    with pytest.raises(DomainError) as refusal:
        services.acknowledge_notice(by=world.workplace_officer, notice=notice)

    assert str(refusal.value) == (
        "This notice is acknowledged; only a notice just sent can be acknowledged."
    )
    assert notice_state() == before


def test_the_recipients_reply_answers_the_notice(world, active):
    notice = send(world, active)

    reply = services.reply_to_notice(by=world.workplace_officer, notice=notice, body=" Đã xử lý. ")

    notice.refresh_from_db()
    assert notice.status == Notice.Status.ANSWERED
    assert notice.acknowledged_by == world.workplace_officer
    assert notice.version == 2
    stored = NoticeReply.objects.get()
    assert (stored.pk, stored.notice_id, stored.organization, stored.by, stored.body) == (
        reply.pk,
        notice.pk,
        world.workplace,
        world.workplace_officer,
        "Đã xử lý.",
    )
    event = AuditEvent.objects.filter(object_type="notices.notice").order_by("pk").last()
    assert event.changes["event"] == "replied"
    assert event.changes["status"] == ["sent", "answered"]


def test_the_senders_reply_keeps_the_notice_waiting(world, active):
    notice = send(world, active)

    services.reply_to_notice(by=world.secretary_a2, notice=notice, body="Bổ sung.")

    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    assert NoticeReply.objects.get().organization == world.cell_a2


def test_replying_is_refused_for_an_outsider_and_on_a_closed_notice(world, active):
    notice = send(world, active)
    services.close_notice(by=world.secretary_a2, notice=notice, outcome="Đã nhắc nhở.")
    before = notice_state()

    with pytest.raises(DomainError) as outsider:
        services.reply_to_notice(by=world.other_clerk, notice=notice, body="?")
    with pytest.raises(DomainError) as closed:
        services.reply_to_notice(by=world.workplace_officer, notice=notice, body="?")

    assert str(outsider.value) == "You may act for neither side of this notice."
    assert str(closed.value) == "This notice is closed; its thread takes no more replies."
    assert notice_state() == before


def test_closing_records_the_outcome(world, active):
    notice = send(world, active)

    services.close_notice(
        by=world.workplace_officer, notice=notice, outcome=" Kỷ luật khiển trách. "
    )

    notice.refresh_from_db()
    assert notice.status == Notice.Status.CLOSED
    assert notice.outcome == "Kỷ luật khiển trách."
    assert notice.closed_at == NOW
    event = AuditEvent.objects.filter(object_type="notices.notice").order_by("pk").last()
    assert event.changes["event"] == "closed"
    assert event.changes["outcome"] == ["", "Kỷ luật khiển trách."]


def test_overdue_and_escalation_is_idempotent(world, active):
    # given a violation due 31/03, a retirement without a deadline, and an answered one
    due = send(world, active)
    send(world, active, kind=Kind.RETIREMENT, by=world.workplace_officer)
    answered = send(world, active, kind=Kind.REPEATED_ABSENCE)
    services.reply_to_notice(by=world.workplace_officer, notice=answered, body="Đã nhắc.")
    day_after = datetime.date(2025, 4, 1)

    # when
    assert list(Notice.objects.overdue(on=datetime.date(2025, 3, 31))) == []
    assert list(Notice.objects.overdue(on=day_after)) == [due]
    first = services.escalate_overdue_notices(on=day_after)
    second = services.escalate_overdue_notices(on=day_after + datetime.timedelta(days=5))

    # then
    assert first == [due]
    assert second == []
    due.refresh_from_db()
    assert due.escalated_at == NOW
    assert due.version == 1
    events = AuditEvent.objects.filter(changes__event="escalated")
    assert [(e.object_id, e.actor_name, e.scope_path) for e in events] == [
        (str(due.pk), "system", world.workplace.path)
    ]


def test_queries_inbox_outbox_and_thread(world, active):
    violation = send(world, active)
    retirement = send(world, active, kind=Kind.RETIREMENT)
    other = link_at(world, "received", member=second_member(world))
    send(world, other, kind=Kind.DEATH, recipient=world.commune_b_committee)

    assert list(Notice.objects.inbox(world.commune_a_committee)) == [retirement]
    assert list(Notice.objects.outbox(world.commune_a_committee)) == [violation]
    assert list(Notice.objects.inbox(world.cell_a2)) == []
    assert set(Notice.objects.about(world.member_w1.pk)) == {violation, retirement}
    assert set(Notice.objects.visible_to(world.secretary_a1)) == set()
    assert set(Notice.objects.visible_to(world.secretary_a2)) == {violation}
    assert set(Notice.objects.visible_to(world.commune_clerk)) == {violation, retirement}
    assert Notice.objects.visible_to(world.workplace_officer).count() == 3
    assert Notice.objects.visible_to(world.member_user).count() == 0
