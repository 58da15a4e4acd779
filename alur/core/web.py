"""What views share: running a service on behalf of a person and telling them how it went."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from alur.core.errors import DomainError


def error_text(error: Exception) -> str:
    """The message of a refused request, as the person should read it."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return getattr(error, "message", None) or str(error)


def run_service(request: HttpRequest, call: Callable[[], Any], success: str) -> bool:
    """Call a service; flash `success`, or the reason it was refused. True when it went through."""
    try:
        call()
    except (DomainError, ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        return False
    messages.success(request, success)
    return True
