"""Every write to the tracking book.

Each service checks the actor's side and scope (``registry.access``), locks the rows it
changes, asks the link whether the step is allowed, and writes exactly one
``LinkEvent`` per changed link plus one audit row, all in one transaction. A refusal
raises ``DomainError`` with a translated reason and changes nothing; a step of a link
taken by a user who is not its side raises ``core.errors.StepRefused``
(``access.require_step``), which pages and the API both answer with 403 and its message.

The functions live in one module per part of the process; import them from here.
"""

from lienhe213.registry.services.calendar import (
    add_public_holiday,
    remove_public_holiday,
    set_deadline_days,
)
from lienhe213.registry.services.classification import (
    classify_member,
    record_exemption,
    revoke_exemption,
)
from lienhe213.registry.services.letters import (
    acknowledge_link,
    assign_to_cell,
    issue_letter,
    issue_letters,
    receive_letter,
    receive_letters,
    record_presentation,
    residence_committees_for,
    return_letter,
)
from lienhe213.registry.services.lifecycle import (
    change_workplace,
    end_link_for_departure,
    exempt_temporarily,
    move_residence,
    remap_links,
    retire_member,
)

__all__ = [
    "acknowledge_link",
    "add_public_holiday",
    "assign_to_cell",
    "change_workplace",
    "classify_member",
    "end_link_for_departure",
    "exempt_temporarily",
    "issue_letter",
    "issue_letters",
    "move_residence",
    "receive_letter",
    "receive_letters",
    "record_exemption",
    "record_presentation",
    "remap_links",
    "remove_public_holiday",
    "residence_committees_for",
    "retire_member",
    "return_letter",
    "revoke_exemption",
    "set_deadline_days",
]
