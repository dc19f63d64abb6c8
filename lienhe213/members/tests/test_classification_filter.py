"""The member list's classification filters: the decision that classifies each member
on a day, as a report's "classified normal / A / B" counts it."""

import datetime

from django.urls import reverse

from lienhe213.registry import services

SPRING = datetime.date(2025, 3, 3)
SUMMER = datetime.date(2025, 6, 2)


def _names(response):
    return [m.full_name for m in response.context["page"].rows]


def classify_then_exempt(world):
    """Đức normal from the spring, category A (mobile work) from the summer."""
    services.classify_member(
        by=world.root_user, member=world.member_w1, decided_by=world.workplace, decided_on=SPRING
    )
    services.record_exemption(
        by=world.root_user,
        member=world.member_w1,
        category="a",
        reason="mobile_work",
        decided_by=world.workplace,
        decided_on=SUMMER,
    )


def test_list_filters_by_the_classification_in_force_on_a_day(client, world):
    classify_then_exempt(world)
    client.force_login(world.provincial_officer)
    url = reverse("members:list")

    normal_april = client.get(url, {"category": "normal", "classified_on": "2025-04-01"})
    a_april = client.get(url, {"category": "a", "classified_on": "2025-04-01"})
    normal_july = client.get(url, {"category": "normal", "classified_on": "2025-07-01"})
    a_july = client.get(
        url, {"category": "a", "reason": "mobile_work", "classified_on": "2025-07-01"}
    )
    other_reason = client.get(url, {"reason": "abroad", "classified_on": "2025-07-01"})
    before = client.get(url, {"category": "normal", "classified_on": "2025-01-01"})

    assert _names(normal_april) == ["Nguyễn Văn Đức"]
    assert _names(a_april) == []
    assert _names(normal_july) == []  # the later decision governs
    assert _names(a_july) == ["Nguyễn Văn Đức"]
    assert _names(other_reason) == []
    assert _names(before) == []
    assert 'name="classified_on" value="2025-07-01"' in a_july.content.decode()


def test_classification_filter_keeps_the_users_scope(client, world):
    classify_then_exempt(world)
    client.force_login(world.other_clerk)

    response = client.get(reverse("members:list"), {"category": "a", "classified_on": "2025-07-01"})

    assert _names(response) == []
