"""Who gets which status on every feedback page (one matrix per view), and what the
handling pages do."""

import pytest
from django.urls import reverse

from conftest import assert_page_status, login_as
from lienhe213.core.models import AuditEvent
from lienhe213.feedback.models import ResidentReport
from lienhe213.feedback.tests.conftest import send_report
from lienhe213.notices.models import Notice

CAST = [
    "anonymous",
    "stranger",
    "member_user",
    "workplace_officer",
    "secretary_a1",
    "secretary_a2",
    "commune_clerk",
    "other_clerk",
    "provincial_officer",
    "root_user",
]


@pytest.fixture
def report(channel):
    return send_report(channel)[0]


@pytest.mark.parametrize("who", CAST)
def test_public_pages_are_open_to_everyone(client, world, channel, who):
    login_as(client, world, who)

    assert client.get(reverse("residents:public", args=[channel.slug])).status_code == 200
    assert client.get(reverse("residents:status")).status_code == 200


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 403),
        ("representative_a1", 403),
        ("member_user", 403),
        ("workplace_officer", 403),
        ("secretary_a2", 302),
        ("commune_clerk", 302),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_index(client, world, who, expected):
    url = reverse("feedback:index")
    login_as(client, world, who)

    assert_page_status(client.get(url), expected, url)


@pytest.mark.parametrize(
    ("who", "cell_status", "commune_status"),
    [
        ("anonymous", "login", "login"),
        ("stranger", 404, 404),
        ("representative_a1", 404, 404),
        ("member_user", 404, 404),
        ("workplace_officer", 404, 404),
        ("secretary_a1", 404, 404),
        ("secretary_a2", 200, 404),
        ("commune_clerk", 200, 200),
        ("other_clerk", 404, 404),
        ("provincial_officer", 200, 200),
        ("root_user", 200, 200),
    ],
)
def test_queue(client, world, report, who, cell_status, commune_status):
    login_as(client, world, who)
    for org, expected in (
        (world.cell_a2, cell_status),
        (world.commune_a_committee, commune_status),
    ):
        url = reverse("feedback:queue", args=[org.pk])

        assert_page_status(client.get(url), expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("representative_a1", 404),
        ("workplace_officer", 404),
        ("secretary_a1", 404),
        ("secretary_a2", 200),
        ("commune_clerk", 200),
        ("other_clerk", 404),
        ("provincial_officer", 200),
        ("root_user", 200),
    ],
)
def test_detail(client, world, report, who, expected):
    url = reverse("feedback:detail", args=[report.pk])
    login_as(client, world, who)

    assert_page_status(client.get(url), expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("workplace_officer", 404),
        ("secretary_a1", 404),
        ("secretary_a2", 302),
        ("commune_clerk", 302),
        ("provincial_officer", 302),
    ],
)
def test_close(client, world, report, who, expected):
    url = reverse("feedback:close", args=[report.pk])
    login_as(client, world, who)

    response = client.post(
        url, {"version": 1, "reason": "not_serious", "note": "Không nghiêm trọng."}
    )

    assert_page_status(response, expected, url)
    closed = ResidentReport.objects.get(pk=report.pk).status == "closed"
    assert closed == (expected == 302)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("workplace_officer", 404),
        ("secretary_a1", 404),
        ("secretary_a2", 302),
        ("commune_clerk", 302),
    ],
)
def test_open_channel(client, world, who, expected):
    url = reverse("feedback:open_channel", args=[world.cell_a2.pk])
    login_as(client, world, who)

    assert_page_status(client.post(url), expected, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("workplace_officer", 404),
        ("secretary_a1", 404),
        ("secretary_a2", 200),
        ("commune_clerk", 200),
    ],
)
def test_poster(client, world, channel, who, expected):
    url = reverse("feedback:poster", args=[world.cell_a2.pk])
    login_as(client, world, who)

    response = client.get(url)

    assert_page_status(response, expected, url)
    if expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")


def test_the_communes_notice_has_a_page_per_cell(client, world):
    client.force_login(world.commune_clerk)
    client.post(reverse("feedback:open_channel", args=[world.commune_a_committee.pk]))

    response = client.get(reverse("feedback:poster", args=[world.commune_a_committee.pk]))

    import io

    import pypdf

    assert len(pypdf.PdfReader(io.BytesIO(response.content)).pages) == 2


def test_the_queue_is_oldest_first_and_open_by_default(client, world, channel):
    first = send_report(channel)[0]
    second = send_report(channel)[0]
    closed = send_report(channel)[0]
    ResidentReport.objects.filter(pk=closed.pk).update(
        status="closed", close_reason="duplicate", closed_at=closed.received_at
    )
    client.force_login(world.secretary_a2)

    response = client.get(reverse("feedback:queue", args=[world.cell_a2.pk]))

    assert [r.pk for r in response.context["page"].rows] == [first.pk, second.pk]


def test_the_phone_is_shown_on_request_to_the_secretary_and_audited(client, world, report):
    client.force_login(world.secretary_a2)
    url = reverse("feedback:detail", args=[report.pk])

    plain = client.get(url)
    shown = client.get(url, {"phone": "1"})

    assert "0912345678" not in plain.content.decode()
    assert "0912345678" in shown.content.decode()
    views = AuditEvent.objects.filter(action="view", object_id=str(report.pk))
    assert list(views.values_list("actor__username", "changes")) == [("chibo2", {"field": "phone"})]


@pytest.mark.parametrize("who", ["provincial_officer", "root_user"])
def test_the_province_reads_the_report_but_never_the_phone(client, world, report, who):
    client.force_login(world.user(who))

    response = client.get(reverse("feedback:detail", args=[report.pk]), {"phone": "1"})

    assert response.status_code == 200
    assert "0912345678" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="view").exists()


def test_matching_and_forwarding_from_the_pages(client, world, channel, active):
    report = send_report(channel)[0]
    client.force_login(world.commune_clerk)
    detail = reverse("feedback:detail", args=[report.pk])

    search = client.get(detail, {"q": "duc"})
    client.post(reverse("feedback:match", args=[report.pk]), {"version": 1, "link": active.pk})
    client.post(
        reverse("feedback:forward", args=[report.pk]),
        {"version": 2, "kind": "violation", "note": "Đề nghị cơ quan nhắc nhở."},
    )

    assert [link.pk for link in search.context["candidates"]] == [active.pk]
    report.refresh_from_db()
    notice = Notice.objects.get()
    assert (report.status, report.notice_id, report.member_id) == (
        "closed",
        notice.pk,
        active.member_id,
    )
    assert "0912" not in notice.body


def test_the_search_finds_only_the_cells_linked_members(client, world, channel, active):
    report = send_report(channel)[0]
    client.force_login(world.commune_clerk)

    response = client.get(reverse("feedback:detail", args=[report.pk]), {"q": "hoa"})

    assert response.context["candidates"] == []  # Đặng Thị Hoa is not linked to the cell


def test_the_export_writes_residents_text_as_text_never_a_formula(client, world, channel):
    import io
    import zipfile

    for text in ("=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"):
        send_report(channel, body=text, member_name=text)
    client.force_login(world.commune_clerk)

    response = client.get(
        reverse("feedback:queue", args=[world.commune_a_committee.pk]), {"format": "xlsx"}
    )

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    assert "=1+1" in xml and "0912" not in xml
