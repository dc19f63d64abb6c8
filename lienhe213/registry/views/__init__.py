"""Tracking-book pages: the residence book, the workplace mirror, one link and its
steps, classification, and the reconciliation worklist.

Every page fetches through a gatekeeper (404 when the user may not see the object) and
every step checks the acting side first (403 when the user sees the link but may not
take that step); the services decide whether the step fits the link's state, and their
refusal is shown on the form.

One module per part: ``pages`` (book, mirror, worklist…), ``links`` (one link and
its steps), ``subtree`` (the links of any subtree, behind a report's figures),
``calendar`` (the deadline calendar), ``restructure`` (re-mapping the links of
merged organizations) and ``bulk`` (the commune's letters waiting to be received, the
summary before a bulk issue).
"""

from lienhe213.registry.views.bulk import issue_letters_confirm, receive_letters
from lienhe213.registry.views.calendar import province_calendar
from lienhe213.registry.views.links import (
    allowed_steps,
    link_acknowledge,
    link_assign,
    link_change_workplace,
    link_detail,
    link_end,
    link_exempt,
    link_move,
    link_present,
    link_receive,
    link_retire,
    link_return,
)
from lienhe213.registry.views.pages import (
    book,
    classify,
    index,
    issue_letters,
    member_links,
    worklist,
    workplace,
)
from lienhe213.registry.views.restructure import remap
from lienhe213.registry.views.subtree import subtree_links

__all__ = [
    "allowed_steps",
    "book",
    "classify",
    "index",
    "issue_letters",
    "issue_letters_confirm",
    "link_acknowledge",
    "link_assign",
    "link_change_workplace",
    "link_detail",
    "link_end",
    "link_exempt",
    "link_move",
    "link_present",
    "link_receive",
    "link_retire",
    "link_return",
    "member_links",
    "province_calendar",
    "receive_letters",
    "remap",
    "subtree_links",
    "worklist",
    "workplace",
]
