"""Forbidden steps are refused with a clear reason and change nothing."""

import datetime

import pytest

from lienhe213.core.errors import DomainError, StepRefused
from lienhe213.registry import services
from lienhe213.registry.tests.conftest import MONDAY, book_state, classify, link_at

DAY = datetime.timedelta(days=1)


def refused(call, message, refusal=DomainError):
    before = book_state()
    with pytest.raises(refusal) as caught:
        call()
    assert str(caught.value) == message
    assert book_state() == before


def side_refused(call, message):
    """A step of a link taken by a user who is not its side: 403 wherever it is asked."""
    refused(call, message, StepRefused)


def issue(world, by=None, member=None, workplace=None, **kw):
    return lambda: services.issue_letter(
        by=by or world.workplace_officer,
        workplace=workplace or world.workplace,
        member=member or world.member_w1,
        issued_on=MONDAY,
        **kw,
    )


def test_issuing_to_a_category_b_member(world):
    services.record_exemption(
        by=world.root_user,
        member=world.member_w1,
        category="b",
        reason="remote_post",
        decided_by=world.workplace,
        decided_on=MONDAY,
    )
    refused(issue(world), "“Nguyễn Văn Đức” is exempt from introduction (category B).")


def test_issuing_to_an_unclassified_member(world):
    refused(issue(world), "“Nguyễn Văn Đức” is not yet classified: record the decision first.")


def test_issuing_a_second_open_link(world, issued):
    refused(issue(world), "“Nguyễn Văn Đức” already has an open residence link.")


def test_issuing_to_a_member_outside_the_issuers_subtree(world):
    classify(world, world.member_b1, workplace=world.commune_b_committee)
    refused(
        issue(world, member=world.member_b1),
        "“Lò Văn Pọm” is not a member of “Đảng bộ Sở Giáo dục và Đào tạo”.",
    )


@pytest.mark.parametrize("who", ["commune_clerk", "secretary_a2", "stranger", "other_clerk"])
def test_issuing_outside_ones_side(world, who):
    classify(world)
    refused(
        issue(world, by=world.user(who)),
        "You may not act for the workplace committee “Đảng bộ Sở Giáo dục và Đào tạo”.",
    )


def test_issuing_from_a_cell_that_is_not_grassroots(world):
    classify(world)
    refused(
        issue(world, by=world.root_user, workplace=world.workplace_cell),
        "“Chi bộ Văn phòng Sở” is not a grassroots committee or grassroots cell.",
    )


def test_issuing_to_a_cell_as_if_it_were_a_commune(world):
    classify(world)
    refused(
        issue(world, residence_commune=world.cell_a1),
        "“Chi bộ tổ 1” is not a current commune committee.",
    )


def test_bulk_issue_is_all_or_nothing(world):
    classify(world)
    refused(
        lambda: services.issue_letters(
            by=world.root_user,
            workplace=world.workplace,
            members=[world.member_w1, world.member_b1],
            issued_on=MONDAY,
        ),
        "“Lò Văn Pọm” is not a member of “Đảng bộ Sở Giáo dục và Đào tạo”.",
    )


def test_exemption_reason_must_fit_the_category(world):
    refused(
        lambda: services.record_exemption(
            by=world.root_user,
            member=world.member_w1,
            category="b",
            reason="mobile_work",
            decided_by=world.workplace,
            decided_on=MONDAY,
        ),
        "This reason does not fit the category.",
    )


def test_exemption_of_a_linked_member_goes_through_the_link(world, issued):
    refused(
        lambda: services.record_exemption(
            by=world.root_user,
            member=world.member_w1,
            category="a",
            reason="mobile_work",
            decided_by=world.workplace,
            decided_on=MONDAY,
        ),
        "The member has an open residence link: record the exemption on the link.",
    )


def test_classifying_outside_ones_side(world):
    refused(
        lambda: services.classify_member(
            by=world.commune_clerk,
            member=world.member_w1,
            decided_by=world.workplace,
            decided_on=MONDAY,
        ),
        "You may not act for the workplace committee “Đảng bộ Sở Giáo dục và Đào tạo”.",
    )


def test_receiving_a_returned_letter(world, issued):
    services.return_letter(by=world.commune_clerk, link=issued, returned_on=MONDAY, reason="x")
    refused(
        lambda: services.receive_letter(by=world.commune_clerk, link=issued, received_on=MONDAY),
        "This letter was returned; it can no longer be received.",
    )


def test_receiving_a_closed_letter(world, issued):
    services.end_link_for_departure(
        by=world.workplace_officer, link=issued, ended_on=MONDAY, reason="left_party"
    )
    refused(
        lambda: services.receive_letter(by=world.commune_clerk, link=issued, received_on=MONDAY),
        "This link is closed; its letter can no longer be received.",
    )


def test_receiving_twice(world):
    link = link_at(world, "received")
    refused(
        lambda: services.receive_letter(by=world.commune_clerk, link=link, received_on=MONDAY),
        "This letter was already received on 10/03/2025.",
    )


@pytest.mark.parametrize("who", ["other_clerk", "workplace_officer", "secretary_a2", "stranger"])
def test_receiving_outside_ones_side(world, issued, who):
    side_refused(
        lambda: services.receive_letter(by=world.user(who), link=issued, received_on=MONDAY),
        "You may not act for the commune committee “Đảng bộ phường Hà Giang 1”.",
    )


def test_receiving_before_the_letter_was_issued(world, issued):
    refused(
        lambda: services.receive_letter(
            by=world.commune_clerk, link=issued, received_on=MONDAY - DAY
        ),
        "The date may not be before 03/03/2025.",
    )


