import datetime
import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Sum

from lienhe213.accounts.models import User
from lienhe213.comments.models import CommentRequest
from lienhe213.demo import book, plans
from lienhe213.demo.loader import build_preset
from lienhe213.feedback.models import ResidentReport
from lienhe213.meetings.models import Meeting
from lienhe213.notices.models import Notice
from lienhe213.registry import services
from lienhe213.registry.models import ExemptionDecision, LinkEvent, ResidenceLink
from lienhe213.registry.reconciliation import reconcile

DAY = datetime.date(2026, 11, 27)


@pytest.fixture
def seeded(db: Any) -> None:
    build_preset("small", seed=plans.DEFAULT_SEED, today=DAY)


def test_small_book_has_links_in_every_state(seeded: None) -> None:
    statuses = Counter(ResidenceLink.objects.values_list("status", flat=True))
    end_reasons = Counter(
        ResidenceLink.objects.filter(status="closed").values_list("end_reason", flat=True)
    )
    overdue = ResidenceLink.objects.overdue(on=DAY).count()

    assert statuses == {
        "active": 123,
        "issued": 7,
        "received": 4,
        "assigned": 4,
        "returned": 4,
        "closed": 4,
    }
    assert end_reasons == {"moved_residence": 3, "category_b": 1}
    assert overdue == 3
    assert ResidenceLink.objects.filter(superseded_by__isnull=False).count() == 3
    assert set(ExemptionDecision.objects.values_list("category", flat=True)) == {"normal", "a", "b"}


def test_demo_commune_and_cell_see_their_linked_members(seeded: None) -> None:
    xa = User.objects.get(username="xa")
    chibo = User.objects.get(username="chibo")
    cell = chibo.role_assignments.get().organization

    at_commune = ResidenceLink.objects.visible_to(xa).open().count()
    in_cell = Counter(
        ResidenceLink.objects.visible_to(chibo)
        .open()
        .filter(residence_cell=cell)
        .values_list("status", flat=True)
    )

    assert at_commune == 138
    assert in_cell["assigned"] >= 1
    assert in_cell["active"] >= 5


def test_check_book_finds_the_planted_problems_and_no_broken_invariant(seeded: None) -> None:
    out = io.StringIO()

    call_command("check_book", date=DAY, stdout=out)

    check = reconcile(on=DAY)
    assert check.counts() == {
        "unclassified": 4,
        "not_introduced": 4,
        "overdue_letters": 3,
        "several_open_links": 0,
        "links_without_commune": 0,
        "links_to_ended_organizations": 0,
        "workplace_mismatch": 0,
        "expired_category_b": 1,
    }
    assert "No invariant broken." in out.getvalue()
    expired = ExemptionDecision.objects.get(pk__in=check.findings["expired_category_b"].ids)
    assert (expired.category, expired.valid_until < DAY) == ("b", True)


def test_every_stored_link_is_consistent(seeded: None) -> None:
    links = list(ResidenceLink.objects.select_related("residence_cell", "member"))
    events = Counter(LinkEvent.objects.values_list("link_id", flat=True))
    numbers = Counter(
        (link.issued_by_organization_id, link.letter_year, link.letter_number) for link in links
    )
    open_per_member = Counter(link.member_id for link in links if link.is_open)

    assert max(numbers.values()) == 1
    assert max(open_per_member.values()) == 1
    by_issuer: dict[tuple[int, int], list[ResidenceLink]] = {}
    for link in links:
        by_issuer.setdefault((link.issued_by_organization_id, link.letter_year), []).append(link)
    for same_year in by_issuer.values():
        same_year.sort(key=lambda link: link.letter_number)
        assert [link.letter_number for link in same_year] == list(range(1, len(same_year) + 1))
        assert [link.issued_on for link in same_year] == sorted(x.issued_on for x in same_year)
    for link in links:
        link.full_clean()
        assert link.version == events[link.pk]
        assert link.letter_year == link.issued_on.year
        assert link.letter_form == ("2-213" if link.category == "a" else "1-213")
        assert link.workplace_organization_id == link.issued_by_organization_id
        assert link.member.unit_path.startswith(link.workplace_organization.path)
        assert (link.received_on is not None) == (
            link.status in ("received", "assigned", "active")
            or (link.status == "closed" and link.end_reason == "moved_residence")
            or (link.status == "closed" and link.end_reason == "category_b")
        )
        assert (link.assigned_on is not None) == (link.residence_cell_id is not None)
        assert (link.acknowledged_on is not None) == (
            link.status == "active" or link.status == "closed"
        )
        assert (
            (link.returned_on is not None)
            == (link.status == "returned")
            == bool(link.return_reason)
        )
        assert (link.ended_on is not None) == (link.status == "closed") == bool(link.end_reason)
        if link.residence_cell is not None:
            assert link.residence_cell.parent_id == link.residence_commune_organization_id
        dates = [
            d
            for d in (link.issued_on, link.received_on, link.assigned_on, link.acknowledged_on)
            if d is not None
        ]
        assert dates == sorted(dates)
        assert link.issued_on <= DAY
    for decision in ExemptionDecision.objects.all():
        decision.full_clean()


