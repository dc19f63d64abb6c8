"""Working-day deadlines: weekends and the public holidays of the calendar are skipped."""

import datetime
from collections.abc import Collection

from django.db import models

from lienhe213.organizations.models import Organization
from lienhe213.registry.models import DeadlinePolicy, PublicHoliday


def add_working_days(
    start: datetime.date, days: int, holidays: Collection[datetime.date]
) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted),
    skipping Saturdays, Sundays and ``holidays``."""
    if days < 0:
        raise ValueError("a deadline counts forward")
    current = start
    remaining = days
    while remaining:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            remaining -= 1
    return current


def province_of(org: Organization) -> Organization | None:
    """The provincial committee above (or equal to) ``org``."""
    return (
        Organization.objects.filter(
            pk__in=org.ancestor_ids(), kind=Organization.Kind.PROVINCIAL_COMMITTEE
        )
        .order_by("-depth")
        .first()
    )


def holidays_between(
    province: Organization | None, start: datetime.date, end: datetime.date
) -> set[datetime.date]:
    """National holidays and those of ``province`` in ``[start, end]``."""
    condition = models.Q(province__isnull=True)
    if province is not None:
        condition |= models.Q(province=province)
    return set(
        PublicHoliday.objects.filter(condition, date__gte=start, date__lte=end).values_list(
            "date", flat=True
        )
    )


def letter_deadline(issuer: Organization, issued_on: datetime.date) -> datetime.date:
    """The date by which a letter issued on ``issued_on`` must reach the commune: the
    issuer's province's number of working days (default 30), holidays skipped."""
    province = province_of(issuer)
    days = DeadlinePolicy.DEFAULT_LETTER_DEADLINE
    if province is not None:
        policy = DeadlinePolicy.objects.filter(province=province).first()
        if policy is not None:
            days = policy.letter_deadline_working_days
    # Two calendar days per working day covers every weekend and the longest Tết break.
    horizon = issued_on + datetime.timedelta(days=2 * days + 21)
    return add_working_days(issued_on, days, holidays_between(province, issued_on, horizon))
