"""The tree-management pages: new sub-unit, rename, move, merge, through the services."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from lienhe213.core.models import AuditEvent
from lienhe213.members.models import Member
from lienhe213.organizations.models import Community, Organization, OrganizationHistory
from lienhe213.organizations.services import create_organization
from lienhe213.organizations.tests.pre_2025 import tran_phu_of_ha_giang

History = OrganizationHistory


def _today() -> datetime.date:
    return timezone.localdate()


def _tree_state():
    """Everything a tree change could touch: nodes, lineage, members' paths, audit."""
    return (
        list(
            Organization.objects.order_by("pk").values_list(
                "pk", "name", "parent_id", "path", "depth", "valid_until", "merged_into_id"
            )
        ),
        list(History.objects.order_by("pk").values_list("pk", flat=True)),
        list(Member.objects.order_by("pk").values_list("pk", "unit_path")),
        list(_tree_audit().values_list("pk", flat=True)),
    )


def _tree_audit():
    return AuditEvent.objects.filter(object_type="organizations.organization").order_by("pk")


def _other_province(world) -> Organization:
    return create_organization(
        by=world.root_user,
        name="Đảng bộ tỉnh Lào Cai",
        kind="provincial_committee",
        side="both",
        parent=None,
    )


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="(\d+)"', select.group(1))


@pytest.fixture
def officer_client(client, world):
    client.force_login(world.provincial_officer)
    return client


# --- detail page buttons ---------------------------------------------------------------


def _manage_links(client, org):
    html = client.get(reverse("organizations:detail", args=[org.pk])).content.decode()
    names = ["create", "rename", "move", "merge"]
    return [n for n in names if reverse(f"organizations:{n}", args=[org.pk]) in html]


def test_detail_offers_the_tree_actions_to_a_provincial_officer(officer_client, world):
    assert _manage_links(officer_client, world.commune_a_committee) == [
        "create",
        "rename",
        "move",
        "merge",
    ]


def test_detail_offers_no_tree_actions_to_a_commune_clerk(client, world):
    client.force_login(world.commune_clerk)

    assert _manage_links(client, world.commune_a_committee) == []


def test_detail_offers_no_tree_actions_on_a_former_organization(officer_client, world):
    officer_client.post(
        reverse("organizations:merge", args=[world.cell_a2.pk]),
        {
            "into": world.cell_a1.pk,
            "effective_date": _today() + datetime.timedelta(days=1),
            "confirmed": "1",
        },
    )

    assert _manage_links(officer_client, world.cell_a2) == []


# --- new sub-unit ----------------------------------------------------------------------


def test_create_places_a_new_cell_under_the_parent(officer_client, world):
    community = Community.objects.create(
        commune=world.commune_a, name="Tổ 3", kind="residential_group"
    )
    parent = world.commune_a_committee

    response = officer_client.post(
        reverse("organizations:create", args=[parent.pk]),
        {
            "name": "  Chi bộ   tổ 3 ",
            "kind": "cell",
            "side": "residential",
            "code": "HG1-T3",
            "administrative_unit": world.commune_a.pk,
            "community": community.pk,
            "valid_from": "2025-07-01",
        },
    )

    org = Organization.objects.get(code="HG1-T3")
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:detail", args=[org.pk])
    assert (org.name, org.kind, org.side, org.parent_id, org.path, org.depth) == (
        "Chi bộ tổ 3",
        "cell",
        "residential",
        parent.pk,
        f"{parent.path}{org.pk}.",
        2,
    )
    assert (org.administrative_unit_id, org.community_id, org.valid_from) == (
        world.commune_a.pk,
        community.pk,
        datetime.date(2025, 7, 1),
    )
    assert list(org.history.values_list("kind", "effective_date", "new_name", "new_parent")) == [
        ("created", datetime.date(2025, 7, 1), "Chi bộ tổ 3", parent.pk)
    ]
    event = _tree_audit().get(object_id=str(org.pk))
    assert (event.action, event.actor_id, event.scope_path) == (
        "create",
        world.provincial_officer.pk,
        org.path,
    )
    assert event.changes == {
        "name": "Chi bộ tổ 3",
        "kind": "cell",
        "side": "residential",
        "parent": parent.pk,
        "code": "HG1-T3",
    }
    followed = officer_client.get(response["Location"])
    assert [str(m) for m in followed.context["messages"]] == ["The organization was created."]


