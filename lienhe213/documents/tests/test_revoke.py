"""Revoking a registered document, a new print of a book superseding the earlier ones,
and what the verification page then shows."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent
from lienhe213.documents import services
from lienhe213.documents.models import IssuedDocument
from lienhe213.documents.tests.conftest import register_state
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.conftest import link_at

pytestmark = pytest.mark.django_db


def _letter(world):
    link = link_at(world, "issued")
    return services.issue_letter_document(by=world.workplace_officer, link=link).document


def test_the_issuing_workplace_revokes_its_letter(client, world):
    document = _letter(world)
    client.force_login(world.workplace_officer)
    verify = reverse("documents:verify", args=[document.verification_code])
    assert reverse("documents:revoke", args=[document.pk]) in client.get(verify).text

    response = client.post(
        reverse("documents:revoke", args=[document.pk]), {"reason": "  In sai ngày sinh "}
    )

    assert response.status_code == 302
    assert response["Location"] == verify
    document.refresh_from_db()
    assert (document.status, document.revocation_reason) == ("revoked", "In sai ngày sinh")
    assert document.status_changed_by == world.workplace_officer
    assert document.status_changed_on == datetime.date(2026, 1, 15)
    event = AuditEvent.objects.filter(action="update").latest("pk")
    assert event.changes == {
        "status": ["valid", "revoked"],
        "revocation_reason": ["", "In sai ngày sinh"],
    }
    assert event.reason == "In sai ngày sinh"
    page = client.get(verify).text
    assert "Genuine, no longer valid" in page
    assert "Revoked" in page
    assert "In sai ngày sinh" not in page  # the reason is not public
    assert "documents:revoke" not in page
    assert reverse("documents:revoke", args=[document.pk]) not in page


def test_a_revoked_letter_is_not_printed_again(client, world):
    document = _letter(world)
    services.revoke_document(by=world.workplace_officer, document=document, reason="Sai")
    client.force_login(world.workplace_officer)
    before = register_state()

    response = client.get(reverse("documents:link", args=[document.link_id, "pdf"]))

    assert response.status_code == 302
    assert register_state() == before
    with pytest.raises(DomainError, match="revoked; it cannot be printed again"):
        services.issue_letter_document(by=world.workplace_officer, link=document.link)


def test_the_province_may_revoke(world):
    document = _letter(world)

    services.revoke_document(by=world.provincial_officer, document=document, reason="Thu hồi")

    assert IssuedDocument.objects.get(pk=document.pk).status == "revoked"


def test_the_commune_sees_the_letter_but_may_not_revoke_it(client, world):
    document = _letter(world)
    client.force_login(world.commune_clerk)
    before = register_state()

    page = client.get(reverse("documents:revoke", args=[document.pk]))
    post = client.post(reverse("documents:revoke", args=[document.pk]), {"reason": "x"})

    assert (page.status_code, post.status_code) == (403, 403)
    assert register_state() == before
    with pytest.raises(DomainError, match="You may not revoke this document"):
        services.revoke_document(by=world.commune_clerk, document=document, reason="x")
    assert register_state() == before


def test_a_document_out_of_sight_is_404(client, world):
    document = _letter(world)
    client.force_login(world.other_clerk)
    before = register_state()

    response = client.post(reverse("documents:revoke", args=[document.pk]), {"reason": "x"})

    assert response.status_code == 404
    assert register_state() == before


def test_a_revocation_needs_a_reason_and_happens_once(client, world):
    document = _letter(world)
    client.force_login(world.workplace_officer)
    before = register_state()

    blank = client.post(reverse("documents:revoke", args=[document.pk]), {"reason": "   "})

    assert blank.status_code == 200
    assert register_state() == before
    with pytest.raises(DomainError, match="Give the reason"):
        services.revoke_document(by=world.workplace_officer, document=document, reason=" ")
    services.revoke_document(by=world.workplace_officer, document=document, reason="Sai")
    before = register_state()
    again = client.post(reverse("documents:revoke", args=[document.pk]), {"reason": "Lần 2"})
    assert again.status_code == 200
    assert "This document is already revoked." in again.text
    assert register_state() == before


def test_a_returned_letter_is_already_revoked(world):
    document = _letter(world)
    from lienhe213.registry import services as registry_services

    link = ResidenceLink.objects.get(pk=document.link_id)
    registry_services.return_letter(
        by=world.commune_clerk, link=link, returned_on=link.issued_on, reason="Sai địa chỉ"
    )
    before = register_state()

    with pytest.raises(DomainError, match="already revoked"):
        services.revoke_document(by=world.workplace_officer, document=document, reason="x")
    assert register_state() == before


def test_a_closed_links_letter_is_no_longer_in_force(client, world):
    document = _letter(world)
    ResidenceLink.objects.filter(pk=document.link_id).update(
        status="closed", ended_on=document.issued_on
    )

    response = client.get(reverse("documents:verify", args=[document.verification_code]))
    answer = APIClient().get(f"/api/v1/documents/verify/{document.verification_code}/")

    assert "Genuine, no longer valid" in response.text
    assert "No longer in force" in response.text
    assert answer.json()["status"] == "lapsed"


def test_a_new_print_of_a_book_supersedes_the_earlier_one(client, world):
    link_at(world, "active")
    first = services.issue_book_document(by=world.secretary_a2, organization=world.cell_a2).document
    second = services.issue_book_document(
        by=world.commune_clerk, organization=world.cell_a2
    ).document

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.superseded_by, first.status_changed_by) == (
        "superseded",
        second,
        world.commune_clerk,
    )
    assert second.status == "valid"
    event = AuditEvent.objects.filter(action="update").latest("pk")
    assert event.changes == {"status": ["valid", "superseded"], "superseded_by": [None, second.pk]}
    page = client.get(reverse("documents:verify", args=[first.verification_code])).text
    assert "Superseded" in page
    assert f"number {second.number}/{second.year}" in page
    valid = client.get(reverse("documents:verify", args=[second.verification_code])).text
    assert "Genuine and valid" in valid


def test_revoke_through_the_api(world):
    document = _letter(world)
    workplace, commune = APIClient(), APIClient()
    workplace.force_authenticate(world.workplace_officer)
    commune.force_authenticate(world.commune_clerk)
    url = f"/api/v1/documents/{document.pk}/revoke/"

    refused = commune.post(url, {"reason": "x"}, format="json")
    blank = workplace.post(url, {"reason": ""}, format="json")
    done = workplace.post(url, {"reason": "Sai"}, format="json")
    again = workplace.post(url, {"reason": "Sai"}, format="json")

    assert refused.status_code == 403
    assert blank.status_code == 400
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["current_status"]) == ("revoked", "revoked")
    assert again.status_code == 400
    assert IssuedDocument.objects.get(pk=document.pk).revocation_reason == "Sai"
