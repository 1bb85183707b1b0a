"""Exception raised for every invalid input or impossible estimation.

User-facing messages are in French (the application serves a French prefecture); the
``code`` attribute is a stable English identifier that callers (the Django views, the CLI,
tests) can switch on without parsing the message.
"""

from __future__ import annotations


class EstimationError(ValueError):
    """Invalid capture-history table or estimation that cannot be carried out.

    ``str(error)`` is a complete sentence in French, suitable for display to the user.
    ``error.code`` is a short machine-readable identifier such as ``"empty_table"``.
    """

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message
