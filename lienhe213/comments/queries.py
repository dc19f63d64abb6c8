"""Reusable reads of the comment cycle: scoping to both sides, requests past the
deadline, campaign progress per commune and the "uniform ratings" indicator."""

import datetime
from typing import TYPE_CHECKING, Any

from django.db import models

from lienhe213.organizations.queries import paths_condition
from lienhe213.registry.queries import link_scope_condition

if TYPE_CHECKING:
    from lienhe213.accounts.access import AnyUser
    from lienhe213.comments.models import CommentCampaign, CommentRequest  # noqa: F401
    from lienhe213.organizations.models import Organization

RETURNED_STATUSES = ("returned", "acknowledged", "used")
OPEN_STATUSES = ("requested", "drafted", "signed", "confirmed")
PROGRESS_STEPS = ("requested", "drafted", "signed", "confirmed", "returned", "acknowledged")
# What waits for the commune committee: signed comments to confirm, confirmed ones to return.
COMMUNE_STATUSES = ("signed", "confirmed")


def reached_statuses(step: str) -> tuple[str, ...]:
    """The statuses of a request that reached ``step`` or a later one (the steps
    follow each other; "used" comes after "acknowledged")."""
    return (*PROGRESS_STEPS[PROGRESS_STEPS.index(step) :], "used")


def requested_in_period(start: datetime.date | None, end: datetime.date | None) -> models.Q:
    """Requests made from ``start`` to ``end`` (both included; a missing end is open):
    a report's "comments requested" and the commune list's period filter."""
    condition = models.Q()
    if start is not None:
        condition &= models.Q(requested_on__gte=start)
    if end is not None:
        condition &= models.Q(requested_on__lte=end)
    return condition


def on_time_condition() -> models.Q:
    """Returned by the end of the campaign's deadline, local time: one condition per
    campaign (a handful of rows: one per province and year), so the database compares
    timestamps on their index instead of casting every row's to a date (ADR 0008)."""
    from django.utils import timezone

    from lienhe213.comments.models import CommentCampaign

    condition = models.Q(pk__in=[])
    tz = timezone.get_current_timezone()
    for pk, deadline in CommentCampaign.objects.values_list("pk", "deadline"):
        day_after = datetime.datetime.combine(
            deadline + datetime.timedelta(days=1), datetime.time()
        )
        condition |= models.Q(campaign_id=pk, comment__returned_at__lt=day_after.replace(tzinfo=tz))
    return condition


def good_example_condition() -> models.Q:
    """ "Setting a good example": item 1 (or item (a) of the other form) at its best level."""
    return models.Q(comment__item_1="good") | models.Q(comment__item_a="good")


def returned_condition() -> models.Q:
    return models.Q(status__in=RETURNED_STATUSES)


# The recommendations that ask the workplace committee for a decision (docs/domain.md §4.7).
PROPOSALS = ("commend", "consider_handling")


def proposal_condition() -> models.Q:
    """Returned comments proposing to commend the member or to consider handling them:
    the proposals the workplace committee must follow up."""
    return returned_condition() & models.Q(comment__recommendation__in=PROPOSALS)


def followed_up_condition() -> models.Q:
    """Proposals whose follow-up the workplace committee has recorded."""
    return proposal_condition() & models.Q(follow_up__isnull=False)


def awaiting_follow_up_condition() -> models.Q:
    """Proposals still without a recorded follow-up."""
    return proposal_condition() & models.Q(follow_up__isnull=True)


class CommentCampaignQuerySet(models.QuerySet["CommentCampaign"]):
    def visible_to(self, user: "AnyUser") -> "CommentCampaignQuerySet":
        """The one gatekeeper for reading campaigns: those of the provincial committee
        above (or at) any organization the user sees, and those of the provinces within
        it. A campaign is the province's call to every committee under it, so a commune
        clerk or a cell secretary sees it although the province itself is out of sight."""
        from lienhe213.accounts import access

        if access.sees_everything(user):
            return self
        paths = access.scope_paths(user, access.Capability.VIEW_ORGANIZATIONS)
        ancestors = {int(part) for path in paths for part in path.split(".") if part}
        return self.filter(
            models.Q(province_id__in=sorted(ancestors)) | paths_condition("province__path", paths)
        )


