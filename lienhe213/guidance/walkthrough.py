"""The newcomer walkthrough: for each committee role a user holds and has not yet
dismissed, a short checklist — what the role does, where the inbox is, the first task —
each a link (ADR 0016). It is shown on the home page until dismissed; a role granted
later shows its own."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lienhe213.accounts.access import AnyUser, assignments_of
from lienhe213.accounts.models import Role
from lienhe213.guidance.access import WALKTHROUGH_ROLES
from lienhe213.guidance.models import Step, WalkthroughDismissal

# What each role does, the steps whose rules it should read first, and its first task:
# (label, URL name taking the organization's id).
ROLE_TEXTS: dict[str, tuple[Promise, tuple[str, ...], Promise, str]] = {
    Role.PROVINCIAL_OFFICER: (
        _(
            "You oversee Regulation 213 across the province: its organization tree, "
            "accounts and roles, the year's comment campaign and the annual review."
        ),
        (Step.GENERAL,),
        _("Open this year's comment campaign"),
        "comments:province",
    ),
    Role.COMMUNE_CLERK: (
        _(
            "You receive the introduction letters members present at the commune, assign "
            "each member to a residential cell and confirm the cells' comments."
        ),
        (Step.RECEIVE, Step.ASSIGN),
        _("Open the commune's tracking book"),
        "registry:book",
    ),
    Role.CELL_SECRETARY: (
        _(
            "You take in the members assigned to your cell, meet them every six months "
            "and write each one's annual comment with the Front work committee."
        ),
        (Step.ASSIGN, Step.COMMENT),
        _("See the comments your cell has to write"),
        "comments:cell",
    ),
    Role.WORKPLACE_OFFICER: (
        _(
            "You classify your working members, issue their introduction letters and use "
            "the residence's comment in their annual rating."
        ),
        (Step.ISSUE, Step.EXEMPT, Step.RATE),
        _("Issue the introduction letters of your working members"),
        "registry:workplace",
    ),
}


@dataclass
class Checklist:
    role: str
    role_label: str
    organization_name: str
    does: str
    items: list[tuple[str, str]]


def checklists(user: AnyUser) -> list[Checklist]:
    """The checklists ``user`` has not dismissed, one per committee role held (the
    first organization of each), in ``WALKTHROUGH_ROLES`` order; one query beyond the
    request's cached roles, none for a user without a committee role."""
    first: dict[str, object] = {}
    for assignment in sorted(assignments_of(user), key=lambda a: a.organization.path):
        first.setdefault(assignment.role, assignment.organization)
    held = [role for role in WALKTHROUGH_ROLES if role in first]
    if not held or user.pk is None:
        return []
    dismissed = set(
        WalkthroughDismissal.objects.filter(user_id=user.pk).values_list("role", flat=True)
    )
    result = []
    for role in held:
        if role in dismissed:
            continue
        organization = first[role]
        does, steps, task_label, task_url = ROLE_TEXTS[role]
        pk = getattr(organization, "pk", None)
        guidance = reverse("guidance:index") + "?" + "&".join(f"step={s}" for s in steps[:1])
        result.append(
            Checklist(
                role=role.value,
                role_label=str(role.label),
                organization_name=str(organization),
                does=str(does),
                items=[
                    (str(_("Read what the rules say for your steps")), guidance),
                    (
                        str(_("Your inbox: what waits for you")),
                        reverse("accounts:home") + "#inbox-title",
                    ),
                    (str(task_label), reverse(task_url, args=[pk])),
                ],
            )
        )
    return result
