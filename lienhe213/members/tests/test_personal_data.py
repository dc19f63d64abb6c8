"""A member's download of their own data (the data subject's right of access): the
workbook and the API's JSON, only ever the member's own rows, audited as an export."""

import datetime
import io
import json

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienhe213.comments.tests.conftest import request_at
from lienhe213.core.models import AuditEvent
from lienhe213.meetings import services as meetings
from lienhe213.meetings.models import Meeting
from lienhe213.members.services import update_member
from lienhe213.members.tests.conftest import working_member, year_in_cell_a2
from lienhe213.notices import services as notices
from lienhe213.registry.tests.conftest import link_at

URL = "/members/me/data/"
API = "/api/v1/me/data/"
SHEETS = [
    "Member record",
    "Previous party cards",
    "Classifications",
    "Residence links",
    "Residence link history",
    "Meetings and attendance",
    "Opinions at meetings",
    "Meeting follow-ups",
    "Comments",
    "Notices",
    "Notice replies",
]
# What belongs to Bình, the other member linked to cell A2: never in Đức's file.
OTHERS = ("Bình", "002085009999", "Đi công tác xa", "Ý kiến riêng", "Đặng Thị Hoa", "002185001234")


def day(y, m, d):
    return datetime.datetime(y, m, d)


@pytest.fixture
def history(world):
    """member_w1 (Nguyễn Văn Đức, the member_user's record) with a new card number and
    contact details and a year in cell A2 (``year_in_cell_a2``); Bình, linked to the
    same cell, was excused from the same meeting, spoke at it and has a notice too."""
    other = working_member(world, "Bình", "002085009999")
    other_link = link_at(world, "active", member=other)
    member = update_member(
        by=world.root_user,
        member=world.member_w1,
        version=None,
        party_card_number="52345678",
        phone="0912345678",
        email="duc@example.vn",
        residence_address="Số 12 ngõ 3",
    )
    link = year_in_cell_a2(world, member, 2025, words="của đồng chí Đức")
    meeting = Meeting.objects.get()
    meetings.record_attendance(
        by=world.root_user,
        meeting=meeting,
        member=other,
        status="excused",
        excuse_reason="Đi công tác xa",
    )
    meetings.record_opinion(
        by=world.root_user, meeting=meeting, member=other, text="Ý kiến riêng của đồng chí Bình"
    )
    notices.send_notice(
        by=world.root_user,
        link=other_link,
        kind="violation",
        sender=world.cell_a2,
        recipient=world.workplace,
        body="Thông báo về đồng chí Bình",
        sent_on=datetime.date(2025, 12, 2),
    )
    return link