def test_the_book_is_deterministic() -> None:
    plan = plans.small()

    first = book.plan_book(plan, book.SMALL_SHAPE, today=DAY)
    second = book.plan_book(plans.small(), book.SMALL_SHAPE, today=DAY)
    other = book.plan_book(plans.small(seed=7), book.SMALL_SHAPE, today=DAY)

    assert first == second
    assert first != other


def test_hagiang_book_has_the_2023_linked_members() -> None:
    # In memory only: the plan and its book, no database.
    plan = plans.hagiang_2023()

    hagiang = book.plan_book(plan, book.HAGIANG_SHAPE, today=DAY)

    # Today: the 2023 members and those introduced since; at the end of 2023 exactly
    # the review's figure, 1,655 or so of them in Phường Trần Phú.
    assert len(hagiang.linked_members()) == 35_185
    assert Counter(link.member for link in hagiang.links if link.is_open).most_common(1)[0][1] == 1
    end_2023 = datetime.date(2023, 12, 31)
    active = [
        link
        for link in hagiang.links
        if link.acknowledged_on is not None
        and link.acknowledged_on <= end_2023
        and (link.ended_on is None or link.ended_on > end_2023)
    ]
    assert len(active) == plans.HAGIANG_LINKED_MEMBERS == 33_585
    committee = plan.organizations.index(
        next(o for o in plan.organizations if o.name == "Đảng bộ phường Trần Phú")
    )
    assert sum(1 for link in active if link.commune == committee) == 1_660


