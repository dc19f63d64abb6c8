"""Reusable reads of the tracking book: open links, overdue letters, decisions in force,
and the scoping of links to both sides."""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models

from lienhe213.organizations.queries import paths_condition

if TYPE_CHECKING:
    from lienhe213.accounts.access import AnyUser
    from lienhe213.organizations.models import Organization
    from lienhe213.registry.models import ExemptionDecision, ResidenceLink  # noqa: F401

OPEN_STATUSES = ("issued", "received", "assigned", "active")


def _organizations_under(paths: Iterable[str]) -> "models.QuerySet[Organization, Any]":
    from lienhe213.organizations.models import Organization

    return Organization.objects.filter(paths_condition("path", paths)).values("pk")


def link_scope_condition(paths: Iterable[str], prefix: str = "") -> models.Q:
    """Links that either side under ``paths`` holds: the workplace committee, the
    residence commune or cell, or the member's formal party unit lies in a subtree.

    Written as ``<foreign key> IN (ids under the paths)`` rather than as path matches
    on joined rows, so each branch can start from the foreign key's index (ADR 0004).
    """
    from lienhe213.members.models import Member

    paths = list(paths)
    orgs = _organizations_under(paths)
    members = Member.objects.filter(paths_condition("unit_path", paths)).values("pk")
    return (
        models.Q(**{f"{prefix}workplace_organization__in": orgs})
        | models.Q(**{f"{prefix}residence_commune_organization__in": orgs})
        | models.Q(**{f"{prefix}residence_cell__in": orgs})
        | models.Q(**{f"{prefix}member__in": members})
    )


# The sides a report's child row counts a link on (ADR 0008), for the lists behind it.
SIDES = ("residence", "workplace", "party_unit")
WORKPLACE_SIDE_FIELDS = {
    "workplace": "workplace_organization",
    "party_unit": "member__organization",
}


def side_condition(side: str, paths: Iterable[str], *, residence_prefix: str = "") -> models.Q:
    """Rows held on ``side`` (one of ``SIDES``) under ``paths``, as a report's child row
    counts them: ``residence`` by the link's residential cell, or its commune while no
    cell is assigned; ``workplace`` by the workplace committee; ``party_unit`` by the
    member's party unit. A comment request reaches its link's residence through
    ``residence_prefix`` and has its own workplace committee and member, which the
    report reads."""
    orgs = _organizations_under(paths)
    if side == "residence":
        cell = f"{residence_prefix}residence_cell"
        return models.Q(**{f"{cell}__in": orgs}) | models.Q(
            **{
                f"{cell}__isnull": True,
                f"{residence_prefix}residence_commune_organization__in": orgs,
            }
        )
    return models.Q(**{f"{WORKPLACE_SIDE_FIELDS[side]}__in": orgs})


# The steps of a link whose date a report counts in a period, and the field of each
# (ADR 0008): the report's figure and the tracking book's period filter both read them.
LINK_STEPS = {
    "issued": "issued_on",
    "received": "received_on",
    "returned": "returned_on",
    "moved_in": "acknowledged_on",
    "moved_out": "ended_on",
}


def step_in_period(step: str, start: datetime.date | None, end: datetime.date | None) -> models.Q:
    """Links whose ``step`` (a key of ``LINK_STEPS``) is dated from ``start`` to ``end``,
    both included; a missing end leaves that side open."""
    field = LINK_STEPS[step]
    condition = models.Q(**{f"{field}__isnull": False})
    if start is not None:
        condition &= models.Q(**{f"{field}__gte": start})
    if end is not None:
        condition &= models.Q(**{f"{field}__lte": end})
    return condition


def overdue_on_condition(on: datetime.date) -> models.Q:
    """Letters overdue as they stood on ``on``, rebuilt from the step dates: issued by
    then, deadline before it, and not received, returned or ended by then."""
    return (
        models.Q(issued_on__lte=on, deadline__lt=on)
        & (models.Q(received_on__isnull=True) | models.Q(received_on__gt=on))
        & (models.Q(returned_on__isnull=True) | models.Q(returned_on__gt=on))
        & (models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=on))
    )


def active_on_condition(on: datetime.date) -> models.Q:
    """Links active on ``on``: acknowledged by the cell by then and not ended by then."""
    return models.Q(acknowledged_on__lte=on) & (
        models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=on)
    )


