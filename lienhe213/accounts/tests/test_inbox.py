"""The inbox of the home page: each group lists exactly what waits for that user's
role, oldest first, leading to the page where the step is taken; the menu shows the
total; the statistics are one tap away on the numbers page."""

import datetime
import itertools
import re

import pytest
from django.urls import reverse

from conftest import grant, member_fields
from lienhe213.accounts import access, inbox
from lienhe213.accounts.inbox.roles import TASKS
from lienhe213.accounts.models import Role
from lienhe213.comments.tests.conftest import BEST_FORM_3, request_at
from lienhe213.meetings import services as meeting_services
from lienhe213.members.services import create_member
from lienhe213.notices.models import Kind as NoticeKind
from lienhe213.notices.tests.conftest import send
from lienhe213.organizations.services import rename_organization
from lienhe213.registry import services as registry_services
from lienhe213.registry.tests.conftest import MONDAY, classify, link_at
from lienhe213.reports import services as report_services

# After the cast's campaign deadline (15/12/2025) and every date the helpers write.
TODAY = datetime.date(2026, 1, 15)
CARDS = itertools.count(70000000)
GIVEN = ["An", "Bảo", "Cúc", "Dung", "Giang", "Hà", "Khoa", "Lan", "Minh", "Nga", "Phúc", "Quế"]
CAST = (
    "secretary_a1",
    "secretary_a2",
    "commune_clerk",
    "other_clerk",
    "workplace_officer",
    "provincial_officer",
    "member_user",
    "stranger",
)


def _groups(user, today=TODAY):
    return {group.key: group for s in inbox.inbox(user, today=today) for group in s.groups}


def _holders(world, key, today=TODAY):
    """The cast members whose inbox has the group ``key``."""
    return {name for name in CAST if key in _groups(world.user(name), today)}


def _rows(group):
    return [(item.name, item.organization, item.since, item.url) for item in group.items]


def _link_url(link):
    return reverse("registry:link_detail", args=[link.pk])


def introduced(world, stage, count, *, commune="a", first=MONDAY):
    """``count`` working members of the workplace introduced to commune A (or B) and
    taken to ``stage``; each step of the n-th is dated ``count - n`` days after
    ``first``, so the last made is the oldest at every step."""
    committee = world.commune_a_committee if commune == "a" else world.commune_b_committee
    cell = world.cell_a2 if commune == "a" else world.cell_b1
    links = []
    for n in range(count):
        member = create_member(
            by=world.root_user,
            **member_fields(
                world.workplace_cell,
                family_name="Trần" if commune == "a" else "Lý",
                given_name=GIVEN[n],
                party_card_number=str(next(CARDS)),
                residence_commune=committee.administrative_unit,
            ),
        )
        classify(world, member)
        day = first + datetime.timedelta(days=count - n)
        link = registry_services.issue_letter(
            by=world.root_user, workplace=world.workplace, member=member, issued_on=day
        )
        if stage in ("received", "assigned"):
            week = datetime.timedelta(days=7)
            link = registry_services.receive_letter(
                by=world.root_user, link=link, received_on=day + week
            )
            if stage == "assigned":
                link = registry_services.assign_to_cell(
                    by=world.root_user, link=link, cell=cell, assigned_on=day + 2 * week
                )
        links.append(link)
    return links


def test_letters_to_receive_wait_for_the_commune_clerk_oldest_first(world):
    links = introduced(world, "issued", 3)
    introduced(world, "issued", 1, commune="b")

    group = _groups(world.commune_clerk)["receive"]

    oldest_first = list(reversed(links))
    assert group.count == 3
    assert _rows(group) == [
        (
            "Trần Văn " + link.member.given_name,
            world.workplace.name,
            link.issued_on,
            _link_url(link),
        )
        for link in oldest_first
    ]
    assert [link.issued_on for link in oldest_first] == sorted(link.issued_on for link in links)
    assert group.see_all == (
        reverse("registry:book", args=[world.commune_a_committee.pk]) + "?status=issued"
    )
    assert _holders(world, "receive") == {"commune_clerk", "other_clerk"}
    assert [item.name for item in _groups(world.other_clerk)["receive"].items] == ["Lý Văn An"]


