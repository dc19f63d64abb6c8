"""Community representatives (ADR 0014): the role a commune clerk grants over a
residential cell, the representative's own pages and endpoints (their matrix), their
written opinions in the cell's queue, the evidence and the Front meeting's record, and
everything else refused (the other matrices carry them as a row)."""

import datetime
import uuid
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import assert_page_status, login_as, make_user
from lienhe213.accounts import services as account_services
from lienhe213.accounts.models import Role, RoleAssignment
from lienhe213.comments.tests.conftest import request_at
from lienhe213.core.errors import DomainError, StepRefused
from lienhe213.core.models import AuditEvent
from lienhe213.feedback import services
from lienhe213.feedback.models import ResidentReport
from lienhe213.feedback.tests.conftest import report_state, send_report
from lienhe213.reminders.models import Notification

API = "/api/v1/feedback/opinions/"
IN_2025 = datetime.datetime(2025, 11, 20, 9, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def representative_a2(world):
    """The head of the Front work committee of Tổ 2, appointed by the commune clerk."""
    user = make_user("mattran2", first_name="Hoa", last_name="Trần Thị")
    account_services.grant_role(
        by=world.commune_clerk,
        user=user,
        organization=world.cell_a2,
        role=Role.COMMUNITY_REPRESENTATIVE,
        representative_kind="front_committee_head",
    )
    return user


def opinion(world, user, cell, **overrides):
    data = {
        "topic": "good_conduct",
        "member_name": "Anh Đức ở tổ 2",
        "body": "Tham gia đầy đủ các buổi tổng vệ sinh của tổ.",
        "token": uuid.uuid4(),
    }
    data.update(overrides)
    return services.submit_opinion(by=user, cell=cell, **data)


def page_data(cell, **overrides):
    data = {
        "cell": cell.pk,
        "topic": "concern",
        "member_name": "Ông Thịnh",
        "body": "Hay uống rượu rồi to tiếng với hàng xóm.",
        "token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


# --- the matrix of their own pages and endpoints ----------------------------------------

OWN_CAST = [
    ("anonymous", "login", 401),
    ("stranger", 403, 403),
    ("representative_a1", 200, 200),
    ("member_user", 403, 403),
    ("secretary_a1", 403, 403),
    ("commune_clerk", 403, 403),
    ("workplace_officer", 403, 403),
    ("provincial_officer", 403, 403),
    ("root_user", 403, 403),
]


@pytest.mark.parametrize("view", ["feedback:opinions", "feedback:opinion_new"])
@pytest.mark.parametrize(("who", "expected", "_api"), OWN_CAST)
def test_own_pages_matrix(client, world, view, who, expected, _api):
    url = reverse(view)
    login_as(client, world, who)

    assert_page_status(client.get(url), expected, url)


@pytest.mark.parametrize(("who", "_page", "expected"), OWN_CAST)
def test_own_endpoints_matrix(world, who, _page, expected):
    mine = opinion(world, world.representative_a1, world.cell_a1)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    user = world.user(who)
    if user is not None:
        client.force_authenticate(user)
    body = {
        "cell": world.cell_a1.pk,
        "topic": "concern",
        "member_name": "Ông Thịnh",
        "body": "Hay to tiếng.",
        "token": str(uuid.uuid4()),
    }
    count = ResidentReport.objects.count()

    statuses = (
        client.get(API).status_code,
        client.get(f"{API}{mine.pk}/").status_code,
        client.post(API, body, format="json").status_code,
    )

    assert statuses == (expected, expected, 201 if expected == 200 else expected)
    assert ResidentReport.objects.count() == count + (expected == 200)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("representative_a1", 403),
        ("secretary_a1", 200),
        ("commune_clerk", 200),
    ],
)
def test_the_representative_does_not_handle_even_their_own_opinion(client, world, who, expected):
    mine = opinion(world, world.representative_a1, world.cell_a1)
    login_as(client, world, who)

    queue = client.get(reverse("feedback:queue", args=[world.cell_a1.pk]))
    detail = client.get(reverse("feedback:detail", args=[mine.pk]))
    api = APIClient()
    api.force_authenticate(world.user(who))
    listed = api.get("/api/v1/feedback/reports/")

    assert queue.status_code == (404 if expected == 403 else 200)
    assert detail.status_code == (404 if expected == 403 else 200)
    assert [r["id"] for r in listed.data["results"]] == ([] if expected == 403 else [mine.pk])


