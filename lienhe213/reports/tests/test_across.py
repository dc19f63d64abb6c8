"""Reports across the 2025 restructuring (ADR 0018): two communes of the cast merged
into a new one on 01/07/2025 through the project's services, their cells moved with
them and merged, their links re-mapped."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import member_fields
from lienhe213.members.models import Member
from lienhe213.members.services import create_member
from lienhe213.organizations.models import Organization
from lienhe213.organizations.services import (
    create_organization,
    merge_organizations,
    rename_organization,
)
from lienhe213.registry import services as registry_services
from lienhe213.registry.models import ResidenceLink
from lienhe213.reports import links
from lienhe213.reports.history import Merged
from lienhe213.reports.indicators import Period, compute
from lienhe213.reports.review import build_review
from lienhe213.reports.tests.conftest import TODAY, held, rows_elsewhere, year_in_commune_a

FOUNDED = datetime.date(2020, 1, 2)
MERGER = datetime.date(2025, 7, 1)
AFTER_MERGER = datetime.date(2025, 9, 9)
A, B, NEW = "Đảng bộ phường Hà Giang 1", "Đảng bộ xã Lâm Bình", "Đảng bộ phường Hà Giang"
# The figures that add up over the parts of a period (not "as of" a day, not rates).
ADDITIVE = [
    "letters_issued",
    "letters_received",
    "meetings_held",
    "attendance_invited",
    "attendance_present",
    "notices_sent",
]


def records(world):
    """The cast's units, founded in 2020, with records in both communes: a meeting of
    cell B1 in 2023, a 2024 letter to commune B taken in by cell B1, and the 2025 year
    of the reports' cast (a link each in cells A2 and B1, a meeting each in June,
    comments and notices)."""
    Organization.objects.update(valid_from=FOUNDED)
    held(world, world.cell_b1, datetime.date(2023, 5, 5), {})
    letter_of_2024(world)
    _link, campaign = year_in_commune_a(world)
    rows_elsewhere(world, campaign)


def letter_of_2024(world):
    member = create_member(
        by=world.root_user,
        **member_fields(
            world.workplace_cell,
            given_name="Dũng",
            party_card_number="62345678",
            citizen_id="002085007777",
            residence_commune=world.commune_b,
        ),
    )
    day = datetime.date(2024, 4, 1)
    by = world.root_user
    registry_services.classify_member(
        by=by, member=member, decided_by=world.workplace, decided_on=day
    )
    link = registry_services.issue_letter(
        by=by, workplace=world.workplace, member=member, issued_on=day
    )
    link = registry_services.receive_letter(by=by, link=link, received_on=day)
    link = registry_services.assign_to_cell(by=by, link=link, cell=world.cell_b1, assigned_on=day)
    return registry_services.acknowledge_link(by=by, link=link, acknowledged_on=day)


def restructure(world):
    """Communes A and B merged into the new commune on 01/07/2025 (their cells move
    under it), cell A1 merged into cell A2, the links of both communes and of cell A1
    re-mapped; cell A2 meets once after the merger."""
    by = world.root_user
    new = create_organization(
        by=by,
        name=NEW,
        kind="grassroots_committee",
        side="residential",
        parent=world.province,
        administrative_unit=world.commune_a,
        valid_from=MERGER,
    )
    for old in (world.commune_a_committee, world.commune_b_committee):
        merge_organizations(by=by, absorbed=old, into=new, effective_date=MERGER)
    merge_organizations(by=by, absorbed=world.cell_a1, into=world.cell_a2, effective_date=MERGER)
    for old in (world.commune_a_committee, world.commune_b_committee):
        registry_services.remap_links(by=by, source=old, commune=new, effective_on=MERGER)
    registry_services.remap_links(
        by=by, source=world.cell_a1, commune=new, cell=world.cell_a2, effective_on=MERGER
    )
    held(world, world.cell_a2, AFTER_MERGER, {world.member_w1: "present"})
    return new


def report(world, org, period, user=None):
    if isinstance(period, int):
        period = Period.for_year(period)
    org = Organization.objects.get(pk=org.pk)
    return compute(
        user=user or world.provincial_officer, organization=org, period=period, today=TODAY
    )


def additive(result):
    return {name: result.figures[name] for name in ADDITIVE}


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


# --- 1. a unit founded by the merger, over a period that starts before it -------------


@pytest.mark.parametrize(
    "period", [2025, Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))]
)
def test_the_new_commune_counts_its_predecessors_before_the_merger_and_its_own_after(world, period):
    records(world)
    new = restructure(world)

    result = report(world, new, period)
    before_a = report(world, world.commune_a_committee, 2025)
    before_b = report(world, world.commune_b_committee, 2025)
    after = report(world, new, Period(MERGER, datetime.date(2025, 12, 31)))

    assert result.merged_in == [Merged(MERGER, [A, B])]
    assert additive(result) == {
        "letters_issued": 2,
        "letters_received": 2,
        "meetings_held": 3,
        "attendance_invited": 4,
        "attendance_present": 2,
        "notices_sent": 2,
    }
    # each predecessor up to its last day, the new commune from its first: no overlap
    assert before_a.period.end == before_b.period.end == datetime.date(2025, 6, 30)
    assert {
        name: before_a.figures[name] + before_b.figures[name] + after.figures[name]
        for name in ADDITIVE
    } == additive(result)
    # the links re-mapped from the old communes and cell A1 count once
    assert result.figures["active_links"] == 3
    assert ResidenceLink.objects.filter(residence_commune_organization=new).count() == 3
    assert result.figures["comments_requested"] == 2


def test_the_report_page_says_whose_records_it_includes(client, world):
    records(world)
    new = restructure(world)
    client.force_login(world.provincial_officer)
    url = reverse("reports:organization", args=[new.pk])

    body = text(client.get(url, {"year": 2025}))
    ranged = text(client.get(url, {"from": "2025-01-01", "to": "2025-12-31"}))
    own = text(client.get(url, {"from": "2025-07-01", "to": "2025-12-31"}))

    sentence = f"Including the records of {A} and {B} before 01/07/2025."
    assert sentence in body
    assert sentence in ranged
    assert "Including the records" not in own


def test_the_new_commune_for_a_year_before_it_stands_for_its_predecessors(client, world):
    records(world)
    new = restructure(world)
    client.force_login(world.provincial_officer)

    result = report(world, new, 2024)
    body = text(client.get(reverse("reports:organization", args=[new.pk]), {"year": 2024}))

    assert result.merged_in == []
    assert (result.figures["letters_issued"], result.figures["active_links"]) == (1, 1)
    assert f"Founded on 01/07/2025 from {A} and {B}: these are their records." in body


# --- 2. a unit after its end -----------------------------------------------------------


def test_a_merged_commune_after_its_end_says_where_it_went(client, world):
    records(world)
    new = restructure(world)
    client.force_login(world.provincial_officer)
    url = reverse("reports:organization", args=[world.commune_a_committee.pk])

    result = report(world, world.commune_a_committee, 2026)
    response = client.get(url, {"year": 2026})
    body = text(response)

    assert result.ended_before
    assert result.successor is not None and result.successor.organization == new
    assert result.children == []
    assert set(result.figures.values()) == {0, None}  # counts zero, rates undefined
    assert f"{A} was merged into {NEW} on 01/07/2025." in body
    assert f'href="{reverse("reports:organization", args=[new.pk])}?year=2026"' in body
    assert "Members and the tracking book" not in body  # no page of zeros


def test_a_merged_commune_for_the_year_of_the_merger_stops_at_its_last_day(client, world):
    records(world)
    restructure(world)
    client.force_login(world.provincial_officer)

    result = report(world, world.commune_a_committee, 2025)
    body = text(
        client.get(
            reverse("reports:organization", args=[world.commune_a_committee.pk]), {"year": 2025}
        )
    )

    # cell A2 met in June under commune A, and in September under the new commune
    assert result.figures["meetings_held"] == 1
    assert result.period == Period(datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))
    assert f"{A} was merged into {NEW} on 01/07/2025. The figures below run to 30/06/2025." in body
    assert "Members and the tracking book" in body


def test_the_api_gives_the_successor_in_words_and_its_url(world):
    records(world)
    new = restructure(world)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(world.provincial_officer)

    body = api.get(
        "/api/v1/reports/indicators/",
        {"organization": world.commune_b_committee.pk, "year": 2026},
    ).json()
    current = api.get("/api/v1/reports/indicators/", {"organization": new.pk, "year": 2025}).json()

    assert body["successor"] == {
        "id": new.pk,
        "name": NEW,
        "on": "2025-07-01",
        "text": f"{B} was merged into {NEW} on 01/07/2025.",
        "url": reverse("reports:organization", args=[new.pk]) + "?year=2026",
    }
    assert body["figures"]["meetings_held"] == 0
    assert current["successor"] is None
    assert current["notes"] == [f"Including the records of {A} and {B} before 01/07/2025."]


def test_the_successor_is_named_without_a_link_for_who_may_not_see_it(world):
    records(world)
    restructure(world)
    result = report(world, world.commune_a_committee, 2026)

    seen = links.across(result, Period.for_year(2026), user=world.provincial_officer)
    unseen = links.across(result, Period.for_year(2026), user=world.stranger)

    assert seen["successor"]["url"]
    assert unseen["successor"]["text"] == f"{A} was merged into {NEW} on 01/07/2025."
    assert (unseen["successor"]["id"], unseen["successor"]["url"]) == (None, "")


def test_a_dissolved_unit_after_its_end_says_it_ceased(world):
    Organization.objects.update(valid_from=FOUNDED)
    Organization.objects.filter(pk=world.cell_b1.pk).update(valid_until=datetime.date(2024, 12, 31))

    result = report(world, world.cell_b1, 2025)

    assert result.ended_before
    assert result.successor is not None and result.successor.organization is None
    assert result.figures["working_members"] == 0


# --- 3. the thematic review --------------------------------------------------------------


def test_the_review_shows_formerly_after_a_merger_and_a_rename(client, world):
    records(world)
    new = restructure(world)
    rename_organization(
        by=world.root_user,
        organization=world.cell_b1,
        name="Chi bộ thôn Nà Tông Mới",
        effective_date=datetime.date(2025, 10, 1),
    )
    client.force_login(world.provincial_officer)

    province = build_review(
        user=world.provincial_officer, organization=world.province, year=2025, today=TODAY
    )
    commune = build_review(user=world.provincial_officer, organization=new, year=2025, today=TODAY)
    body = text(client.get(reverse("reports:review", args=[new.pk, 2025])))

    units = {unit.name: unit.formerly for unit in province.ranked + province.unranked}
    assert units[NEW] == [A, B]
    cells = {unit.name: unit.formerly for unit in commune.ranked + commune.unranked}
    assert cells == {
        "Chi bộ thôn Nà Tông Mới": ["Chi bộ thôn Nà Tông"],
        "Chi bộ tổ 2": ["Chi bộ tổ 1"],
    }
    assert commune.formerly == [A, B]
    assert "formerly: Chi bộ thôn Nà Tông" in body
    assert f"formerly: {A}, {B}" in body


# --- 4. one tap to another year ------------------------------------------------------------


def test_the_province_report_links_every_year_since_the_earliest_record(client, world):
    records(world)
    client.force_login(world.provincial_officer)
    url = reverse("reports:organization", args=[world.province.pk])

    body = client.get(url, {"year": 2025}).content.decode()

    years = re.findall(r'<a class="button( primary)?" href="[^"]*\?year=(\d+)"', body)
    assert [(int(year), bool(shown)) for shown, year in years] == [
        (2023, False),
        (2024, False),
        (2025, True),
        (2026, False),
    ]
    assert text(client.get(url, {"year": 2023})).count('aria-current="page">2023') == 1


def test_with_no_record_only_the_current_year_is_offered(client, world):
    client.force_login(world.provincial_officer)

    body = client.get(reverse("reports:organization", args=[world.province.pk])).content.decode()

    assert re.findall(r'class="button[^"]*" href="[^"]*\?year=(\d+)"', body) == ["2026"]


# --- 5. nothing lost across the restructuring ----------------------------------------------


def book(on=TODAY):
    out = io.StringIO()
    call_command("check_book", date=on, stdout=out)
    return out.getvalue()


def test_no_member_or_link_is_lost_across_the_restructuring(world):
    records(world)
    province_path = world.province.path
    check_before = book()
    members_before = Member.objects.filter(unit_path__startswith=province_path).count()
    open_before = sorted(ResidenceLink.objects.open().values_list("pk", "member_id"))
    report_before = report(world, world.province, 2024)

    new = restructure(world)

    check_after = book()
    report_after = report(world, world.province, 2024)
    assert check_before.endswith("No invariant broken.\n")
    assert check_after == check_before
    assert Member.objects.filter(unit_path__startswith=province_path).count() == members_before
    assert sorted(ResidenceLink.objects.open().values_list("pk", "member_id")) == open_before
    assert len(open_before) == 3
    assert (
        not ResidenceLink.objects.open()
        .exclude(residence_commune_organization=new)
        .filter(
            residence_commune_organization__in=[
                world.commune_a_committee,
                world.commune_b_committee,
            ]
        )
    )
    assert report_after.figures == report_before.figures
    assert (report_before.figures["letters_issued"], report_before.figures["working_members"]) == (
        1,
        len(Member.objects.filter(employment="working")),
    )
    assert report(world, world.province, 2025).figures["active_links"] == 3


def test_the_exports_carry_the_same_sentences(client, world):
    from openpyxl import load_workbook

    records(world)
    new = restructure(world)
    client.force_login(world.provincial_officer)

    def notes(org, year, fmt="xlsx"):
        url = reverse("reports:organization", args=[org.pk])
        response = client.get(url, {"year": year, "format": fmt})
        assert response.status_code == 200
        if fmt != "xlsx":
            return []
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        return [row[1].value for row in sheet.iter_rows() if row[0].value == "Note"]

    assert notes(new, 2025) == [f"Including the records of {A} and {B} before 01/07/2025."]
    assert notes(world.commune_b_committee, 2026) == [f"{B} was merged into {NEW} on 01/07/2025."]
    assert notes(world.province, 2024) == []
    assert notes(world.commune_b_committee, 2026, fmt="pdf") == []  # renders


def test_an_ended_unit_stays_behind_its_gatekeeper_and_refuses_a_bad_period(client, world):
    records(world)
    restructure(world)
    old = world.commune_a_committee.pk
    client.force_login(world.stranger)
    api = APIClient()
    api.force_authenticate(world.provincial_officer)
    url = reverse("reports:organization", args=[old])

    assert client.get(url, {"year": 2026}).status_code == 404
    client.force_login(world.provincial_officer)
    refused = client.get(url, {"from": "2026-02-01", "to": "2026-01-01"})
    assert refused.status_code == 400
    assert 'class="actions years"' not in text(refused)
    assert "was merged into" not in text(refused)
    bad = api.get("/api/v1/reports/indicators/", {"organization": old, "year": "1999"})
    assert bad.status_code == 400 and "successor" not in bad.json()
