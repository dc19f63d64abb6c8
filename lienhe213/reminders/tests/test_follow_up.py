"""Proposals awaiting the workplace's follow-up: a reminder to the workplace officer a
month after the return, once, and none once the follow-up is recorded."""

import datetime

from lienhe213.comments import services as comment_services
from lienhe213.comments.tests.conftest import BEST_FORM_3, request_at
from lienhe213.reminders.models import Kind, Notification
from lienhe213.reminders.tests.conftest import TODAY, run

COMMEND = {**BEST_FORM_3, "recommendation": "commend"}


def follow_up_reminders():
    return list(
        Notification.objects.filter(kind=Kind.FOLLOW_UP_DUE).values_list(
            "user__username", "object_id"
        )
    )


def test_a_proposal_awaiting_follow_up_a_month_after_return_reminds_the_workplace(world):
    request = request_at(world, "returned", items=COMMEND)
    returned_on = TODAY

    run(returned_on + datetime.timedelta(days=30))
    assert follow_up_reminders() == []

    run(returned_on + datetime.timedelta(days=31))
    run(returned_on + datetime.timedelta(days=32))

    assert follow_up_reminders() == [("coquan", request.pk)]
    notification = Notification.objects.get(kind=Kind.FOLLOW_UP_DUE)
    assert notification.target_url() == f"/comments/request/{request.pk}/"
    assert notification.message() == (
        f"The residence's proposal “Commend” on {request.member.full_name}, returned on "
        "15/01/2026, still awaits the workplace committee's follow-up."
    )


def test_a_followed_up_proposal_or_a_comment_without_proposal_reminds_nobody(world):
    request = request_at(world, "returned", items=COMMEND)
    comment_services.record_follow_up(
        by=world.workplace_officer,
        request=request,
        outcome="commended",
        decided_on=TODAY,
    )

    run(TODAY + datetime.timedelta(days=40))

    assert follow_up_reminders() == []