def test_the_menu_offers_a_representative_their_opinions_and_nothing_else(client, world):
    client.force_login(world.representative_a1)

    html = client.get(reverse("accounts:home")).content.decode()

    start = html.index('<nav class="nav"')
    nav = html[start : html.index("</nav>", start)]
    assert f'href="{reverse("feedback:opinions")}"' in nav
    for hidden in (
        "members:list",
        "organizations:tree",
        "feedback:index",
        "registry:index",
        "training:index",
    ):
        assert f'href="{reverse(hidden)}"' not in nav
    assert f'href="{reverse("guidance:index")}"' in nav  # the rules are public texts
    assert "Head of the community" in html
    assert "You have no role yet" not in html


# --- writing an opinion ---------------------------------------------------------------


def test_an_opinion_from_the_page_enters_the_cells_queue_naming_its_writer(client, world):
    client.force_login(world.representative_a1)

    response = client.post(reverse("feedback:opinion_new"), page_data(world.cell_a1))

    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:opinions")
    report = ResidentReport.objects.get()
    assert (report.cell, report.topic, report.member_name) == (
        world.cell_a1,
        "concern",
        "Ông Thịnh",
    )
    assert (report.representative_kind, report.representative_name) == (
        "community_head",
        "Bình Lê Văn",
    )
    assert report.submitted_by == world.representative_a1
    assert (report.phone, report.community, report.status) == ("", "Tổ 1", "received")
    audit = AuditEvent.objects.get(object_type="feedback.residentreport", action="create")
    assert audit.changes == {"topic": "concern", "representative_kind": "community_head"}
    notified = Notification.objects.get(kind="feedback_received")
    assert notified.user == world.secretary_a1
    client.force_login(world.secretary_a1)
    queue = client.get(reverse("feedback:queue", args=[world.cell_a1.pk])).content.decode()
    assert "Head of the community: Bình Lê Văn" in queue
    detail = client.get(reverse("feedback:detail", args=[report.pk])).content.decode()
    assert "Written by" in detail
    assert "Phone for a call back" not in detail


def test_the_same_form_sent_twice_is_stored_once(client, world):
    client.force_login(world.representative_a1)
    data = page_data(world.cell_a1)
    client.post(reverse("feedback:opinion_new"), data)
    before = report_state()

    again = client.post(reverse("feedback:opinion_new"), data)

    assert again.status_code == 400
    assert "This opinion was already sent." in again.content.decode()
    assert report_state() == before
    assert ResidentReport.objects.count() == 1


def test_the_api_refuses_the_same_token_twice(world):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(world.representative_a1)
    body = page_data(world.cell_a1)
    first = api.post(API, body, format="json")
    before = report_state()

    second = api.post(API, body, format="json")

    assert first.status_code == 201
    assert set(first.data) == {
        "id",
        "cell",
        "cell_name",
        "topic",
        "member_name",
        "body",
        "received_at",
        "status",
    }
    assert second.status_code == 400
    assert second.data == {"detail": "This opinion was already sent."}
    assert report_state() == before


@pytest.mark.parametrize("cell", ["cell_a2", "cell_b1", "commune_a_committee", "workplace_cell"])
def test_a_representative_of_cell_a1_cannot_write_for_another_cell(client, world, cell):
    forged = getattr(world, cell)
    client.force_login(world.representative_a1)
    api = APIClient()
    api.force_authenticate(world.representative_a1)
    before = report_state()

    page = client.post(reverse("feedback:opinion_new"), page_data(forged))
    endpoint = api.post(API, page_data(forged), format="json")
    with pytest.raises(StepRefused):
        opinion(world, world.representative_a1, forged)

    assert (page.status_code, endpoint.status_code) == (404, 404)
    assert report_state() == before