def _replay_actions(admin: User) -> list[tuple[tuple[Any, ...], Any]]:
    """Every stored decision and step as the service call that would have made it."""
    actions: list[tuple[tuple[Any, ...], Any]] = []
    links = {link.pk: link for link in ResidenceLink.objects.all()}
    by_move = {link.superseded_by_id for link in links.values() if link.superseded_by_id}
    closed_b = {
        (link.member_id, link.ended_on)
        for link in links.values()
        if link.end_reason == "category_b"
    }
    decisions = {}
    for d in ExemptionDecision.objects.order_by("pk"):
        decisions[(d.member_id, d.valid_from)] = d
        if (d.member_id, d.valid_from) in closed_b:
            continue  # recorded by the step that closes the link
        fields = {
            "by": admin,
            "member": d.member,
            "decided_by": d.decided_by,
            "decided_on": d.decided_on,
            "valid_from": d.valid_from,
            "proposed_by": d.proposed_by,
            "evidence": d.evidence,
        }
        if d.category == "normal":
            action: Any = lambda f=fields: services.classify_member(**f)  # noqa: E731
        else:
            extra = {"category": d.category, "reason": d.reason, "valid_until": d.valid_until}
            extra["review_on"] = d.review_on
            action = lambda f={**fields, **extra}: services.record_exemption(**f)  # noqa: E731
        actions.append(((d.decided_on, 0, 0, d.pk), action))
    replayed: dict[int, ResidenceLink] = {}

    def step(old: ResidenceLink, kind: str, on: datetime.date) -> None:
        if kind == "issued":
            replayed[old.pk] = services.issue_letter(
                by=admin,
                workplace=old.issued_by_organization,
                member=old.member,
                issued_on=on,
                residence_commune=old.residence_commune_organization,
            )
            return
        link = ResidenceLink.objects.get(pk=replayed[old.pk].pk)
        if kind == "presented":
            services.record_presentation(by=admin, link=link, presented_on=on)
        elif kind == "received":
            services.receive_letter(by=admin, link=link, received_on=on)
        elif kind == "returned":
            services.return_letter(by=admin, link=link, returned_on=on, reason=old.return_reason)
        elif kind == "assigned":
            assert old.residence_cell is not None
            services.assign_to_cell(by=admin, link=link, cell=old.residence_cell, assigned_on=on)
        elif kind == "acknowledged":
            services.acknowledge_link(by=admin, link=link, acknowledged_on=on)
        elif kind == "moved":
            target = links[old.superseded_by_id or 0]
            replayed[target.pk] = services.move_residence(
                by=admin,
                link=link,
                moved_on=on,
                residence_commune=target.residence_commune_organization,
            )
        else:
            d = decisions[(old.member_id, on)]
            services.exempt_temporarily(
                by=admin,
                link=link,
                category=d.category,
                reason=d.reason,
                decided_by=d.decided_by,
                decided_on=d.decided_on,
                valid_from=d.valid_from,
                valid_until=d.valid_until,
                review_on=d.review_on,
                proposed_by=d.proposed_by,
                evidence=d.evidence,
            )

    for position, event in enumerate(LinkEvent.objects.order_by("link_id", "at", "id")):
        old = links[event.link_id]
        if event.kind == "issued" and old.pk in by_move:
            continue  # issued by the move
        actions.append(
            (
                (event.on, 1, event.link_id, position),
                lambda old=old, kind=event.kind, on=event.on: step(old, kind, on),
            )
        )
    return actions


def _book_rows() -> tuple[list[tuple[Any, ...]], dict[Any, Any], dict[Any, Any]]:
    decisions = sorted(
        ExemptionDecision.objects.values_list(
            "member_id",
            "category",
            "reason",
            "proposed_by_id",
            "decided_by_id",
            "decided_on",
            "valid_from",
            "valid_until",
            "evidence",
            "review_on",
            "revoked_on",
        )
    )
    key = {
        link["id"]: (
            link["issued_by_organization_id"],
            link["letter_year"],
            link["letter_number"],
        )
        for link in ResidenceLink.objects.values()
    }
    links = {}
    for link in ResidenceLink.objects.values():
        row = {k: v for k, v in link.items() if k not in ("id", "created_at", "updated_at")}
        row["superseded_by_id"] = key.get(link["superseded_by_id"])
        links[key[link["id"]]] = row
    events: dict[Any, list[Any]] = {}
    for event in LinkEvent.objects.order_by("link_id", "at", "id").values():
        after = dict(event["after"])
        if after.get("superseded_by") is not None:
            after["superseded_by"] = key[after["superseded_by"]]
        events.setdefault(key[event["link_id"]], []).append(
            (event["kind"], event["on"], event["note"], event["before"], after)
        )
    return decisions, links, events


def test_stored_book_is_what_the_services_write_for_the_same_steps(seeded: None) -> None:
    # Given the seeded book and the same steps replayed through the services
    admin = User.objects.get(username="admin")
    expected = _book_rows()
    actions = _replay_actions(admin)
    # The meetings, comments, notices and residents' reports hang on the links: the
    # replay covers the book only.
    ResidentReport.objects.all().delete()
    Notice.objects.all().delete()
    CommentRequest.objects.all().delete()
    Meeting.objects.all().delete()
    LinkEvent.objects.all().delete()
    ResidenceLink.objects.update(superseded_by=None)
    ResidenceLink.objects.all().delete()
    ExemptionDecision.objects.all().delete()

    for _order, action in sorted(actions, key=lambda pair: pair[0]):
        action()

    decisions, links, events = _book_rows()
    assert (len(expected[0]), len(expected[1]), sum(map(len, expected[2].values()))) == (
        148,
        146,
        ResidenceLink.objects.aggregate(n=Sum("version"))["n"],
    )
    assert decisions == expected[0]
    assert links == expected[1]
    assert events == expected[2]