def test_create_form_offers_deployed_communes_and_the_parents_communities(officer_client, world):
    response = officer_client.get(
        reverse("organizations:create", args=[world.commune_a_committee.pk])
    )

    html = response.content.decode()
    assert sorted(_options(html, "administrative_unit")) == sorted(
        [str(world.commune_a.pk), str(world.commune_b.pk)]
    )
    assert _options(html, "community") == [str(world.community_a1.pk), str(world.community_a2.pk)]


def test_community_options_follow_the_chosen_commune(officer_client, world):
    response = officer_client.get(
        reverse("organizations:community_options"),
        {"administrative_unit": world.commune_b.pk},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert re.findall(r'<option value="(\d*)">([^<]*)</option>', html) == [
        ("", "---------"),
        (str(world.cell_b1.community_id), "Thôn Nà Tông"),
    ]


def test_create_refuses_a_community_of_another_commune(officer_client, world):
    before = _tree_state()

    response = officer_client.post(
        reverse("organizations:create", args=[world.commune_a_committee.pk]),
        {
            "name": "Chi bộ tổ 3",
            "kind": "cell",
            "side": "residential",
            "administrative_unit": world.commune_a.pk,
            "community": world.cell_b1.community_id,
            "valid_from": "2025-07-01",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "community": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert _tree_state() == before


def test_create_shows_the_services_refusal_of_a_used_code(officer_client, world):
    Organization.objects.filter(pk=world.cell_a1.pk).update(code="HG1-T1")
    before = _tree_state()

    response = officer_client.post(
        reverse("organizations:create", args=[world.commune_a_committee.pk]),
        {
            "name": "Chi bộ tổ 3",
            "kind": "cell",
            "side": "residential",
            "code": "HG1-T1",
            "valid_from": "2025-07-01",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "code": ["Another organization already uses this code."]
    }
    assert _tree_state() == before


def test_create_under_a_forged_parent_is_not_found(officer_client, world):
    other = _other_province(world)
    before = _tree_state()

    response = officer_client.post(
        reverse("organizations:create", args=[other.pk]),
        {"name": "Chi bộ lạ", "kind": "cell", "side": "residential", "valid_from": "2025-07-01"},
    )

    assert response.status_code == 404
    assert _tree_state() == before


# --- rename ----------------------------------------------------------------------------


def test_rename_keeps_the_old_name_for_earlier_dates(officer_client, world):
    cell = world.cell_a1
    effective = _today() + datetime.timedelta(days=10)

    response = officer_client.post(
        reverse("organizations:rename", args=[cell.pk]),
        {"name": "Chi bộ tổ dân phố 1", "effective_date": effective.isoformat()},
    )

    cell.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:detail", args=[cell.pk])
    assert cell.name == "Chi bộ tổ dân phố 1"
    assert cell.name_on(effective - datetime.timedelta(days=1)) == "Chi bộ tổ 1"
    assert list(
        cell.history.filter(kind="renamed").values_list("effective_date", "old_name", "new_name")
    ) == [(effective, "Chi bộ tổ 1", "Chi bộ tổ dân phố 1")]
    event = _tree_audit().get(action="rename")
    assert (event.object_id, event.actor_id, event.changes) == (
        str(cell.pk),
        world.provincial_officer.pk,
        {"name": ["Chi bộ tổ 1", "Chi bộ tổ dân phố 1"], "effective_date": effective.isoformat()},
    )


def test_rename_page_shows_the_name_history(officer_client, world):
    response = officer_client.get(reverse("organizations:rename", args=[world.cell_a1.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Created: Chi bộ tổ 1" in re.sub(r"\s+", " ", html)


def test_rename_submitted_twice_is_refused_the_second_time(officer_client, world):
    url = reverse("organizations:rename", args=[world.cell_a1.pk])
    data = {"name": "Chi bộ tổ dân phố 1", "effective_date": _today().isoformat()}

    first = officer_client.post(url, data)
    second = officer_client.post(url, data)

    assert (first.status_code, second.status_code) == (302, 200)
    assert second.context["form"].errors == {
        "name": ["The new name is the same as the current one."]
    }
    assert world.cell_a1.history.filter(kind="renamed").count() == 1
    assert _tree_audit().filter(action="rename").count() == 1


def test_rename_before_the_organization_existed_is_refused(officer_client, world):
    before = _tree_state()

    response = officer_client.post(
        reverse("organizations:rename", args=[world.cell_a1.pk]),
        {"name": "Chi bộ tổ dân phố 1", "effective_date": "2019-01-01"},
    )

    assert response.context["form"].errors == {
        "effective_date": ["The rename cannot take effect before the organization existed."]
    }
    assert _tree_state() == before


# --- move ------------------------------------------------------------------------------


def test_move_carries_the_subtree_and_its_members(officer_client, world):
    org, target = world.commune_a_committee, world.commune_b_committee
    old_parent = org.parent_id

    response = officer_client.post(
        reverse("organizations:move", args=[org.pk]),
        {"new_parent": target.pk, "effective_date": "2025-08-01"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:detail", args=[org.pk])
    moved = f"{target.path}{org.pk}."
    assert list(
        Organization.objects.in_subtree(target).values_list("pk", "parent_id", "path", "depth")
    ) == [
        (target.pk, target.parent_id, target.path, 1),
        (org.pk, target.pk, moved, 2),
        (world.cell_a1.pk, org.pk, f"{moved}{world.cell_a1.pk}.", 3),
        (world.cell_a2.pk, org.pk, f"{moved}{world.cell_a2.pk}.", 3),
        (world.cell_b1.pk, target.pk, world.cell_b1.path, 2),
    ]
    assert Member.objects.get(pk=world.member_a1.pk).unit_path == f"{moved}{world.cell_a1.pk}."
    assert list(
        org.history.filter(kind="moved").values_list("effective_date", "old_parent", "new_parent")
    ) == [(datetime.date(2025, 8, 1), old_parent, target.pk)]
    event = _tree_audit().get(action="move")
    assert (event.object_id, event.actor_id, event.changes) == (
        str(org.pk),
        world.provincial_officer.pk,
        {"parent": [old_parent, target.pk], "path": [org.path, moved]},
    )


def test_move_form_does_not_offer_the_own_subtree(officer_client, world):
    response = officer_client.get(
        reverse("organizations:move", args=[world.commune_a_committee.pk])
    )

    assert _options(response.content.decode(), "new_parent") == [
        str(world.province.pk),
        str(world.commune_b_committee.pk),
        str(world.cell_b1.pk),
        str(world.workplace.pk),
        str(world.workplace_cell.pk),
    ]


def test_move_into_its_own_subtree_shows_the_cycle_and_changes_nothing(officer_client, world):
    before = _tree_state()

    response = officer_client.post(
        reverse("organizations:move", args=[world.commune_a_committee.pk]),
        {"new_parent": world.cell_a1.pk, "effective_date": "2025-08-01"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "new_parent": ["An organization cannot be moved under itself or one of its own units."]
    }
    assert _tree_state() == before


def test_move_under_a_forged_parent_is_a_form_error(officer_client, world):
    other = _other_province(world)
    before = _tree_state()

    response = officer_client.post(
        reverse("organizations:move", args=[world.cell_a1.pk]),
        {"new_parent": other.pk, "effective_date": "2025-08-01"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "new_parent": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert _tree_state() == before


# --- merge -----------------------------------------------------------------------------


def _merge_b_into_a(client, world, **extra):
    data = {
        "into": world.commune_a_committee.pk,
        "effective_date": (_today() + datetime.timedelta(days=1)).isoformat(),
        **extra,
    }
    return client.post(reverse("organizations:merge", args=[world.commune_b_committee.pk]), data)


def test_merge_first_shows_what_will_happen_and_changes_nothing(officer_client, world):
    before = _tree_state()

    response = _merge_b_into_a(officer_client, world)

    html = re.sub(r"\s+", " ", response.content.decode())
    assert response.status_code == 200
    assert response.context["confirming"] is True
    assert list(response.context["moving"]) == [world.cell_b1]
    assert "Đảng bộ xã Lâm Bình will be merged into Đảng bộ phường Hà Giang 1." in html
    ends = _today().strftime("%d/%m/%Y")
    assert f"Đảng bộ xã Lâm Bình ends on {ends}, the day before the merge takes effect." in html
    assert "Chi bộ thôn Nà Tông" in html
    assert 'name="confirmed" value="1"' in html
    assert _tree_state() == before


def test_merge_when_confirmed_ends_the_absorbed_unit_and_moves_its_sub_units(officer_client, world):
    absorbed, into, cell = world.commune_b_committee, world.commune_a_committee, world.cell_b1
    effective = _today() + datetime.timedelta(days=1)

    response = _merge_b_into_a(officer_client, world, confirmed="1")

    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:detail", args=[into.pk])
    absorbed.refresh_from_db()
    cell.refresh_from_db()
    assert (absorbed.valid_until, absorbed.merged_into_id) == (_today(), into.pk)
    assert (cell.parent_id, cell.path, cell.depth) == (into.pk, f"{into.path}{cell.pk}.", 2)
    assert Member.objects.get(pk=world.member_b1.pk).unit_path == cell.path
    assert list(
        History.objects.filter(kind__in=["moved", "merged"])
        .order_by("pk")
        .values_list(
            "organization", "kind", "effective_date", "old_parent", "new_parent", "successor"
        )
    ) == [
        (cell.pk, "moved", effective, absorbed.pk, into.pk, None),
        (absorbed.pk, "merged", effective, None, None, into.pk),
    ]
    event = _tree_audit().get(action="merge")
    assert (event.object_id, event.actor_id, event.changes) == (
        str(absorbed.pk),
        world.provincial_officer.pk,
        {
            "merged_into": [None, into.pk],
            "valid_until": [None, _today().isoformat()],
            "moved_children": [cell.pk],
        },
    )


def test_merge_on_the_founding_day_is_refused_on_confirmation(officer_client, world):
    before = _tree_state()

    response = _merge_b_into_a(
        officer_client, world, effective_date=_today().isoformat(), confirmed="1"
    )

    assert response.status_code == 200
    assert response.context["confirming"] is False
    assert response.context["form"].errors == {
        "effective_date": ["The merge must take effect after the organization was founded."]
    }
    assert _tree_state() == before


def test_merge_into_itself_is_refused(officer_client, world):
    before = _tree_state()

    response = _merge_b_into_a(
        officer_client, world, into=world.commune_b_committee.pk, confirmed="1"
    )

    assert response.context["form"].errors == {
        "into": ["An organization cannot be merged into itself."]
    }
    assert _tree_state() == before


def test_merge_into_a_forged_organization_is_a_form_error(officer_client, world):
    other = _other_province(world)
    before = _tree_state()

    response = _merge_b_into_a(officer_client, world, into=other.pk, confirmed="1")

    assert response.context["form"].errors == {
        "into": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert _tree_state() == before


def test_commune_clerk_cannot_merge_even_with_a_confirmed_post(client, world):
    client.force_login(world.commune_clerk)
    before = _tree_state()

    response = client.post(
        reverse("organizations:merge", args=[world.cell_a2.pk]),
        {"into": world.cell_a1.pk, "effective_date": "2030-01-01", "confirmed": "1"},
    )

    assert response.status_code == 403
    assert _tree_state() == before


def test_create_form_never_offers_a_pre_2025_unit_and_refuses_one_by_name(officer_client, world):
    old = tran_phu_of_ha_giang(world.commune_a)
    Organization.objects.filter(pk=world.commune_a_committee.pk).update(administrative_unit=old)
    before = _tree_state()
    url = reverse("organizations:create", args=[world.commune_a_committee.pk])

    offered = _options(officer_client.get(url).content.decode(), "administrative_unit")
    response = officer_client.post(
        url,
        {
            "name": "Chi bộ tổ 3",
            "kind": "cell",
            "side": "residential",
            "administrative_unit": old.pk,
            "valid_from": "2025-07-01",
        },
    )

    assert sorted(offered) == sorted([str(world.commune_a.pk), str(world.commune_b.pk)])
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "administrative_unit": [
            "Phường Trần Phú ceased to exist on 30/06/2025: choose the administrative unit "
            "in force on that date."
        ]
    }
    assert _tree_state() == before