class ResidenceLinkQuerySet(models.QuerySet["ResidenceLink"]):
    def open(self) -> "ResidenceLinkQuerySet":
        """Issued, received, assigned or active: the member is somewhere in the loop."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, *, on: datetime.date) -> "ResidenceLinkQuerySet":
        """Letters still not received by the commune after their deadline."""
        return self.filter(status="issued", deadline__lt=on)

    def waiting_for_receipt(self) -> "ResidenceLinkQuerySet":
        """Letters issued and not yet received: the commune committee's next step."""
        return self.filter(status="issued")

    def waiting_for_assignment(self) -> "ResidenceLinkQuerySet":
        """Received by the commune and not yet assigned to a cell: the commune's next step."""
        return self.filter(status="received")

    def waiting_for_acknowledgement(self) -> "ResidenceLinkQuerySet":
        """Assigned to a cell that has not yet taken the member in: the cell's next step."""
        return self.filter(status="assigned")

    def in_subtree(self, org: "Organization") -> "ResidenceLinkQuerySet":
        """Links either side of which lies in ``org``'s subtree."""
        return self.filter(link_scope_condition([org.path]))

    def at_residence(self, org: "Organization") -> "ResidenceLinkQuerySet":
        """Links held at the residence by ``org``'s subtree (its commune or its cells)."""
        orgs = _organizations_under([org.path])
        return self.filter(
            models.Q(residence_commune_organization__among=orgs)
            | models.Q(residence_cell__among=orgs)
        )

    def at_workplace(self, org: "Organization") -> "ResidenceLinkQuerySet":
        return self.filter(workplace_organization__in=_organizations_under([org.path]))

    def visible_to(self, user: "AnyUser") -> "ResidenceLinkQuerySet":
        """The one gatekeeper for reading links: both sides of a link see it (the
        workplace subtree and the residence subtree); a member sees their own."""
        from lienhe213.accounts import access

        if access.sees_everything(user):
            return self
        condition = link_scope_condition(access.scope_paths(user, access.Capability.VIEW_MEMBERS))
        own = access.own_member_id(user)
        if own is not None:
            condition |= models.Q(member_id=own)
        return self.filter(condition)


class ExemptionDecisionQuerySet(models.QuerySet["ExemptionDecision"]):
    def in_force(self, *, on: datetime.date) -> "ExemptionDecisionQuerySet":
        """Decisions that apply on ``on``: started, not expired, not revoked."""
        return self.filter(
            models.Q(valid_from__lte=on),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=on),
            models.Q(revoked_on__isnull=True) | models.Q(revoked_on__gt=on),
        )

    def governing(self, *, on: datetime.date) -> "ExemptionDecisionQuerySet":
        """The one decision that classifies each member on ``on``: in force then, and
        no later one in force (by start, then by recording order), as
        ``classifications_on`` reads it. A report's classification counts and the
        member list's category filter both read this."""
        from lienhe213.registry.models import ExemptionDecision

        later = ExemptionDecision.objects.in_force(on=on).filter(
            models.Q(valid_from__gt=models.OuterRef("valid_from"))
            | models.Q(valid_from=models.OuterRef("valid_from"), pk__gt=models.OuterRef("pk")),
            member_id=models.OuterRef("member_id"),
        )
        return self.in_force(on=on).exclude(models.Exists(later))

    def not_revoked(self) -> "ExemptionDecisionQuerySet":
        return self.filter(revoked_on__isnull=True)

    def visible_to(self, user: "AnyUser") -> "ExemptionDecisionQuerySet":
        """The gatekeeper for decisions: those about members ``user`` may see."""
        from lienhe213.members.models import Member

        return self.filter(member__in=Member.objects.visible_to(user).values("pk"))


def classifications_on(member_ids: Iterable[int], on: datetime.date) -> dict[int, str]:
    """``{member id: category}`` in force on ``on`` (one query). Where decisions
    overlap, the latest one (by start, then by recording order) wins; members without
    a decision in force are absent: not yet classified."""
    from lienhe213.registry.models import ExemptionDecision

    rows = (
        ExemptionDecision.objects.in_force(on=on)
        .filter(member_id__in=list(member_ids))
        .order_by("member_id", "valid_from", "id")
        .values_list("member_id", "category")
    )
    return dict(rows)  # later rows overwrite earlier ones