class CommentRequestQuerySet(models.QuerySet["CommentRequest"]):
    def visible_to(self, user: "AnyUser") -> "CommentRequestQuerySet":
        """The one gatekeeper for reading requests and comments: both sides of the
        member's link see them (workplace subtree, residence commune and cell); the
        member sees their own once the comment has been returned to the workplace."""
        from lienhe213.accounts import access

        if access.sees_everything(user):
            return self
        paths = access.scope_paths(user, access.Capability.VIEW_MEMBERS)
        condition = link_scope_condition(paths, prefix="link__") if paths else models.Q(pk__in=[])
        own = access.own_member_id(user)
        if own is not None:
            condition |= models.Q(member_id=own, status__in=RETURNED_STATUSES)
        return self.filter(condition)

    def returned(self) -> "CommentRequestQuerySet":
        """Comments that reached the workplace (returned, acknowledged or used)."""
        return self.filter(status__in=RETURNED_STATUSES)

    def returned_on_time(self) -> "CommentRequestQuerySet":
        """Returned comments that reached the workplace by the campaign's deadline."""
        return self.filter(returned_condition() & on_time_condition())

    def setting_good_example(self) -> "CommentRequestQuerySet":
        """Returned comments rating item 1 (or item (a)) at its best level."""
        return self.filter(returned_condition() & good_example_condition())

    def recommending(self, recommendation: str) -> "CommentRequestQuerySet":
        """Returned comments proposing ``recommendation`` (commend / consider handling)."""
        return self.filter(returned_condition(), comment__recommendation=recommendation)

    def followed_up(self) -> "CommentRequestQuerySet":
        """Proposals (commend / consider handling) whose follow-up is recorded."""
        return self.filter(followed_up_condition())

    def awaiting_follow_up(self) -> "CommentRequestQuerySet":
        """Proposals (commend / consider handling) still without a follow-up."""
        return self.filter(awaiting_follow_up_condition())

    def past_deadline(self, *, on: datetime.date) -> "CommentRequestQuerySet":
        """Requests whose comment has not been returned by the campaign's deadline
        (to be escalated to the commune and the province)."""
        return self.filter(status__in=OPEN_STATUSES, campaign__deadline__lt=on)

    def overdue(self, *, on: datetime.date) -> "CommentRequestQuerySet":
        """Requests not returned although the campaign's deadline passed before ``on``
        (the same rows as ``past_deadline``; named like ``Notice.objects.overdue``)."""
        return self.exclude(status__in=RETURNED_STATUSES).filter(campaign__deadline__lt=on)

    def escalated(self) -> "CommentRequestQuerySet":
        """Requests already escalated for missing the deadline."""
        return self.filter(escalated_at__isnull=False)

    def at_residence_cell(self, cell_id: int) -> "CommentRequestQuerySet":
        return self.filter(link__residence_cell_id=cell_id)

    def at_residence_commune(self, commune_id: int) -> "CommentRequestQuerySet":
        """Requests on links held by the commune committee ``commune_id``: the one that
        confirms and returns them, whichever of its cells (or none yet) the member is in."""
        return self.filter(link__residence_commune_organization_id=commune_id)

    def waiting_for_commune(self) -> "CommentRequestQuerySet":
        """Signed comments to confirm and confirmed ones to return."""
        return self.filter(status__in=COMMUNE_STATUSES)

    def at_step(self, step: str) -> "CommentRequestQuerySet":
        """Requests at exactly ``step`` (a status): waiting for that step's next one."""
        return self.filter(status=step)

    def in_subtree(self, org: "Organization") -> "CommentRequestQuerySet":
        """Requests either side of whose link lies in ``org``'s subtree (as a report's
        total and the subtree list count them)."""
        return self.filter(link_scope_condition([org.path], prefix="link__"))

    def reached(self, step: str) -> "CommentRequestQuerySet":
        """Requests at ``step`` or past it: the rows behind a number of the progress page."""
        return self.filter(status__in=reached_statuses(step))


def _step_count(step: str) -> models.Count:
    """Requests that reached ``step`` or a later one (the steps follow each other)."""
    return models.Count("pk", filter=models.Q(status__in=reached_statuses(step)))


def progress_by_commune(requests: CommentRequestQuerySet) -> list[dict[str, Any]]:
    """Per residence commune: how many requests there are and how many reached each
    step (requested / drafted / signed / confirmed / returned / acknowledged) and how
    many were escalated for missing the deadline, in one GROUP BY. ``requests`` is
    already scoped and narrowed to a campaign."""
    return list(
        requests.values("link__residence_commune_organization")
        .annotate(
            commune_name=models.F("link__residence_commune_organization__name"),
            **{step: _step_count(step) for step in PROGRESS_STEPS},
            escalated=models.Count("pk", filter=models.Q(escalated_at__isnull=False)),
        )
        .order_by("commune_name")
    )


def uniform_ratings(requests: CommentRequestQuerySet, field: str) -> list[dict[str, Any]]:
    """Organizations (``field``: ``link__residence_cell`` or
    ``link__residence_commune_organization``) where every returned comment has the best
    level on every item of its form: the softness the 2023 Hà Giang report describes
    made visible. Each row: the organization id and name and the number of comments."""
    from lienhe213.comments.models import all_best_condition

    return list(
        requests.returned()
        .values(field)
        .annotate(
            name=models.F(f"{field}__name"),
            returned_count=models.Count("pk"),
            best_count=models.Count(
                "pk", filter=all_best_condition(items_prefix="comment__", form_field="form")
            ),
        )
        .filter(returned_count=models.F("best_count"))
        .order_by("name")
    )
