"""The province's deadline calendar: the working days to present a letter and the
province's own holidays, changed by its provincial officers and administrators only;
existing letters keep their deadlines; a refusal changes nothing."""

import datetime

import pytest
from django.urls import reverse

from lienhe213.accounts.models import Role, RoleAssignment, User
from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent
from lienhe213.organizations.services import create_organization
from lienhe213.registry import services
from lienhe213.registry.holidays import letter_deadline
from lienhe213.registry.models import DeadlinePolicy, PublicHoliday
from lienhe213.registry.tests.conftest import MONDAY, link_at

# A Monday with no national holiday; MONDAY (3 March 2025) + 1 working day.
MARCH_4 = datetime.date(2025, 3, 4)
MARCH_5 = datetime.date(2025, 3, 5)


def calendar_state():
    return (
        list(DeadlinePolicy.objects.order_by("pk").values()),
        list(PublicHoliday.objects.order_by("pk").values()),
        list(AuditEvent.objects.order_by("pk").values()),
    )


def url(province, **query):
    base = reverse("registry:calendar", args=[province.pk])
    return f"{base}?year={query['year']}" if "year" in query else base


@pytest.fixture
def other_province(world):
    province = create_organization(
        by=world.root_user,
        name="Đảng bộ tỉnh Cao Bằng",
        kind="provincial_committee",
        side="both",
        parent=None,
    )
    officer = User.objects.create_user(username="tinh_cb", password="demo")
    RoleAssignment.objects.create(user=officer, organization=province, role=Role.PROVINCIAL_OFFICER)
    return province, officer


# --- services: the deadline ------------------------------------------------------------


def test_the_first_change_writes_the_policy_and_its_audit_row(world):
    policy = services.set_deadline_days(
        by=world.provincial_officer, province=world.province, days=20
    )

    assert DeadlinePolicy.objects.get().pk == policy.pk
    assert policy.letter_deadline_working_days == 20
    event = AuditEvent.objects.get(object_type="registry.deadlinepolicy")
    assert (event.action, event.actor_id, event.scope_path, event.changes) == (
        "create",
        world.provincial_officer.pk,
        world.province.path,
        {"letter_deadline_working_days": [30, 20]},
    )


def test_a_later_change_updates_the_policy(world):
    services.set_deadline_days(by=world.provincial_officer, province=world.province, days=20)

    services.set_deadline_days(by=world.root_user, province=world.province, days=90)

    assert DeadlinePolicy.objects.get().letter_deadline_working_days == 90
    event = AuditEvent.objects.filter(object_type="registry.deadlinepolicy").latest("pk")
    assert (event.action, event.changes) == (
        "update",
        {"letter_deadline_working_days": [20, 90]},
    )


@pytest.mark.parametrize("days", [0, 91, -1])
def test_a_deadline_outside_1_to_90_days_is_refused(world, days):
    before = calendar_state()

    with pytest.raises(DomainError) as refusal:
        services.set_deadline_days(by=world.provincial_officer, province=world.province, days=days)

    assert str(refusal.value) == "The deadline must be between 1 and 90 working days."
    assert refusal.value.field == "days"
    assert calendar_state() == before


def test_the_same_deadline_is_refused(world):
    before = calendar_state()

    with pytest.raises(DomainError, match="already 30 working days"):
        services.set_deadline_days(by=world.provincial_officer, province=world.province, days=30)

    assert calendar_state() == before


@pytest.mark.parametrize("who", ["commune_clerk", "workplace_officer", "stranger"])
def test_others_may_not_change_the_deadline(world, who):
    before = calendar_state()

    with pytest.raises(DomainError) as refusal:
        services.set_deadline_days(by=world.user(who), province=world.province, days=20)

    assert str(refusal.value) == "You may not change the deadline calendar of this province."
    assert calendar_state() == before


def test_the_officer_of_another_province_may_not_change_it(world, other_province):
    _province, officer = other_province
    before = calendar_state()

    with pytest.raises(DomainError):
        services.set_deadline_days(by=officer, province=world.province, days=20)

    assert calendar_state() == before


def test_only_a_province_has_a_calendar(world):
    before = calendar_state()

    with pytest.raises(DomainError, match="Only a provincial committee"):
        services.set_deadline_days(by=world.root_user, province=world.commune_a_committee, days=5)

    assert calendar_state() == before


def test_existing_letters_keep_their_deadlines_and_new_ones_follow_the_policy(world):
    issued = link_at(world, "issued")
    deadline = issued.deadline

    services.set_deadline_days(by=world.provincial_officer, province=world.province, days=2)

    issued.refresh_from_db()
    assert issued.deadline == deadline
    assert letter_deadline(world.workplace, MONDAY) == MARCH_5


