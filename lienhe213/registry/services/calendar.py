"""A province's calendar for deadlines in working days: how many working days a member
has to present an introduction letter, and the public holidays the province declares on
top of the national ones.

Only the provincial officers and administrators of that province change it (the
organizational settings of the province: ``Capability.MANAGE_ORGANIZATIONS``). A
letter's deadline is worked out once, when it is issued, and stored on its link, so a
change applies to the letters issued afterwards; existing letters keep their deadlines.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser, Capability, has_capability
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import DeadlinePolicy, PublicHoliday

MIN_DEADLINE_DAYS = 1
MAX_DEADLINE_DAYS = 90
HOLIDAY_NAME_LENGTH = PublicHoliday._meta.get_field("name").max_length or 150


def may_manage_calendar(user: AnyUser, province: Organization) -> bool:
    """Whether ``user`` may change the deadline policy and holidays of ``province``."""
    return (
        province.is_provincial_committee
        and province.is_current
        and has_capability(user, Capability.MANAGE_ORGANIZATIONS, province.path)
    )


def _lock_province(by: AnyUser, province: Organization) -> Organization:
    """The province's row, locked so that changes to its calendar take turns."""
    locked = Organization.objects.select_for_update().get(pk=province.pk)
    if not locked.is_provincial_committee:
        raise DomainError(_("Only a provincial committee has a deadline calendar."))
    if not may_manage_calendar(by, locked):
        raise DomainError(_("You may not change the deadline calendar of this province."))
    return locked


@transaction.atomic
def set_deadline_days(*, by: AnyUser, province: Organization, days: int) -> DeadlinePolicy:
    """Give the members of ``province`` ``days`` working days (1–90) to present a letter
    issued from now on."""
    province = _lock_province(by, province)
    if not MIN_DEADLINE_DAYS <= days <= MAX_DEADLINE_DAYS:
        raise DomainError(
            _("The deadline must be between %(low)d and %(high)d working days.")
            % {"low": MIN_DEADLINE_DAYS, "high": MAX_DEADLINE_DAYS},
            field="days",
        )
    policy = DeadlinePolicy.objects.select_for_update().filter(province=province).first()
    before = (
        policy.letter_deadline_working_days
        if policy is not None
        else DeadlinePolicy.DEFAULT_LETTER_DEADLINE
    )
    if days == before:
        raise DomainError(
            _("The deadline is already %(days)d working days.") % {"days": days}, field="days"
        )
    if policy is None:
        policy = DeadlinePolicy.objects.create(province=province, letter_deadline_working_days=days)
        action = "create"
    else:
        policy.letter_deadline_working_days = days
        policy.save(update_fields=["letter_deadline_working_days"])
        action = "update"
    audit.record(
        by=by,
        action=action,
        obj=policy,
        object_repr=province.name,
        scope_path=province.path,
        changes={"letter_deadline_working_days": [before, days]},
    )
    return policy


@transaction.atomic
def add_public_holiday(
    *, by: AnyUser, province: Organization, date: datetime.date, name: str
) -> PublicHoliday:
    """Declare ``date`` a public holiday of ``province``: deadlines of letters issued
    from now on skip it there."""
    province = _lock_province(by, province)
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("The name may not be empty."), field="name")
    if len(name) > HOLIDAY_NAME_LENGTH:
        raise DomainError(
            _("The name may have at most %(count)d characters.") % {"count": HOLIDAY_NAME_LENGTH},
            field="name",
        )
    national = PublicHoliday.objects.filter(province__isnull=True, date=date).first()
    if national is not None:
        raise DomainError(
            _("%(date)s is already a national holiday (%(name)s).")
            % {"date": date.strftime("%d/%m/%Y"), "name": national.name},
            field="date",
        )
    if PublicHoliday.objects.filter(province=province, date=date).exists():
        raise DomainError(
            _("%(date)s is already a holiday of this province.")
            % {"date": date.strftime("%d/%m/%Y")},
            field="date",
        )
    holiday = PublicHoliday.objects.create(date=date, name=name, province=province)
    audit.record(
        by=by,
        action="create",
        obj=holiday,
        object_repr=f"{date.isoformat()} {name}",
        scope_path=province.path,
        changes={"date": date.isoformat(), "name": name},
    )
    return holiday


@transaction.atomic
def remove_public_holiday(*, by: AnyUser, holiday: PublicHoliday) -> None:
    """Withdraw a holiday the province declared; national holidays stay."""
    if holiday.province is None:
        raise DomainError(_("A national holiday cannot be removed here."))
    province = _lock_province(by, holiday.province)
    current = PublicHoliday.objects.select_for_update().filter(pk=holiday.pk).first()
    if current is None:
        raise DomainError(_("This holiday was already removed."))
    audit.record(
        by=by,
        action="delete",
        obj=current,
        object_repr=f"{current.date.isoformat()} {current.name}",
        scope_path=province.path,
        changes={"date": current.date.isoformat(), "name": current.name},
    )
    current.delete()
