"""What the navigation offers to the current user."""

from typing import Any

from django.http import HttpRequest

from lienhe213.accounts import inbox
from lienhe213.accounts.access import (
    Capability,
    has_capability,
    manages_accounts,
    own_member_id,
    representative_assignments,
    roles_of,
    sees_everything,
)
from lienhe213.accounts.models import Role
from lienhe213.reminders.models import Notification


def _representative_only(user: Any) -> bool:
    roles = {role for role, _path in roles_of(user)}
    return roles == {Role.COMMUNITY_REPRESENTATIVE} and not sees_everything(user)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: which sections the navigation offers to this user."""
    user = request.user
    if not user.is_authenticated:
        return {}
    representative_only = _representative_only(user)
    return {
        "can_view_audit": has_capability(user, Capability.VIEW_AUDIT),
        "can_view_organizations": has_capability(user, Capability.VIEW_ORGANIZATIONS),
        "can_manage_roles": has_capability(user, Capability.MANAGE_ROLES),
        # The account and role pages: also a commune clerk, who appoints the community
        # representatives of the commune's cells.
        "can_manage_accounts": manages_accounts(user),
        "can_import": has_capability(user, Capability.IMPORT_RECORDS),
        "can_view_tracking_book": any(
            has_capability(user, capability)
            for capability in (
                Capability.MANAGE_LETTERS,
                Capability.RECEIVE_LETTERS,
                Capability.ACKNOWLEDGE_LINKS,
            )
        ),
        "can_view_notices": any(
            has_capability(user, capability)
            for capability in (
                Capability.MANAGE_LETTERS,
                Capability.RECEIVE_LETTERS,
                Capability.ACKNOWLEDGE_LINKS,
            )
        ),
        # Residents' reports to a cell: its secretary and the commune (ADR 0014).
        "can_view_feedback": has_capability(user, Capability.ACKNOWLEDGE_LINKS)
        or has_capability(user, Capability.RECEIVE_LETTERS),
        "can_view_meetings": has_capability(user, Capability.ACKNOWLEDGE_LINKS)
        or has_capability(user, Capability.RECEIVE_LETTERS)
        or own_member_id(user) is not None,
        "can_view_comments": any(
            has_capability(user, capability)
            for capability in (
                Capability.REQUEST_COMMENTS,
                Capability.WRITE_COMMENTS,
                Capability.CONFIRM_COMMENTS,
            )
        )
        or own_member_id(user) is not None,
        # Training sessions (ADR 0015): those who plan them and those invited — anyone
        # holding a committee or member role (the invitees are secretaries, clerks and
        # members; a community representative is never invited); no query.
        "can_view_training": sees_everything(user)
        or (bool(roles_of(user)) and not representative_only),
        # A community representative's own pages (ADR 0014); an account holding that
        # role alone is offered nothing else, not even the members' list.
        "can_write_opinions": bool(representative_assignments(user)),
        "representative_only": representative_only,
        # One COUNT on the partial index of unread rows.
        "unread_notifications": Notification.objects.visible_to(user).unread().count(),
        # Counted by the home page and kept a while per user: no query here.
        "inbox_waiting": inbox.menu_total(user),
    }
