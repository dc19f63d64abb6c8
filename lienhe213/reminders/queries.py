"""Reusable reads for the reminders: a user's own notifications, who is to be told
about an organization, and what is due on a day.

Every finder here is one set-based query over the whole database (correlated
subqueries on indexed foreign keys), so that ``run_due`` stays fast at the size of a
province; recipients are resolved in memory from one read of the role assignments.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from lienhe213.accounts.access import AnyUser, Capability
    from lienhe213.accounts.models import User
    from lienhe213.organizations.models import Organization
    from lienhe213.reminders.models import Notification  # noqa: F401

# How far ahead a reminder comes, in days, and when a cell is reminded to meet.
MEETING_SOON_DAYS = 3
REQUEST_SOON_DAYS = 7
# A returned proposal still without the workplace's follow-up this many days after the
# return is brought to the workplace officer.
FOLLOW_UP_DAYS = 30
NOTICE_SOON_DAYS = 3
MEETING_DUE_MONTHS = 5


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: "AnyUser") -> "NotificationQuerySet":
        """A user's own notifications only: nobody, not even a superuser, reads another
        person's reminders (they are that person's to-do list, not a record)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user_id=user.pk)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def undigested(self) -> "NotificationQuerySet":
        return self.filter(digested_at__isnull=True)


def _ancestor_paths(path: str) -> list[str]:
    """``"1.5.80."`` → ``["1.5.80.", "1.5.", "1."]``: the node's path, then its ancestors'."""
    parts = [part for part in path.split(".") if part]
    return [".".join(parts[:i]) + "." for i in range(len(parts), 0, -1)]


def users_with_capability_over(
    org: "Organization", capability: "Capability"
) -> "models.QuerySet[User]":
    """Active users holding ``capability`` over ``org`` through a role on ``org`` or on
    one of its ancestors (a role covers its organization's subtree)."""
    from lienhe213.accounts.access import ROLE_CAPABILITIES
    from lienhe213.accounts.models import RoleAssignment, User

    held = RoleAssignment.objects.filter(
        user=models.OuterRef("pk"),
        role__in=ROLE_CAPABILITIES[capability],
        organization__valid_until__isnull=True,
        organization__path__in=_ancestor_paths(org.path),
    )
    return User.objects.filter(models.Exists(held), is_active=True)


@dataclass
class RecipientIndex:
    """Who holds which role where, read once for a whole run (one query).

    ``nearest`` answers the question every reminder asks: who, closest to this
    organization, holds one of these roles over it? The services ask for the role whose
    job the step is (a cell's secretary, a commune's clerk, a workplace officer), so a
    cell without a secretary gets no routine reminder — its commune hears of it when the
    six months are up, and the province only through escalations.
    """

    holders: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "RecipientIndex":
        from lienhe213.accounts.models import RoleAssignment

        holders: dict[str, list[tuple[int, str]]] = defaultdict(list)
        rows = RoleAssignment.objects.filter(
            user__is_active=True, organization__valid_until__isnull=True
        ).values_list("organization__path", "user_id", "role")
        for path, user_id, role in rows:
            holders[path].append((user_id, role))
        return cls(holders=dict(holders))

    def nearest(self, path: str, roles: Iterable[str]) -> set[int]:
        wanted = set(roles)
        for ancestor in _ancestor_paths(path):
            found = {user for user, role in self.holders.get(ancestor, ()) if role in wanted}
            if found:
                return found
        return set()


def full_name(row: dict[str, Any], prefix: str = "member__") -> str:
    parts = (row[f"{prefix}family_name"], row[f"{prefix}middle_name"], row[f"{prefix}given_name"])
    return " ".join(p for p in parts if p)


MEMBER_NAME = ("member__family_name", "member__middle_name", "member__given_name")


def cells_due_for_meeting(*, on: datetime.date) -> list[dict[str, Any]]:
    """Current residential cells with active linked members whose last held meeting (up
    to ``on``) is more than five months old, or who never met: the six-month rule
    (docs/domain.md §4.3) comes due or is broken. Each row: pk, name, path, last_held_on,
    has_planned (a meeting is planned from ``on`` on)."""
    from lienhe213.meetings.models import Meeting
    from lienhe213.meetings.queries import months_before
    from lienhe213.organizations.models import Organization
    from lienhe213.registry.models import ResidenceLink

    held = Meeting.objects.filter(status="held", cell=models.OuterRef("pk"), date__lte=on)
    planned = Meeting.objects.filter(status="planned", cell=models.OuterRef("pk"), date__gte=on)
    active = ResidenceLink.objects.filter(residence_cell=models.OuterRef("pk"), status="active")
    return list(
        Organization.objects.current()
        .filter(kind="cell", side="residential")
        .filter(models.Exists(active))
        .annotate(
            last_held_on=models.Subquery(held.order_by("-date").values("date")[:1]),
            has_planned=models.Exists(planned),
        )
        .filter(
            models.Q(last_held_on__isnull=True)
            | models.Q(last_held_on__lt=months_before(on, MEETING_DUE_MONTHS))
        )
        .values("pk", "name", "path", "last_held_on", "has_planned")
    )