def test_members_to_assign_wait_for_their_communes_clerk(world):
    links = introduced(world, "received", 2)

    group = _groups(world.commune_clerk)["assign"]

    assert _rows(group) == [
        (link.member.full_name, world.workplace.name, link.received_on, _link_url(link))
        for link in reversed(links)
    ]
    assert _holders(world, "assign") == {"commune_clerk"}


def test_members_to_acknowledge_wait_for_the_secretary_of_their_cell(world):
    links = introduced(world, "assigned", 2)

    group = _groups(world.secretary_a2)["acknowledge"]

    assert _rows(group) == [
        (link.member.full_name, world.workplace.name, link.assigned_on, _link_url(link))
        for link in reversed(links)
    ]
    assert group.see_all == reverse("registry:book", args=[world.cell_a2.pk]) + "?status=assigned"
    assert _holders(world, "acknowledge") == {"secretary_a2"}
    assert inbox.inbox(world.secretary_a1, today=TODAY)[0].groups == []


@pytest.mark.parametrize(
    ("stage", "key", "holder", "organization"),
    [
        ("requested", "write_comment", "secretary_a2", "workplace"),
        ("drafted", "sign_comment", "secretary_a2", "workplace"),
        ("signed", "confirm_comment", "commune_clerk", "cell_a2"),
        ("confirmed", "return_comment", "commune_clerk", "cell_a2"),
        ("returned", "acknowledge_comment", "workplace_officer", "commune_a_committee"),
        ("acknowledged", "record_rating", "workplace_officer", "commune_a_committee"),
    ],
)
def test_a_comment_waits_for_the_side_whose_step_is_next(world, stage, key, holder, organization):
    request = request_at(world, stage)

    group = _groups(world.user(holder))[key]

    assert [(item.name, item.organization, item.url) for item in group.items] == [
        (
            "Nguyễn Văn Đức",
            getattr(world, organization).name,
            reverse("comments:request", args=[request.pk]),
        )
    ]
    assert _holders(world, key) == {holder}


def test_a_proposal_waits_for_the_workplaces_follow_up(world):
    request = request_at(world, "returned", items={**BEST_FORM_3, "recommendation": "commend"})

    group = _groups(world.workplace_officer)["follow_up_proposal"]

    assert [item.url for item in group.items] == [reverse("comments:request", args=[request.pk])]
    assert group.see_all == (
        reverse("comments:workplace", args=[world.workplace.pk]) + "?follow_up=awaiting"
    )
    assert _holders(world, "follow_up_proposal") == {"workplace_officer"}


def test_a_cell_that_never_met_its_members_is_to_plan_and_flagged_to_its_commune(world):
    link_at(world, "active")

    to_plan = _groups(world.secretary_a2)["plan_meeting"]
    flagged = _groups(world.commune_clerk)["cells_without_meeting"]

    cell_page = reverse("meetings:cell", args=[world.cell_a2.pk])
    assert [(i.name, i.since, i.url, i.note) for i in to_plan.items] == [
        ("Chi bộ tổ 2", None, cell_page, "Has never met its linked members")
    ]
    assert [item.url for item in flagged.items] == [cell_page]
    assert flagged.see_all == reverse("meetings:overdue", args=[world.commune_a_committee.pk])
    assert _holders(world, "plan_meeting") == {"secretary_a2"}
    assert _holders(world, "cells_without_meeting") == {"commune_clerk"}


def test_a_planned_meeting_past_its_day_is_to_record_with_its_follow_ups(world):
    link_at(world, "active")
    day = datetime.date(2025, 6, 2)
    meeting = meeting_services.plan_meeting(
        by=world.secretary_a2, cell=world.cell_a2, kind="periodic", date=day
    )
    meeting_services.add_follow_up(
        by=world.secretary_a2,
        meeting=meeting,
        description="Thăm hỏi gia đình   hộ nghèo\ntổ 2",
        owner="Chi ủy",
        due_on=TODAY + datetime.timedelta(days=3),
    )
    meeting_services.add_follow_up(
        by=world.secretary_a2,
        meeting=meeting,
        description="Not yet",
        owner="Chi ủy",
        due_on=TODAY + datetime.timedelta(days=30),
    )

    groups = _groups(world.secretary_a2)

    detail = reverse("meetings:detail", args=[meeting.pk])
    assert [(i.name, i.organization, i.since, i.url) for i in groups["record_meeting"].items] == [
        ("Meeting of 02/06/2025", "Chi bộ tổ 2", day, detail)
    ]
    assert "plan_meeting" not in groups  # the planned meeting is to be recorded first
    assert [(i.name, i.organization, i.url) for i in groups["follow_up"].items] == [
        ("Thăm hỏi gia đình hộ nghèo tổ 2", "Chi ủy", detail)
    ]
    assert _holders(world, "record_meeting") == {"secretary_a2"}
    assert _holders(world, "follow_up") == {"secretary_a2"}


