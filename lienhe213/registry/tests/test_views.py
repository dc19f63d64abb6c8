"""The tracking-book pages: the whole life of a link taken through the UI, the book and
its filters, the workplace mirror, stale pages and double submits, the worklist."""

import datetime
import re

from django.core.cache import cache
from django.urls import reverse

from conftest import member_fields
from lienhe213.members.services import create_member
from lienhe213.registry import services
from lienhe213.registry.models import ExemptionDecision, LinkEvent, ResidenceLink
from lienhe213.registry.tests.conftest import MONDAY, book_state, classify, link_at

DAY = datetime.timedelta(days=1)


def second_member(world, **overrides):
    """A second working member of the workplace, living in community A1."""
    fields = member_fields(
        world.workplace_cell,
        family_name="Trần",
        middle_name="Thị",
        given_name="Bình",
        gender="female",
        party_card_number="42345678",
        residence_commune=world.commune_a,
        residence_community=world.community_a1,
    )
    fields.update(overrides)
    return create_member(by=world.root_user, **fields)


def linked_members(world, count):
    """``count`` working members of the workplace living in commune A, each with an
    issued letter (one bulk issue)."""
    members = [
        second_member(world, given_name=f"Lan {n:03d}", party_card_number=f"5{n:07d}")
        for n in range(count)
    ]
    for member in members:
        classify(world, member)
    services.issue_letters(
        by=world.root_user, workplace=world.workplace, members=members, issued_on=MONDAY
    )
    return members


def step(client, link, name, **fields):
    data = {f"{name}-version": link.version, f"{name}-on": fields.pop("on", MONDAY).isoformat()}
    data.update({f"{name}-{key}": value for key, value in fields.items()})
    return client.post(reverse(f"registry:{name}", args=[link.pk]), data)


def step_form(response, name):
    steps = response.context["steps"]
    (form,) = [form for _url, _title, form, _open in steps if form.prefix == name]
    return form


def _names(response):
    return [link.member.full_name for link, _reason in response.context["rows"]]


# --- the whole life through the pages -------------------------------------------------


def test_full_lifecycle_through_the_pages(client, world):
    binh = second_member(world)
    duc = world.member_w1
    client.force_login(world.workplace_officer)
    for member, category, reason in [(duc, "normal", ""), (binh, "a", "mobile_work")]:
        response = client.post(
            reverse("registry:classify", args=[member.pk]),
            {
                "category": category,
                "reason": reason,
                "decided_by": world.workplace.pk,
                "decided_on": "2025-02-28",
            },
        )
        assert response.status_code == 302

    issued = client.post(
        reverse("registry:issue_letters", args=[world.workplace.pk]),
        {"members": [duc.pk, binh.pk], "issued_on": "2025-03-03"},
    )

    assert issued.status_code == 302
    assert issued.url == reverse("registry:workplace", args=[world.workplace.pk])
    # Numbered in Vietnamese name order: Bình before Đức.
    links = {link.member_id: link for link in ResidenceLink.objects.all()}
    assert [(links[m.pk].letter_number, links[m.pk].letter_form) for m in (binh, duc)] == [
        (1, "2-213"),
        (2, "1-213"),
    ]

    client.force_login(world.commune_clerk)
    received = step(client, links[duc.pk], "receive", on=MONDAY + 7 * DAY)
    returned = step(
        client, links[binh.pk], "return", on=MONDAY + 7 * DAY, reason="Không có nhà số 9"
    )
    assert (received.status_code, returned.status_code) == (302, 302)
    duc_link = ResidenceLink.objects.get(pk=links[duc.pk].pk)
    assigned = step(client, duc_link, "assign", on=MONDAY + 8 * DAY, cell=world.cell_a1.pk)
    assert assigned.status_code == 302

    client.force_login(world.secretary_a1)
    duc_link.refresh_from_db()
    acknowledged = step(client, duc_link, "acknowledge", on=MONDAY + 9 * DAY)

    assert acknowledged.status_code == 302
    assert acknowledged.url == reverse("registry:link_detail", args=[duc_link.pk])
    duc_link.refresh_from_db()
    binh_link = ResidenceLink.objects.get(pk=links[binh.pk].pk)
    assert (
        duc_link.status,
        duc_link.category,
        duc_link.residence_cell_id,
        duc_link.received_on,
        duc_link.assigned_on,
        duc_link.acknowledged_on,
        duc_link.version,
    ) == (
        "active",
        "normal",
        world.cell_a1.pk,
        MONDAY + 7 * DAY,
        MONDAY + 8 * DAY,
        MONDAY + 9 * DAY,
        4,
    )
    assert (
        binh_link.status,
        binh_link.category,
        binh_link.returned_on,
        binh_link.return_reason,
        binh_link.residence_cell_id,
        binh_link.version,
    ) == ("returned", "a", MONDAY + 7 * DAY, "Không có nhà số 9", None, 2)
    assert list(
        LinkEvent.objects.filter(link=duc_link).order_by("pk").values_list("kind", "by__username")
    ) == [("issued", "coquan"), ("received", "xa"), ("assigned", "xa"), ("acknowledged", "chibo1")]
    assert list(
        LinkEvent.objects.filter(link=binh_link).order_by("pk").values_list("kind", "note")
    ) == [("issued", ""), ("returned", "Không có nhà số 9")]
    assert list(
        ExemptionDecision.objects.order_by("member__given_name").values_list(
            "member__given_name", "category", "reason"
        )
    ) == [("Bình", "a", "mobile_work"), ("Đức", "normal", "")]


