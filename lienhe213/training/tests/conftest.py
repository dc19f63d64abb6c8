"""Helpers for the training tests: files to upload, a planned session of commune A for
its cell secretaries, and the state every service may write."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lienhe213.core.models import AuditEvent
from lienhe213.reminders.models import Notification
from lienhe213.training import services
from lienhe213.training.models import Invitation, TrainingMaterial, TrainingSession

__all__ = ["docx_bytes", "pdf_bytes", "plan", "stored_files", "training_state", "upload"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Materials are stored in the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def pdf_bytes(size: int = 0) -> bytes:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
    return body + b" " * max(0, size - len(body))


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def training_state():
    """Every row a training service may write, to prove a refusal changed nothing."""
    return (
        list(TrainingSession.objects.order_by("pk").values()),
        list(Invitation.objects.order_by("pk").values()),
        list(TrainingMaterial.objects.order_by("pk").values()),
        list(Notification.objects.order_by("pk").values()),
        list(AuditEvent.objects.order_by("pk").values()),
    )


def plan(world, *, by=None, organizer=None, day=None, audience="cell_secretaries", **extra):
    """A session of commune A (planned by its clerk) a week ahead, for its secretaries."""
    fields = {"topic": "Quy định 213 cho bí thư chi bộ", "place": "Hội trường xã"}
    fields.update(extra)
    return services.plan_session(
        by=by or world.commune_clerk,
        organizer=organizer or world.commune_a_committee,
        date=day or timezone.localdate() + datetime.timedelta(days=7),
        audience=audience,
        **fields,
    )


@pytest.fixture
def session(world):
    return plan(world)
