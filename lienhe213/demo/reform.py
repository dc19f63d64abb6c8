"""The 1 July 2025 restructuring of a preset built on the pre-2025 tree, applied through
the services a province would use (``organizations.services``, ``registry.services``).

The plan's rows are drawn on the old tree from 2020 to today. On the day of the reform:
the province's new committee is founded and the old one merges into it (its district
and workplace superior committees move under it); each 2025 commune's committee is
founded; each old commune's open links are re-mapped to the committee of its 2025
commune and the old committee merges into it, its cells moving along (the cells of a
split commune's communities that went elsewhere move there first, with their members'
links); the communities, cells and members' addresses are carried to the 2025 commune,
and a cell whose community was renamed to stay distinct takes the new name; the district
committees, left without units, are dissolved; committees renamed that day are renamed.

What the services cannot do is decide where a row that the plan dated after the reform
belongs: a letter issued, a notice sent or a campaign opened on or after 1 July 2025
was addressed in the plan to the old committee, because the plan knows only the old
tree. Before the services run, those rows are re-addressed here to the committee that
exists on their date, as if they had been written after the reform.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from lienhe213.accounts.models import User
from lienhe213.comments.models import CommentCampaign
from lienhe213.demo.plans import Plan, ReformSpec, _committee_name
from lienhe213.members.models import Member
from lienhe213.notices.models import Notice, NoticeReply
from lienhe213.organizations import services as orgs
from lienhe213.organizations.models import AdministrativeUnit, Community, Organization
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.reconciliation import reconcile
from lienhe213.registry.services import remap_links


@dataclass
class ReformResult:
    province: int  # id of the founded provincial committee
    committees: dict[int, int]  # old commune committee (plan index) -> its 2025 committee id
    founded: int = 0
    merged: int = 0
    moved: int = 0
    dissolved: int = 0
    renamed: int = 0
    links_remapped: int = 0
    rows_readdressed: int = 0
    members_carried: int = 0
    # The book counted the day before and after (``book_counts``): nothing may be lost.
    before: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)


def book_counts(on: datetime.date) -> dict[str, int]:
    """What the restructuring must keep: the members, the links and the open ones, and
    ``check_book``'s findings on ``on`` (the broken invariants and the links held by an
    ended organization must be none)."""
    check = reconcile(on=on)
    return {
        "members": Member.objects.count(),
        "links": ResidenceLink.objects.count(),
        "open_links": ResidenceLink.objects.open().count(),
        "broken_invariants": sum(f.count for f in check.broken_invariants),
        **{f"check_{kind}": count for kind, count in check.counts().items()},
    }


def apply_reform(
    plan: Plan, org_ids: list[int], community_ids: list[int], *, by: User
) -> ReformResult:
    reform = plan.reform
    assert reform is not None
    day = reform.on
    before = book_counts(day - datetime.timedelta(days=1))
    units = {
        u.code: u
        for u in AdministrativeUnit.objects.filter(
            code__in=[reform.province_unit, *(code for code, _n, _t in reform.communes)]
        )
    }
    old_root = Organization.objects.get(pk=org_ids[0])
    province = orgs.create_organization(
        by=by,
        name=reform.province_name,
        kind=Organization.Kind.PROVINCIAL_COMMITTEE,
        side=Organization.Side.BOTH,
        parent=None,
        administrative_unit=units[reform.province_unit],
        valid_from=day,
    )
    orgs.merge_organizations(by=by, absorbed=old_root, into=province, effective_date=day)
    founded = {
        code: orgs.create_organization(
            by=by,
            name=_committee_name(name),
            kind=Organization.Kind.GRASSROOTS_COMMITTEE,
            side=Organization.Side.RESIDENTIAL,
            parent=province,
            administrative_unit=units[code],
            valid_from=day,
        )
        for code, name, _type in reform.communes
    }
    result = ReformResult(
        province=province.pk,
        committees={i: founded[code].pk for i, code in reform.successor.items()},
        founded=1 + len(founded),
        merged=1,
    )
    target = _targets(plan, reform, org_ids, community_ids, founded)
    result.rows_readdressed = _readdress(day, target, province)
    cell_of = {
        spec.community: i
        for i, spec in enumerate(plan.organizations)
        if spec.kind == "cell" and spec.community is not None
    }
    for old_index, code in reform.successor.items():
        old = Organization.objects.select_related("administrative_unit").get(pk=org_ids[old_index])
        old_unit = old.administrative_unit
        assert old_unit is not None
        renamed: dict[int, tuple[str, str]] = {}
        for community, other in reform.community_successor.items():
            if plan.communities[community].commune != plan.organizations[old_index].commune:
                continue
            cell = Organization.objects.get(pk=org_ids[cell_of[community]])
            orgs.move_organization(
                by=by, organization=cell, new_parent=founded[other], effective_date=day
            )
            stored = Community.objects.get(pk=community_ids[community])
            result.links_remapped += len(
                remap_links(
                    by=by, source=old, commune=founded[other], effective_on=day, community=stored
                )
            )
            carried = orgs.carry_residences(
                by=by,
                old_unit=old_unit,
                committee=founded[other],
                effective_date=day,
                community=stored,
            )
            renamed |= carried["renamed"]
            result.members_carried += carried["members"]
            result.moved += 1
        result.links_remapped += len(
            remap_links(by=by, source=old, commune=founded[code], effective_on=day)
        )
        orgs.merge_organizations(by=by, absorbed=old, into=founded[code], effective_date=day)
        carried = orgs.carry_residences(
            by=by, old_unit=old_unit, committee=founded[code], effective_date=day
        )
        renamed |= carried["renamed"]
        result.members_carried += carried["members"]
        result.merged += 1
        result.renamed += _rename_cells(by, renamed, day)
    for district in Organization.objects.current().filter(
        parent=province, kind=Organization.Kind.DISTRICT_COMMITTEE
    ):
        orgs.dissolve_organization(by=by, organization=district, effective_date=day)
        result.dissolved += 1
    for then, now in reform.renames.items():
        for committee in Organization.objects.current().filter(parent=province, name=then):
            orgs.rename_organization(by=by, organization=committee, name=now, effective_date=day)
            result.renamed += 1
    result.before = before
    result.after = book_counts(day - datetime.timedelta(days=1))
    kept = ("members", "links", "open_links")
    lost = [k for k in kept if result.after[k] != before[k]]
    broken = result.after["broken_invariants"] + result.after["check_links_to_ended_organizations"]
    if lost or broken:
        # The seed runs in one transaction: raising leaves the database as it was.
        raise RuntimeError(f"the restructuring lost {lost} or broke {broken} rows")
    return result


def _rename_cells(by: User, renamed: dict[int, tuple[str, str]], day: datetime.date) -> int:
    """A cell named after its community follows the community's new name."""
    count = 0
    for cell in Organization.objects.current().filter(
        kind=Organization.Kind.CELL, community_id__in=list(renamed)
    ):
        old_name, new_name = renamed[cell.community_id or 0]
        wanted = "Chi bộ " + new_name[:1].lower() + new_name[1:]
        if cell.name == "Chi bộ " + old_name[:1].lower() + old_name[1:]:
            orgs.rename_organization(by=by, organization=cell, name=wanted, effective_date=day)
            count += 1
    return count