def test_link_page_shows_history_and_only_the_steps_of_the_viewers_side(client, world):
    link = link_at(world, "received")
    client.force_login(world.commune_clerk)

    response = client.get(reverse("registry:link_detail", args=[link.pk]))

    html = response.content.decode()
    assert [title for _url, title, _form, _open in response.context["steps"]] == [
        "Return the letter",
        "Assign to a cell",
    ]
    assert [cell.name for cell in step_form(response, "assign").fields["cell"].queryset] == [
        "Chi bộ tổ 1",
        "Chi bộ tổ 2",
    ]
    issued = link.issued_on.strftime("%d/%m/%Y")
    number = f"{link.letter_number}/{link.letter_year}"
    assert (
        f"On {issued}, {link.issued_by_organization.name} issued introduction letter no. {number}."
    ) in html
    received = link.received_on.strftime("%d/%m/%Y")
    assert (
        f"On {received}, {link.residence_commune_organization.name} received introduction "
        f"letter no. {number}."
    ) in html


def test_history_says_which_cell_in_words(client, world):
    link = link_at(world, "active")
    client.force_login(world.commune_clerk)

    html = client.get(reverse("registry:link_detail", args=[link.pk])).content.decode()

    assigned = link.assigned_on.strftime("%d/%m/%Y")
    assert (
        f"On {assigned}, {link.residence_commune_organization.name} assigned the member to "
        f"{link.residence_cell.name}."
    ) in html
    assert f"On {link.acknowledged_on:%d/%m/%Y}, {link.residence_cell.name} acknowledged" in html
    text = re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1])
    for raw in ("residence_cell", "status", "issued →", f"{link.issued_on:%Y-%m-%d}"):
        assert raw not in text, raw


def test_workplace_sees_its_own_steps_on_the_same_link(client, world):
    link = link_at(world, "active")
    client.force_login(world.workplace_officer)

    response = client.get(reverse("registry:link_detail", args=[link.pk]))

    assert [title for _url, title, _form, _open in response.context["steps"]] == [
        "Moved to another residence",
        "Change workplace",
        "Temporary exemption",
        "Retired: transfer to the residence cell",
        "Left the party or died",
    ]


def test_residence_side_does_not_see_party_card_or_dossier_numbers(client, world):
    link = link_at(world, "issued")
    client.force_login(world.commune_clerk)

    detail = client.get(reverse("registry:link_detail", args=[link.pk])).content.decode()
    book = client.get(reverse("registry:book", args=[world.commune_a_committee.pk]))

    assert "22345678" not in detail
    assert "Party card number" not in detail
    assert "22345678" not in book.content.decode()
    assert _names(book) == ["Nguyễn Văn Đức"]


def test_workplace_side_sees_the_party_card_number(client, world):
    link = link_at(world, "issued")
    client.force_login(world.workplace_officer)

    detail = client.get(reverse("registry:link_detail", args=[link.pk])).content.decode()

    assert "22345678" in detail


# --- stale pages and double submits ---------------------------------------------------


def test_stale_version_shows_the_message_and_changes_nothing(client, world):
    link = link_at(world, "issued")
    services.record_presentation(by=world.root_user, link=link, presented_on=MONDAY + DAY)
    client.force_login(world.commune_clerk)
    before = book_state()

    response = step(client, link, "receive", on=MONDAY + 2 * DAY)  # the version before

    assert response.status_code == 200
    assert (
        "This entry was changed by someone else meanwhile. Reload it and try again."
        in response.content.decode()
    )
    assert book_state() == before


