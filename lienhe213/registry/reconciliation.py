"""No member lost: the reconciliation of the tracking book at a given date.

At every date each working member should be in exactly one of: an active link, a
pending letter within its deadline, a valid category-B exemption, or flagged as not yet
classified. ``reconcile`` lists every way the book departs from that, for one
organization's subtree (either side) or the whole database, in a fixed number of
queries (one per kind of problem, whatever the number of members).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization
from lienhe213.organizations.queries import paths_condition
from lienhe213.registry.models import Category, ExemptionDecision, ResidenceLink
from lienhe213.registry.queries import (
    ExemptionDecisionQuerySet,
    ResidenceLinkQuerySet,
    link_scope_condition,
)


@dataclass
class Finding:
    """One kind of problem: the ids of the rows concerned (``object_type`` says which
    table) and whether it breaks an invariant that must never break."""

    kind: str
    label: str | Promise
    object_type: str
    ids: list[int] = field(default_factory=list)
    must_never_break: bool = False

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass
class BookCheck:
    on: datetime.date
    findings: dict[str, Finding]

    @property
    def is_clean(self) -> bool:
        return not any(f.ids for f in self.findings.values())

    @property
    def broken_invariants(self) -> list[Finding]:
        return [f for f in self.findings.values() if f.must_never_break and f.ids]

    def counts(self) -> dict[str, int]:
        return {kind: f.count for kind, f in self.findings.items()}


# The kinds, in the order a worklist shows them.
UNCLASSIFIED = "unclassified"
NOT_INTRODUCED = "not_introduced"
OVERDUE = "overdue_letters"
SEVERAL_OPEN = "several_open_links"
WITHOUT_COMMUNE = "links_without_commune"
ENDED_ORGANIZATION = "links_to_ended_organizations"
WORKPLACE_MISMATCH = "workplace_mismatch"
EXPIRED_B = "expired_category_b"

KINDS = (
    UNCLASSIFIED,
    NOT_INTRODUCED,
    OVERDUE,
    SEVERAL_OPEN,
    WITHOUT_COMMUNE,
    ENDED_ORGANIZATION,
    WORKPLACE_MISMATCH,
    EXPIRED_B,
)

# Invariants that must never break: the database itself forbids them (partial unique
# index, NOT NULL), so a finding means the data was written around the application.
NEVER_BREAK = {SEVERAL_OPEN, WITHOUT_COMMUNE}


def _ids(qs: "models.QuerySet[models.Model, int]") -> list[int]:
    """The ids of ``qs``, in order: sorted here, not by the table's default ordering."""
    return sorted(set(qs.order_by()))


@dataclass(frozen=True)
class _Book:
    """The part of the book a reconciliation reads on ``on``: the members whose party
    unit is in the subtree and the links either side of which is there (or all)."""

    on: datetime.date
    members: "models.QuerySet[Member]"
    links: ResidenceLinkQuerySet

    @property
    def working(self) -> "models.QuerySet[Member]":
        return self.members.filter(employment=Member.Employment.WORKING)

    @property
    def open_links(self) -> ResidenceLinkQuerySet:
        return self.links.open()

    @property
    def in_force(self) -> ExemptionDecisionQuerySet:
        return ExemptionDecision.objects.in_force(on=self.on)

    @property
    def with_open_link(self) -> "models.QuerySet[ResidenceLink, Any]":
        """The members with an open link anywhere, in or out of the subtree."""
        return ResidenceLink.objects.open().values("member_id")


def reconcile(*, on: datetime.date, organization: Organization | None = None) -> BookCheck:
    """The problems of the book on ``on``, for ``organization``'s subtree (members whose
    party unit is there and links either side of which is there) or everything."""
    members = Member.objects.all()
    links = ResidenceLink.objects.all()
    if organization is not None:
        paths = [organization.path]
        links = links.filter(link_scope_condition(paths))
        members = members.filter(paths_condition("unit_path", paths))
    book = _Book(on=on, members=members, links=links)
    findings = [find(book) for find in FINDERS]
    return BookCheck(on=on, findings={f.kind: f for f in findings})


def _unclassified(book: _Book) -> Finding:
    return Finding(
        UNCLASSIFIED,
        _("Working members not yet classified"),
        "member",
        _ids(
            book.working.filter(pk__not_among=book.in_force.values("member_id"))
            .filter(pk__not_among=book.with_open_link)
            .values_list("pk", flat=True)
        ),
    )


def _not_introduced(book: _Book) -> Finding:
    normal_or_a = book.in_force.filter(category__in=[Category.NORMAL, Category.A])
    return Finding(
        NOT_INTRODUCED,
        _("Members to introduce: classified normal or A, without an open link"),
        "member",
        _ids(
            book.working.filter(pk__in=normal_or_a.values("member_id"))
            .filter(pk__not_among=book.in_force.filter(category=Category.B).values("member_id"))
            .filter(pk__not_among=book.with_open_link)
            .values_list("pk", flat=True)
        ),
    )


def _overdue(book: _Book) -> Finding:
    return Finding(
        OVERDUE,
        _("Letters past their deadline"),
        "link",
        _ids(book.links.overdue(on=book.on).values_list("pk", flat=True)),
    )


def _several_open(book: _Book) -> Finding:
    return Finding(
        SEVERAL_OPEN,
        _("Members with more than one open link"),
        "member",
        _ids(
            book.open_links.values("member_id")
            .annotate(n=models.Count("pk"))
            .filter(n__gt=1)
            .values_list("member_id", flat=True)
        ),
        must_never_break=True,
    )


def _without_commune(book: _Book) -> Finding:
    return Finding(
        WITHOUT_COMMUNE,
        _("Open links without a commune committee"),
        "link",
        _ids(
            book.open_links.filter(residence_commune_organization__isnull=True).values_list(
                "pk", flat=True
            )
        ),
        must_never_break=True,
    )


def _ended_organization(book: _Book) -> Finding:
    on = book.on
    return Finding(
        ENDED_ORGANIZATION,
        _("Open links held by an organization that no longer exists"),
        "link",
        _ids(
            book.open_links.filter(
                models.Q(residence_commune_organization__valid_until__lt=on)
                | models.Q(residence_cell__valid_until__lt=on)
                | models.Q(workplace_organization__valid_until__lt=on)
            ).values_list("pk", flat=True)
        ),
    )


def _workplace_mismatch(book: _Book) -> Finding:
    return Finding(
        WORKPLACE_MISMATCH,
        _("Open links whose workplace no longer holds the member's party unit"),
        "link",
        _ids(
            book.open_links.exclude(
                member__unit_path__startswith=models.F("workplace_organization__path")
            ).values_list("pk", flat=True)
        ),
    )


def _expired_b(book: _Book) -> Finding:
    return Finding(
        EXPIRED_B,
        _("Category B exemptions past their validity, not reviewed"),
        "decision",
        _ids(
            ExemptionDecision.objects.not_revoked()
            .filter(category=Category.B, valid_until__lt=book.on, member__in=book.working)
            .filter(member__not_among=book.in_force.values("member_id"))
            .values_list("pk", flat=True)
        ),
    )


# One finder per kind, in the order a worklist shows them.
FINDERS: tuple[Callable[[_Book], Finding], ...] = (
    _unclassified,
    _not_introduced,
    _overdue,
    _several_open,
    _without_commune,
    _ended_organization,
    _workplace_mismatch,
    _expired_b,
)
