"""Every linked number of a report leads to a list showing exactly its rows: each test
reads a report on the cast, follows each of its links as the same reader, and counts
the rows of the list (the same definitions, the same scope)."""

import datetime

from django.urls import reverse

from lienhe213.comments.models import Comment
from lienhe213.notices import services as notice_services
from lienhe213.notices.models import Notice, NoticeReply
from lienhe213.organizations.services import create_organization
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.conftest import link_at
from lienhe213.registry.tests.test_views import second_member
from lienhe213.reports import summaries
from lienhe213.reports.tests.conftest import rows_elsewhere, year_in_commune_a

# The figures a residential commune's report links for a past period.
COMMUNE_FIGURES = {
    "working_members",
    "classified_normal",
    "classified_a",
    "classified_b",
    "letters_issued",
    "letters_received",
    "letters_returned",
    "letters_overdue",
    "active_links",
    "moved_in",
    "moved_out",
    "meetings_held",
    "comments_requested",
    "comments_returned",
    "comments_returned_on_time",
    "good_example",
    "recommend_commend",
    "recommend_consider_handling",
    "cells_uniform_ratings",
    "notices_sent",
    "notices_acknowledged",
    "notices_needing_answer",
    "notices_answered_on_time",
}


def busy_year(world):
    """The reports' small year (its comment returned on time), the same rows elsewhere,
    its notice answered on the due day, and in commune A: a letter
    still not received (overdue by the year's end), a letter returned in May and a
    link ended in October, each to a member of its own."""
    link, campaign = year_in_commune_a(world)
    rows_elsewhere(world, campaign)
    on_time = datetime.datetime(2025, 12, 1, 9, tzinfo=datetime.UTC)
    Comment.objects.filter(request__link=link).update(returned_at=on_time)
    notice = Notice.objects.get(link=link)
    notice_services.reply_to_notice(by=world.workplace_officer, notice=notice, body="Đã nhận.")
    NoticeReply.objects.filter(notice=notice).update(
        at=datetime.datetime.combine(notice.response_due, datetime.time(9), tzinfo=datetime.UTC)
    )
    people = [
        second_member(world, given_name=name, party_card_number=card)
        for name, card in [("Lan", "61111111"), ("Mai", "62222222"), ("Nga", "63333333")]
    ]
    link_at(world, "issued", member=people[0])
    returned = link_at(world, "received", member=people[1])
    ResidenceLink.objects.filter(pk=returned.pk).update(
        status="returned", returned_on=datetime.date(2025, 5, 5)
    )
    ended = link_at(world, "active", member=people[2])
    ResidenceLink.objects.filter(pk=ended.pk).update(
        status="ended", ended_on=datetime.date(2025, 10, 1)
    )
    summaries.rebuild()  # the two links were dated back around the services


def count_rows(response):
    """The rows a list shows (every list here fits one page)."""
    if "uniform_cells" in response.context:
        return len(response.context["uniform_cells"])
    page = response.context["page"]
    assert not page.has_next
    return len(page.rows)


def follow(client, urls, figures):
    """``{figure: (report's number, list's rows)}`` for every linked figure."""
    seen = {}
    for name, url in urls.items():
        if name == "problems" or name not in figures:
            continue
        response = client.get(url)
        assert response.status_code == 200, (name, url)
        seen[name] = (figures[name], count_rows(response))
    return seen


def assert_same(seen):
    assert {name: pair[1] for name, pair in seen.items()} == {
        name: pair[0] for name, pair in seen.items()
    }


def report_page(client, org, **period):
    response = client.get(reverse("reports:organization", args=[org.pk]), period)
    assert response.status_code == 200
    return response


def test_commune_report_of_a_past_year_links_each_figure_to_its_rows(client, world):
    busy_year(world)
    client.force_login(world.commune_clerk)

    response = report_page(client, world.commune_a_committee, year=2025)

    report = response.context["report"]
    seen = follow(client, response.context["figure_links"], report.figures)
    assert set(seen) == COMMUNE_FIGURES
    assert_same(seen)
    # the numbers are not all zero: the lists are really compared
    assert {name for name, (number, _rows) in seen.items() if number} >= {
        "letters_issued",
        "letters_returned",
        "letters_overdue",
        "active_links",
        "moved_in",
        "moved_out",
        "classified_b",
        "meetings_held",
        "comments_returned_on_time",
        "good_example",
        "cells_uniform_ratings",
        "notices_sent",
        "notices_acknowledged",
        "notices_answered_on_time",
    }
    assert report.figures["letters_issued"] == 4
    assert report.figures["moved_out"] == 1


def test_commune_report_links_the_reasons_of_its_exemptions(client, world):
    busy_year(world)
    client.force_login(world.commune_clerk)

    response = report_page(client, world.commune_a_committee, year=2025)

    rows = [(label, n, url) for label, n, url in response.context["reason_rows"] if n]
    assert [(str(label), n) for label, n, _url in rows] == [("Abroad for 12 months or more", 1)]
    assert count_rows(client.get(rows[0][2])) == 1


