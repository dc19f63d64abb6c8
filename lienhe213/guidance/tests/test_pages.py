"""The guidance pages, the "What do the rules say?" panel on each step page, the
province notes and the newcomer walkthrough."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lienhe213.accounts.models import Role, RoleAssignment
from lienhe213.comments.tests.conftest import request_at
from lienhe213.guidance import services
from lienhe213.guidance.models import ProvinceNote, WalkthroughDismissal
from lienhe213.guidance.tests.conftest import entry, guidance_state
from lienhe213.registry.tests.conftest import classify, link_at

PANEL = "What do the rules say?"
QD213 = "Quy định 213-QĐ/TW ngày 02/01/2020 của Bộ Chính trị"
HD33 = "Hướng dẫn 33-HD/BTCTW ngày 30/10/2020 của Ban Tổ chức Trung ương"


def _panel_of(html):
    """The text of the page's guidance panel(s)."""
    start = html.index('<details class="card guidance-panel">')
    return html[start : html.index("</details>", start)]


# --- the panel on each step page -------------------------------------------------------


def test_issuing_letters_shows_the_rule(client, world, texts):
    classify(world)
    client.force_login(world.workplace_officer)

    response = client.post(
        reverse("registry:issue_letters_confirm", args=[world.workplace.pk]),
        {"members": [world.member_w1.pk], "issued_on": "2025-03-03"},
    )

    panel = _panel_of(response.text)
    assert PANEL in panel
    assert "Cấp ủy nơi công tác giới thiệu đảng viên về nơi cư trú" in panel
    assert f"{QD213}, Điều 3; {HD33}, mục 2" in panel
    assert reverse("guidance:detail", args=[entry("qd213-dieu-3-gioi-thieu").pk]) in panel


def test_receiving_a_letter_shows_the_rule(client, world, texts):
    link = link_at(world, "issued")
    client.force_login(world.commune_clerk)

    response = client.get(reverse("registry:link_detail", args=[link.pk]))

    panel = _panel_of(response.text)
    assert "Đảng ủy xã, phường tiếp nhận đảng viên" in panel
    assert f"{QD213}, Điều 4, khoản 1" in panel


def test_the_commune_receiving_letters_in_bulk_shows_the_rule(client, world, texts):
    link_at(world, "issued")
    client.force_login(world.commune_clerk)

    response = client.get(reverse("registry:receive_letters", args=[world.commune_a_committee.pk]))

    assert f"{QD213}, Điều 4, khoản 1" in _panel_of(response.text)


def test_assigning_a_cell_shows_the_rule(client, world, texts):
    link = link_at(world, "received")
    client.force_login(world.commune_clerk)

    response = client.get(reverse("registry:link_detail", args=[link.pk]))

    panel = _panel_of(response.text)
    assert "Chi bộ nơi cư trú tiếp nhận đảng viên" in panel
    assert f"{QD213}, Điều 4, khoản 2" in panel
    assert "khoản 1" not in panel  # receiving is done: its rule is not shown


def test_exempting_a_member_shows_the_rule(client, world, texts):
    client.force_login(world.workplace_officer)

    response = client.get(reverse("registry:classify", args=[world.member_w1.pk]))

    panel = _panel_of(response.text)
    assert "Diện được giới thiệu nhưng được miễn sinh hoạt ở nơi cư trú" in panel
    assert f"{HD33}, mục 1, điểm 1.1" in panel
    assert f"{HD33}, mục 1, điểm 1.2" in panel
    assert f"{HD33}, mục 1, điểm 1.3" in panel


def test_a_temporary_exemption_step_shows_the_rule(client, world, texts):
    link = link_at(world, "active")
    client.force_login(world.workplace_officer)

    response = client.get(reverse("registry:link_detail", args=[link.pk]))

    assert f"{HD33}, mục 1, điểm 1.1" in response.text


