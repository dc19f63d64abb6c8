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


def living_under(paths: list[str]) -> models.Q:
    """Commendations of a member whose open link (issued, received, assigned or active)
    a residence commune committee or residential cell under ``paths`` holds: the side
    that comments on the member where they live (Regulation 213 art. 4.4) and reports
    notable conduct and proposes commendation (art. 4.5), so the commendation bears on
    what it writes next. A closed link's former residence no longer sees it."""
    from lienhe213.organizations.models import Organization
    from lienhe213.registry.models import ResidenceLink

    under = Organization.objects.filter(paths_condition("path", paths)).values("pk")
    held = ResidenceLink.objects.open().filter(
        models.Q(residence_commune_organization__in=under) | models.Q(residence_cell__in=under)
    )
    return models.Q(member__in=held.values("member_id"))


class CommendationQuerySet(models.QuerySet["Commendation"]):
    def visible_to(self, user: "AnyUser") -> "CommendationQuerySet":
        """The committees over the subject (for a member, over their party unit: the
        workplace), over the proposing committee, or on the residence side of the
        member's open link (``living_under``) see a commendation; a member sees their
        own."""
        from lienhe213.accounts import access

        if access.sees_everything(user):
            return self
        paths = access.scope_paths(user, access.Capability.VIEW_ORGANIZATIONS)
        condition = (
            subjects_under(paths)
            | paths_condition("proposed_by_organization__path", paths)
            | living_under(paths)
        )
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