def test_a_stale_version_is_refused(world, issued):
    services.record_presentation(by=world.commune_clerk, link=issued, presented_on=MONDAY)
    refused(
        lambda: services.receive_letter(
            by=world.commune_clerk, link=issued, received_on=MONDAY, version=1
        ),
        "This entry was changed by someone else meanwhile. Reload it and try again.",
    )


def test_assigning_to_a_cell_of_another_commune(world):
    link = link_at(world, "received")
    refused(
        lambda: services.assign_to_cell(
            by=world.root_user, link=link, cell=world.cell_b1, assigned_on=MONDAY + 10 * DAY
        ),
        "“Chi bộ thôn Nà Tông” is not a current residential cell of “Đảng bộ phường Hà Giang 1”.",
    )


def test_assigning_before_receipt(world, issued):
    refused(
        lambda: services.assign_to_cell(
            by=world.commune_clerk, link=issued, cell=world.cell_a2, assigned_on=MONDAY
        ),
        "Only a received letter can be assigned to a cell; this link is issued.",
    )


def test_returning_without_a_reason(world, issued):
    refused(
        lambda: services.return_letter(
            by=world.commune_clerk, link=issued, returned_on=MONDAY, reason="   "
        ),
        "Give the reason for returning the letter.",
    )


def test_returning_an_active_link(world):
    link = link_at(world, "active")
    refused(
        lambda: services.return_letter(
            by=world.commune_clerk, link=link, returned_on=MONDAY + 20 * DAY, reason="x"
        ),
        "Only a letter not yet assigned to a cell can be returned; this link is active.",
    )


@pytest.mark.parametrize("who", ["secretary_a1", "commune_clerk", "workplace_officer"])
def test_acknowledging_outside_ones_cell(world, who):
    link = link_at(world, "assigned")
    side_refused(
        lambda: services.acknowledge_link(
            by=world.user(who), link=link, acknowledged_on=MONDAY + 20 * DAY
        ),
        "You may not act for the residential cell “Chi bộ tổ 2”.",
    )


def test_acknowledging_an_unassigned_link(world):
    link = link_at(world, "received")
    refused(
        lambda: services.acknowledge_link(
            by=world.secretary_a2, link=link, acknowledged_on=MONDAY + 20 * DAY
        ),
        "Only a link assigned to a cell can be acknowledged; this link is received by the commune.",
    )


def test_moving_a_closed_link(world, issued):
    services.end_link_for_departure(
        by=world.workplace_officer, link=issued, ended_on=MONDAY, reason="died"
    )
    refused(
        lambda: services.move_residence(
            by=world.workplace_officer,
            link=issued,
            moved_on=MONDAY + DAY,
            residence_commune=world.commune_b_committee,
        ),
        "This link is closed; only an open link can change.",
    )


def test_moving_by_the_residence_side(world, issued):
    side_refused(
        lambda: services.move_residence(
            by=world.commune_clerk,
            link=issued,
            moved_on=MONDAY + DAY,
            residence_commune=world.commune_b_committee,
        ),
        "You may not act for the workplace committee “Đảng bộ Sở Giáo dục và Đào tạo”.",
    )


def test_changing_workplace_before_the_formal_transfer(world, issued):
    refused(
        lambda: services.change_workplace(
            by=world.root_user,
            link=issued,
            workplace=world.commune_b_committee,
            changed_on=MONDAY + DAY,
        ),
        "Transfer “Nguyễn Văn Đức” formally to “Đảng bộ xã Lâm Bình” first.",
    )


def test_retiring_needs_rights_over_the_cell_too(world):
    link = link_at(world, "active")
    refused(
        lambda: services.retire_member(
            by=world.workplace_officer, link=link, retired_on=MONDAY + 30 * DAY, member_version=None
        ),
        "The transfer moves the member to “Chi bộ tổ 2”: you may not manage its members.",
    )


def test_retiring_before_assignment(world, issued):
    refused(
        lambda: services.retire_member(
            by=world.root_user, link=issued, retired_on=MONDAY + 30 * DAY, member_version=None
        ),
        "The member can transfer to the residence only once assigned to a cell.",
    )


def test_retiring_with_a_stale_member_version_rolls_back_the_link(world):
    link = link_at(world, "active")
    refused(
        lambda: services.retire_member(
            by=world.root_user, link=link, retired_on=MONDAY + 30 * DAY, member_version=99
        ),
        "This record was changed by someone else meanwhile. Reload it and try again.",
    )


def test_departure_needs_a_departure_reason(world, issued):
    refused(
        lambda: services.end_link_for_departure(
            by=world.workplace_officer, link=issued, ended_on=MONDAY, reason="moved_residence"
        ),
        "Choose whether the member left the party or died.",
    )


def test_remapping_by_a_commune_clerk(world, issued):
    refused(
        lambda: services.remap_links(
            by=world.commune_clerk,
            source=world.commune_a_committee,
            commune=world.commune_b_committee,
            effective_on=MONDAY,
        ),
        "You may not re-map the links of “Đảng bộ phường Hà Giang 1”.",
    )


def test_remapping_a_cell_without_a_target_cell(world):
    link_at(world, "active")
    refused(
        lambda: services.remap_links(
            by=world.provincial_officer,
            source=world.cell_a2,
            commune=world.commune_a_committee,
            effective_on=MONDAY,
        ),
        "Choose the cell the links move to.",
    )


def test_receiving_at_a_merged_commune(world, issued):
    world.commune_a_committee.valid_until = world.commune_a_committee.valid_from
    world.commune_a_committee.save()
    refused(
        lambda: services.receive_letter(by=world.root_user, link=issued, received_on=MONDAY),
        "“Đảng bộ phường Hà Giang 1” no longer exists: re-map the link to its successor first.",
    )
