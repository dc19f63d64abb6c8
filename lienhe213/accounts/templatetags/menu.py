"""``{% main_menu %}``: the site's menu, a short bar with the three or four pages of the
user's daily work and a "More" sheet with the rest (a ``<details>`` disclosure, so it
opens without JavaScript).

Which sections a user may open comes from the ``navigation`` context processor; this
tag only orders them. The bar follows the user's highest kind of role:

- the province (who manages roles): home, reports, organizations, members;
- a commune's or a workplace committee's office (who imports): home, the tracking book,
  the annual comments, members;
- a cell's secretary (who sees organizations): home, the tracking book, meetings, the
  annual comments;
- a member, or an account without a role: home, meetings, the annual comments,
  notifications;
- a community representative: home, their opinions, notifications (and, holding no
  other role, nothing else, not even the members' list).
"""

from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

register = template.Library()

BAR = {
    "province": ("home", "reports", "organizations", "members"),
    "office": ("home", "book", "comments", "members"),
    "cell": ("home", "book", "meetings", "comments"),
    "member": ("home", "meetings", "comments", "notifications"),
    "representative": ("home", "opinions", "notifications"),
}


@dataclass(frozen=True)
class MenuItem:
    """One link of the menu; ``count`` is shown beside it in a badge named ``count_label``."""

    key: str
    url: str
    label: str
    current: bool = False
    count: int = 0
    count_label: str = ""


def _items(context: Any) -> list[MenuItem]:
    """The sections the user may open, in the menu's order, with the counts to show."""
    path = context["request"].path if "request" in context else ""
    # Absent flags (a page rendered without the context processor) show the section.
    organizations = context.get("can_view_organizations") is not False
    sections = [
        ("home", "accounts:home", _("Home"), True),
        ("notifications", "reminders:list", _("Notifications"), True),
        ("organizations", "organizations:tree", _("Organizations"), organizations),
        ("members", "members:list", _("Members"), not context.get("representative_only")),
        ("book", "registry:index", _("Tracking book"), context.get("can_view_tracking_book")),
        ("meetings", "meetings:index", _("Meetings"), context.get("can_view_meetings")),
        ("notices", "notices:index", _("Notices"), context.get("can_view_notices")),
        ("feedback", "feedback:index", _("Residents' reports"), context.get("can_view_feedback")),
        ("training", "training:index", _("Training"), context.get("can_view_training")),
        ("opinions", "feedback:opinions", _("My opinions"), context.get("can_write_opinions")),
        ("comments", "comments:index", _("Annual comments"), context.get("can_view_comments")),
        ("reports", "reports:index", _("Reports"), context.get("can_view_organizations")),
        ("imports", "imports:list", _("Import"), context.get("can_import")),
        (
            "accounts",
            "accounts:account_list",
            _("Accounts"),
            context.get("can_manage_accounts", context.get("can_manage_roles")),
        ),
        ("audit", "accounts:audit", _("Audit"), context.get("can_view_audit")),
        ("guidance", "guidance:index", _("Rules"), True),
    ]
    counts = {
        "home": (context.get("inbox_waiting") or 0, _("waiting")),
        "notifications": (context.get("unread_notifications") or 0, _("unread")),
    }
    items = []
    for key, name, label, shown in sections:
        if not shown:
            continue
        url = reverse(name)
        current = path == url if key == "home" else path.startswith(url)
        count, count_label = counts.get(key, (0, ""))
        items.append(MenuItem(key, url, label, current, count, count_label))
    return items


def _bar(context: Any) -> tuple[str, ...]:
    if context.get("can_manage_roles"):
        return BAR["province"]
    if context.get("can_import"):
        return BAR["office"]
    if context.get("can_view_organizations"):
        return BAR["cell"]
    if context.get("representative_only"):
        return BAR["representative"]
    return BAR["member"]


@register.inclusion_tag("accounts/_menu.html", takes_context=True)
def main_menu(context: Any) -> dict[str, Any]:
    """The bar's items, the sheet's items, and whether the sheet holds the current page
    or an unread notification (then its button says so)."""
    bar_keys = _bar(context)
    items = _items(context)
    bar = sorted(
        (item for item in items if item.key in bar_keys), key=lambda i: bar_keys.index(i.key)
    )
    more = [item for item in items if item.key not in bar_keys]
    return {
        "bar": bar,
        "more": more,
        "more_current": any(item.current for item in more),
        "more_count": sum(item.count for item in more if item.key == "notifications"),
    }
