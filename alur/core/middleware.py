"""Headers every response carries (Django's SecurityMiddleware sets HSTS and nosniff), the
answer when the database cannot be reached, and the short path of machine-to-machine endpoints
past the middleware they never use."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.template.loader import render_to_string
from django.urls import get_script_prefix, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

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
)  # the 503 page (errors/503.html) for browsers, this sentence as plain text for machines


def _retry_url(request: HttpRequest) -> str:
    """Where "Coba lagi" leads: the page itself, or for a form sent, the page it was on."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    back = request.headers.get("Referer", "")
    allowed = {request.get_host()}
    ours = url_has_allowed_host_and_scheme(back, allowed_hosts=allowed)
    return back if ours else "/"


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
        if "text/html" in request.headers.get("Accept", ""):
            # A person's browser: the page in the shell, drawn without the request's context
            # (the menu, the session and the user all need the database).
            page = render_to_string(
                "errors/503.html",
                {"message": DATABASE_UNAVAILABLE, "retry_url": _retry_url(request)},
            )
            response = HttpResponse(page, status=503)
        else:  # machines (Meta's webhook delivery, scripts) read the plain sentence
            response = HttpResponse(DATABASE_UNAVAILABLE, status=503, content_type="text/plain")
        response["Retry-After"] = "5"
        return response


METHOD_NOT_ALLOWED = (
    "Halaman ini hanya menerima kiriman formulir. Kembali ke halaman sebelumnya dan gunakan "
    "tombolnya."
)


class MethodNotAllowedPageMiddleware:
    """Django answers a GET to a form's address (`require_POST`) with an empty 405, which a
    browser shows as a blank page: a person (a reloaded or shared address) gets the error page
    in Bahasa Indonesia instead; machines keep the empty answer and its Allow header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.content
            and "text/html" in request.headers.get("Accept", "")
        ):
            response.content = render_to_string(
                "errors/405.html", {"message": METHOD_NOT_ALLOWED}, request
            ).encode()
            response["Content-Type"] = "text/html; charset=utf-8"
        return response


class ShortPathMiddleware:
    """The views named in `SHORT_PATH_URL_NAMES` (the WhatsApp webhook) skip the rest of the
    stack and the URL resolver: they use no session, user, message, CSRF token or language,
    and the rest of the stack was about a fifth of the webhook's time in the web process.

    Placed right after Django's SecurityMiddleware (HTTPS redirect, HSTS, nosniff, referrer
    policy), which stays in force. What the skipped middleware would still do for these views
    is done here: the Host header checked against ALLOWED_HOSTS (CommonMiddleware), the
    security headers (SecurityHeadersMiddleware, XFrameOptionsMiddleware) and the 503 of a lost
    database (DatabaseUnavailableMiddleware). Any other path goes down the full stack.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.database_unavailable = DatabaseUnavailableMiddleware(get_response)
        self.views: dict[str, Callable[[HttpRequest], HttpResponse]] | None = None
        # Django's middleware may answer an awaitable; over the synchronous call_view it does not.
        frame_options = cast(
            Callable[[HttpRequest], HttpResponse], XFrameOptionsMiddleware(self.call_view)
        )
        self.respond = SecurityHeadersMiddleware(frame_options)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.views is None:  # the URLconf is read on the first request, not at import
            self.views = {}
            for name in settings.SHORT_PATH_URL_NAMES:
                path_info = "/" + reverse(name).removeprefix(get_script_prefix())
                self.views[path_info] = resolve(path_info).func
        if request.path_info not in self.views:
            return self.get_response(request)
        request.get_host()  # DisallowedHost (400) for a host outside ALLOWED_HOSTS
        return self.respond(request)

    def call_view(self, request: HttpRequest) -> HttpResponse:
        view = (self.views or {})[request.path_info]  # filled before the first call here
        try:
            return view(request)
        except (OperationalError, InterfaceError) as error:
            response = self.database_unavailable.process_exception(request, error)
            assert response is not None  # noqa: S101 - it answers every database error
            return response
