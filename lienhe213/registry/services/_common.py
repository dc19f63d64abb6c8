"""Shared steps of the tracking-book services: locking, recording, common checks."""

import datetime
from typing import Any

from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.core.locking import check_version
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import (
    LinkEvent,
    ResidenceLink,
)
from lienhe213.reports import summaries

Status = ResidenceLink.Status
EndReason = ResidenceLink.EndReason
Kind = LinkEvent.Kind

# --- helpers ---------------------------------------------------------------------------


def _user(by: AnyUser) -> Any:
    return by if getattr(by, "pk", None) is not None else None


def _lock(link: ResidenceLink, version: int | None) -> ResidenceLink:
    """The stored row, locked until the transaction ends; refused when stale."""
    current = ResidenceLink.objects.select_for_update().get(pk=link.pk)
    check_version(current, version, what="entry")
    return current


def _apply(link: ResidenceLink, changes: dict[str, Any]) -> dict[str, Any]:
    """Save ``changes`` on the locked ``link``; returns the values they replaced."""
    before = audit.snapshot(link, changes)
    with summaries.changing(links=[link]):
        for name, value in changes.items():
            setattr(link, name, value)
        link.version += 1
        link.save(update_fields=[*changes, "version", "updated_at"])
    return before


def _record(
    link: ResidenceLink,
    *,
    by: AnyUser,
    kind: str,
    on: datetime.date,
    before: dict[str, Any],
    scope_path: str,
    note: str = "",
) -> None:
    """Write the step's one history event and its audit row."""
    after = audit.snapshot(link, before)
    LinkEvent.objects.create(
        link=link, kind=kind, on=on, by=_user(by), note=note, before=before, after=after
    )
    audit.record(
        by=by,
        action="update",
        obj=link,
        scope_path=scope_path,
        changes={"event": kind, **audit.diff(before, after)},
        reason=note,
    )


def _transition(
    link: ResidenceLink,
    *,
    by: AnyUser,
    kind: str,
    on: datetime.date,
    changes: dict[str, Any],
    scope_path: str,
    note: str = "",
) -> ResidenceLink:
    """Apply ``changes`` to the locked ``link`` and write its one event and audit row."""
    before = _apply(link, changes)
    _record(link, by=by, kind=kind, on=on, before=before, scope_path=scope_path, note=note)
    return link


def _require_grassroots(org: Organization) -> None:
    if not org.is_current:
        raise DomainError(_("“%(org)s” no longer exists.") % {"org": org.name})
    if not org.is_grassroots:
        raise DomainError(
            _("“%(org)s” is not a grassroots committee or grassroots cell.") % {"org": org.name}
        )


def _require_member_of(member: Member, org: Organization) -> None:
    if not member.unit_path.startswith(org.path):
        raise DomainError(
            _("“%(member)s” is not a member of “%(org)s”.")
            % {"member": member.full_name, "org": org.name}
        )


def _require_commune(org: Organization) -> Organization:
    """The stored commune committee, refused unless it is a current one."""
    org = Organization.objects.get(pk=org.pk)
    if not org.is_current or not org.is_commune_committee:
        raise DomainError(
            _("“%(org)s” is not a current commune committee.") % {"org": org.name},
            field="residence_commune",
        )
    return org


def _require_cell_of(cell: Organization, commune: Organization) -> Organization:
    cell = Organization.objects.get(pk=cell.pk)
    if (
        not cell.is_current
        or not cell.is_residential_cell
        or cell.pk == commune.pk
        or not cell.path.startswith(commune.path)
    ):
        raise DomainError(
            _("“%(cell)s” is not a current residential cell of “%(commune)s”.")
            % {"cell": cell.name, "commune": commune.name},
            field="cell",
        )
    return cell


def _require_not_before(day: datetime.date, earlier: datetime.date | None) -> None:
    if earlier is not None and day < earlier:
        raise DomainError(
            _("The date may not be before %(date)s.") % {"date": earlier.strftime("%d/%m/%Y")},
            field="date",
        )
