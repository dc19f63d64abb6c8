"""Uploads: only a real PDF or DOCX within the size limit is stored; a refusal stores
nothing (no row, no file, no audit)."""

import pytest
from django.core.exceptions import PermissionDenied

from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent
from lienhe213.training import services
from lienhe213.training.models import TrainingMaterial
from lienhe213.training.tests.conftest import (
    docx_bytes,
    pdf_bytes,
    stored_files,
    training_state,
    upload,
)


def test_a_pdf_is_stored_under_a_random_name_and_keeps_its_own(world, session, media_root):
    material = services.add_material(
        by=world.commune_clerk, session=session, upload=upload("Tài liệu 213.pdf", pdf_bytes())
    )

    assert (material.original_name, material.file_type, material.size) == (
        "Tài liệu 213.pdf",
        "pdf",
        len(pdf_bytes()),
    )
    assert material.file.name.startswith(f"training/{session.pk}/")
    assert "213" not in material.file.name
    assert stored_files(media_root) == [material.file.name.rsplit("/", 1)[-1]]
    assert AuditEvent.objects.filter(object_type="training.trainingmaterial").count() == 1


def test_a_docx_is_stored(world, session):
    material = services.add_material(
        by=world.commune_clerk, session=session, upload=upload("huong-dan.DOCX", docx_bytes())
    )

    assert material.file_type == "docx"
    assert material.content_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bai-giang.pdf", b"just some text, renamed", "Only PDF or Word"),
        ("bai-giang.pdf", b"MZ\x90\x00 an executable", "Only PDF or Word"),
        ("bai-giang.docx", pdf_bytes(), "Only PDF or Word"),  # a PDF named .docx
        ("bai-giang.pdf", docx_bytes(), "Only PDF or Word"),  # a DOCX named .pdf
        ("bai-giang.zip", docx_bytes(), "Only PDF or Word"),
        ("bai-giang.docx", b"PK\x03\x04 broken zip", "Only PDF or Word"),
        ("anh.png", b"\x89PNG\r\n\x1a\n", "Only PDF or Word"),
        ("trong.pdf", b"", "empty"),
    ],
)
def test_anything_but_a_pdf_or_docx_is_refused_and_nothing_is_stored(
    world, session, media_root, name, content, message
):
    before = training_state()

    with pytest.raises(DomainError, match=message) as err:
        services.add_material(by=world.commune_clerk, session=session, upload=upload(name, content))

    assert err.value.field == "file"
    assert training_state() == before
    assert stored_files(media_root) == []


def test_a_zip_that_is_not_a_word_document_is_refused(world, session, media_root):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")

    with pytest.raises(DomainError, match="Only PDF or Word"):
        services.add_material(
            by=world.commune_clerk, session=session, upload=upload("bang.docx", buffer.getvalue())
        )

    assert not TrainingMaterial.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_over_the_limit_is_refused(world, session, media_root, settings):
    settings.TRAINING_MAX_UPLOAD_MB = 1
    before = training_state()

    with pytest.raises(DomainError, match="larger than 1 MB"):
        services.add_material(
            by=world.commune_clerk,
            session=session,
            upload=upload("lon.pdf", pdf_bytes(1024 * 1024 + 1)),
        )

    assert training_state() == before
    assert stored_files(media_root) == []


def test_a_file_at_the_limit_is_accepted(world, session, settings):
    settings.TRAINING_MAX_UPLOAD_MB = 1

    material = services.add_material(
        by=world.commune_clerk, session=session, upload=upload("vua.pdf", pdf_bytes(1024 * 1024))
    )

    assert material.size == 1024 * 1024


def test_an_invitee_may_not_upload(world, session, media_root):
    before = training_state()

    with pytest.raises(PermissionDenied):
        services.add_material(
            by=world.secretary_a1, session=session, upload=upload("x.pdf", pdf_bytes())
        )

    assert training_state() == before
    assert stored_files(media_root) == []


def test_a_cancelled_session_takes_no_materials(world, session, media_root):
    services.cancel_session(by=world.commune_clerk, session=session)
    before = training_state()

    with pytest.raises(DomainError):
        services.add_material(
            by=world.commune_clerk, session=session, upload=upload("x.pdf", pdf_bytes())
        )

    assert training_state() == before
    assert stored_files(media_root) == []


def test_removing_a_material_deletes_its_row_and_file(
    world, session, media_root, django_capture_on_commit_callbacks
):
    material = services.add_material(
        by=world.commune_clerk, session=session, upload=upload("x.pdf", pdf_bytes())
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_material(by=world.commune_clerk, material=material)

    assert not TrainingMaterial.objects.exists()
    assert stored_files(media_root) == []
    assert AuditEvent.objects.filter(
        object_type="training.trainingmaterial", action="delete"
    ).exists()
