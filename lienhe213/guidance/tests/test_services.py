"""Loading the official texts, publishing new wordings, province notes and the
walkthrough's dismissals, through the services."""

import pytest

from lienhe213.core.errors import DomainError, StepRefused
from lienhe213.core.models import AuditEvent
from lienhe213.guidance import services, texts
from lienhe213.guidance.models import (
    GuidanceEntry,
    GuidanceVersion,
    ProvinceNote,
    WalkthroughDismissal,
)
from lienhe213.guidance.tests.conftest import entry, guidance_state


def test_loading_creates_one_entry_per_official_text_with_its_source(db):
    result = services.load_guidance()

    assert result.created == len(texts.OFFICIAL_TEXTS) == 19
    assert GuidanceVersion.objects.count() == 19
    task_1 = entry("qd213-dieu-2-khoan-1")
    assert task_1.step == "general"
    assert task_1.source == "Quy định 213-QĐ/TW ngày 02/01/2020 của Bộ Chính trị, Điều 2, khoản 1"
    assert task_1.current_version.text.startswith("Nêu gương về phẩm chất chính trị")
    assert task_1.current_version.number == 1
    assert entry("hd33-muc-1-3").source == (
        "Hướng dẫn 33-HD/BTCTW ngày 30/10/2020 của Ban Tổ chức Trung ương, mục 1, điểm 1.3"
    )
    assert set(GuidanceEntry.objects.values_list("step", flat=True)) == {
        "general",
        "issue",
        "receive",
        "assign",
        "exempt",
        "comment",
        "rate",
    }


def test_loading_twice_changes_nothing(db):
    services.load_guidance()
    before = guidance_state()

    result = services.load_guidance()

    assert (result.created, result.revised, result.unchanged) == (0, 0, 19)
    assert guidance_state() == before


def test_a_changed_official_text_becomes_a_new_version_and_the_old_is_kept(db, monkeypatch):
    services.load_guidance()
    old = texts.OFFICIAL_TEXTS[0]
    changed = texts.OfficialText(**{**vars(old), "text": old.text + " (bản sửa)"})
    monkeypatch.setattr(services, "OFFICIAL_TEXTS", [changed, *texts.OFFICIAL_TEXTS[1:]])

    result = services.load_guidance()

    assert (result.created, result.revised) == (0, 1)
    article_1 = entry(old.key)
    assert article_1.current_version.number == 2
    assert article_1.current_version.text.endswith("(bản sửa)")
    assert list(article_1.versions.order_by("number").values_list("text", flat=True)) == [
        old.text,
        old.text + " (bản sửa)",
    ]


def test_the_loader_leaves_a_wording_an_administrator_published(world, monkeypatch):
    services.load_guidance()
    task_7 = entry("qd213-dieu-2-khoan-7")
    services.revise_entry(
        by=world.root_user,
        entry=task_7,
        summary="Nhiệm vụ 7 (đã đối chiếu).",
        text="Nhiệm vụ 7 theo bản chính thức.",
        confirmed=True,
        reason="Đối chiếu bản chính thức",
        version=1,
    )

    result = services.load_guidance()

    assert result.revised == 0
    assert entry("qd213-dieu-2-khoan-7").current_version.text == "Nhiệm vụ 7 theo bản chính thức."


def test_an_administrator_publishes_a_new_wording_and_the_history_stays(world, texts):
    task_6 = entry("qd213-dieu-2-khoan-6")
    first_text = task_6.current_version.text

    new = services.revise_entry(
        by=world.root_user,
        entry=task_6,
        summary="Tóm tắt mới",
        text="Lời văn đã đối chiếu",
        confirmed=True,
        reason="Đối chiếu bản chính thức",
        version=1,
    )

    task_6 = entry("qd213-dieu-2-khoan-6")
    assert (new.number, task_6.current_version_id, task_6.version) == (2, new.pk, 2)
    assert new.created_by == world.root_user
    assert list(task_6.versions.order_by("number").values_list("text", "confirmed")) == [
        (first_text, False),
        ("Lời văn đã đối chiếu", True),
    ]
    event = AuditEvent.objects.filter(object_type="guidance.guidanceentry").latest("pk")
    assert (event.actor, event.action, event.changes) == (
        world.root_user,
        "update",
        {"wording": [1, 2]},
    )


def test_a_wording_from_a_stale_page_is_refused(world, texts):
    task_6 = entry("qd213-dieu-2-khoan-6")
    services.revise_entry(
        by=world.root_user, entry=task_6, summary="A", text="B", confirmed=False, reason="r"
    )
    before = guidance_state()

    with pytest.raises(DomainError, match="changed by someone else"):
        services.revise_entry(
            by=world.root_user,
            entry=task_6,
            summary="C",
            text="D",
            confirmed=False,
            reason="r",
            version=1,
        )

    assert guidance_state() == before