def test_filling_a_comment_shows_the_rule(client, world, texts):
    item = request_at(world, "requested")
    client.force_login(world.secretary_a2)

    response = client.get(reverse("comments:request", args=[item.pk]))

    panel = _panel_of(response.text)
    assert "Nhận xét hằng năm đối với đảng viên" in panel
    assert f"{QD213}, Điều 4, khoản 4" in panel
    assert "Các mục của phiếu nhận xét" in panel
    assert f"{HD33}, mục 2, Mẫu 3-213 và Mẫu 4-213" in panel


def test_recording_a_rating_shows_the_rule(client, world, texts):
    item = request_at(world, "acknowledged")
    client.force_login(world.workplace_officer)

    response = client.get(reverse("comments:request", args=[item.pk]))

    panel = _panel_of(response.text)
    assert "Dùng nhận xét nơi cư trú khi đánh giá, xếp loại đảng viên" in panel
    assert f"{QD213}, Điều 3" in panel


def test_no_panel_without_the_texts(client, world):
    link = link_at(world, "issued")
    client.force_login(world.commune_clerk)

    response = client.get(reverse("registry:link_detail", args=[link.pk]))

    assert response.status_code == 200
    assert PANEL not in response.text


# --- province notes ---------------------------------------------------------------------


def _note(world, key, text):
    return services.save_province_note(
        by=world.provincial_officer, entry=entry(key), province=world.province, text=text
    )


def test_the_province_note_shows_under_the_rule_to_its_own_users(client, world, texts, other):
    _note(world, "qd213-dieu-4-khoan-1", "Tiếp nhận trong 10 ngày làm việc.")
    link = link_at(world, "issued")
    url = reverse("registry:link_detail", args=[link.pk])
    client.force_login(world.commune_clerk)

    panel = _panel_of(client.get(url).text)

    assert "Note of Đảng bộ tỉnh Tuyên Quang" in panel
    assert "Tiếp nhận trong 10 ngày làm việc." in panel


def test_another_provinces_users_do_not_read_the_note(client, world, texts, other):
    _note(world, "qd213-dieu-4-khoan-1", "Tiếp nhận trong 10 ngày làm việc.")
    client.force_login(other.clerk)

    response = client.get(reverse("guidance:detail", args=[entry("qd213-dieu-4-khoan-1").pk]))

    assert response.status_code == 200
    assert "Note of Đảng bộ tỉnh Tuyên Quang" not in response.text
    assert "Tiếp nhận trong 10 ngày làm việc." not in response.text
    assert "Tiếp nhận trong 10 ngày" not in client.get(reverse("guidance:index")).text


def test_a_member_reads_their_provinces_note(client, world, texts):
    _note(world, "qd213-dieu-1", "Ghi chú của tỉnh.")
    client.force_login(world.member_user)

    response = client.get(reverse("guidance:detail", args=[entry("qd213-dieu-1").pk]))

    assert "Ghi chú của tỉnh." in response.text
    assert "Your province&#x27;s note" not in response.text  # no form for a member


def test_the_officer_saves_the_note_from_the_page(client, world, texts):
    target = entry("qd213-dieu-1")
    client.force_login(world.provincial_officer)
    url = reverse("guidance:note", args=[target.pk])

    response = client.post(
        url, {"province": world.province.pk, "text": "Ghi chú mới", "version": 0}, follow=True
    )

    assert "The note was saved." in response.text
    note = ProvinceNote.objects.get()
    assert (note.entry, note.province, note.text, note.author) == (
        target,
        world.province,
        "Ghi chú mới",
        world.provincial_officer,
    )


def test_a_double_submit_of_a_new_note_is_refused_as_stale(client, world, texts):
    target = entry("qd213-dieu-1")
    client.force_login(world.provincial_officer)
    url = reverse("guidance:note", args=[target.pk])
    data = {"province": world.province.pk, "text": "Ghi chú mới", "version": 0}
    client.post(url, data)
    before = guidance_state()

    response = client.post(url, data)

    assert response.status_code == 200
    assert "changed by someone else meanwhile" in response.text
    assert guidance_state() == before


