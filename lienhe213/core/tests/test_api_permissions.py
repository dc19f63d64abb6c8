"""The API permission matrix: every endpoint of /api/v1/ × every kind of user.

Casts, from no access to the right role: anonymous, a stranger (account, no role), a
member (self only), a clerk of another commune (other subtree), the secretary of cell A1
(own subtree, may read but not edit or manage), the clerk of commune A (own subtree, may
edit members) and the provincial officer (may manage the tree).

A clerk appoints the community representatives of the commune's cells: they create
accounts (without a member record) and grant that role alone. The community
representative of cell A1 is answered as the stranger everywhere here (``conftest.
with_representative``); their own endpoints have their matrix in ``feedback``.

Anonymous requests get 401 (token authentication comes first and asks for credentials);
ids out of scope are 404 in the URL and 400 in the body; seen but not allowed is 403.
Every refusal leaves the database as it was.
"""

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import with_representative
from lienhe213.accounts.models import RoleAssignment, User
from lienhe213.core.models import AuditEvent
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization

CASTS = (
    "anonymous",
    "stranger",
    "member_user",
    "other_clerk",
    "secretary_a1",
    "commune_clerk",
    "provincial_officer",
)

Request = tuple[str, str, dict[str, Any] | None]


def _today() -> str:
    return timezone.localdate().isoformat()


def _tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def _org(name: str, action: str = "") -> Callable[[Any], str]:
    return lambda w: f"/api/v1/organizations/{getattr(w, name).pk}/{action + '/' if action else ''}"


def _member(name: str) -> Callable[[Any], str]:
    return lambda w: f"/api/v1/members/{getattr(w, name).pk}/"


def _assignment_of(name: str) -> Callable[[Any], str]:
    def url(w: Any) -> str:
        assignment = RoleAssignment.objects.get(user=getattr(w, name))
        return f"/api/v1/role-assignments/{assignment.pk}/"

    return url


def _account(name: str) -> Callable[[Any], str]:
    return lambda w: f"/api/v1/accounts/{getattr(w, name).pk}/"


def _entry() -> int:
    from lienhe213.guidance.models import GuidanceEntry

    return GuidanceEntry.objects.get(key="qd213-dieu-1").pk


def _new_member(w: Any) -> dict[str, Any]:
    return {
        "family_name": "Trần",
        "given_name": "Châu",
        "gender": "male",
        "birth_date": "1990-02-03",
        "joined_on": "2015-09-02",
        "organization": w.cell_a1.pk,
    }


