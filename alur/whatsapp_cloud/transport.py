"""The one module that talks to the WhatsApp Cloud API (Meta's Graph API), over httpx.

Every call is synchronous and made by workers, never inside a request or an open transaction.
Base URL, access token and timeout come from settings (`WHATSAPP_API_BASE`,
`WHATSAPP_ACCESS_TOKEN`, `WHATSAPP_TIMEOUT_SECONDS`); one `httpx.Client` per process is reused
and rebuilt when those settings change (tests) or the process forks (workers).

Every failure is a `WhatsAppError` whose `retryable` says whether trying again can help and whose
`reason` tells staff, in Bahasa Indonesia, what went wrong. The access token is never logged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from django.conf import settings

log = logging.getLogger(__name__)

__all__ = [
    "TEMPLATE_FIELDS",
    "MediaInfo",
    "SendResult",
    "TemplatePage",
    "WhatsAppError",
    "classify",
    "download_media",
    "media_info",
    "message_templates",
    "reset_client",
    "send_document",
    "send_image",
    "send_template",
    "send_text",
    "status_error",
    "upload_media",
]


@dataclass(frozen=True)
class SendResult:
    message_id: str  # "wamid.…": matches the `id` of later status notifications
    wa_id: str | None  # the recipient's WhatsApp id as the API normalised the number


@dataclass(frozen=True)
class TemplatePage:
    templates: list[dict[str, Any]]  # one object per template (name + language)
    after: str | None  # the cursor of the next page; None on the last one


# What a template sync asks of each template (`GET /{WABA-ID}/message_templates?fields=`).
TEMPLATE_FIELDS = ("id", "name", "language", "category", "status", "components", "rejected_reason")


@dataclass(frozen=True)
class MediaInfo:
    url: str  # short-lived download URL (Meta: five minutes); needs the bearer token
    mime_type: str
    sha256: str
    file_size: int


class WhatsAppError(Exception):
    """A call to the Cloud API that did not succeed.

    `code` is the Graph API error code when the API sent one (131047, 190, …), `http_status`
    the HTTP status when there was a response, `retryable` whether the same call can succeed
    later (throttling, outages, timeouts), `reason` a short explanation for staff, and
    `retry_after` the seconds the server asked us to wait, when it said so.
    """

    def __init__(
        self,
        reason: str,
        *,
        retryable: bool,
        code: int | None = None,
        http_status: int | None = None,
        retry_after: float | None = None,
        error_subcode: int | None = None,
        details: str = "",
        fbtrace_id: str = "",
    ) -> None:
        self.reason = reason
        self.retryable = retryable
        self.code = code
        self.http_status = http_status
        self.retry_after = retry_after
        self.error_subcode = error_subcode
        self.details = details
        self.fbtrace_id = fbtrace_id
        super().__init__(str(self))

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, for task queues
        fields = {key: value for key, value in vars(self).items() if key != "reason"}
        return (_restore_error, (self.reason, fields))

    def __str__(self) -> str:
        parts = [self.reason]
        if self.code is not None:
            parts.append(f"kode {self.code}")
        if self.http_status is not None:
            parts.append(f"HTTP {self.http_status}")
        if self.details:
            parts.append(self.details)
        return " | ".join(parts)


def _restore_error(reason: str, fields: dict[str, Any]) -> WhatsAppError:
    return WhatsAppError(reason, **fields)


# Graph API error code → (retryable, reason for staff). Codes from Meta's Cloud API error table.
_CODES: dict[int, tuple[bool, str]] = {
    0: (False, "Token akses WhatsApp tidak dapat diautentikasi: perlu token baru"),
    1: (True, "Kesalahan tak dikenal di WhatsApp; akan dicoba lagi"),
    2: (True, "Layanan WhatsApp sedang gangguan atau sibuk; akan dicoba lagi"),
    3: (False, "Aplikasi WhatsApp tidak punya izin untuk permintaan ini"),
    4: (True, "Batas jumlah panggilan API tercapai; akan dicoba lagi"),
    10: (False, "Izin aplikasi WhatsApp belum diberikan atau sudah dicabut"),
    33: (False, "Nomor bisnis WhatsApp sudah dihapus atau tidak sah"),
    100: (False, "Parameter permintaan ke WhatsApp tidak sah"),
    190: (False, "Token akses WhatsApp tidak sah atau kedaluwarsa"),
    368: (False, "Akun WhatsApp Business diblokir sementara karena pelanggaran kebijakan"),
    80007: (True, "Batas laju akun WhatsApp Business tercapai; akan dicoba lagi"),
    130429: (True, "Batas kecepatan kirim WhatsApp tercapai; akan dicoba lagi"),
    130497: (False, "Akun WhatsApp Business dibatasi mengirim ke negara penerima"),
    131000: (True, "Terjadi kesalahan di WhatsApp; akan dicoba lagi"),
    131005: (False, "Akses ditolak: izin aplikasi WhatsApp tidak cukup"),
    131008: (False, "Parameter wajib tidak ada dalam permintaan ke WhatsApp"),
    131009: (False, "Nilai parameter tidak sah"),
    131016: (True, "Layanan WhatsApp sedang tidak tersedia; akan dicoba lagi"),
    131021: (False, "Nomor penerima sama dengan nomor pengirim"),
    131026: (False, "Nomor tidak terdaftar di WhatsApp atau tidak dapat menerima pesan"),
    131031: (False, "Akun WhatsApp Business dikunci"),
    131042: (False, "Ada masalah pembayaran akun WhatsApp Business"),
    131045: (False, "Nomor bisnis belum terdaftar dengan benar di WhatsApp"),
    131047: (False, "Di luar jendela 24 jam: gunakan pesan templat"),
    131048: (True, "Pengiriman dibatasi karena banyak pesan ditandai spam; akan dicoba lagi"),
    131051: (False, "Jenis pesan tidak didukung"),
    131052: (False, "Media kiriman warga tidak dapat diunduh"),
    131053: (False, "Media tidak dapat diunggah atau diproses (format atau ukuran)"),
    131056: (True, "Terlalu banyak pesan ke nomor yang sama dalam waktu singkat; akan dicoba lagi"),
    132000: (False, "Jumlah parameter templat tidak sesuai"),
    132001: (False, "Templat tidak ada atau belum disetujui untuk bahasa ini"),
    132005: (False, "Teks templat terlalu panjang setelah diisi"),
    132007: (False, "Isi templat melanggar kebijakan format"),
    132012: (False, "Format parameter templat tidak sesuai"),
    132015: (False, "Templat dijeda karena kualitasnya rendah"),
    132016: (False, "Templat dinonaktifkan karena kualitasnya rendah"),
    133004: (True, "Server WhatsApp sementara tidak tersedia; akan dicoba lagi"),
    133010: (False, "Nomor bisnis belum terdaftar di Cloud API"),
}
_NOT_FOUND = "Objek tidak ada di WhatsApp atau tidak dapat diakses"
_MEDIA_GONE = "Media tidak tersedia lagi di WhatsApp (kedaluwarsa atau sudah dihapus)"
_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,128}")
_ERROR_BODY_LIMIT = 64 * 1024

_lock = threading.Lock()
_client: httpx.Client | None = None
_client_key: tuple[str, str, float, int] | None = None


def reset_client() -> None:
    """Close the cached client; the next call builds one from the current settings."""
    global _client, _client_key
    with _lock:
        if _client is not None:
            _client.close()
        _client, _client_key = None, None


def _http() -> httpx.Client:
    global _client, _client_key
    key = (
        str(settings.WHATSAPP_API_BASE).rstrip("/"),
        str(settings.WHATSAPP_ACCESS_TOKEN or ""),
        float(settings.WHATSAPP_TIMEOUT_SECONDS),
        os.getpid(),
    )
    with _lock:
        if _client is None or _client_key != key:
            if _client is not None and _client_key is not None and _client_key[3] == key[3]:
                _client.close()  # settings changed in this process; a forked parent's stays
            base, token, timeout, _pid = key
            _client = httpx.Client(
                base_url=base + "/",
                headers={"Authorization": f"Bearer {token}"},
                timeout=httpx.Timeout(timeout),
                follow_redirects=False,
            )
            _client_key = key
        return _client


def _segment(value: str) -> str:
    """A phone-number or media id, checked before it becomes part of a URL path."""
    if not _ID_PATTERN.fullmatch(value or ""):
        raise WhatsAppError(f"ID WhatsApp tidak sah: {value!r}", retryable=False)
    return value


def classify(
    code: int | None, *, subcode: int | None = None, http_status: int | None = None
) -> tuple[bool, str]:
    """Whether a retry can help, and the reason for staff, for a Graph API error.

    Works for refused calls and for the `errors` of `failed` status notifications alike.
    """
    if code == 100 and subcode == 33:
        return False, _NOT_FOUND
    if code is not None and code in _CODES:
        return _CODES[code]
    if code is not None and 200 <= code <= 299:
        return False, "Izin API WhatsApp belum diberikan atau sudah dicabut"
    if code is not None and 132000 <= code <= 132999:
        return False, f"Kesalahan templat WhatsApp (kode {code})"
    if http_status == 429:
        return True, "Terlalu banyak permintaan ke WhatsApp; akan dicoba lagi"
    if http_status is not None and http_status >= 500:
        return True, f"Server WhatsApp sedang bermasalah (HTTP {http_status}); akan dicoba lagi"
    if http_status in (401, 403):
        return False, "WhatsApp menolak akses: periksa token dan izin aplikasi"
    if http_status == 404:
        return False, _NOT_FOUND
    if http_status is not None:
        return False, f"Permintaan ditolak WhatsApp (HTTP {http_status})"
    return False, "WhatsApp tidak dapat mengantarkan pesan ini" + (
        f" (kode {code})" if code is not None else ""
    )


def status_error(error: Mapping[str, Any]) -> WhatsAppError:
    """One entry of a `failed` status notification's `errors`, as a WhatsAppError."""
    code = _int_or_none(error.get("code"))
    retryable, reason = classify(code)
    data = error.get("error_data")
    details = str(data.get("details") or "") if isinstance(data, Mapping) else ""
    return WhatsAppError(
        reason,
        retryable=retryable,
        code=code,
        details=(details or str(error.get("title") or error.get("message") or ""))[:500],
    )


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("retry-after", "").strip()
    if not raw:
        return None
    if raw.isascii() and raw.isdigit():  # "²" passes isdigit alone
        return float(raw)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _error_from(response: httpx.Response, body: bytes, *, not_found: str | None) -> WhatsAppError:
    code = subcode = None
    details = fbtrace_id = ""
    try:
        error = json.loads(body).get("error", {})
    except (ValueError, AttributeError):
        error = {}
    if isinstance(error, dict):
        code = _int_or_none(error.get("code"))
        subcode = _int_or_none(error.get("error_subcode"))
        data = error.get("error_data")
        details = str((data or {}).get("details") or "") if isinstance(data, dict) else ""
        details = details or str(error.get("message") or "")
        fbtrace_id = str(error.get("fbtrace_id") or "")
    retryable, reason = classify(code, subcode=subcode, http_status=response.status_code)
    if not_found and (response.status_code == 404 or (code == 100 and subcode == 33)):
        reason = not_found
    return WhatsAppError(
        reason,
        retryable=retryable,
        code=code,
        http_status=response.status_code,
        retry_after=_retry_after(response),
        error_subcode=subcode,
        details=details[:500],
        fbtrace_id=fbtrace_id,
    )


