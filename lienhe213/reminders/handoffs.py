"""Hand-off notifications: a step of the loop tells the people whose job the next step is.

The domain services (``registry``, ``comments``, ``notices``) call ``notify`` inside
their own transaction, so a refused or rolled-back step tells nobody and a step that
commits always leaves its notification. This module imports no domain app — only the
role assignments of ``accounts`` and the reminders' own model — so the domain apps may
import it while ``reminders.services`` (which reads them all for ``run_due``) stays
above them (ADR 0013).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone

from lienhe213.accounts.models import Role, RoleAssignment, User
from lienhe213.reminders.models import Kind, Notification
from lienhe213.reminders.queries import RecipientIndex, _ancestor_paths

__all__ = ["CELL", "COMMUNE", "WORKPLACE", "Kind", "notify", "notify_users"]

# The role whose job the next step is, as ``run_due`` names them (ADR 0006): never the
# province or the administrators, who hold every capability everywhere.
CELL = {Role.CELL_SECRETARY}
COMMUNE = {Role.COMMUNE_CLERK}
WORKPLACE = {Role.WORKPLACE_OFFICER}


def nearest_holders(path: str, roles: Iterable[str]) -> set[int]:
    """Active users holding one of ``roles`` on the organization at ``path`` or, when
    nobody does there, on its nearest ancestor that has one (one query)."""
    wanted = set(roles)
    rows = RoleAssignment.objects.filter(
        role__in=wanted,
        user__is_active=True,
        organization__valid_until__isnull=True,
        organization__path__in=_ancestor_paths(path),
    ).values_list("organization__path", "user_id", "role")
    holders: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for org_path, user_id, role in rows:
        holders[org_path].append((user_id, role))
    return RecipientIndex(holders=dict(holders)).nearest(path, wanted)


def notify(
    *,
    kind: str,
    key: str,
    object_id: int,
    params: dict[str, Any],
    path: str,
    roles: Iterable[str],
    by: Any = None,
    may_see: Callable[[User], bool] | None = None,
) -> list[int]:
    """Tell the nearest holders of ``roles`` over the organization at ``path`` that
    work waits for them; returns the users told.

    ``key`` names the step and its object: it is unique per user, so the same step
    repeated (a retry, a bulk step that meets the same object twice) adds nothing. The
    actor ``by`` is never told of their own step, and with ``may_see`` only users who
    may read the object are (a notification must not leak what its reader may not
    see). Call it inside the step's transaction.
    """
    users = nearest_holders(path, roles)
    actor = getattr(by, "pk", None)
    users.discard(actor)  # type: ignore[arg-type]
    if may_see is not None and users:
        users = {user.pk for user in User.objects.filter(pk__in=users) if may_see(user)}
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                kind=kind,
                key=key,
                object_id=object_id,
                params=params,
                created_at=now,
            )
            for user_id in sorted(users)
        ],
        ignore_conflicts=True,
    )
    return sorted(users)


def notify_users(
    *,
    kind: str,
    key: str,
    object_id: int,
    params: dict[str, Any],
    users: Iterable[int],
    by: Any = None,
) -> list[int]:
    """Tell the named ``users`` (active accounts only, never the actor ``by``) of a step
    meant for each of them — an invitation to a training session, its cancellation —
    rather than the holders of a role. The same idempotent ``key`` as ``notify``; call
    it inside the step's transaction. Returns the users told."""
    actor = getattr(by, "pk", None)
    wanted = {int(user_id) for user_id in users} - {actor}
    told = sorted(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True))
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                kind=kind,
                key=key,
                object_id=object_id,
                params=params,
                created_at=now,
            )
            for user_id in told
        ],
        ignore_conflicts=True,
    )
    return told