# endpoint: (method, url(world), body(world, user) or None)
ENDPOINTS: dict[str, tuple[str, Callable[[Any], str], Callable[[Any, Any], Any] | None]] = {
    "token": (
        "post",
        lambda w: "/api/v1/auth/token/",
        lambda w, user: {"username": user.username if user else "nobody", "password": "demo"},
    ),
    "organization-list": ("get", lambda w: "/api/v1/organizations/", None),
    "organization-detail": ("get", _org("cell_a1"), None),
    "organization-create": (
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w, user: {
            "name": "Chi bộ tổ 3",
            "kind": "cell",
            "side": "residential",
            "parent": w.commune_a_committee.pk,
        },
    ),
    "organization-rename": (
        "post",
        _org("cell_a1", "rename"),
        lambda w, user: {"name": "Chi bộ tổ 1A", "effective_date": _today()},
    ),
    "organization-move": (
        "post",
        _org("cell_a1", "move"),
        lambda w, user: {"new_parent": w.commune_b_committee.pk, "effective_date": _today()},
    ),
    "organization-merge": (
        "post",
        _org("cell_a1", "merge"),
        lambda w, user: {"into": w.cell_a2.pk, "effective_date": _tomorrow()},
    ),
    "member-list": ("get", lambda w: "/api/v1/members/", None),
    "member-detail": ("get", _member("member_a1"), None),
    "member-own-detail": ("get", _member("member_w1"), None),
    "member-create": ("post", lambda w: "/api/v1/members/", lambda w, user: _new_member(w)),
    "member-update": (
        "patch",
        _member("member_a1"),
        lambda w, user: {"version": 1, "phone": "0912345678"},
    ),
    "member-own-update": (
        "patch",
        _member("member_w1"),
        lambda w, user: {"version": 1, "phone": "0912345678"},
    ),
    "member-put": ("put", _member("member_a1"), lambda w, user: _new_member(w)),
    "role-assignment-list": ("get", lambda w: "/api/v1/role-assignments/", None),
    "role-assignment-grant": (
        "post",
        lambda w: "/api/v1/role-assignments/",
        lambda w, user: {
            "user": w.stranger.pk,
            "organization": w.cell_a1.pk,
            "role": "cell_secretary",
        },
    ),
    "role-assignment-grant-representative": (
        "post",
        lambda w: "/api/v1/role-assignments/",
        lambda w, user: {
            "user": w.stranger.pk,
            "organization": w.cell_a1.pk,
            "role": "community_representative",
            "representative_kind": "front_committee_head",
        },
    ),
    "role-assignment-revoke": ("delete", _assignment_of("secretary_a1"), None),
    "account-list": ("get", lambda w: "/api/v1/accounts/", None),
    "account-detail": ("get", _account("secretary_a1"), None),
    "account-create": (
        "post",
        lambda w: "/api/v1/accounts/",
        lambda w, user: {"username": "moi", "member": w.member_a1.pk},
    ),
    "account-create-plain": (
        "post",
        lambda w: "/api/v1/accounts/",
        lambda w, user: {"username": "moi", "first_name": "Hà", "last_name": "Nguyễn Thị"},
    ),
    "account-disable": ("patch", _account("secretary_a1"), lambda w, user: {"is_active": False}),
    "account-unlock": (
        "post",
        lambda w: f"/api/v1/accounts/{w.secretary_a1.pk}/unlock/",
        None,
    ),
    "notification-list": ("get", lambda w: "/api/v1/notifications/", None),
    # the rows behind a report's link figures: an organization out of sight is a 400
    "link-list-subtree": (
        "get",
        lambda w: (
            f"/api/v1/links/?subtree={w.commune_a_committee.pk}&side=residence"
            "&issued_from=2025-01-01&issued_to=2025-12-31"
        ),
        None,
    ),
    "comment-request-list-subtree": (
        "get",
        lambda w: (
            f"/api/v1/comments/requests/?subtree={w.commune_a_committee.pk}"
            "&side=residence&requested_from=2025-01-01&returned_on_time=true"
        ),
        None,
    ),
    "notification-mark-read": ("post", lambda w: "/api/v1/notifications/mark-read/", None),
    "auth-password": (
        "post",
        lambda w: "/api/v1/auth/password/",
        lambda w, user: {"old_password": "demo", "new_password": "Mat-khau-moi-2025"},
    ),
    "auth-logout": ("post", lambda w: "/api/v1/auth/logout/", None),
    "me-data": ("get", lambda w: "/api/v1/me/data/", None),
    # The guidance (the texts are loaded first): every signed-in user
    # reads; only the province's officers write its note; a role not held is a 400.
    "guidance-entry-list": ("get", lambda w: "/api/v1/guidance/entries/?q=mien", None),
    "guidance-entry-detail": ("get", lambda w: f"/api/v1/guidance/entries/{_entry()}/", None),
    "guidance-entry-note": (
        "post",
        lambda w: f"/api/v1/guidance/entries/{_entry()}/note/",
        lambda w, user: {"province": w.province.pk, "text": "Ghi chú", "version": 0},
    ),
    "guidance-entry-revise": (
        "post",
        lambda w: f"/api/v1/guidance/entries/{_entry()}/revise/",
        lambda w, user: {"summary": "S", "text": "T", "reason": "R", "version": 1},
    ),
    "guidance-walkthrough": ("get", lambda w: "/api/v1/guidance/walkthrough/", None),
    "guidance-walkthrough-dismiss": (
        "post",
        lambda w: "/api/v1/guidance/walkthrough/dismiss/",
        lambda w, user: {"role": "cell_secretary"},
    ),
}

