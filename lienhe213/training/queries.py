"""Reusable reads of training sessions: the gatekeeper, the order of the list, and the
people a session's audience names."""

import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When

from lienhe213.organizations.queries import paths_condition

if TYPE_CHECKING:
    from lienhe213.accounts.access import AnyUser
    from lienhe213.organizations.models import Organization
    from lienhe213.training.models import Invitation, TrainingSession  # noqa: F401

# The roles a session counts as "staff" (the indicator, the audiences of appointees).
STAFF_ROLES = ("cell_secretary", "commune_clerk")


def organizer_paths(user: "AnyUser") -> list[str]:
    """The tree paths under which ``user`` plans sessions and records attendance: a
    provincial officer's province, a commune clerk's commune, a workplace officer's
    workplace committee (and an administrator's subtree)."""
    from lienhe213.accounts.access import roles_of
    from lienhe213.training.access import ORGANIZER_ROLES

    paths = sorted({path for role, path in roles_of(user) if role in ORGANIZER_ROLES}, key=len)
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(shorter) for shorter in kept):
            kept.append(path)
    return kept


class TrainingSessionQuerySet(models.QuerySet["TrainingSession"]):
    def visible_to(self, user: "AnyUser") -> "TrainingSessionQuerySet":
        """The one gatekeeper for reading sessions: the organizer side (a role that
        plans sessions over the organizer) and the people invited to it."""
        from lienhe213.accounts.access import sees_everything
        from lienhe213.training.models import Invitation

        if sees_everything(user):
            return self
        if not user.is_authenticated or not user.is_active:
            return self.none()
        invited = Invitation.objects.filter(session=OuterRef("pk"), user_id=user.pk)
        return self.filter(
            paths_condition("organizer__path", organizer_paths(user)) | Q(Exists(invited))
        )

    def under(self, org: "Organization") -> "TrainingSessionQuerySet":
        return self.filter(organizer__path__under=org.path)

    def held_in(self, year: int) -> "TrainingSessionQuerySet":
        return self.filter(state="held", date__year=year)

    def upcoming_first(self, today: datetime.date) -> "TrainingSessionQuerySet":
        """Sessions from ``today`` on, soonest first, then the past ones, latest first."""
        return self.annotate(
            is_past=Case(When(date__lt=today, then=Value(1)), default=Value(0))
        ).order_by("is_past", Case(When(date__lt=today, then=None), default="date"), "-date", "pk")


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def attended(self) -> "InvitationQuerySet":
        return self.filter(attended=True)

    def trained_between(self, start: datetime.date, end: datetime.date) -> "InvitationQuerySet":
        """Attendance at a held session dated from ``start`` to ``end`` (a person
        counts as trained in a year when they attended a held session in it)."""
        return self.filter(
            attended=True, session__state="held", session__date__gte=start, session__date__lte=end
        )


def audience_users(
    organizer: "Organization", audience: str, year: int
) -> "models.QuerySet[Any, int]":
    """The ids of the active users a session's ``audience`` names over ``organizer``'s
    subtree (current organizations only), for a session in ``year``:

    - cell secretaries / commune clerks: holders of that role in the subtree;
    - newly appointed: holders of either role granted in ``year``;
    - newly introduced: users linked to members whose introduction letter was issued in
      ``year`` and whose link has a side in the subtree (``ResidenceLink.in_subtree``).
    """
    from lienhe213.accounts.models import RoleAssignment, User
    from lienhe213.registry.models import ResidenceLink
    from lienhe213.training.models import Audience

    if audience == Audience.NEWLY_INTRODUCED:
        links = ResidenceLink.objects.in_subtree(organizer).filter(issued_on__year=year)
        return (
            User.objects.filter(is_active=True, member__in=links.values("member_id"))
            .values_list("pk", flat=True)
            .distinct()
        )
    roles = {
        Audience.CELL_SECRETARIES: ("cell_secretary",),
        Audience.COMMUNE_CLERKS: ("commune_clerk",),
        Audience.NEWLY_APPOINTED: STAFF_ROLES,
    }[Audience(audience)]
    assignments = RoleAssignment.objects.filter(
        role__in=roles,
        user__is_active=True,
        organization__valid_until__isnull=True,
        organization__path__under=organizer.path,
    )
    if audience == Audience.NEWLY_APPOINTED:
        assignments = assignments.filter(granted_at__year=year)
    return assignments.values_list("user_id", flat=True).distinct()