@pytest.mark.parametrize("value", ["abc", "", "999999"])
def test_a_forged_or_missing_cell_on_the_page_stores_nothing(client, world, value):
    client.force_login(world.representative_a1)
    before = report_state()

    response = client.post(
        reverse("feedback:opinion_new"), page_data(world.cell_a1) | {"cell": value}
    )

    assert response.status_code in (400, 404)
    assert report_state() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("topic", "vote", "Select a valid choice."),
        ("member_name", "", "This field is required."),
        ("body", "x" * 2001, "Ensure this value has at most 2000 characters"),
        ("body", "Có\x07nhị phân", "Write plain text only."),
        ("token", "not-a-uuid", "This form is out of date."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_stores_nothing(
    client, world, field, value, message
):
    client.force_login(world.representative_a1)
    before = report_state()

    response = client.post(
        reverse("feedback:opinion_new"), page_data(world.cell_a1, **{field: value})
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert report_state() == before


def test_a_representative_reads_only_their_own_opinions(world, representative_a2):
    mine = opinion(world, world.representative_a1, world.cell_a1)
    theirs = opinion(world, representative_a2, world.cell_a2)
    send_report(services.open_channel(by=world.secretary_a1, cell=world.cell_a1))
    api = APIClient()
    api.force_authenticate(world.representative_a1)

    listed = api.get(API)
    other = api.get(f"{API}{theirs.pk}/")
    forged = api.get(f"{API}abc/")

    assert [row["id"] for row in listed.data["results"]] == [mine.pk]
    assert (other.status_code, forged.status_code) == (404, 404)


def test_the_list_shows_the_state_and_nothing_of_the_handling(client, world):
    mine = opinion(world, world.representative_a1, world.cell_a1)
    services.close_report(
        by=world.secretary_a1, report=mine, reason="not_about_a_member", note="Người ngoài tổ."
    )
    client.force_login(world.representative_a1)

    html = client.get(reverse("feedback:opinions")).content.decode()
    api = APIClient()
    api.force_authenticate(world.representative_a1)
    row = api.get(f"{API}{mine.pk}/").data

    assert "Closed" in html
    assert "Tham gia đầy đủ" in html
    assert "Người ngoài tổ" not in html
    assert "Not about a party member" not in html
    assert row["status"] == "closed"
    assert "note" not in row and "close_reason" not in row


def test_a_withdrawn_role_ends_the_reading_and_the_writing(client, world):
    opinion(world, world.representative_a1, world.cell_a1)
    assignment = RoleAssignment.objects.get(user=world.representative_a1)
    account_services.revoke_role(by=world.commune_clerk, assignment=assignment)
    client.force_login(world.representative_a1)

    assert client.get(reverse("feedback:opinions")).status_code == 403
    assert client.post(reverse("feedback:opinion_new"), page_data(world.cell_a1)).status_code == (
        403
    )
    assert ResidentReport.objects.count() == 1


# --- the residence side: matching, evidence and the Front meeting's record ---------------


def test_a_matched_opinion_is_on_record_for_the_front_meeting_of_its_year(
    client, world, representative_a2
):
    request = request_at(world, "requested")
    with time_machine.travel(IN_2025, tick=False):
        this_year = opinion(world, representative_a2, world.cell_a2)
    earlier = opinion(world, representative_a2, world.cell_a2, body="Năm trước: tốt.")
    ResidentReport.objects.filter(pk=earlier.pk).update(
        received_at=datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC)
    )
    report, _receipt = send_report(services.open_channel(by=world.secretary_a2, cell=world.cell_a2))
    for item in (this_year, earlier, report):
        services.match_report(by=world.secretary_a2, report=item, link=request.link)
    client.force_login(world.secretary_a2)

    response = client.get(reverse("comments:request", args=[request.pk]))

    html = response.content.decode()
    assert [r.pk for r in response.context["representative_opinions"]] == [this_year.pk]
    assert sorted(r.pk for r in response.context["resident_reports"]) == sorted(
        [this_year.pk, earlier.pk, report.pk]
    )
    assert "Written opinions of the community's representatives, 2025" in html
    assert "Head of the Front work committee: Hoa Trần Thị" in html


def test_the_workplace_never_reads_the_opinions(client, world, representative_a2):
    request = request_at(world, "requested")
    with time_machine.travel(IN_2025, tick=False):
        written = opinion(world, representative_a2, world.cell_a2)
    services.match_report(by=world.secretary_a2, report=written, link=request.link)
    client.force_login(world.workplace_officer)

    response = client.get(reverse("comments:request", args=[request.pk]))

    assert list(response.context["representative_opinions"]) == []
    assert "Hoa Trần Thị" not in response.content.decode()


def test_the_export_names_the_writer_of_an_opinion(client, world, representative_a2):
    import io

    from openpyxl import load_workbook

    opinion(world, representative_a2, world.cell_a2)
    client.force_login(world.commune_clerk)

    response = client.get(
        reverse("feedback:queue", args=[world.commune_a_committee.pk]), {"format": "xlsx"}
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "Written by" in values
    assert "Head of the Front work committee: Hoa Trần Thị" in values


def test_the_api_lists_the_opinions_with_their_writer(world, representative_a2):
    written = opinion(world, representative_a2, world.cell_a2)
    send_report(services.open_channel(by=world.secretary_a2, cell=world.cell_a2))
    api = APIClient()
    api.force_authenticate(world.secretary_a2)

    rows = api.get("/api/v1/feedback/reports/", {"opinions": "true"}).data["results"]

    assert [(r["id"], r["representative_kind"], r["representative_name"]) for r in rows] == [
        (written.pk, "front_committee_head", "Hoa Trần Thị")
    ]


# --- granting the role ----------------------------------------------------------------


def test_a_commune_clerk_appoints_a_representative_on_the_roles_page(client, world):
    person = make_user("truongthon")
    client.force_login(world.commune_clerk)
    url = reverse("accounts:roles", args=[world.commune_a_committee.pk])

    form = client.get(url).context["form"]
    response = client.post(
        url,
        {
            "username": "truongthon",
            "role": "community_representative",
            "organization": world.cell_a2.pk,
            "representative_kind": "community_head",
        },
    )

    assert [value for value, _label in form.fields["role"].choices] == ["community_representative"]
    assert list(form.fields["organization"].queryset) == [world.cell_a1, world.cell_a2]
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=person)
    assert (assignment.organization, assignment.role, assignment.representative_kind) == (
        world.cell_a2,
        "community_representative",
        "community_head",
    )
    assert assignment.granted_by == world.commune_clerk
    audit = AuditEvent.objects.get(action="grant", object_id=str(assignment.pk))
    assert audit.changes["representative_kind"] == "community_head"


@pytest.mark.parametrize(
    ("organization", "role", "kind", "message"),
    [
        ("cell_a1", "cell_secretary", "", "You may not assign roles in “Chi bộ tổ 1”."),
        ("commune_a_committee", "community_representative", "community_head", "residential"),
        ("cell_b1", "community_representative", "community_head", "You may not assign roles"),
        ("cell_a1", "community_representative", "", "Choose whom the representative speaks for."),
        ("cell_a1", "community_representative", "mayor", "Choose whom the representative"),
    ],
)
def test_what_a_clerk_may_not_grant(world, organization, role, kind, message):
    person = make_user("ai")
    before = list(RoleAssignment.objects.values_list("pk", flat=True))

    with pytest.raises(DomainError) as exc:
        account_services.grant_role(
            by=world.commune_clerk,
            user=person,
            organization=getattr(world, organization),
            role=role,
            representative_kind=kind,
        )

    assert message in str(exc.value)
    assert list(RoleAssignment.objects.values_list("pk", flat=True)) == before


def test_only_the_representative_role_speaks_for_a_community(world):
    with pytest.raises(DomainError) as exc:
        account_services.grant_role(
            by=world.provincial_officer,
            user=make_user("ai"),
            organization=world.cell_a1,
            role=Role.CELL_SECRETARY,
            representative_kind="community_head",
        )

    assert str(exc.value) == "Only a community representative speaks for a community."


def test_a_clerk_creates_a_representatives_account_but_links_no_member(world):
    account = account_services.create_account(
        by=world.commune_clerk, username="TruongThon", first_name="", last_name="", email=""
    )
    with pytest.raises(DomainError) as exc:
        account_services.create_account(
            by=world.commune_clerk,
            username="khac",
            first_name="",
            last_name="",
            email="",
            member=world.member_a1,
        )

    assert account.username == "truongthon"
    assert str(exc.value) == "You may not link this member record."


def test_a_clerk_manages_the_representatives_accounts_of_the_commune_only(client, world):
    representative = world.representative_a1
    client.force_login(world.commune_clerk)

    listed = client.get(reverse("accounts:account_list")).context["page"].rows
    disabled = client.post(
        reverse("accounts:account_set_active", args=[representative.pk]), {"is_active": "0"}
    )
    other = client.post(
        reverse("accounts:account_set_active", args=[world.secretary_a1.pk]), {"is_active": "0"}
    )

    assert [a.username for a in listed] == ["totruong1"]
    assert disabled.status_code == 302
    representative.refresh_from_db()
    assert representative.is_active is False
    assert other.status_code == 404


def test_a_representative_is_not_asked_for_a_second_factor(world, settings):
    from lienhe213.accounts.access import needs_second_factor

    settings.TWO_FACTOR_REQUIRED = True

    assert needs_second_factor(world.representative_a1) is False
    assert needs_second_factor(world.secretary_a1) is True
