"""The training figures of the reports: the share of cell secretaries and commune clerks
who attended a held session in the year, in the total and per child, in the review and
the API (ADR 0015). Done when a session is planned, attended and counted in the report."""

import datetime

from django.utils import timezone
from rest_framework.test import APIClient

from lienhe213.reports.indicators import Period, compute
from lienhe213.reports.review import build_review
from lienhe213.training import services
from lienhe213.training.tests.conftest import plan

TODAY = timezone.localdate()


def held(world, *, by, organizer, audience, attended, day=TODAY):
    """A session planned, its audience invited and attendance recorded on ``day``."""
    session = plan(world, by=by, organizer=organizer, audience=audience, day=day, today=day)
    services.invite(by=by, session=session)
    services.record_attendance(
        by=by,
        session=session,
        attended=[user.pk for user in attended],
        today=day,
    )
    return session


def report(world, who, org, year=TODAY.year):
    return compute(
        user=getattr(world, who), organization=org, period=Period.for_year(year), today=TODAY
    )


def _figures(figures):
    return {k: figures[k] for k in ("staff_to_train", "staff_trained", "staff_trained_share")}


def test_a_session_planned_attended_and_counted_in_the_commune_report(world):
    held(
        world,
        by=world.commune_clerk,
        organizer=world.commune_a_committee,
        audience="cell_secretaries",
        attended=[world.secretary_a1],
    )

    result = report(world, "commune_clerk", world.commune_a_committee)

    # the commune clerk and the two cell secretaries; one secretary attended
    assert _figures(result.figures) == {
        "staff_to_train": 3,
        "staff_trained": 1,
        "staff_trained_share": 33.3,
    }
    rows = {child.name: _figures(figures) for child, figures in result.children}
    assert rows == {
        "Chi bộ tổ 1": {"staff_to_train": 1, "staff_trained": 1, "staff_trained_share": 100.0},
        "Chi bộ tổ 2": {"staff_to_train": 1, "staff_trained": 0, "staff_trained_share": 0.0},
    }


def test_a_provincial_session_counts_in_each_communes_row(world):
    held(
        world,
        by=world.provincial_officer,
        organizer=world.province,
        audience="commune_clerks",
        attended=[world.commune_clerk, world.other_clerk],
    )

    result = report(world, "provincial_officer", world.province)

    assert _figures(result.figures) == {
        "staff_to_train": 4,
        "staff_trained": 2,
        "staff_trained_share": 50.0,
    }
    rows = {child.name: figures["staff_trained"] for child, figures in result.children}
    assert rows["Đảng bộ phường Hà Giang 1"] == 1
    assert rows["Đảng bộ xã Lâm Bình"] == 1
    # the commune clerk reads the session of the province in their own report too
    commune = report(world, "commune_clerk", world.commune_a_committee)
    assert commune.figures["staff_trained"] == 1


def test_absent_planned_cancelled_and_last_years_sessions_do_not_train(world):
    last_year = TODAY.replace(year=TODAY.year - 1, month=6, day=1)
    held(
        world,
        by=world.commune_clerk,
        organizer=world.commune_a_committee,
        audience="cell_secretaries",
        attended=[world.secretary_a1],
        day=last_year,
    )
    held(
        world,
        by=world.commune_clerk,
        organizer=world.commune_a_committee,
        audience="cell_secretaries",
        attended=[],
    )
    planned = plan(world, audience="cell_secretaries")
    services.invite(by=world.commune_clerk, session=planned)
    cancelled = plan(world, audience="cell_secretaries")
    services.invite(by=world.commune_clerk, session=cancelled)
    services.cancel_session(by=world.commune_clerk, session=cancelled)

    result = report(world, "commune_clerk", world.commune_a_committee)

    assert _figures(result.figures) == {
        "staff_to_train": 3,
        "staff_trained": 0,
        "staff_trained_share": 0.0,
    }


def test_another_communes_report_does_not_move(world):
    before = _figures(report(world, "other_clerk", world.commune_b_committee).figures)
    held(
        world,
        by=world.commune_clerk,
        organizer=world.commune_a_committee,
        audience="cell_secretaries",
        attended=[world.secretary_a1, world.secretary_a2],
    )

    after = _figures(report(world, "other_clerk", world.commune_b_committee).figures)

    assert (
        after
        == before
        == {
            "staff_to_train": 1,
            "staff_trained": 0,
            "staff_trained_share": 0.0,
        }
    )


def test_the_review_and_the_api_carry_the_share(world):
    held(
        world,
        by=world.commune_clerk,
        organizer=world.commune_a_committee,
        audience="cell_secretaries",
        attended=[world.secretary_a1, world.secretary_a2],
    )

    review = build_review(
        user=world.commune_clerk,
        organization=world.commune_a_committee,
        year=TODAY.year,
        today=TODAY,
    )
    client = APIClient()
    client.force_authenticate(world.commune_clerk)
    body = client.get(
        "/api/v1/reports/indicators/",
        {"organization": world.commune_a_committee.pk, "year": TODAY.year},
    ).json()

    rows = {row.name: (row.current, row.previous) for row in review.rows}
    assert rows["staff_trained_share"] == (66.7, None)  # nobody held the roles last year
    assert body["figures"]["staff_trained"] == 2
    assert body["figures"]["staff_trained_share"] == 66.7


def test_the_report_page_shows_the_training_figures(client, world):
    held(
        world,
        by=world.commune_clerk,
        organizer=world.commune_a_committee,
        audience="cell_secretaries",
        attended=[world.secretary_a1],
    )
    client.force_login(world.commune_clerk)

    body = client.get(
        f"/reports/org/{world.commune_a_committee.pk}/", {"year": TODAY.year}
    ).content.decode()

    assert "Share trained (%)" in body
    assert "33.3" in body


def test_a_role_granted_after_the_period_is_not_counted(world):
    result = report(world, "commune_clerk", world.commune_a_committee, year=TODAY.year - 1)

    assert result.figures["staff_to_train"] == 0
    assert datetime.date(TODAY.year - 1, 12, 31) == result.on
