"""The ``hagiang-2023`` preset, written and restructured: the 2023 review's figures read
with the 2023 names, the same members under Tuyên Quang's 2025 units, nothing lost on 1
July 2025. One build (about a minute on SQLite) serves every check."""

import datetime
from typing import Any

from django.test import Client
from django.urls import reverse

from lienhe213.accounts.models import User
from lienhe213.comments.models import CommentRequest
from lienhe213.comments.queries import requested_in_period
from lienhe213.demo.loader import SeedResult, build_preset
from lienhe213.members.models import Member
from lienhe213.organizations.addresses import resolve_address
from lienhe213.organizations.models import AdministrativeUnit, Organization
from lienhe213.registry.models import LinkEvent, ResidenceLink
from lienhe213.reports.indicators import Period, compute
from lienhe213.reports.review import build_review
from lienhe213.reports.summaries import comment_aggregates

TODAY = datetime.date(2026, 12, 7)
REFORM = datetime.date(2025, 7, 1)
END_2023 = datetime.date(2023, 12, 31)


def _report(org: Organization, year: int) -> Any:
    admin = User.objects.get(username="admin")
    return compute(user=admin, organization=org, period=Period.for_year(year), today=TODAY)


def _uniform_cells(year: int) -> int:
    """Cells whose every comment returned on a request of ``year`` rates best on every
    item, counted directly."""
    aggregates = comment_aggregates()
    rows = (
        CommentRequest.objects.filter(
            requested_in_period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        )
        .values("link__residence_cell_id")
        .annotate(returned=aggregates["comments_returned"], best=aggregates["all_best"])
        .order_by()
    )
    return sum(1 for row in rows if row["returned"] and row["returned"] == row["best"])


def _standing_on(day: datetime.date) -> Any:
    return Organization.objects.filter(valid_from__lte=day).exclude(valid_until__lt=day)