def _transport_error(exc: httpx.HTTPError) -> WhatsAppError:
    if isinstance(exc, httpx.TimeoutException):
        return WhatsAppError("Waktu tunggu habis saat menghubungi WhatsApp", retryable=True)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return WhatsAppError("Alamat API WhatsApp di pengaturan tidak sah", retryable=False)
    if isinstance(exc, httpx.TransportError):
        return WhatsAppError("Tidak dapat terhubung ke server WhatsApp", retryable=True)
    return WhatsAppError(f"Kesalahan HTTP: {type(exc).__name__}", retryable=False)


def _call(method: str, path: str, *, not_found: str | None = None, **kwargs: Any) -> dict[str, Any]:
    try:
        response = _http().request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        error = _transport_error(exc)
        log.warning("WhatsApp %s %s failed: %s (%s)", method, path, error.reason, exc)
        raise error from exc
    if response.is_error:
        error = _error_from(response, response.content[:_ERROR_BODY_LIMIT], not_found=not_found)
        log.warning(
            "WhatsApp %s %s -> HTTP %s code %s retryable=%s",
            method,
            path,
            response.status_code,
            error.code,
            error.retryable,
        )
        raise error
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise WhatsAppError(
            "Jawaban WhatsApp tidak dikenali", retryable=False, http_status=response.status_code
        )
    log.info("WhatsApp %s %s -> HTTP %s", method, path, response.status_code)
    return data


