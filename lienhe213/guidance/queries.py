"""Reusable reads of the guidance: entries (every signed-in user reads them), the
folded search over them, and the province notes a user reads (their own province's)."""

from typing import TYPE_CHECKING, Any

from django.db import models

from lienhe213.core.text import fold

if TYPE_CHECKING:
    from lienhe213.accounts.access import AnyUser
    from lienhe213.guidance.models import GuidanceEntry, ProvinceNote  # noqa: F401


def ancestor_ids_of(user: "AnyUser") -> set[int]:
    """The ids of every organization on the way from the root to each organization the
    user holds a role in (``accounts.access.roles_of``: no query once cached). A
    province's officers, clerks, secretaries and members all have the provincial
    committee among them."""
    from lienhe213.accounts.access import roles_of

    return {int(part) for _role, path in roles_of(user) for part in path.split(".") if part}


class GuidanceEntryQuerySet(models.QuerySet["GuidanceEntry"]):
    def visible_to(self, user: "AnyUser") -> "GuidanceEntryQuerySet":
        """The texts of the rules are for every signed-in user, whatever their role;
        nobody else (the pages and the API ask for a login)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.all()

    def for_step(self, step: str) -> "GuidanceEntryQuerySet":
        return self.filter(step=step)

    def search(self, query: str) -> "GuidanceEntryQuerySet":
        """Entries whose title, source or current wording holds ``query``, case and
        diacritics folded ("mien" finds "miễn", "khoan 7" finds "khoản 7"; ADR 0003)."""
        folded = fold(query)
        return self.filter(search_folded__contains=folded) if folded else self

    def with_current(self) -> "GuidanceEntryQuerySet":
        return self.select_related("current_version")


class ProvinceNoteQuerySet(models.QuerySet["ProvinceNote"]):
    def visible_to(self, user: "AnyUser") -> "ProvinceNoteQuerySet":
        """A province's notes are read by the users of that province: anyone holding a
        role in its tree. A superuser reads every province's."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(province_id__in=ancestor_ids_of(user))

    def with_names(self) -> "ProvinceNoteQuerySet":
        return self.select_related("province", "author")


def search_text(*parts: Any) -> str:
    """The folded text the search looks in."""
    return fold(" ".join(str(p) for p in parts if p))
