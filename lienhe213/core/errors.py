"""The one exception a service raises when a rule forbids an action."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
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
