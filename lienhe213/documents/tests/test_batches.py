"""Letters for many members as one PDF, rendered in the background."""

import io
import zipfile

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lienhe213.core.models import AuditEvent
from lienhe213.documents import papers, rendering, services
from lienhe213.documents.models import DocumentBatch, IssuedDocument
from lienhe213.documents.tests.conftest import pdf_pages, register_state, working_member
from lienhe213.registry import services as registry_services
from lienhe213.registry.tests.conftest import MONDAY, classify

pytestmark = pytest.mark.django_db

NAMES = [("Nguyễn", "Văn", "Đức"), ("Trần", "Thị", "Lan"), ("Hoàng", "Văn", "Hải")]


def _bulk_issue(world):
    members = [world.member_w1] + [working_member(world, *name) for name in NAMES[1:]]
    for member in members:
        classify(world, member)
    return registry_services.issue_letters(
        by=world.workplace_officer, workplace=world.workplace, members=members, issued_on=MONDAY
    )


def test_a_batch_renders_one_letter_per_page_and_registers_them(
    client, world, immediate_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    links = _bulk_issue(world)
    monkeypatch.setattr(services, "BATCH_CHUNK", 2)
    client.force_login(world.workplace_officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:batches", args=[world.workplace.pk]),
            {"issued_on": "2025-03-03", "signer": "secretary"},
        )

    batch = DocumentBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:batch", args=[batch.pk])
    assert (batch.status, batch.total, batch.done) == ("done", 3, 3)
    assert batch.link_ids == [link.pk for link in links]
    pages = pdf_pages(bytes(batch.pdf))
    assert len(pages) == 3
    for page, (family, middle, given), number in zip(pages, NAMES, [1, 2, 3], strict=True):
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in page
        assert f"Đồng chí: {family} {middle} {given}" in page
        assert f"Số: {number}-GGT/ĐU" in page
    documents = list(IssuedDocument.objects.order_by("number"))
    assert [(d.link_id, d.number, d.kind) for d in documents] == [
        (link.pk, link.letter_number, "1-213") for link in links
    ]
    for page, document in zip(pages, documents, strict=True):
        assert f"Mã xác thực: {document.verification_code}" in page
        assert document.checksum == services.checksum(papers.paper_for(document))
    assert AuditEvent.objects.filter(object_type="documents.issueddocument").count() == 3
    download = client.get(reverse("documents:batch_file", args=[batch.pk]))
    assert download.status_code == 200
    assert download.content == bytes(batch.pdf)


def test_a_letter_printed_before_keeps_its_registration_in_the_batch(
    world, immediate_tasks, django_capture_on_commit_callbacks
):
    links = _bulk_issue(world)
    first = services.issue_letter_document(by=world.workplace_officer, link=links[0]).document

    with django_capture_on_commit_callbacks(execute=True):
        batch = services.start_letter_batch(
            by=world.workplace_officer, workplace=world.workplace, issued_on=MONDAY
        )

    batch.refresh_from_db()
    assert batch.status == "done"
    assert IssuedDocument.objects.count() == 3
    assert IssuedDocument.objects.get(link=links[0]).verification_code == first.verification_code
    assert f"Mã xác thực: {first.verification_code}" in pdf_pages(bytes(batch.pdf))[0]


def test_a_failure_half_way_registers_nothing(
    world, immediate_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    _bulk_issue(world)
    monkeypatch.setattr(services, "BATCH_CHUNK", 1)
    calls = []
    real = papers.letter_paper

    def fails_on_the_second(link, document, names=None):
        calls.append(link.pk)
        if len(calls) == 2:
            raise RuntimeError("renderer crashed")
        return real(link, document)

    monkeypatch.setattr(papers, "letter_paper", fails_on_the_second)

    with django_capture_on_commit_callbacks(execute=True):  # the task fails, marked failed
        services.start_letter_batch(
            by=world.workplace_officer, workplace=world.workplace, issued_on=MONDAY
        )

    batch = DocumentBatch.objects.get()
    assert (batch.status, batch.done, batch.error) == ("failed", 1, "renderer crashed")
    assert batch.pdf is None
    assert IssuedDocument.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="documents.issueddocument").exists()


def test_no_letter_that_day_is_refused_and_nothing_queued(client, world):
    _bulk_issue(world)
    client.force_login(world.workplace_officer)
    before = register_state()

    response = client.post(
        reverse("documents:batches", args=[world.workplace.pk]),
        {"issued_on": "2025-03-04", "signer": "secretary"},
    )

    assert response.status_code == 200
    assert "No letter in force was issued on that day." in response.text
    assert register_state() == before


def test_the_progress_fragment_for_htmx(client, world):
    _bulk_issue(world)
    batch = services.start_letter_batch(
        by=world.workplace_officer, workplace=world.workplace, issued_on=MONDAY
    )
    DocumentBatch.objects.filter(pk=batch.pk).update(status="running", done=2)
    client.force_login(world.workplace_officer)

    response = client.get(reverse("documents:batch", args=[batch.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "2 of 3 letters" in response.text
    assert 'hx-trigger="every 2s"' in response.text
    assert "<h1>" not in response.text


def test_the_link_page_leads_to_the_batch_of_its_day(client, world):
    (link, *_others) = _bulk_issue(world)
    client.force_login(world.workplace_officer)

    page = client.get(reverse("registry:link_detail", args=[link.pk])).text
    batches = reverse("documents:batches", args=[world.workplace.pk])
    form = client.get(batches, {"issued_on": "2025-03-03", "signer": "secretary"})

    assert f"{batches}?issued_on=2025-03-03" in page
    assert form.status_code == 200
    assert 'value="2025-03-03"' in form.text


def test_a_zip_batch_holds_one_pdf_per_letter_named_by_number_and_member(
    client, world, immediate_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    _bulk_issue(world)
    monkeypatch.setattr(services, "BATCH_CHUNK", 2)
    client.force_login(world.workplace_officer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("documents:batches", args=[world.workplace.pk]),
            {"issued_on": "2025-03-03", "output": "zip", "signer": "secretary"},
        )

    batch = DocumentBatch.objects.get()
    assert (batch.output, batch.status, batch.done, batch.pdf) == ("zip", "done", 3, None)
    archive = zipfile.ZipFile(io.BytesIO(bytes(batch.archive)))
    assert archive.namelist() == [
        "0001-2025-nguyen-van-duc.pdf",
        "0002-2025-tran-thi-lan.pdf",
        "0003-2025-hoang-van-hai.pdf",
    ]
    documents = list(IssuedDocument.objects.order_by("number"))
    assert len(documents) == 3
    for name, (family, middle, given), document in zip(
        archive.namelist(), NAMES, documents, strict=True
    ):
        (page,) = pdf_pages(archive.read(name))
        assert f"Đồng chí: {family} {middle} {given}" in page
        assert f"Số: {document.number}-GGT/ĐU" in page
        assert f"Mã xác thực: {document.verification_code}" in page
    page = client.get(reverse("documents:batch", args=[batch.pk])).text
    assert reverse("documents:batch_zip", args=[batch.pk]) in page
    download = client.get(reverse("documents:batch_zip", args=[batch.pk]))
    assert download["Content-Type"] == "application/zip"
    assert download.content == bytes(batch.archive)
    assert client.get(reverse("documents:batch_file", args=[batch.pk])).status_code == 404


def test_a_zip_batch_failing_half_way_registers_nothing(
    world, immediate_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    _bulk_issue(world)
    real = rendering.render_pdf
    calls = []

    def fails_on_the_third(papers_):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("renderer crashed")
        return real(papers_)

    monkeypatch.setattr(rendering, "render_pdf", fails_on_the_third)

    with django_capture_on_commit_callbacks(execute=True):
        services.start_letter_batch(
            by=world.workplace_officer, workplace=world.workplace, issued_on=MONDAY, output="zip"
        )

    batch = DocumentBatch.objects.get()
    assert (batch.status, batch.error, batch.archive) == ("failed", "renderer crashed", None)
    assert IssuedDocument.objects.count() == 0


def test_a_zip_batch_through_the_api(world):
    _bulk_issue(world)
    client = APIClient()
    client.force_authenticate(world.workplace_officer)

    response = client.post(
        "/api/v1/documents/batches/",
        {
            "workplace": world.workplace.pk,
            "issued_on": "2025-03-03",
            "output": "zip",
            "signer": "deputy",
        },
        format="json",
    )
    wrong = client.post(
        "/api/v1/documents/batches/",
        {
            "workplace": world.workplace.pk,
            "issued_on": "2025-03-03",
            "output": "rar",
            "signer": "deputy",
        },
        format="json",
    )

    assert response.status_code == 202
    assert response.json()["output"] == "zip"
    assert wrong.status_code == 400
    assert DocumentBatch.objects.get().output == "zip"
