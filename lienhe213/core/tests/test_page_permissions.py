"""Who gets which status code on every page (docs/style.md: one matrix per protected view).

Anonymous visitors are sent to the login page; a user who may not see an object gets
404 (a forged id reveals nothing); one who sees it but may not change it gets 403.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from lienhe213.accounts.models import RoleAssignment, User
from lienhe213.accounts.services import confirm_two_factor, start_two_factor
from lienhe213.organizations.models import Organization, OrganizationHistory

LOGIN = "/login/"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Autouse fixtures run before ``world``, whose accounts then hash quickly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _get(client, world, who, url):
    user = world.user(who)
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _assert_status(response, expected, url):
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next={url}"
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 200),
        ("representative_a1", 200),
        ("member_user", 200),
        ("secretary_a1", 200),
        ("commune_clerk", 200),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_home(client, world, who, expected):
    url = reverse("accounts:home")

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 200),
        ("representative_a1", 200),
        ("member_user", 200),
        ("secretary_a1", 200),
        ("commune_clerk", 200),
        ("workplace_officer", 200),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_numbers(client, world, who, expected):
    url = reverse("accounts:numbers")

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("who", "org", "role", "expected"),
    [
        ("anonymous", "commune_a_committee", "commune_clerk", "login"),
        ("stranger", "commune_a_committee", "commune_clerk", 404),
        ("representative_a1", "commune_a_committee", "commune_clerk", 404),
        ("member_user", "workplace_cell", "member", 404),
        ("secretary_a1", "cell_a1", "cell_secretary", 200),
        ("secretary_a1", "cell_a2", "cell_secretary", 404),
        ("commune_clerk", "commune_a_committee", "commune_clerk", 200),
        ("commune_clerk", "commune_b_committee", "commune_clerk", 404),
        ("commune_clerk", "cell_a1", "cell_secretary", 403),
        ("workplace_officer", "workplace", "workplace_officer", 200),
        ("provincial_officer", "province", "provincial_officer", 200),
        ("provincial_officer", "commune_a_committee", "commune_clerk", 403),
    ],
)
def test_dashboard(client, world, who, org, role, expected):
    url = reverse("accounts:dashboard", args=[getattr(world, org).pk, role])

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 403),
        ("representative_a1", 403),
        ("member_user", 403),
        ("secretary_a1", 200),
        ("commune_clerk", 200),
        ("workplace_officer", 200),
        ("provincial_officer", 200),
    ],
)
def test_organization_tree(client, world, who, expected):
    url = reverse("organizations:tree")

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize("view", ["organizations:detail", "organizations:children"])
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("workplace_officer", 404),
        ("commune_clerk", 200),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_organization_pages_of_commune_a(client, world, view, who, expected):
    url = reverse(view, args=[world.commune_a_committee.pk])

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 403),
        ("representative_a1", 403),
        ("member_user", 200),
        ("secretary_a1", 200),
        ("commune_clerk", 200),
        ("provincial_officer", 200),
    ],
)
def test_member_list(client, world, who, expected):
    url = reverse("members:list")

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 404),
        ("other_clerk", 404),
        ("workplace_officer", 404),
        ("secretary_a2", 404),
        ("secretary_a1", 200),
        ("commune_clerk", 200),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_member_detail_of_cell_a1(client, world, who, expected):
    url = reverse("members:detail", args=[world.member_a1.pk])

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 200),
        ("workplace_officer", 200),
        ("commune_clerk", 404),
    ],
)
def test_member_detail_of_own_record(client, world, who, expected):
    url = reverse("members:detail", args=[world.member_w1.pk])

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 404),
        ("other_clerk", 404),
        ("workplace_officer", 404),
        ("secretary_a1", 403),
        ("commune_clerk", 200),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_member_edit_of_cell_a1(client, world, who, expected):
    url = reverse("members:edit", args=[world.member_a1.pk])

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 403),
        ("representative_a1", 403),
        ("member_user", 403),
        ("secretary_a1", 403),
        ("commune_clerk", 200),
        ("workplace_officer", 200),
        ("provincial_officer", 200),
    ],
)
def test_member_create(client, world, who, expected):
    url = reverse("members:create")

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


# One's own data (the data subject's right of access): only an account linked to a
# member record; every other account is told it has none (404).
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 200),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("commune_clerk", 404),
        ("workplace_officer", 404),
        ("provincial_officer", 404),
        ("root_user", 404),
    ],
)
def test_my_data_download(client, world, who, expected):
    url = reverse("members:my_data")

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 403),
        ("representative_a1", 403),
        ("member_user", 403),
        ("secretary_a1", 403),
        ("commune_clerk", 403),
        ("workplace_officer", 403),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_audit(client, world, who, expected):
    url = reverse("accounts:audit")

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("commune_clerk", 200),  # appoints the representatives of its cells
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_roles_of_commune_a(client, world, who, expected):
    url = reverse("accounts:roles", args=[world.commune_a_committee.pk])

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize("view", ["accounts:account_list", "accounts:account_create"])
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 403),
        ("representative_a1", 403),
        ("member_user", 403),
        ("other_clerk", 200),  # the accounts of the representatives they appoint
        ("secretary_a1", 403),
        ("commune_clerk", 200),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_account_pages(client, world, view, who, expected):
    url = reverse(view)

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("view", "anonymous"),
    [
        ("accounts:password_change", "login"),
        ("accounts:password_reset", 200),
        ("accounts:password_reset_done", 200),
        ("accounts:password_reset_complete", 200),
    ],
)
@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "stranger",
        "representative_a1",
        "member_user",
        "secretary_a1",
        "commune_clerk",
        "root_user",
    ],
)
def test_password_pages(client, world, view, anonymous, who):
    # One's own password: every account; the reset pages also without a login.
    url = reverse(view)

    response = _get(client, world, who, url)

    _assert_status(response, anonymous if who == "anonymous" else 200, url)


def _post(client, world, who, url):
    user = world.user(who)
    if user is not None:
        client.force_login(user)
    return client.post(url, {"is_active": "0"})


def _roles_and_accounts():
    return (
        sorted(RoleAssignment.objects.values_list("pk", flat=True)),
        sorted(User.objects.values_list("pk", "is_active")),
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("commune_clerk", 404),  # a secretary's role is beyond what they manage
        ("provincial_officer", 302),
        ("root_user", 302),
    ],
)
def test_role_revoke_in_cell_a1(client, world, who, expected):
    world.user(who)  # the cast is complete before the state is taken
    assignment = RoleAssignment.objects.get(user=world.secretary_a1)
    url = reverse("accounts:role_revoke", args=[world.commune_a_committee.pk, assignment.pk])
    before = _roles_and_accounts()

    response = _post(client, world, who, url)

    _assert_status(response, expected, url)
    if expected != 302:
        assert _roles_and_accounts() == before


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 403),
        ("representative_a1", 403),
        ("member_user", 403),
        ("other_clerk", 404),  # an account beyond the representatives they manage
        ("secretary_a1", 403),
        ("commune_clerk", 404),
        ("provincial_officer", 302),
        ("root_user", 302),
    ],
)
def test_account_disable_of_secretary_a1(client, world, who, expected):
    world.user(who)  # the cast is complete before the state is taken
    url = reverse("accounts:account_set_active", args=[world.secretary_a1.pk])
    before = _roles_and_accounts()

    response = _post(client, world, who, url)

    _assert_status(response, expected, url)
    if expected != 302:
        assert _roles_and_accounts() == before


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 403),
        ("representative_a1", 403),
        ("member_user", 403),
        ("other_clerk", 404),
        # The account's owner has not given a code in this session: sent to the code.
        ("secretary_a1", 302),
        ("commune_clerk", 404),
        ("provincial_officer", 302),
        ("root_user", 302),
    ],
)
def test_two_factor_reset_of_secretary_a1(client, world, who, expected):
    secretary = world.secretary_a1
    device = start_two_factor(by=secretary)
    confirm_two_factor(by=secretary, code=f"{totp(device.bin_key):06d}")
    url = reverse("accounts:account_two_factor_reset", args=[secretary.pk])

    response = _post(client, world, who, url)

    _assert_status(response, expected, url)
    secretary.refresh_from_db()
    assert secretary.two_factor_enabled == (who not in {"provincial_officer", "root_user"})


@pytest.mark.parametrize(
    "view",
    ["accounts:security", "accounts:two_factor_setup", "accounts:two_factor_verify"],
)
@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "stranger",
        "representative_a1",
        "member_user",
        "secretary_a1",
        "commune_clerk",
        "root_user",
    ],
)
def test_own_sign_in_pages(client, world, view, who):
    # One's own sign-in settings: every account; the code step sends an account without
    # two-factor sign-in home.
    url = reverse(view)

    response = _get(client, world, who, url)

    expected = 302 if view == "accounts:two_factor_verify" else 200
    _assert_status(response, "login" if who == "anonymous" else expected, url)


@pytest.mark.parametrize("view", ["accounts:recovery_codes", "accounts:two_factor_off"])
@pytest.mark.parametrize(
    "who", ["anonymous", "stranger", "representative_a1", "member_user", "commune_clerk"]
)
def test_own_two_factor_actions_without_it(client, world, view, who):
    url = reverse(view)

    response = _post(client, world, who, url)

    _assert_status(response, "login" if who == "anonymous" else 302, url)
    assert not User.objects.filter(two_factor_enabled=True).exists()


TREE_ACTIONS = [
    "organizations:create",
    "organizations:rename",
    "organizations:move",
    "organizations:merge",
]


@pytest.mark.parametrize("view", TREE_ACTIONS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("workplace_officer", 404),
        ("commune_clerk", 403),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_tree_action_pages_of_commune_a(client, world, view, who, expected):
    url = reverse(view, args=[world.commune_a_committee.pk])

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


def _tree_action_data(world, view):
    today = timezone.localdate()
    return {
        "organizations:create": {
            "name": "Chi bộ tổ 3",
            "kind": "cell",
            "side": "residential",
            "valid_from": today.isoformat(),
        },
        "organizations:rename": {
            "name": "Đảng ủy phường Hà Giang 1",
            "effective_date": today.isoformat(),
        },
        "organizations:move": {
            "new_parent": world.commune_b_committee.pk,
            "effective_date": today.isoformat(),
        },
        "organizations:merge": {
            "into": world.commune_b_committee.pk,
            "effective_date": (today + datetime.timedelta(days=1)).isoformat(),
            "confirmed": "1",
        },
    }[view]


def _tree():
    return (
        sorted(
            Organization.objects.values_list(
                "pk", "name", "parent_id", "path", "valid_until", "merged_into_id"
            )
        ),
        OrganizationHistory.objects.count(),
    )


@pytest.mark.parametrize("view", TREE_ACTIONS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("workplace_officer", 404),
        ("commune_clerk", 403),
        ("provincial_officer", 302),
        ("root_user", 302),
    ],
)
def test_tree_actions_posted_on_commune_a(client, world, view, who, expected):
    url = reverse(view, args=[world.commune_a_committee.pk])
    user = world.user(who)
    if user is not None:
        client.force_login(user)
    before = _tree()

    response = client.post(url, _tree_action_data(world, view))

    _assert_status(response, expected, url)
    if expected != 302:
        assert _tree() == before


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 403),
        ("representative_a1", 403),
        ("member_user", 403),
        ("secretary_a1", 403),
        ("commune_clerk", 403),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_organization_community_options(client, world, who, expected):
    url = reverse("organizations:community_options")

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 200),
        ("representative_a1", 200),
        ("member_user", 200),
        ("other_clerk", 200),
        ("secretary_a1", 200),
        ("commune_clerk", 200),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_notifications_page_shows_everyone_their_own(client, world, who, expected):
    # The list is always one's own notifications: nothing to hide, nothing to refuse.
    url = reverse("reminders:list")

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 403),
        ("representative_a1", 403),
        ("member_user", 403),
        ("secretary_a1", 302),
        ("commune_clerk", 302),
        ("workplace_officer", 302),
        ("provincial_officer", 302),
        ("root_user", 302),
    ],
)
def test_notices_index(client, world, who, expected):
    # One organization redirects to its inbox; members read no notices.
    url = reverse("notices:index")

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 404),
        ("workplace_officer", 404),
        ("secretary_a1", 404),
        ("other_clerk", 404),
        ("secretary_over_commune_a", 403),
        ("commune_clerk", 200),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_comments_of_commune_a(client, world, who, expected):
    # The commune's requests to confirm and return: a cell secretary's role over the
    # commune sees it but may not confirm there.
    url = reverse("comments:commune", args=[world.commune_a_committee.pk])
    if who == "secretary_over_commune_a":
        RoleAssignment.objects.create(
            user=world.secretary_a1, organization=world.commune_a_committee, role="cell_secretary"
        )
        who = "secretary_a1"

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 404),
        ("workplace_officer", 404),
        ("secretary_a1", 404),
        ("other_clerk", 404),
        ("secretary_a2", 200),
        ("commune_clerk", 200),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_meetings_held_in_cell_a2(client, world, who, expected):
    # The held meetings behind a report's figure, through the organization's gatekeeper.
    url = reverse("meetings:held_list", args=[world.cell_a2.pk])

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("workplace_officer", 404),
        ("commune_clerk", 200),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
@pytest.mark.parametrize("export", [None, "xlsx", "pdf"])
def test_report_of_commune_a(client, world, who, expected, export):
    # The index: 403 without a committee role, else a redirect to one's top organization.
    if who in ("stranger", "member_user"):
        assert _get(client, world, who, reverse("reports:index")).status_code == 403
    url = reverse("reports:organization", args=[world.commune_a_committee.pk])
    user = world.user(who)
    if user is not None:
        client.force_login(user)

    response = client.get(url, {"year": 2025, **({"format": export} if export else {})})

    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next={url}")
    else:
        assert response.status_code == expected


# --- the annual thematic review and the commendations (reports): the review and the list
# through the organization's gatekeeper, proposing for its committees, deciding for the
# province. A commendation of member_w1 proposed by commune A is in place.
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # (review, its XLSX, its PDF, list, propose for commune A, decide the commendation)
        ("anonymous", ("login",) * 6),
        ("stranger", (404, 404, 404, 404, 404, 404)),
        ("representative_a1", (404, 404, 404, 404, 404, 404)),
        ("member_user", (404, 404, 404, 404, 404, 403)),
        ("other_clerk", (404, 404, 404, 404, 404, 404)),
        ("secretary_a1", (404, 404, 404, 404, 404, 404)),
        ("workplace_officer", (404, 404, 404, 404, 404, 403)),
        ("commune_clerk", (200, 200, 200, 200, 200, 403)),
        ("provincial_officer", (200, 200, 200, 200, 200, 200)),
        ("root_user", (200, 200, 200, 200, 200, 200)),
    ],
)
def test_thematic_review_and_commendations(client, world, who, expected):
    from lienhe213.registry.tests.conftest import link_at
    from lienhe213.reports import services as report_services

    link_at(world, "active")
    commendation = report_services.propose_commendation(
        by=world.commune_clerk,
        year=2025,
        proposed_by_organization=world.commune_a_committee,
        member=world.member_w1,
        reason="Gương mẫu.",
        proposed_on=datetime.date(2025, 12, 20),
    )
    pk = world.commune_a_committee.pk
    urls = (
        reverse("reports:review", args=[pk, 2025]),
        reverse("reports:review", args=[pk, 2025]) + "?format=xlsx",
        reverse("reports:review", args=[pk, 2025]) + "?format=pdf",
        reverse("reports:commendations", args=[pk, 2025]),
        reverse("reports:propose", args=[pk, 2025]),
        reverse("reports:decide", args=[commendation.pk]),
    )

    for url, status in zip(urls, expected, strict=True):
        response = _get(client, world, who, url)
        if status == "login":
            assert response.status_code == 302
            assert response["Location"].startswith(f"{LOGIN}?next=")
        else:
            assert response.status_code == status, url


# --- official documents: downloads through the link's and the request's gatekeepers, -----
# batches for the workplace committee, the verification page for everyone.
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # (letter PDF, comment PDF, batches, batch, batch file, verify, book of cell A2,
        # request PDF, revoke the letter, a ZIP batch's file, commune A's 2025 report)
        ("anonymous", ("login",) * 5 + (200, "login", "login", "login", "login", "login")),
        ("stranger", (404, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404)),
        ("representative_a1", (404, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404)),
        ("member_user", (403, 404, 404, 404, 404, 200, 404, 404, 403, 404, 404)),
        ("other_clerk", (404, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404)),
        ("secretary_a1", (404, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404)),
        ("secretary_a2", (403, 403, 404, 404, 404, 200, 200, 403, 403, 404, 404)),
        ("commune_clerk", (403, 200, 404, 404, 404, 200, 200, 403, 403, 404, 200)),
        ("workplace_officer", (200, 403, 200, 200, 200, 200, 404, 200, 200, 200, 404)),
        ("provincial_officer", (200,) * 11),
        ("root_user", (200,) * 11),
    ],
)
def test_official_documents(client, world, who, expected):
    from lienhe213.comments.tests.conftest import request_at
    from lienhe213.documents import services as document_services
    from lienhe213.documents.models import DocumentBatch

    request = request_at(world, "confirmed")
    letter = document_services.issue_letter_document(by=world.root_user, link=request.link)
    batch = DocumentBatch.objects.create(
        issuer=world.workplace, link_ids=[], total=0, status="done", pdf=b"%PDF-"
    )
    zipped = DocumentBatch.objects.create(
        issuer=world.workplace, link_ids=[], total=0, status="done", output="zip", archive=b"PK"
    )
    urls = [
        reverse("documents:link", args=[request.link_id, "pdf"]),
        reverse("documents:comment", args=[request.pk, "pdf"]),
        reverse("documents:batches", args=[world.workplace.pk]),
        reverse("documents:batch", args=[batch.pk]),
        reverse("documents:batch_file", args=[batch.pk]),
        reverse("documents:verify", args=[letter.document.verification_code]),
        reverse("documents:book", args=[world.cell_a2.pk, "pdf"]),
        reverse("documents:request", args=[request.pk, "pdf"]),
        reverse("documents:revoke", args=[letter.document.pk]),
        reverse("documents:batch_zip", args=[zipped.pk]),
        reverse("documents:review", args=[world.commune_a_committee.pk, 2025, "pdf"]),
    ]
    user = world.user(who)
    if user is not None:
        client.force_login(user)

    for url, status in zip(urls, expected, strict=True):
        _assert_status(client.get(url), status, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 404),
        ("secretary_a1", 404),
        ("commune_clerk", 404),
        ("other_clerk", 404),
        ("workplace_officer", 404),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_deadline_calendar_of_the_province(client, world, who, expected):
    url = reverse("registry:calendar", args=[world.province.pk])

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 404),
        ("secretary_a1", 404),
        ("commune_clerk", 404),
        ("other_clerk", 403),
        ("workplace_officer", 404),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_remap_the_links_of_a_commune(client, world, who, expected):
    url = reverse("registry:remap", args=[world.commune_b_committee.pk])

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


# --- the links and comment requests of a subtree (registry, comments): the rows behind a
# report's figures, through the organization's gatekeeper, for commune A and for the
# workplace committee, each page as shown and exported. A returned comment is in place.
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # (commune A's lists, the workplace committee's lists)
        ("anonymous", ("login", "login")),
        ("stranger", (404, 404)),
        ("representative_a1", (404, 404)),
        ("member_user", (404, 404)),
        ("other_clerk", (404, 404)),
        ("secretary_a1", (404, 404)),
        ("secretary_a2", (404, 404)),
        ("workplace_officer", (404, 200)),
        ("commune_clerk", (200, 404)),
        ("provincial_officer", (200, 200)),
        ("root_user", (200, 200)),
    ],
)
@pytest.mark.parametrize("view", ["registry:subtree_links", "comments:subtree"])
@pytest.mark.parametrize("export", [None, "xlsx", "pdf"])
def test_subtree_lists(client, world, view, who, expected, export):
    from lienhe213.comments.models import CommentRequest
    from lienhe213.comments.tests.conftest import request_at
    from lienhe213.core.models import AuditEvent
    from lienhe213.registry.models import ResidenceLink

    request_at(world, "returned")
    user = world.user(who)
    if user is not None:
        client.force_login(user)

    def state():
        return (
            list(ResidenceLink.objects.values_list("pk", "status", "version")),
            list(CommentRequest.objects.values_list("pk", "status")),
            AuditEvent.objects.exclude(action__in=["login", "login_failed", "export"]).count(),
        )

    before = state()
    for org, status in zip((world.commune_a_committee, world.workplace), expected, strict=True):
        url = reverse(view, args=[org.pk])
        response = client.get(url, {"format": export} if export else {})
        if status == "login":
            assert response.status_code == 302
            assert response["Location"].startswith(f"{LOGIN}?next={url}")
        else:
            assert response.status_code == status, (org.name, url)
    assert state() == before


# --- the follow-up of a returned comment's proposal: both sides' committees see it, only
# the workplace side records it; a refusal (403 with the reason, as in the API) records
# nothing and sends no notice.
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # (request page, follow-up panel shown, form shown, POST the step, recorded)
        ("anonymous", ("login", False, False, "login", False)),
        ("stranger", (404, False, False, 404, False)),
        ("representative_a1", (404, False, False, 404, False)),
        ("member_user", (200, False, False, 403, False)),
        ("other_clerk", (404, False, False, 404, False)),
        ("secretary_a1", (404, False, False, 404, False)),
        ("secretary_a2", (200, True, False, 403, False)),
        ("commune_clerk", (200, True, False, 403, False)),
        ("workplace_officer", (200, True, True, 302, True)),
        ("provincial_officer", (200, True, True, 302, True)),
        ("root_user", (200, True, True, 302, True)),
    ],
)
def test_follow_up_of_a_recommendation(client, world, who, expected):
    from lienhe213.comments.models import RecommendationFollowUp
    from lienhe213.comments.tests.conftest import BEST_FORM_3, request_at
    from lienhe213.notices.models import Notice

    request = request_at(world, "returned", items={**BEST_FORM_3, "recommendation": "commend"})
    page = reverse("comments:request", args=[request.pk])
    step = reverse("comments:step", args=[request.pk, "follow_up"])
    data = {
        "version": request.version,
        "outcome": "commended",
        "decided_on": timezone.localdate().isoformat(),
    }
    user = world.user(who)
    if user is not None:
        client.force_login(user)

    response = client.get(page)
    context = response.context if response.status_code == 200 else {}
    posted = client.post(step, data)

    status = "login" if response.status_code == 302 else response.status_code
    step_status = (
        "login"
        if posted.status_code == 302 and LOGIN in posted["Location"]
        else (posted.status_code)
    )
    assert (
        status,
        bool(context and context.get("follow_up_due")),
        bool(context and context.get("follow_up_form")),
        step_status,
        RecommendationFollowUp.objects.filter(request=request).exists(),
    ) == expected
    assert Notice.objects.exists() == expected[-1]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("commune_clerk", 404),
        ("workplace_officer", 200),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_workplace_requests_filtered_by_follow_up(client, world, who, expected):
    url = reverse("comments:workplace", args=[world.workplace.pk])
    user = world.user(who)
    if user is not None:
        client.force_login(user)

    response = client.get(url, {"recommendation": "commend", "follow_up": "awaiting"})

    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next={url}")
    else:
        assert response.status_code == expected


# --- imports: the list and the templates for whoever may import somewhere; an import
# through the organizations where the user may import (commune A's members file here).
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # (list and upload form, a blank template, the import, its rejected rows)
        ("anonymous", ("login", "login", "login", "login")),
        ("stranger", (403, 403, 404, 404)),
        ("representative_a1", (403, 403, 404, 404)),
        ("member_user", (403, 403, 404, 404)),
        ("secretary_a1", (403, 403, 404, 404)),
        ("other_clerk", (200, 200, 404, 404)),
        ("workplace_officer", (200, 200, 404, 404)),
        ("commune_clerk", (200, 200, 200, 200)),
        ("provincial_officer", (200, 200, 200, 200)),
        ("root_user", (200, 200, 200, 200)),
    ],
)
def test_import_pages(client, world, who, expected):
    from lienhe213.imports.models import ImportBatch

    batch = ImportBatch.objects.create(
        kind="members",
        organization=world.commune_a_committee,
        file_name="ds.xlsx",
        checksum="0" * 64,
        size=1,
        content=b"x",
        status="ready",
        labels=["Họ và tên", "Ngày sinh"],
        mapping={"0": "full_name", "1": "birth_date"},
        created_by=world.commune_clerk,
    )
    urls = [
        reverse("imports:list"),
        reverse("imports:template", args=["members"]),
        reverse("imports:detail", args=[batch.pk]),
        reverse("imports:errors", args=[batch.pk]),
    ]
    user = world.user(who)
    if user is not None:
        client.force_login(user)

    for url, status in zip(urls, expected, strict=True):
        _assert_status(client.get(url), status, url)


# --- the steps of an import, posted: 404 for who may not see it, 403 for who sees it but
# may not import that kind of file there (an organizations file into commune A: only the
# province manages the tree); a refusal by the service shows the page again. Nothing is
# ever changed here: the import has nothing to commit and its version is stale.
@pytest.mark.parametrize("view", ["imports:mapping", "imports:choose", "imports:commit"])
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("member_user", 404),
        ("secretary_a1", 404),
        ("other_clerk", 404),
        ("workplace_officer", 404),
        ("commune_clerk", 403),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_import_steps_posted(client, world, view, who, expected):
    from lienhe213.imports.models import ImportBatch

    batch = ImportBatch.objects.create(
        kind="organizations",
        organization=world.commune_a_committee,
        file_name="to-chuc.xlsx",
        checksum="0" * 64,
        size=1,
        content=b"x",
        status="ready",
        version=2,
        labels=["Tên tổ chức", "Loại"],
        mapping={"0": "name", "1": "kind"},
    )
    url = reverse(view, args=[batch.pk])
    user = world.user(who)
    if user is not None:
        client.force_login(user)

    response = client.post(url, {"version": 1, "column_0": "name", "column_1": "kind"})

    _assert_status(response, expected, url)
    assert ImportBatch.objects.values_list("status", "version").get() == ("ready", 2)


# The guidance: every signed-in user reads the texts; a province's officers write its
# notes (403 for anyone else, nothing written); an administrator publishes a wording.
@pytest.mark.parametrize("view", ["guidance:index", "guidance:detail"])
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 200),
        ("member_user", 200),
        ("secretary_a1", 200),
        ("commune_clerk", 200),
        ("workplace_officer", 200),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_guidance_pages(client, world, view, who, expected):
    from lienhe213.guidance.models import GuidanceEntry
    from lienhe213.guidance.services import load_guidance

    load_guidance()
    args = [GuidanceEntry.objects.get(key="qd213-dieu-1").pk] if view == "guidance:detail" else []
    url = reverse(view, args=args)

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


@pytest.mark.parametrize(
    ("view", "who", "expected"),
    [
        ("guidance:note", "anonymous", "login"),
        ("guidance:note", "stranger", 403),
        ("guidance:note", "member_user", 403),
        ("guidance:note", "secretary_a1", 403),
        ("guidance:note", "commune_clerk", 403),
        ("guidance:note", "workplace_officer", 403),
        ("guidance:note", "provincial_officer", 302),
        ("guidance:note", "root_user", 302),
        ("guidance:revise", "anonymous", "login"),
        ("guidance:revise", "member_user", 403),
        ("guidance:revise", "commune_clerk", 403),
        ("guidance:revise", "provincial_officer", 403),
        ("guidance:revise", "root_user", 302),
    ],
)
def test_guidance_writes(client, world, view, who, expected):
    from lienhe213.guidance.models import GuidanceEntry, GuidanceVersion, ProvinceNote
    from lienhe213.guidance.services import load_guidance

    load_guidance()
    target = GuidanceEntry.objects.get(key="qd213-dieu-1")
    url = reverse(view, args=[target.pk])
    user = world.user(who)
    if user is not None:
        client.force_login(user)
    data = {
        "province": world.province.pk,
        "text": "Ghi chú",
        "summary": "Tóm tắt",
        "reason": "Đối chiếu",
        "version": 0 if view == "guidance:note" else 1,
    }

    response = client.post(url, data)

    _assert_status(response, expected, url)
    if expected != 302:
        assert not ProvinceNote.objects.exists()
        assert GuidanceVersion.objects.filter(entry=target).count() == 1


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", "login"), ("stranger", 302), ("commune_clerk", 302)],
)
def test_walkthrough_dismissal(client, world, who, expected):
    from lienhe213.guidance.models import WalkthroughDismissal

    url = reverse("guidance:dismiss_walkthrough")
    user = world.user(who)
    if user is not None:
        client.force_login(user)

    response = client.post(url, {"role": "commune_clerk"})

    _assert_status(response, expected, url)
    dismissed = list(WalkthroughDismissal.objects.values_list("role", flat=True))
    assert dismissed == (["commune_clerk"] if who == "commune_clerk" else [])


# --- training sessions (ADR 0015): the list and the plan form, a session of commune A
# with its attendance form and a material; posting a cancellation changes nothing
# unless the organizer side sends it.
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # (list, plan form, session, attendance form, material, cancel posted)
        ("anonymous", ("login", "login", "login", "login", "login", "login")),
        ("stranger", (200, 403, 404, 404, 404, 404)),
        ("member_user", (200, 403, 404, 404, 404, 404)),
        ("secretary_a1", (200, 403, 200, 403, 200, 403)),
        ("other_clerk", (200, 200, 404, 404, 404, 404)),
        ("workplace_officer", (200, 200, 404, 404, 404, 404)),
        ("commune_clerk", (200, 200, 200, 200, 200, 302)),
        ("provincial_officer", (200, 200, 200, 200, 200, 302)),
        ("root_user", (200, 200, 200, 200, 200, 302)),
    ],
)
def test_training_pages(client, world, who, expected, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lienhe213.training import services as training_services
    from lienhe213.training.models import TrainingSession

    settings.MEDIA_ROOT = tmp_path
    session = training_services.plan_session(
        by=world.commune_clerk,
        organizer=world.commune_a_committee,
        topic="Quy định 213",
        date=timezone.localdate() + datetime.timedelta(days=3),
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
    user = world.user(who)
    if user is not None:
        client.force_login(user)
    urls = [
        reverse("training:index"),
        reverse("training:plan"),
        reverse("training:detail", args=[session.pk]),
        reverse("training:attendance", args=[session.pk]),
        reverse("training:material", args=[material.pk]),
    ]

    for url, status in zip(urls, expected, strict=False):
        _assert_status(client.get(url), status, url)
    cancel = reverse("training:cancel", args=[session.pk])
    _assert_status(client.post(cancel, {"version": session.version}), expected[-1], cancel)
    cancelled = TrainingSession.objects.get(pk=session.pk).state == "cancelled"
    assert cancelled == (expected[-1] == 302)