def test_a_notice_waits_for_its_recipient_and_past_its_deadline_for_the_province(world):
    link = link_at(world, "active")
    violation = send(world, link)  # from cell A2 to the workplace, answer due in 10 days
    appointment = send(world, link, kind=NoticeKind.APPOINTMENT, sender=world.workplace)

    to_workplace = _groups(world.workplace_officer)["answer_notice"]
    to_commune = _groups(world.commune_clerk)["answer_notice"]
    late = _groups(world.provincial_officer)["late_notice"]

    assert [(i.name, i.organization, i.since, i.url, i.note) for i in to_workplace.items] == [
        (
            "Nguyễn Văn Đức",
            "Chi bộ tổ 2",
            violation.sent_on,
            reverse("notices:detail", args=[violation.pk]),
            "Violation at the residence",
        )
    ]
    assert [item.url for item in to_commune.items] == [
        reverse("notices:detail", args=[appointment.pk])
    ]
    assert [item.since for item in late.items] == sorted(
        [violation.response_due, appointment.response_due]
    )
    assert _holders(world, "answer_notice") == {"workplace_officer", "commune_clerk"}
    assert _holders(world, "late_notice") == {"provincial_officer"}
    assert "late_notice" not in _groups(world.provincial_officer, today=violation.sent_on)


def test_residents_reports_wait_for_their_cells_secretary_and_commune_oldest_first(world):
    import time_machine

    from lienhe213.accounts.models import Role
    from lienhe213.accounts.services import grant_role
    from lienhe213.feedback import services as feedback_services
    from lienhe213.feedback.tests.conftest import send_report

    channel = feedback_services.open_channel(by=world.secretary_a2, cell=world.cell_a2)
    first_day = datetime.datetime(2025, 12, 1, 9, tzinfo=datetime.UTC)
    with time_machine.travel(first_day, tick=False):
        oldest, _receipt = send_report(channel, member_name="Ông Thịnh")
    with time_machine.travel(first_day + datetime.timedelta(days=3), tick=False):
        handled, _receipt = send_report(channel)
    grant_role(
        by=world.commune_clerk,
        user=world.stranger,
        organization=world.cell_a2,
        role=Role.COMMUNITY_REPRESENTATIVE,
        representative_kind="front_committee_head",
    )
    with time_machine.travel(first_day + datetime.timedelta(days=5), tick=False):
        written = feedback_services.submit_opinion(
            by=world.stranger,
            cell=world.cell_a2,
            topic="good_conduct",
            member_name="Anh Đức",
            body="Gương mẫu.",
        )
    feedback_services.close_report(
        by=world.secretary_a2, report=handled, reason="not_serious", note="Không đáng kể."
    )

    group = _groups(world.secretary_a2)["resident_reports"]
    commune = _groups(world.commune_clerk)["resident_reports"]

    assert group.title == "Residents' reports waiting"
    assert group.count == commune.count == 2
    assert [(i.name, i.organization, i.since, i.url, i.note) for i in group.items] == [
        (
            "A concern about conduct where they live: Ông Thịnh",
            "Chi bộ tổ 2",
            datetime.date(2025, 12, 1),
            reverse("feedback:detail", args=[oldest.pk]),
            "Tổ 2",
        ),
        (
            "Good conduct: Anh Đức",
            "Chi bộ tổ 2",
            datetime.date(2025, 12, 6),
            reverse("feedback:detail", args=[written.pk]),
            "Head of the Front work committee: stranger",
        ),
    ]
    assert group.see_all == reverse("feedback:queue", args=[world.cell_a2.pk])
    assert commune.see_all == reverse("feedback:queue", args=[world.commune_a_committee.pk])
    assert _holders(world, "resident_reports") == {"secretary_a2", "commune_clerk"}


