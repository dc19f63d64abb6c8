"""Reads compiled once and run again (``core.prepared``, ADR 0020)."""

import datetime
from unittest import mock

import pytest
from django.db.models import Count, F, Window

from conftest import member_fields
from lienhe213.core.prepared import Plans, PreparedValues
from lienhe213.members.models import Member
from lienhe213.members.services import create_member
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.conftest import link_at


def _links():
    return (
        ResidenceLink.objects.annotate(total=Window(Count("pk")), since=F("issued_on"))
        .order_by("pk")
        .values("pk", "status", "issued_on", "created_at", "member__family_name", "since", "total")
    )


def test_a_prepared_read_gives_what_the_queryset_gives_converted_and_fresh(
    world, django_assert_num_queries
):
    link_at(world, "active")
    prepared = PreparedValues(_links())

    first = prepared.rows()
    then = list(_links())
    second_member = create_member(
        by=world.root_user,
        **member_fields(
            world.workplace_cell,
            party_card_number="70999998",
            residence_commune=world.commune_a_committee.administrative_unit,
        ),
    )
    link_at(world, "issued", member=second_member)
    with django_assert_num_queries(1):
        second = prepared.rows()

    assert first == then
    assert len(then) == 1
    assert second == list(_links())
    assert len(second) == 2
    assert isinstance(second[0]["issued_on"], datetime.date)
    assert isinstance(second[0]["created_at"], datetime.datetime)
    assert second[0]["total"] == 2


def test_a_prepared_read_compiles_its_sql_once(world):
    prepared = PreparedValues(Member.objects.order_by("pk").values("pk", "family_name"))
    prepared.rows()
    create_member(by=world.root_user, **member_fields(world.cell_a1, party_card_number="70999999"))

    with mock.patch("django.db.models.sql.compiler.SQLCompiler.as_sql") as as_sql:
        rows = prepared.rows()

    as_sql.assert_not_called()
    assert rows == list(Member.objects.order_by("pk").values("pk", "family_name"))


def test_plans_keep_an_entry_a_while_and_drop_the_least_recently_used():
    plans: Plans[str] = Plans(size=2, seconds=60)
    built: list[str] = []

    def build(name: str):
        return lambda: built.append(name) or name

    plans.get("a", build("a"))
    plans.get("b", build("b"))
    plans.get("a", build("a"))  # kept; now the most recently used
    plans.get("c", build("c"))  # drops b
    plans.get("a", build("a"))
    plans.get("b", build("b"))
    assert built == ["a", "b", "c", "b"]

    with mock.patch("lienhe213.core.prepared.time.monotonic", return_value=10**9):
        assert plans.get("b", build("b")) == "b"  # expired: built again
    assert built == ["a", "b", "c", "b", "b"]


@pytest.mark.parametrize("size", [0, -1])
def test_plans_refuse_no_room(size):
    with pytest.raises(ValueError):
        Plans(size=size, seconds=60)
