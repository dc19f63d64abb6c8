"""The inbox of the home page ("Việc cần làm"): the named items waiting for this user,
grouped by task, oldest first, each leading to the page where the step is taken.

Each role over its organization has a few tasks. A task is one of the domain apps'
QuerySet reads, chained on that app's ``visible_to`` and narrowed to the role's
organization (the links a commune must receive, the comments a cell must sign…), with
the date each row has been waiting since and the pages it leads to. A task costs one
query whatever the size of the data: its first ``items.INBOX_ROWS`` rows, oldest first, each
carrying the task's total (window functions, so no separate COUNT); the home page's
queries grow with the roles a person holds, never with the rows. Building the tasks
and compiling their SQL costs several times more than running it, so each process
keeps them a while, keyed on everything they are built from (``core.prepared``,
ADR 0020): a visit runs the same SQL again with fresh rows.

``roles`` holds the tasks of each role, ``items`` what the inbox shows. The package sits
beside ``dashboards.py`` rather than in ``queries.py`` for the same reason: it is no
reusable read of its own but the assembly, per role, of reads from six apps with the
pages they lead to (docs/style.md allows the better place, said why).
"""

import datetime
from collections.abc import Hashable

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lienhe213.accounts.access import (
    AnyUser,
    assignments_of,
    own_member_id,
    roles_of,
    sees_everything,
)
from lienhe213.accounts.inbox.items import (
    InboxGroup,
    InboxItem,
    InboxSection,
    Task,
    local_day,
)
from lienhe213.accounts.inbox.roles import TASKS, shortcuts
from lienhe213.accounts.models import Role
from lienhe213.core.prepared import Plans
from lienhe213.organizations.models import Organization

__all__ = ["InboxGroup", "InboxItem", "InboxSection", "Task", "inbox", "menu_total"]

# The menu's count is kept this long per user; every visit of the home page renews it.
TOTAL_SECONDS = 15 * 60
INBOX_ROLES = frozenset(TASKS)
# The built tasks of the people a process served lately (their labels are translated
# and their organizations' names read when built: kept a few minutes at most).
_PLANS: Plans[list[tuple[Role, Organization, list[Task]]]] = Plans(size=256, seconds=300)


def has_inbox(user: AnyUser) -> bool:
    """Whether ``user`` holds a committee role (or is a superuser): who has an inbox."""
    return sees_everything(user) or any(role in INBOX_ROLES for role, _p in roles_of(user))


def _assignments(user: AnyUser) -> list[tuple[Role, Organization]]:
    """The committee roles ``user`` holds over current organizations (the request's one
    read of the roles, ``access.assignments_of``); a superuser without any works as an
    administrator over the roots of the tree."""
    held = sorted(
        (a for a in assignments_of(user) if a.role in INBOX_ROLES),
        key=lambda a: (a.organization.path, a.role),
    )
    rows = [(Role(a.role), a.organization) for a in held]
    if not rows and sees_everything(user):
        roots = Organization.objects.current().filter(parent__isnull=True).order_by("path")
        rows = [(Role.ADMINISTRATOR, org) for org in roots]
    return rows


def _tasks(user: AnyUser, today: datetime.date) -> list[tuple[Role, Organization, list[Task]]]:
    assignments = _assignments(user)
    # Everything the tasks' SQL and labels are built from: who asks, with which roles
    # over which organizations (where they sit in the tree, what they are called),
    # on which day, in which language.
    key: Hashable = (
        user.pk,
        sees_everything(user),
        own_member_id(user),
        tuple(roles_of(user)),
        tuple((role, org.pk, org.path, org.name, org.kind) for role, org in assignments),
        today,
        get_language(),
    )
    return _PLANS.get(
        key, lambda: [(role, org, TASKS[role](user, org, today)) for role, org in assignments]
    )


def _group(task: Task) -> InboxGroup:
    rows = task.prepared.rows()
    items = [task.item({**row, "since": local_day(row["inbox_since"])}) for row in rows]
    count = rows[0]["inbox_total"] if rows else 0
    label = task.since_label or _("Waiting since")
    return InboxGroup(task.key, task.title, label, count, items, task.see_all)


def _total_key(user: AnyUser) -> str:
    return f"lienhe213:inbox-total:{user.pk}"


def inbox(user: AnyUser, *, today: datetime.date) -> list[InboxSection]:
    """One section per committee role ``user`` holds, with the groups that hold work;
    keeps the total for the menu (``menu_total``)."""
    sections = []
    for role, org, tasks in _tasks(user, today):
        groups = [group for group in map(_group, tasks) if group.count]
        sections.append(InboxSection(str(role.label), org, groups, shortcuts(role, org)))
    cache.set(_total_key(user), sum(s.total for s in sections), TOTAL_SECONDS)
    return sections


def menu_total(user: AnyUser) -> int:
    """How many items waited for ``user`` when their home page last counted them (in
    the last ``TOTAL_SECONDS``), for the menu; 0 when it has not. Other pages read it
    and run no query: counting costs a query per task (tens of milliseconds for a
    large ward), too much for every page, and a count that some pages make and others
    not would make every page's number of queries depend on what was visited before."""
    if not user.is_authenticated:
        return 0
    return int(cache.get(_total_key(user)) or 0)
