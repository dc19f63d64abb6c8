"""Every write of the annual comment cycle.

Each service checks the actor's side (``comments.access.require_step``, the one table
of who takes which step), locks the request it moves,
asks the request whether the step is allowed, and writes one audit row, all in one
transaction. A refusal raises ``DomainError`` with a translated reason and changes
nothing. Edits of the draft carry the comment's ``version``: a stale one is refused
("changed meanwhile") instead of overwriting someone else's work.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienhe213.accounts.access import AnyUser
from lienhe213.comments import access
from lienhe213.comments.models import (
    FORM_ITEMS,
    OUTCOMES_FOR,
    Comment,
    CommentCampaign,
    CommentForm,
    CommentRequest,
    Purpose,
    RatingLevel,
    Recommendation,
    RecommendationFollowUp,
)
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.members.models import Member
from lienhe213.notices import services as notices
from lienhe213.notices.models import Kind as NoticeKind
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import Category, ResidenceLink
from lienhe213.registry.queries import classifications_on
from lienhe213.reminders import handoffs

Status = CommentRequest.Status

STALE = gettext_lazy("This comment was changed by someone else meanwhile. Reload it and try again.")

DRAFT_FIELDS = (
    "item_1",
    "item_2",
    "item_3",
    "item_4",
    "item_5",
    "recommendation",
    "other_comments",
    "item_a",
    "item_b",
    "item_c",
)


def _user(by: AnyUser) -> Any:
    return by if getattr(by, "pk", None) is not None else None


def _lock(request: CommentRequest, version: int | None = None) -> CommentRequest:
    """The stored request, locked until the transaction ends, with its link, its
    organizations and its comment; refused when ``version`` is stale."""
    current = (
        CommentRequest.objects.select_for_update(of=("self",))
        .select_related(
            "campaign",
            "member",
            "workplace_organization",
            "link__residence_commune_organization",
            "link__residence_cell",
            "link__workplace_organization",
        )
        .get(pk=request.pk)
    )
    if version is not None and version != current.version:
        raise DomainError(STALE)
    return current


def _lock_comment(request: CommentRequest, version: int | None) -> Comment:
    comment = Comment.objects.select_for_update().get(request=request)
    if version is not None and version != comment.version:
        raise DomainError(STALE)
    comment.request = request
    return comment


def _step(
    request: CommentRequest,
    comment: Comment,
    *,
    by: AnyUser,
    event: str,
    status: str | None,
    changes: dict[str, Any],
    scope_path: str,
    bump_comment: bool = False,
) -> CommentRequest:
    """Save ``changes`` on the comment and the new ``status`` on the request, and write
    the step's one audit row."""
    before = audit.snapshot(comment, changes)
    for name, value in changes.items():
        setattr(comment, name, value)
    if bump_comment:
        comment.version += 1
    comment.save(update_fields=[*changes, "version", "updated_at"])
    old_status = request.status
    if status is not None:
        request.status = status
    request.version += 1
    request.save(update_fields=["status", "version", "updated_at"])
    after = audit.snapshot(comment, changes)
    audit.record(
        by=by,
        action="update",
        obj=request,
        scope_path=scope_path,
        changes={
            "event": event,
            **audit.diff({"status": old_status}, {"status": request.status}),
            **audit.diff(before, after),
        },
    )
    return request


# --- the province ----------------------------------------------------------------------


@transaction.atomic
def open_campaign(
    *,
    by: AnyUser,
    province: Organization,
    year: int,
    opens_on: datetime.date,
    closes_on: datetime.date,
    deadline: datetime.date,
) -> CommentCampaign:
    """Open the year's comment campaign of a provincial committee: the window in which
    workplaces request comments and the deadline for returning them."""
    province = Organization.objects.get(pk=province.pk)
    access.require_campaign_side(by, province)
    if province.kind != Organization.Kind.PROVINCIAL_COMMITTEE or not province.is_current:
        raise DomainError(
            _("“%(org)s” is not a current provincial committee.") % {"org": province.name}
        )
    if closes_on < opens_on:
        raise DomainError(_("The window may not close before it opens."), field="closes_on")
    if deadline < opens_on:
        raise DomainError(_("The deadline may not be before the window opens."), field="deadline")
    if CommentCampaign.objects.filter(province=province, year=year).exists():
        raise DomainError(
            _("This province already has a campaign for %(year)s.") % {"year": year}, field="year"
        )
    try:
        with transaction.atomic():
            campaign = CommentCampaign.objects.create(
                province=province,
                year=year,
                opens_on=opens_on,
                closes_on=closes_on,
                deadline=deadline,
                opened_by=_user(by),
            )
    except IntegrityError as exc:
        raise DomainError(
            _("This province already has a campaign for %(year)s.") % {"year": year}, field="year"
        ) from exc
    audit.record(
        by=by,
        action="create",
        obj=campaign,
        scope_path=province.path,
        changes=audit.snapshot(campaign, ["province", "year", "opens_on", "closes_on", "deadline"]),
    )
    return campaign


