"""The one error a service raises when the rules refuse a move."""


class DomainError(Exception):
    """A move the rules do not allow; its message is shown to the user, next to `field` if given."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field
