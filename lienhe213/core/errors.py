"""The one exception a service raises when a rule forbids an action."""

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
