"""Every write of the annual comment cycle.

Each service checks the actor's side (``comments.access.require_step``, the one table
of who takes which step), locks the request it moves,
asks the request whether the step is allowed, and writes one audit row, all in one
transaction. A refusal raises ``DomainError`` with a translated reason and changes
nothing. Edits of the draft carry the comment's ``version``: a stale one is refused
("changed meanwhile") instead of overwriting someone else's work.

The functions live in one module per part of the cycle; import them from here.
"""

from lienhe213.comments.services._common import (
    DRAFT_FIELDS,
)
from lienhe213.comments.services.campaigns import (
    open_campaign,
)
from lienhe213.comments.services.deadline import (
    escalate_overdue_requests,
)
from lienhe213.comments.services.member import (
    answer_comment,
)
from lienhe213.comments.services.requests import (
    request_comments,
)
from lienhe213.comments.services.residence import (
    confirm_and_return,
    confirm_and_return_comments,
    confirm_comment,
    record_front_meeting,
    return_comment,
    save_draft,
    sign_comment,
)
from lienhe213.comments.services.use import (
    NOTICE_KIND_FOR,
    acknowledge_comment,
    record_follow_up,
    record_rating_use,
)

__all__ = [
    "DRAFT_FIELDS",
    "NOTICE_KIND_FOR",
    "acknowledge_comment",
    "answer_comment",
    "confirm_and_return",
    "confirm_and_return_comments",
    "confirm_comment",
    "escalate_overdue_requests",
    "open_campaign",
    "record_follow_up",
    "record_front_meeting",
    "record_rating_use",
    "request_comments",
    "return_comment",
    "save_draft",
    "sign_comment",
]
