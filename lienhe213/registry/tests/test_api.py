"""The tracking book through the REST API: the whole life of a link calls the same
services as the pages, every refusal answers with its status and changes nothing, a
stale version is 409, residence-only viewers get no party identifiers, and the list
costs the same number of queries whatever the number of rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienhe213.members.models import Member
from lienhe213.members.services import create_member, update_member
from lienhe213.organizations.services import create_organization, merge_organizations
from lienhe213.registry import services
from lienhe213.registry.models import ExemptionDecision, LinkEvent, ResidenceLink
from lienhe213.registry.tests.conftest import MONDAY, TODAY, book_state, classify, link_at

DAY = datetime.timedelta(days=1)


def api(user, language="en"):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def post(user, url, data, language="en"):
    return api(user, language).post(url, data, format="json")


def link_url(link, step=""):
    return f"/api/v1/links/{link.pk}/{step + '/' if step else ''}"


def history(link):
    return list(
        LinkEvent.objects.filter(link=link)
        .order_by("at", "pk")
        .values_list("kind", "on", "by__username")
    )


def refused(user, url, data, status, body):
    before = book_state()
    response = post(user, url, data)
    assert (response.status_code, response.json()) == (status, body)
    assert book_state() == before


def working_member(world, given_name, commune, community=None):
    return create_member(
        by=world.root_user,
        family_name="Trần",
        middle_name="Thị",
        given_name=given_name,
        gender="female",
        birth_date=datetime.date(1990, 6, 1),
        joined_on=datetime.date(2015, 9, 2),
        organization=world.workplace_cell,
        residence_commune=commune,
        residence_community=community,
    )


# --- the whole life ---------------------------------------------------------------------


def test_full_lifecycle_through_the_api(world):
    officer, clerk = world.workplace_officer, world.commune_clerk
    other = working_member(world, "Lan", world.commune_b)

    response = post(
        officer,
        "/api/v1/classifications/",
        {"member": world.member_w1.pk, "category": "normal", "decided_by": world.workplace.pk,
         "decided_on": "2025-03-01"},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert ExemptionDecision.objects.filter(member=world.member_w1).values_list(
        "category", "reason", "decided_by", "valid_from", "valid_until"
    ).get() == ("normal", "", world.workplace.pk, datetime.date(2025, 3, 1), None)
    classify(world, other)

    response = post(
        officer,
        "/api/v1/letters/issue/",
        {"workplace_organization": world.workplace.pk, "members": [world.member_w1.pk, other.pk],
         "issued_on": MONDAY.isoformat()},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    created = response.json()
    assert [
        (row["member"], row["letter_number"], row["residence_commune_organization"], row["status"])
        for row in created
    ] == [
        (world.member_w1.pk, 1, world.commune_a_committee.pk, "issued"),
        (other.pk, 2, world.commune_b_committee.pk, "issued"),
    ]
    assert created[0]["deadline"] == "2025-04-15"
    assert created[0]["version"] == 1
    link = ResidenceLink.objects.get(pk=created[0]["id"])

    steps = [
        (officer, "present", {"presented_on": "2025-03-05"}),
        (clerk, "receive", {"received_on": "2025-03-10"}),
        (clerk, "assign", {"cell": world.cell_a2.pk, "assigned_on": "2025-03-11"}),
        (world.secretary_a2, "acknowledge", {"acknowledged_on": "2025-03-12"}),
    ]
    for version, (user, step, data) in enumerate(steps, start=1):
        response = post(user, link_url(link, step), {"version": version, **data})
        assert response.status_code == 200, (step, response.json())
        assert response.json()["version"] == version + 1

    link.refresh_from_db()
    assert (
        link.status,
        link.presented_on,
        link.received_on,
        link.residence_cell,
        link.assigned_on,
        link.acknowledged_on,
    ) == (
        "active",
        datetime.date(2025, 3, 5),
        datetime.date(2025, 3, 10),
        world.cell_a2,
        datetime.date(2025, 3, 11),
        datetime.date(2025, 3, 12),
    )

    response = post(
        officer,
        link_url(link, "move-residence"),
        {"version": 5, "residence_commune": world.commune_b_committee.pk,
         "moved_on": "2025-06-02", "note": "Chuyển nhà"},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    moved = ResidenceLink.objects.get(pk=response.json()["id"])
    link.refresh_from_db()
    assert (link.status, link.ended_on, link.end_reason, link.superseded_by) == (
        "closed",
        datetime.date(2025, 6, 2),
        "moved_residence",
        moved,
    )
    assert (
        moved.status,
        moved.residence_commune_organization,
        moved.letter_number,
        moved.issued_on,
    ) == ("issued", world.commune_b_committee, 3, datetime.date(2025, 6, 2))

    response = post(world.other_clerk, link_url(moved, "receive"), {"version": 1,
                    "received_on": "2025-06-09"})  # fmt: skip
    assert response.status_code == 200, response.json()
    response = post(world.other_clerk, link_url(moved, "assign"), {"version": 2,
                    "cell": world.cell_b1.pk, "assigned_on": "2025-06-10"})  # fmt: skip
    assert response.status_code == 200, response.json()
    response = post(world.provincial_officer, link_url(moved, "acknowledge"), {"version": 3,
                    "acknowledged_on": "2025-06-11"})  # fmt: skip
    assert response.status_code == 200, response.json()
    response = post(
        officer,
        link_url(moved, "end"),
        {"version": 4, "reason": "died", "ended_on": "2025-08-01", "note": "Từ trần"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["end_reason"], body["ended_on"]) == (
        "closed",
        "died",
        "2025-08-01",
    )
    assert [event["step"] for event in body["events"]] == [
        "issued",
        "received",
        "assigned",
        "acknowledged",
        "closed",
    ]

    assert history(link) == [
        ("issued", MONDAY, "coquan"),
        ("presented", datetime.date(2025, 3, 5), "coquan"),
        ("received", datetime.date(2025, 3, 10), "xa"),
        ("assigned", datetime.date(2025, 3, 11), "xa"),
        ("acknowledged", datetime.date(2025, 3, 12), "chibo2"),
        ("moved", datetime.date(2025, 6, 2), "coquan"),
    ]
    assert history(moved) == [
        ("issued", datetime.date(2025, 6, 2), "coquan"),
        ("received", datetime.date(2025, 6, 9), "xa_b"),
        ("assigned", datetime.date(2025, 6, 10), "xa_b"),
        ("acknowledged", datetime.date(2025, 6, 11), "tinh"),
        ("closed", datetime.date(2025, 8, 1), "coquan"),
    ]
    assert LinkEvent.objects.get(link=link, kind="moved").note == "Chuyển nhà"
    assert ResidenceLink.objects.filter(member=other).values_list("status", flat=True).get() == (
        "issued"
    )


def test_return_letter(world):
    link = link_at(world, "received")

    response = post(
        world.commune_clerk,
        link_url(link, "return"),
        {"version": 2, "returned_on": "2025-03-11", "reason": "  Sai   địa chỉ "},
    )

    assert response.status_code == 200, response.json()
    link.refresh_from_db()
    assert (link.status, link.returned_on, link.return_reason) == (
        "returned",
        datetime.date(2025, 3, 11),
        "Sai địa chỉ",
    )
    assert history(link)[-1] == ("returned", datetime.date(2025, 3, 11), "xa")


def test_change_workplace_by_the_new_committee(world):
    link = link_at(world, "active")
    new_workplace = create_organization(
        by=world.root_user,
        name="Đảng bộ Sở Y tế",
        kind="grassroots_committee",
        side="workplace",
        parent=world.province,
    )
    update_member(
        by=world.root_user, member=world.member_w1, version=None, organization=new_workplace
    )
    world.workplace_officer.role_assignments.all().delete()
    world.workplace_officer.role_assignments.create(
        organization=new_workplace, role="workplace_officer"
    )

    response = post(
        world.workplace_officer,
        link_url(link, "change-workplace"),
        {"version": 4, "workplace": new_workplace.pk, "changed_on": "2025-07-01"},
    )

    assert response.status_code == 200, response.json()
    link.refresh_from_db()
    assert (link.workplace_organization, link.issued_by_organization, link.version) == (
        new_workplace,
        world.workplace,
        5,
    )
    assert history(link)[-1] == ("workplace_changed", datetime.date(2025, 7, 1), "coquan")


def test_exempt_with_category_a_keeps_the_link(world):
    link = link_at(world, "active")

    response = post(
        world.workplace_officer,
        link_url(link, "exempt"),
        {"version": 4, "category": "a", "reason": "mobile_work", "decided_by": world.workplace.pk,
         "decided_on": "2025-09-01", "valid_until": "2026-08-31", "review_on": "2026-08-01"},
    )  # fmt: skip

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["link"]["status"], body["link"]["category"], body["link"]["version"]) == (
        "active",
        "a",
        5,
    )
    decision = ExemptionDecision.objects.get(pk=body["classification"]["id"])
    assert (
        decision.member_id,
        decision.category,
        decision.reason,
        decision.valid_from,
        decision.valid_until,
        decision.review_on,
    ) == (
        world.member_w1.pk,
        "a",
        "mobile_work",
        datetime.date(2025, 9, 1),
        datetime.date(2026, 8, 31),
        datetime.date(2026, 8, 1),
    )
    assert history(link)[-1] == ("exempted", datetime.date(2025, 9, 1), "coquan")


def test_retire_transfers_the_member_to_the_cell(world):
    link = link_at(world, "active")
    member_version = Member.objects.get(pk=world.member_w1.pk).version

    response = post(
        world.provincial_officer,
        link_url(link, "retire"),
        {"version": 4, "member_version": member_version, "retired_on": "2025-10-01"},
    )

    assert response.status_code == 200, response.json()
    link.refresh_from_db()
    member = Member.objects.get(pk=world.member_w1.pk)
    assert (link.status, link.end_reason, link.ended_on) == (
        "closed",
        "retired_transferred",
        datetime.date(2025, 10, 1),
    )
    assert (member.employment, member.organization, member.version) == (
        "retired",
        world.cell_a2,
        member_version + 1,
    )


def test_classification_exemption_and_revoke(world):
    response = post(
        world.workplace_officer,
        "/api/v1/classifications/",
        {"member": world.member_w1.pk, "category": "b", "reason": "abroad",
         "decided_by": world.workplace.pk, "decided_on": "2025-01-02",
         "proposed_by": world.workplace_cell.pk, "evidence": "Quyết định cử đi học"},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    decision = ExemptionDecision.objects.get(pk=response.json()["id"])
    assert (decision.category, decision.reason, decision.proposed_by, decision.recorded_by) == (
        "b",
        "abroad",
        world.workplace_cell,
        world.workplace_officer,
    )

    response = post(
        world.workplace_officer,
        f"/api/v1/classifications/{decision.pk}/revoke/",
        {"revoked_on": "2025-06-01", "note": "Về nước sớm"},
    )

    assert response.status_code == 200, response.json()
    decision.refresh_from_db()
    assert (decision.revoked_on, decision.revoked_by) == (
        datetime.date(2025, 6, 1),
        world.workplace_officer,
    )
    assert response.json()["revoked_on"] == "2025-06-01"


def test_remap_after_communes_merge(world):
    classify(world)
    link = services.issue_letter(
        by=world.root_user,
        workplace=world.workplace,
        member=world.member_w1,
        issued_on=MONDAY,
        residence_commune=world.commune_b_committee,
    )
    merged_on = TODAY + 30 * DAY
    merge_organizations(
        by=world.root_user,
        absorbed=world.commune_b_committee,
        into=world.commune_a_committee,
        effective_date=merged_on,
    )

    response = post(
        world.provincial_officer,
        "/api/v1/links/remap/",
        {"source": world.commune_b_committee.pk, "commune": world.commune_a_committee.pk,
         "effective_on": merged_on.isoformat()},
    )  # fmt: skip

    assert response.status_code == 200, response.json()
    assert [row["id"] for row in response.json()] == [link.pk]
    link.refresh_from_db()
    assert (link.residence_commune_organization, link.version) == (world.commune_a_committee, 2)
    assert history(link)[-1] == ("remapped", merged_on, "tinh")


# --- reading ------------------------------------------------------------------------------


def test_detail_hides_party_identifiers_from_the_residence(world):
    link = link_at(world, "active")
    Member.objects.filter(pk=world.member_w1.pk).update(dossier_number="HS-0042")

    for user, shown in [
        (world.commune_clerk, False),
        (world.secretary_a2, False),
        (world.workplace_officer, True),
        (world.member_user, True),
        (world.provincial_officer, True),
    ]:
        detail = api(user).get(link_url(link)).json()
        listed = api(user).get("/api/v1/links/").json()["results"][0]
        expected = ("22345678", "HS-0042") if shown else (None, None)
        assert (detail["party_card_number"], detail["dossier_number"]) == expected, user
        assert (listed["party_card_number"], listed["dossier_number"]) == expected, user
        assert detail["member_name"] == "Nguyễn Văn Đức"
        assert [event["step"] for event in detail["events"]] == [
            "issued",
            "received",
            "assigned",
            "acknowledged",
        ]


def test_list_filters(world):
    active = link_at(world, "active")
    other = working_member(world, "Lan", world.commune_b)
    classify(world, other)
    overdue = services.issue_letter(
        by=world.root_user, workplace=world.workplace, member=other, issued_on=MONDAY
    )
    recent = working_member(world, "Mai", world.commune_a)
    classify(world, recent)
    pending = services.issue_letter(
        by=world.root_user, workplace=world.workplace, member=recent, issued_on=TODAY
    )
    client = api(world.provincial_officer)

    def ids(**query):
        response = client.get("/api/v1/links/", query)
        assert response.status_code == 200, response.json()
        return sorted(row["id"] for row in response.json()["results"])

    assert ids() == sorted([active.pk, overdue.pk, pending.pk])
    assert ids(status="active") == [active.pk]
    assert ids(status="issued") == sorted([overdue.pk, pending.pk])
    assert ids(overdue="true") == [overdue.pk]
    assert ids(overdue="false") == sorted([active.pk, pending.pk])
    assert ids(residence_commune_organization=world.commune_b_committee.pk) == [overdue.pk]
    assert ids(residence_commune_organization=world.province.pk) == sorted(
        [active.pk, overdue.pk, pending.pk]
    )
    assert ids(residence_cell=world.cell_a2.pk) == [active.pk]
    assert ids(workplace_organization=world.workplace.pk) == sorted(
        [active.pk, overdue.pk, pending.pk]
    )
    assert ids(workplace_organization=world.commune_a_committee.pk) == []
    assert ids(member=other.pk) == [overdue.pk]
    assert ids(category="a") == []
    assert client.get("/api/v1/links/", {"status": "lost"}).status_code == 400


def test_list_scopes_each_side(world):
    link = link_at(world, "issued")

    def ids(user, **query):
        response = api(user).get("/api/v1/links/", query)
        return response.status_code, [row["id"] for row in response.json().get("results", [])]

    assert ids(world.commune_clerk) == (200, [link.pk])
    assert ids(world.workplace_officer) == (200, [link.pk])
    assert ids(world.other_clerk) == (200, [])
    assert ids(world.secretary_a2) == (200, [])  # not in a cell yet
    assert ids(world.stranger) == (200, [])
    # The workplace may look up the commune where its members are registered...
    assert ids(
        world.workplace_officer, residence_commune_organization=world.commune_a_committee.pk
    ) == (
        200,
        [link.pk],
    )
    # ...but an organization outside one's scope is no filter for the other clerk.
    assert ids(world.other_clerk, workplace_organization=world.workplace.pk)[0] == 400


def test_list_queries_do_not_grow_with_rows(world):
    def count_queries():
        client = api(world.commune_clerk)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/links/")
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    link_at(world, "active")
    few = count_queries()
    for name in ("Lan", "Mai", "Cúc", "Hồng"):
        member = working_member(world, name, world.commune_a, world.community_a1)
        classify(world, member)
        link = services.issue_letter(
            by=world.root_user, workplace=world.workplace, member=member, issued_on=MONDAY
        )
        services.receive_letter(by=world.root_user, link=link, received_on=MONDAY + DAY)
        services.assign_to_cell(
            by=world.root_user, link=link, cell=world.cell_a1, assigned_on=MONDAY + DAY
        )
    many = count_queries()

    assert few[1] == 1 and many[1] == 5
    assert many[0] == few[0]


def test_classifications_are_scoped_to_visible_members(world):
    decision = classify(world)
    classify(world, world.member_b1, workplace=world.commune_b_committee)

    def ids(user):
        return [row["id"] for row in api(user).get("/api/v1/classifications/").json()["results"]]

    assert ids(world.workplace_officer) == [decision.pk]
    assert ids(world.member_user) == [decision.pk]
    assert ids(world.commune_clerk) == []  # not linked to the commune yet
    assert ids(world.stranger) == []
    assert (
        api(world.commune_clerk).get(f"/api/v1/classifications/{decision.pk}/").status_code == 404
    )


def test_reconciliation_for_a_subtree_and_the_whole_book(world):
    link_at(world, "issued")  # overdue from 15 April 2025 on
    unclassified = working_member(world, "Lan", world.commune_b)

    response = api(world.workplace_officer).get(
        "/api/v1/reconciliation/",
        {"organization": world.workplace.pk, "date": "2025-05-01"},
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["on"], body["organization"], body["is_clean"]) == (
        "2025-05-01",
        world.workplace.pk,
        False,
    )
    counts = {f["kind"]: f["ids"] for f in body["findings"] if f["ids"]}
    link = ResidenceLink.objects.get()
    assert counts == {"unclassified": [unclassified.pk], "overdue_letters": [link.pk]}
    assert api(world.root_user).get("/api/v1/reconciliation/", {"date": "2025-04-01"}).json()[
        "findings"
    ][0]["ids"] == [world.member_b1.pk, unclassified.pk]
    whole = api(world.root_user).get("/api/v1/reconciliation/").json()
    assert whole["organization"] is None
    refused_reads = [
        api(world.commune_clerk).get("/api/v1/reconciliation/"),
        api(world.commune_clerk).get(
            "/api/v1/reconciliation/", {"organization": world.workplace.pk}
        ),
        api(world.commune_clerk).get(
            "/api/v1/reconciliation/", {"organization": world.commune_a_committee.pk, "date": "x"}
        ),
    ]
    assert [(r.status_code, sorted(r.json())) for r in refused_reads] == [
        (400, ["organization"]),
        (400, ["organization"]),
        (400, ["date"]),
    ]


# --- refusals -------------------------------------------------------------------------


def test_receiving_a_closed_letter(world, issued):
    services.end_link_for_departure(
        by=world.root_user, link=issued, ended_on=MONDAY + DAY, reason="left_party"
    )

    refused(
        world.commune_clerk,
        link_url(issued, "receive"),
        {"version": 2, "received_on": "2025-03-10"},
        400,
        {"detail": "This link is closed; its letter can no longer be received."},
    )


def test_assigning_to_a_cell_of_another_commune(world):
    link = link_at(world, "received")

    # The provincial officer sees cell B1: the service refuses it.
    refused(
        world.provincial_officer,
        link_url(link, "assign"),
        {"version": 2, "cell": world.cell_b1.pk},
        400,
        {
            "cell": [
                "“Chi bộ thôn Nà Tông” is not a current residential cell of "
                "“Đảng bộ phường Hà Giang 1”."
            ]
        },
    )
    # The commune clerk does not see it: the id is as good as unknown.
    refused(
        world.commune_clerk,
        link_url(link, "assign"),
        {"version": 2, "cell": world.cell_b1.pk},
        400,
        {"cell": [f'Invalid pk "{world.cell_b1.pk}" - object does not exist.']},
    )


def test_issuing_a_second_open_link(world, issued):
    refused(
        world.workplace_officer,
        "/api/v1/letters/issue/",
        {"workplace_organization": world.workplace.pk, "members": [world.member_w1.pk]},
        400,
        {"detail": "“Nguyễn Văn Đức” already has an open residence link."},
    )


def test_bulk_issue_with_a_category_b_member_creates_nothing(world):
    other = working_member(world, "Lan", world.commune_b)
    classify(world)
    services.record_exemption(
        by=world.root_user,
        member=other,
        category="b",
        reason="remote_post",
        decided_by=world.workplace,
        decided_on=MONDAY,
    )

    refused(
        world.workplace_officer,
        "/api/v1/letters/issue/",
        {"workplace_organization": world.workplace.pk, "members": [world.member_w1.pk, other.pk],
         "issued_on": MONDAY.isoformat()},
        400,
        {"detail": "“Trần Thị Lan” is exempt from introduction (category B)."},
    )  # fmt: skip
    assert not ResidenceLink.objects.exists()


def test_bulk_issue_with_a_member_outside_the_issuers_subtree(world):
    classify(world)
    classify(world, world.member_b1, workplace=world.commune_b_committee)
    body = {
        "workplace_organization": world.workplace.pk,
        "members": [world.member_w1.pk, world.member_b1.pk],
        "issued_on": MONDAY.isoformat(),
    }

    refused(
        world.provincial_officer,
        "/api/v1/letters/issue/",
        body,
        400,
        {"detail": "“Lò Văn Pọm” is not a member of “Đảng bộ Sở Giáo dục và Đào tạo”."},
    )
    refused(
        world.workplace_officer,
        "/api/v1/letters/issue/",
        body,
        400,
        {"members": [f'Invalid pk "{world.member_b1.pk}" - object does not exist.']},
    )
    assert not ResidenceLink.objects.exists()


def test_refusals_answer_in_the_requested_language(world):
    classify(world, world.member_b1, workplace=world.commune_b_committee)
    before = book_state()

    response = post(
        world.provincial_officer,
        "/api/v1/letters/issue/",
        {"workplace_organization": world.workplace.pk, "members": [world.member_b1.pk]},
        language="vi",
    )

    assert (response.status_code, response.json()) == (
        400,
        {"detail": "“Lò Văn Pọm” không phải là đảng viên của “Đảng bộ Sở Giáo dục và Đào tạo”."},
    )
    assert book_state() == before


WORKPLACE_REFUSAL = "You may not act for the workplace committee “Đảng bộ Sở Giáo dục và Đào tạo”."
COMMUNE_REFUSAL = "You may not act for the commune committee “Đảng bộ phường Hà Giang 1”."


@pytest.mark.parametrize(
    ("user", "stage", "step", "data", "reason"),
    [
        ("workplace_officer", "issued", "receive", {}, COMMUNE_REFUSAL),
        ("workplace_officer", "received", "assign", {"cell": "cell_a2"}, COMMUNE_REFUSAL),
        ("secretary_a2", "assigned", "return", {"reason": "Sai địa chỉ"}, COMMUNE_REFUSAL),
        ("commune_clerk", "assigned", "acknowledge", {},
         "You may not act for the residential cell “Chi bộ tổ 2”."),
        ("commune_clerk", "assigned", "end", {"reason": "died"}, WORKPLACE_REFUSAL),
        ("commune_clerk", "assigned", "move-residence",
         {"residence_commune": "commune_b_committee"}, WORKPLACE_REFUSAL),
        ("secretary_a2", "assigned", "exempt",
         {"category": "a", "reason": "mobile_work", "decided_by": "workplace"}, WORKPLACE_REFUSAL),
        ("secretary_a2", "assigned", "retire", {"member_version": 1}, WORKPLACE_REFUSAL),
        ("member_user", "assigned", "present", {}, "You may not act on this letter."),
    ],
)  # fmt: skip
def test_acting_from_the_wrong_side_is_forbidden(world, user, stage, step, data, reason):
    link = link_at(world, stage)
    organizations = ("cell", "residence_commune", "decided_by")
    body = {k: getattr(world, v).pk if k in organizations else v for k, v in data.items()}

    refused(
        getattr(world, user),
        link_url(link, step),
        {"version": link.version, **body},
        403,
        {"detail": reason},
    )


def test_forged_ids_are_not_found(world, issued):
    for user, url in [
        (world.other_clerk, link_url(issued, "receive")),
        (world.stranger, link_url(issued, "present")),
        (world.commune_clerk, "/api/v1/links/999999/receive/"),
        (world.commune_clerk, "/api/v1/links/abc/receive/"),
    ]:
        refused(user, url, {"version": 1}, 404, {"detail": "Not found."})


def test_stale_version_is_a_conflict(world, issued):
    refused(
        world.commune_clerk,
        link_url(issued, "receive"),
        {"version": 7, "received_on": "2025-03-10"},
        409,
        {
            "detail": "This entry was changed by someone else meanwhile. Reload it and try again.",
            "version": 1,
        },
    )


def test_stale_member_version_on_retirement_is_a_conflict(world):
    link = link_at(world, "active")
    stored = Member.objects.get(pk=world.member_w1.pk).version

    refused(
        world.provincial_officer,
        link_url(link, "retire"),
        {"version": 4, "member_version": stored + 1, "retired_on": "2025-10-01"},
        409,
        {
            "detail": "This record was changed by someone else meanwhile. Reload it and try again.",
            "version": 4,
            "member_version": stored,
        },
    )


def test_version_is_required(world, issued):
    refused(
        world.commune_clerk,
        link_url(issued, "receive"),
        {"received_on": "2025-03-10"},
        400,
        {"version": ["This field is required."]},
    )


def test_ending_for_another_reason_is_refused(world, issued):
    refused(
        world.workplace_officer,
        link_url(issued, "end"),
        {"version": 1, "reason": "moved_residence"},
        400,
        {"reason": ["Choose whether the member left the party or died."]},
    )


def test_remap_by_a_commune_clerk_is_forbidden(world, issued):
    refused(
        world.commune_clerk,
        "/api/v1/links/remap/",
        {
            "source": world.cell_a1.pk,
            "commune": world.commune_a_committee.pk,
            "cell": world.cell_a2.pk,
        },
        403,
        {"detail": "You may not re-map links."},
    )


def test_normal_classification_takes_no_reason(world):
    refused(
        world.workplace_officer,
        "/api/v1/classifications/",
        {"member": world.member_w1.pk, "category": "normal", "reason": "abroad",
         "decided_by": world.workplace.pk},
        400,
        {"reason": ["A normal classification has no reason, end or review."]},
    )  # fmt: skip


def test_issuing_without_members(world):
    refused(
        world.workplace_officer,
        "/api/v1/letters/issue/",
        {"workplace_organization": world.workplace.pk, "members": []},
        400,
        {"members": ["Choose at least one member."]},
    )


def test_assigning_before_receipt(world, issued):
    refused(
        world.commune_clerk,
        link_url(issued, "assign"),
        {"version": 1, "cell": world.cell_a2.pk},
        400,
        {"detail": "Only a received letter can be assigned to a cell; this link is issued."},
    )


def test_changing_workplace_before_the_formal_transfer(world, issued):
    new_workplace = create_organization(
        by=world.root_user,
        name="Đảng bộ Sở Y tế",
        kind="grassroots_committee",
        side="workplace",
        parent=world.province,
    )

    refused(
        world.provincial_officer,
        link_url(issued, "change-workplace"),
        {"version": 1, "workplace": new_workplace.pk},
        400,
        {"workplace": ["Transfer “Nguyễn Văn Đức” formally to “Đảng bộ Sở Y tế” first."]},
    )
