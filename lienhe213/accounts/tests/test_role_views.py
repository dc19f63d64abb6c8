"""Managing accounts and role assignments from the pages: the roles page of an
organization, the account list and the new-account form."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import grant, make_user
from lienhe213.accounts.models import Role, RoleAssignment, User
from lienhe213.accounts.services import create_account, set_account_active
from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent


@pytest.fixture
def ward_officer(world):
    """Manages roles in commune A's subtree only."""
    user = make_user("phuong")
    grant(user, world.commune_a_committee, Role.PROVINCIAL_OFFICER)
    return user


def db_state():
    return (
        sorted(RoleAssignment.objects.values_list("user__username", "organization_id", "role")),
        sorted(User.objects.values_list("username", "is_active", "member_id")),
        AuditEvent.objects.exclude(action="login").count(),
    )


def roles_url(org):
    return reverse("accounts:roles", args=[org.pk])


def test_roles_page_lists_the_subtree_assignments(client, world):
    client.force_login(world.provincial_officer)

    response = client.get(roles_url(world.commune_a_committee))

    assert response.status_code == 200
    rows = [
        (a.user.username, a.role, a.organization, a.can_revoke)
        for a in response.context["page"].rows
    ]
    assert rows == [
        ("xa", "commune_clerk", world.commune_a_committee, True),
        ("chibo1", "cell_secretary", world.cell_a1, True),
        ("chibo2", "cell_secretary", world.cell_a2, True),
    ]


def test_grant_form_offers_roles_up_to_the_users_rank_and_the_managed_subtree(
    client, world, ward_officer
):
    client.force_login(ward_officer)

    form = client.get(roles_url(world.commune_a_committee)).context["form"]

    assert [value for value, _label in form.fields["role"].choices] == [
        "provincial_officer",
        "commune_clerk",
        "cell_secretary",
        "workplace_officer",
        "member",
        "community_representative",
    ]
    assert list(form.fields["organization"].queryset) == [
        world.commune_a_committee,
        world.cell_a1,
        world.cell_a2,
    ]


def test_grant_from_the_page(client, world):
    client.force_login(world.provincial_officer)

    response = client.post(
        roles_url(world.commune_b_committee),
        {"username": "stranger", "role": "cell_secretary", "organization": world.cell_b1.pk},
    )

    assert response.status_code == 302
    assert response["Location"] == roles_url(world.commune_b_committee)
    assignment = RoleAssignment.objects.get(user=world.stranger)
    assert (assignment.organization, assignment.role, assignment.granted_by) == (
        world.cell_b1,
        "cell_secretary",
        world.provincial_officer,
    )
    event = AuditEvent.objects.get(action="grant")
    assert (event.actor, event.object_id, event.scope_path) == (
        world.provincial_officer,
        str(assignment.pk),
        world.cell_b1.path,
    )
    assert event.changes == {
        "user": "stranger",
        "role": "cell_secretary",
        "organization": world.cell_b1.pk,
    }