@pytest.mark.parametrize("who", ["provincial_officer", "commune_clerk", "member_user"])
def test_only_an_administrator_publishes_a_wording(world, texts, who):
    before = guidance_state()

    with pytest.raises(StepRefused):
        services.revise_entry(
            by=getattr(world, who),
            entry=entry("qd213-dieu-1"),
            summary="A",
            text="B",
            confirmed=False,
            reason="r",
        )

    assert guidance_state() == before


def test_a_provincial_officer_writes_changes_and_clears_the_note(world, texts):
    comment = entry("qd213-dieu-4-khoan-4")

    note = services.save_province_note(
        by=world.provincial_officer,
        entry=comment,
        province=world.province,
        text="Chi bộ gửi phiếu về đảng ủy xã trước ngày 15/12.",
        version=0,
    )
    changed = services.save_province_note(
        by=world.provincial_officer,
        entry=comment,
        province=world.province,
        text="Chi bộ gửi phiếu về đảng ủy xã trước ngày 10/12.",
        version=1,
    )

    assert changed is not None
    assert (changed.pk, changed.version, changed.author) == (note.pk, 2, world.provincial_officer)
    assert ProvinceNote.objects.get().text == "Chi bộ gửi phiếu về đảng ủy xã trước ngày 10/12."
    events = AuditEvent.objects.filter(object_type="guidance.provincenote").order_by("pk")
    assert [(e.action, e.scope_path) for e in events] == [
        ("create", world.province.path),
        ("update", world.province.path),
    ]
    assert events[1].changes["text"] == [
        "Chi bộ gửi phiếu về đảng ủy xã trước ngày 15/12.",
        "Chi bộ gửi phiếu về đảng ủy xã trước ngày 10/12.",
    ]

    cleared = services.save_province_note(
        by=world.provincial_officer, entry=comment, province=world.province, text="", version=2
    )

    assert cleared is None
    assert not ProvinceNote.objects.exists()


def test_a_note_written_meanwhile_is_not_overwritten(world, texts):
    comment = entry("qd213-dieu-4-khoan-4")
    services.save_province_note(
        by=world.provincial_officer, entry=comment, province=world.province, text="A", version=0
    )
    before = guidance_state()

    for version in (0, 2):
        with pytest.raises(DomainError, match="changed by someone else"):
            services.save_province_note(
                by=world.provincial_officer,
                entry=comment,
                province=world.province,
                text="B",
                version=version,
            )

    assert guidance_state() == before


@pytest.mark.parametrize("who", ["commune_clerk", "secretary_a1", "workplace_officer", "stranger"])
def test_only_the_provinces_officers_write_its_note(world, texts, who):
    before = guidance_state()

    with pytest.raises(StepRefused, match="Only the provincial officers"):
        services.save_province_note(
            by=getattr(world, who),
            entry=entry("qd213-dieu-1"),
            province=world.province,
            text="Ghi chú",
        )

    assert guidance_state() == before


def test_an_officer_does_not_write_another_provinces_note(world, texts, other):
    before = guidance_state()

    with pytest.raises(StepRefused):
        services.save_province_note(
            by=other.officer, entry=entry("qd213-dieu-1"), province=world.province, text="X"
        )

    assert guidance_state() == before


def test_dismissing_a_role_twice_stores_it_once(world):
    services.dismiss_walkthrough(by=world.commune_clerk, role="commune_clerk")
    services.dismiss_walkthrough(by=world.commune_clerk, role="commune_clerk")

    assert list(WalkthroughDismissal.objects.values_list("user", "role")) == [
        (world.commune_clerk.pk, "commune_clerk")
    ]
    assert AuditEvent.objects.filter(object_type="guidance.walkthroughdismissal").count() == 1


@pytest.mark.parametrize("role", ["provincial_officer", "member", "administrator", "x" * 30, ""])
def test_a_role_not_held_cannot_be_dismissed(world, role):
    with pytest.raises(DomainError, match="You hold no such role"):
        services.dismiss_walkthrough(by=world.commune_clerk, role=role)

    assert not WalkthroughDismissal.objects.exists()


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("mien giới", {"hd33-muc-1-2"}),
        (
            "ĐƯỢC MIỄN SINH HOẠT Ở NƠI CƯ TRÚ",
            {"hd33-muc-1-1", "hd33-muc-2", "qd213-dieu-3-gioi-thieu"},
        ),
        ("khoan 7", {"qd213-dieu-2-khoan-7"}),
        (
            "ban cong tac mat tran",
            {"qd213-dieu-2-khoan-4", "qd213-dieu-4-khoan-4", "hd33-mau-3-213-noi-dung"},
        ),
        ("zzz", set()),
    ],
)
def test_the_search_folds_diacritics(texts, query, keys):
    found = set(GuidanceEntry.objects.search(query).values_list("key", flat=True))

    assert found == keys


def test_mien_finds_every_text_about_exemptions(texts):
    found = set(GuidanceEntry.objects.search("mien").values_list("key", flat=True))

    assert {"hd33-muc-1-1", "hd33-muc-1-2", "hd33-muc-1-3", "hd33-muc-2"} <= found
    assert "qd213-dieu-4-khoan-1" not in found
