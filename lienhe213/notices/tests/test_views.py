import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienhe213.notices.models import Kind, Notice, NoticeReply
from lienhe213.notices.tests.conftest import notice_state, send

CAST = [
    "anonymous",
    "stranger",
    "member_user",
    "other_clerk",
    "secretary_a1",
    "secretary_a2",
    "commune_clerk",
    "workplace_officer",
    "provincial_officer",
]


def login(client, world, name):
    user = world.user(name)
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize(
    ("actor", "expected"),
    list(zip(CAST, [302, 404, 404, 404, 404, 200, 200, 200, 200], strict=True)),
)
def test_notice_page_permissions(client, world, active, actor, expected):
    notice = send(world, active)
    login(client, world, actor)

    response = client.get(reverse("notices:detail", args=[notice.pk]))

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("actor", "expected"),
    list(zip(CAST, [302, 404, 404, 404, 404, 403, 403, 302, 302], strict=True)),
)
def test_acknowledge_permissions(client, world, active, actor, expected):
    notice = send(world, active)
    login(client, world, actor)
    before = notice_state()

    response = client.post(reverse("notices:acknowledge", args=[notice.pk]), {"version": 1})

    assert response.status_code == expected
    if expected == 302 and actor != "anonymous":
        assert response["Location"] == reverse("notices:detail", args=[notice.pk])
        assert Notice.objects.get().status == Notice.Status.ACKNOWLEDGED
    else:
        assert notice_state() == before


@pytest.mark.parametrize(
    ("actor", "expected"),
    list(zip(CAST, [302, 404, 403, 404, 404, 200, 200, 200, 200], strict=True)),
)
def test_send_page_permissions(client, world, active, actor, expected):
    login(client, world, actor)

    response = client.get(reverse("notices:send") + f"?link={active.pk}")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("actor", "expected"),
    list(zip(CAST, [302, 404, 200, 404, 404, 200, 200, 200, 200], strict=True)),
)
def test_member_thread_permissions(client, world, active, actor, expected):
    send(world, active)
    login(client, world, actor)

    response = client.get(reverse("notices:member_thread", args=[world.member_w1.pk]))

    assert response.status_code == expected
    if expected == 200:
        shown = [n.pk for n in response.context["notices"]]
        assert shown == ([] if actor == "member_user" else [Notice.objects.get().pk])


def test_the_cell_sends_a_notice_from_the_link_page(client, world, active):
    client.force_login(world.secretary_a2)
    url = reverse("notices:send") + f"?link={active.pk}"

    page = client.get(url)
    response = client.post(
        url,
        {
            "route": f"{world.cell_a2.pk}-{world.workplace.pk}",
            "kind": Kind.REPEATED_ABSENCE,
            "body": "Vắng ba kỳ họp.",
        },
    )

    assert [value for value, _label in page.context["form"].fields["kind"].choices] == [
        "violation",
        "good_conduct",
        "repeated_absence",
        "unreachable",
    ]
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("notices:detail", args=[notice.pk])
    assert (notice.sender, notice.recipient, notice.kind, notice.sent_by) == (
        world.cell_a2,
        world.workplace,
        Kind.REPEATED_ABSENCE,
        world.secretary_a2,
    )


def test_a_route_the_user_may_not_take_is_refused_on_the_form(client, world, active):
    client.force_login(world.secretary_a2)
    before = notice_state()

    response = client.post(
        reverse("notices:send") + f"?link={active.pk}",
        {
            "route": f"{world.workplace.pk}-{world.cell_a2.pk}",
            "kind": Kind.VIOLATION,
            "body": "?",
        },
    )

    assert response.status_code == 200
    assert "route" in response.context["form"].errors
    assert notice_state() == before


def test_reply_and_close_from_the_notice_page(client, world, active):
    notice = send(world, active)
    client.force_login(world.workplace_officer)

    replied = client.post(
        reverse("notices:reply", args=[notice.pk]), {"version": 1, "body": "Đã tiếp thu."}
    )
    stale = client.post(
        reverse("notices:close", args=[notice.pk]), {"version": 1, "outcome": "Xong."}
    )
    closed = client.post(
        reverse("notices:close", args=[notice.pk]), {"version": 2, "outcome": "Xong."}
    )

    assert replied.status_code == 302
    assert stale.status_code == 200
    assert stale.context["steps"][-1][2].non_field_errors() == [
        "This notice was changed by someone else meanwhile. Reload it and try again."
    ]
    assert closed.status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.outcome, notice.version) == (Notice.Status.CLOSED, "Xong.", 3)
    assert NoticeReply.objects.get().body == "Đã tiếp thu."


def test_inbox_and_outbox_filter_and_scope(client, world, active):
    violation = send(world, active)
    retirement = send(world, active, kind=Kind.RETIREMENT)
    client.force_login(world.commune_clerk)

    inbox = client.get(reverse("notices:inbox", args=[world.commune_a_committee.pk]))
    outbox = client.get(reverse("notices:outbox", args=[world.commune_a_committee.pk]))
    filtered = client.get(
        reverse("notices:outbox", args=[world.commune_a_committee.pk]), {"kind": "unreachable"}
    )
    overdue = client.get(
        reverse("notices:outbox", args=[world.commune_a_committee.pk]), {"overdue": "on"}
    )
    other = client.get(reverse("notices:inbox", args=[world.commune_b_committee.pk]))

    assert inbox.context["page"].rows == [retirement]
    assert outbox.context["page"].rows == [violation]
    assert filtered.context["page"].rows == []
    assert overdue.context["page"].rows == [violation]  # due in March 2025
    assert other.status_code == 404


def test_inbox_queries_do_not_grow_with_the_rows(client, world, active):
    client.force_login(world.workplace_officer)
    url = reverse("notices:inbox", args=[world.workplace.pk])
    send(world, active)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        send(world, active)

    with CaptureQueriesContext(connection) as six:
        response = client.get(url)

    assert len(response.context["page"].rows) == 6
    assert len(six) == len(one)


def test_member_thread_queries_do_not_grow_with_the_notices(client, world, active):
    client.force_login(world.commune_clerk)
    url = reverse("notices:member_thread", args=[world.member_w1.pk])
    first = send(world, active)
    NoticeReply.objects.create(notice=first, organization=world.workplace, body="…")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        notice = send(world, active)
        NoticeReply.objects.create(notice=notice, organization=world.workplace, body="…")

    with CaptureQueriesContext(connection) as six:
        client.get(url)

    assert len(six) == len(one)


def test_the_inbox_filters_the_notices_waiting_for_an_answer(client, world, active):
    # given two violations sent to the workplace, one of which it has answered
    from lienhe213.notices import services

    waiting = send(world, active)
    answered = send(world, active)
    services.reply_to_notice(by=world.workplace_officer, notice=answered, body="Đã xử lý.")
    client.force_login(world.workplace_officer)
    url = reverse("notices:inbox", args=[world.workplace.pk])

    # when the officer follows the home page's "Notices to answer" to the inbox
    shown = client.get(url, {"waiting": "on"}).context["page"].rows
    every = client.get(url).context["page"].rows

    # then only the one still waiting is listed there
    assert [n.pk for n in shown] == [waiting.pk]
    assert {n.pk for n in every} == {waiting.pk, answered.pk}
