"""The one exception a service raises when a rule forbids an action, and the one a
user gets who acts for the wrong side of a step."""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.functional import Promise


class DomainError(Exception):
    """A business rule refused the action; ``message`` is translated for the user.

    ``field`` names the input the message is about, when there is one, so that a form
    or an API response can attach it to that field.
    """

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)

    @classmethod
    def from_validation_error(cls, exc: ValidationError) -> "DomainError":
        """The first message of a model validation error, on its field when it has one."""
        if hasattr(exc, "error_dict"):
            field, messages = next(iter(exc.message_dict.items()))
            return cls(messages[0], field=None if field == NON_FIELD_ERRORS else field)
        return cls(exc.messages[0])


class StepRefused(PermissionDenied):
    """The user may see the object but does not act for the side that takes this step
    (a residence link's, a comment request's): ``message`` says why.

    A ``PermissionDenied``, not a ``DomainError``: Django answers it with 403, and DRF
    turns it into a 403 whose ``detail`` is ``message`` (``core.api`` maps only
    ``DomainError`` to 400). The pages catch it and show ``message`` on the object's
    page, with the same 403; nothing is changed. A rule of the object's state, by
    contrast, is a ``DomainError`` (400).
    """

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = str(message)

    def __str__(self) -> str:
        return self.message