def _targets(
    plan: Plan,
    reform: ReformSpec,
    org_ids: list[int],
    community_ids: list[int],
    founded: dict[str, Organization],
) -> dict[tuple[int, int | None], int]:
    """(old commune committee id, community id or None) -> the 2025 committee's id."""
    target: dict[tuple[int, int | None], int] = {}
    for old_index, code in reform.successor.items():
        target[(org_ids[old_index], None)] = founded[code].pk
    for community, other in reform.community_successor.items():
        old_index = next(
            i
            for i in reform.successor
            if plan.organizations[i].commune == plan.communities[community].commune
        )
        target[(org_ids[old_index], community_ids[community])] = founded[other].pk
    return target


def _readdress(
    day: datetime.date, target: dict[tuple[int, int | None], int], province: Organization
) -> int:
    """Rows the plan dated on or after the reform but addressed to an old committee: the
    letters issued, the notices and replies sent, the campaigns opened."""
    old_ids = {old for old, _community in target}

    def successor(old: int, community: int | None) -> int:
        return target.get((old, community)) or target[(old, None)]

    # (model, field, new committee) -> the rows to point there, one UPDATE each.
    moves: dict[tuple[Any, str, int], list[int]] = defaultdict(list)
    for link_id, old, community in ResidenceLink.objects.filter(
        issued_on__gte=day, residence_commune_organization_id__in=old_ids
    ).values_list("pk", "residence_commune_organization_id", "member__residence_community_id"):
        moves[
            (ResidenceLink, "residence_commune_organization_id", successor(old, community))
        ].append(link_id)
    notices = Notice.objects.filter(sent_on__gte=day).filter(
        Q(sender_id__in=old_ids) | Q(recipient_id__in=old_ids)
    )
    for notice in notices.values(
        "pk", "sender_id", "recipient_id", "member__residence_community_id"
    ):
        for side in ("sender_id", "recipient_id"):
            if notice[side] in old_ids:
                new = successor(notice[side], notice["member__residence_community_id"])
                moves[(Notice, side, new)].append(notice["pk"])
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    for pk, old, community in NoticeReply.objects.filter(
        at__gte=start, organization_id__in=old_ids
    ).values_list("pk", "organization_id", "notice__member__residence_community_id"):
        moves[(NoticeReply, "organization_id", successor(old, community))].append(pk)
    count = 0
    for (model, field_name, new), pks in moves.items():
        for begin in range(0, len(pks), 500):
            count += model.objects.filter(pk__in=pks[begin : begin + 500]).update(
                **{field_name: new}
            )
    count += CommentCampaign.objects.filter(opens_on__gte=day).update(province=province)
    return count
