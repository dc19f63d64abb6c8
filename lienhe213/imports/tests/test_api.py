"""The imports API: upload, progress and counts, rejected rows, the error workbook, the
commit — the same services as the pages."""

import io

from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienhe213.imports import services
from lienhe213.imports.models import ImportBatch
from lienhe213.imports.tests.helpers import xlsx
from lienhe213.members.models import Member

ROWS = [
    ["Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Chi bộ"],
    ["Trần Văn An", "01/01/1980", "Nam", "01/01/2010", "Chi bộ tổ 1"],
    ["Lê Văn Bình", "31/02/1980", "Nam", "01/01/2010", "Chi bộ tổ 1"],
]


def _client(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _upload(client, org, content, kind="members"):
    upload = io.BytesIO(content)
    upload.name = "ds.xlsx"
    return client.post(
        "/api/v1/imports/",
        {"file": upload, "kind": kind, "organization": org.pk},
        format="multipart",
    )


def test_upload_check_read_the_rejected_rows_then_commit(world, django_capture_on_commit_callbacks):
    client = _client(world.commune_clerk)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _upload(client, world.commune_a_committee, xlsx(ROWS))

    assert response.status_code == 202
    assert response.json()["status"] == "validating"
    assert len(queued) == 1  # the check is queued for the worker
    batch_id = response.json()["id"]
    services.run_check(batch_id=batch_id)

    detail = client.get(f"/api/v1/imports/{batch_id}/").json()

    assert detail["status"] == "ready"
    assert detail["progress"] == {"done": 2, "total": 2, "percent": 100}
    assert detail["counts"] == {"rows": 2, "new": 1, "update": 0, "unchanged": 0, "rejected": 1}
    assert detail["rejected_rows"] == [
        {
            "row": 3,
            "cells": ["Lê Văn Bình", "31/02/1980", "Nam", "01/01/2010", "Chi bộ tổ 1"],
            "reasons": ["Ngày sinh: 31/02/1980 is not a real date."],
        }
    ]
    errors = client.get(f"/api/v1/imports/{batch_id}/errors/")
    assert errors.status_code == 200
    sheet = load_workbook(io.BytesIO(errors.content)).active
    assert [c.value for c in sheet[2]][-1] == "Ngày sinh: 31/02/1980 is not a real date."

    with django_capture_on_commit_callbacks(execute=False):
        committed = client.post(f"/api/v1/imports/{batch_id}/commit/", {}, format="json")
    assert committed.status_code == 202
    assert committed.json()["status"] == "committing"
    services.run_commit(batch_id=batch_id)
    assert client.get(f"/api/v1/imports/{batch_id}/").json()["status"] == "done"
    assert Member.objects.filter(search_text="tran van an").count() == 1


def test_a_double_commit_is_refused(world, django_capture_on_commit_callbacks):
    client = _client(world.commune_clerk)
    with django_capture_on_commit_callbacks(execute=False):
        batch_id = _upload(client, world.commune_a_committee, xlsx(ROWS)).json()["id"]
    services.run_check(batch_id=batch_id)

    with django_capture_on_commit_callbacks(execute=False):
        first = client.post(f"/api/v1/imports/{batch_id}/commit/", {}, format="json")
        second = client.post(f"/api/v1/imports/{batch_id}/commit/", {}, format="json")

    assert (first.status_code, second.status_code) == (202, 400)
    assert second.json() == {"detail": "Only a checked import can be committed."}


def test_an_unknown_kind_and_a_missing_file_are_400(world):
    client = _client(world.commune_clerk)

    wrong_kind = _upload(client, world.commune_a_committee, xlsx(ROWS), kind="people")
    no_file = client.post(
        "/api/v1/imports/",
        {"kind": "members", "organization": world.commune_a_committee.pk},
        format="multipart",
    )

    assert wrong_kind.status_code == 400 and "kind" in wrong_kind.json()
    assert no_file.status_code == 400 and "file" in no_file.json()
    assert not ImportBatch.objects.exists()


def test_an_empty_file_is_refused_with_a_reason(world):
    response = _upload(_client(world.commune_clerk), world.commune_a_committee, b"")

    assert response.status_code == 400
    assert not ImportBatch.objects.exists()
