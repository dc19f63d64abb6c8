"""Two clerks printing comments of the same commune at the same moment, and two
downloads of the same letter (PostgreSQL: real row locks)."""

import threading

import pytest
from django.db import connection, connections
from django.utils import translation

from lienhe213.accounts.models import User
from lienhe213.comments.models import CommentRequest
from lienhe213.comments.tests.conftest import open_campaign, request_at
from lienhe213.documents import services
from lienhe213.documents.models import IssuedDocument
from lienhe213.documents.tests.conftest import working_member
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.conftest import link_at

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes whole transactions; row locks need PostgreSQL",
)


def _run_together(calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        try:
            barrier.wait()
            with translation.override("en"):
                call()
            outcomes.append("ok")
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_comment_numbers_stay_gapless_and_unique_under_concurrent_prints(world):
    campaign = open_campaign(world)
    requests = [request_at(world, "confirmed", campaign=campaign)]
    for given in ("Lan", "Hải", "Minh"):
        link = link_at(world, "active", member=working_member(world, "Trần", "Thị", given))
        requests.append(request_at(world, "confirmed", campaign=campaign, link=link))
    second_clerk = User.objects.create_user(username="xa2", password="demo")
    second_clerk.role_assignments.create(
        organization=world.commune_a_committee, role="commune_clerk"
    )
    clerks = [world.commune_clerk, second_clerk]

    outcomes = _run_together(
        [
            lambda r=r, c=clerks[i % 2]: services.issue_comment_document(
                by=User.objects.get(pk=c.pk), request=CommentRequest.objects.get(pk=r.pk)
            )
            for i, r in enumerate(requests)
        ]
    )

    assert outcomes == ["ok"] * 4
    numbers = sorted(
        IssuedDocument.objects.filter(issuer=world.commune_a_committee).values_list(
            "number", flat=True
        )
    )
    assert numbers == [1, 2, 3, 4]


@pytest.mark.django_db(transaction=True)
def test_two_downloads_of_one_letter_register_it_once(world):
    link = link_at(world, "issued")

    outcomes = _run_together(
        [
            lambda: services.issue_letter_document(
                by=User.objects.get(pk=world.workplace_officer.pk),
                link=ResidenceLink.objects.get(pk=link.pk),
            )
        ]
        * 2
    )

    assert outcomes == ["ok", "ok"]
    assert IssuedDocument.objects.filter(link=link).count() == 1