@pytest.mark.parametrize("who", ["commune_clerk", "secretary_a1", "workplace_officer", "stranger"])
def test_a_user_who_is_not_a_provincial_officer_cannot_write_a_note(client, world, texts, who):
    client.force_login(getattr(world, who))
    before = guidance_state()

    response = client.post(
        reverse("guidance:note", args=[entry("qd213-dieu-1").pk]),
        {"province": world.province.pk, "text": "Ghi chú", "version": 0},
    )

    assert response.status_code == 403
    assert "Only a provincial officer writes the province" in response.text
    assert guidance_state() == before


def test_an_officer_cannot_write_another_provinces_note_by_a_forged_id(client, world, texts, other):
    client.force_login(other.officer)
    before = guidance_state()

    response = client.post(
        reverse("guidance:note", args=[entry("qd213-dieu-1").pk]),
        {"province": world.province.pk, "text": "Ghi chú", "version": 0},
    )

    assert response.status_code == 200
    assert "You write the notes of your own province only." in response.text
    assert guidance_state() == before


def test_a_forged_entry_id_is_404(client, world, texts):
    client.force_login(world.provincial_officer)

    response = client.post(
        reverse("guidance:note", args=[999999]),
        {"province": world.province.pk, "text": "Ghi chú", "version": 0},
    )

    assert response.status_code == 404
    assert not ProvinceNote.objects.exists()


# --- the guidance pages --------------------------------------------------------------


def test_the_guidance_page_lists_every_text_by_step(client, world, texts):
    client.force_login(world.secretary_a1)

    response = client.get(reverse("guidance:index"))

    labels = [label for label, _entries in response.context["groups"]]
    assert [str(label) for label in labels] == [
        "Issuing the introduction letter",
        "Receiving the letter at the commune",
        "Assigning a residential cell",
        "Exemptions",
        "The annual comment",
        "Using the comment in the annual rating",
        "General",
    ]
    assert sum(len(entries) for _label, entries in response.context["groups"]) == 19
    assert "Nhiệm vụ 7 của đảng viên ở nơi cư trú" in response.text


def test_mien_finds_miễn_on_the_guidance_page(client, world, texts):
    client.force_login(world.member_user)

    response = client.get(reverse("guidance:index"), {"q": "mien giới"})

    titles = [e.title for _label, entries in response.context["groups"] for e in entries]
    assert titles == ["Diện được miễn giới thiệu về tổ chức đảng nơi cư trú"]


def test_an_empty_search_says_so(client, world, texts):
    client.force_login(world.member_user)

    response = client.get(reverse("guidance:index"), {"q": "zzz"})

    assert "No text matches your search." in response.text


def test_the_entry_page_shows_each_wording(client, world, texts):
    target = entry("qd213-dieu-2-khoan-7")
    first = target.current_version.text
    services.revise_entry(
        by=world.root_user,
        entry=target,
        summary="Bản đối chiếu",
        text="Lời văn đã đối chiếu với bản chính thức",
        confirmed=True,
        reason="Đối chiếu",
    )
    client.force_login(world.secretary_a1)

    response = client.get(reverse("guidance:detail", args=[target.pk]))

    assert "Lời văn đã đối chiếu với bản chính thức" in response.text
    assert "Version 2" in response.text and "Version 1" in response.text
    assert first in response.text
    assert "Publish a new wording" not in response.text


def test_an_unchecked_wording_is_marked(client, world, texts):
    client.force_login(world.secretary_a1)

    unchecked = client.get(reverse("guidance:detail", args=[entry("qd213-dieu-2-khoan-7").pk]))
    checked = client.get(reverse("guidance:detail", args=[entry("qd213-dieu-1").pk]))

    assert "not yet been checked against an official copy" in unchecked.text
    assert "not yet been checked against an official copy" not in checked.text


