"""Two clerks receiving the same letter at the same moment (PostgreSQL: real row locks)."""

import threading

import pytest
from django.db import connection, connections
from django.utils import translation

from lienhe213.accounts.models import User
from lienhe213.core.errors import DomainError
from lienhe213.registry import services
from lienhe213.registry.models import LinkEvent, ResidenceLink
from lienhe213.registry.tests.conftest import MONDAY, link_at

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes whole transactions; row locks need PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_receive_the_same_letter(world):
    link = link_at(world, "issued")
    second_clerk = User.objects.create_user(username="xa2", password="demo")
    second_clerk.role_assignments.create(
        organization=world.commune_a_committee, role="commune_clerk"
    )
    clerks = [world.commune_clerk, second_clerk]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def receive(clerk):
        try:
            barrier.wait()
            with translation.override("en"):  # the active language is per thread
                services.receive_letter(
                    by=User.objects.get(pk=clerk.pk), link=link, received_on=MONDAY
                )
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=receive, args=(clerk,)) for clerk in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["This letter was already received on 03/03/2025.", "ok"]
    assert ResidenceLink.objects.get(pk=link.pk).status == "received"
    assert LinkEvent.objects.filter(link=link, kind="received").count() == 1
