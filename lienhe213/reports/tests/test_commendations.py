"""Commendations: who proposes what, the province's decision, and what each user sees."""

import datetime

import pytest

from lienhe213.comments.tests.conftest import BEST_FORM_3, request_at
from lienhe213.core.audit import AuditEvent
from lienhe213.core.errors import DomainError
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.conftest import link_at
from lienhe213.reports import services
from lienhe213.reports.models import Commendation
from lienhe213.reports.tests.conftest import NOW

PROPOSED_ON = datetime.date(2025, 12, 20)
DECIDED_ON = datetime.date(2026, 1, 10)


def commend_request(world):
    """member_w1's comment, returned by commune A, recommending a commendation."""
    return request_at(world, "returned", items={**BEST_FORM_3, "recommendation": "commend"})


def state():
    return (
        list(Commendation.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def propose_w1(world, request=None, by=None):
    """The commune A clerk proposes member_w1, who lives in cell A2 (active link)."""
    if not ResidenceLink.objects.filter(member=world.member_w1).exists():
        link_at(world, "active")
    return services.propose_commendation(
        by=by or world.commune_clerk,
        year=2025,
        proposed_by_organization=world.commune_a_committee,
        member=world.member_w1,
        comment_request=request,
        reason="Gương mẫu ở khu dân cư.",
        proposed_on=PROPOSED_ON,
    )


def test_the_commune_proposes_the_member_its_cell_recommended(world):
    request = commend_request(world)

    commendation = propose_w1(world, request)

    commendation.refresh_from_db()
    assert (commendation.status, commendation.year, commendation.version) == ("proposed", 2025, 1)
    assert commendation.member == world.member_w1
    assert commendation.comment_request == request
    assert commendation.proposed_by_organization == world.commune_a_committee
    assert commendation.proposed_by == world.commune_clerk
    assert commendation.created_at == NOW
    event = AuditEvent.objects.filter(action="create").order_by("-pk").first()
    assert event is not None
    assert (event.at, event.changes["reason"]) == (NOW, "Gương mẫu ở khu dân cư.")


def test_the_commune_proposes_one_of_its_cells(world):
    commendation = services.propose_commendation(
        by=world.commune_clerk,
        year=2025,
        proposed_by_organization=world.commune_a_committee,
        organization=world.cell_a2,
        reason="Họp đủ, nhận xét đúng hạn.",
        proposed_on=PROPOSED_ON,
    )

    assert (commendation.organization, commendation.member) == (world.cell_a2, None)


@pytest.mark.parametrize(
    ("who", "committee", "subject", "message"),
    [
        (
            "commune_clerk",
            "commune_a_committee",
            {"organization": "commune_a_committee"},
            "A committee proposes commendations of the units and members below it.",
        ),
        (
            "commune_clerk",
            "province",
            {"organization": "commune_a_committee"},
            "You may not propose commendations for this committee.",
        ),
        (
            "secretary_a2",
            "cell_a2",
            {"member": "member_w1"},
            "You may not propose commendations for this committee.",
        ),
        (
            "commune_clerk",
            "commune_a_committee",
            {"member": "member_w1", "organization": "cell_a2"},
            "Commend either an organization or a member.",
        ),
        (
            "commune_clerk",
            "commune_a_committee",
            {},
            "Commend either an organization or a member.",
        ),
        (
            "commune_clerk",
            "commune_a_committee",
            {"member": "member_b1"},
            "A committee proposes commendations of the units and members below it.",
        ),
    ],
)
def test_refused_proposals_change_nothing(world, who, committee, subject, message):
    before = state()

    with pytest.raises(DomainError) as refused:
        services.propose_commendation(
            by=getattr(world, who),
            year=2025,
            proposed_by_organization=getattr(world, committee),
            reason="Lý do.",
            proposed_on=PROPOSED_ON,
            **{key: getattr(world, value) for key, value in subject.items()},
        )

    assert str(refused.value) == message
    assert state() == before


def test_a_comment_that_does_not_recommend_it_is_refused(world):
    request = request_at(world, "returned")  # "no proposal"
    before = state()

    with pytest.raises(DomainError) as refused:
        propose_w1(world, request)

    assert str(refused.value) == "This comment does not recommend commending this member."
    assert state() == before


def test_one_proposal_per_subject_and_year_until_rejected(world):
    first = propose_w1(world)
    before = state()

    with pytest.raises(DomainError) as refused:
        propose_w1(world, by=world.provincial_officer)

    assert str(refused.value) == "This member is already proposed for that year."
    assert state() == before

    services.reject_commendation(
        by=world.provincial_officer,
        commendation=first,
        reason="Chưa đủ tiêu chuẩn.",
        decided_on=DECIDED_ON,
    )
    again = propose_w1(world)
    assert again.status == "proposed"


def test_the_province_decides_with_a_number_and_date(world):
    commendation = propose_w1(world)

    decided = services.decide_commendation(
        by=world.provincial_officer,
        commendation=commendation,
        decision_number=" 12-QĐ/TU ",
        decided_on=DECIDED_ON,
        version=1,
    )

    decided.refresh_from_db()
    assert (decided.status, decided.decision_number, decided.decided_on) == (
        "decided",
        "12-QĐ/TU",
        DECIDED_ON,
    )
    assert (decided.decided_by_organization, decided.decided_by) == (
        world.province,
        world.provincial_officer,
    )
    assert (decided.decision_year, decided.version) == (2026, 2)


@pytest.mark.parametrize("who", ["commune_clerk", "workplace_officer"])
def test_only_the_province_decides(world, who):
    commendation = propose_w1(world)
    before = state()

    with pytest.raises(DomainError) as refused:
        services.decide_commendation(
            by=getattr(world, who),
            commendation=commendation,
            decision_number="12-QĐ/TU",
            decided_on=DECIDED_ON,
        )

    assert str(refused.value) == "Only the provincial committee decides commendations."
    assert state() == before


def test_a_decision_number_is_used_once_per_committee_and_year(world):
    first = propose_w1(world)
    services.decide_commendation(
        by=world.provincial_officer,
        commendation=first,
        decision_number="12-QĐ/TU",
        decided_on=DECIDED_ON,
    )
    cell = services.propose_commendation(
        by=world.commune_clerk,
        year=2025,
        proposed_by_organization=world.commune_a_committee,
        organization=world.cell_a2,
        reason="Họp đủ.",
        proposed_on=PROPOSED_ON,
    )
    before = state()

    with pytest.raises(DomainError) as refused:
        services.decide_commendation(
            by=world.provincial_officer,
            commendation=cell,
            decision_number="12-QĐ/TU",
            decided_on=DECIDED_ON,
        )

    assert str(refused.value) == "This committee already used this decision number that year."
    assert state() == before
    next_year = services.decide_commendation(
        by=world.provincial_officer,
        commendation=cell,
        decision_number="12-QĐ/TU",
        decided_on=datetime.date(2027, 1, 5),
    )
    assert next_year.decision_year == 2027


def test_a_stale_version_or_a_decided_proposal_is_refused(world):
    commendation = propose_w1(world)
    before = state()

    with pytest.raises(DomainError) as stale:
        services.decide_commendation(
            by=world.provincial_officer,
            commendation=commendation,
            decision_number="1",
            decided_on=DECIDED_ON,
            version=7,
        )

    assert str(stale.value) == "The commendation changed meanwhile: reload it and try again."
    assert state() == before
    services.decide_commendation(
        by=world.provincial_officer,
        commendation=commendation,
        decision_number="1",
        decided_on=DECIDED_ON,
    )
    with pytest.raises(DomainError) as again:
        services.reject_commendation(
            by=world.provincial_officer,
            commendation=commendation,
            reason="x",
            decided_on=DECIDED_ON,
        )
    assert str(again.value) == "Only a proposed commendation can be decided or rejected."


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("commune_clerk", True),  # the proposing committee
        ("workplace_officer", True),  # over the member's party unit
        ("member_user", True),  # the member themself
        ("provincial_officer", True),
        ("other_clerk", False),
        ("secretary_a1", False),
        ("stranger", False),
    ],
)
def test_who_sees_a_commendation(world, who, sees):
    commendation = propose_w1(world)

    visible = Commendation.objects.visible_to(getattr(world, who))

    assert list(visible.values_list("pk", flat=True)) == ([commendation.pk] if sees else [])


