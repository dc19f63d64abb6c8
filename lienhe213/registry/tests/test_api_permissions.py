"""The permission matrix of the tracking-book API: every endpoint × every side.

Casts: anonymous, a stranger (no role), the member (their own link), the clerk of
another commune (other subtree), the secretary of cell A2 (the cell side), the clerk of
commune A (the commune side), the workplace officer (the workplace side) and the
provincial officer (both sides). The link belongs to member W1, who works at the
workplace and lives in community A2.

Anonymous requests get 401; a link out of sight is 404, a step of the other side 403,
an organization out of sight in the body 400; every refusal leaves the book unchanged.
"""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import with_representative
from lienhe213.members.models import Member
from lienhe213.members.services import update_member
from lienhe213.organizations.services import create_organization
from lienhe213.registry.tests.conftest import MONDAY, book_state, classify, link_at

CASTS = (
    "anonymous",
    "stranger",
    "member_user",
    "other_clerk",
    "secretary_a2",
    "commune_clerk",
    "workplace_officer",
    "provincial_officer",
)

Setup = Callable[[Any], tuple[str, str, dict[str, Any] | None]]


def on_link(stage: str, step: str = "", body: Callable[[Any, Any], dict[str, Any]] | None = None):
    """A request on member W1's link taken to ``stage``."""

    def setup(w: Any) -> tuple[str, str, dict[str, Any] | None]:
        link = link_at(w, stage)
        url = f"/api/v1/links/{link.pk}/{step + '/' if step else ''}"
        if body is None:
            return ("get", url, None)
        return ("post", url, {"version": link.version, **body(w, link)})

    return setup


def change_workplace(w: Any) -> tuple[str, str, dict[str, Any] | None]:
    link = link_at(w, "active")
    new_workplace = create_organization(
        by=w.root_user,
        name="Đảng bộ Sở Y tế",
        kind="grassroots_committee",
        side="workplace",
        parent=w.province,
    )
    update_member(by=w.root_user, member=w.member_w1, version=None, organization=new_workplace)
    body = {"version": link.version, "workplace": new_workplace.pk, "changed_on": "2025-07-01"}
    return ("post", f"/api/v1/links/{link.pk}/change-workplace/", body)


def issue(w: Any) -> tuple[str, str, dict[str, Any] | None]:
    classify(w)
    body = {
        "workplace_organization": w.workplace.pk,
        "members": [w.member_w1.pk],
        "issued_on": MONDAY.isoformat(),
    }
    return ("post", "/api/v1/letters/issue/", body)


def remap(w: Any) -> tuple[str, str, dict[str, Any] | None]:
    link_at(w, "active")  # in cell A2
    body = {"source": w.cell_a2.pk, "commune": w.commune_a_committee.pk, "cell": w.cell_a1.pk}
    return ("post", "/api/v1/links/remap/", body)


def on_decision(step: str = "", body: dict[str, Any] | None = None) -> Setup:
    def setup(w: Any) -> tuple[str, str, dict[str, Any] | None]:
        decision = classify(w)
        url = f"/api/v1/classifications/{decision.pk}/{step + '/' if step else ''}"
        return ("post", url, body) if body is not None else ("get", url, None)

    return setup


def classify_request(w: Any) -> tuple[str, str, dict[str, Any] | None]:
    body = {
        "member": w.member_w1.pk,
        "category": "normal",
        "decided_by": w.workplace.pk,
        "decided_on": MONDAY.isoformat(),
    }
    return ("post", "/api/v1/classifications/", body)


def retire_body(w: Any, link: Any) -> dict[str, Any]:
    version = Member.objects.get(pk=w.member_w1.pk).version
    return {"member_version": version, "retired_on": "2025-10-01"}