def test_hagiang_2023_reproduces_2023_and_survives_the_restructuring(
    db: Any, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    result: SeedResult = build_preset("hagiang-2023", seed=213, today=TODAY)
    reform = result.reform
    assert reform is not None

    # Nothing lost: the book counted the day before the reform, before and after it.
    kept = ("members", "links", "open_links")
    assert {k: reform.after[k] for k in kept} == {k: reform.before[k] for k in kept}
    assert reform.before["members"] == Member.objects.count() == 73_587
    for counts in (reform.before, reform.after):
        assert counts["broken_invariants"] == 0
        assert counts["check_links_to_ended_organizations"] == 0
    # Every open link is held by a committee standing today, in a commune of today.
    open_links = ResidenceLink.objects.open()
    assert not open_links.filter(residence_commune_organization__valid_until__isnull=False)
    assert not open_links.filter(residence_cell__valid_until__isnull=False)
    assert not Member.objects.filter(residence_commune__valid_until__isnull=False).exists()
    # Each link open on the eve of the reform was re-mapped once, on its day.
    remapped = LinkEvent.objects.filter(kind=LinkEvent.Kind.REMAPPED)
    assert remapped.count() == reform.links_remapped == remapped.values("link").distinct().count()
    assert set(remapped.values_list("on", flat=True)) == {REFORM}
    assert not open_links.filter(issued_on__lt=REFORM).exclude(events__kind=LinkEvent.Kind.REMAPPED)

    # 2023 with the 2023 tree and names: the review's figures.
    old_root = Organization.objects.get(name="Đảng bộ tỉnh Hà Giang")
    assert old_root.administrative_unit.code == "pre2025-02"
    in_2023 = _standing_on(END_2023)
    assert in_2023.filter(kind__in=Organization.GRASSROOTS_KINDS).count() == 844
    assert in_2023.filter(kind=Organization.Kind.DISTRICT_COMMITTEE).count() == 11
    report = _report(old_root, 2023)
    assert report.figures["active_links"] == 33_585
    names = set(report.names.values())
    assert {"Đảng bộ thành phố Hà Giang", "Đảng bộ Khối các cơ quan tỉnh"} <= names
    assert _report(old_root, 2022).figures["good_example_share"] >= 79.0
    # A cell's comments count once, whether their links were re-mapped or not.
    assert report.figures["cells_uniform_ratings"] == _uniform_cells(2023) > 0
    tran_phu = Organization.objects.get(name="Đảng bộ phường Trần Phú")
    assert 1_600 <= _report(tran_phu, 2023).figures["active_links"] <= 1_700
    # After its end the old committee's report says where it went.
    went = _report(old_root, 2026).successor
    assert went is not None and went.on == REFORM
    assert went.organization is not None and went.organization.name == "Đảng bộ tỉnh Tuyên Quang"

    # 2025 on: Tuyên Quang's tree, no districts, the same members.
    province = Organization.objects.current().get(parent=None)
    assert province.name == "Đảng bộ tỉnh Tuyên Quang"
    assert province.administrative_unit.code == "08"
    assert not Organization.objects.current().filter(kind=Organization.Kind.DISTRICT_COMMITTEE)
    assert not Organization.objects.current().filter(administrative_unit__code__startswith="pre")
    communes = Organization.objects.current().filter(
        kind=Organization.Kind.GRASSROOTS_COMMITTEE, side=Organization.Side.RESIDENTIAL
    )
    assert communes.count() == len({u for u in communes.values_list("administrative_unit")}) == 73
    ward = communes.get(administrative_unit__code="00691")
    assert ward.name == "Đảng bộ phường Hà Giang 2"
    tran_phu_unit = AdministrativeUnit.objects.get(code="pre2025-00691")
    assert tran_phu_unit.successions.get().new.code == "00691"
    # An address written with the old names, as on a 2023 paper form, finds that ward.
    resolved = resolve_address("Tổ 5, Phường Trần Phú, Thành phố Hà Giang, tỉnh Hà Giang")
    assert resolved.unit is not None and resolved.unit.code == "00691"
    # The provincial officer of today reads 2023 from the province's own page: the tree
    # of 2023, its districts by their names.
    tinh = User.objects.get(username="tinh")
    then = compute(user=tinh, organization=province, period=Period.for_year(2023), today=TODAY)
    assert then.figures["active_links"] == 33_585
    assert "Đảng bộ thành phố Hà Giang" in {then.name_of(o) for o, _figures in then.children}
    # … and drills down into a district of 2023, to its communes of the day.
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(tinh)
    page = client.get(reverse("reports:organization", args=[province.pk]), {"year": 2023})
    assert page.status_code == 200 and "Đảng bộ thành phố Hà Giang" in page.content.decode()
    city = Organization.objects.get(name="Đảng bộ thành phố Hà Giang")
    page = client.get(reverse("reports:organization", args=[city.pk]), {"year": 2023})
    assert page.status_code == 200 and "Đảng bộ phường Trần Phú" in page.content.decode()
    report_2025 = _report(province, 2025)
    assert report_2025.merged_in and "Đảng bộ tỉnh Hà Giang" in report_2025.merged_in[0].names
    assert "Đảng bộ phường Hà Giang 2" in set(report_2025.names.values())
    assert (
        report_2025.figures["working_members"] == _report(old_root, 2023).figures["working_members"]
    )
    # The members of Trần Phú's cells now live in Phường Hà Giang 2.
    cell = Organization.objects.get(name="Chi bộ tổ dân phố 1 (Trần Phú)")
    assert cell.parent_id == ward.pk
    assert cell.name_on(END_2023) == "Chi bộ tổ dân phố 1"
    assert cell.administrative_unit.code == "00691"

    # The thematic review of 2025 compares with 2024 across the merge.
    review = build_review(
        user=User.objects.get(username="admin"), organization=province, year=2025, today=TODAY
    )
    assert review.previous.figures["active_links"] > 0
    assert "Đảng bộ tỉnh Hà Giang" in review.formerly
