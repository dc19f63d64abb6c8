"""Who may take which step: one table (``comments.access.STEPS``) that the services,
the request's page, the API and the commune's bulk step all ask. A step of another
side is refused alike everywhere: 403 with the same reason, nothing changed."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from lienhe213.comments import access
from lienhe213.comments.models import CommentRequest
from lienhe213.comments.tests.conftest import cycle_state, request_at

BASE = "/api/v1/comments/requests/"

CELL = "You may not write comments for the residential cell “Chi bộ tổ 2”."
COMMUNE = (
    "Only the committee of “Đảng bộ phường Hà Giang 1”, which holds this member's "
    "residence link, may confirm and return the comment."
)
WORKPLACE = "You may not act for the workplace committee “Đảng bộ Sở Giáo dục và Đào tạo”."


@pytest.mark.parametrize(
    ("stage", "step", "who", "reason"),
    [
        ("drafted", "sign", "workplace_officer", CELL),
        ("drafted", "sign", "commune_clerk", CELL),
        ("signed", "confirm", "secretary_a2", COMMUNE),
        ("signed", "confirm", "workplace_officer", COMMUNE),
        ("confirmed", "return", "secretary_a2", COMMUNE),
        ("confirmed", "return", "workplace_officer", COMMUNE),
        ("returned", "acknowledge", "commune_clerk", WORKPLACE),
        ("returned", "acknowledge", "secretary_a2", WORKPLACE),
    ],
)
def test_a_step_of_another_side_is_refused_alike_by_the_page_and_the_api(
    client, api, world, stage, step, who, reason
):
    item = request_at(world, stage)
    user = world.user(who)
    client.force_login(user)
    api.force_authenticate(user)
    version = item.comment.version if step == "sign" else item.version
    before = cycle_state()

    page = client.post(reverse("comments:step", args=[item.pk, step]), {"version": version})
    answer = api.post(f"{BASE}{item.pk}/{step}/", {"version": version}, format="json")

    assert page.status_code == answer.status_code == 403
    assert answer.json() == {"detail": reason}
    assert f'<li class="message error">{escape(reason)}</li>' in page.content.decode()
    assert cycle_state() == before
    assert CommentRequest.objects.get(pk=item.pk).status == stage


@pytest.mark.parametrize(
    ("stage", "who", "steps"),
    [
        ("requested", "secretary_a2", ["draft", "front_meeting"]),
        ("drafted", "secretary_a2", ["draft", "front_meeting", "sign"]),
        ("drafted", "commune_clerk", ["draft"]),
        ("drafted", "workplace_officer", []),
        ("signed", "commune_clerk", ["confirm"]),
        ("signed", "secretary_a2", []),
        ("confirmed", "commune_clerk", ["return"]),
        ("returned", "workplace_officer", ["acknowledge", "rating"]),
        ("returned", "member_user", ["answer"]),
        ("returned", "commune_clerk", []),
        ("acknowledged", "workplace_officer", ["rating"]),
    ],
)
def test_allowed_steps(world, stage, who, steps):
    item = access.get_request_for_user(world.root_user, request_at(world, stage).pk)

    assert access.allowed_steps(world.user(who), item) == steps


def test_the_page_offers_the_steps_of_the_table(client, world):
    item = request_at(world, "signed")
    client.force_login(world.commune_clerk)

    html = client.get(reverse("comments:request", args=[item.pk])).content.decode()

    assert reverse("comments:step", args=[item.pk, "confirm"]) in html
    assert reverse("comments:step", args=[item.pk, "return"]) not in html
    assert reverse("comments:step", args=[item.pk, "sign"]) not in html


def test_the_api_refuses_the_member_answering_for_another_with_the_reason(api, world):
    item = request_at(world, "returned")
    api.force_authenticate(world.workplace_officer)
    before = cycle_state()

    answer = api.post(f"{BASE}{item.pk}/answer/", {"answer": "Thay"}, format="json")

    assert answer.status_code == 403
    assert answer.json() == {"detail": "Only the member may answer the comment about them."}
    assert cycle_state() == before