# fmt: off
MATRIX: dict[str, tuple[int, ...]] = {
    #                      anon  stranger member other  sec_a1 clerk  province
    "token":               (400, 200,     200,   200,   200,   200,   200),
    "organization-list":   (401, 200,     200,   200,   200,   200,   200),
    "organization-detail": (401, 404,     404,   404,   200,   200,   200),
    "organization-create": (401, 403,     403,   403,   403,   403,   201),
    "organization-rename": (401, 404,     404,   404,   403,   403,   200),
    "organization-move":   (401, 404,     404,   404,   403,   403,   200),
    "organization-merge":  (401, 404,     404,   404,   403,   403,   200),
    "member-list":         (401, 200,     200,   200,   200,   200,   200),
    "member-detail":       (401, 404,     404,   404,   200,   200,   200),
    "member-own-detail":   (401, 404,     200,   404,   404,   404,   200),
    "member-create":       (401, 403,     403,   400,   403,   201,   201),
    "member-update":       (401, 404,     404,   404,   403,   200,   200),
    "member-own-update":   (401, 404,     403,   404,   404,   404,   200),
    "member-put":          (401, 405,     405,   405,   405,   405,   405),
    "role-assignment-list":   (401, 200,  200,   200,   200,   200,   200),
    "role-assignment-grant":  (401, 403,  403,   400,   403,   403,   201),
    "role-assignment-grant-representative": (401, 403, 403, 400, 403, 201, 201),
    "role-assignment-revoke": (401, 404,  404,   404,   403,   404,   204),
    "account-list":        (401, 200,     200,   200,   200,   200,   200),
    "account-detail":      (401, 404,     404,   404,   404,   404,   200),
    "account-create":      (401, 403,     403,   400,   403,   400,   201),
    "account-create-plain": (401, 403,    403,   201,   403,   201,   201),
    "account-disable":     (401, 404,     404,   404,   404,   404,   200),
    "account-unlock":      (401, 404,     404,   404,   404,   404,   200),
    "notification-list":   (401, 200,     200,   200,   200,   200,   200),
    "notification-mark-read": (401, 200,  200,   200,   200,   200,   200),
    "link-list-subtree":   (401, 400,     400,   400,   400,   200,   200),
    "comment-request-list-subtree": (401, 400, 400, 400,  400,   200,   200),
    "auth-password":       (401, 204,     204,   204,   204,   204,   204),
    "auth-logout":         (401, 204,     204,   204,   204,   204,   204),
    "me-data":             (401, 404,     200,   404,   404,   404,   404),
    "guidance-entry-list":   (401, 200,   200,   200,   200,   200,   200),
    "guidance-entry-detail": (401, 200,   200,   200,   200,   200,   200),
    "guidance-entry-note":   (401, 403,   403,   403,   403,   403,   200),
    "guidance-entry-revise": (401, 403,   403,   403,   403,   403,   403),
    "guidance-walkthrough":  (401, 200,   200,   200,   200,   200,   200),
    "guidance-walkthrough-dismiss": (401, 400, 400, 400, 204,  400,   400),
}
# fmt: on

CASES = [
    pytest.param(endpoint, cast, status, id=f"{endpoint}-{cast}")
    for endpoint, statuses in MATRIX.items()
    for cast, status in with_representative(CASTS, statuses)
]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The cast has nine accounts; the production hasher makes each test take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def database_state() -> tuple[Any, ...]:
    return (
        sorted(Organization.objects.values_list("pk", "name", "parent_id", "path", "valid_until")),
        sorted(Member.objects.values_list("pk", "phone", "version", "organization_id")),
        sorted(RoleAssignment.objects.values_list("pk", "user_id", "organization_id", "role")),
        sorted(User.objects.values_list("pk", "username", "is_active", "member_id")),
        AuditEvent.objects.exclude(action__in=["login", "login_failed"]).count(),
    )


def test_the_matrix_covers_every_endpoint():
    assert set(MATRIX) == set(ENDPOINTS)


def guidance_state() -> tuple[Any, ...]:
    from lienhe213.guidance.models import GuidanceVersion, ProvinceNote, WalkthroughDismissal

    return (
        sorted(GuidanceVersion.objects.values_list("pk", "text")),
        sorted(ProvinceNote.objects.values_list("pk", "text", "version")),
        sorted(WalkthroughDismissal.objects.values_list("user_id", "role")),
    )