# --- the workplace ---------------------------------------------------------------------


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
    fields = ["campaign", "link", "member", "form", "purpose", "requested_on", "status"]
    audit.record_many(
        by=by,
        action="create",
        entries=[(r, {"event": "requested", **audit.snapshot(r, fields)}) for r in requests],
        scope_path=workplace.path,
    )


def _may_see(request: CommentRequest) -> Any:
    return lambda user: CommentRequest.objects.visible_to(user).filter(pk=request.pk).exists()


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


@transaction.atomic
def acknowledge_comment(
    *, by: AnyUser, request: CommentRequest, version: int | None = None
) -> CommentRequest:
    """The workplace committee acknowledges the comment returned to it."""
    request = _lock(request, version)
    access.require_step(by, request, "acknowledge")
    if request.status != Status.RETURNED:
        if request.is_returned:
            raise DomainError(_("This comment was already acknowledged."))
        raise DomainError(_("Only a comment returned to the workplace can be acknowledged."))
    comment = _lock_comment(request, None)
    return _step(
        request,
        comment,
        by=by,
        event="acknowledged",
        status=Status.ACKNOWLEDGED,
        changes={"acknowledged_at": timezone.now(), "acknowledged_by": _user(by)},
        scope_path=request.workplace_organization.path,
    )


@transaction.atomic
def record_rating_use(
    *,
    by: AnyUser,
    request: CommentRequest,
    rating_level: str,
    rating_note: str,
    version: int | None = None,
) -> CommentRequest:
    """Record how the workplace used the comment in the member's annual rating: the
    rating level given and a note. Only once the comment has been returned."""
    request = _lock(request, version)
    access.require_step(by, request, "rating")
    if not request.is_returned:
        raise DomainError(
            _("The comment has not been returned yet: its use in the rating cannot be recorded.")
        )
    if rating_level not in RatingLevel.values:
        raise DomainError(_("Choose a rating level."), field="rating_level")
    comment = _lock_comment(request, None)
    changes: dict[str, Any] = {"rating_level": rating_level, "rating_note": rating_note.strip()}
    if comment.acknowledged_at is None:
        changes |= {"acknowledged_at": timezone.now(), "acknowledged_by": _user(by)}
    return _step(
        request,
        comment,
        by=by,
        event="rating_used",
        status=Status.USED,
        changes=changes,
        scope_path=request.workplace_organization.path,
    )


# The notice that tells the residence what was done with each kind of proposal.
NOTICE_KIND_FOR: dict[str, str] = {
    Recommendation.COMMEND: NoticeKind.COMMENDATION_OUTCOME,
    Recommendation.CONSIDER_HANDLING: NoticeKind.DISCIPLINE_OUTCOME,
}


def _follow_up_notice_body(
    request: CommentRequest, comment: Comment, follow_up: RecommendationFollowUp
) -> str:
    """The message to the residence: its proposal, the decision, its date and
    reference, and the note."""
    lines = [
        _(
            "Follow-up of the residence's proposal “%(recommendation)s” in the comment "
            "of %(year)s on %(member)s: %(outcome)s, decided on %(date)s."
        )
        % {
            "recommendation": comment.get_recommendation_display(),
            "year": request.campaign.year,
            "member": request.member.full_name,
            "outcome": follow_up.get_outcome_display(),
            "date": follow_up.decided_on.strftime("%d/%m/%Y"),
        }
    ]
    if follow_up.decision_reference:
        lines.append(_("Decision: %(reference)s.") % {"reference": follow_up.decision_reference})
    if follow_up.note:
        lines.append(follow_up.note)
    return "\n".join(lines)


