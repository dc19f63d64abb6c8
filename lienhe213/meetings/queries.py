"""Reusable reads of residence meetings: scoping, and the two flags of the six-month rule
(cells that have not met their members, members absent from their last two meetings).

Both flags take any organization as the scope — a cell, a commune committee or the
province — and are one bounded query each (correlated subqueries on indexed foreign
keys, no query per cell or member)."""

import calendar
import datetime
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import models

from lienhe213.organizations.queries import paths_condition

if TYPE_CHECKING:
    from lienhe213.accounts.access import AnyUser
    from lienhe213.meetings.models import Attendance, FollowUp, Meeting  # noqa: F401
    from lienhe213.organizations.models import Organization
    from lienhe213.organizations.queries import OrganizationQuerySet
    from lienhe213.registry.queries import ResidenceLinkQuerySet

MEETING_INTERVAL_MONTHS = 6
# The flags of a tracking book or a numbers page are kept this long per organization and
# day, as the dashboards (ADR 0010); a meeting's change forgets those of its cell and
# the cell's ancestors at once (``forget_meeting_flags``).
FLAGS_SECONDS = 5 * 60


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` earlier, clamped to the month's end (31/08 → 28/02)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def _cells_under(paths: list[str]) -> "models.QuerySet[Organization, Any]":
    from lienhe213.organizations.models import Organization

    return Organization.objects.filter(paths_condition("path", paths)).values("pk")


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def held(self) -> "MeetingQuerySet":
        return self.filter(status="held")

    def to_record(self, *, on: datetime.date) -> "MeetingQuerySet":
        """Planned meetings whose day has come (up to ``on``) and that are not yet
        marked held or cancelled: the attendance is waiting to be recorded."""
        return self.filter(status="planned", date__lte=on)

    def held_between(
        self, start: datetime.date | None, end: datetime.date | None
    ) -> "MeetingQuerySet":
        """Held meetings dated from ``start`` to ``end`` (both included; a missing end
        is open): a report's "meetings held" (the held-meetings page reads the same
        bounds through ``filters.MeetingFilter``)."""
        condition = models.Q()
        if start is not None:
            condition &= models.Q(date__gte=start)
        if end is not None:
            condition &= models.Q(date__lte=end)
        return self.held().filter(condition)

    def in_subtree(self, org: "Organization") -> "MeetingQuerySet":
        """Meetings of the cells in ``org``'s subtree (``org`` itself may be the cell)."""
        return self.filter(cell__in=_cells_under([org.path]))

    def visible_to(self, user: "AnyUser") -> "MeetingQuerySet":
        """The gatekeeper for meetings: the committees over the cell see them, and a
        member sees the meetings they have an attendance record in."""
        from lienhe213.accounts import access

        if access.sees_everything(user):
            return self
        paths = access.scope_paths(user, access.Capability.VIEW_ORGANIZATIONS)
        condition = models.Q(cell__in=_cells_under(paths))
        own = access.own_member_id(user)
        if own is not None:
            from lienhe213.meetings.models import Attendance

            condition |= models.Q(
                pk__in=Attendance.objects.filter(member_id=own).values("meeting_id")
            )
        return self.filter(condition)

    def with_attendance_of(self, member_id: int) -> "MeetingQuerySet":
        """Each meeting with ``member_attendance``: the member's recorded status
        (present / excused / absent / unknown), or None when they had no record."""
        from lienhe213.meetings.models import Attendance

        status = Attendance.objects.filter(
            meeting_id=models.OuterRef("pk"), member_id=member_id
        ).values("status")[:1]
        return self.annotate(member_attendance=models.Subquery(status))

    def attendance_record(
        self, *, member_id: int, cell_id: int, on: datetime.date, months: int = 12
    ) -> "MeetingQuerySet":
        """The held meetings of the cell in the ``months`` up to ``on``, newest first,
        each with the member's attendance (the evidence a comment is written on)."""
        return (
            self.held()
            .filter(cell_id=cell_id, date__gt=months_before(on, months), date__lte=on)
            .with_attendance_of(member_id)
            .order_by("-date", "-id")
        )


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def open(self) -> "FollowUpQuerySet":
        """Follow-ups not yet done."""
        return self.filter(done_on__isnull=True)

    def due_by(self, day: datetime.date) -> "FollowUpQuerySet":
        """Open follow-ups due on or before ``day``."""
        return self.open().filter(due_on__lte=day)

    def in_subtree(self, org: "Organization") -> "FollowUpQuerySet":
        """Follow-ups of the meetings of the cells in ``org``'s subtree."""
        return self.filter(meeting__cell__in=_cells_under([org.path]))

    def about_member(self, member_id: int) -> "FollowUpQuerySet":
        """Follow-ups that name the member (``FollowUp.member``): about them or taken
        on by them, at whichever cell's meeting. The free-text owner is not matched: a
        namesake, or a name merely mentioned, would be taken for the member."""
        return self.filter(member_id=member_id)

    def visible_to(self, user: "AnyUser") -> "FollowUpQuerySet":
        """Follow-ups of the meetings ``user`` may see."""
        from lienhe213.meetings.models import Meeting

        return self.filter(meeting__in=Meeting.objects.visible_to(user).values("pk"))


class AttendanceQuerySet(models.QuerySet["Attendance"]):
    def of_member(self, member_id: int) -> "AttendanceQuerySet":
        return self.filter(member_id=member_id)

    def visible_to(self, user: "AnyUser") -> "AttendanceQuerySet":
        from lienhe213.meetings.models import Meeting

        return self.filter(meeting__in=Meeting.objects.visible_to(user).values("pk"))


def cells_without_recent_meeting(
    scope: "Organization", *, on: datetime.date
) -> "OrganizationQuerySet":
    """Current residential cells in ``scope``'s subtree that have active linked members
    but no meeting held in the six months up to ``on`` (docs/domain.md §4.3: "every six months").

    A cell with no active link has nobody to meet and is not flagged. Each cell carries
    ``last_held_on``: its latest held meeting up to ``on``, or None.
    """
    from lienhe213.meetings.models import Meeting
    from lienhe213.organizations.models import Organization
    from lienhe213.registry.models import ResidenceLink

    held = Meeting.objects.held().filter(cell=models.OuterRef("pk"), date__lte=on)
    return (
        Organization.objects.current()
        .filter(path__under=scope.path, kind="cell", side="residential")
        .filter(
            models.Exists(
                ResidenceLink.objects.filter(residence_cell=models.OuterRef("pk"), status="active")
            )
        )
        .exclude(models.Exists(held.filter(date__gte=months_before(on, MEETING_INTERVAL_MONTHS))))
        .annotate(
            last_held_on=models.Subquery(held.order_by("-date").values("date")[:1]),
        )
        .order_by("path")
    )


def cells_to_plan_meeting(
    scope: "Organization", *, on: datetime.date, months: int
) -> "OrganizationQuerySet":
    """Current residential cells in ``scope``'s subtree with active linked members whose
    last held meeting (up to ``on``) is more than ``months`` old, or who never met, and
    that have no meeting planned: the next meeting is to be planned (the reminders use
    five months, so that the six of docs/domain.md §4.3 are kept). A planned meeting
    whose day has passed is to be recorded rather than planned again. Each cell carries
    ``last_held_on``."""
    from lienhe213.meetings.models import Meeting
    from lienhe213.organizations.models import Organization
    from lienhe213.registry.models import ResidenceLink

    held = Meeting.objects.held().filter(cell=models.OuterRef("pk"), date__lte=on)
    return (
        Organization.objects.current()
        .filter(path__under=scope.path, kind="cell", side="residential")
        .filter(
            models.Exists(
                ResidenceLink.objects.filter(residence_cell=models.OuterRef("pk"), status="active")
            )
        )
        .exclude(models.Exists(held.filter(date__gte=months_before(on, months))))
        .exclude(
            models.Exists(Meeting.objects.filter(cell=models.OuterRef("pk"), status="planned"))
        )
        .annotate(last_held_on=models.Subquery(held.order_by("-date").values("date")[:1]))
    )


def links_absent_twice(scope: "Organization") -> "ResidenceLinkQuerySet":
    """Active links at cells in ``scope``'s subtree whose member was absent (not excused)
    from both of the last two held meetings of that cell they had a record in.

    The result carries the member and the cell (``select_related``), ready to list.
    """
    from lienhe213.meetings.models import Attendance
    from lienhe213.registry.models import ResidenceLink

    records = (
        Attendance.objects.filter(
            member_id=models.OuterRef("member_id"),
            meeting__cell_id=models.OuterRef("residence_cell_id"),
            meeting__status="held",
        )
        .order_by("-meeting__date", "-meeting_id")
        .values("status")
    )
    return (
        ResidenceLink.objects.filter(status="active", residence_cell__in=_cells_under([scope.path]))
        .annotate(
            last_attendance=models.Subquery(records[:1]),
            previous_attendance=models.Subquery(records[1:2]),
        )
        .filter(last_attendance="absent", previous_attendance="absent")
        .select_related("member", "residence_cell")
        .order_by("residence_cell__path", "member__given_name", "member__family_name")
    )


def meeting_flag_counts(scope: "Organization", *, on: datetime.date) -> dict[str, int]:
    """How many cells in ``scope`` have not met their members in six months and how
    many members were absent from their cell's last two meetings: the two numbers a
    home page or a tracking book shows, in one query whatever the size (the two COUNTs
    as scalar subqueries of one SELECT, the rows neither ordered nor joined for show)."""
    from lienhe213.organizations.models import Organization

    counts = (
        Organization.objects.filter(pk=scope.pk)
        .values(
            cells_without_meeting=_count(cells_without_recent_meeting(scope, on=on)),
            absent_twice=_count(links_absent_twice(scope)),
        )
        .get()
    )
    return {
        "cells_without_meeting": counts["cells_without_meeting"],
        "absent_twice": counts["absent_twice"],
    }


def _flags_key(org_id: int, on: datetime.date) -> str:
    return f"lienhe213:meeting-flags:{org_id}:{on.isoformat()}"


def cached_meeting_flag_counts(scope: "Organization", *, on: datetime.date) -> dict[str, int]:
    """``meeting_flag_counts`` read from Django's cache when counted in the last
    ``FLAGS_SECONDS``: the query costs tens of milliseconds over a large ward. Every
    meeting write forgets the counts over its cell (``forget_meeting_flags``); a change
    of a link (a member linked or leaving) shows within ``FLAGS_SECONDS``."""
    key = _flags_key(scope.pk, on)
    counts: dict[str, int] | None = cache.get(key)
    if counts is None:
        counts = meeting_flag_counts(scope, on=on)
        cache.set(key, counts, FLAGS_SECONDS)
    return counts


def forget_meeting_flags(cell: "Organization", *, on: datetime.date) -> None:
    """Drop the cached flags of ``cell`` and of every organization above it for ``on``."""
    cache.delete_many([_flags_key(org_id, on) for org_id in cell.ancestor_ids()])


def _count(queryset: "models.QuerySet[Any, Any]") -> models.Subquery:
    """``SELECT COUNT(*)`` of ``queryset`` as a scalar subquery."""
    count = models.Func(models.F("pk"), function="COUNT", output_field=models.IntegerField())
    return models.Subquery(
        queryset.select_related(None).order_by().values(n=count),
        output_field=models.IntegerField(),
    )
