"""Pre-2025 administrative units in the member form, filters, API and services: never
offered, refused by name when posted, and an address typed with old names resolved to
the 2025 commune (ADR 0017)."""

import re

import pytest
from django.urls import reverse

from conftest import member_fields
from lienhe213.core.errors import DomainError
from lienhe213.members.models import Member
from lienhe213.members.services import create_member, update_member
from lienhe213.members.tests.test_api import client_for, new_member_payload
from lienhe213.organizations.models import AdministrativeUnit
from lienhe213.organizations.tests.pre_2025 import old_unit, tran_phu_of_ha_giang

pytestmark = pytest.mark.django_db

ENDED = (
    "Phường Trần Phú ceased to exist on 30/06/2025: choose the administrative unit in force "
    "on that date."
)


def commune(world, code: str, name: str) -> AdministrativeUnit:
    """A 2025 commune of Tuyên Quang with its real code (``organizations.legacy`` gives
    the codes of ``vietnam-provinces``)."""
    return AdministrativeUnit.objects.create(
        code=code, name=name, level="commune", division_type="xã", parent=world.province_unit
    )


def new_member_form(world, **overrides):
    data = {
        "family_name": "Trần",
        "middle_name": "Thị",
        "given_name": "Mai",
        "gender": "female",
        "birth_date": "1990-02-01",
        "joined_on": "2015-03-02",
        "organization": world.cell_a2.pk,
        "employment": "working",
    }
    data.update(overrides)
    return data


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None
    return [v for v in re.findall(r'<option value="(\d*)"', select.group()) if v]


def test_the_member_form_never_offers_a_pre_2025_commune(client, world):
    old = tran_phu_of_ha_giang(world.commune_a)
    Member.objects.filter(pk=world.member_a1.pk).update(residence_commune=old)
    client.force_login(world.commune_clerk)

    new = client.get(reverse("members:create")).content.decode()
    edit = client.get(reverse("members:edit", args=[world.member_a1.pk]))

    assert str(old.pk) not in options(new, "residence_commune")
    assert str(old.pk) not in options(edit.content.decode(), "residence_commune")
    assert ">Phường Trần Phú<" not in edit.content.decode()
    # The stored old commune is proposed as its only 2025 successor.
    assert edit.context["form"]["residence_commune"].value() == world.commune_a.pk
    assert options(edit.content.decode(), "residence_community") == [
        str(world.community_a1.pk),
        str(world.community_a2.pk),
    ]


def test_a_forged_pre_2025_commune_is_refused_by_name_and_nothing_is_created(client, world):
    old = tran_phu_of_ha_giang(world.commune_a)
    client.force_login(world.commune_clerk)
    before = Member.objects.count()

    response = client.post(
        reverse("members:create"), new_member_form(world, residence_commune=old.pk)
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"residence_commune": [ENDED]}
    assert Member.objects.count() == before


def test_the_services_refuse_a_pre_2025_commune(world):
    old = tran_phu_of_ha_giang(world.commune_a)
    member = world.member_a1
    before = (Member.objects.count(), member.version, member.residence_commune_id)

    with pytest.raises(DomainError) as created:
        create_member(by=world.root_user, **member_fields(world.cell_a1, residence_commune=old))
    with pytest.raises(DomainError) as updated:
        update_member(
            by=world.root_user, member=member, version=member.version, residence_commune=old
        )

    assert (created.value.field, str(created.value)) == ("residence_commune", ENDED)
    assert (updated.value.field, str(updated.value)) == ("residence_commune", ENDED)
    member.refresh_from_db()
    assert (Member.objects.count(), member.version, member.residence_commune_id) == before


def test_a_record_keeping_its_old_commune_may_still_be_edited(world):
    old = tran_phu_of_ha_giang(world.commune_a)
    Member.objects.filter(pk=world.member_a1.pk).update(
        residence_commune=old, residence_community=None
    )
    member = Member.objects.get(pk=world.member_a1.pk)

    update_member(by=world.root_user, member=member, version=member.version, phone="0912345678")

    member.refresh_from_db()
    assert (member.phone, member.residence_commune_id) == ("0912345678", old.pk)


