"""Helpers for the guidance tests: the official texts loaded, a second province with
its own officer and clerk, and the rows a guidance service may write."""

import pytest

from conftest import grant, make_user
from lienhe213.accounts.models import Role
from lienhe213.core.models import AuditEvent
from lienhe213.guidance.models import (
    GuidanceEntry,
    GuidanceVersion,
    ProvinceNote,
    WalkthroughDismissal,
)
from lienhe213.guidance.services import load_guidance
from lienhe213.organizations.services import create_organization


def guidance_state():
    """Every row a guidance service may write, to prove a refusal changed nothing."""
    return (
        list(GuidanceEntry.objects.order_by("pk").values()),
        list(GuidanceVersion.objects.order_by("pk").values()),
        list(ProvinceNote.objects.order_by("pk").values()),
        list(WalkthroughDismissal.objects.order_by("pk").values()),
        AuditEvent.objects.exclude(action__in=["login", "login_failed"]).count(),
    )


@pytest.fixture
def texts(db):
    load_guidance()


def entry(key):
    return GuidanceEntry.objects.select_related("current_version").get(key=key)


class Other:
    """A second province: its committee, a commune under it, its officer and clerk."""

    def __init__(self, world):
        self.province = create_organization(
            by=world.root_user,
            name="Đảng bộ tỉnh Lai Châu",
            kind="provincial_committee",
            side="both",
            parent=None,
        )
        self.commune = create_organization(
            by=world.root_user,
            name="Đảng bộ xã Bình Lư",
            kind="grassroots_committee",
            side="residential",
            parent=self.province,
        )
        self.officer = make_user("tinh_lc")
        grant(self.officer, self.province, Role.PROVINCIAL_OFFICER)
        self.clerk = make_user("xa_lc")
        grant(self.clerk, self.commune, Role.COMMUNE_CLERK)


@pytest.fixture
def other(world):
    return Other(world)