def _send(
    phone_number_id: str,
    to: str,
    kind: str,
    content: dict[str, Any],
    callback_data: str | None = None,
) -> SendResult:
    """POST one message. `callback_data` (at most 512 characters) goes as the Cloud API's
    `biz_opaque_callback_data`: WhatsApp echoes it in every status notification of the message,
    which lets a receipt name our row even when the send's answer was never recorded."""
    payload: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": kind,
        kind: content,
    }
    if callback_data:
        payload["biz_opaque_callback_data"] = callback_data[:512]
    data = _call("POST", f"/{_segment(phone_number_id)}/messages", json=payload)
    try:
        message_id = str(data["messages"][0]["id"])
    except (KeyError, IndexError, TypeError) as exc:
        raise WhatsAppError(
            "Jawaban WhatsApp tidak memuat ID pesan", retryable=False, http_status=200
        ) from exc
    contacts = data.get("contacts")
    wa_id = None
    if isinstance(contacts, list) and contacts and isinstance(contacts[0], dict):
        wa_id = contacts[0].get("wa_id")
    return SendResult(message_id=message_id, wa_id=str(wa_id) if wa_id else None)


def send_text(
    phone_number_id: str,
    to: str,
    body: str,
    *,
    preview_url: bool = False,
    callback_data: str | None = None,
) -> SendResult:
    """A free-form text; only inside the 24-hour window after the citizen last wrote."""
    content = {"body": body, "preview_url": preview_url}
    return _send(phone_number_id, to, "text", content, callback_data)