# --- services: the holidays ------------------------------------------------------------


def test_a_holiday_of_the_province_is_added_audited_and_skipped_by_new_deadlines(world):
    services.set_deadline_days(by=world.provincial_officer, province=world.province, days=1)

    holiday = services.add_public_holiday(
        by=world.provincial_officer, province=world.province, date=MARCH_4, name="  Ngày   tỉnh "
    )

    assert (holiday.date, holiday.name, holiday.province_id) == (
        MARCH_4,
        "Ngày tỉnh",
        world.province.pk,
    )
    event = AuditEvent.objects.get(object_type="registry.publicholiday")
    assert (event.action, event.object_id, event.scope_path, event.changes) == (
        "create",
        str(holiday.pk),
        world.province.path,
        {"date": "2025-03-04", "name": "Ngày tỉnh"},
    )
    assert letter_deadline(world.workplace, MONDAY) == MARCH_5


def test_a_national_holiday_cannot_be_added_again(world):
    before = calendar_state()

    with pytest.raises(DomainError) as refusal:
        services.add_public_holiday(
            by=world.provincial_officer,
            province=world.province,
            date=datetime.date(2025, 4, 7),
            name="Giỗ Tổ",
        )

    assert str(refusal.value) == "07/04/2025 is already a national holiday (Giỗ Tổ Hùng Vương)."
    assert refusal.value.field == "date"
    assert calendar_state() == before


def test_a_provincial_holiday_cannot_be_added_twice(world):
    services.add_public_holiday(
        by=world.provincial_officer, province=world.province, date=MARCH_4, name="Ngày tỉnh"
    )
    before = calendar_state()

    with pytest.raises(DomainError, match="already a holiday of this province"):
        services.add_public_holiday(
            by=world.provincial_officer, province=world.province, date=MARCH_4, name="Lại"
        )

    assert calendar_state() == before


def test_a_holiday_needs_a_name(world):
    before = calendar_state()

    with pytest.raises(DomainError) as refusal:
        services.add_public_holiday(
            by=world.provincial_officer, province=world.province, date=MARCH_4, name="   "
        )

    assert refusal.value.field == "name"
    assert calendar_state() == before


def test_a_commune_clerk_may_not_add_a_holiday(world):
    before = calendar_state()

    with pytest.raises(DomainError):
        services.add_public_holiday(
            by=world.commune_clerk, province=world.province, date=MARCH_4, name="Ngày tỉnh"
        )

    assert calendar_state() == before


def test_a_holiday_of_the_province_is_removed_and_audited(world):
    holiday = services.add_public_holiday(
        by=world.provincial_officer, province=world.province, date=MARCH_4, name="Ngày tỉnh"
    )

    services.remove_public_holiday(by=world.provincial_officer, holiday=holiday)

    assert not PublicHoliday.objects.filter(province=world.province).exists()
    event = AuditEvent.objects.filter(object_type="registry.publicholiday").latest("pk")
    assert (event.action, event.object_id, event.object_repr, event.scope_path) == (
        "delete",
        str(holiday.pk),
        "2025-03-04 Ngày tỉnh",
        world.province.path,
    )


def test_a_national_holiday_cannot_be_removed(world):
    national = PublicHoliday.objects.get(date=datetime.date(2025, 4, 7))
    before = calendar_state()

    with pytest.raises(DomainError, match="A national holiday cannot be removed here"):
        services.remove_public_holiday(by=world.root_user, holiday=national)

    assert calendar_state() == before


def test_the_officer_of_another_province_may_not_remove_its_holiday(world, other_province):
    _province, officer = other_province
    holiday = services.add_public_holiday(
        by=world.provincial_officer, province=world.province, date=MARCH_4, name="Ngày tỉnh"
    )
    before = calendar_state()

    with pytest.raises(DomainError):
        services.remove_public_holiday(by=officer, holiday=holiday)

    assert calendar_state() == before


# --- the page ------------------------------------------------------------------------


def test_the_page_shows_the_default_deadline_and_the_years_holidays(client, world):
    client.force_login(world.provincial_officer)

    response = client.get(url(world.province, year=2025))

    assert response.status_code == 200
    assert response.context["days"] == 30
    assert response.context["policy"] is None
    holidays = response.context["holidays"]
    assert {h.date.year for h in holidays} == {2025}
    assert [h.name for h in holidays if h.date == datetime.date(2025, 4, 7)] == [
        "Giỗ Tổ Hùng Vương"
    ]
    page = response.content.decode()
    assert "30 working days" in page
    assert "letters already issued keep their deadlines" in page


