"""Hand-off notifications (ADR 0013): each step that passes the work to another side
tells the people whose job the next step is, in the step's transaction, once.

Each test asserts exactly who got what: the next side's people and nobody else — not
the actor, not the other commune, not the province."""

import datetime

import pytest
from django.urls import reverse

from conftest import member_fields
from lienhe213.comments import services as comments
from lienhe213.comments.tests.conftest import (
    REQUESTED,
    open_campaign,
    request_at,
)
from lienhe213.core.errors import DomainError
from lienhe213.members.services import create_member
from lienhe213.notices.models import Kind as NoticeKind
from lienhe213.notices.tests.conftest import send
from lienhe213.registry import services as registry
from lienhe213.registry.tests.conftest import MONDAY, classify, link_at
from lienhe213.reminders import handoffs
from lienhe213.reminders.models import Kind, Notification


def told():
    """``{username: [(kind, message)]}`` of every notification."""
    result: dict[str, list[tuple[str, str]]] = {}
    for n in Notification.objects.select_related("user").order_by("user__username", "key"):
        result.setdefault(n.user.username, []).append((n.kind, n.message()))
    return result


def neighbour(world, given_name, citizen_id, commune=None):
    """Another working member of the workplace cell living in community A2 of commune
    A, or in ``commune``."""
    member = create_member(
        by=world.root_user,
        **member_fields(
            world.workplace_cell,
            given_name=given_name,
            citizen_id=citizen_id,
            residence_commune=commune or world.commune_a,
            residence_community=None if commune else world.community_a2,
        ),
    )
    return member


# --- letters --------------------------------------------------------------------------


def test_issued_letters_tell_each_residence_communes_clerks_once_per_issue(world):
    classify(world)
    an = neighbour(world, "An", "002085001111")
    pom = neighbour(world, "Pọm", "002085002222", world.commune_b)
    classify(world, an)
    classify(world, pom)

    links = registry.issue_letters(
        by=world.workplace_officer,
        workplace=world.workplace,
        members=[an, world.member_w1, pom],
        issued_on=MONDAY,
    )

    assert told() == {
        "xa": [
            (
                "letters_issued",
                "Đảng bộ Sở Giáo dục và Đào tạo introduced 2 members to Đảng bộ phường "
                "Hà Giang 1 on 03/03/2025: receive the letters when they are presented.",
            )
        ],
        "xa_b": [
            (
                "letters_issued",
                "Đảng bộ Sở Giáo dục và Đào tạo introduced Nguyễn Văn Pọm to Đảng bộ xã "
                "Lâm Bình on 03/03/2025: receive the letter when it is presented.",
            )
        ],
    }
    notification = Notification.objects.get(user=world.commune_clerk)
    assert notification.key == f"letters_issued:{world.commune_a_committee.pk}:{links[0].pk}"
    assert notification.target_url() == reverse(
        "registry:receive_letters", args=[world.commune_a_committee.pk]
    )


def test_a_refused_issue_tells_nobody(world):
    with pytest.raises(DomainError):  # not yet classified
        registry.issue_letter(
            by=world.workplace_officer,
            workplace=world.workplace,
            member=world.member_w1,
            issued_on=MONDAY,
        )

    assert Notification.objects.count() == 0


def test_assignment_tells_the_cells_secretary_only(world):
    link = link_at(world, "received")
    Notification.objects.all().delete()  # the issue's notification is another test's

    registry.assign_to_cell(
        by=world.commune_clerk, link=link, cell=world.cell_a2, assigned_on=MONDAY + 8 * DAY
    )

    assert told() == {
        "chibo2": [
            (
                "link_assigned",
                "Đảng bộ phường Hà Giang 1 assigned Nguyễn Văn Đức to Chi bộ tổ 2 on "
                "11/03/2025: take the member in and tell them what is expected.",
            )
        ]
    }
    notification = Notification.objects.get()
    assert notification.target_url() == reverse("registry:link_detail", args=[link.pk])


def test_a_refused_assignment_tells_nobody(world):
    link = link_at(world, "issued")  # not received yet
    Notification.objects.all().delete()

    with pytest.raises(DomainError):
        registry.assign_to_cell(
            by=world.commune_clerk, link=link, cell=world.cell_a2, assigned_on=MONDAY
        )

    assert Notification.objects.count() == 0


def test_a_returned_letter_tells_the_workplace_officer(world):
    link = link_at(world, "issued")
    Notification.objects.all().delete()

    registry.return_letter(
        by=world.commune_clerk, link=link, returned_on=MONDAY + DAY, reason="Không có nhà số 9"
    )

    assert told() == {
        "coquan": [
            (
                "letter_returned",
                "Đảng bộ phường Hà Giang 1 returned the introduction letter of Nguyễn Văn "
                "Đức on 04/03/2025 (Không có nhà số 9): correct it and issue a new letter.",
            )
        ]
    }


# --- comments -------------------------------------------------------------------------


def test_requests_tell_each_cells_secretary_once_per_batch(world):
    link = link_at(world, "active")
    an = neighbour(world, "An", "002085001111")
    other = link_at(world, "active", member=an)
    Notification.objects.all().delete()
    campaign = open_campaign(world)

    comments.request_comments(
        by=world.workplace_officer,
        campaign=campaign,
        workplace=world.workplace,
        members=[link.member, other.member],
        requested_on=REQUESTED,
    )

    assert told() == {
        "chibo2": [
            (
                "comments_requested",
                "Đảng bộ Sở Giáo dục và Đào tạo asks Chi bộ tổ 2 for its comments on 2 "
                "members for 2025, due by 15/12/2025.",
            )
        ]
    }
    assert Notification.objects.get().target_url() == reverse(
        "comments:cell", args=[world.cell_a2.pk]
    )


