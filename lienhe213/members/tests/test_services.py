"""Writes to member records: validation, identifiers, rights, optimistic locking, audit."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import translation

from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent
from lienhe213.members.models import Member
from lienhe213.members.services import create_member, update_member
from lienhe213.members.tests.conftest import TODAY
from lienhe213.organizations.services import merge_organizations, move_organization

STALE = "This record was changed by someone else meanwhile. Reload it and try again."


def db_state():
    """Every member row and the audit count, to prove a refusal changed nothing."""
    return list(Member.objects.order_by("pk").values()), AuditEvent.objects.count()


def new_member(world, **overrides):
    fields = {
        "family_name": "Trần",
        "middle_name": "Thị",
        "given_name": "Bình",
        "gender": "female",
        "birth_date": datetime.date(1990, 1, 15),
        "joined_on": datetime.date(2015, 2, 3),
        "official_on": datetime.date(2016, 2, 3),
        "party_card_number": "55501234",
        "dossier_number": "HG-2015/77",
        "citizen_id": "002190009876",
        "organization": world.cell_a1,
        "residence_commune": world.commune_a,
        "residence_community": world.community_a1,
        "phone": "0912 345 678",
    }
    fields.update(overrides)
    return fields


# --- create ---------------------------------------------------------------------------


def test_create_member_stores_the_record_derived_columns_and_audit(world):
    member = create_member(
        by=world.commune_clerk, **new_member(world, family_name=" Trần ", middle_name="Thị  Kim")
    )

    member = Member.objects.get(pk=member.pk)
    assert member.full_name == "Trần Thị Kim Bình"
    assert member.search_text == "tran thi kim binh"
    assert member.version == 1
    assert member.organization == world.cell_a1
    assert member.citizen_id == "002190009876"
    event = AuditEvent.objects.get(
        action="create", object_type="members.member", object_id=str(member.pk)
    )
    assert event.actor == world.commune_clerk
    assert event.scope_path == world.cell_a1.path
    assert event.changes == {
        "family_name": "Trần",
        "middle_name": "Thị Kim",
        "given_name": "Bình",
        "organization": world.cell_a1.pk,
        "party_card_number": "55501234",
    }
    assert "002190009876" not in str(event.changes)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("citizen_id", "00219000987", "A citizen ID has exactly 12 digits."),
        ("citizen_id", "0021900098765", "A citizen ID has exactly 12 digits."),
        ("citizen_id", "00219000987A", "A citizen ID has exactly 12 digits."),
        (
            "citizen_id",
            "000190009876",
            "The first three digits of a citizen ID are a province code (001–096).",
        ),
        (
            "citizen_id",
            "099190009876",
            "The first three digits of a citizen ID are a province code (001–096).",
        ),
        ("party_card_number", "12345", "A party card number has 6 to 12 digits."),
        ("party_card_number", "12AB5678", "A party card number has 6 to 12 digits."),
        (
            "dossier_number",
            "-12",
            "A dossier number has 2–30 letters, digits, dots, slashes or hyphens.",
        ),
        ("phone", "12345", "Enter a Vietnamese phone number, e.g. 0912 345 678."),
        ("given_name", "", "This field cannot be blank."),
    ],
)
def test_create_refuses_malformed_input_on_its_field(world, field, value, message):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        create_member(by=world.commune_clerk, **new_member(world, **{field: value}))

    assert (exc.value.field, str(exc.value)) == (field, message)
    assert db_state() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("party_card_number", "12345678", "Another member has this party card number."),
        ("citizen_id", "002185001234", "Another member has this citizen ID."),
        ("dossier_number", "HG-2010/1", "Another member has this dossier number."),
    ],
)
def test_create_refuses_an_identifier_another_member_holds(world, field, value, message):
    # member_a1 holds party card 12345678 and citizen ID 002185001234
    Member.objects.filter(pk=world.member_b1.pk).update(dossier_number="HG-2010/1")
    before = db_state()

    with pytest.raises(DomainError) as exc:
        create_member(by=world.commune_clerk, **new_member(world, **{field: value}))

    assert (exc.value.field, str(exc.value)) == (field, message)
    assert db_state() == before


def test_members_without_identifiers_do_not_clash(world):
    blank = {"party_card_number": "", "dossier_number": "", "citizen_id": ""}

    first = create_member(by=world.commune_clerk, **new_member(world, **blank))
    second = create_member(by=world.commune_clerk, **new_member(world, **blank))

    assert first.pk != second.pk


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"birth_date": datetime.date(1990, 1, 15), "joined_on": datetime.date(2008, 1, 14)},
            "joined_on",
            "A member is admitted at 18 or older.",
        ),
        (
            {"joined_on": datetime.date(2015, 2, 3), "official_on": datetime.date(2015, 2, 2)},
            "official_on",
            "A member is made official after being admitted.",
        ),
    ],
    ids=["joined-before-18", "official-before-joined"],
)
def test_create_refuses_inconsistent_dates(world, overrides, field, message):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        create_member(by=world.commune_clerk, **new_member(world, **overrides))

    assert (exc.value.field, str(exc.value)) == (field, message)
    assert db_state() == before


def test_admitted_on_the_eighteenth_birthday_is_accepted(world):
    member = create_member(
        by=world.commune_clerk,
        **new_member(
            world,
            birth_date=datetime.date(1990, 1, 15),
            joined_on=datetime.date(2008, 1, 15),
            official_on=None,
        ),
    )

    assert Member.objects.get(pk=member.pk).joined_on == datetime.date(2008, 1, 15)


def test_create_refuses_a_birth_date_in_the_future(world):
    before = db_state()
    tomorrow = TODAY + datetime.timedelta(days=1)

    with pytest.raises(DomainError) as exc:
        create_member(by=world.commune_clerk, **new_member(world, birth_date=tomorrow))

    assert (exc.value.field, str(exc.value)) == (
        "birth_date",
        "The date of birth is in the future.",
    )
    assert db_state() == before


def test_create_refuses_a_community_outside_the_residence_commune(world):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        create_member(
            by=world.commune_clerk,
            **new_member(world, residence_commune=world.commune_b),
        )

    assert exc.value.field == "residence_community"
    assert str(exc.value) == "The community does not belong to the residence commune."
    assert db_state() == before


def test_create_refuses_a_community_without_its_commune(world):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        create_member(by=world.commune_clerk, **new_member(world, residence_commune=None))

    assert exc.value.field == "residence_community"
    assert str(exc.value) == "The community does not belong to the residence commune."
    assert db_state() == before


@pytest.mark.parametrize(
    "actor", ["secretary_a1", "stranger", "other_clerk", "workplace_officer", "member_user"]
)
def test_only_editors_of_the_party_unit_create_members(world, actor):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        create_member(by=world.user(actor), **new_member(world))

    assert exc.value.field == "organization"
    assert str(exc.value) == "You may not manage members of “Chi bộ tổ 1”."
    assert db_state() == before


def test_create_refuses_a_party_unit_that_no_longer_exists(world):
    # given cell A1 merged away, while the caller still holds its earlier copy
    merge_organizations(
        by=world.root_user,
        absorbed=world.cell_a1,
        into=world.cell_a2,
        effective_date=TODAY + datetime.timedelta(days=1),
    )
    before = db_state()

    with pytest.raises(DomainError) as exc:
        create_member(by=world.root_user, **new_member(world))

    assert (exc.value.field, str(exc.value)) == (
        "organization",
        "This party unit no longer exists.",
    )
    assert db_state() == before


def test_create_decides_on_where_the_party_unit_is_now(world):
    # given cell A1 moved to commune B, while the caller still holds its earlier copy
    move_organization(
        by=world.root_user,
        organization=world.cell_a1,
        new_parent=world.commune_b_committee,
        effective_date=TODAY,
    )
    before = db_state()

    # then commune A's clerk may no longer register members there
    with pytest.raises(DomainError) as exc:
        create_member(by=world.commune_clerk, **new_member(world, organization=world.cell_a1))

    assert str(exc.value) == "You may not manage members of “Chi bộ tổ 1”."
    assert db_state() == before


def test_create_without_a_party_unit_is_refused(world):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        create_member(by=world.root_user, **new_member(world, organization=None))

    assert (exc.value.field, str(exc.value)) == ("organization", "Choose the member's party unit.")
    assert db_state() == before


# --- update ---------------------------------------------------------------------------


def test_update_records_only_the_changed_fields_and_masks_the_citizen_id(world):
    member = world.member_a1

    result = update_member(
        by=world.commune_clerk,
        member=member,
        version=1,
        given_name="Hòa",
        citizen_id="002185009999",
        phone="0912345678",
        family_name="Đặng",
    )

    stored = Member.objects.get(pk=member.pk)
    assert result.version == stored.version == 2
    assert stored.given_name == "Hòa"
    assert stored.citizen_id == "002185009999"
    assert stored.search_text == "dang thi hoa"
    event = AuditEvent.objects.get(action="update")
    assert event.actor == world.commune_clerk
    assert event.object_id == str(member.pk)
    assert event.scope_path == world.cell_a1.path
    assert event.changes == {
        "given_name": ["Hoa", "Hòa"],
        "citizen_id": ["002••••••234", "002••••••999"],
        "phone": ["", "0912345678"],
    }


def test_update_without_changes_writes_nothing(world):
    before = db_state()

    result = update_member(
        by=world.commune_clerk,
        member=world.member_a1,
        version=1,
        given_name="Hoa",
        organization=world.cell_a1,
        birth_date=datetime.date(1985, 3, 14),
    )

    assert result.version == 1
    assert db_state() == before


def test_update_that_only_adds_spaces_to_a_name_writes_nothing(world):
    before = db_state()

    result = update_member(
        by=world.commune_clerk,
        member=world.member_a1,
        version=1,
        given_name=" Hoa ",
        middle_name="Thị ",
    )

    assert result.version == 1
    assert db_state() == before


def test_update_from_a_stale_version_is_refused(world):
    update_member(by=world.commune_clerk, member=world.member_a1, version=1, phone="0912345678")
    before = db_state()

    # when a second editor saves from the version they loaded before the first save
    with pytest.raises(DomainError) as exc:
        update_member(by=world.provincial_officer, member=world.member_a1, version=1, phone="")

    assert str(exc.value) == STALE
    assert db_state() == before
    assert Member.objects.get(pk=world.member_a1.pk).phone == "0912345678"


def test_update_moves_a_member_within_the_actor_scope(world):
    update_member(
        by=world.commune_clerk, member=world.member_a1, version=1, organization=world.cell_a2
    )

    assert Member.objects.get(pk=world.member_a1.pk).organization == world.cell_a2
    event = AuditEvent.objects.get(action="update")
    assert event.changes == {"organization": [world.cell_a1.pk, world.cell_a2.pk]}
    assert event.scope_path == world.cell_a2.path


def test_moving_a_member_outside_the_actor_scope_is_refused(world):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        update_member(
            by=world.commune_clerk, member=world.member_a1, version=1, organization=world.cell_b1
        )

    assert exc.value.field == "organization"
    assert str(exc.value) == "You may not manage members of “Chi bộ thôn Nà Tông”."
    assert db_state() == before


def test_moving_a_member_into_a_party_unit_that_no_longer_exists_is_refused(world):
    merge_organizations(
        by=world.root_user,
        absorbed=world.cell_a2,
        into=world.cell_a1,
        effective_date=TODAY + datetime.timedelta(days=1),
    )
    before = db_state()

    with pytest.raises(DomainError) as exc:
        update_member(
            by=world.commune_clerk, member=world.member_a1, version=1, organization=world.cell_a2
        )

    assert (exc.value.field, str(exc.value)) == (
        "organization",
        "This party unit no longer exists.",
    )
    assert db_state() == before


@pytest.mark.parametrize("actor", ["secretary_a1", "stranger", "other_clerk", "member_user"])
def test_only_editors_of_the_party_unit_update_members(world, actor):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        update_member(by=world.user(actor), member=world.member_a1, version=1, phone="0912345678")

    assert str(exc.value) == "You may not manage members of “Chi bộ tổ 1”."
    assert db_state() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"citizen_id": "0021850012"}, "citizen_id", "A citizen ID has exactly 12 digits."),
        (
            {"party_card_number": "22345678"},
            "party_card_number",
            "Another member has this party card number.",
        ),
        (
            {"citizen_id": "002085004321"},
            "citizen_id",
            "Another member has this citizen ID.",
        ),
        (
            {"official_on": datetime.date(2001, 1, 1)},
            "official_on",
            "A member is made official after being admitted.",
        ),
    ],
)
def test_update_refuses_invalid_data_and_keeps_the_row(world, changes, field, message):
    before = db_state()

    with pytest.raises(DomainError) as exc:
        update_member(by=world.commune_clerk, member=world.member_a1, version=1, **changes)

    assert (exc.value.field, str(exc.value)) == (field, message)
    assert db_state() == before


def test_update_keeps_its_own_identifiers(world):
    result = update_member(
        by=world.commune_clerk,
        member=world.member_a1,
        version=1,
        party_card_number="12345678",
        citizen_id="002185001234",
        phone="0912345678",
    )

    assert result.version == 2


# --- concurrency (PostgreSQL) ---------------------------------------------------------


def run_together(*calls):
    """Run each call in its own thread and connection, started at the same moment."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            with translation.override("en"):  # the active language is per thread
                outcomes[index] = call()
        except DomainError as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_editors_of_the_same_version_one_wins(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers with one lock; row locks need PostgreSQL")
    member = world.member_a1

    outcomes = run_together(
        lambda: update_member(by=world.commune_clerk, member=member, version=1, phone="0911111111"),
        lambda: update_member(
            by=world.provincial_officer, member=member, version=1, phone="0922222222"
        ),
    )

    errors = [o for o in outcomes if isinstance(o, DomainError)]
    saved = [o for o in outcomes if isinstance(o, Member)]
    assert len(errors) == 1
    assert len(saved) == 1
    assert str(errors[0]) == STALE
    stored = Member.objects.get(pk=member.pk)
    assert stored.version == 2
    assert stored.phone == saved[0].phone
    assert AuditEvent.objects.filter(action="update").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_registrations_of_the_same_party_card_one_wins(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers with one lock; concurrent inserts need PostgreSQL")
    before = Member.objects.count()

    def register(dossier):
        # only the party card is shared, so the refusal can name only that field
        fields = new_member(world, citizen_id="", dossier_number=dossier)
        return lambda: create_member(by=world.commune_clerk, **fields)

    outcomes = run_together(register("HG-1"), register("HG-2"))

    errors = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(errors) == 1
    assert (errors[0].field, str(errors[0])) == (
        "party_card_number",
        "Another member has this party card number.",
    )
    assert Member.objects.count() == before + 1


def test_a_card_number_typed_with_separators_is_stored_in_one_form(world):
    member = create_member(
        by=world.commune_clerk, **new_member(world, party_card_number="49.267 896")
    )

    member.refresh_from_db()
    assert member.party_card_number == "49267896"


def test_a_changed_card_number_keeps_the_previous_one(world):
    from lienhe213.members.models import PreviousPartyCard

    update_member(
        by=world.commune_clerk, member=world.member_a1, version=1, party_card_number="49-000-001"
    )

    world.member_a1.refresh_from_db()
    assert world.member_a1.party_card_number == "49000001"
    assert list(PreviousPartyCard.objects.values_list("member_id", "number")) == [
        (world.member_a1.pk, "12345678")
    ]
    with pytest.raises(DomainError, match="had this party card number before"):
        update_member(
            by=world.provincial_officer,
            member=world.member_b1,
            version=1,
            party_card_number="12345678",
        )