def _download(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def _rows(book, title):
    return list(book[title].iter_rows(values_only=True))


def test_the_workbook_holds_the_members_record_one_sheet_per_kind(client, world, history):
    book = _download(client, world.member_user)

    assert book.sheetnames == SHEETS
    assert _rows(book, "Member record") == [
        ("Field", "Value"),
        ("Family name", "Nguyễn"),
        ("Middle name", "Văn"),
        ("Given name", "Đức"),
        ("Gender", "Male"),
        ("Date of birth", day(1985, 3, 14)),
        ("Date admitted to the Party", day(2010, 5, 19)),
        ("Date made official", day(2011, 5, 19)),
        ("Party card number", "52345678"),
        ("Dossier number", None),
        ("Citizen ID", "002085004321"),
        ("Party unit", "Chi bộ Văn phòng Sở"),
        ("Employment", "Working"),
        ("Workplace", None),
        ("Residence commune", "Phường Hà Giang 1"),
        ("Residence community", "Tổ 2"),
        ("Residence address", "Số 12 ngõ 3"),
        ("Phone", "0912345678"),
        ("E-mail", "duc@example.vn"),
    ]
    assert book["Member record"]["B6"].number_format == "dd/mm/yyyy"
    assert _rows(book, "Previous party cards") == [
        ("Party card number", "Replaced on"),
        ("22345678", datetime.datetime(2026, 1, 15)),
    ]
    assert _rows(book, "Classifications")[1] == (
        "Normal",
        None,
        None,
        "Đảng bộ Sở Giáo dục và Đào tạo",
        day(2025, 3, 4),
        day(2025, 3, 4),
        None,
        None,
        None,
        None,
    )


def test_the_links_and_their_history_are_in_the_workbook(client, world, history):
    book = _download(client, world.member_user)

    links = _rows(book, "Residence links")
    assert links[0][:3] == ("Letter number", "Letter form", "Category")
    assert links[1:] == [
        (
            f"{history.letter_number}/2025",
            "Form 1-213",
            "Normal",
            "Đảng bộ Sở Giáo dục và Đào tạo",
            "Đảng bộ Sở Giáo dục và Đào tạo",
            "Đảng bộ phường Hà Giang 1",
            "Chi bộ tổ 2",
            day(2025, 3, 4),
            day(2025, 4, 16),
            None,
            day(2025, 3, 11),
            None,
            day(2025, 3, 12),
            day(2025, 3, 13),
            None,
            None,
            None,
            "Active",
        )
    ]
    letter = f"{history.letter_number}/2025"
    assert _rows(book, "Residence link history") == [
        ("Letter number", "Event", "Date", "Note"),
        (letter, "Letter issued", day(2025, 3, 4), None),
        (letter, "Received by the commune", day(2025, 3, 11), None),
        (letter, "Assigned to a cell", day(2025, 3, 12), None),
        (letter, "Acknowledged by the cell", day(2025, 3, 13), None),
    ]


def test_meetings_show_the_members_own_attendance_opinions_and_follow_ups(client, world, history):
    book = _download(client, world.member_user)

    assert _rows(book, "Meetings and attendance") == [
        (
            "Date",
            "Residential cell",
            "Kind",
            "Place",
            "Meeting status",
            "Invited",
            "Attendance",
            "Reason for the excuse",
        ),
        (
            day(2025, 6, 3),
            "Chi bộ tổ 2",
            "Periodic",
            "Nhà văn hóa",
            "Held",
            "Yes",
            "Excused",
            "Ốm của đồng chí Đức",
        ),
    ]
    assert _rows(book, "Opinions at meetings")[1:] == [
        (day(2025, 6, 3), "Chi bộ tổ 2", "Ý kiến của đồng chí Đức")
    ]
    assert _rows(book, "Meeting follow-ups")[1:] == [
        (
            day(2025, 6, 3),
            "Chi bộ tổ 2",
            "Thăm hỏi của đồng chí Đức",
            "Chi ủy",
            day(2025, 7, 1),
            None,
        )
    ]


def test_comments_and_notices_about_the_member_are_in_the_workbook(client, world, history):
    book = _download(client, world.member_user)

    comments = _rows(book, "Comments")
    assert comments[0][:7] == (
        "Year",
        "Form",
        "Purpose",
        "Workplace committee",
        "Requested on",
        "Status",
        "1. Setting an example",
    )
    assert comments[1:] == [
        (
            2025,
            "Form 3-213",
            None,
            "Đảng bộ Sở Giáo dục và Đào tạo",
            day(2025, 11, 4),
            "Returned to the workplace",
            "Sets a good example",
            "Exemplary, leads the way",
            "Takes part fully",
            "Regular and active",
            "Very active",
            "No proposal",
            "Nhận xét của đồng chí Đức",
            None,
            None,
            None,
            "15/01/2026 09:00",  # the frozen clock
            None,
            None,
            None,
            None,
            None,
            None,
        )
    ]
    assert _rows(book, "Notices")[1:] == [
        (
            day(2025, 12, 1),
            "Violation at the residence",
            "Chi bộ tổ 2",
            "Đảng bộ Sở Giáo dục và Đào tạo",
            "Closed",
            day(2025, 12, 15),
            "Thông báo của đồng chí Đức",
            "Kết quả của đồng chí Đức",
            "15/01/2026 09:00",
        )
    ]
    assert _rows(book, "Notice replies") == [
        ("Notice sent on", "Notice", "Written at", "On behalf of", "Message"),
        (
            day(2025, 12, 1),
            "Violation at the residence",
            "15/01/2026 09:00",
            "Đảng bộ Sở Giáo dục và Đào tạo",
            "Trả lời của đồng chí Đức",
        ),
    ]


def test_another_members_data_is_never_in_the_workbook(client, world, history):
    book = _download(client, world.member_user)

    text = " ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    assert "Đức" in text
    assert [other for other in OTHERS if other in text] == []


def test_a_comment_not_yet_returned_shows_only_its_request(client, world):
    request_at(world, "signed")

    book = _download(client, world.member_user)

    (row,) = _rows(book, "Comments")[1:]
    assert row[:6] == (
        2025,
        "Form 3-213",
        None,
        "Đảng bộ Sở Giáo dục và Đào tạo",
        day(2025, 11, 3),
        "Signed by the cell",
    )
    assert set(row[6:]) == {None}


def test_text_that_looks_like_a_formula_stays_text(client, world):
    update_member(
        by=world.root_user,
        member=world.member_w1,
        version=None,
        residence_address='=HYPERLINK("http://x.example","Nhà")',
    )

    book = _download(client, world.member_user)

    cell = book["Member record"]["B17"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x.example","Nhà")', "s")


def test_the_file_is_named_after_the_data_and_the_day_without_ids(client, world):
    client.force_login(world.member_user)

    response = client.get(URL)

    assert response["Content-Disposition"] == 'attachment; filename="personal-data-2026-01-15.xlsx"'


def test_in_vietnamese_the_file_its_labels_and_choices_are_vietnamese(client, world, history):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(world.member_user)

    response = client.get(URL)

    assert response["Content-Disposition"] == (
        'attachment; filename="du-lieu-ca-nhan-2026-01-15.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    record = book["Hồ sơ đảng viên"]
    assert [row[:2] for row in record.iter_rows(max_row=6, values_only=True)] == [
        ("Trường thông tin", "Giá trị"),
        ("Họ", "Nguyễn"),
        ("Tên đệm", "Văn"),
        ("Tên", "Đức"),
        ("Giới tính", "Nam"),
        ("Ngày sinh", day(1985, 3, 14)),
    ]
    assert record["B6"].number_format == "dd/mm/yyyy"
    meeting = list(book["Sinh hoạt và tình hình tham dự"].iter_rows(values_only=True))[1]
    assert (meeting[5], meeting[6]) == ("Có", "Vắng có lý do")


def test_the_download_is_audited_as_an_export(client, world, history):
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    _download(client, world.member_user)

    (event,) = AuditEvent.objects.exclude(pk__in=before).exclude(action="login")
    assert (event.action, event.actor, event.object_repr) == (
        "export",
        world.member_user,
        "Personal data 2026-01-15",
    )
    # the record and 13 rows about the member
    assert event.changes == {"path": URL, "filters": {}, "rows": 14}


@pytest.mark.parametrize("who", ["stranger", "commune_clerk", "provincial_officer"])
def test_an_account_without_a_member_record_gets_a_page_saying_so(client, world, who):
    before = AuditEvent.objects.filter(action="export").count()
    client.force_login(getattr(world, who))

    response = client.get(URL)

    assert response.status_code == 404
    assert "Your account is not linked to a member record." in response.content.decode()
    assert AuditEvent.objects.filter(action="export").count() == before


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, world):
    response = client.get(URL)

    assert (response.status_code, response["Location"]) == (302, f"/login/?next={URL}")
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_member_whose_role_was_withdrawn_still_gets_their_data(client, world):
    # The link to the record makes the account this person, not the role.
    world.member_user.role_assignments.all().delete()

    book = _download(client, world.member_user)

    assert _rows(book, "Member record")[3] == ("Given name", "Đức")


def test_the_button_is_on_the_members_own_page_only(client, world):
    page = reverse("members:detail", args=[world.member_w1.pk])
    client.force_login(world.member_user)
    own = client.get(page).content.decode()
    client.force_login(world.workplace_officer)
    officers = client.get(page).content.decode()

    assert f'href="{URL}"' in own
    assert "Download my data" in own
    assert f'href="{URL}"' not in officers


# --- the API: the same content, machine-readable -----------------------------------------


def _api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_the_api_gives_the_same_content_as_codes_and_iso_dates(world, history):
    response = _api(world.member_user).get(API)

    assert response.status_code == 200
    data = response.json()
    assert list(data) == [
        "generated_on",
        "member",
        "previous_party_cards",
        "classifications",
        "residence_links",
        "link_events",
        "meetings",
        "opinions",
        "follow_ups",
        "comments",
        "notices",
        "notice_replies",
    ]
    assert data["generated_on"] == "2026-01-15"
    assert data["member"] == {
        "family_name": "Nguyễn",
        "middle_name": "Văn",
        "given_name": "Đức",
        "gender": "male",
        "birth_date": "1985-03-14",
        "joined_on": "2010-05-19",
        "official_on": "2011-05-19",
        "party_card_number": "52345678",
        "dossier_number": "",
        "citizen_id": "002085004321",
        "organization": "Chi bộ Văn phòng Sở",
        "employment": "working",
        "workplace_name": "",
        "residence_commune": "Phường Hà Giang 1",
        "residence_community": "Tổ 2",
        "residence_address": "Số 12 ngõ 3",
        "phone": "0912345678",
        "email": "duc@example.vn",
    }
    assert data["meetings"] == [
        {
            "meeting_date": "2025-06-03",
            "cell": "Chi bộ tổ 2",
            "meeting_kind": "periodic",
            "place": "Nhà văn hóa",
            "meeting_status": "held",
            "invited": True,
            "attendance": "excused",
            "excuse_reason": "Ốm của đồng chí Đức",
        }
    ]
    assert [event["kind"] for event in data["link_events"]] == [
        "issued",
        "received",
        "assigned",
        "acknowledged",
    ]
    assert data["comments"][0]["item_1"] == "good"
    assert data["notices"][0]["kind"] == "violation"
    assert [len(data[key]) for key in list(data)[2:]] == [1, 1, 1, 4, 1, 1, 1, 1, 1, 1]
    text = json.dumps(data, ensure_ascii=False)
    assert [other for other in OTHERS if other in text] == []


def test_the_api_download_is_audited_as_an_export(world, history):
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    _api(world.member_user).get(API)

    (event,) = AuditEvent.objects.exclude(pk__in=before)
    assert (event.action, event.actor, event.object_repr, event.changes) == (
        "export",
        world.member_user,
        "Personal data 2026-01-15",
        {"path": API, "filters": {}, "rows": 14},
    )


@pytest.mark.parametrize(
    ("who", "status", "body"),
    [
        ("anonymous", 401, None),
        ("stranger", 404, {"detail": "Your account is not linked to a member record."}),
        ("commune_clerk", 404, {"detail": "Your account is not linked to a member record."}),
    ],
)
def test_the_api_refuses_whoever_is_not_a_member(world, who, status, body):
    response = _api(world.user(who)).get(API)

    assert response.status_code == status
    if body is not None:
        assert response.json() == body
    assert not AuditEvent.objects.filter(action="export").exists()
