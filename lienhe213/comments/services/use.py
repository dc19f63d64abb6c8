"""The workplace committee acknowledges the returned comment, records its use in
the rating and follows up the residence's proposal."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.comments import access
from lienhe213.comments.models import (
    OUTCOMES_FOR,
    Comment,
    CommentRequest,
    RatingLevel,
    Recommendation,
    RecommendationFollowUp,
)
from lienhe213.comments.services._common import (
    Status,
    _lock,
    _lock_comment,
    _step,
    _user,
)
from lienhe213.core import audit
from lienhe213.core.errors import DomainError
from lienhe213.notices import services as notices
from lienhe213.notices.models import Kind as NoticeKind
from lienhe213.reports import summaries


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
    with summaries.changing(requests=[request]):
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
