"""Every export of personal data is audited: who, which list, the filters, the rows."""

import pytest

from lienhe213.core.models import AuditEvent


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_a_member_list_export_writes_one_audit_row(world, client, fmt):
    client.force_login(world.commune_clerk)

    response = client.get("/members/", {"format": fmt, "gender": "female"})

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="export")
    assert event.actor == world.commune_clerk
    assert event.changes == {
        "path": "/members/",
        "filters": {"format": [fmt], "gender": ["female"]},
        "rows": 1,
    }
    assert event.scope_path == world.commune_a_committee.path
    assert event.request_id


def test_showing_the_list_on_the_page_is_not_an_export(world, client):
    client.force_login(world.commune_clerk)

    client.get("/members/")

    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_rejected_rows_of_an_import_are_an_export(world, client):
    from lienhe213.imports.tests.helpers import check, xlsx

    batch = check(
        world.commune_clerk,
        "members",
        world.commune_a_committee,
        xlsx([["Họ và tên", "Ngày sinh"], ["Trần Văn An", "31/02/1980"]]),
    )
    client.force_login(world.commune_clerk)

    client.get(f"/imports/{batch.pk}/rejected.xlsx")

    event = AuditEvent.objects.get(action="export")
    assert event.object_repr == "Rejected rows of “ds.xlsx”"
    assert event.changes["rows"] == 1


def test_the_edit_form_showing_a_full_citizen_id_is_audited(world, client):
    client.force_login(world.commune_clerk)

    response = client.get(f"/members/{world.member_a1.pk}/edit/")

    assert "002185001234" in response.content.decode()
    event = AuditEvent.objects.get(action="view")
    assert (event.actor, event.object_id, event.changes) == (
        world.commune_clerk,
        str(world.member_a1.pk),
        {"field": "citizen_id"},
    )