def test_each_cells_row_leads_to_its_rows(client, world):
    busy_year(world)
    client.force_login(world.commune_clerk)

    response = report_page(client, world.commune_a_committee, year=2025)

    for child, figures, urls in response.context["children"]:
        seen = follow(client, urls, figures)
        assert "letters_issued" in seen and "comments_requested" in seen, child.name
        assert_same(seen)


def test_a_custom_period_keeps_its_dates_in_the_links(client, world):
    busy_year(world)
    client.force_login(world.commune_clerk)

    response = report_page(
        client, world.commune_a_committee, **{"from": "2025-03-01", "to": "2025-05-31"}
    )

    urls = response.context["figure_links"]
    assert "issued_from=2025-03-01&issued_to=2025-05-31" in urls["letters_issued"]
    assert "active_on=2025-05-31" in urls["active_links"]
    seen = follow(client, urls, response.context["report"].figures)
    assert_same(seen)


# The figures the province's (a district's, a workplace committee's) report links: the
# same as a commune's, but the uniform ratings (the progress page is a commune's).
SUBTREE_FIGURES = COMMUNE_FIGURES - {"cells_uniform_ratings"}
LINK_FIGURES = {
    "letters_issued",
    "letters_received",
    "letters_returned",
    "letters_overdue",
    "active_links",
    "moved_in",
    "moved_out",
}
COMMENT_FIGURES = {
    "comments_requested",
    "comments_returned",
    "comments_returned_on_time",
    "good_example",
    "recommend_commend",
    "recommend_consider_handling",
}


def test_province_report_links_every_figure_and_its_childrens_rows(client, world):
    busy_year(world)
    client.force_login(world.provincial_officer)

    response = report_page(client, world.province, year=2025)

    urls = response.context["figure_links"]
    report = response.context["report"]
    seen = follow(client, urls, report.figures)
    assert set(seen) == SUBTREE_FIGURES
    subtree = reverse("registry:subtree_links", args=[world.province.pk])
    assert urls["letters_issued"] == f"{subtree}?issued_from=2025-01-01&issued_to=2025-12-31"
    assert urls["comments_requested"].startswith(
        reverse("comments:subtree", args=[world.province.pk])
    )
    assert_same(seen)
    # both communes' and the workplace's letters and comments: not all zero
    assert report.figures["letters_issued"] == 5
    assert report.figures["comments_returned"] == 2
    children = {child: (figures, urls) for child, figures, urls in response.context["children"]}
    for figures, child_urls in children.values():
        assert_same(follow(client, child_urls, figures))
    # a workplace committee's row counts its links by its own side
    figures, workplace_urls = children[world.workplace]
    assert "side=workplace" in workplace_urls["letters_issued"]
    assert figures["letters_issued"] == 5
    assert "side=workplace" in workplace_urls["comments_requested"]


def test_workplace_committees_report_follows_to_its_links_and_its_cells(client, world):
    busy_year(world)
    client.force_login(world.workplace_officer)

    response = report_page(client, world.workplace, year=2025)

    urls = response.context["figure_links"]
    report = response.context["report"]
    seen = follow(client, urls, report.figures)
    assert set(seen) >= LINK_FIGURES | COMMENT_FIGURES
    assert_same(seen)
    assert report.figures["letters_issued"] == 5
    for child, figures, child_urls in response.context["children"]:
        # below a grassroots committee a workplace cell counts its members' links
        assert "side=party_unit" in child_urls["letters_issued"], child.name
        child_seen = follow(client, child_urls, figures)
        assert set(child_seen) >= LINK_FIGURES | COMMENT_FIGURES
        assert_same(child_seen)
    rows = {child: figures for child, figures, _urls in response.context["children"]}
    assert rows[world.workplace_cell]["letters_issued"] == 5


def district_over_commune_a(world, effective_date):
    """A district committee (both sides) over commune A and a workplace of its own,
    commune A moved under it on ``effective_date``."""
    from lienhe213.organizations.services import move_organization

    district = create_organization(
        by=world.root_user,
        name="Huyện ủy Vị Xuyên",
        kind="district_committee",
        side="both",
        parent=world.province,
    )
    move_organization(
        by=world.root_user,
        organization=world.commune_a_committee,
        new_parent=district,
        effective_date=effective_date,
    )
    return district


def test_a_districts_report_links_its_figures_and_its_communes_rows(client, world):
    busy_year(world)
    district = district_over_commune_a(world, datetime.date(2025, 1, 1))
    client.force_login(world.provincial_officer)

    response = report_page(client, district, year=2025)

    report = response.context["report"]
    seen = follow(client, response.context["figure_links"], report.figures)
    assert set(seen) == SUBTREE_FIGURES
    assert_same(seen)
    assert report.figures["letters_issued"] == 4  # commune A's, not commune B's
    for _child, figures, urls in response.context["children"]:
        assert set(urls) >= LINK_FIGURES
        assert_same(follow(client, urls, figures))
    # at the province the district holds both sides of a link: its row stays unlinked
    province = report_page(client, world.province, year=2025)
    rows = {child: urls for child, _figures, urls in province.context["children"]}
    assert not (LINK_FIGURES | COMMENT_FIGURES) & set(rows[district])
    assert_same(follow(client, rows[district], dict(province.context["report"].children)[district]))


