"""The guidance API: the same services and scoping as the pages."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienhe213.guidance import services
from lienhe213.guidance.models import ProvinceNote, WalkthroughDismissal
from lienhe213.guidance.tests.conftest import entry, guidance_state


def _api(user=None):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_the_list_searches_with_diacritics_folded(world, texts):
    response = _api(world.member_user).get("/api/v1/guidance/entries/", {"q": "mien giới"})

    assert response.status_code == 200
    assert [row["key"] for row in response.json()["results"]] == ["hd33-muc-1-2"]
    row = response.json()["results"][0]
    assert row["step"] == "exempt"
    assert row["source"] == (
        "Hướng dẫn 33-HD/BTCTW ngày 30/10/2020 của Ban Tổ chức Trung ương, mục 1, điểm 1.2"
    )


def test_the_list_filters_by_step(world, texts):
    response = _api(world.secretary_a1).get("/api/v1/guidance/entries/", {"step": "comment"})

    assert [row["key"] for row in response.json()["results"]] == [
        "qd213-dieu-4-khoan-4",
        "hd33-mau-3-213-noi-dung",
    ]


def test_the_detail_has_every_wording_and_only_the_readers_province_note(world, texts, other):
    target = entry("qd213-dieu-1")
    services.save_province_note(
        by=world.provincial_officer, entry=target, province=world.province, text="Tuyên Quang"
    )
    services.save_province_note(
        by=other.officer, entry=target, province=other.province, text="Lai Châu"
    )
    services.revise_entry(
        by=world.root_user, entry=target, summary="S", text="T", confirmed=True, reason="r"
    )

    mine = _api(world.commune_clerk).get(f"/api/v1/guidance/entries/{target.pk}/").json()
    theirs = _api(other.clerk).get(f"/api/v1/guidance/entries/{target.pk}/").json()

    assert [v["number"] for v in mine["versions"]] == [2, 1]
    assert (mine["text"], mine["version"]) == ("T", 2)
    assert [n["text"] for n in mine["notes"]] == ["Tuyên Quang"]
    assert [n["text"] for n in theirs["notes"]] == ["Lai Châu"]


def test_an_officer_writes_the_note(world, texts):
    target = entry("qd213-dieu-1")

    response = _api(world.provincial_officer).post(
        f"/api/v1/guidance/entries/{target.pk}/note/",
        {"province": world.province.pk, "text": "Ghi chú", "version": 0},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert ProvinceNote.objects.get().text == "Ghi chú"


def test_a_stale_note_is_a_conflict_with_the_stored_version(world, texts):
    target = entry("qd213-dieu-1")
    services.save_province_note(
        by=world.provincial_officer, entry=target, province=world.province, text="A"
    )
    before = guidance_state()

    response = _api(world.provincial_officer).post(
        f"/api/v1/guidance/entries/{target.pk}/note/",
        {"province": world.province.pk, "text": "B", "version": 0},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["version"] == 1
    assert guidance_state() == before


def test_another_provinces_officer_is_refused_by_a_forged_province(world, texts, other):
    before = guidance_state()

    response = _api(other.officer).post(
        f"/api/v1/guidance/entries/{entry('qd213-dieu-1').pk}/note/",
        {"province": world.province.pk, "text": "X", "version": 0},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"province": ["Choose your own province."]}
    assert guidance_state() == before


def test_an_administrator_publishes_a_wording_and_a_stale_one_is_a_conflict(world, texts):
    target = entry("qd213-dieu-2-khoan-7")
    url = f"/api/v1/guidance/entries/{target.pk}/revise/"
    body = {"summary": "S", "text": "T", "confirmed": True, "reason": "Đối chiếu", "version": 1}
    api = _api(world.root_user)

    published = api.post(url, body, format="json")
    before = guidance_state()
    stale = api.post(url, {**body, "text": "U"}, format="json")

    assert published.status_code == 201
    assert [(v["number"], v["text"]) for v in published.json()["versions"]] == [
        (2, "T"),
        (1, target.current_version.text),
    ]
    assert (stale.status_code, stale.json()["version"]) == (409, 2)
    assert guidance_state() == before


def test_the_walkthrough_lists_and_dismisses(world):
    api = _api(world.workplace_officer)

    listed = api.get("/api/v1/guidance/walkthrough/").json()
    dismissed = api.post(
        "/api/v1/guidance/walkthrough/dismiss/", {"role": "workplace_officer"}, format="json"
    )

    assert [c["role"] for c in listed] == ["workplace_officer"]
    assert listed[0]["items"][2] == [
        "Issue the introduction letters of your working members",
        f"/registry/workplace/{world.workplace.pk}/",
    ]
    assert dismissed.status_code == 204
    assert api.get("/api/v1/guidance/walkthrough/").json() == []


def test_a_forged_dismissal_is_400(world):
    response = _api(world.workplace_officer).post(
        "/api/v1/guidance/walkthrough/dismiss/", {"role": "provincial_officer"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"role": ["You hold no such role."]}
    assert not WalkthroughDismissal.objects.exists()


# --- the permission matrix of the guidance endpoints -----------------------------------

CASTS = (
    "anonymous",
    "stranger",
    "member_user",
    "other_clerk",
    "secretary_a1",
    "commune_clerk",
    "workplace_officer",
    "provincial_officer",
    "root_user",
)


def _note_body(w):
    return {"province": w.province.pk, "text": "Ghi chú", "version": 0}


ENDPOINTS = {
    "entry-list": ("get", lambda w: "/api/v1/guidance/entries/", None),
    "entry-detail": (
        "get",
        lambda w: f"/api/v1/guidance/entries/{entry('qd213-dieu-1').pk}/",
        None,
    ),
    "entry-missing": ("get", lambda w: "/api/v1/guidance/entries/999999/", None),
    "entry-note": (
        "post",
        lambda w: f"/api/v1/guidance/entries/{entry('qd213-dieu-1').pk}/note/",
        _note_body,
    ),
    "entry-revise": (
        "post",
        lambda w: f"/api/v1/guidance/entries/{entry('qd213-dieu-1').pk}/revise/",
        lambda w: {"summary": "S", "text": "T", "reason": "R", "version": 1},
    ),
    "walkthrough": ("get", lambda w: "/api/v1/guidance/walkthrough/", None),
    "walkthrough-dismiss": (
        "post",
        lambda w: "/api/v1/guidance/walkthrough/dismiss/",
        lambda w: {"role": "commune_clerk"},
    ),
}

# fmt: off
MATRIX = {
    #                      anon stranger member other sec_a1 clerk work  prov  root
    "entry-list":          (401, 200,    200,   200,  200,   200,  200,  200,  200),
    "entry-detail":        (401, 200,    200,   200,  200,   200,  200,  200,  200),
    "entry-missing":       (401, 404,    404,   404,  404,   404,  404,  404,  404),
    "entry-note":          (401, 403,    403,   403,  403,   403,  403,  200,  200),
    "entry-revise":        (401, 403,    403,   403,  403,   403,  403,  403,  201),
    "walkthrough":         (401, 200,    200,   200,  200,   200,  200,  200,  200),
    "walkthrough-dismiss": (401, 400,    400,   204,  400,   204,  400,  400,  400),
}
# fmt: on

CASES = [
    pytest.param(endpoint, cast, code, id=f"{endpoint}-{cast}")
    for endpoint, codes in MATRIX.items()
    for cast, code in zip(CASTS, codes, strict=True)
]


def test_the_matrix_covers_every_endpoint():
    assert set(MATRIX) == set(ENDPOINTS)


@pytest.mark.parametrize(("endpoint", "cast", "expected"), CASES)
def test_permission_matrix(world, texts, endpoint, cast, expected):
    method, url, body = ENDPOINTS[endpoint]
    client = _api(world.user(cast))
    before = guidance_state()

    response = getattr(client, method)(url(world), body(world) if body else None, format="json")

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert guidance_state() == before


@pytest.mark.parametrize("path", ["abc/", "1x/revise/", "%F0%93%8E%B4/note/"])
def test_an_id_that_is_no_number_is_not_found(world, texts, path):
    before = guidance_state()

    response = _api(world.provincial_officer).post(f"/api/v1/guidance/entries/{path}", {})
    listed = _api(world.member_user).get(f"/api/v1/guidance/entries/{path}")

    assert (response.status_code, listed.status_code) == (404, 404)
    assert guidance_state() == before