@pytest.mark.parametrize(("endpoint", "cast", "expected"), CASES)
def test_permission_matrix(world, endpoint, cast, expected):
    if endpoint.startswith("guidance-"):
        from lienhe213.guidance.services import load_guidance

        load_guidance()
    user = world.user(cast)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    method, url, body = ENDPOINTS[endpoint]
    data = body(world, user) if body else None
    before = (database_state(), guidance_state())

    response = getattr(client, method)(url(world), data, format="json" if data else None)

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert (database_state(), guidance_state()) == before


@pytest.mark.parametrize(
    ("cast", "expected"),
    with_representative(CASTS, (401, 403, 403, 404, 404, 200, 200)),
)
def test_report_indicators_of_commune_a(world, cast, expected):
    # GET /api/v1/reports/indicators/: committees of commune A and above only.
    user = world.user(cast)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.get(
        "/api/v1/reports/indicators/",
        {"organization": world.commune_a_committee.pk, "year": 2025},
    )

    assert response.status_code == expected, response.content


# --- commendations: reads through visible_to, proposals by the committees over the
# subject, decisions by the province; the thematic review through the gatekeeper.
@pytest.mark.parametrize(
    ("cast", "expected"),
    [
        # (list, detail, propose cell A2 for commune A, decide, review of commune A)
        ("anonymous", (401, 401, 401, 401, 401)),
        ("stranger", (200, 404, 400, 404, 403)),
        ("representative_a1", (200, 404, 400, 404, 403)),
        ("member_user", (200, 200, 400, 403, 403)),
        ("other_clerk", (200, 404, 400, 404, 404)),
        ("secretary_a1", (200, 404, 400, 404, 404)),
        ("commune_clerk", (200, 200, 201, 403, 200)),
        ("provincial_officer", (200, 200, 201, 200, 200)),
    ],
)
def test_commendations_and_review(world, cast, expected):
    from lienhe213.registry.tests.conftest import link_at
    from lienhe213.reports import services as report_services
    from lienhe213.reports.models import Commendation

    link_at(world, "active")
    commendation = report_services.propose_commendation(
        by=world.commune_clerk,
        year=2025,
        proposed_by_organization=world.commune_a_committee,
        member=world.member_w1,
        reason="Gương mẫu.",
        proposed_on=datetime.date(2025, 12, 20),
    )
    user = world.user(cast)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    base = "/api/v1/commendations/"
    before = list(Commendation.objects.order_by("pk").values())
    proposal = {
        "year": 2025,
        "proposed_by_organization": world.commune_a_committee.pk,
        "organization": world.cell_a2.pk,
        "reason": "Họp đủ.",
    }
    decision = {"version": 1, "decision_number": "3-QĐ/TU", "decided_on": "2026-01-10"}

    statuses = (
        client.get(base).status_code,
        client.get(f"{base}{commendation.pk}/").status_code,
        client.post(base, proposal, format="json").status_code,
        client.post(f"{base}{commendation.pk}/decide/", decision, format="json").status_code,
        client.get(
            "/api/v1/reports/review/",
            {"organization": world.commune_a_committee.pk, "year": 2025},
        ).status_code,
    )

    assert statuses == expected
    if expected[2] != 201 and expected[3] != 200:
        assert list(Commendation.objects.order_by("pk").values()) == before