def test_signing_tells_the_commune_clerk_not_the_signer_nor_the_other_commune(world):
    request = request_at(world, "drafted")
    Notification.objects.all().delete()

    comments.sign_comment(by=world.secretary_a2, request=request)

    (notification,) = Notification.objects.all()
    assert (notification.user, notification.kind) == (world.commune_clerk, "comment_signed")
    assert notification.message().startswith("Chi bộ tổ 2 signed its comment on Nguyễn Văn Đức on ")
    assert notification.message().endswith(
        ": confirm it and return it to Đảng bộ Sở Giáo dục và Đào tạo."
    )
    assert notification.target_url() == reverse("comments:request", args=[request.pk])


def test_a_refused_signature_tells_nobody(world):
    request = request_at(world, "requested")  # nothing drafted
    Notification.objects.all().delete()

    with pytest.raises(DomainError):
        comments.sign_comment(by=world.secretary_a2, request=request)

    assert Notification.objects.count() == 0


def test_confirming_tells_nobody_and_returning_tells_the_workplace_officer(world):
    request = request_at(world, "signed")
    Notification.objects.all().delete()

    comments.confirm_comment(by=world.commune_clerk, request=request)
    assert Notification.objects.count() == 0  # still the commune's: no hand-off yet
    comments.return_comment(by=world.commune_clerk, request=request)

    (notification,) = Notification.objects.all()
    assert (notification.user, notification.kind) == (world.workplace_officer, "comment_returned")
    assert "Đảng bộ phường Hà Giang 1 confirmed and returned the comment on Nguyễn Văn Đức" in (
        notification.message()
    )


def test_a_second_return_is_refused_and_adds_nothing(world):
    request = request_at(world, "returned")

    with pytest.raises(DomainError):
        comments.return_comment(by=world.commune_clerk, request=request)

    assert Notification.objects.filter(kind=Kind.COMMENT_RETURNED).count() == 1


# --- notices --------------------------------------------------------------------------


def test_a_notice_tells_the_recipients_people(world):
    link = link_at(world, "active")
    Notification.objects.all().delete()

    to_workplace = send(world, link, by=world.secretary_a2)
    to_commune = send(world, link, kind=NoticeKind.APPOINTMENT, by=world.workplace_officer)

    assert {
        (n.user.username, n.kind, n.object_id) for n in Notification.objects.select_related("user")
    } == {
        ("coquan", "notice_sent", to_workplace.pk),
        ("xa", "notice_sent", to_commune.pk),
    }
    message = Notification.objects.get(user=world.workplace_officer).message()
    assert message == (
        "Chi bộ tổ 2 sent a notice “Violation at the residence” about Nguyễn Văn Đức on "
        "17/03/2025; answer it by 31/03/2025."
    )


def test_a_refused_notice_tells_nobody(world):
    link = link_at(world, "active")
    Notification.objects.all().delete()

    with pytest.raises(DomainError):  # a residence kind sent by the workplace
        send(world, link, kind=NoticeKind.VIOLATION, sender=world.workplace, by=world.root_user)

    assert Notification.objects.count() == 0


def test_a_refused_request_and_a_refused_return_of_a_letter_tell_nobody(world):
    link = link_at(world, "assigned")  # not active yet: no comment can be asked
    Notification.objects.all().delete()

    with pytest.raises(DomainError):
        comments.request_comments(
            by=world.workplace_officer,
            campaign=open_campaign(world),
            workplace=world.workplace,
            members=[link.member],
            requested_on=REQUESTED,
        )
    with pytest.raises(DomainError):  # assigned to a cell: too late to return it
        registry.return_letter(
            by=world.commune_clerk, link=link, returned_on=MONDAY + 9 * DAY, reason="Sai"
        )

    assert Notification.objects.count() == 0


def test_the_daily_digest_carries_a_hand_off_with_its_link(world, settings):
    from django.core import mail

    from lienhe213.reminders import services as reminders

    world.commune_clerk.email = "xa@example.org"
    world.commune_clerk.save(update_fields=["email"])
    request = request_at(world, "signed")

    reminders.send_digest(user_id=world.commune_clerk.pk, day=datetime.date(2025, 11, 20))

    (message,) = mail.outbox
    target = settings.SITE_URL + reverse("comments:request", args=[request.pk])
    assert target in message.body
    assert "Chi bộ tổ 2" in message.body


# --- the function itself --------------------------------------------------------------


def test_the_same_key_twice_adds_nothing_and_a_reader_who_may_not_see_gets_nothing(world):
    common = {
        "kind": Kind.NOTICE_SENT,
        "key": "notice_sent:1",
        "object_id": 1,
        "params": {},
        "path": world.commune_a_committee.path,
        "roles": handoffs.COMMUNE,
    }

    first = handoffs.notify(**common)
    again = handoffs.notify(**common)
    hidden = handoffs.notify(**{**common, "key": "notice_sent:2"}, may_see=lambda user: False)
    actor = handoffs.notify(**{**common, "key": "notice_sent:3"}, by=world.commune_clerk)

    clerk = [world.commune_clerk.pk]
    assert (first, again, hidden, actor) == (clerk, clerk, [], [])
    assert list(Notification.objects.values_list("user__username", "key")) == [
        ("xa", "notice_sent:1")
    ]


def test_a_cell_without_a_secretary_tells_nobody_not_the_province(world):
    assert (
        handoffs.notify(
            kind=Kind.LINK_ASSIGNED,
            key="link_assigned:1:1",
            object_id=1,
            params={},
            path=world.cell_b1.path,
            roles=handoffs.CELL,
        )
        == []
    )


DAY = datetime.timedelta(days=1)
