"""Reusable reads of members: scoping, search and Vietnamese ordering."""

from typing import TYPE_CHECKING

from django.db import models

from lienhe213.core.text import fold

if TYPE_CHECKING:
    import datetime

    from lienhe213.accounts.access import AnyUser, Capability
    from lienhe213.members.models import Member  # noqa: F401  (the base class's "Member")
    from lienhe213.organizations.models import Organization


# The open states of a residence link (registry.models.ResidenceLink.OPEN_STATUSES).
RESIDENCE_OPEN_STATUSES = ("issued", "received", "assigned", "active")
# The reasons a link closes because the member is no longer a member
# (registry.models.ResidenceLink.EndReason.LEFT_PARTY, DIED).
DEPARTURE_REASONS = ("left_party", "died")


class MemberQuerySet(models.QuerySet["Member"]):
    def visible_to(
        self, user: "AnyUser", capability: "Capability | None" = None
    ) -> "MemberQuerySet":
        """The one gatekeeper for reading members.

        A committee role sees the members whose formal party unit lies in its subtree,
        and, for reading, also the members whose open residence link (issued, received,
        assigned or active) is held by a commune or cell in its subtree: both sides of
        the tracking book (ADR 0005). The member role sees only the user's own record;
        superusers see everyone.
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
            if capability == access.Capability.VIEW_MEMBERS:
                condition |= models.Q(self._linked_at_residence(paths))
        own = access.own_member_id(user)
        if own is not None and capability == access.Capability.VIEW_MEMBERS:
            condition |= models.Q(pk=own)
        return self.filter(condition)

    def _linked_at_residence(self, paths: list[str]) -> models.Exists:
        """Whether the member has an open residence link (issued, received, assigned
        or active) held under ``paths``.

        A correlated EXISTS, probed through the index of the member's one open link,
        not ``pk IN (ids of the linked members)``: PostgreSQL hashes such a list only
        while it fits ``work_mem`` and otherwise searches it again for every member,
        which made a province's search over the nation run for minutes; SQLite runs
        the EXISTS too 4× faster for a ward (bench/bench_nation.py, ADR 0021).

        The commune and cell keys are matched with ``among``: where PostgreSQL hashes
        the EXISTS for a long walk of the name index (a province's search), it then
        reads the subtree's links through both keys' indexes rather than scanning every
        link of the nation (a province's search at a tenth of the nation: 109 → 65 ms).
        """
        from lienhe213.organizations.models import Organization
        from lienhe213.organizations.queries import paths_condition

        links = self.model._meta.get_field("residence_links").related_model
        # Foreign keys in the ids under the paths (not path matches on joined rows), so
        # the ids are read once and each probe only looks them up (ADR 0004).
        orgs = Organization.objects.filter(paths_condition("path", paths)).values("pk")
        return models.Exists(
            links._default_manager.filter(  # type: ignore[union-attr]
                models.Q(residence_commune_organization__among=orgs)
                | models.Q(residence_cell__among=orgs),
                member_id=models.OuterRef("pk"),
                status__in=RESIDENCE_OPEN_STATUSES,
            )
        )

    def departed_before(self, day: "datetime.date") -> "MemberQuerySet":
        """Members who left the party or died before ``day``, and did not come back.

        The tracking book is where a departure is recorded: the workplace closes the
        link with the reason "left the party" or "died" (``end_link_for_departure``).
        The latest such end is the departure (annotated ``departed_on``); a member with
        an open link, or a link issued after the departure (re-admitted), has not
        departed. Members never linked have no recorded departure and are not matched.
        """
        links = self.model._meta.get_field("residence_links").related_model
        departures = links._default_manager.filter(  # type: ignore[union-attr]
            member_id=models.OuterRef("pk"), status="closed", end_reason__in=DEPARTURE_REASONS
        )
        since = links._default_manager.filter(  # type: ignore[union-attr]
            models.Q(status__in=RESIDENCE_OPEN_STATUSES)
            | models.Q(issued_on__gt=models.OuterRef("departed_on")),
            member_id=models.OuterRef("pk"),
        )
        return (
            self.annotate(
                departed_on=models.Subquery(departures.order_by("-ended_on").values("ended_on")[:1])
            )
            .filter(departed_on__lt=day)
            .exclude(models.Exists(since))
        )

    def not_anonymised(self) -> "MemberQuerySet":
        return self.filter(anonymised_on__isnull=True)

    def in_subtree(self, org: "Organization") -> "MemberQuerySet":
        return self.filter(unit_path__under=org.path)

    def citizen_id_readable_by(self, user: "AnyUser") -> "MemberQuerySet":
        """The members whose full citizen ID ``user`` may read: those they may edit.

        The one rule for the citizen ID: ``members.access.reveal_citizen_id`` shows the
        full number on it, and ``search`` matches on the number only on it, so that a
        user who sees the masked form cannot recover the hidden digits by searching.
        """
        from lienhe213.accounts.access import Capability

        return self.visible_to(user, Capability.EDIT_MEMBERS)

    def search(self, text: str, *, user: "AnyUser") -> "MemberQuerySet":
        """Diacritic- and case-insensitive search for ``user``: every word of ``text``
        must occur in the folded name or be an identifier ("dang" finds "Đặng").

        A word of 4 or more digits (in any script: ``validators.ascii_digits`` writes
        them in ASCII, as the identifiers are stored) also matches the start of a party
        card number, which everyone who sees a member sees, and a whole citizen ID, but
        only among the members whose full ID ``user`` may read
        (``citizen_id_readable_by``); for the others it matches nothing on the ID, so
        ``002173XXX312`` tried a thousand times finds no one. A citizen ID is never
        matched in part. The party card and dossier numbers are shown to every reader
        of a member (list, record, export), so they need no such rule.
        """
        from lienhe213.members.validators import ascii_digits

        words = fold(ascii_digits(text)).split()
        qs = self
        readable: MemberQuerySet | None = None
        for word in words:
            condition = models.Q(search_text__contains=word)
            if word.isascii() and word.isdigit() and len(word) >= 4:
                condition |= models.Q(party_card_number__startswith=word)
                if readable is None:
                    readable = self.model._default_manager.all().citizen_id_readable_by(user)
                # a subquery through the unique index: at most one row
                condition |= models.Q(pk__in=readable.filter(citizen_id=word).values("pk"))
            qs = qs.filter(condition)
        return qs

    def namesakes(
        self,
        *,
        family_name: str,
        middle_name: str,
        given_name: str,
        birth_date: "datetime.date",
    ) -> "MemberQuerySet":
        """Members with the same name (folded, as ``search_text`` stores it: accents,
        case, spacing and Unicode form ignored) and the same date of birth: maybe the
        same person registered twice."""
        name = fold(" ".join((family_name, middle_name, given_name)))
        return self.filter(search_text=name, birth_date=birth_date)

    def vietnamese_order(self) -> "MemberQuerySet":
        return self.order_by("name_sort_key", "pk")
