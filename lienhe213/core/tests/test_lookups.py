"""The lookups that write a subquery for each database's planner (ADR 0021)."""

from django.db import connection

from lienhe213.members.models import Member
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.conftest import link_at


def test_not_among_keeps_the_rows_the_subquery_does_not_name(world):
    link_at(world, "active")  # member_w1 has an open link
    linked = ResidenceLink.objects.open().values("member_id")

    without = Member.objects.filter(pk__not_among=linked)
    by_exclude = Member.objects.exclude(pk__in=linked)

    assert world.member_w1 not in without
    assert set(without) == set(by_exclude) == set(Member.objects.exclude(pk=world.member_w1.pk))
    assert set(without) >= {world.member_a1, world.member_b1}
    written = "NOT EXISTS (SELECT 1 FROM" if connection.vendor == "postgresql" else "NOT IN (SELECT"
    assert written in str(without.query)


def test_not_among_through_a_foreign_key_and_an_empty_subquery(world):
    link = link_at(world, "active")
    others = Member.objects.exclude(pk=world.member_w1.pk).values("pk")
    everyone = ResidenceLink.objects.values("member_id")

    assert list(ResidenceLink.objects.filter(member__not_among=others)) == [link]
    assert not ResidenceLink.objects.filter(member__not_among=everyone).exists()
    # A subquery known to be empty names nobody: every row is kept.
    for empty in (
        Member.objects.none().values("pk"),
        Member.objects.filter(pk__in=[]).values("pk"),
    ):
        assert Member.objects.filter(pk__not_among=empty).count() == Member.objects.count() == 3


def test_the_subqueries_are_not_sorted(world):
    """A subquery of ids is a set: the default ordering of its model (links by letter
    number) is dropped, as ``__in`` drops it; sorting it made the reconciliation's
    "not yet classified" query several times slower."""
    open_links = ResidenceLink.objects.open().values("member_id")
    assert ResidenceLink._meta.ordering  # the ordering a subquery would otherwise carry

    for lookup in ("pk__not_among", "pk__in"):
        sql = str(Member.objects.filter(**{lookup: open_links}).order_by().query)
        assert "ORDER BY" not in sql, lookup
    among = str(ResidenceLink.objects.filter(member__among=Member.objects.all()).order_by().query)
    assert "ORDER BY" not in among


def test_the_members_gatekeeper_reads_the_residence_through_both_keys(world):
    """A committee's members include those linked at a residence of its subtree, matched
    by the commune's and the cell's keys with ``among`` (``= ANY(ARRAY(…))`` on
    PostgreSQL, read through each key's index)."""
    link_at(world, "active")  # member_w1 at cell A2 of commune A
    visible = Member.objects.visible_to(world.commune_clerk)

    assert world.member_w1 in visible
    sql = str(visible.query)
    written = "= ANY(ARRAY(SELECT" if connection.vendor == "postgresql" else "IN (SELECT"
    assert sql.count(f'"residence_commune_organization_id" {written}') == 1
    assert sql.count(f'"residence_cell_id" {written}') == 1
