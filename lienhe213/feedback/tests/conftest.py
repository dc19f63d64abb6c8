"""Helpers for the feedback tests: cell A2's public page, the active link of member W1
in that cell, and reports sent to it."""

import time

import pytest

from lienhe213.core.models import AuditEvent
from lienhe213.feedback import forms, services
from lienhe213.feedback.models import FeedbackChannel, ResidentReport
from lienhe213.notices.models import Notice
from lienhe213.registry.tests.conftest import link_at

__all__ = ["form_data", "link_at", "report_state", "send_report"]


def report_state():
    """Every row a feedback service may write, to prove a refusal changed nothing."""
    return (
        list(ResidentReport.objects.order_by("pk").values()),
        list(FeedbackChannel.objects.order_by("pk").values()),
        list(Notice.objects.order_by("pk").values()),
        list(AuditEvent.objects.order_by("pk").values()),
    )


def form_data(**overrides):
    """What a resident sends, with a form shown a minute ago and the honeypot empty."""
    data = {
        "topic": "concern",
        "member_name": "Ông Thịnh ở tổ 2",
        "community": "Tổ 2",
        "body": "Tối thứ bảy hát karaoke rất to đến 1 giờ sáng.",
        "phone": "0912 345 678",
        "started": forms.started_token(time.time() - 60),
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def channel(world):
    return services.open_channel(by=world.secretary_a2, cell=world.cell_a2)


@pytest.fixture
def active(world):
    """Member W1, linked to cell A2 and active there."""
    return link_at(world, "active")


def send_report(channel, **overrides):
    """A report through the service (as the public page sends it), and its receipt."""
    data = form_data(**overrides)
    return services.submit_report(
        channel=channel,
        topic=data["topic"],
        member_name=data["member_name"],
        community=data["community"],
        body=data["body"],
        phone=data["phone"],
    )
