"""The member answers the comment about them (the right to know)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.comments import access
from lienhe213.comments.models import (
    CommentRequest,
)
from lienhe213.comments.services._common import (
    _lock,
    _lock_comment,
    _step,
)
from lienhe213.core.errors import DomainError


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