def invitations_soon(*, on: datetime.date) -> list[dict[str, Any]]:
    """Invitations to meetings planned in the next three days, for invited members who
    have an active account with the member role (they can open the meeting)."""
    from lienhe213.accounts.models import Role, RoleAssignment
    from lienhe213.meetings.models import Attendance

    member_role = RoleAssignment.objects.filter(
        user_id=models.OuterRef("member__user__id"), role=Role.MEMBER
    )
    rows = (
        Attendance.objects.filter(
            invited=True,
            meeting__status="planned",
            meeting__date__gte=on,
            meeting__date__lte=on + datetime.timedelta(days=MEETING_SOON_DAYS),
            member__user__is_active=True,
        )
        .filter(models.Exists(member_role))
        .values(
            "meeting_id",
            "meeting__date",
            "meeting__place",
            "meeting__cell__name",
            "member__user__id",
        )
    )
    return [dict(row) for row in rows]


def _request_rows(requests: "models.QuerySet[Any]") -> list[dict[str, Any]]:
    return list(
        requests.values(
            "pk",
            "status",
            "campaign__deadline",
            "link__residence_cell__path",
            "link__residence_commune_organization__path",
            *MEMBER_NAME,
        )
    )


def requests_due_soon(*, on: datetime.date) -> list[dict[str, Any]]:
    """Comment requests not yet returned whose campaign deadline falls in the next
    seven days."""
    from lienhe213.comments.models import CommentRequest

    return _request_rows(
        CommentRequest.objects.exclude(status__in=CommentRequest.RETURNED_STATUSES).filter(
            campaign__deadline__gte=on,
            campaign__deadline__lte=on + datetime.timedelta(days=REQUEST_SOON_DAYS),
        )
    )


def requests_escalated(*, on: datetime.date, since: datetime.datetime) -> list[dict[str, Any]]:
    """Requests past the deadline and escalated since ``since`` (the ones to tell the
    commune and the province about)."""
    from lienhe213.comments.models import CommentRequest

    return _request_rows(CommentRequest.objects.overdue(on=on).filter(escalated_at__gte=since))


def requests_awaiting_follow_up(*, on: datetime.date) -> list[dict[str, Any]]:
    """Proposals (commend / consider handling) returned to the workplace more than
    ``FOLLOW_UP_DAYS`` days before ``on`` and still without a recorded follow-up."""
    from django.utils import timezone

    from lienhe213.comments.models import CommentRequest

    day = on - datetime.timedelta(days=FOLLOW_UP_DAYS)
    before = datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())
    return list(
        CommentRequest.objects.awaiting_follow_up()
        .filter(comment__returned_at__lt=before)
        .values(
            "pk",
            "workplace_organization__path",
            "comment__recommendation",
            "comment__returned_at",
            *MEMBER_NAME,
        )
    )


def _notice_rows(notices: "models.QuerySet[Any]") -> list[dict[str, Any]]:
    return list(
        notices.values(
            "pk",
            "kind",
            "response_due",
            "recipient_id",
            "recipient__path",
            "recipient__kind",
            "link__workplace_organization_id",
            *MEMBER_NAME,
        )
    )


def notices_due_soon(*, on: datetime.date) -> list[dict[str, Any]]:
    """Notices waiting for an answer whose deadline falls in the next three days."""
    from lienhe213.notices.models import Notice

    return _notice_rows(
        Notice.objects.waiting().filter(
            response_due__gte=on,
            response_due__lte=on + datetime.timedelta(days=NOTICE_SOON_DAYS),
        )
    )


def notices_escalated(*, on: datetime.date, since: datetime.datetime) -> list[dict[str, Any]]:
    """Notices unanswered past their deadline and escalated since ``since``."""
    from lienhe213.notices.models import Notice

    return _notice_rows(Notice.objects.overdue(on=on).filter(escalated_at__gte=since))


def users_due_a_digest(*, day: datetime.date) -> list[int]:
    """Active users with an e-mail address, undigested notifications and no digest on
    ``day`` yet."""
    from lienhe213.accounts.models import User
    from lienhe213.reminders.models import Digest, Notification

    return list(
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            models.Exists(
                Notification.objects.filter(user=models.OuterRef("pk"), digested_at__isnull=True)
            )
        )
        .exclude(models.Exists(Digest.objects.filter(user=models.OuterRef("pk"), day=day)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def users_with_digest_waiting(*, task_path: str, day: str) -> set[int]:
    """Users whose digest task for ``day`` is still in the database queue (not yet run,
    or running). Empty with the immediate backend, which keeps no queue."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status__in=["READY", "RUNNING"], task_path=task_path
    ).values_list("args_kwargs", flat=True)
    return {
        int(row["kwargs"]["user_id"])
        for row in waiting
        if isinstance(row, dict) and row.get("kwargs", {}).get("day") == day
    }
