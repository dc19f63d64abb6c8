import re

from django.urls import reverse

from conftest import member_fields
from lienhe213.members.services import create_member
from lienhe213.organizations.services import rename_organization


def _rows(nodes):
    return [(n.name, n.member_count, n.child_count) for n in nodes]


def test_tree_starts_at_the_provincial_officers_province(client, world):
    client.force_login(world.provincial_officer)

    response = client.get(reverse("organizations:tree"))

    assert _rows(response.context["nodes"]) == [("Đảng bộ tỉnh Tuyên Quang", 3, 3)]


def test_tree_starts_at_the_clerks_commune(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("organizations:tree"))

    assert _rows(response.context["nodes"]) == [("Đảng bộ phường Hà Giang 1", 1, 2)]


def _html_rows(html):
    pattern = r'<span class="name">([^<]*)</span>\s*<span class="count"[^>]*>(\d+)</span>'
    return [(name, int(count)) for name, count in re.findall(pattern, html)]


def test_tree_branches_open_with_subtree_counts(client, world):
    client.force_login(world.provincial_officer)

    response = client.get(
        reverse("organizations:children", args=[world.province.pk]),
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<ul class="tree">')
    assert _html_rows(html) == [
        ("Đảng bộ phường Hà Giang 1", 1),
        ("Đảng bộ xã Lâm Bình", 1),
        ("Đảng bộ Sở Giáo dục và Đào tạo", 1),
    ]
    assert reverse("organizations:children", args=[world.commune_a_committee.pk]) in html


def test_tree_query_count_does_not_grow_with_members(client, world, django_assert_max_num_queries):
    client.force_login(world.provincial_officer)
    url = reverse("organizations:children", args=[world.province.pk])
    # 9: session, user, roles, the page's reads, and the navigation's unread count.
    with django_assert_max_num_queries(9) as few:
        client.get(url)
    for i in range(30):
        create_member(by=world.root_user, **member_fields(world.cell_a2, given_name=f"Ba{i}"))

    with django_assert_max_num_queries(9) as many:
        response = client.get(url)

    assert _html_rows(response.content.decode())[0] == ("Đảng bộ phường Hà Giang 1", 31)
    assert len(many) == len(few)


def test_detail_shows_children_history_and_members_link(client, world):
    rename_organization(
        by=world.root_user,
        organization=world.cell_a1,
        name="Chi bộ tổ dân phố 1",
        effective_date=world.cell_a1.valid_from,
    )
    client.force_login(world.commune_clerk)

    response = client.get(reverse("organizations:detail", args=[world.commune_a_committee.pk]))
    renamed = client.get(reverse("organizations:detail", args=[world.cell_a1.pk]))

    assert _rows(response.context["children"]) == [
        ("Chi bộ tổ dân phố 1", 1, 0),
        ("Chi bộ tổ 2", 0, 0),
    ]
    assert response.context["member_count"] == 1
    assert f"{reverse('members:list')}?organization={world.commune_a_committee.pk}" in (
        response.content.decode()
    )
    assert "Chi bộ tổ 1 → Chi bộ tổ dân phố 1" in renamed.content.decode()
    assert world.cell_a1.valid_from.strftime("%d/%m/%Y") in renamed.content.decode()


def test_detail_breadcrumbs_show_only_visible_ancestors(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("organizations:detail", args=[world.cell_a1.pk]))

    assert list(response.context["ancestors"]) == [world.commune_a_committee]
