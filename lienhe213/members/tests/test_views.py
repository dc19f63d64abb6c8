import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import member_fields
from lienhe213.core.models import AuditEvent
from lienhe213.members.models import Member
from lienhe213.members.services import create_member, update_member


def _names(response):
    return [m.full_name for m in response.context["page"].rows]


def _edit_data(member, **overrides):
    data = {
        "family_name": member.family_name,
        "middle_name": member.middle_name,
        "given_name": member.given_name,
        "gender": member.gender,
        "birth_date": member.birth_date.isoformat(),
        "joined_on": member.joined_on.isoformat(),
        "official_on": member.official_on.isoformat() if member.official_on else "",
        "party_card_number": member.party_card_number,
        "dossier_number": member.dossier_number,
        "citizen_id": member.citizen_id,
        "organization": member.organization_id,
        "employment": member.employment,
        "workplace_name": member.workplace_name,
        "residence_commune": member.residence_commune_id or "",
        "residence_community": member.residence_community_id or "",
        "residence_address": member.residence_address,
        "phone": member.phone,
        "email": member.email,
        "version": member.version,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("text", ["nguyen van duc", "Nguyen Van Duc", "Nguyễn Văn Đức"])
def test_search_ignores_case_and_diacritics(client, world, text):
    client.force_login(world.provincial_officer)

    response = client.get(reverse("members:list"), {"q": text})

    assert _names(response) == ["Nguyễn Văn Đức"]


def test_search_dang_finds_dang_thi_hoa(client, world):
    client.force_login(world.provincial_officer)

    response = client.get(reverse("members:list"), {"q": "dang"})

    assert _names(response) == ["Đặng Thị Hoa"]


def test_list_shows_only_members_in_scope(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("members:list"))

    assert _names(response) == ["Đặng Thị Hoa"]
    assert "Lò Văn Pọm" not in response.content.decode()


def test_search_does_not_reach_outside_scope(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("members:list"), {"q": "pom"})

    assert _names(response) == []


def test_list_of_member_role_holds_only_own_record(client, world):
    client.force_login(world.member_user)

    response = client.get(reverse("members:list"))

    assert _names(response) == ["Nguyễn Văn Đức"]


def test_list_masks_citizen_id(client, world):
    client.force_login(world.provincial_officer)

    html = client.get(reverse("members:list")).content.decode()

    assert "002••••••234" in html
    assert "002185001234" not in html


def test_list_orders_names_the_vietnamese_way(client, world):
    client.force_login(world.provincial_officer)

    ascending = client.get(reverse("members:list"))
    descending = client.get(reverse("members:list"), {"sort": "-name"})

    # Given name first: Đức < Hoa < Pọm.
    assert _names(ascending) == ["Nguyễn Văn Đức", "Đặng Thị Hoa", "Lò Văn Pọm"]
    assert _names(descending) == ["Lò Văn Pọm", "Đặng Thị Hoa", "Nguyễn Văn Đức"]


def test_list_filters_by_gender_and_employment(client, world):
    client.force_login(world.provincial_officer)

    female = client.get(reverse("members:list"), {"gender": "female"})
    working = client.get(reverse("members:list"), {"employment": "working"})

    assert _names(female) == ["Đặng Thị Hoa"]
    assert _names(working) == ["Nguyễn Văn Đức", "Lò Văn Pọm"]


def test_list_restricted_to_an_organization_subtree(client, world):
    client.force_login(world.provincial_officer)

    response = client.get(reverse("members:list"), {"organization": world.commune_b_committee.pk})

    assert _names(response) == ["Lò Văn Pọm"]


def test_list_of_an_organization_outside_scope_is_400_with_no_rows(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("members:list"), {"organization": world.commune_b_committee.pk})

    assert response.status_code == 400
    assert _names(response) == []
    assert list(response.context["filter"].errors) == ["organization"]


@pytest.mark.parametrize("organization", ["commune_b_committee", "forged"])
def test_page_and_api_give_the_same_answer_to_an_organization_out_of_sight(
    client, world, organization
):
    """One filter set for both surfaces: an out-of-scope id and one that never existed
    are the same invalid choice, 400 on the page and in the API."""
    org_id = 987654 if organization == "forged" else getattr(world, organization).pk
    client.force_login(world.commune_clerk)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(world.commune_clerk)

    page = client.get(reverse("members:list"), {"organization": org_id})
    listed = api.get("/api/v1/members/", {"organization": org_id})
    exported = client.get(reverse("members:list"), {"organization": org_id, "format": "xlsx"})

    assert (page.status_code, listed.status_code, exported.status_code) == (400, 400, 400)
    assert list(page.context["filter"].errors) == list(listed.json()) == ["organization"]


def test_htmx_request_gets_only_the_results_fragment(client, world):
    client.force_login(world.provincial_officer)

    response = client.get(reverse("members:list"), {"q": "hoa"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html
    assert "Đặng Thị Hoa" in html
    assert "HX-Request" in response["Vary"]


def test_search_box_searches_as_you_type(client, world):
    client.force_login(world.provincial_officer)

    html = client.get(reverse("members:list")).content.decode()

    assert 'hx-trigger="keyup changed delay:300ms, search"' in html
    assert 'hx-push-url="true"' in html


def test_list_query_count_does_not_grow_with_members(client, world, django_assert_max_num_queries):
    client.force_login(world.provincial_officer)
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("members:list"), {"q": "van"})
    for i in range(30):
        create_member(
            by=world.root_user,
            **member_fields(world.cell_b1 if i % 2 else world.workplace_cell, given_name=f"Ba{i}"),
        )

    with django_assert_max_num_queries(6) as many:
        response = client.get(reverse("members:list"), {"q": "van"})

    assert len(response.context["page"].rows) == 32
    assert len(many) == len(few)


def test_detail_shows_full_citizen_id_and_edit_button_to_editors(client, world):
    client.force_login(world.commune_clerk)

    html = client.get(reverse("members:detail", args=[world.member_a1.pk])).content.decode()

    assert "002185001234" in html
    assert reverse("members:edit", args=[world.member_a1.pk]) in html


def test_detail_masks_citizen_id_for_readers(client, world):
    client.force_login(world.secretary_a1)

    html = client.get(reverse("members:detail", args=[world.member_a1.pk])).content.decode()

    assert "002••••••234" in html
    assert "002185001234" not in html
    assert reverse("members:edit", args=[world.member_a1.pk]) not in html


def test_detail_of_forged_id_is_404(client, world):
    client.force_login(world.provincial_officer)

    response = client.get(reverse("members:detail", args=[999999]))

    assert response.status_code == 404


def test_edit_saves_changes_through_the_service(client, world):
    member = world.member_a1
    client.force_login(world.commune_clerk)

    response = client.post(
        reverse("members:edit", args=[member.pk]), _edit_data(member, phone="0912345678")
    )

    member.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    assert (member.phone, member.version) == ("0912345678", 2)
    event = AuditEvent.objects.get(action="update", object_id=str(member.pk))
    assert (event.actor, event.changes) == (world.commune_clerk, {"phone": ["", "0912345678"]})


def test_edit_with_stale_version_is_refused_and_changes_nothing(client, world):
    member = world.member_a1
    client.force_login(world.commune_clerk)
    form_data = _edit_data(member, phone="0912345678")  # the form was opened at version 1
    update_member(by=world.provincial_officer, member=member, version=1, email="hoa@example.vn")

    response = client.post(reverse("members:edit", args=[member.pk]), form_data)

    member.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This record was changed by someone else meanwhile. Reload it and try again."
    ]
    assert (member.phone, member.email, member.version) == ("", "hoa@example.vn", 2)
    assert AuditEvent.objects.filter(action="update").count() == 1


def test_edit_by_cell_secretary_is_403_and_changes_nothing(client, world):
    member = world.member_a1
    client.force_login(world.secretary_a1)

    response = client.post(
        reverse("members:edit", args=[member.pk]), _edit_data(member, phone="0912345678")
    )

    member.refresh_from_db()
    assert response.status_code == 403
    assert (member.phone, member.version) == ("", 1)


def test_edit_of_forged_id_is_404(client, world):
    client.force_login(world.commune_clerk)

    response = client.post(
        reverse("members:edit", args=[world.member_b1.pk]),
        _edit_data(world.member_b1, phone="0912345678"),
    )

    world.member_b1.refresh_from_db()
    assert response.status_code == 404
    assert world.member_b1.phone == ""


def test_edit_form_offers_only_organizations_the_user_may_edit(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("members:edit", args=[world.member_a1.pk]))

    choices = response.context["form"].fields["organization"].queryset
    assert list(choices) == [world.commune_a_committee, world.cell_a1, world.cell_a2]


def test_edit_cannot_move_member_outside_scope(client, world):
    member = world.member_a1
    client.force_login(world.commune_clerk)

    response = client.post(
        reverse("members:edit", args=[member.pk]),
        _edit_data(member, organization=world.cell_b1.pk),
    )

    member.refresh_from_db()
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["organization"]
    assert member.organization == world.cell_a1


def test_create_registers_member(client, world):
    client.force_login(world.commune_clerk)
    data = {
        "family_name": "Trần",
        "middle_name": "Thị",
        "given_name": "Mai",
        "gender": "female",
        "birth_date": "1990-02-01",
        "joined_on": "2015-03-02",
        "organization": world.cell_a2.pk,
        "employment": "working",
        "residence_commune": world.commune_a.pk,
        "residence_community": world.community_a2.pk,
    }

    response = client.post(reverse("members:create"), data)

    member = Member.objects.get(given_name="Mai")
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    assert (member.organization, member.residence_community) == (
        world.cell_a2,
        world.community_a2,
    )
    assert (
        AuditEvent.objects.filter(
            action="create", object_type="members.member", object_id=str(member.pk)
        ).count()
        == 1
    )


def test_create_shows_domain_error_on_the_field(client, world):
    client.force_login(world.commune_clerk)
    data = {
        "family_name": "Trần",
        "given_name": "Mai",
        "gender": "female",
        "birth_date": "2010-02-01",
        "joined_on": "2015-03-02",
        "organization": world.cell_a2.pk,
        "employment": "working",
    }

    response = client.post(reverse("members:create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "joined_on": ["A member is admitted at 18 or older."]
    }
    assert not Member.objects.filter(given_name="Mai").exists()


def test_community_options_follow_the_commune(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(
        reverse("members:community_options"), {"residence_commune": world.commune_a.pk}
    )

    html = response.content.decode()
    assert "Tổ 1" in html
    assert "Tổ 2" in html
    assert "Nà Tông" not in html


def test_edit_form_carries_version_and_iso_dates(client, world):
    client.force_login(world.commune_clerk)

    html = client.get(reverse("members:edit", args=[world.member_a1.pk])).content.decode()

    assert '<input type="hidden" name="version" value="1"' in html
    assert 'type="date" name="birth_date" value="1985-03-14"' in html


def test_showing_a_full_citizen_id_is_audited_and_masked_for_readers(client, world):
    from lienhe213.core.models import AuditEvent

    client.force_login(world.commune_clerk)
    clerk_html = client.get(reverse("members:detail", args=[world.member_a1.pk])).content
    client.force_login(world.secretary_a1)
    secretary_html = client.get(reverse("members:detail", args=[world.member_a1.pk])).content

    assert b"002185001234" in clerk_html
    assert b"002185001234" not in secretary_html
    views = AuditEvent.objects.filter(action="view", object_id=str(world.member_a1.pk))
    assert list(views.values_list("actor__username", "changes")) == [
        ("xa", {"field": "citizen_id"})
    ]


def test_the_residence_commune_offers_the_province_s_communes_only(client, world):
    from lienhe213.organizations.models import AdministrativeUnit

    elsewhere = AdministrativeUnit.objects.create(
        code="00004", name="Phường Ba Đình", level="commune", division_type="phường"
    )
    client.force_login(world.commune_clerk)

    html = client.get(reverse("members:create")).content.decode()

    assert "Phường Hà Giang 1" in html
    assert "Xã Lâm Bình" in html
    assert elsewhere.name not in html