def test_double_submit_receives_once(client, world):
    link = link_at(world, "issued")
    client.force_login(world.commune_clerk)

    first = step(client, link, "receive", on=MONDAY + DAY)
    second = step(client, link, "receive", on=MONDAY + DAY)

    assert (first.status_code, second.status_code) == (302, 200)
    assert "changed by someone else meanwhile" in second.content.decode()
    assert list(LinkEvent.objects.filter(link=link).values_list("kind", flat=True)) == [
        "issued",
        "received",
    ]


def test_refused_step_shows_the_services_reason_on_the_form(client, world):
    link = link_at(world, "issued")
    client.force_login(world.commune_clerk)
    before = book_state()

    response = step(client, link, "return", on=MONDAY + DAY, reason="   ")

    assert response.status_code == 200
    assert step_form(response, "return").errors == {"reason": ["This field is required."]}
    assert book_state() == before


def test_receiving_a_returned_letter_is_refused_with_the_reason(client, world):
    link = link_at(world, "issued")
    link = services.return_letter(
        by=world.root_user, link=link, returned_on=MONDAY + DAY, reason="Sai địa chỉ"
    )
    client.force_login(world.commune_clerk)
    before = book_state()

    response = step(client, link, "receive", on=MONDAY + 2 * DAY)

    assert response.status_code == 200
    assert "This letter was returned; it can no longer be received." in response.content.decode()
    assert book_state() == before


def test_move_residence_redirects_to_the_new_letter(client, world):
    link = link_at(world, "active")
    client.force_login(world.workplace_officer)

    response = step(
        client, link, "move", on=MONDAY + 20 * DAY, residence_commune=world.commune_b_committee.pk
    )

    new = ResidenceLink.objects.get(superseded_by__isnull=True, status="issued")
    assert response.url == reverse("registry:link_detail", args=[new.pk])
    assert (new.residence_commune_organization_id, new.letter_number) == (
        world.commune_b_committee.pk,
        2,
    )
    assert ResidenceLink.objects.get(pk=link.pk).superseded_by_id == new.pk


def test_end_for_departure_closes_the_link(client, world):
    link = link_at(world, "active")
    client.force_login(world.workplace_officer)

    response = step(client, link, "end", on=MONDAY + 30 * DAY, reason="died", note="")

    link.refresh_from_db()
    assert response.status_code == 302
    assert (link.status, link.end_reason, link.ended_on) == ("closed", "died", MONDAY + 30 * DAY)


def test_temporary_exemption_category_a_keeps_the_link(client, world):
    link = link_at(world, "active")
    client.force_login(world.workplace_officer)

    response = step(
        client,
        link,
        "exempt",
        on=MONDAY + 30 * DAY,
        category="a",
        reason="full_time_study",
        decided_by=world.workplace.pk,
    )

    link.refresh_from_db()
    assert response.status_code == 302
    assert (link.status, link.category) == ("active", "a")


# --- classification -------------------------------------------------------------------


