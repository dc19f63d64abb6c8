import pytest
from django.test import Client
from django.urls import reverse

from lienhe213.core import audit
from lienhe213.core.models import AuditEvent
from lienhe213.core.pages import peek_page
from lienhe213.organizations.models import Organization
from lienhe213.organizations.services import create_organization

NAVIGATION = "lienhe213.accounts.context_processors.navigation"


@pytest.fixture
def navigation(settings):
    """The navigation context processor, registered as the settings should register it."""
    templates = [dict(t, OPTIONS=dict(t["OPTIONS"])) for t in settings.TEMPLATES]
    processors = templates[0]["OPTIONS"]["context_processors"]
    if NAVIGATION not in processors:
        templates[0]["OPTIONS"]["context_processors"] = [*processors, NAVIGATION]
    settings.TEMPLATES = templates


def _reprs(response):
    return {(e.action, e.object_repr) for e in response.context["page"].rows}


def test_audit_of_provincial_officer_covers_its_province_only(client, world):
    other_province = create_organization(
        by=world.root_user,
        name="Đảng bộ tỉnh Lào Cai",
        kind="provincial_committee",
        side="both",
        parent=None,
    )
    audit.record(by=None, action="login_failed", object_repr="nobody")
    client.force_login(world.provincial_officer)

    response = client.get(reverse("accounts:audit"), {"action": "create"})

    reprs = _reprs(response)
    assert ("create", "Đặng Thị Hoa") in reprs
    assert ("create", "Lò Văn Pọm") in reprs
    assert ("create", other_province.name) not in reprs
    assert all(e.scope_path.startswith(world.province.path) for e in response.context["page"].rows)
    assert AuditEvent.objects.filter(action="create", scope_path=other_province.path).count() == 1


def test_audit_of_superuser_includes_events_outside_any_subtree(client, world):
    audit.record(by=None, action="login_failed", object_repr="nobody")
    client.force_login(world.root_user)

    response = client.get(reverse("accounts:audit"), {"action": "login_failed"})

    assert _reprs(response) == {("login_failed", "nobody")}


def test_audit_hides_events_outside_any_subtree_from_provincial_officer(client, world):
    audit.record(by=None, action="login_failed", object_repr="nobody")
    client.force_login(world.provincial_officer)

    response = client.get(reverse("accounts:audit"), {"action": "login_failed"})

    assert _reprs(response) == set()


def test_audit_of_commune_clerk_is_refused(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("accounts:audit"))

    assert response.status_code == 403


def test_audit_filters_by_actor_and_date(client, world):
    client.force_login(world.provincial_officer)
    event = AuditEvent.objects.filter(object_repr="Đặng Thị Hoa").get()
    day = event.at.astimezone().date().isoformat()

    by_root = client.get(
        reverse("accounts:audit"), {"actor": "ROO", "date_from": day, "date_to": day}
    )
    by_officer = client.get(reverse("accounts:audit"), {"actor": "tinh"})

    assert ("create", "Đặng Thị Hoa") in _reprs(by_root)
    assert _reprs(by_officer) == {("login", "tinh")}  # the officer has only logged in


def test_audit_shows_changes_before_and_after(client, world):
    from lienhe213.members.services import update_member

    update_member(
        by=world.provincial_officer, member=world.member_a1, version=1, phone="0912345678"
    )
    client.force_login(world.provincial_officer)

    html = client.get(reverse("accounts:audit"), {"action": "update"}).content.decode()

    # The field's label, the object's kind in words: no field name, model label or id.
    assert "<tr><td>Phone</td><td>—</td><td>0912345678</td></tr>" in html
    assert "(member)" in html
    assert "members.member" not in html and f"#{world.member_a1.pk}" not in html


def test_peek_page_knows_the_next_page_without_counting(world, django_assert_num_queries):
    orgs = Organization.objects.order_by("pk")

    with django_assert_num_queries(1):
        first = peek_page(orgs, "1", size=3)
    last = peek_page(orgs, 3, size=3)
    unreadable = peek_page(orgs, "x", size=3)

    assert (len(first.rows), first.has_previous, first.has_next) == (3, False, True)
    assert (len(last.rows), last.has_previous, last.has_next) == (2, True, False)
    assert unreadable.number == 1


def test_vietnamese_first_and_the_language_switch_renders_english(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")  # a browser asking for English
    client.force_login(world.commune_clerk)
    before = client.get(reverse("accounts:home")).content.decode()

    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("accounts:home")}
    )
    after = client.get(reverse("accounts:home")).content.decode()

    assert response.status_code == 302
    assert '<html lang="vi">' in before
    assert ">Đảng viên</a>" in before
    assert ">Đăng xuất</button>" in before
    assert '<html lang="en">' in after
    assert ">Members</a>" in after
    assert ">Log out</button>" in after


def test_navigation_offers_audit_only_to_those_allowed(client, world, navigation):
    client.force_login(world.provincial_officer)
    officer = client.get(reverse("accounts:home")).content.decode()
    client.force_login(world.commune_clerk)
    clerk = client.get(reverse("accounts:home")).content.decode()
    client.force_login(world.member_user)
    member = client.get(reverse("accounts:home")).content.decode()

    assert f'href="{reverse("accounts:audit")}"' in officer
    assert f'href="{reverse("accounts:audit")}"' not in clerk
    assert f'href="{reverse("organizations:tree")}"' in clerk
    assert f'href="{reverse("organizations:tree")}"' not in member


def test_pages_load_htmx_and_send_the_csrf_token(client, world):
    client.force_login(world.commune_clerk)

    html = client.get(reverse("members:list")).content.decode()

    assert "/static/django_htmx/htmx-2.min.js" in html
    assert 'hx-headers=\'{"x-csrftoken": "' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_refusal_pages_use_the_site_layout(client, world):
    client.force_login(world.commune_clerk)

    refused = client.get(reverse("accounts:audit"))
    missing = client.get(reverse("members:detail", args=[world.member_b1.pk]))

    assert (refused.status_code, missing.status_code) == (403, 404)
    assert "Not allowed" in refused.content.decode()
    assert "Not found" in missing.content.decode()


def test_a_full_id_shown_is_audited_with_the_field_in_words(client, world):
    from lienhe213.core import audit

    audit.record(
        by=world.provincial_officer,
        action="view",
        obj=world.member_a1,
        changes={"field": "citizen_id"},
        scope_path=world.member_a1.unit_path,
    )
    client.force_login(world.provincial_officer)

    html = client.get(reverse("accounts:audit"), {"action": "view"}).content.decode()

    assert "<tr><td>Field</td><td>—</td><td>Citizen ID</td></tr>" in html
    assert "citizen_id" not in html
