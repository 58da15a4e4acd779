"""What views share: running a service on behalf of a person and telling them how it went."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from alur.core.errors import DomainError
from alur.core.ratelimit import over_limit


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


# A public tracking page (an application's /lacak/, a complaint's): lookups per client address.
TRACKING_LIMIT = 10
TRACKING_WINDOW = 10 * 60  # seconds
TRACKING_TOO_MANY = (
    "Terlalu banyak percobaan dari perangkat ini. Silakan coba lagi sekitar 10 menit lagi."
)
T = TypeVar("T")


@dataclass
class Tracked(Generic[T]):
    """What a tracking page shows: the form (what was typed is kept), what was found, the one
    error for a wrong reference or a wrong number alike, and the HTTP status."""

    form: Any
    found: T | None = None
    error: str = ""
    status: int = 200


def tracking_lookup(
    request: HttpRequest,
    form_class: type[Any],
    scope: str,
    lookup: Callable[[str, str], T | None],
    no_match: str,
) -> Tracked[T]:
    """Look a case up by its reference and the last four digits of the phone it was sent from,
    when the page's form is posted: limited per client address (`core.ratelimit`), and answered
    alike whether the reference or the digits were wrong."""
    if request.method != "POST":
        return Tracked(form_class())
    form = form_class(request.POST)
    if over_limit(request, scope, TRACKING_LIMIT, TRACKING_WINDOW):
        return Tracked(form, error=TRACKING_TOO_MANY, status=429)
    if not form.is_valid():
        return Tracked(form, error=no_match if form.has_error("reference") else "")
    found = lookup(form.cleaned_data["reference"], form.cleaned_data["last4"])
    return Tracked(form, found=found, error="" if found is not None else no_match)