def test_classify_refuses_a_reason_of_the_other_category(client, world):
    client.force_login(world.workplace_officer)
    before = book_state()

    response = client.post(
        reverse("registry:classify", args=[world.member_w1.pk]),
        {
            "category": "a",
            "reason": "abroad",
            "decided_by": world.workplace.pk,
            "decided_on": "2025-03-03",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["This reason does not fit the category."]}
    assert book_state() == before


def test_classify_category_b_records_the_exemption(client, world):
    client.force_login(world.workplace_officer)

    response = client.post(
        reverse("registry:classify", args=[world.member_w1.pk]),
        {
            "category": "b",
            "reason": "abroad",
            "decided_by": world.workplace.pk,
            "decided_on": "2025-03-03",
            "valid_until": "2026-03-02",
            "review_on": "2026-02-01",
            "evidence": "Quyết định cử đi học",
        },
    )

    assert response.url == reverse("registry:member_links", args=[world.member_w1.pk])
    assert list(
        ExemptionDecision.objects.values_list(
            "category", "reason", "valid_from", "valid_until", "review_on", "evidence"
        )
    ) == [
        (
            "b",
            "abroad",
            datetime.date(2025, 3, 3),
            datetime.date(2026, 3, 2),
            datetime.date(2026, 2, 1),
            "Quyết định cử đi học",
        )
    ]


# --- the workplace mirror and its bulk action -----------------------------------------


def test_bulk_issue_refuses_category_b_with_the_services_message(client, world):
    binh = second_member(world)
    classify(world, world.member_w1)
    services.record_exemption(
        by=world.root_user,
        member=binh,
        category="b",
        reason="abroad",
        decided_by=world.workplace,
        decided_on=MONDAY,
    )
    client.force_login(world.workplace_officer)
    before = book_state()

    response = client.post(
        reverse("registry:issue_letters", args=[world.workplace.pk]),
        {"members": [world.member_w1.pk, binh.pk], "issued_on": "2025-03-03"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "“Trần Thị Bình” is exempt from introduction (category B)."
    ]
    assert response.context["selected"] == {world.member_w1.pk, binh.pk}
    assert book_state() == before


def test_workplace_page_shows_classification_registration_and_letter_state(client, world):
    binh = second_member(world)
    link = link_at(world, "assigned")
    client.force_login(world.workplace_officer)

    response = client.get(reverse("registry:workplace", args=[world.workplace.pk]))

    rows = [
        (m.full_name, category, found.pk if found else None)
        for m, category, found in response.context["rows"]
    ]
    assert rows == [("Trần Thị Bình", None, None), ("Nguyễn Văn Đức", "normal", link.pk)]
    assert binh.pk in [m.pk for m, _c, _l in response.context["rows"]]
    assert "Chi bộ tổ 2" in response.content.decode()


def test_workplace_filters_not_yet_classified_and_without_link(client, world):
    second_member(world)
    link_at(world, "issued")
    client.force_login(world.workplace_officer)
    url = reverse("registry:workplace", args=[world.workplace.pk])

    unclassified = client.get(url, {"state": "unclassified"})
    without_link = client.get(url, {"state": "no_link"})
    issued = client.get(url, {"status": "issued"})

    def names(response):
        return [m.full_name for m, _c, _l in response.context["rows"]]

    assert names(unclassified) == ["Trần Thị Bình"]
    assert names(without_link) == ["Trần Thị Bình"]
    assert names(issued) == ["Nguyễn Văn Đức"]


# --- the book -------------------------------------------------------------------------


def test_book_lists_open_links_in_vietnamese_order_and_filters(client, world):
    binh = second_member(world)
    link_at(world, "assigned")
    classify(world, binh)
    services.issue_letter(
        by=world.root_user, workplace=world.workplace, member=binh, issued_on=MONDAY
    )
    client.force_login(world.commune_clerk)
    url = reverse("registry:book", args=[world.commune_a_committee.pk])

    everyone = client.get(url)
    in_cell = client.get(url, {"cell": world.cell_a2.pk})
    searched = client.get(url, {"q": "tran thi binh"})
    overdue = client.get(url, {"overdue": "1"})
    assigned = client.get(url, {"status": "assigned"})

    assert _names(everyone) == ["Trần Thị Bình", "Nguyễn Văn Đức"]
    assert _names(in_cell) == ["Nguyễn Văn Đức"]
    assert _names(searched) == ["Trần Thị Bình"]
    assert _names(overdue) == ["Trần Thị Bình"]  # issued in 2025, never received
    assert _names(assigned) == ["Nguyễn Văn Đức"]


def test_cell_book_holds_only_the_cells_members(client, world):
    link_at(world, "active")
    client.force_login(world.secretary_a2)

    response = client.get(reverse("registry:book", args=[world.cell_a2.pk]))

    assert _names(response) == ["Nguyễn Văn Đức"]
    assert response.context["on_commune"] is False


def test_book_shows_category_a_with_its_reason(client, world):
    member = world.member_w1
    services.record_exemption(
        by=world.root_user,
        member=member,
        category="a",
        reason="mobile_work",
        decided_by=world.workplace,
        decided_on=MONDAY,
    )
    services.issue_letter(
        by=world.root_user, workplace=world.workplace, member=member, issued_on=MONDAY
    )
    client.force_login(world.commune_clerk)

    response = client.get(reverse("registry:book", args=[world.commune_a_committee.pk]))

    assert [reason for _link, reason in response.context["rows"]] == [
        "Work away from home or on the move"
    ]
    assert "Category A: Work away from home or on the move" in " ".join(
        response.content.decode().split()
    )


def test_book_htmx_request_gets_only_the_results(client, world):
    link_at(world, "issued")
    client.force_login(world.commune_clerk)

    response = client.get(
        reverse("registry:book", args=[world.commune_a_committee.pk]),
        {"q": "duc"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "Nguyễn Văn Đức" in html


def test_book_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    linked_members(world, 3)
    client.force_login(world.commune_clerk)
    url = reverse("registry:book", args=[world.commune_a_committee.pk])
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    linked_members_more = [
        second_member(world, given_name=f"Mai {n:03d}", party_card_number=f"6{n:07d}")
        for n in range(12)
    ]
    for member in linked_members_more:
        classify(world, member)
    services.issue_letters(
        by=world.root_user, workplace=world.workplace, members=linked_members_more, issued_on=MONDAY
    )
    cache.clear()  # the six-month flags are counted again, as on the first visit

    with django_assert_max_num_queries(20) as many:
        response = client.get(url)

    assert len(response.context["rows"]) == 15
    assert len(many.captured_queries) == len(few.captured_queries)


def test_book_page_reads_only_the_columns_it_shows(client, world, django_assert_max_num_queries):
    members = linked_members(world, 3)
    client.force_login(world.commune_clerk)

    with django_assert_max_num_queries(20) as queries:
        response = client.get(reverse("registry:book", args=[world.commune_a_committee.pk]))

    assert len(response.context["rows"]) == 3
    sqls = [q["sql"] for q in queries.captured_queries]
    rows = [sql for sql in sqls if 'FROM "registry_residencelink"' in sql]
    assert rows and all('"citizen_id"' not in sql and '"search_text"' not in sql for sql in rows)
    assert all(member.full_name in response.text for member in members)


# --- worklist and index ---------------------------------------------------------------


def test_worklist_groups_problems_with_counts_and_rows(client, world):
    second_member(world)
    link_at(world, "issued")
    client.force_login(world.workplace_officer)

    response = client.get(reverse("registry:worklist", args=[world.workplace.pk]))

    groups = {
        finding.kind: [getattr(row, "full_name", None) or row.member.full_name for row in rows]
        for finding, rows in response.context["groups"]
    }
    assert groups["unclassified"] == ["Trần Thị Bình"]
    assert groups["overdue_letters"] == ["Nguyễn Văn Đức"]
    assert groups["not_introduced"] == []


def test_worklist_of_the_commune_shows_its_overdue_letters(client, world):
    link = link_at(world, "issued")
    client.force_login(world.commune_clerk)

    response = client.get(reverse("registry:worklist", args=[world.commune_a_committee.pk]))

    overdue = dict((f.kind, rows) for f, rows in response.context["groups"])["overdue_letters"]
    assert [row.pk for row in overdue] == [link.pk]
    assert reverse("registry:link_detail", args=[link.pk]) in response.content.decode()


def test_index_offers_each_side_its_pages(client, world):
    client.force_login(world.provincial_officer)

    response = client.get(reverse("registry:index"))

    html = response.content.decode()
    assert reverse("registry:book", args=[world.commune_a_committee.pk]) in html
    assert reverse("registry:workplace", args=[world.workplace.pk]) in html
    assert reverse("registry:worklist", args=[world.province.pk]) in html


def test_navigation_offers_the_tracking_book_to_registry_roles_only(client, world):
    client.force_login(world.secretary_a1)
    shown = client.get(reverse("accounts:home")).content.decode()
    client.force_login(world.member_user)
    hidden = client.get(reverse("accounts:home")).content.decode()

    assert reverse("registry:index") in shown
    assert reverse("registry:index") not in hidden


def test_history_of_an_imported_step_without_an_actor_renders(client, world):
    link = link_at(world, "received")
    LinkEvent.objects.filter(link=link).update(by=None)  # as the demo and importers write them
    client.force_login(world.commune_clerk)

    response = client.get(reverse("registry:link_detail", args=[link.pk]))

    assert response.status_code == 200
    events = LinkEvent.objects.filter(link=link).count()
    assert response.content.decode().count("imported") == events == 2


def test_link_page_leads_to_the_notices_about_the_member(client, world):
    link = link_at(world, "received")
    client.force_login(world.commune_clerk)

    html = client.get(reverse("registry:link_detail", args=[link.pk])).content.decode()
    send = client.get(f"{reverse('notices:send')}?link={link.pk}")

    assert f'href="{reverse("notices:send")}?link={link.pk}"' in html
    assert f'href="{reverse("notices:member_thread", args=[link.member_id])}"' in html
    assert send.status_code == 200
