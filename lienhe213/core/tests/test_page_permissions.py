"""Who gets which status code on every page (STYLE.md: one matrix per protected view).

Anonymous visitors are sent to the login page; a user who may not see an object gets
404 (a forged id reveals nothing); one who sees it but may not change it gets 403.
"""

import pytest
from django.urls import reverse

from lienhe213.accounts.models import RoleAssignment, User

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
        ("stranger", 403),
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


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 403),
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
        ("member_user", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("commune_clerk", 403),
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
        ("member_user", 403),
        ("other_clerk", 403),
        ("secretary_a1", 403),
        ("commune_clerk", 403),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_account_pages(client, world, view, who, expected):
    url = reverse(view)

    response = _get(client, world, who, url)

    _assert_status(response, expected, url)


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
        ("member_user", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("commune_clerk", 403),
        ("provincial_officer", 302),
        ("root_user", 302),
    ],
)
def test_role_revoke_in_cell_a1(client, world, who, expected):
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
        ("member_user", 403),
        ("other_clerk", 403),
        ("secretary_a1", 403),
        ("commune_clerk", 403),
        ("provincial_officer", 302),
        ("root_user", 302),
    ],
)
def test_account_disable_of_secretary_a1(client, world, who, expected):
    url = reverse("accounts:account_set_active", args=[world.secretary_a1.pk])
    before = _roles_and_accounts()

    response = _post(client, world, who, url)

    _assert_status(response, expected, url)
    if expected != 302:
        assert _roles_and_accounts() == before
