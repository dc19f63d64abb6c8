"""Helpers for the document tests: reading back the PDFs and DOCX files.

Every document test runs at 9:00 on ``TODAY`` (15/01/2026, local time), whatever day
the suite runs: a book "as of today" covers 2026, whose year began after the 2025
cycle, and the dates the register writes are known."""

import datetime
import io
import re
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine
from django.conf import settings
from docx import Document
from pypdf import PdfReader

from conftest import member_fields
from lienhe213.core.models import AuditEvent
from lienhe213.documents.models import DocumentBatch, IssuedDocument
from lienhe213.members.services import create_member

TODAY = datetime.date(2026, 1, 15)
NOW = datetime.datetime.combine(
    TODAY, datetime.time(9), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW.astimezone(datetime.UTC), tick=False):
        yield


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


HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def issue_page_fields(page: str) -> dict[str, str]:
    """The hidden fields of an issue page's form (CSRF token aside)."""
    return {k: v for k, v in HIDDEN.findall(page) if k != "csrfmiddlewaretoken"}


def issue_through_page(client, url, signer="secretary"):
    """Issue a document as a person does: open the issue page (which writes nothing),
    choose who signs, press "Issue", follow the redirect to the file. Returns the file's
    response and the POST's."""
    before = IssuedDocument.objects.count()
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    assert page["Content-Type"].startswith("text/html")
    assert IssuedDocument.objects.count() == before  # a GET never writes
    data = {**issue_page_fields(page.content.decode()), "signer": signer}
    posted = client.post(url, data)
    assert posted.status_code == 302, posted.status_code
    return client.get(posted["Location"]), posted


def pdf_lines(content: bytes) -> list[str]:
    """Every printed line of the PDF, in reading order (pypdf), stripped."""
    reader = PdfReader(io.BytesIO(content))
    lines = []
    for page in reader.pages:
        lines += [line.strip() for line in (page.extract_text() or "").splitlines()]
    return [line for line in lines if line]


def heading(lines: list[str]) -> list[str]:
    """The heading's left column: the lines above the star."""
    return lines[: lines.index("*")]


def after(lines: list[str], first: str, count: int) -> list[str]:
    """``first`` and the ``count - 1`` lines printed after it."""
    start = lines.index(first)
    return lines[start : start + count]
