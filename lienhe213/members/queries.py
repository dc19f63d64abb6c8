"""Reusable reads of members: scoping, search and Vietnamese ordering."""

from typing import TYPE_CHECKING

from django.db import models

from lienhe213.core.text import fold

if TYPE_CHECKING:
    from lienhe213.accounts.access import AnyUser, Capability
    from lienhe213.members.models import Member  # noqa: F401  (QuerySet type argument)
    from lienhe213.organizations.models import Organization


class MemberQuerySet(models.QuerySet["Member"]):
    def visible_to(
        self, user: "AnyUser", capability: "Capability | None" = None
    ) -> "MemberQuerySet":
        """The one gatekeeper for reading members.

        A committee role sees the members whose formal party unit lies in its subtree;
        the member role sees only the user's own record; superusers see everyone.
        (The residence side's view of linked members is added here, in one place, when
        the tracking book arrives.)
        """
        from lienhe213.accounts import access
        from lienhe213.organizations.queries import paths_condition

        if access.sees_everything(user):
            return self
        capability = capability or access.Capability.VIEW_MEMBERS
        condition = models.Q(pk__in=[])
        paths = access.scope_paths(user, capability)
        if paths:
            condition |= paths_condition("unit_path", paths)
        own = access.own_member_id(user)
        if own is not None and capability == access.Capability.VIEW_MEMBERS:
            condition |= models.Q(pk=own)
        return self.filter(condition)

    def in_subtree(self, org: "Organization") -> "MemberQuerySet":
        return self.filter(unit_path__under=org.path)

    def search(self, text: str) -> "MemberQuerySet":
        """Diacritic- and case-insensitive search: every word of ``text`` must occur in
        the folded name or be the start of an identifier ("dang" finds "Đặng")."""
        words = fold(text).split()
        qs = self
        for word in words:
            condition = models.Q(search_text__contains=word)
            if word.isdigit() and len(word) >= 4:
                condition |= models.Q(party_card_number__startswith=word)
                condition |= models.Q(citizen_id=word)
            qs = qs.filter(condition)
        return qs

    def vietnamese_order(self) -> "MemberQuerySet":
        return self.order_by("name_sort_key", "pk")
