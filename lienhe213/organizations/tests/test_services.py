"""Writes to the organization tree: paths, lineage, audit and who may do them."""

import datetime

import pytest
from django.utils import timezone

from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent
from lienhe213.organizations.models import Organization
from lienhe213.organizations.models import OrganizationHistory as History
from lienhe213.organizations.services import (
    create_organization,
    merge_organizations,
    move_organization,
    rename_organization,
)

NO_RIGHT = "You may not change organizations in this part of the tree."
CYCLE = "An organization cannot be moved under itself or one of its own units."


def tree_state():
    """Everything a tree write may touch, to prove a refusal changed nothing."""
    return (
        list(
            Organization.objects.order_by("pk").values_list(
                "pk", "name", "parent_id", "path", "depth", "valid_until", "merged_into_id"
            )
        ),
        History.objects.count(),
        AuditEvent.objects.count(),
    )


def later(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def other_province(world):
    """A second provincial tree, outside the provincial officer's scope."""
    province = create_organization(
        by=world.root_user,
        name="Đảng bộ tỉnh Lào Cai",
        kind="provincial_committee",
        side="both",
        parent=None,
    )
    commune = create_organization(
        by=world.root_user,
        name="Đảng bộ xã Bát Xát",
        kind="grassroots_committee",
        side="residential",
        parent=province,
    )
    return province, commune


# --- create ---------------------------------------------------------------------------


def test_create_under_a_parent_sets_path_depth_history_and_audit(world):
    # when the provincial officer creates a cell under commune A
    org = create_organization(
        by=world.provincial_officer,
        name="  Chi bộ   tổ 3 ",
        kind="cell",
        side="residential",
        parent=world.commune_a_committee,
        code="CB-T3",
        valid_from=datetime.date(2025, 7, 1),
    )

    org.refresh_from_db()
    assert org.name == "Chi bộ tổ 3"
    assert org.name_folded == "chi bo to 3"
    assert org.path == f"{world.province.pk}.{world.commune_a_committee.pk}.{org.pk}."
    assert org.depth == 2
    assert org.parent == world.commune_a_committee
    history = list(org.history.values_list("kind", "effective_date", "new_name", "new_parent"))
    assert history == [
        ("created", datetime.date(2025, 7, 1), "Chi bộ tổ 3", world.commune_a_committee.pk)
    ]
    event = AuditEvent.objects.get(action="create", object_id=str(org.pk))
    assert event.object_type == "organizations.organization"
    assert event.actor == world.provincial_officer
    assert event.scope_path == org.path
    assert event.changes == {
        "name": "Chi bộ tổ 3",
        "kind": "cell",
        "side": "residential",
        "parent": world.commune_a_committee.pk,
        "code": "CB-T3",
    }


def test_superuser_creates_a_root(world):
    org = create_organization(
        by=world.root_user,
        name="Đảng bộ tỉnh Lào Cai",
        kind="provincial_committee",
        side="both",
        parent=None,
    )

    org.refresh_from_db()
    assert org.path == f"{org.pk}."
    assert org.depth == 0
    assert org.valid_from == timezone.localdate()
    assert AuditEvent.objects.filter(action="create", object_id=str(org.pk)).count() == 1


@pytest.mark.parametrize("actor", ["provincial_officer", "commune_clerk", "stranger"])
def test_only_a_superuser_creates_a_root(world, actor):
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        create_organization(
            by=world.user(actor),
            name="Đảng bộ tỉnh Lào Cai",
            kind="provincial_committee",
            side="both",
            parent=None,
        )

    assert str(exc.value) == NO_RIGHT
    assert tree_state() == before


def test_an_inactive_superuser_cannot_create_a_root(world):
    world.root_user.is_active = False
    world.root_user.save()
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        create_organization(
            by=world.root_user,
            name="Đảng bộ tỉnh Lào Cai",
            kind="provincial_committee",
            side="both",
            parent=None,
        )

    assert str(exc.value) == NO_RIGHT
    assert tree_state() == before


@pytest.mark.parametrize("actor", ["commune_clerk", "secretary_a1", "workplace_officer"])
def test_committee_staff_below_the_province_cannot_create(world, actor):
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        create_organization(
            by=world.user(actor),
            name="Chi bộ tổ 3",
            kind="cell",
            side="residential",
            parent=world.commune_a_committee,
        )

    assert str(exc.value) == NO_RIGHT
    assert tree_state() == before


def test_provincial_officer_cannot_create_in_another_province(world, other_province):
    _province, commune = other_province
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        create_organization(
            by=world.provincial_officer,
            name="Chi bộ thôn 1",
            kind="cell",
            side="residential",
            parent=commune,
        )

    assert str(exc.value) == NO_RIGHT
    assert tree_state() == before


@pytest.mark.parametrize(
    ("name", "code", "field", "message"),
    [
        ("   ", "", "name", "The name may not be empty."),
        ("Chi bộ tổ 3", "TAKEN", "code", "Another organization already uses this code."),
    ],
)
def test_create_refuses_bad_input(world, name, code, field, message):
    create_organization(
        by=world.root_user,
        name="Chi bộ tổ 9",
        kind="cell",
        side="residential",
        parent=world.commune_a_committee,
        code="TAKEN",
    )
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        create_organization(
            by=world.provincial_officer,
            name=name,
            kind="cell",
            side="residential",
            parent=world.commune_a_committee,
            code=code,
        )

    assert (exc.value.field, str(exc.value)) == (field, message)
    assert tree_state() == before


def test_create_refuses_a_community_of_another_commune(world):
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        create_organization(
            by=world.provincial_officer,
            name="Chi bộ tổ 3",
            kind="cell",
            side="residential",
            parent=world.commune_b_committee,
            administrative_unit=world.commune_b,
            community=world.community_a1,
        )

    assert exc.value.field == "community"
    assert str(exc.value) == "The community does not belong to this commune."
    assert tree_state() == before


# --- rename ---------------------------------------------------------------------------


def test_rename_keeps_the_old_name_for_earlier_dates(world):
    day = later(30)

    rename_organization(
        by=world.provincial_officer,
        organization=world.cell_a1,
        name="Chi bộ tổ dân phố 1",
        effective_date=day,
    )

    org = Organization.objects.get(pk=world.cell_a1.pk)
    assert org.name == "Chi bộ tổ dân phố 1"
    assert org.name_folded == "chi bo to dan pho 1"
    assert org.name_on(day - datetime.timedelta(days=1)) == "Chi bộ tổ 1"
    assert org.name_on(day) == "Chi bộ tổ dân phố 1"
    assert org.name_on(later(400)) == "Chi bộ tổ dân phố 1"
    rename = org.history.get(kind="renamed")
    assert (rename.effective_date, rename.old_name, rename.new_name) == (
        day,
        "Chi bộ tổ 1",
        "Chi bộ tổ dân phố 1",
    )
    event = AuditEvent.objects.get(action="rename")
    assert event.actor == world.provincial_officer
    assert event.object_id == str(org.pk)
    assert event.scope_path == org.path
    assert event.changes == {
        "name": ["Chi bộ tổ 1", "Chi bộ tổ dân phố 1"],
        "effective_date": day.isoformat(),
    }


def test_two_renames_give_each_period_its_name(world):
    first, second = later(10), later(20)
    rename_organization(
        by=world.root_user, organization=world.cell_a1, name="Tên hai", effective_date=first
    )

    rename_organization(
        by=world.root_user, organization=world.cell_a1, name="Tên ba", effective_date=second
    )

    org = Organization.objects.get(pk=world.cell_a1.pk)
    assert org.name_on(later(9)) == "Chi bộ tổ 1"
    assert org.name_on(later(10)) == "Tên hai"
    assert org.name_on(later(19)) == "Tên hai"
    assert org.name_on(later(20)) == "Tên ba"


def test_a_rename_cannot_take_effect_before_the_previous_one(world):
    # given a rename recorded for day 20
    rename_organization(
        by=world.root_user, organization=world.cell_a1, name="Tên hai", effective_date=later(20)
    )
    before = tree_state()

    # when another rename is dated before it, the names of days 10-19 would contradict
    with pytest.raises(DomainError) as exc:
        rename_organization(
            by=world.root_user, organization=world.cell_a1, name="Tên ba", effective_date=later(10)
        )

    assert exc.value.field == "effective_date"
    assert str(exc.value) == "The rename cannot take effect before the previous rename."
    assert tree_state() == before


@pytest.mark.parametrize(
    ("name", "days", "field", "message"),
    [
        (" Chi bộ  tổ 1 ", 1, "name", "The new name is the same as the current one."),
        ("", 1, "name", "The name may not be empty."),
        (
            "Chi bộ mới",
            -1,
            "effective_date",
            "The rename cannot take effect before the organization existed.",
        ),
    ],
)
def test_rename_refuses_bad_input(world, name, days, field, message):
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        rename_organization(
            by=world.provincial_officer,
            organization=world.cell_a1,
            name=name,
            effective_date=later(days),
        )

    assert (exc.value.field, str(exc.value)) == (field, message)
    assert tree_state() == before


@pytest.mark.parametrize("actor", ["commune_clerk", "secretary_a1", "stranger", "member_user"])
def test_only_managers_of_the_subtree_rename(world, actor):
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        rename_organization(
            by=world.user(actor),
            organization=world.cell_a1,
            name="Tên mới",
            effective_date=later(1),
        )

    assert str(exc.value) == NO_RIGHT
    assert tree_state() == before


def test_provincial_officer_cannot_rename_in_another_province(world, other_province):
    _province, commune = other_province
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        rename_organization(
            by=world.provincial_officer,
            organization=commune,
            name="Tên mới",
            effective_date=later(1),
        )

    assert str(exc.value) == NO_RIGHT
    assert tree_state() == before


# --- move -----------------------------------------------------------------------------


def test_move_rewrites_the_whole_subtree(world):
    p, a, b = world.province.pk, world.commune_a_committee.pk, world.commune_b_committee.pk
    old_parent = world.commune_a_committee.parent_id

    # when commune A (with its two cells) moves under commune B
    move_organization(
        by=world.provincial_officer,
        organization=world.commune_a_committee,
        new_parent=world.commune_b_committee,
        effective_date=later(1),
    )

    rows = Organization.objects.in_subtree(world.province).values_list("pk", "path", "depth")
    assert sorted(rows) == sorted(
        [
            (p, f"{p}.", 0),
            (b, f"{p}.{b}.", 1),
            (world.cell_b1.pk, f"{p}.{b}.{world.cell_b1.pk}.", 2),
            (a, f"{p}.{b}.{a}.", 2),
            (world.cell_a1.pk, f"{p}.{b}.{a}.{world.cell_a1.pk}.", 3),
            (world.cell_a2.pk, f"{p}.{b}.{a}.{world.cell_a2.pk}.", 3),
            (world.workplace.pk, f"{p}.{world.workplace.pk}.", 1),
            (world.workplace_cell.pk, f"{p}.{world.workplace.pk}.{world.workplace_cell.pk}.", 2),
        ]
    )
    assert Organization.objects.get(pk=a).parent_id == b
    for org in Organization.objects.exclude(parent=None):
        assert org.path == f"{org.parent.path}{org.pk}."
        assert org.depth == org.parent.depth + 1
    moved = History.objects.get(kind="moved")
    assert (moved.organization_id, moved.old_parent_id, moved.new_parent_id) == (a, old_parent, b)
    assert moved.effective_date == later(1)
    event = AuditEvent.objects.get(action="move")
    assert event.actor == world.provincial_officer
    assert event.scope_path == f"{p}.{b}.{a}."
    assert event.changes == {"parent": [p, b], "path": [f"{p}.{a}.", f"{p}.{b}.{a}."]}


@pytest.mark.parametrize("target", ["commune_a_committee", "cell_a1"])
def test_move_under_itself_or_a_descendant_is_refused(world, target):
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        move_organization(
            by=world.root_user,
            organization=world.commune_a_committee,
            new_parent=getattr(world, target),
            effective_date=later(1),
        )

    assert exc.value.field == "new_parent"
    assert str(exc.value) == CYCLE
    assert tree_state() == before


def test_move_to_the_current_parent_is_refused(world):
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        move_organization(
            by=world.root_user,
            organization=world.cell_a1,
            new_parent=world.commune_a_committee,
            effective_date=later(1),
        )

    assert str(exc.value) == "The organization is already there."
    assert tree_state() == before


@pytest.mark.parametrize("actor", ["commune_clerk", "workplace_officer", "stranger"])
def test_only_managers_of_the_subtree_move(world, actor):
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        move_organization(
            by=world.user(actor),
            organization=world.cell_a1,
            new_parent=world.commune_b_committee,
            effective_date=later(1),
        )

    assert str(exc.value) == NO_RIGHT
    assert tree_state() == before


def test_provincial_officer_cannot_move_into_another_province(world, other_province):
    _province, commune = other_province
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        move_organization(
            by=world.provincial_officer,
            organization=world.cell_a1,
            new_parent=commune,
            effective_date=later(1),
        )

    assert str(exc.value) == NO_RIGHT
    assert tree_state() == before


# --- merge ----------------------------------------------------------------------------


def test_merge_moves_the_children_and_ends_the_absorbed(world):
    p, a, b = world.province.pk, world.commune_a_committee.pk, world.commune_b_committee.pk
    day = later(30)

    # when commune A is merged into commune B
    result = merge_organizations(
        by=world.provincial_officer,
        absorbed=world.commune_a_committee,
        into=world.commune_b_committee,
        effective_date=day,
    )

    assert result == world.commune_b_committee
    absorbed = Organization.objects.get(pk=a)
    assert absorbed.valid_until == day - datetime.timedelta(days=1)
    assert absorbed.merged_into_id == b
    assert not absorbed.is_current
    assert absorbed.path == f"{p}.{a}."
    cells = Organization.objects.filter(pk__in=[world.cell_a1.pk, world.cell_a2.pk])
    assert sorted(cells.values_list("pk", "parent_id", "path", "depth")) == [
        (world.cell_a1.pk, b, f"{p}.{b}.{world.cell_a1.pk}.", 2),
        (world.cell_a2.pk, b, f"{p}.{b}.{world.cell_a2.pk}.", 2),
    ]
    merged = History.objects.get(kind="merged")
    assert (merged.organization_id, merged.successor_id, merged.effective_date) == (a, b, day)
    moves = History.objects.filter(kind="moved").order_by("organization_id")
    assert list(moves.values_list("organization_id", "old_parent_id", "new_parent_id")) == [
        (world.cell_a1.pk, a, b),
        (world.cell_a2.pk, a, b),
    ]
    event = AuditEvent.objects.get(action="merge")
    assert event.actor == world.provincial_officer
    assert event.object_id == str(a)
    assert event.changes == {
        "merged_into": [None, b],
        "valid_until": [None, (day - datetime.timedelta(days=1)).isoformat()],
        "moved_children": [world.cell_a1.pk, world.cell_a2.pk],
    }


def test_merge_keeps_grandchildren_paths_in_step(world):
    sub = create_organization(
        by=world.root_user,
        name="Tổ đảng 1",
        kind="cell",
        side="residential",
        parent=world.cell_a1,
    )

    merge_organizations(
        by=world.root_user,
        absorbed=world.commune_a_committee,
        into=world.workplace,
        effective_date=later(5),
    )

    sub.refresh_from_db()
    assert sub.path == f"{world.workplace.path}{world.cell_a1.pk}.{sub.pk}."
    assert sub.depth == 3


@pytest.mark.parametrize(
    ("into", "message"),
    [
        ("commune_a_committee", "An organization cannot be merged into itself."),
        ("cell_a1", "An organization cannot be merged into one of its own units."),
    ],
)
def test_merge_into_itself_or_a_descendant_is_refused(world, into, message):
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        merge_organizations(
            by=world.root_user,
            absorbed=world.commune_a_committee,
            into=getattr(world, into),
            effective_date=later(5),
        )

    assert (exc.value.field, str(exc.value)) == ("into", message)
    assert tree_state() == before


def test_merge_cannot_take_effect_before_the_organization_was_founded(world):
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        merge_organizations(
            by=world.root_user,
            absorbed=world.cell_a1,
            into=world.cell_a2,
            effective_date=world.cell_a1.valid_from,
        )

    assert exc.value.field == "effective_date"
    assert str(exc.value) == "The merge must take effect after the organization was founded."
    assert tree_state() == before


@pytest.mark.parametrize("action", ["rename", "move", "merge", "merge_into", "create_under"])
def test_an_organization_that_no_longer_exists_cannot_be_changed(world, action):
    merge_organizations(
        by=world.root_user, absorbed=world.cell_a1, into=world.cell_a2, effective_date=later(5)
    )
    gone = Organization.objects.get(pk=world.cell_a1.pk)
    before = tree_state()
    calls = {
        "rename": lambda: rename_organization(
            by=world.root_user, organization=gone, name="Tên mới", effective_date=later(10)
        ),
        "move": lambda: move_organization(
            by=world.root_user,
            organization=gone,
            new_parent=world.commune_b_committee,
            effective_date=later(10),
        ),
        "merge": lambda: merge_organizations(
            by=world.root_user, absorbed=gone, into=world.cell_b1, effective_date=later(10)
        ),
        "merge_into": lambda: merge_organizations(
            by=world.root_user, absorbed=world.cell_b1, into=gone, effective_date=later(10)
        ),
        "create_under": lambda: create_organization(
            by=world.root_user, name="Tổ mới", kind="cell", side="residential", parent=gone
        ),
    }

    with pytest.raises(DomainError) as exc:
        calls[action]()

    assert str(exc.value) == "“Chi bộ tổ 1” no longer exists."
    assert tree_state() == before


@pytest.mark.parametrize("actor", ["commune_clerk", "other_clerk", "stranger"])
def test_only_managers_of_both_subtrees_merge(world, actor):
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        merge_organizations(
            by=world.user(actor),
            absorbed=world.cell_a1,
            into=world.cell_a2,
            effective_date=later(5),
        )

    assert str(exc.value) == NO_RIGHT
    assert tree_state() == before


def test_provincial_officer_cannot_merge_into_another_province(world, other_province):
    _province, commune = other_province
    before = tree_state()

    with pytest.raises(DomainError) as exc:
        merge_organizations(
            by=world.provincial_officer,
            absorbed=world.commune_a_committee,
            into=commune,
            effective_date=later(5),
        )

    assert str(exc.value) == NO_RIGHT
    assert tree_state() == before
