"""Reads of the commendations: the gatekeeper's scope and the subtree of a review."""

from typing import TYPE_CHECKING

from django.db import models

from lienhe213.organizations.queries import paths_condition

if TYPE_CHECKING:
    from lienhe213.accounts.access import AnyUser
    from lienhe213.reports.models import Commendation  # noqa: F401


def subjects_under(paths: list[str]) -> models.Q:
    """Commendations whose subject (the organization, or the member's party unit) lies
    under any of ``paths``."""
    return paths_condition("organization__path", paths) | paths_condition(
        "member__unit_path", paths
    )


def concerning_paths(paths: list[str]) -> models.Q:
    """Commendations whose subject lies under ``paths``, proposed by a committee there,
    or of a member linked to a residence (or a workplace) there."""
    from lienhe213.registry.models import ResidenceLink
    from lienhe213.registry.queries import link_scope_condition

    linked = ResidenceLink.objects.filter(link_scope_condition(paths)).values("member_id")
    return (
        subjects_under(paths)
        | paths_condition("proposed_by_organization__path", paths)
        | models.Q(member__in=linked)
    )


class CommendationQuerySet(models.QuerySet["Commendation"]):
    def visible_to(self, user: "AnyUser") -> "CommendationQuerySet":
        """The committees over the subject, over the proposing committee or over a
        side of the member's residence link see a commendation; a member sees their
        own."""
        from lienhe213.accounts import access

        if access.sees_everything(user):
            return self
        paths = access.scope_paths(user, access.Capability.VIEW_ORGANIZATIONS)
        condition = subjects_under(paths) | paths_condition("proposed_by_organization__path", paths)
        member_id = access.own_member_id(user)
        if member_id is not None:
            condition |= models.Q(member_id=member_id)
        return self.filter(condition)

    def proposed(self) -> "CommendationQuerySet":
        """Proposals still waiting for the province's decision."""
        return self.filter(status="proposed")

    def under(self, paths: list[str]) -> "CommendationQuerySet":
        """The commendations a review of the subtree(s) at ``paths`` lists."""
        return self.filter(concerning_paths(paths))