def test_the_province_decides_commendations_and_sees_comments_past_the_deadline(world):
    request = request_at(world, "requested")
    commendation = report_services.propose_commendation(
        by=world.root_user,
        year=2025,
        proposed_by_organization=world.commune_a_committee,
        organization=world.cell_a2,
        reason="Tích cực",
        proposed_on=datetime.date(2025, 12, 20),
    )

    groups = _groups(world.provincial_officer)

    assert [(i.name, i.organization, i.url) for i in groups["decide_commendation"].items] == [
        (
            "Chi bộ tổ 2",
            "Đảng bộ phường Hà Giang 1",
            reverse("reports:decide", args=[commendation.pk]),
        )
    ]
    assert [(i.name, i.since, i.url) for i in groups["late_comment"].items] == [
        (
            "Nguyễn Văn Đức",
            datetime.date(2025, 12, 15),
            reverse("comments:request", args=[request.pk]),
        )
    ]
    assert "late_comment" not in _groups(world.provincial_officer, today=datetime.date(2025, 12, 1))
    assert _holders(world, "decide_commendation") == {"provincial_officer"}


def test_the_home_page_shows_each_item_one_tap_from_its_step(client, world):
    (link,) = introduced(world, "issued", 1)
    client.force_login(world.commune_clerk)

    response = client.get(reverse("accounts:home"))

    html = response.content.decode()
    assert f'<li><a href="{_link_url(link)}">' in html
    assert "<strong>Trần Văn An</strong>" in html
    assert f'Issued on <span class="date">{link.issued_on:%d/%m/%Y}</span>' in html
    book = reverse("registry:book", args=[world.commune_a_committee.pk])
    assert f'<a href="{book}?status=issued">Open the list</a>' in html
    assert f'href="{reverse("accounts:numbers")}"' in html
    assert "htmx" not in html  # the inbox is plain links
    assert 'Home <span class="badge count" aria-label="waiting">' in html


def test_the_home_page_says_when_nothing_waits(client, world):
    client.force_login(world.secretary_a1)

    response = client.get(reverse("accounts:home"))

    assert response.context["inbox_total"] == 0
    assert '<p class="inbox-empty">Nothing is waiting.</p>' in response.content.decode()
    assert response.context["inbox_waiting"] == 0


def test_a_member_keeps_their_own_record_and_has_no_inbox(client, world):
    client.force_login(world.member_user)

    response = client.get(reverse("accounts:home"))

    html = response.content.decode()
    assert response.context["has_inbox"] is False
    assert "Nothing is waiting." not in html
    assert reverse("members:detail", args=[world.member_w1.pk]) in html


@pytest.mark.parametrize("size", [1, 12])
def test_the_home_page_runs_the_same_number_of_queries_whatever_the_size(
    client, world, size, django_assert_max_num_queries
):
    introduced(world, "issued", size)
    introduced(world, "received", size, first=MONDAY + datetime.timedelta(days=40))
    introduced(world, "assigned", size, commune="a", first=MONDAY + datetime.timedelta(days=80))
    link_at(world, "active")  # a cell to meet, comments, notices
    request_at(world, "signed", link=world.member_w1.residence_links.get())

    # the session, the user, the role assignments (read once for the gatekeepers, the
    # menu and the inbox), one query per task (seven for a clerk, eight for a secretary),
    # the unread notifications and the newcomer checklists dismissed (guidance)
    for user, bound in ((world.commune_clerk, 12), (world.secretary_a2, 13)):
        client.force_login(user)
        with django_assert_max_num_queries(bound) as queries:
            response = client.get(reverse("accounts:home"))
        assert response.context["inbox_total"] > 0
        roles = [q for q in queries.captured_queries if '"accounts_roleassignment"' in q["sql"]]
        assert len(roles) == 1


def test_the_menu_shows_the_count_of_the_last_visit_home_and_costs_no_query(
    client, world, django_assert_num_queries
):
    introduced(world, "issued", 2)
    client.force_login(world.commune_clerk)
    members = reverse("members:list")

    unseen = client.get(members).context["inbox_waiting"]
    counted = client.get(reverse("accounts:home")).context["inbox_total"]
    seen = client.get(members)
    introduced(world, "issued", 1, first=MONDAY + datetime.timedelta(days=60))
    kept = client.get(members).context["inbox_waiting"]
    client.get(reverse("accounts:home"))
    renewed = client.get(members).context["inbox_waiting"]

    assert (unseen, counted, seen.context["inbox_waiting"], kept, renewed) == (0, 2, 2, 2, 3)
    assert '<span class="badge count" aria-label="waiting">2</span>' in seen.content.decode()
    with django_assert_num_queries(0):
        navigation = inbox.menu_total(world.commune_clerk)
    assert navigation == 3