def test_the_api_refuses_a_pre_2025_commune_on_the_field(world):
    old = tran_phu_of_ha_giang(world.commune_a)
    before = Member.objects.count()

    response = client_for(world.commune_clerk).post(
        "/api/v1/members/", new_member_payload(world, residence_commune=old.pk), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"residence_commune": [ENDED]}
    assert Member.objects.count() == before


def test_the_member_filter_refuses_a_pre_2025_commune_on_page_and_api(client, world):
    old = tran_phu_of_ha_giang(world.commune_a)
    client.force_login(world.commune_clerk)

    page = client.get(reverse("members:list"), {"residence_commune": old.pk})
    api = client_for(world.commune_clerk).get("/api/v1/members/", {"residence_commune": old.pk})
    listed = client.get(reverse("members:list")).content.decode()

    assert page.status_code == 400
    assert ENDED in page.content.decode()
    assert api.status_code == 400
    assert api.json() == {"residence_commune": [ENDED]}
    assert f'value="{old.pk}"' not in listed


def test_an_address_typed_with_old_names_resolves_to_the_2025_commune(client, world):
    ha_giang_2 = commune(world, "00691", "Phường Hà Giang 2")
    client.force_login(world.commune_clerk)

    response = client.post(
        reverse("members:create"),
        new_member_form(
            world, residence_as_written="Phường Trần Phú, Thành phố Hà Giang, Hà Giang"
        ),
    )

    assert response.status_code == 302, response.context["form"].errors
    assert Member.objects.get(given_name="Mai").residence_commune == ha_giang_2


def test_a_split_commune_asks_which_and_a_choice_among_its_successors_is_kept(client, world):
    minh_ngoc = commune(world, "00994", "Xã Minh Ngọc")
    commune(world, "00700", "Xã Ngọc Đường")
    client.force_login(world.commune_clerk)
    written = "Xã Yên Định, huyện Bắc Mê, Hà Giang"

    asked = client.post(
        reverse("members:create"), new_member_form(world, residence_as_written=written)
    )
    wrong = client.post(
        reverse("members:create"),
        new_member_form(world, residence_as_written=written, residence_commune=world.commune_a.pk),
    )
    assert not Member.objects.filter(given_name="Mai").exists()
    chosen = client.post(
        reverse("members:create"),
        new_member_form(world, residence_as_written=written, residence_commune=minh_ngoc.pk),
    )

    assert asked.status_code == 200
    assert asked.context["form"].errors == {
        "residence_as_written": [
            "“Xã Yên Định, huyện Bắc Mê, Hà Giang” was split in 2025 between Xã Minh Ngọc, "
            "Xã Ngọc Đường: choose which one in the list of communes."
        ]
    }
    assert wrong.context["form"].errors == {
        "residence_as_written": [
            "“Xã Yên Định, huyện Bắc Mê, Hà Giang” is in Xã Minh Ngọc, Xã Ngọc Đường, not in "
            "Phường Hà Giang 1."
        ]
    }
    assert chosen.status_code == 302
    assert Member.objects.get(given_name="Mai").residence_commune == minh_ngoc


def test_an_address_that_names_no_commune_is_an_error(client, world):
    client.force_login(world.commune_clerk)

    response = client.post(
        reverse("members:create"), new_member_form(world, residence_as_written="Tổ 5, abc xyz")
    )

    assert response.context["form"].errors == {
        "residence_as_written": ["No commune, old or new, is found for “Tổ 5, abc xyz”."]
    }
    assert not Member.objects.filter(given_name="Mai").exists()


def test_an_old_district_is_not_a_commune_to_choose(world):
    province = old_unit("02", "Hà Giang", "province", "tỉnh")
    district = old_unit("024", "Thành phố Hà Giang", "district", "thành phố", province)

    with pytest.raises(DomainError):
        create_member(
            by=world.root_user, **member_fields(world.cell_a1, residence_commune=district)
        )


def test_the_member_page_shows_a_pre_2025_commune_as_its_2025_successor(client, world):
    old = tran_phu_of_ha_giang(world.commune_a)
    Member.objects.filter(pk=world.member_a1.pk).update(residence_commune=old)
    client.force_login(world.commune_clerk)

    html = client.get(reverse("members:detail", args=[world.member_a1.pk])).content.decode()

    assert "<dd>Phường Hà Giang 1</dd>" in html
    assert "Trần Phú" not in html