def test_the_same_grant_submitted_twice_is_refused_the_second_time(client, world):
    client.force_login(world.provincial_officer)
    data = {
        "username": "stranger",
        "role": "commune_clerk",
        "organization": world.commune_b_committee.pk,
    }
    client.post(roles_url(world.province), data)
    before = db_state()

    response = client.post(roles_url(world.province), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {"role": ["This person already has this role here."]}
    assert RoleAssignment.objects.filter(user=world.stranger).count() == 1
    assert db_state() == before


def test_a_provincial_officer_cannot_grant_the_administrator_role(client, world):
    client.force_login(world.provincial_officer)
    before = db_state()

    response = client.post(
        roles_url(world.province),
        {"username": "stranger", "role": "administrator", "organization": world.province.pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "role": ["Select a valid choice. administrator is not one of the available choices."]
    }
    assert db_state() == before


def test_granting_outside_the_managed_subtree_is_refused(client, world, ward_officer):
    client.force_login(ward_officer)
    before = db_state()

    response = client.post(
        roles_url(world.commune_a_committee),
        {
            "username": "stranger",
            "role": "commune_clerk",
            "organization": world.commune_b_committee.pk,
        },
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["organization"]
    assert db_state() == before


def test_member_role_for_an_account_without_member_record_shows_the_service_message(client, world):
    client.force_login(world.provincial_officer)
    before = db_state()

    response = client.post(
        roles_url(world.cell_a1),
        {"username": "stranger", "role": "member", "organization": world.cell_a1.pk},
    )

    assert response.context["form"].errors == {
        "role": ["This account is not linked to a member record."]
    }
    assert db_state() == before


def test_unknown_username_is_refused_on_its_field(client, world):
    client.force_login(world.provincial_officer)
    before = db_state()

    response = client.post(
        roles_url(world.cell_a1),
        {"username": "nobody", "role": "cell_secretary", "organization": world.cell_a1.pk},
    )

    assert response.context["form"].errors == {"username": ["No account has this username."]}
    assert db_state() == before


def test_revoke_from_the_page(client, world):
    client.force_login(world.provincial_officer)
    assignment = RoleAssignment.objects.get(user=world.secretary_a1)

    response = client.post(
        reverse("accounts:role_revoke", args=[world.commune_a_committee.pk, assignment.pk])
    )

    assert response.status_code == 302
    assert response["Location"] == roles_url(world.commune_a_committee)
    assert not RoleAssignment.objects.filter(user=world.secretary_a1).exists()
    event = AuditEvent.objects.get(action="revoke")
    assert (event.actor, event.object_id, event.scope_path, event.changes) == (
        world.provincial_officer,
        str(assignment.pk),
        world.cell_a1.path,
        {"user": "chibo1", "role": "cell_secretary"},
    )


def test_revoking_a_role_above_ones_own_is_refused_with_a_message(client, world, ward_officer):
    boss = make_user("boss")
    grant(boss, world.cell_a1, Role.ADMINISTRATOR)
    assignment = RoleAssignment.objects.get(user=boss)
    client.force_login(ward_officer)
    before = db_state()

    response = client.post(
        reverse("accounts:role_revoke", args=[world.commune_a_committee.pk, assignment.pk]),
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "You may not withdraw a role above your own."
    ]
    assert db_state() == before


def test_revoking_an_assignment_of_another_subtree_is_not_found(client, world, ward_officer):
    assignment = RoleAssignment.objects.get(user=world.other_clerk)
    client.force_login(ward_officer)
    before = db_state()

    response = client.post(
        reverse("accounts:role_revoke", args=[world.commune_a_committee.pk, assignment.pk])
    )

    assert response.status_code == 404
    assert db_state() == before


# Accounts


def test_create_account_with_member_link_and_temporary_password(client, world):
    client.force_login(world.provincial_officer)

    response = client.post(
        reverse("accounts:account_create"),
        {
            "username": "hoa",
            "first_name": "Hoa",
            "last_name": "Đặng Thị",
            "email": "hoa@example.vn",
            "party_card_number": "12345678",
            "generate_password": "on",
        },
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    password = response.context["password"]
    assert len(password) == 12
    assert password in response.content.decode()
    account = User.objects.get(username="hoa")
    assert (account.first_name, account.last_name, account.email, account.member) == (
        "Hoa",
        "Đặng Thị",
        "hoa@example.vn",
        world.member_a1,
    )
    assert account.check_password(password)
    event = AuditEvent.objects.get(action="create", object_type="accounts.user")
    assert (event.actor, event.object_id, event.scope_path) == (
        world.provincial_officer,
        str(account.pk),
        world.cell_a1.path,
    )
    assert event.changes == {
        "username": "hoa",
        "first_name": "Hoa",
        "last_name": "Đặng Thị",
        "email": "hoa@example.vn",
        "member": world.member_a1.pk,
        "has_password": True,
    }
    assert password not in str(event.changes)


def test_create_account_without_password_cannot_log_in(client, world):
    client.force_login(world.provincial_officer)

    response = client.post(reverse("accounts:account_create"), {"username": "moi"})

    assert response.context["password"] is None
    account = User.objects.get(username="moi")
    assert not account.has_usable_password()
    assert account.member is None
    event = AuditEvent.objects.get(action="create", object_type="accounts.user")
    assert event.scope_path == world.province.path


def test_create_account_with_a_taken_username_is_refused(client, world):
    client.force_login(world.provincial_officer)
    before = db_state()

    response = client.post(reverse("accounts:account_create"), {"username": "XA"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"username": ["The username “XA” is already taken."]}
    assert db_state() == before


def test_create_account_service_refuses_a_taken_username(world):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        create_account(
            by=world.provincial_officer, username="chibo1", first_name="", last_name="", email=""
        )

    assert (exc.value.field, str(exc.value)) == (
        "username",
        "The username “chibo1” is already taken.",
    )
    assert db_state() == before


def test_create_account_service_refuses_a_bad_email(world):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        create_account(
            by=world.provincial_officer, username="moi", first_name="", last_name="", email="a@"
        )

    assert (exc.value.field, str(exc.value)) == ("email", "Enter a valid e-mail address.")
    assert db_state() == before


def test_linking_a_member_outside_scope_is_refused(client, world, ward_officer):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        create_account(
            by=ward_officer,
            username="pom",
            first_name="",
            last_name="",
            email="",
            member=world.member_b1,
        )

    assert (exc.value.field, str(exc.value)) == ("member", "You may not link this member record.")
    assert db_state() == before


def test_linking_a_member_outside_scope_from_the_page_is_refused(client, world, ward_officer):
    client.force_login(ward_officer)
    before = db_state()

    response = client.post(
        reverse("accounts:account_create"),
        {"username": "pom", "party_card_number": "32345678", "member_id": world.member_b1.pk},
    )

    assert response.context["form"].errors == {
        "party_card_number": ["No member you may see has this party card number."],
        "member_id": ["No member you may see has this record number."],
    }
    assert db_state() == before


def test_linking_a_member_that_already_has_an_account_is_refused(client, world):
    client.force_login(world.provincial_officer)
    before = db_state()

    response = client.post(
        reverse("accounts:account_create"), {"username": "duc", "member_id": world.member_w1.pk}
    )

    assert response.context["form"].errors == {
        "party_card_number": ["This member record is already linked to another account."]
    }
    assert db_state() == before


def test_users_without_manage_roles_cannot_create_accounts(world):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        create_account(by=world.secretary_a1, username="moi", first_name="", last_name="", email="")

    assert str(exc.value) == "You may not create accounts."
    assert db_state() == before


def test_new_member_account_logs_in_and_sees_only_its_own_record(client, world):
    client.force_login(world.provincial_officer)
    created = client.post(
        reverse("accounts:account_create"),
        {"username": "hoa", "party_card_number": "12345678", "generate_password": "on"},
    )
    password = created.context["password"]
    client.post(
        roles_url(world.cell_a1),
        {"username": "hoa", "role": "member", "organization": world.cell_a1.pk},
    )
    client.post(reverse("accounts:logout"))

    login = client.post(reverse("accounts:login"), {"username": "hoa", "password": password})
    forced = client.get(reverse("members:list"))
    changed = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "Hoa-chi-bo-to-1",
            "new_password2": "Hoa-chi-bo-to-1",
        },
    )
    response = client.get(reverse("members:list"))

    assert login.status_code == 302
    assert (forced.status_code, forced["Location"]) == (302, reverse("accounts:password_change"))
    assert (changed.status_code, changed["Location"]) == (302, reverse("accounts:home"))
    assert response.status_code == 200
    assert response.context["page"].rows == [world.member_a1]


def test_account_list_shows_accounts_with_roles_in_scope(client, world, ward_officer):
    client.force_login(ward_officer)

    response = client.get(reverse("accounts:account_list"))

    rows = [
        (u.username, [(a.role, a.organization) for a in u.shown_roles], u.can_toggle)
        for u in response.context["page"].rows
    ]
    assert rows == [
        ("chibo1", [("cell_secretary", world.cell_a1)], True),
        ("chibo2", [("cell_secretary", world.cell_a2)], True),
        ("phuong", [("provincial_officer", world.commune_a_committee)], False),
        ("xa", [("commune_clerk", world.commune_a_committee)], True),
    ]


def test_account_list_shows_only_roles_in_scope_and_no_toggle_for_wider_accounts(
    client, world, ward_officer
):
    grant(world.other_clerk, world.cell_a1, Role.CELL_SECRETARY)
    client.force_login(ward_officer)

    response = client.get(reverse("accounts:account_list"), {"q": "xa_b"})

    rows = [
        (u.username, [(a.role, a.organization) for a in u.shown_roles], u.can_toggle)
        for u in response.context["page"].rows
    ]
    assert rows == [("xa_b", [("cell_secretary", world.cell_a1)], False)]


def test_account_list_search_ignores_accents_and_case(client, world):
    User.objects.filter(pk=world.secretary_a1.pk).update(first_name="Đức", last_name="Nguyễn")
    client.force_login(world.provincial_officer)

    response = client.get(reverse("accounts:account_list"), {"q": "NGUYEN duc"})

    assert [u.username for u in response.context["page"].rows] == ["chibo1"]


def _queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries.captured_queries)


def test_account_list_query_count_does_not_grow_with_accounts(client, world):
    client.force_login(world.provincial_officer)
    url = reverse("accounts:account_list")
    first = _queries_of(client, url)
    for n in range(5):
        grant(make_user(f"extra{n}"), world.cell_b1, Role.CELL_SECRETARY)

    assert _queries_of(client, url) == first


def test_roles_page_query_count_does_not_grow_with_assignments(client, world):
    client.force_login(world.provincial_officer)
    url = roles_url(world.province)
    first = _queries_of(client, url)
    for n in range(5):
        grant(make_user(f"extra{n}"), world.cell_b1, Role.CELL_SECRETARY)

    assert _queries_of(client, url) == first


def test_disable_and_enable_an_account(client, world):
    client.force_login(world.provincial_officer)
    url = reverse("accounts:account_set_active", args=[world.secretary_a1.pk])

    response = client.post(url, {"is_active": "0"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account_list")
    world.secretary_a1.refresh_from_db()
    assert world.secretary_a1.is_active is False
    event = AuditEvent.objects.get(action="update", object_type="accounts.user")
    assert (event.actor, event.object_id, event.scope_path, event.changes) == (
        world.provincial_officer,
        str(world.secretary_a1.pk),
        world.cell_a1.path,
        {"is_active": [True, False]},
    )
    # a disabled account is logged out of its next request
    other = client.__class__()
    other.force_login(world.secretary_a1)
    assert other.get(reverse("members:list")).status_code == 302

    client.post(url, {"is_active": "1"})

    world.secretary_a1.refresh_from_db()
    assert world.secretary_a1.is_active is True
    assert AuditEvent.objects.filter(action="update", object_type="accounts.user").count() == 2


def test_disabling_an_account_with_roles_outside_scope_is_refused(world, ward_officer):
    grant(world.other_clerk, world.cell_a1, Role.CELL_SECRETARY)
    before = db_state()

    with pytest.raises(DomainError) as exc:
        set_account_active(by=ward_officer, user=world.other_clerk, is_active=False)

    assert str(exc.value) == "This account holds roles outside the organizations you manage."
    assert db_state() == before


def test_disabling_ones_own_account_is_refused(client, world):
    client.force_login(world.provincial_officer)
    before = db_state()

    response = client.post(
        reverse("accounts:account_set_active", args=[world.provincial_officer.pk]),
        {"is_active": "0"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "You may not disable or enable your own account."
    ]
    assert db_state() == before


def test_disabling_an_account_outside_scope_is_not_found(client, world, ward_officer):
    client.force_login(ward_officer)
    before = db_state()

    response = client.post(
        reverse("accounts:account_set_active", args=[world.other_clerk.pk]), {"is_active": "0"}
    )

    assert response.status_code == 404
    assert db_state() == before


def test_navigation_and_organization_page_link_to_role_management(client, world):
    client.force_login(world.provincial_officer)

    html = client.get(reverse("organizations:detail", args=[world.cell_a1.pk])).content.decode()

    assert f'href="{reverse("accounts:account_list")}"' in html
    assert f'href="{roles_url(world.cell_a1)}"' in html


def test_secretaries_see_no_role_management_links(client, world):
    client.force_login(world.secretary_a1)

    html = client.get(reverse("organizations:detail", args=[world.cell_a1.pk])).content.decode()

    assert reverse("accounts:account_list") not in html
    assert roles_url(world.cell_a1) not in html


def test_clerks_see_the_accounts_and_the_roles_of_their_commune(client, world):
    # They appoint the community representatives of their cells (ADR 0014).
    client.force_login(world.commune_clerk)

    html = client.get(reverse("organizations:detail", args=[world.cell_a1.pk])).content.decode()

    assert reverse("accounts:account_list") in html
    assert roles_url(world.cell_a1) in html