# --- official documents: reads through visible_to, files and registration for those who
# may print, batches for the workplace committee, verification public.
@pytest.mark.parametrize(
    ("cast", "expected"),
    [
        # (list, detail, pdf, verify, batch, register letter, register comment,
        # register request, revoke the letter)
        ("anonymous", (401, 401, 401, 200, 401, 401, 401, 401, 401)),
        ("stranger", (200, 404, 404, 200, 404, 400, 400, 400, 404)),
        ("representative_a1", (200, 404, 404, 200, 404, 400, 400, 400, 404)),
        ("member_user", (200, 200, 403, 200, 404, 403, 400, 400, 403)),
        ("other_clerk", (200, 404, 404, 200, 404, 400, 400, 400, 404)),
        ("secretary_a2", (200, 200, 403, 200, 404, 403, 403, 403, 403)),
        ("commune_clerk", (200, 200, 403, 200, 404, 403, 201, 403, 403)),
        ("workplace_officer", (200, 200, 200, 200, 200, 200, 403, 201, 200)),
        ("provincial_officer", (200, 200, 200, 200, 200, 200, 201, 201, 200)),
    ],
)
def test_official_documents(world, cast, expected):
    from lienhe213.comments.tests.conftest import request_at
    from lienhe213.documents import services as document_services
    from lienhe213.documents.models import DocumentBatch, IssuedDocument

    request = request_at(world, "confirmed")
    letter = document_services.issue_letter_document(by=world.root_user, link=request.link)
    document = letter.document
    batch = DocumentBatch.objects.create(issuer=world.workplace, link_ids=[], total=0)
    user = world.user(cast)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    base = "/api/v1/documents/"
    before = list(IssuedDocument.objects.values_list("pk", flat=True))

    statuses = (
        client.get(base).status_code,
        client.get(f"{base}{document.pk}/").status_code,
        client.get(f"{base}{document.pk}/pdf/").status_code,
        client.get(f"{base}verify/{document.verification_code}/").status_code,
        client.get(f"{base}batches/{batch.pk}/").status_code,
        client.post(f"{base}letters/", {"link": request.link_id}, format="json").status_code,
        client.post(
            f"{base}comments/", {"request": request.pk, "signer": "secretary"}, format="json"
        ).status_code,
        client.post(
            f"{base}requests/", {"request": request.pk, "signer": "secretary"}, format="json"
        ).status_code,
        client.post(f"{base}{document.pk}/revoke/", {"reason": "x"}, format="json").status_code,
    )

    assert statuses == expected
    if 201 not in expected:
        assert list(IssuedDocument.objects.values_list("pk", flat=True)) == before
    revoked = IssuedDocument.objects.get(pk=document.pk).status == "revoked"
    assert revoked == (expected[-1] == 200)


# --- the follow-up of a returned comment's proposal: read by both sides, recorded by the
# workplace side only; a refusal records nothing and sends no notice.
@pytest.mark.parametrize(
    ("cast", "expected"),
    [
        # (request detail, record the follow-up)
        ("anonymous", (401, 401)),
        ("stranger", (404, 404)),
        ("representative_a1", (404, 404)),
        ("member_user", (200, 403)),
        ("other_clerk", (404, 404)),
        ("secretary_a1", (404, 404)),
        ("secretary_a2", (200, 403)),
        ("commune_clerk", (200, 403)),
        ("workplace_officer", (200, 200)),
        ("provincial_officer", (200, 200)),
    ],
)
def test_follow_up_of_a_recommendation(world, cast, expected):
    from lienhe213.comments.models import RecommendationFollowUp
    from lienhe213.comments.tests.conftest import BEST_FORM_3, request_at
    from lienhe213.notices.models import Notice

    request = request_at(world, "returned", items={**BEST_FORM_3, "recommendation": "commend"})
    user = world.user(cast)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    base = f"/api/v1/comments/requests/{request.pk}/"
    before = (
        list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)),
        list(Notice.objects.values_list("pk", flat=True)),
    )
    body = {"version": request.version, "outcome": "commended", "decided_on": _today()}

    statuses = (
        client.get(base).status_code,
        client.post(f"{base}follow-up/", body, format="json").status_code,
    )

    assert statuses == expected
    recorded = RecommendationFollowUp.objects.filter(request=request).exists()
    assert recorded == (expected[1] == 200)
    if not recorded:
        after = (
            list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)),
            list(Notice.objects.values_list("pk", flat=True)),
        )
        assert after == before


