"""The public verification page the QR code opens."""

import pytest
from django.urls import reverse

from lienhe213.documents import services
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.conftest import link_at

pytestmark = pytest.mark.django_db


def _issued_letter(world):
    link = link_at(world, "issued")
    return link, services.issue_letter_document(by=world.workplace_officer, link=link).document


def test_anyone_may_check_a_genuine_letter_and_sees_nothing_more(client, world):
    _link, document = _issued_letter(world)

    response = client.get(reverse("documents:verify", args=[document.verification_code]))

    assert response.status_code == 200
    text = response.text
    assert "Genuine and valid" in text
    assert "Introduction letter (form 1-213)" in text
    assert "1/2025" in text
    assert "Đảng bộ Sở Giáo dục và Đào tạo" in text
    assert "Nguyễn Văn Đức" in text
    assert "03/03/2025" in text
    for private in ("14/03/1985", "22345678", "002085004321", "Tổ 2", "Receive this letter"):
        assert private not in text


@pytest.mark.parametrize(
    "code", ["unknown-code-000000000", "AAAAAAAAAAAAAAAAAAAAAA", "1", "%27%20OR%201=1"]
)
def test_an_unknown_or_forged_code_is_a_clear_404(client, world, code):
    _issued_letter(world)

    response = client.get(f"/verify/{code}/")

    assert response.status_code == 404
    assert "No document was issued with this verification code." in response.text
    assert "Nguyễn Văn Đức" not in response.text


def test_a_revoked_document_is_genuine_but_no_longer_valid(client, world):
    _link, document = _issued_letter(world)
    type(document).objects.filter(pk=document.pk).update(status="revoked")

    response = client.get(reverse("documents:verify", args=[document.verification_code]))

    assert response.status_code == 200
    assert "Genuine, no longer valid" in response.text
    assert "Revoked" in response.text


def test_the_commune_clerk_receives_the_letter_from_the_verification_page(client, world):
    link, document = _issued_letter(world)
    client.force_login(world.commune_clerk)
    page = client.get(reverse("documents:verify", args=[document.verification_code]))
    assert "Receive this letter" in page.text

    response = client.post(
        reverse("registry:receive", args=[link.pk]),
        {"receive-on": "2025-03-10", "receive-version": link.version},
    )

    assert response.status_code == 302
    link = ResidenceLink.objects.get(pk=link.pk)
    assert (link.status, str(link.received_on)) == ("received", "2025-03-10")
    after = client.get(reverse("documents:verify", args=[document.verification_code]))
    assert "Receive this letter" not in after.text


def test_the_clerk_of_another_commune_gets_no_receive_button(client, world):
    _link, document = _issued_letter(world)
    client.force_login(world.other_clerk)

    response = client.get(reverse("documents:verify", args=[document.verification_code]))

    assert response.status_code == 200
    assert "Receive this letter" not in response.text


def test_a_letter_the_commune_returned_shows_as_revoked(client, world):
    link, document = _issued_letter(world)
    from lienhe213.registry import services as registry_services

    registry_services.return_letter(
        by=world.commune_clerk, link=link, returned_on=link.issued_on, reason="Sai địa chỉ"
    )

    response = client.get(reverse("documents:verify", args=[document.verification_code]))

    assert "Genuine, no longer valid" in response.text
    assert "Revoked" in response.text
    assert type(document).objects.get(pk=document.pk).status == "valid"