def send_interactive(
    phone_number_id: str,
    to: str,
    interactive: dict[str, Any],
    *,
    callback_data: str | None = None,
) -> SendResult:
    """Reply buttons or a list message (`type: interactive`); only inside the 24-hour window."""
    return _send(phone_number_id, to, "interactive", interactive, callback_data)


def send_template(
    phone_number_id: str,
    to: str,
    name: str,
    language: str = "id",
    components: list[dict[str, Any]] | None = None,
    *,
    callback_data: str | None = None,
) -> SendResult:
    """An approved template: the only kind allowed outside the 24-hour window."""
    content: dict[str, Any] = {"name": name, "language": {"code": language}}
    if components:
        content["components"] = components
    return _send(phone_number_id, to, "template", content, callback_data)


def message_templates(waba_id: str, *, limit: int = 100, after: str | None = None) -> TemplatePage:
    """One page of the message templates of a WhatsApp Business Account
    (`GET /{WABA-ID}/message_templates`, the fields in `TEMPLATE_FIELDS`). Graph pages by cursor:
    a page that has a `paging.next` link has more after it, asked with `after=` its
    `paging.cursors.after`."""
    params: dict[str, Any] = {"fields": ",".join(TEMPLATE_FIELDS), "limit": limit}
    if after:
        params["after"] = after
    data = _call("GET", f"/{_segment(waba_id)}/message_templates", params=params)
    items = data.get("data")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise WhatsAppError("Daftar templat dari WhatsApp tidak dikenali", retryable=False)
    paging: dict[str, Any] = data["paging"] if isinstance(data.get("paging"), dict) else {}
    cursors: dict[str, Any] = paging["cursors"] if isinstance(paging.get("cursors"), dict) else {}
    cursor = cursors.get("after") if paging.get("next") else None
    return TemplatePage(templates=items, after=str(cursor) if cursor else None)


def _media_object(link: str | None, media_id: str | None) -> dict[str, Any]:
    if (link is None) == (media_id is None):
        raise ValueError("give exactly one of link or media_id")
    return {"link": link} if link is not None else {"id": _segment(media_id or "")}


