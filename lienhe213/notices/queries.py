"""Reusable reads of the notices between the two committees: inbox, outbox, overdue,
a member's thread, and the scoping of notices to both sides."""

import datetime
from typing import TYPE_CHECKING, Any

from django.db import models

from lienhe213.organizations.queries import paths_condition

if TYPE_CHECKING:
    from lienhe213.accounts.access import AnyUser
    from lienhe213.notices.models import Notice  # noqa: F401
    from lienhe213.organizations.models import Organization

WAITING_STATUSES = ("sent", "acknowledged")


def _organizations_under(paths: list[str]) -> "models.QuerySet[Organization, Any]":
    from lienhe213.organizations.models import Organization

    return Organization.objects.filter(paths_condition("path", paths)).values("pk")


class NoticeQuerySet(models.QuerySet["Notice"]):
    def inbox(self, org: "Organization") -> "NoticeQuerySet":
        """Notices addressed to ``org`` or an organization below it."""
        return self.filter(recipient__in=_organizations_under([org.path]))

    def outbox(self, org: "Organization") -> "NoticeQuerySet":
        """Notices sent by ``org`` or an organization below it."""
        return self.filter(sender__in=_organizations_under([org.path]))

    def involving(self, org: "Organization") -> "NoticeQuerySet":
        """Notices sent or received by ``org`` or an organization below it: what a
        report's notice figures count for ``org``'s subtree."""
        orgs = _organizations_under([org.path])
        return self.filter(models.Q(sender__in=orgs) | models.Q(recipient__in=orgs))

    def sent_between(
        self, start: datetime.date | None, end: datetime.date | None
    ) -> "NoticeQuerySet":
        """Sent from ``start`` to ``end``, both included; a missing end is open."""
        condition = models.Q()
        if start is not None:
            condition &= models.Q(sent_on__gte=start)
        if end is not None:
            condition &= models.Q(sent_on__lte=end)
        return self.filter(condition)

    def with_answered_on_time(self) -> "NoticeQuerySet":
        """Annotated ``answered_on_time``: the recipient replied on or before the due
        date (the report's "answered on time")."""
        from lienhe213.notices.models import NoticeReply

        answered = NoticeReply.objects.filter(
            notice_id=models.OuterRef("pk"),
            organization_id=models.OuterRef("recipient_id"),
            at__date__lte=models.OuterRef("response_due"),
        )
        return self.annotate(answered_on_time=models.Exists(answered))

    def waiting(self) -> "NoticeQuerySet":
        """Sent or acknowledged: the recipient has not answered and nobody closed it."""
        return self.filter(status__in=WAITING_STATUSES)

    def overdue(self, *, on: datetime.date) -> "NoticeQuerySet":
        """Notices whose response deadline passed before ``on`` without an answer."""
        return self.waiting().filter(response_due__lt=on)

    def about(self, member_id: int) -> "NoticeQuerySet":
        """A member's thread: every notice about them, from either side."""
        return self.filter(member_id=member_id)

    def visible_to(self, user: "AnyUser") -> "NoticeQuerySet":
        """The one gatekeeper for reading notices: the subtrees of the sender and of the
        recipient see a notice; nobody else does (members do not read the committees'
        correspondence about them)."""
        from lienhe213.accounts import access

        if access.sees_everything(user):
            return self
        orgs = _organizations_under(access.scope_paths(user, access.Capability.VIEW_MEMBERS))
        return self.filter(models.Q(sender__in=orgs) | models.Q(recipient__in=orgs))


def box_counts(
    notices: NoticeQuerySet, org: "Organization", *, on: datetime.date
) -> dict[str, int]:
    """What waits for an answer and what is overdue in ``org``'s inbox and outbox, in
    one query; ``notices`` is already scoped (``visible_to``)."""
    under = _organizations_under([org.path])
    inbox, outbox = models.Q(recipient__in=under), models.Q(sender__in=under)
    waiting = models.Q(status__in=WAITING_STATUSES)
    overdue = waiting & models.Q(response_due__lt=on)
    return notices.filter(inbox | outbox).aggregate(
        inbox_waiting=models.Count("pk", filter=inbox & waiting),
        inbox_overdue=models.Count("pk", filter=inbox & overdue),
        outbox_waiting=models.Count("pk", filter=outbox & waiting),
        outbox_overdue=models.Count("pk", filter=outbox & overdue),
    )
