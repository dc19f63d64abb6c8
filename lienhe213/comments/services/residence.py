"""The residence's part: the cell drafts, records the Front meeting and signs; the
commune that holds the link confirms and returns, one by one or in bulk."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.comments import access
from lienhe213.comments.models import (
    FORM_ITEMS,
    Comment,
    CommentForm,
    CommentRequest,
    Recommendation,
)
from lienhe213.comments.services._common import (
    Status,
    _lock,
    _lock_comment,
    _may_see,
    _step,
    _user,
)
from lienhe213.core.errors import DomainError, StepRefused
from lienhe213.reminders import handoffs

# --- the residential cell ---


def _require_editable(request: CommentRequest) -> None:
    if not request.can_be_edited():
        raise DomainError(_("This comment is signed: it can no longer be changed."))


@transaction.atomic
def save_draft(
    *,
    by: AnyUser,
    request: CommentRequest,
    version: int | None,
    values: dict[str, str],
) -> CommentRequest:
    """Save the cell's draft of the comment: the levels of the items of its form, the
    recommendation and the free text. The cell secretary writes it; the commune clerk
    may help. ``version`` is the comment's version the editor started from: if someone
    saved in between, the save is refused rather than overwriting their work."""
    request = _lock(request)
    access.require_step(by, request, "draft")
    _require_editable(request)
    comment = _lock_comment(request, version)
    items = FORM_ITEMS[request.form]
    allowed = {*items, "other_comments"}
    if request.form == CommentForm.NORMAL:
        allowed.add("recommendation")
    unknown = set(values) - allowed
    if unknown:
        raise DomainError(
            _("Form %(form)s has no item “%(item)s”.")
            % {"form": request.form, "item": sorted(unknown)[0]},
            field=sorted(unknown)[0],
        )
    changes: dict[str, Any] = {}
    for name, value in values.items():
        value = (value or "").strip()
        scale = items.get(name) or (Recommendation if name == "recommendation" else None)
        if scale is not None and value and value not in scale.values:
            raise DomainError(_("Choose one of the three levels."), field=name)
        changes[name] = value
    return _step(
        request,
        comment,
        by=by,
        event="drafted",
        status=Status.DRAFTED,
        changes=changes,
        scope_path=request.link.residence_commune_organization.path,
        bump_comment=True,
    )


@transaction.atomic
def record_front_meeting(
    *,
    by: AnyUser,
    request: CommentRequest,
    met_on: datetime.date,
    participants: str,
    version: int | None = None,
) -> CommentRequest:
    """Record the joint meeting of the cell committee with the Front work committee
    at which the comment was agreed (33-HD §2.2): its date and who took part."""
    request = _lock(request)
    access.require_step(by, request, "front_meeting")
    _require_editable(request)
    comment = _lock_comment(request, version)
    if not participants.strip():
        raise DomainError(_("Name the participants of the meeting."), field="participants")
    if met_on < request.requested_on:
        raise DomainError(
            _("The meeting may not be before the request (%(date)s).")
            % {"date": request.requested_on.strftime("%d/%m/%Y")},
            field="met_on",
        )
    return _step(
        request,
        comment,
        by=by,
        event="front_meeting",
        status=Status.DRAFTED,
        changes={"front_meeting_on": met_on, "front_meeting_participants": participants.strip()},
        scope_path=request.link.residence_commune_organization.path,
        bump_comment=True,
    )


@transaction.atomic
def sign_comment(
    *, by: AnyUser, request: CommentRequest, version: int | None = None
) -> CommentRequest:
    """The cell secretary signs the comment on behalf of the cell, once: every item has
    its level and the Front work committee meeting is recorded."""
    request = _lock(request)
    access.require_step(by, request, "sign")
    comment = _lock_comment(request, version)
    if comment.signed_at is not None:
        raise DomainError(
            _("This comment was already signed on %(date)s.")
            % {"date": timezone.localtime(comment.signed_at).strftime("%d/%m/%Y")}
        )
    missing = comment.missing_items()
    if missing:
        label = getattr(Comment._meta.get_field(missing[0]), "verbose_name", missing[0])
        raise DomainError(
            _("Fill in every item before signing: “%(item)s” has no level.") % {"item": label},
            field=missing[0],
        )
    if comment.front_meeting_on is None:
        raise DomainError(
            _("Record the meeting with the Front work committee before signing."),
            field="front_meeting_on",
        )
    request = _step(
        request,
        comment,
        by=by,
        event="signed",
        status=Status.SIGNED,
        changes={"signed_at": timezone.now(), "signed_by": _user(by)},
        scope_path=request.link.residence_commune_organization.path,
    )
    commune = request.link.residence_commune_organization
    cell = request.link.residence_cell
    handoffs.notify(
        kind=handoffs.Kind.COMMENT_SIGNED,
        key=f"{handoffs.Kind.COMMENT_SIGNED}:{request.pk}",
        object_id=request.pk,
        params={
            "cell": cell.name if cell is not None else "",
            "member": request.member.full_name,
            "workplace": request.workplace_organization.name,
            "on": timezone.localdate().isoformat(),
        },
        path=commune.path,
        roles=handoffs.COMMUNE,
        by=by,
        may_see=_may_see(request),
    )
    return request


# --- the commune ---


@transaction.atomic
def confirm_comment(
    *, by: AnyUser, request: CommentRequest, version: int | None = None
) -> CommentRequest:
    """The committee of the commune that holds the member's link confirms the signed
    comment."""
    request = _lock(request, version)
    access.require_step(by, request, "confirm")
    if request.status != Status.SIGNED:
        if request.status in (Status.REQUESTED, Status.DRAFTED):
            raise DomainError(_("The cell has not signed this comment yet."))
        raise DomainError(_("This comment was already confirmed."))
    comment = _lock_comment(request, None)
    return _step(
        request,
        comment,
        by=by,
        event="confirmed",
        status=Status.CONFIRMED,
        changes={"confirmed_at": timezone.now(), "confirmed_by": _user(by)},
        scope_path=request.link.residence_commune_organization.path,
    )


@transaction.atomic
def return_comment(
    *, by: AnyUser, request: CommentRequest, version: int | None = None
) -> CommentRequest:
    """The commune sends the confirmed comment back to the workplace committee."""
    request = _lock(request, version)
    access.require_step(by, request, "return")
    if request.status != Status.CONFIRMED:
        if request.is_returned:
            raise DomainError(_("This comment was already returned to the workplace."))
        raise DomainError(_("Only a confirmed comment can be returned to the workplace."))
    comment = _lock_comment(request, None)
    request = _step(
        request,
        comment,
        by=by,
        event="returned",
        status=Status.RETURNED,
        changes={"returned_at": timezone.now()},
        scope_path=request.link.residence_commune_organization.path,
    )
    handoffs.notify(
        kind=handoffs.Kind.COMMENT_RETURNED,
        key=f"{handoffs.Kind.COMMENT_RETURNED}:{request.pk}",
        object_id=request.pk,
        params={
            "commune": request.link.residence_commune_organization.name,
            "member": request.member.full_name,
            "on": timezone.localdate().isoformat(),
        },
        path=request.workplace_organization.path,
        roles=handoffs.WORKPLACE,
        by=by,
        may_see=_may_see(request),
    )
    return request


@transaction.atomic
def confirm_and_return(
    *, by: AnyUser, request: CommentRequest, version: int | None = None
) -> CommentRequest:
    """The commune's bulk step on one comment: confirm it if the cell has signed it and
    it is not confirmed yet, then return it to the workplace — both or neither, each
    with its own audit row, through ``confirm_comment`` and ``return_comment`` and their
    rules. ``version`` is the request's version the list showed."""
    stored = _lock(request, version)
    if stored.status in (Status.REQUESTED, Status.DRAFTED, Status.SIGNED):
        stored = confirm_comment(by=by, request=stored)
    return return_comment(by=by, request=stored)


def confirm_and_return_comments(
    *, by: AnyUser, requests: Sequence[tuple[CommentRequest, int | None]]
) -> tuple[list[CommentRequest], list[tuple[CommentRequest, str]]]:
    """Confirm and return many comments from the commune's list: each ``(request,
    version)`` through ``confirm_and_return`` in its own transaction.

    Each on its own, not all or nothing: a clerk returning the comments of a campaign
    expects the ready ones to reach their workplaces, and the one a colleague returned
    meanwhile, or that the cell has not signed, named with its reason. Returns the
    returned requests and the refused ones with the reason.
    """
    done: list[CommentRequest] = []
    refused: list[tuple[CommentRequest, str]] = []
    for request, version in requests:
        try:
            done.append(confirm_and_return(by=by, request=request, version=version))
        except (DomainError, StepRefused) as err:
            refused.append((request, str(err)))
    return done, refused
