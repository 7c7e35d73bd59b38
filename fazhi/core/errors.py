"""Domain errors: a rule said no. Views show the message; the API answers 4xx with a code."""

from __future__ import annotations


class DomainError(Exception):
    """A refused action. ``code`` is machine-readable; ``message`` is Chinese for the user."""

    status = 409
    code = "not_allowed"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"


class Conflict(DomainError):
    code = "conflict"


class InvalidInput(DomainError):
    status = 400
    code = "invalid_input"
