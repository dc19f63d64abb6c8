"""The province opens the year's comment campaign."""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.comments import access
from lienhe213.comments.models import (
    CommentCampaign,
)
from lienhe213.comments.services._common import (
    _user,
)
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.organizations.models import Organization


@transaction.atomic
def open_campaign(
    *,
    by: AnyUser,
    province: Organization,
    year: int,
    opens_on: datetime.date,
    closes_on: datetime.date,
    deadline: datetime.date,
) -> CommentCampaign:
    """Open the year's comment campaign of a provincial committee: the window in which
    workplaces request comments and the deadline for returning them."""
    province = Organization.objects.get(pk=province.pk)
    access.require_campaign_side(by, province)
    if not province.is_provincial_committee or not province.is_current:
        raise DomainError(
            _("“%(org)s” is not a current provincial committee.") % {"org": province.name}
        )
    if closes_on < opens_on:
        raise DomainError(_("The window may not close before it opens."), field="closes_on")
    if deadline < opens_on:
        raise DomainError(_("The deadline may not be before the window opens."), field="deadline")
    if CommentCampaign.objects.filter(province=province, year=year).exists():
        raise DomainError(
            _("This province already has a campaign for %(year)s.") % {"year": year}, field="year"
        )
    try:
        with transaction.atomic():
            campaign = CommentCampaign.objects.create(
                province=province,
                year=year,
                opens_on=opens_on,
                closes_on=closes_on,
                deadline=deadline,
                opened_by=_user(by),
            )
    except IntegrityError as exc:
        raise DomainError(
            _("This province already has a campaign for %(year)s.") % {"year": year}, field="year"
        ) from exc
    audit.record(
        by=by,
        action="create",
        obj=campaign,
        scope_path=province.path,
        changes=audit.snapshot(campaign, ["province", "year", "opens_on", "closes_on", "deadline"]),
    )
    return campaign