def test_a_report_on_a_tree_changed_since_leaves_the_subtree_lists_unlinked(client, world):
    # commune A moved under the district after 2025: the 2025 tree is not today's
    busy_year(world)
    district_over_commune_a(world, datetime.date(2026, 1, 1))
    client.force_login(world.provincial_officer)

    response = report_page(client, world.province, year=2025)

    assert response.context["report"].follows_paths is False
    urls = response.context["figure_links"]
    assert not (LINK_FIGURES | COMMENT_FIGURES) & set(urls)
    assert_same(follow(client, urls, response.context["report"].figures))


def test_a_cells_report_leads_its_commune_clerk_to_the_communes_list_filtered(client, world):
    busy_year(world)
    client.force_login(world.commune_clerk)

    response = report_page(client, world.cell_a2, year=2025)

    urls = response.context["figure_links"]
    commune_list = reverse("comments:commune", args=[world.commune_a_committee.pk])
    assert urls["comments_requested"].startswith(commune_list)
    assert f"cell={world.cell_a2.pk}" in urls["comments_requested"]
    assert_same(follow(client, urls, response.context["report"].figures))


def test_a_cell_secretary_is_led_to_the_cells_requests_not_the_communes_list(client, world):
    busy_year(world)
    client.force_login(world.secretary_a2)

    response = report_page(client, world.cell_a2, year=2025)

    urls = response.context["figure_links"]
    assert urls["comments_requested"].startswith(
        reverse("comments:subtree", args=[world.cell_a2.pk])
    )
    assert {"letters_issued", "meetings_held", "notices_sent"} <= set(urls)
    seen = follow(client, urls, response.context["report"].figures)
    assert set(seen) >= COMMENT_FIGURES
    assert_same(seen)


def test_the_lists_never_show_rows_outside_the_commune(client, world):
    busy_year(world)
    client.force_login(world.provincial_officer)
    response = report_page(client, world.province, year=2025)
    commune_a = world.commune_a_committee
    urls = next(urls for child, _f, urls in response.context["children"] if child == commune_a)
    in_a = {world.commune_a_committee.pk, world.cell_a1.pk, world.cell_a2.pk}

    def rows(figure):
        return client.get(urls[figure]).context["page"].rows

    assert {link.residence_commune_organization_id for link in rows("letters_issued")} == {
        commune_a.pk
    }
    assert {meeting.cell_id for meeting in rows("meetings_held")} == {world.cell_a2.pk}
    assert all({n.sender_id, n.recipient_id} & in_a for n in rows("notices_sent"))
    assert {r.link.residence_commune_organization_id for r in rows("comments_requested")} == {
        commune_a.pk
    }


def test_a_commune_holding_a_school_links_its_figures_to_the_subtree_lists(client, world):
    # The school's links count in the commune's total (ADR 0008) but not in its book:
    # the subtree lists hold them.
    busy_year(world)
    create_organization(
        by=world.root_user,
        name="Chi bộ Trường Tiểu học",
        kind="cell",
        side="workplace",
        parent=world.commune_a_committee,
    )
    client.force_login(world.commune_clerk)

    response = report_page(client, world.commune_a_committee, year=2025)

    urls = response.context["figure_links"]
    subtree = reverse("registry:subtree_links", args=[world.commune_a_committee.pk])
    assert urls["letters_issued"].startswith(subtree)
    assert {"meetings_held", "notices_sent", "classified_b"} <= set(urls)
    seen = follow(client, urls, response.context["report"].figures)
    assert set(seen) >= LINK_FIGURES | COMMENT_FIGURES
    assert_same(seen)
    cells = {child: urls for child, _figures, urls in response.context["children"]}
    assert urls["letters_issued"] != cells[world.cell_a2]["letters_issued"]
    assert "letters_issued" in cells[world.cell_a2]  # a residential cell keeps its book


def test_linking_the_childrens_rows_does_not_query_per_child(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    busy_year(world)
    client.force_login(world.provincial_officer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            report_page(client, world.province, year=2025)
        return len(queries)

    few = count()
    for name in ("Đảng bộ Sở Tài chính", "Đảng bộ Sở Xây dựng"):
        committee = create_organization(
            by=world.root_user,
            name=name,
            kind="grassroots_committee",
            side="workplace",
            parent=world.province,
        )
        create_organization(
            by=world.root_user,
            name="Chi bộ Văn phòng",
            kind="cell",
            side="workplace",
            parent=committee,
        )

    response = report_page(client, world.province, year=2025)
    assert sum(1 for _c, _f, urls in response.context["children"] if "letters_issued" in urls) == 6
    assert count() == few
