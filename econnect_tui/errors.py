"""Errors an operator can act on. Their text is one French sentence, shown as is."""

from __future__ import annotations


class UserError(Exception):
    """A problem the operator can fix: shown as one French sentence, never as a traceback."""

    exit_code = 1


class NotFound(UserError):
    """A code names no record."""


class ValidationFailed(UserError):
    """Input refused whole; `errors` lists every located reason."""

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.errors = list(errors or [])


class Busy(UserError):
    """Another process holds what this one needs (a reception lock, the database)."""
