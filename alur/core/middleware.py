"""Headers every response carries (Django's SecurityMiddleware sets HSTS and nosniff), and the
answer when the database cannot be reached."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


DATABASE_UNAVAILABLE = (
    "Layanan sedang tidak dapat menjangkau basis data. Tidak ada data yang hilang; silakan coba "
    "lagi sebentar lagi."
)


class DatabaseUnavailableMiddleware:
    """A lost database connection (a restart, a failover) answers 503 with Retry-After, not
    500: the request changed nothing (its transaction was not committed), and clients, Meta's
    webhook delivery included, retry a 503. The next request reconnects by itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
        response = HttpResponse(DATABASE_UNAVAILABLE, status=503, content_type="text/plain")
        response["Retry-After"] = "5"
        return response
