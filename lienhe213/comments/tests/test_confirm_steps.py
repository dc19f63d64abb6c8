"""The irreversible steps ask once: a summary page before signing, confirming and
returning one comment, and before confirming and returning many from the commune's
list; the messages say what was done and what comes next."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from lienhe213.comments.models import CommentRequest
from lienhe213.comments.tests.conftest import cycle_state, open_campaign, request_at
from lienhe213.comments.tests.test_queries import linked
from lienhe213.core.models import AuditEvent
from lienhe213.reminders.models import Notification


def step(item, name):
    return reverse("comments:step", args=[item.pk, name])


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- one comment ----------------------------------------------------------------------


def test_the_request_page_leads_to_the_summary_not_to_the_step(client, world):
    item = request_at(world, "drafted")
    client.force_login(world.secretary_a2)

    response = client.get(reverse("comments:request", args=[item.pk]))

    assert f'<a class="button" href="{step(item, "sign")}">Sign for the cell…</a>' in (
        response.text
    )
    assert f'action="{step(item, "sign")}"' not in response.text


@pytest.mark.parametrize(
    ("stage", "name", "who", "heading", "what"),
    [
        (
            "drafted",
            "sign",
            "secretary_a2",
            "Sign the comment on Nguyễn Văn Đức?",
            "You sign the comment below for Chi bộ tổ 2. It can no longer be changed, and "
            "it goes to Đảng bộ phường Hà Giang 1, whose clerks are told, to confirm.",
        ),
        (
            "signed",
            "confirm",
            "commune_clerk",
            "Confirm the comment on Nguyễn Văn Đức?",
            "You confirm, for Đảng bộ phường Hà Giang 1, the comment Chi bộ tổ 2 signed. It "
            "can no longer be changed; next, return it to Đảng bộ Sở Giáo dục và Đào tạo.",
        ),
        (
            "confirmed",
            "return",
            "commune_clerk",
            "Return the comment on Nguyễn Văn Đức to the workplace?",
            "The confirmed comment goes back to Đảng bộ Sở Giáo dục và Đào tạo, whose "
            "officers are told; they acknowledge it and use it in the annual rating. The "
            "commune's part is then done.",
        ),
    ],
)
def test_the_summary_says_what_will_happen_and_changes_nothing(
    client, world, stage, name, who, heading, what
):
    item = request_at(world, stage)
    client.force_login(world.user(who))
    before = cycle_state()

    response = client.get(step(item, name))

    assert response.status_code == 200
    assert heading in response.text
    assert what in response.text
    assert f'<form method="post" action="{step(item, name)}">' in response.text
    assert cycle_state() == before


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("stranger", 404),
        ("representative_a1", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("member_user", 404),  # a member sees a comment about them once returned
        ("workplace_officer", 403),
        ("commune_clerk", 403),  # the draft's helper, but the cell signs
        ("secretary_a2", 200),
        ("provincial_officer", 200),
    ],
)
def test_the_sign_summary_matrix(client, world, who, status):
    item = request_at(world, "drafted")
    user = world.user(who)
    if user is not None:
        client.force_login(user)

    response = client.get(step(item, "sign"))

    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("stranger", 404),
        ("representative_a1", 404),
        ("other_clerk", 404),
        ("secretary_a2", 403),
        ("workplace_officer", 403),
        ("commune_clerk", 200),
        ("provincial_officer", 200),
    ],
)
def test_the_confirm_and_return_summaries_matrix(client, world, who, status):
    signed = request_at(world, "signed")
    user = world.user(who)
    if user is not None:
        client.force_login(user)

    response = client.get(step(signed, "confirm"))

    assert response.status_code == status


def test_a_summary_for_a_step_already_taken_goes_back_to_the_request(client, world):
    item = request_at(world, "confirmed")
    client.force_login(world.commune_clerk)

    response = client.get(step(item, "confirm"))

    assert response.status_code == 302
    assert response.url == reverse("comments:request", args=[item.pk])
    assert texts(response) == [
        "This comment is confirmed by the commune: there is nothing to do here now."
    ]


def test_a_get_on_a_step_that_needs_no_summary_is_not_allowed(client, world):
    item = request_at(world, "returned")
    client.force_login(world.workplace_officer)

    assert client.get(step(item, "acknowledge")).status_code == 405


def test_the_messages_say_what_was_done_and_what_comes_next(client, world):
    item = request_at(world, "drafted")

    client.force_login(world.secretary_a2)
    signed = client.post(step(item, "sign"), {"version": item.comment.version})
    item.refresh_from_db()
    client.force_login(world.commune_clerk)
    confirmed = client.post(step(item, "confirm"), {"version": item.version})
    item.refresh_from_db()
    returned = client.post(step(item, "return"), {"version": item.version})

    # (no page was shown in between: each response carries the messages so far)
    assert texts(returned) == [
        "The comment was signed and sent to Đảng bộ phường Hà Giang 1 to confirm.",
        "The comment was confirmed; return it to Đảng bộ Sở Giáo dục và Đào tạo to finish the "
        "commune's part.",
        "The comment on Nguyễn Văn Đức was returned to the workplace. Đảng bộ Sở Giáo dục và "
        "Đào tạo is told; it acknowledges the comment and uses it in the rating.",
    ]
    assert (signed.status_code, confirmed.status_code) == (302, 302)
    assert CommentRequest.objects.get(pk=item.pk).status == "returned"


# --- many at once from the commune's list ---------------------------------------------


@pytest.fixture
def waiting(world):
    """Commune A: Cúc signed, Dung confirmed, Bình only drafted; commune B: Hà signed."""
    campaign = open_campaign(world)
    found = {}
    for cell, name, stage in [
        (world.cell_a2, "Cúc", "signed"),
        (world.cell_a1, "Dung", "confirmed"),
        (world.cell_a1, "Bình", "drafted"),
        (world.cell_b1, "Hà", "signed"),
    ]:
        found[name] = request_at(world, stage, campaign=campaign, link=linked(world, cell, name))
    Notification.objects.all().delete()  # the earlier steps' hand-offs
    return found


def bulk(world):
    return reverse("comments:commune_return", args=[world.commune_a_committee.pk])


def chosen(*items):
    data = {"requests": [item.pk for item in items]}
    data.update({f"version-{item.pk}": item.version for item in items})
    return data


def test_the_list_offers_a_choice_only_for_what_waits_for_the_commune(client, world, waiting):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("comments:commune", args=[world.commune_a_committee.pk]))

    offered = {
        name
        for name, item in waiting.items()
        if f'name="requests" value="{item.pk}"' in response.text
    }
    assert offered == {"Cúc", "Dung"}
    assert f'action="{bulk(world)}"' in response.text


def test_choosing_shows_the_summary_and_changes_nothing(client, world, waiting):
    client.force_login(world.commune_clerk)
    before = cycle_state()

    response = client.post(bulk(world), chosen(waiting["Dung"], waiting["Cúc"]))

    assert response.status_code == 200
    assert [item.member.given_name for item, _v in response.context["rows"]] == ["Cúc", "Dung"]
    assert "Confirm and return 2 comments?" in response.text
    assert cycle_state() == before


def test_confirming_returns_each_ready_comment_and_names_the_one_refused(client, world, waiting):
    client.force_login(world.commune_clerk)

    response = client.post(
        bulk(world),
        {**chosen(waiting["Cúc"], waiting["Dung"], waiting["Bình"]), "confirmed": "1"},
    )

    assert response.status_code == 302
    assert response.url == reverse("comments:commune", args=[world.commune_a_committee.pk])
    statuses = dict(
        CommentRequest.objects.filter(pk__in=[i.pk for i in waiting.values()]).values_list(
            "member__given_name", "status"
        )
    )
    assert statuses == {"Cúc": "returned", "Dung": "returned", "Bình": "drafted", "Hà": "signed"}
    events = list(
        AuditEvent.objects.filter(object_id=str(waiting["Cúc"].pk), actor_name="xa")
        .order_by("pk")
        .values_list("changes__event", flat=True)
    )
    assert events == ["confirmed", "returned"]
    assert texts(response) == [
        "2 comments were confirmed and returned to their workplace committees, which are "
        "told and use them in the annual rating.",
        "The comment on Nguyễn Văn Bình was not returned: The cell has not signed this "
        "comment yet.",
    ]
    assert sorted(
        Notification.objects.filter(kind="comment_returned").values_list(
            "user__username", "object_id"
        )
    ) == sorted([("coquan", waiting["Cúc"].pk), ("coquan", waiting["Dung"].pk)])


def test_a_comment_changed_meanwhile_is_refused_by_name(client, world, waiting):
    data = {**chosen(waiting["Cúc"]), "confirmed": "1"}
    # a colleague confirms it after the list was read
    from lienhe213.comments import services

    services.confirm_comment(by=world.root_user, request=waiting["Cúc"])
    client.force_login(world.commune_clerk)

    response = client.post(bulk(world), data)

    assert CommentRequest.objects.get(pk=waiting["Cúc"].pk).status == "confirmed"
    assert texts(response) == [
        "The comment on Nguyễn Văn Cúc was not returned: This comment was changed by "
        "someone else meanwhile. Reload it and try again."
    ]


def test_another_communes_comment_cannot_be_slipped_in(client, world, waiting):
    client.force_login(world.commune_clerk)
    before = cycle_state()

    response = client.post(bulk(world), {**chosen(waiting["Hà"]), "confirmed": "1"})

    assert response.status_code == 302
    assert texts(response) == [
        f"Select a valid choice. {waiting['Hà'].pk} is not one of the available choices."
    ]
    assert cycle_state() == before


@pytest.mark.parametrize(
    ("who", "status", "changed"),
    [
        ("anonymous", 302, False),
        ("stranger", 404, False),
        ("representative_a1", 404, False),
        ("other_clerk", 404, False),
        ("secretary_a2", 404, False),
        ("workplace_officer", 404, False),
        ("commune_clerk", 302, True),
        ("provincial_officer", 302, True),
    ],
)
def test_the_bulk_step_matrix(client, world, waiting, who, status, changed):
    user = world.user(who)
    if user is not None:
        client.force_login(user)
    before = cycle_state()

    response = client.post(bulk(world), {**chosen(waiting["Dung"]), "confirmed": "1"})

    assert response.status_code == status
    assert (cycle_state() != before) == changed
