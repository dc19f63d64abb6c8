"""What every step of the cycle shares: the lock of the request and its comment
(with the stale ``version`` refused), the step's save and audit row."""

from typing import Any

from lienhe213.accounts.access import AnyUser
from lienhe213.comments.models import (
    Comment,
    CommentRequest,
)
from lienhe213.core import audit
from lienhe213.core.locking import check_version
from lienhe213.reports import summaries

Status = CommentRequest.Status

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
    check_version(current, version, what="comment")
    return current


def _lock_comment(request: CommentRequest, version: int | None) -> Comment:
    comment = Comment.objects.select_for_update().get(request=request)
    check_version(comment, version, what="comment")
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
    old_status = request.status
    with summaries.changing(requests=[request]):
        for name, value in changes.items():
            setattr(comment, name, value)
        if bump_comment:
            comment.version += 1
        comment.save(update_fields=[*changes, "version", "updated_at"])
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


def _may_see(request: CommentRequest) -> Any:
    return lambda user: CommentRequest.objects.visible_to(user).filter(pk=request.pk).exists()
