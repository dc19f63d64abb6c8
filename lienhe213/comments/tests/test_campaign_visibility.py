"""Who sees a campaign: one rule (``CommentCampaign.objects.visible_to``) for the pages
and the API. The province's call reaches every committee under it, although the
province itself is out of a commune clerk's or a cell secretary's sight."""

import pytest
from django.urls import reverse

from lienhe213.comments import services
from lienhe213.comments.models import CommentCampaign
from lienhe213.comments.tests.conftest import CLOSES, DEADLINE, OPENS
from lienhe213.organizations.services import create_organization

API = "/api/v1/comments/campaigns/"


@pytest.fixture
def other_province_campaign(world):
    """A campaign of a province none of the cast but the root works in."""
    other = create_organization(
        by=world.root_user,
        name="Đảng bộ tỉnh Cao Bằng",
        kind="provincial_committee",
        side="both",
        parent=None,
    )
    return services.open_campaign(
        by=world.root_user,
        province=other,
        year=2025,
        opens_on=OPENS,
        closes_on=CLOSES,
        deadline=DEADLINE,
    )


@pytest.mark.parametrize(
    ("name", "page"),
    [("commune_clerk", "commune_a_committee"), ("secretary_a2", "cell_a2")],
)
def test_page_and_api_show_the_same_campaigns(
    client, api, world, campaign, other_province_campaign, name, page
):
    user = world.user(name)
    client.force_login(user)
    api.force_authenticate(user)
    org = getattr(world, page)

    html = client.get(reverse("comments:progress", args=[org.pk])).content.decode()
    listed = api.get(API).json()
    detail = api.get(f"{API}{campaign.pk}/")
    hidden = api.get(f"{API}{other_province_campaign.pk}/")

    assert f'<option value="{campaign.pk}" selected>2025</option>' in html
    assert f'value="{other_province_campaign.pk}"' not in html
    assert [row["id"] for row in listed["results"]] == [campaign.pk]
    assert detail.status_code == 200
    assert detail.json()["province"] == world.province.pk
    assert hidden.status_code == 404


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("provincial_officer", ["own"]),
        ("workplace_officer", ["own"]),
        ("commune_clerk", ["own"]),
        ("secretary_a2", ["own"]),
        ("member_user", []),
        ("stranger", []),
        ("root_user", ["own", "other"]),
    ],
)
def test_visible_to(world, campaign, other_province_campaign, name, expected):
    ids = {"own": campaign.pk, "other": other_province_campaign.pk}

    visible = CommentCampaign.objects.visible_to(world.user(name))

    assert sorted(visible.values_list("pk", flat=True)) == sorted(ids[e] for e in expected)