@transaction.atomic
def record_follow_up(
    *,
    by: AnyUser,
    request: CommentRequest,
    outcome: str,
    decided_on: datetime.date,
    decision_reference: str = "",
    note: str = "",
    version: int | None = None,
) -> RecommendationFollowUp:
    """Record what the workplace committee decided on the residence's proposal to
    commend the member or to consider handling them, and tell the residence commune
    through a notice (docs/domain.md §4.7: "the outcome should be sent back to the residence").

    When the link no longer connects the two committees (closed more than
    ``notices.services.RECENTLY_CLOSED_DAYS`` ago), the decision is recorded without a
    notice. Only the workplace side, only on a returned comment whose recommendation asks for a
    decision, with an outcome that answers it, decided neither before the return nor in
    the future. Recorded once: a second record (a double submit, or someone else's
    meanwhile) is refused, so the residence is never told two different things; the
    request's ``version`` guards against a stale page.
    """
    request = _lock(request, version)
    access.require_step(by, request, "follow_up")
    if not request.is_returned:
        raise DomainError(
            _("The comment has not been returned yet: its recommendation cannot be followed up.")
        )
    comment = _lock_comment(request, None)
    outcomes = OUTCOMES_FOR.get(comment.recommendation)
    if outcomes is None:
        raise DomainError(
            _(
                "This comment proposes neither commendation nor handling: "
                "there is nothing to follow up."
            )
        )
    existing = RecommendationFollowUp.objects.filter(request=request).first()
    if existing is not None:
        raise DomainError(
            _("The follow-up of this recommendation was already recorded on %(date)s.")
            % {"date": timezone.localtime(existing.recorded_at).strftime("%d/%m/%Y")}
        )
    if outcome not in outcomes:
        raise DomainError(
            _("Choose an outcome that answers the recommendation “%(recommendation)s”.")
            % {"recommendation": comment.get_recommendation_display()},
            field="outcome",
        )
    today = timezone.localdate()
    if decided_on > today:
        raise DomainError(_("The decision date may not be in the future."), field="decided_on")
    returned_on = timezone.localdate(comment.returned_at) if comment.returned_at else None
    if returned_on is not None and decided_on < returned_on:
        raise DomainError(
            _("The decision may not be before the comment was returned (%(date)s).")
            % {"date": returned_on.strftime("%d/%m/%Y")},
            field="decided_on",
        )
    follow_up = RecommendationFollowUp(
        request=request,
        outcome=outcome,
        decided_on=decided_on,
        decision_reference=decision_reference.strip(),
        note=note.strip(),
        recorded_by=_user(by),
    )
    link = request.link
    # A link that no longer connects the committees (closed long ago, returned) carries
    # no notice: the decision is recorded all the same, and the page says it was not sent.
    if notices.link_connects(link, today):
        follow_up.notice = notices.send_notice(
            by=by,
            link=link,
            kind=NOTICE_KIND_FOR[comment.recommendation],
            sender=link.workplace_organization,
            recipient=link.residence_commune_organization,
            body=_follow_up_notice_body(request, comment, follow_up),
            sent_on=today,
        )
    follow_up.save()
    request.version += 1
    request.save(update_fields=["version", "updated_at"])
    audit.record(
        by=by,
        action="update",
        obj=request,
        scope_path=request.workplace_organization.path,
        changes={
            "event": "followed_up",
            **audit.snapshot(
                follow_up, ["outcome", "decided_on", "decision_reference", "note", "notice"]
            ),
        },
    )
    return follow_up


# --- the residential cell --------------------------------------------------------------


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


# --- the commune -----------------------------------------------------------------------


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
        except DomainError as err:
            refused.append((request, str(err)))
    return done, refused


# --- the member ------------------------------------------------------------------------


@transaction.atomic
def answer_comment(
    *, by: AnyUser, request: CommentRequest, answer: str, version: int | None = None
) -> CommentRequest:
    """The member answers in writing the comment about them (the right to know), once
    it has been returned to the workplace; one answer."""
    request = _lock(request, version)
    access.require_step(by, request, "answer")
    if not request.is_returned:
        raise DomainError(_("The comment has not been returned yet."))
    if not answer.strip():
        raise DomainError(_("Write the answer."), field="answer")
    comment = _lock_comment(request, None)
    if comment.answered_at is not None:
        raise DomainError(_("You have already answered this comment."))
    return _step(
        request,
        comment,
        by=by,
        event="answered",
        status=None,
        changes={"member_answer": answer.strip(), "answered_at": timezone.now()},
        scope_path=request.workplace_organization.path,
    )


# --- the deadline ----------------------------------------------------------------------


@transaction.atomic
def escalate_overdue_requests(*, on: datetime.date) -> list[CommentRequest]:
    """Mark every request not returned by its campaign's deadline on ``on`` as
    escalated, once (docs/domain.md §4.4: the commune and the province chase late comments).

    Running it again escalates nothing twice; returns the requests escalated now, for
    the reminder command to tell the residence commune and the province. The version is
    left alone: escalation changes nothing a person is editing.
    """
    requests = list(
        CommentRequest.objects.overdue(on=on)
        .filter(escalated_at__isnull=True)
        .select_related("link__residence_commune_organization")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    now = timezone.now()
    for request in requests:
        request.escalated_at = now
        request.save(update_fields=["escalated_at"])
        audit.record(
            by=None,
            action="update",
            obj=request,
            scope_path=request.link.residence_commune_organization.path,
            changes={"event": "escalated", "escalated_at": [None, now.isoformat()]},
        )
    return requests
