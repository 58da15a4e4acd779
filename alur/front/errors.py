"""The error pages: 400, 403 (and a refused CSRF token), 404 and 500, in Bahasa Indonesia inside
the staff shell. They answer the same with DEBUG on or off; the 503 of a lost database is drawn
by `alur.core.middleware.DatabaseUnavailableMiddleware` from `errors/503.html`."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

log = logging.getLogger(__name__)

NOT_FOUND = (
    "Alamat ini tidak ada, sudah dipindahkan, atau berisi data kantor lain yang tidak dapat "
    "Anda buka."
)
DENIED = "Anda tidak memiliki wewenang untuk membuka halaman ini."
CSRF_EXPIRED = (
    "Formulir ini sudah kedaluwarsa (halaman dibuka terlalu lama, atau Anda sudah keluar dan "
    "masuk lagi). Tidak ada yang tersimpan. Buka lagi halaman formulirnya, lalu kirim lagi."
)
SERVER_ERROR = (
    "Terjadi kesalahan di server. Kesalahan ini sudah dicatat untuk petugas teknis; data yang "
    "sedang Anda kirim mungkin belum tersimpan. Silakan periksa, lalu coba lagi."
)
BAD_REQUEST = "Permintaan ini tidak dapat diproses. Periksa alamatnya, lalu coba lagi."


def _page(
    request: HttpRequest | None, status: int, context: dict[str, Any], *, plain: bool = False
) -> HttpResponse:
    """Render `errors/<status>.html` inside the shell (menu included when signed in). When the
    shell itself cannot be drawn (the error came from the database or a context processor), or
    `plain` is asked, the same page without the request's context: no menu, no database."""
    template = f"errors/{status}.html"
    if not plain:
        try:
            return HttpResponse(render_to_string(template, context, request), status=status)
        except Exception:  # the error page must answer whatever broke
            log.exception("error page %s drawn without the shell", status)
    return HttpResponse(render_to_string(template, context), status=status)


def _message(exception: BaseException | None, default: str) -> str:
    """A PermissionDenied of ours carries its reason in Bahasa Indonesia; Django's own (admin,
    decorators) carry none, and get the default."""
    return str(exception or "").strip() or default


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return _page(request, 400, {"message": BAD_REQUEST})


def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return _page(request, 403, {"message": _message(exception, DENIED)})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with a missing or stale CSRF token (Django's reason is English: logged only).
    The way back is the page the form was on, when it is ours; the form's own address often
    takes only a POST."""
    log.info("CSRF refused for %s: %s", request.path, reason)
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    return _page(request, 403, {"message": CSRF_EXPIRED, "csrf": True, "back_url": back})


def page_not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return _page(request, 404, {"message": NOT_FOUND})


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(request, 500, {"message": SERVER_ERROR})
