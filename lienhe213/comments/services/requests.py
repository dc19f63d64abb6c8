"""The workplace committee requests comments on many members at once; the cells
are told."""

import datetime
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.comments import access
from lienhe213.comments.models import (
    Comment,
    CommentCampaign,
    CommentForm,
    CommentRequest,
    Purpose,
)
from lienhe213.comments.services._common import (
    _may_see,
    _user,
)
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import Category, ResidenceLink
from lienhe213.registry.queries import classifications_on
from lienhe213.reminders import handoffs
from lienhe213.reports import summaries


@transaction.atomic
def request_comments(
    *,
    by: AnyUser,
    campaign: CommentCampaign,
    workplace: Organization,
    members: Sequence[Member],
    requested_on: datetime.date,
    purpose: str = "",
) -> list[CommentRequest]:
    """Ask the residence for comments on many members of a workplace at once: form
    3-213 for normal members; for category A only on demand, with form 4-213 and a
    stated ``purpose``; never for category B. Each member needs an active residence
    link answering to the workplace's subtree. All or nothing."""
    workplace = Organization.objects.select_for_update().get(pk=workplace.pk)
    access.require_workplace_side(by, workplace)
    campaign = CommentCampaign.objects.get(pk=campaign.pk)
    _check_campaign(campaign, workplace=workplace, requested_on=requested_on, purpose=purpose)
    ids = _member_ids(members)
    requests = _new_requests(
        ids,
        by=by,
        campaign=campaign,
        workplace=workplace,
        requested_on=requested_on,
        purpose=purpose,
    )
    _save_requests(requests, by=by, workplace=workplace)
    _notify_cells(requests, workplace=workplace, campaign=campaign, by=by)
    return requests


def _check_campaign(
    campaign: CommentCampaign,
    *,
    workplace: Organization,
    requested_on: datetime.date,
    purpose: str,
) -> None:
    """The campaign is the workplace's province's, its window is open on
    ``requested_on``, and ``purpose`` (if any) is one of form 4-213's."""
    if not workplace.path.startswith(campaign.province.path):
        raise DomainError(_("This campaign is not the workplace's province's."), field="campaign")
    if not campaign.opens_on <= requested_on <= campaign.closes_on:
        raise DomainError(
            _("Comments may be requested only between %(opens)s and %(closes)s.")
            % {
                "opens": campaign.opens_on.strftime("%d/%m/%Y"),
                "closes": campaign.closes_on.strftime("%d/%m/%Y"),
            },
            field="requested_on",
        )
    if purpose and purpose not in Purpose.values:
        raise DomainError(_("Choose a valid purpose."), field="purpose")


def _member_ids(members: Sequence[Member]) -> list[int]:
    """The chosen members' ids: at least one, none twice."""
    ids = [m.pk for m in members]
    if not ids:
        raise DomainError(_("Choose at least one member."), field="members")
    if len(set(ids)) != len(ids):
        raise DomainError(_("A member is listed twice."), field="members")
    return ids


def _new_requests(
    ids: list[int],
    *,
    by: AnyUser,
    campaign: CommentCampaign,
    workplace: Organization,
    requested_on: datetime.date,
    purpose: str,
) -> list[CommentRequest]:
    """One unsaved request per member, in the order given, or the first member's
    reason why none may be asked (read in a fixed number of queries)."""
    stored = Member.objects.in_bulk(ids)
    links = {
        link.member_id: link
        for link in ResidenceLink.objects.open()
        .filter(member_id__in=ids)
        .select_related("workplace_organization")
    }
    categories = classifications_on(ids, requested_on)
    already = set(
        CommentRequest.objects.filter(campaign=campaign, member_id__in=ids).values_list(
            "member_id", "purpose"
        )
    )
    requests: list[CommentRequest] = []
    for pk in ids:
        member = stored[pk]
        if categories.get(pk) == Category.B:
            raise DomainError(
                _("“%(member)s” is exempt from introduction (category B): no comment is asked.")
                % {"member": member.full_name}
            )
        link = _requestable_link(member, links.get(pk), workplace=workplace)
        form, member_purpose = _form_for(member, link, purpose)
        if (pk, member_purpose) in already:
            raise DomainError(
                _("A comment on “%(member)s” is already requested in this campaign.")
                % {"member": member.full_name}
            )
        requests.append(
            CommentRequest(
                campaign=campaign,
                link=link,
                member=member,
                workplace_organization=workplace,
                form=form,
                purpose=member_purpose,
                requested_on=requested_on,
                requested_by=_user(by),
            )
        )
    return requests


def _requestable_link(
    member: Member, link: ResidenceLink | None, *, workplace: Organization
) -> ResidenceLink:
    """The member's active residence link, answering to ``workplace``'s subtree."""
    names = {"member": member.full_name}
    if link is None or link.status != ResidenceLink.Status.ACTIVE:
        raise DomainError(_("“%(member)s” has no active residence link.") % names)
    if not link.workplace_organization.path.startswith(workplace.path):
        raise DomainError(
            _("The residence link of “%(member)s” answers to another workplace.") % names
        )
    return link


def _form_for(member: Member, link: ResidenceLink, purpose: str) -> tuple[str, str]:
    """The form and purpose of the member's request: 3-213 without a purpose for a
    normal member, 4-213 with the stated purpose for category A (refused without)."""
    if link.category != Category.A:
        return CommentForm.NORMAL, ""
    if not purpose:
        raise DomainError(
            _(
                "“%(member)s” is in category A: a comment (form 4-213) is asked only "
                "on demand, with its purpose."
            )
            % {"member": member.full_name},
            field="purpose",
        )
    return CommentForm.CATEGORY_A, purpose


def _save_requests(requests: list[CommentRequest], *, by: AnyUser, workplace: Organization) -> None:
    """Insert the requests with their empty comments and one audit row each."""
    try:
        with transaction.atomic():
            CommentRequest.objects.bulk_create(requests)
    except IntegrityError as exc:
        raise DomainError(
            _("A comment on one of these members was requested at the same time. Try again.")
        ) from exc
    Comment.objects.bulk_create(Comment(request=request) for request in requests)
    summaries.added(requests=requests)
    fields = ["campaign", "link", "member", "form", "purpose", "requested_on", "status"]
    audit.record_many(
        by=by,
        action="create",
        entries=[(r, {"event": "requested", **audit.snapshot(r, fields)}) for r in requests],
        scope_path=workplace.path,
    )


def _notify_cells(
    requests: Sequence[CommentRequest],
    *,
    workplace: Organization,
    campaign: CommentCampaign,
    by: AnyUser,
) -> None:
    """Tell each residential cell's secretaries, once per request batch, that comments
    wait to be written (the first member named, the others counted)."""
    by_cell: dict[int, list[CommentRequest]] = {}
    for request in requests:
        if request.link.residence_cell_id is not None:
            by_cell.setdefault(request.link.residence_cell_id, []).append(request)
    for cell_requests in by_cell.values():
        first = cell_requests[0]
        cell = first.link.residence_cell
        assert cell is not None
        handoffs.notify(
            kind=handoffs.Kind.COMMENTS_REQUESTED,
            key=f"{handoffs.Kind.COMMENTS_REQUESTED}:{cell.pk}:{first.pk}",
            object_id=cell.pk,
            params={
                "workplace": workplace.name,
                "cell": cell.name,
                "member": first.member.full_name,
                "count": len(cell_requests),
                "year": campaign.year,
                "deadline": campaign.deadline.isoformat(),
                "on": first.requested_on.isoformat(),
            },
            path=cell.path,
            roles=handoffs.CELL,
            by=by,
            may_see=_may_see(first),
        )