ENDPOINTS: dict[str, Setup] = {
    "link-list": lambda w: ("get", "/api/v1/links/", None),
    "link-detail": on_link("assigned"),
    "link-present": on_link("issued", "present", lambda w, link: {"presented_on": "2025-03-04"}),
    "link-receive": on_link("issued", "receive", lambda w, link: {"received_on": "2025-03-10"}),
    "link-return": on_link("issued", "return", lambda w, link: {"reason": "Sai địa chỉ"}),
    "link-assign": on_link("received", "assign", lambda w, link: {"cell": w.cell_a2.pk}),
    "link-acknowledge": on_link("assigned", "acknowledge", lambda w, link: {}),
    "link-move-residence": on_link(
        "active",
        "move-residence",
        lambda w, link: {"residence_commune": w.commune_b_committee.pk, "moved_on": "2025-06-02"},
    ),
    "link-change-workplace": change_workplace,
    "link-exempt": on_link(
        "active",
        "exempt",
        lambda w, link: {"category": "a", "reason": "mobile_work", "decided_by": w.workplace.pk},
    ),
    "link-retire": on_link("active", "retire", retire_body),
    "link-end": on_link("issued", "end", lambda w, link: {"reason": "died"}),
    "link-remap": remap,
    "letters-issue": issue,
    "classification-list": lambda w: ("get", "/api/v1/classifications/", None),
    "classification-detail": on_decision(),
    "classification-create": classify_request,
    "classification-revoke": on_decision("revoke", {"revoked_on": "2025-06-01"}),
    "reconciliation": lambda w: (
        "get",
        f"/api/v1/reconciliation/?organization={w.commune_a_committee.pk}",
        None,
    ),
}

# fmt: off
MATRIX: dict[str, tuple[int, ...]] = {
    #                        anon stranger member other  cell   commune work   province
    "link-list":             (401, 200,    200,   200,   200,   200,    200,   200),
    "link-detail":           (401, 404,    200,   404,   200,   200,    200,   200),
    "link-present":          (401, 404,    403,   404,   404,   200,    200,   200),
    "link-receive":          (401, 404,    403,   404,   404,   200,    403,   200),
    "link-return":           (401, 404,    403,   404,   404,   200,    403,   200),
    "link-assign":           (401, 404,    403,   404,   404,   200,    403,   200),
    "link-acknowledge":      (401, 404,    403,   404,   200,   403,    403,   200),
    "link-move-residence":   (401, 404,    403,   404,   403,   403,    201,   201),
    # Out of sight is 404 before the side is asked, as in the pages.
    "link-change-workplace": (401, 404,    403,   404,   403,   403,    400,   200),
    "link-exempt":           (401, 404,    403,   404,   403,   403,    200,   200),
    # The workplace officer may not manage the cell's members, which retirement changes.
    "link-retire":           (401, 404,    403,   404,   403,   403,    400,   200),
    "link-end":              (401, 404,    403,   404,   404,   403,    200,   200),
    "link-remap":            (401, 403,    403,   403,   403,   403,    403,   200),
    "letters-issue":         (401, 403,    403,   403,   403,   403,    201,   201),
    "classification-list":   (401, 200,    200,   200,   200,   200,    200,   200),
    "classification-detail": (401, 404,    200,   404,   404,   404,    200,   200),
    "classification-create": (401, 403,    403,   403,   403,   403,    201,   201),
    "classification-revoke": (401, 404,    403,   404,   404,   404,    200,   200),
    "reconciliation":        (401, 403,    403,   400,   400,   200,    400,   200),
}
# fmt: on

CASES = [
    pytest.param(endpoint, cast, status, id=f"{endpoint}-{cast}")
    for endpoint, statuses in MATRIX.items()
    for cast, status in with_representative(CASTS, statuses)
]


def test_the_matrix_covers_every_endpoint():
    assert set(MATRIX) == set(ENDPOINTS)


@pytest.mark.parametrize(("endpoint", "cast", "expected"), CASES)
def test_permission_matrix(world, endpoint, cast, expected):
    method, url, data = ENDPOINTS[endpoint](world)
    user = world.user(cast)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    before = book_state()

    response = getattr(client, method)(url, data, format="json" if data is not None else None)

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert book_state() == before
