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


def form_data(form: Any) -> dict[str, Any]:
    """A bound form's cleaned data, or a DomainError naming each field's problem (in the form's
    own words, Bahasa Indonesia) for a service that takes the form's values."""
    if form.is_valid():
        return form.cleaned_data
    problems = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        problems.append(f"{label}: {text}" if label else text)
    raise DomainError(" ".join(problems))


def int_param(
    request: HttpRequest,
    name: str,
    default: int | None = None,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """A whole number from the query string (`?tahun=2026`): ASCII digits only ("²" and "١"
    pass `str.isdigit` but are not taken), within the bounds; `default` otherwise."""
    raw = request.GET.get(name, "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        return default
    value = int(raw)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        return default
    return value