def test_an_administrator_publishes_a_wording_from_the_page(client, world, texts):
    target = entry("qd213-dieu-2-khoan-6")
    client.force_login(world.root_user)

    response = client.post(
        reverse("guidance:revise", args=[target.pk]),
        {
            "summary": "Tóm tắt",
            "text": "Lời văn mới",
            "confirmed": "on",
            "reason": "Đối chiếu",
            "version": 1,
        },
        follow=True,
    )

    assert "The new wording was published." in response.text
    assert entry("qd213-dieu-2-khoan-6").current_version.text == "Lời văn mới"


def test_a_provincial_officer_cannot_publish_a_wording(client, world, texts):
    client.force_login(world.provincial_officer)
    before = guidance_state()

    response = client.post(
        reverse("guidance:revise", args=[entry("qd213-dieu-1").pk]),
        {"summary": "A", "text": "B", "reason": "r", "version": 1},
    )

    assert response.status_code == 403
    assert guidance_state() == before


# --- the newcomer walkthrough ----------------------------------------------------------


def test_a_committee_user_sees_the_checklist_of_their_role(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("accounts:home"))

    assert "Getting started as Commune clerk" in response.text
    assert reverse("registry:book", args=[world.commune_a_committee.pk]) in response.text
    assert reverse("accounts:home") + "#inbox-title" in response.text
    assert reverse("guidance:index") + "?step=receive" in response.text


def test_the_checklist_is_not_shown_again_once_dismissed(client, world):
    client.force_login(world.secretary_a1)

    response = client.post(
        reverse("guidance:dismiss_walkthrough"), {"role": "cell_secretary"}, follow=True
    )

    assert "Getting started" not in response.text
    assert "Getting started" not in client.get(reverse("accounts:home")).text
    assert list(WalkthroughDismissal.objects.values_list("user", "role")) == [
        (world.secretary_a1.pk, "cell_secretary")
    ]


def test_a_newly_granted_role_shows_its_own_checklist(client, world):
    services.dismiss_walkthrough(by=world.secretary_a1, role="cell_secretary")
    RoleAssignment.objects.create(
        user=world.secretary_a1, organization=world.workplace, role=Role.WORKPLACE_OFFICER
    )
    client.force_login(world.secretary_a1)

    response = client.get(reverse("accounts:home"))

    assert "Getting started as Workplace committee officer" in response.text
    assert "Getting started as Cell secretary" not in response.text


@pytest.mark.parametrize("who", ["member_user", "stranger"])
def test_no_checklist_without_a_committee_role(client, world, who):
    client.force_login(getattr(world, who))

    response = client.get(reverse("accounts:home"))

    assert "Getting started" not in response.text


@pytest.mark.parametrize(
    "data", [{"role": "provincial_officer"}, {"role": "member"}, {"role": ""}, {}]
)
def test_a_forged_dismissal_is_refused_and_nothing_changes(client, world, data):
    client.force_login(world.commune_clerk)

    response = client.post(reverse("guidance:dismiss_walkthrough"), data, follow=True)

    assert "You hold no such role." in response.text
    assert "Getting started as Commune clerk" in response.text
    assert not WalkthroughDismissal.objects.exists()


def test_a_dismissal_needs_a_post(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("guidance:dismiss_walkthrough"))

    assert response.status_code == 405
    assert not WalkthroughDismissal.objects.exists()


def test_dates_are_shown_in_vietnamese_order(client, world, texts):
    target = entry("qd213-dieu-1")
    client.force_login(world.secretary_a1)

    response = client.get(reverse("guidance:detail", args=[target.pk]))

    day = timezone.localtime(target.current_version.valid_from).date()
    assert f'<span class="date">{day:%d/%m/%Y}</span>' in response.text
    assert day.isoformat() not in response.text