def send_document(
    phone_number_id: str,
    to: str,
    *,
    link: str | None = None,
    media_id: str | None = None,
    filename: str,
    caption: str | None = None,
    callback_data: str | None = None,
) -> SendResult:
    """A document by public HTTPS link or by an uploaded media id (exactly one of them)."""
    content = _media_object(link, media_id) | {"filename": filename}
    if caption:
        content["caption"] = caption
    return _send(phone_number_id, to, "document", content, callback_data)


def send_image(
    phone_number_id: str,
    to: str,
    *,
    link: str | None = None,
    media_id: str | None = None,
    caption: str | None = None,
) -> SendResult:
    """An image (JPEG or PNG) by public HTTPS link or by an uploaded media id."""
    content = _media_object(link, media_id)
    if caption:
        content["caption"] = caption
    return _send(phone_number_id, to, "image", content)


def upload_media(phone_number_id: str, data: bytes, mime_type: str, filename: str) -> str:
    """Upload a file for later sending by id (`POST /{phone-number-id}/media`); its media id."""
    result = _call(
        "POST",
        f"/{_segment(phone_number_id)}/media",
        data={"messaging_product": "whatsapp", "type": mime_type},
        files={"file": (filename, data, mime_type)},
    )
    media_id = result.get("id")
    if not media_id:
        raise WhatsAppError("Jawaban WhatsApp tidak memuat ID media", retryable=False)
    return str(media_id)


def media_info(media_id: str) -> MediaInfo:
    """Where to download a media file (`GET /{media-id}`), its type, size and SHA-256."""
    data = _call("GET", f"/{_segment(media_id)}", not_found=_MEDIA_GONE)
    try:
        return MediaInfo(
            url=str(data["url"]),
            mime_type=str(data.get("mime_type") or "application/octet-stream"),
            sha256=str(data.get("sha256") or ""),
            file_size=int(data.get("file_size") or 0),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise WhatsAppError(
            "Jawaban WhatsApp tentang media tidak dikenali", retryable=False
        ) from exc


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{n} bita"


def _too_large(max_bytes: int) -> WhatsAppError:
    return WhatsAppError(
        f"Berkas media terlalu besar (lebih dari {_size(max_bytes)})", retryable=False
    )


def _sha256_matches(data: bytes, expected: str) -> bool:
    digest = hashlib.sha256(data)
    expected = expected.strip()
    if re.fullmatch(r"[0-9a-fA-F]{64}", expected):
        return digest.hexdigest() == expected.lower()
    try:  # webhook payloads have carried the hash in base64
        return digest.digest() == base64.b64decode(expected, validate=True)
    except (binascii.Error, ValueError):
        return False


def download_media(info: MediaInfo, *, max_bytes: int) -> bytes:
    """The file's bytes, streamed; stops as soon as it would exceed `max_bytes`.

    The size the API reported and the response's Content-Length are checked before reading;
    the bytes read are counted as they arrive, and their SHA-256 must match the API's.
    """
    if info.file_size > max_bytes:
        raise _too_large(max_bytes)
    if not info.url.startswith(("https://", "http://")):
        raise WhatsAppError("Alamat unduhan media tidak sah", retryable=False)
    received = bytearray()
    try:
        with _http().stream("GET", info.url) as response:
            if response.is_error:
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) >= _ERROR_BODY_LIMIT:
                        break
                raise _error_from(response, bytes(body), not_found=_MEDIA_GONE)
            declared = _int_or_none(response.headers.get("content-length"))
            if declared is not None and declared > max_bytes:
                raise _too_large(max_bytes)
            for chunk in response.iter_bytes():
                received += chunk
                if len(received) > max_bytes:
                    raise _too_large(max_bytes)
    except httpx.HTTPError as exc:
        error = _transport_error(exc)
        log.warning("WhatsApp media download failed: %s (%s)", error.reason, exc)
        raise error from exc
    data = bytes(received)
    if info.sha256 and not _sha256_matches(data, info.sha256):
        raise WhatsAppError(
            "Isi media yang diunduh tidak cocok dengan SHA-256 dari WhatsApp; akan dicoba lagi",
            retryable=True,
        )
    log.info("WhatsApp media downloaded: %s bytes", len(data))
    return data
