"""Helpers for the document tests: reading back the PDFs and DOCX files."""

import io

import pytest
from docx import Document
from pypdf import PdfReader

from conftest import member_fields
from lienhe213.core.models import AuditEvent
from lienhe213.documents.models import DocumentBatch, IssuedDocument
from lienhe213.members.services import create_member


def working_member(world, family, middle, given, **extra):
    """Another working member of the workplace cell living in community A2."""
    return create_member(
        by=world.root_user,
        **member_fields(
            world.workplace_cell,
            family_name=family,
            middle_name=middle,
            given_name=given,
            residence_commune=world.commune_a,
            residence_community=world.community_a2,
            **extra,
        ),
    )


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page (pypdf), spaces normalized."""
    reader = PdfReader(io.BytesIO(content))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def register_state():
    """Every row a document service may write, to prove a refusal changed nothing."""
    return (
        list(IssuedDocument.objects.order_by("pk").values()),
        list(DocumentBatch.objects.order_by("pk").values("pk", "status", "done")),
        list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)),
    )


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE
