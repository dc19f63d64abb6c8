"""The documents API: the same services and gatekeepers as the pages."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienhe213.comments.tests.conftest import request_at
from lienhe213.documents.models import DocumentBatch, IssuedDocument
from lienhe213.documents.tests.conftest import docx_text, pdf_pages, register_state
from lienhe213.registry.tests.conftest import link_at

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_register_a_letter_then_download_it(world):
    link = link_at(world, "issued")
    client = api(world.workplace_officer)

    unsigned = client.post("/api/v1/documents/letters/", {"link": link.pk}, format="json")
    assert unsigned.status_code == 400
    assert "signer" in unsigned.json()
    created = client.post(
        "/api/v1/documents/letters/", {"link": link.pk, "signer": "secretary"}, format="json"
    )
    again = client.post("/api/v1/documents/letters/", {"link": link.pk}, format="json")

    document = IssuedDocument.objects.get()
    assert created.status_code == 201
    assert again.status_code == 200
    assert created.json() == {
        "id": document.pk,
        "kind": "1-213",
        "series": "letter",
        "number": 1,
        "year": 2025,
        "issuer": world.workplace.pk,
        "issuer_name": "Đảng bộ Sở Giáo dục và Đào tạo",
        "link": link.pk,
        "comment_request": None,
        "member": world.member_w1.pk,
        "issued_on": "2025-03-03",
        "status": "valid",
        "current_status": "valid",
        "status_changed_on": None,
        "superseded_by": None,
        "signer": "secretary",
        "verification_code": document.verification_code,
        "checksum": document.checksum,
    }
    pdf = client.get(f"/api/v1/documents/{document.pk}/pdf/")
    assert pdf.status_code == 200
    assert "Nguyễn Văn Đức" in pdf_pages(pdf.content)[0]
    docx = client.get(f"/api/v1/documents/{document.pk}/docx/")
    assert "GIẤY GIỚI THIỆU" in docx_text(docx.content)


def test_register_a_comment(world):
    request = request_at(world, "confirmed")

    response = api(world.commune_clerk).post(
        "/api/v1/documents/comments/", {"request": request.pk, "signer": "deputy"}, format="json"
    )

    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["number"]) == ("3-213", 1)


def test_a_comment_not_confirmed_is_a_400_and_nothing_registered(world):
    request = request_at(world, "signed")
    before = register_state()

    response = api(world.commune_clerk).post(
        "/api/v1/documents/comments/", {"request": request.pk, "signer": "deputy"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The comment can be printed once the commune has confirmed it."
    }
    assert register_state() == before


def test_verify_is_public_and_says_only_what_the_page_says(world):
    link = link_at(world, "issued")
    api(world.workplace_officer).post(
        "/api/v1/documents/letters/", {"link": link.pk, "signer": "secretary"}
    )
    document = IssuedDocument.objects.get()

    response = api().get(f"/api/v1/documents/verify/{document.verification_code}/")
    forged = api().get("/api/v1/documents/verify/forged-code/")

    assert response.status_code == 200
    assert response.json() == {
        "genuine": True,
        "kind": "1-213",
        "number": 1,
        "year": 2025,
        "issuer_name": "Đảng bộ Sở Giáo dục và Đào tạo",
        "member_name": "Nguyễn Văn Đức",
        "issued_on": "2025-03-03",
        "status": "valid",
        "status_changed_on": None,
    }
    assert forged.status_code == 404


def test_start_a_batch_and_read_its_progress(world):
    link_at(world, "issued")
    client = api(world.workplace_officer)

    response = client.post(
        "/api/v1/documents/batches/",
        {"workplace": world.workplace.pk, "issued_on": "2025-03-03", "signer": "secretary"},
        format="json",
    )

    batch = DocumentBatch.objects.get()
    assert response.status_code == 202
    assert (response.json()["total"], response.json()["status"]) == (1, "queued")
    progress = client.get(f"/api/v1/documents/batches/{batch.pk}/")
    assert progress.json()["done"] == 0
    assert api(world.commune_clerk).get(f"/api/v1/documents/batches/{batch.pk}/").status_code == 404
