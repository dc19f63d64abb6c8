"""The indicators on the cast: exact figures, scoping, empty periods, fixed queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lienhe213.reports.indicators import FIGURES, Period, compute
from lienhe213.reports.tests.conftest import TODAY, rows_elsewhere, year_in_commune_a

YEAR = Period.for_year(2025)


def report_of(world, who, org, period=YEAR):
    return compute(user=getattr(world, who), organization=org, period=period, today=TODAY)


def snapshot(report):
    return (
        report.figures,
        report.reasons,
        report.distribution,
        report.problems,
        [(child.pk, figures) for child, figures in report.children],
    )


def test_commune_report_of_a_year(world):
    year_in_commune_a(world)

    report = report_of(world, "commune_clerk", world.commune_a_committee)

    assert report.on == datetime.date(2025, 12, 31)
    assert report.figures == {
        "working_members": 1,
        "classified_normal": 0,
        "classified_a": 0,
        "classified_b": 1,
        "letters_issued": 1,
        "letters_received": 1,
        "letters_returned": 0,
        "letters_overdue": 0,
        "active_links": 1,
        "moved_in": 1,
        "moved_out": 0,
        "cells_with_links": 1,
        "meetings_required": 2,
        "meetings_held": 1,
        "cells_meeting_requirement": 0,
        "attendance_invited": 1,
        "attendance_present": 1,
        "attendance_rate": 100.0,
        "comments_requested": 1,
        "comments_returned": 1,
        "comments_returned_on_time": 0,
        "good_example": 1,
        "good_example_share": 100.0,
        "recommend_commend": 0,
        "recommend_consider_handling": 0,
        "recommend_followed_up": 0,
        "recommend_awaiting_follow_up": 0,
        "cells_uniform_ratings": 1,
        "notices_sent": 1,
        "notices_acknowledged": 0,
        "notices_needing_answer": 1,
        "notices_answered_on_time": 0,
        # the cast's roles were granted today, after the year (ADR 0015)
        "staff_to_train": 0,
        "staff_trained": 0,
        "staff_trained_share": None,
    }
    assert report.reasons["abroad"] == 1
    assert sum(report.reasons.values()) == 1
    assert report.distribution["item_1"] == {"good": 1, "fair": 0, "not_yet": 0}
    assert report.distribution["recommendation"] == {
        "commend": 0,
        "no_proposal": 1,
        "consider_handling": 0,
    }
    assert [child.name for child, _f in report.children] == ["Chi bộ tổ 1", "Chi bộ tổ 2"]
    cell_a1, cell_a2 = (figures for _child, figures in report.children)
    assert (cell_a1["working_members"], cell_a1["active_links"], cell_a1["meetings_held"]) == (
        1,
        0,
        0,
    )
    assert (
        cell_a2["working_members"],
        cell_a2["active_links"],
        cell_a2["letters_issued"],
        cell_a2["meetings_held"],
        cell_a2["meetings_required"],
        cell_a2["attendance_rate"],
        cell_a2["comments_returned"],
        cell_a2["good_example_share"],
        cell_a2["notices_sent"],
        cell_a2["cells_uniform_ratings"],
    ) == (0, 1, 1, 1, 2, 100.0, 1, 100.0, 1, 1)


def test_province_rows_split_links_by_side(world):
    _link, campaign = year_in_commune_a(world)
    other = rows_elsewhere(world, campaign)

    report = report_of(world, "provincial_officer", world.province)

    # w1, the A1 member, Lò Văn Pọm of cell B1, Trần Bình, Cường
    assert report.figures["working_members"] == 5
    assert report.figures["active_links"] == 2
    assert report.figures["classified_a"] == 1
    assert report.figures["classified_b"] == 1
    assert report.figures["classified_normal"] == 2
    assert report.figures["meetings_held"] == 2
    assert report.figures["attendance_rate"] == 50.0
    assert report.figures["comments_returned"] == 2
    assert report.figures["notices_sent"] == 2
    rows = {child.name: figures for child, figures in report.children}
    assert list(rows) == [
        "Đảng bộ phường Hà Giang 1",
        "Đảng bộ xã Lâm Bình",
        "Đảng bộ Sở Giáo dục và Đào tạo",
        other.name,
    ]
    assert [rows[name]["active_links"] for name in rows] == [1, 1, 2, 0]
    assert [rows[name]["working_members"] for name in rows] == [1, 1, 2, 1]
    assert [rows[name]["meetings_held"] for name in rows] == [1, 1, 0, 0]
    assert [rows[name]["comments_returned"] for name in rows] == [1, 1, 2, 0]
    assert [rows[name]["notices_sent"] for name in rows] == [1, 1, 2, 0]


def test_no_indicator_counts_anything_outside_the_users_scope(world):
    _link, campaign = year_in_commune_a(world)
    commune_before = snapshot(report_of(world, "commune_clerk", world.commune_a_committee))
    cell_before = snapshot(report_of(world, "secretary_a2", world.cell_a2))
    province_before = report_of(world, "provincial_officer", world.province).figures

    rows_elsewhere(world, campaign)

    # Every figure, the reasons, the ratings, the problems and every child row.
    assert snapshot(report_of(world, "commune_clerk", world.commune_a_committee)) == (
        commune_before
    )
    assert snapshot(report_of(world, "secretary_a2", world.cell_a2)) == cell_before
    # The rows were real: the province counts them, on every family of figures.
    province_after = report_of(world, "provincial_officer", world.province).figures
    moved = {name for name in FIGURES if province_after[name] != province_before[name]}
    assert moved >= {
        "working_members",
        "classified_normal",
        "classified_a",
        "letters_issued",
        "letters_received",
        "active_links",
        "moved_in",
        "cells_with_links",
        "meetings_required",
        "meetings_held",
        "attendance_invited",
        "comments_requested",
        "comments_returned",
        "good_example",
        "cells_uniform_ratings",
        "notices_sent",
        "notices_needing_answer",
    }


def test_a_period_without_data_gives_zeros(world):
    year_in_commune_a(world)

    report = report_of(world, "provincial_officer", world.province, Period.for_year(2021))

    assert report.figures["letters_issued"] == 0
    assert report.figures["active_links"] == 0
    assert report.figures["meetings_held"] == 0
    assert report.figures["meetings_required"] == 0
    assert report.figures["attendance_rate"] is None
    assert report.figures["good_example_share"] is None
    assert report.figures["notices_sent"] == 0
    assert set(report.distribution["item_1"].values()) == {0}


def test_a_custom_range_asks_meetings_pro_rata(world):
    year_in_commune_a(world)
    spring = Period(datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))

    report = report_of(world, "commune_clerk", world.commune_a_committee, spring)

    assert spring.meetings_required_per_cell == 1
    assert report.on == datetime.date(2025, 6, 30)
    assert report.figures["meetings_required"] == 1
    assert report.figures["meetings_held"] == 1
    assert report.figures["cells_meeting_requirement"] == 1
    assert report.figures["letters_issued"] == 0
    assert report.figures["active_links"] == 1


def test_an_overdue_letter_is_counted_as_of_the_reference_day(world):
    from lienhe213.registry.tests.conftest import link_at

    link = link_at(world, "issued")

    before_deadline = Period(datetime.date(2025, 3, 1), link.deadline)
    after_deadline = Period(datetime.date(2025, 3, 1), link.deadline + datetime.timedelta(days=1))

    assert (
        report_of(world, "commune_clerk", world.commune_a_committee, before_deadline).figures[
            "letters_overdue"
        ]
        == 0
    )
    assert (
        report_of(world, "commune_clerk", world.commune_a_committee, after_deadline).figures[
            "letters_overdue"
        ]
        == 1
    )


@pytest.mark.parametrize("more", [False, True])
def test_the_number_of_queries_does_not_grow_with_the_rows(world, more, django_assert_num_queries):
    _link, campaign = year_in_commune_a(world)
    if more:
        rows_elsewhere(world, campaign)
    report_of(world, "provincial_officer", world.province)  # warm the role cache

    with CaptureQueriesContext(connection) as queries:
        report_of(world, "provincial_officer", world.province)

    # the tree of the day (organizations, their later events, children); the link,
    # member, meeting, comment and notice figures and the book's problems from the
    # maintained counts (ADR 0022)
    assert len(queries) == 8


def test_workplace_report_counts_its_side_of_the_link(world):
    year_in_commune_a(world)

    report = report_of(world, "workplace_officer", world.workplace)

    figures = report.figures
    assert (figures["working_members"], figures["classified_normal"]) == (1, 1)
    assert (figures["letters_issued"], figures["active_links"]) == (1, 1)
    assert (figures["comments_requested"], figures["comments_returned"]) == (1, 1)
    assert (figures["notices_sent"], figures["notices_needing_answer"]) == (1, 1)
    # Meetings belong to the residential cells, outside the workplace's subtree.
    assert (figures["meetings_held"], figures["cells_with_links"]) == (0, 0)
    ((child, row),) = report.children
    assert child == world.workplace_cell
    assert (row["working_members"], row["active_links"], row["comments_returned"]) == (1, 1, 1)


def test_province_report_counts_the_books_problems_and_each_familys_child_figures(world):
    _link, campaign = year_in_commune_a(world)
    rows_elsewhere(world, campaign)

    report = report_of(world, "provincial_officer", world.province)

    # member_b1 (cell B1) has no decision; the Sở Y tế worker is category A, never introduced.
    assert report.problems == {
        "unclassified": 1,
        "not_introduced": 1,
        "overdue_letters": 0,
        "several_open_links": 0,
        "links_without_commune": 0,
        "links_to_ended_organizations": 0,
        "workplace_mismatch": 0,
        "expired_category_b": 0,
    }
    rows = {child.name: figures for child, figures in report.children}
    assert {name: rows["Đảng bộ xã Lâm Bình"][name] for name in FIGURES} == {
        "working_members": 1,
        "classified_normal": 0,
        "classified_a": 0,
        "classified_b": 0,
        "letters_issued": 1,
        "letters_received": 1,
        "letters_returned": 0,
        "letters_overdue": 0,
        "active_links": 1,
        "moved_in": 1,
        "moved_out": 0,
        "cells_with_links": 1,
        "meetings_required": 2,
        "meetings_held": 1,
        "cells_meeting_requirement": 0,
        "attendance_invited": 1,
        "attendance_present": 0,
        "attendance_rate": 0.0,
        "comments_requested": 1,
        "comments_returned": 1,
        "comments_returned_on_time": 0,
        "good_example": 1,
        "good_example_share": 100.0,
        "recommend_commend": 0,
        "recommend_consider_handling": 0,
        "recommend_followed_up": 0,
        "recommend_awaiting_follow_up": 0,
        "cells_uniform_ratings": 1,
        "notices_sent": 1,
        "notices_acknowledged": 0,
        "notices_needing_answer": 1,
        "notices_answered_on_time": 0,
        # the cast's roles were granted today, after the year (ADR 0015)
        "staff_to_train": 0,
        "staff_trained": 0,
        "staff_trained_share": None,
    }
    # The workplace side counts both members' links, comments and notices.
    workplace = rows["Đảng bộ Sở Giáo dục và Đào tạo"]
    assert (
        workplace["working_members"],
        workplace["active_links"],
        workplace["comments_returned"],
        workplace["notices_sent"],
        workplace["meetings_held"],
        workplace["cells_with_links"],
    ) == (2, 2, 2, 2, 0, 0)