# --- imports: the upload, the batch, its error workbook and its commit. A commune
# clerk imports the member list of commune A; a forged organization is a 400, another
# subtree's batch a 404, a role without the right a 403; a refusal writes nothing.
@pytest.mark.parametrize(
    ("cast", "expected"),
    [
        # (list, batch detail, errors workbook, commit, upload into commune A — refused
        # while the commit runs there)
        ("anonymous", (401, 401, 401, 401, 401)),
        ("stranger", (200, 404, 404, 404, 400)),
        ("representative_a1", (200, 404, 404, 404, 400)),
        ("member_user", (200, 404, 404, 404, 400)),
        ("other_clerk", (200, 404, 404, 404, 400)),
        ("secretary_a1", (200, 404, 404, 404, 400)),
        ("workplace_officer", (200, 404, 404, 404, 400)),
        ("commune_clerk", (200, 200, 200, 202, 400)),
        ("provincial_officer", (200, 200, 200, 202, 400)),
    ],
)
def test_imports(world, cast, expected, django_capture_on_commit_callbacks):
    from lienhe213.imports.models import ImportBatch
    from lienhe213.imports.tests.helpers import check, xlsx

    content = xlsx(
        [
            ["Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Chi bộ"],
            ["Trần Văn An", "01/01/1980", "Nam", "01/01/2010", "Chi bộ tổ 1"],
        ]
    )
    batch = check(world.commune_clerk, "members", world.commune_a_committee, content)
    user = world.user(cast)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    base = "/api/v1/imports/"
    upload = io.BytesIO(content)
    upload.name = "ds.xlsx"
    members_before = Member.objects.count()

    with django_capture_on_commit_callbacks(execute=False):
        statuses = (
            client.get(base).status_code,
            client.get(f"{base}{batch.pk}/").status_code,
            client.get(f"{base}{batch.pk}/errors/").status_code,
            client.post(f"{base}{batch.pk}/commit/", {}, format="json").status_code,
            client.post(
                base,
                {"file": upload, "kind": "members", "organization": world.commune_a_committee.pk},
                format="multipart",
            ).status_code,
        )

    assert statuses == expected
    assert ImportBatch.objects.count() == 1
    batch.refresh_from_db()
    assert batch.status == ("committing" if expected[3] == 202 else "ready")
    assert Member.objects.count() == members_before


# --- training sessions (ADR 0015): the organizer side plans and steps; an invitee reads.
@pytest.mark.parametrize(
    ("cast", "expected"),
    [
        # (list, detail, plan for commune A, invite, upload, material download)
        ("anonymous", (401, 401, 401, 401, 401, 401)),
        ("stranger", (200, 404, 404, 404, 404, 404)),
        ("member_user", (200, 404, 404, 404, 404, 404)),
        ("other_clerk", (200, 404, 404, 404, 404, 404)),
        ("secretary_a1", (200, 200, 404, 403, 403, 200)),
        ("commune_clerk", (200, 200, 201, 200, 201, 200)),
        ("provincial_officer", (200, 200, 201, 200, 201, 200)),
    ],
)
def test_training_sessions(world, cast, expected, settings, tmp_path):
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from lienhe213.training import services as training_services
    from lienhe213.training.models import TrainingMaterial, TrainingSession

    settings.MEDIA_ROOT = tmp_path
    day = timezone.localdate() + dt.timedelta(days=3)
    session = training_services.plan_session(
        by=world.commune_clerk,
        organizer=world.commune_a_committee,
        topic="Quy định 213",
        date=day,
        place="Hội trường",
        audience="cell_secretaries",
    )
    training_services.invite(by=world.commune_clerk, session=session)
    material = training_services.add_material(
        by=world.commune_clerk,
        session=session,
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    session.refresh_from_db()
    user = world.user(cast)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    base = "/api/v1/training"
    sessions_before = TrainingSession.objects.count()

    answers = (
        client.get(f"{base}/sessions/").status_code,
        client.get(f"{base}/sessions/{session.pk}/").status_code,
        client.post(
            f"{base}/sessions/",
            {
                "organizer": world.commune_a_committee.pk,
                "topic": "Buổi 2",
                "date": day.isoformat(),
                "place": "Xã",
                "audience": "commune_clerks",
            },
            format="json",
        ).status_code,
        client.post(
            f"{base}/sessions/{session.pk}/invite/", {"version": session.version}, format="json"
        ).status_code,
        client.post(
            f"{base}/sessions/{session.pk}/materials/",
            {"file": SimpleUploadedFile("b.pdf", b"%PDF-1.4\n%%EOF\n")},
            format="multipart",
        ).status_code,
        client.get(f"{base}/materials/{material.pk}/download/").status_code,
    )

    assert answers == expected
    planned = 1 if expected[2] == 201 else 0
    assert TrainingSession.objects.count() == sessions_before + planned
    assert TrainingMaterial.objects.count() == (2 if expected[4] == 201 else 1)