def test_the_numbers_page_keeps_the_statistics_and_the_dashboards(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("accounts:numbers"))

    html = response.content.decode()
    dashboard = reverse("accounts:dashboard", args=[world.commune_a_committee.pk, "commune_clerk"])
    assert [(s.kind, s.organization) for s in response.context["sections"]] == [
        ("commune", world.commune_a_committee)
    ]
    assert f'hx-get="{dashboard}" hx-trigger="load"' in html
    assert "/static/django_htmx/htmx-2.min.js" in html
    assert f'href="{reverse("accounts:home")}"' in html


def test_the_greeting_names_the_person_not_the_login(client, world):
    # given a member's account with no name of its own, and a clerk's account with one
    world.commune_clerk.first_name, world.commune_clerk.last_name = "Lan", "Trần Thị"
    world.commune_clerk.save()

    def greeting(user):
        client.force_login(user)
        html = client.get(reverse("accounts:home")).content.decode()
        return html[html.index("<h1>") + 4 : html.index("</h1>")]

    # then the member is greeted with the member record's name, the clerk with theirs
    assert greeting(world.member_user) == "Hello, Nguyễn Văn Đức"
    assert greeting(world.commune_clerk) == f"Hello, {world.commune_clerk.get_full_name()}"
    assert greeting(world.stranger) == "Hello, stranger"


def test_each_role_starts_its_own_work_from_the_inbox(client, world):
    # the pages where work begins that nothing brings to the inbox, one tap from home
    def shortcuts(user):
        client.force_login(user)
        html = client.get(reverse("accounts:home")).content.decode()
        return [href for href in re.findall(r'<p class="see-all"><a href="([^"]+)"', html)]

    assert shortcuts(world.workplace_officer) == [
        reverse("registry:workplace", args=[world.workplace.pk]),
        reverse("comments:workplace", args=[world.workplace.pk]),
    ]
    assert shortcuts(world.commune_clerk) == [
        reverse("registry:book", args=[world.commune_a_committee.pk])
    ]
    assert shortcuts(world.secretary_a2) == [
        reverse("registry:book", args=[world.cell_a2.pk]),
        reverse("meetings:cell", args=[world.cell_a2.pk]),
    ]


@pytest.mark.parametrize("role", sorted(inbox.INBOX_ROLES))
def test_building_a_roles_tasks_reads_nothing(world, role, django_assert_num_queries):
    # Each process keeps the built tasks and runs their SQL again (ADR 0020): that is
    # only right if building them embeds no row read from the database.
    org = {
        Role.ADMINISTRATOR: world.province,
        Role.PROVINCIAL_OFFICER: world.province,
        Role.COMMUNE_CLERK: world.commune_a_committee,
        Role.CELL_SECRETARY: world.cell_a2,
        Role.WORKPLACE_OFFICER: world.workplace,
    }[role]
    user = world.root_user
    access.assignments_of(user)  # the request's one read of the roles, already made

    with django_assert_num_queries(0):
        tasks = TASKS[role](user, org, TODAY)

    assert tasks


def test_the_kept_tasks_follow_a_new_role_and_a_new_name(world):
    introduced(world, "issued", 1)
    clerk = world.commune_clerk
    assert [s.organization.name for s in inbox.inbox(clerk, today=TODAY)] == [
        world.commune_a_committee.name
    ]

    rename_organization(
        by=world.root_user,
        organization=world.commune_a_committee,
        name="Đảng bộ xã Mới",
        effective_date=world.commune_a_committee.valid_from,
    )
    access.forget_roles(clerk)  # a new request reads the roles again
    renamed = [s.organization.name for s in inbox.inbox(clerk, today=TODAY)]
    grant(clerk, world.cell_a2, Role.CELL_SECRETARY)
    access.forget_roles(clerk)
    sections = inbox.inbox(clerk, today=TODAY)

    assert renamed == ["Đảng bộ xã Mới"]

    assert [(s.role_label, s.organization.name) for s in sections] == [
        (str(Role.COMMUNE_CLERK.label), "Đảng bộ xã Mới"),
        (str(Role.CELL_SECRETARY.label), world.cell_a2.name),
    ]
    assert [g.key for g in sections[0].groups] == ["receive"]