def test_a_province_holiday_is_listed_with_a_remove_button(client, world):
    holiday = services.add_public_holiday(
        by=world.provincial_officer, province=world.province, date=MARCH_4, name="Ngày tỉnh"
    )
    client.force_login(world.provincial_officer)

    page = client.get(url(world.province, year=2025)).content.decode()

    assert "Ngày tỉnh" in page
    assert f'name="holiday" value="{holiday.pk}"' in page


def test_posting_the_days_changes_the_policy(client, world):
    client.force_login(world.provincial_officer)

    response = client.post(url(world.province), {"action": "days", "days": "25", "year": "2025"})

    assert response.status_code == 302
    assert response["Location"] == url(world.province, year=2025)
    assert DeadlinePolicy.objects.get(province=world.province).letter_deadline_working_days == 25


def test_posting_days_out_of_range_shows_the_services_reason(client, world):
    client.force_login(world.provincial_officer)
    before = calendar_state()

    response = client.post(url(world.province), {"action": "days", "days": "91"})

    assert response.status_code == 200
    assert response.context["days_form"].errors == {
        "days": ["The deadline must be between 1 and 90 working days."]
    }
    assert calendar_state() == before


def test_posting_a_holiday_adds_it_and_shows_its_year(client, world):
    client.force_login(world.provincial_officer)

    response = client.post(
        url(world.province), {"action": "add", "date": "2026-03-10", "name": "Ngày tỉnh"}
    )

    assert response.status_code == 302
    assert response["Location"] == url(world.province, year=2026)
    assert list(
        PublicHoliday.objects.filter(province=world.province).values_list("date", "name")
    ) == [(datetime.date(2026, 3, 10), "Ngày tỉnh")]


def test_posting_a_national_date_shows_the_refusal_on_the_date(client, world):
    client.force_login(world.provincial_officer)
    before = calendar_state()

    response = client.post(
        url(world.province), {"action": "add", "date": "2025-09-02", "name": "Quốc khánh"}
    )

    assert response.status_code == 200
    assert list(response.context["holiday_form"].errors) == ["date"]
    assert calendar_state() == before


def test_posting_remove_deletes_the_province_holiday(client, world):
    holiday = services.add_public_holiday(
        by=world.provincial_officer, province=world.province, date=MARCH_4, name="Ngày tỉnh"
    )
    client.force_login(world.provincial_officer)

    response = client.post(
        url(world.province), {"action": "remove", "holiday": holiday.pk, "year": "2025"}
    )

    assert response.status_code == 302
    assert not PublicHoliday.objects.filter(pk=holiday.pk).exists()


def test_posting_remove_of_a_national_holiday_is_refused(client, world):
    national = PublicHoliday.objects.get(date=datetime.date(2025, 4, 7))
    client.force_login(world.provincial_officer)
    before = calendar_state()

    response = client.post(
        url(world.province), {"action": "remove", "holiday": national.pk}, follow=True
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "A national holiday cannot be removed here."
    ]
    assert calendar_state() == before


def test_posting_remove_of_another_provinces_holiday_is_404(client, world, other_province):
    province, officer = other_province
    theirs = services.add_public_holiday(
        by=officer, province=province, date=MARCH_4, name="Ngày của tỉnh khác"
    )
    client.force_login(world.provincial_officer)
    before = calendar_state()

    response = client.post(url(world.province), {"action": "remove", "holiday": theirs.pk})

    assert response.status_code == 404
    assert calendar_state() == before


def test_an_unknown_action_is_a_bad_request(client, world):
    client.force_login(world.provincial_officer)

    assert client.post(url(world.province), {"action": "drop"}).status_code == 400


@pytest.mark.parametrize(
    ("who", "expected"),
    [("commune_clerk", 404), ("stranger", 404), ("workplace_officer", 404)],
)
def test_others_posting_change_nothing(client, world, who, expected):
    client.force_login(world.user(who))
    before = calendar_state()

    response = client.post(url(world.province), {"action": "days", "days": "5"})

    assert response.status_code == expected
    assert calendar_state() == before


def test_the_officer_of_another_province_gets_404(client, world, other_province):
    _province, officer = other_province
    client.force_login(officer)

    assert client.get(url(world.province)).status_code == 404


def test_a_commune_is_not_a_calendar(client, world):
    client.force_login(world.root_user)

    assert client.get(url(world.commune_a_committee)).status_code == 404


def test_the_registry_index_links_to_the_calendar_for_the_provincial_officer(client, world):
    client.force_login(world.provincial_officer)

    page = client.get(reverse("registry:index")).content.decode()

    assert url(world.province) in page


def test_the_registry_index_has_no_calendar_for_a_commune_clerk(client, world):
    client.force_login(world.commune_clerk)

    page = client.get(reverse("registry:index")).content.decode()

    assert url(world.province) not in page
