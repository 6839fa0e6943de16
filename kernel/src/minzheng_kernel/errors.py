"""Domain errors: a command refused by a business rule.

``code`` is a stable machine-readable name (``notice_period_not_over``), ``field`` the input field
at fault if there is one. The kind of refusal is the class, and the HTTP layer (not the domain)
maps it to a status: ``DomainError`` (the input breaks a rule) → 422, ``Conflict`` (the current
state does not allow it) → 409, ``NotFound`` → 404.
"""

from __future__ import annotations


class DomainError(Exception):
    """The command breaks a business rule; nothing was changed."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


Refused = DomainError
"""Another name for ``DomainError`` where it reads better (``raise Refused(...)``)."""


class NotFound(DomainError):
    """The thing the command is about does not exist."""


class Conflict(DomainError):
    """The command is valid, but the current state does not allow it (or the id is taken)."""


class Forbidden(DomainError):
    """This caller may not do this: its role, its division, or a separation of duties (the one who
    investigated a case does not approve it)."""