def propose_w1_by_the_province(world, stage="active"):
    """The province proposes member_w1 (party unit under the workplace), whose link to
    commune A is at ``stage``: the residence side is neither subject nor proposer."""
    link_at(world, stage)
    return services.propose_commendation(
        by=world.provincial_officer,
        year=2025,
        proposed_by_organization=world.province,
        member=world.member_w1,
        reason="Gương mẫu ở nơi làm việc và nơi cư trú.",
        proposed_on=PROPOSED_ON,
    )


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("secretary_a2", True),  # the cell holding the member's link
        ("commune_clerk", True),  # the commune holding it
        ("workplace_officer", True),  # over the member's party unit
        ("member_user", True),
        ("secretary_a1", False),  # another cell of the same commune
        ("other_clerk", False),
        ("stranger", False),
    ],
)
def test_the_residence_side_of_the_members_link_sees_the_commendation(world, who, sees):
    commendation = propose_w1_by_the_province(world)

    visible = Commendation.objects.visible_to(getattr(world, who))

    assert list(visible.values_list("pk", flat=True)) == ([commendation.pk] if sees else [])


def test_a_letter_not_yet_assigned_shows_the_commendation_to_the_commune_only(world):
    commendation = propose_w1_by_the_province(world, stage="received")

    seen = {
        who: list(Commendation.objects.visible_to(getattr(world, who)).values_list("pk", flat=True))
        for who in ("commune_clerk", "secretary_a2")
    }

    assert seen == {"commune_clerk": [commendation.pk], "secretary_a2": []}


def test_the_former_residence_of_a_closed_link_no_longer_sees_the_commendation(world):
    commendation = propose_w1_by_the_province(world)
    ResidenceLink.objects.filter(member=world.member_w1).update(
        status=ResidenceLink.Status.CLOSED, ended_on=DECIDED_ON
    )

    seen = {
        who: list(Commendation.objects.visible_to(getattr(world, who)).values_list("pk", flat=True))
        for who in ("commune_clerk", "secretary_a2", "workplace_officer")
    }

    assert seen == {"commune_clerk": [], "secretary_a2": [], "workplace_officer": [commendation.pk]}


@pytest.mark.parametrize("subjects", [{}, {"organization": "cell_a2", "member": "member_w1"}])
def test_the_database_refuses_a_commendation_without_exactly_one_subject(world, subjects):
    from django.db import IntegrityError, transaction

    fields = {key: getattr(world, value) for key, value in subjects.items()}

    with pytest.raises(IntegrityError), transaction.atomic():
        Commendation.objects.create(
            year=2025,
            reason="x",
            proposed_by_organization=world.province,
            proposed_on=PROPOSED_ON,
            **fields,
        )

    assert Commendation.objects.count() == 0
