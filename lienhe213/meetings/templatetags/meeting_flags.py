"""``{% meeting_flags org %}``: the compact line of the six-month flags (cells without
a meeting, members absent twice) with links to the overdue page, for pages of other
apps (the numbers page, the tracking book) that already checked ``org`` is visible; the
counts come from the cache when counted in the last five minutes."""

from typing import Any

from django import template
from django.utils import timezone

from lienhe213.meetings.queries import cached_meeting_flag_counts
from lienhe213.organizations.models import Organization

register = template.Library()


@register.inclusion_tag("meetings/_flags.html")
def meeting_flags(org: Organization) -> dict[str, Any]:
    """The two counts over ``org``'s subtree; nothing for a workplace organization,
    which has no residential cells to meet."""
    if org.side == Organization.Side.WORKPLACE:
        return {"org": None}
    return {"org": org, **cached_meeting_flag_counts(org, on=timezone.localdate())}
