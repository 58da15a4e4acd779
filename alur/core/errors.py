"""Errors that services raise. Their message is for the user, in Bahasa Indonesia."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["ConflictError", "DomainError", "PermissionDenied", "ValidationError"]


class DomainError(Exception):
    """A request that the domain refuses; `message` is shown to the user as it is."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class ConflictError(DomainError):
    """Someone else changed the same thing first (double submit, two officers on one case)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="conflict")
