"""The HTTP client of BSrE's esign client service: certificate status, signing, verification.

Regional systems sign through the esign client service BSrE installs on their network (HTTP
Basic auth): v1 takes multipart forms and answers the signed PDF itself; v2 takes JSON with
base64 files (`BSRE_API`). Every answer that is not a signed PDF becomes a `SigningError` whose
message tells the signer, in Bahasa Indonesia, what happened and that nothing was signed; its
`code` says which case it is and `retryable` whether trying again can help.

The signer's passphrase is sent once, in the request body, and goes nowhere else: not in a log
line, not in an exception, not in BSrE's own words we keep (`detail`), which are scrubbed of it.
`peers/bsre` is a local server that speaks the same protocol (see its PROTOCOL.md).
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from alur.tte.signing import SigningError

log = logging.getLogger(__name__)

__all__ = [
    "UNAVAILABLE",
    "BsreConfig",
    "BsreError",
    "BsreSignature",
    "BsreStatus",
    "BsreVerification",
    "sign_pdf",
    "user_status",
    "verify_pdf",
]

UNAVAILABLE = (
    "Layanan BSrE tidak dapat dihubungi; dokumen belum ditandatangani. "
    "Coba lagi beberapa saat lagi."
)
MESSAGES = {
    "wrong_passphrase": "Passphrase TTE salah; dokumen belum ditandatangani. "
    "Periksa passphrase Anda lalu coba lagi.",
    "not_registered": "NIK Anda belum terdaftar di BSrE atau belum memiliki sertifikat "
    "elektronik; dokumen belum ditandatangani. Hubungi admin TTE (RA) instansi Anda.",
    "expired": "Sertifikat elektronik Anda di BSrE sudah kedaluwarsa; dokumen belum "
    "ditandatangani. Perbarui sertifikat melalui admin TTE (RA) instansi Anda.",
    "revoked": "Sertifikat elektronik Anda di BSrE sudah dicabut; dokumen belum "
    "ditandatangani. Hubungi admin TTE (RA) instansi Anda untuk sertifikat baru.",
    "suspended": "Sertifikat elektronik Anda di BSrE sedang ditangguhkan; dokumen belum "
    "ditandatangani. Hubungi admin TTE (RA) instansi Anda.",
    "unavailable": UNAVAILABLE,
    "bad_answer": "Layanan BSrE memberi jawaban yang tidak dikenali; dokumen belum "
    "ditandatangani. Coba lagi beberapa saat lagi; bila terulang, hubungi admin sistem.",
    "refused_auth": "Alur tidak diterima oleh layanan BSrE (akun layanan salah atau tidak "
    "berizin); dokumen belum ditandatangani. Hubungi admin sistem.",
}
STATUS_MESSAGES = {
    "active": "Sertifikat BSrE aktif.",
    "not_registered": "NIK ini belum terdaftar di BSrE atau belum memiliki sertifikat elektronik.",
    "expired": "Sertifikat BSrE sudah kedaluwarsa.",
    "revoked": "Sertifikat BSrE sudah dicabut.",
    "suspended": "Sertifikat BSrE sedang ditangguhkan.",
    "unavailable": "Status sertifikat BSrE tidak dapat diperiksa: layanan BSrE tidak dapat "
    "dihubungi. Coba lagi beberapa saat lagi.",
}
# BSrE's certificate states (user status) and what they mean for the signer.
STATES = {
    "ISSUE": "active",
    "NOT_REGISTERED": "not_registered",
    "NO_CERTIFICATE": "not_registered",
    "NEW": "not_registered",
    "WAITING_FOR_VERIFICATION": "not_registered",
    "UNVERIFIED": "not_registered",
    "EXPIRED": "expired",
    "RENEW": "expired",
    "REVOKE": "revoked",
    "REVOKED": "revoked",
    "SUSPEND": "suspended",
    "SUSPENDED": "suspended",
}
# Signing error codes: 2011 and 2031 are BSrE's; 2051-2053 are the local peer's guess.
ERROR_CODES = {
    2011: "not_registered",
    2031: "wrong_passphrase",
    2051: "expired",
    2052: "revoked",
    2053: "suspended",
}
# When an answer carries no known code, its words say which case it is.
KEYWORDS = (
    ("not_registered", ("tidak terdaftar", "belum terdaftar", "not registered")),
    ("expired", ("kedaluwarsa", "kadaluarsa", "kadaluwarsa", "expired")),
    ("revoked", ("dicabut", "revoke")),
    ("suspended", ("ditangguhkan", "suspend")),
)
_CODE_IN_TEXT = re.compile(r"\b(2\d{3})\b")


@dataclass(frozen=True)
class BsreConfig:
    base_url: str
    username: str
    password: str
    api: str = "v1"  # "v1" (multipart) or "v2" (JSON, base64)
    timeout: float = 30.0

    @classmethod
    def from_settings(cls) -> BsreConfig:
        return cls(
            base_url=str(settings.BSRE_BASE_URL).rstrip("/"),
            username=str(settings.BSRE_USERNAME),
            password=str(settings.BSRE_PASSWORD),
            api=str(getattr(settings, "BSRE_API", "v1") or "v1"),
            timeout=float(settings.BSRE_TIMEOUT_SECONDS),
        )


@dataclass(frozen=True)
class BsreStatus:
    state: str  # "active" | "not_registered" | "expired" | "revoked" | "suspended" | "unavailable"
    message: str  # Bahasa Indonesia, for the signer
    detail: str = ""  # BSrE's own words, for logs and the audit trail

    @property
    def ok(self) -> bool:
        return self.state == "active"


@dataclass(frozen=True)
class BsreSignature:
    field: str
    signer_name: str
    signed_at: str  # as BSrE wrote it
    intact: bool  # the signed bytes are unchanged
    trusted: bool  # the signer's certificate is certified by BSrE
    reason: str
    location: str


@dataclass(frozen=True)
class BsreVerification:
    valid: bool  # at least one signature, every one intact and trusted
    summary: str  # BSrE's conclusion ("DOCUMENT VALID !!!", "VALID", ...)
    notes: str
    signatures: tuple[BsreSignature, ...]


class BsreError(SigningError):
    """A `SigningError` from BSrE; `detail` keeps BSrE's own words (never the passphrase)."""

    def __init__(self, code: str, *, detail: str = "", message: str | None = None) -> None:
        retryable = code in ("wrong_passphrase", "unavailable")
        super().__init__(message or MESSAGES[code], code=code, retryable=retryable)
        self.detail = detail


def _masked(nik: str) -> str:
    return f"{nik[:6]}******{nik[-4:]}" if len(nik) >= 10 else "***"


def _scrub(text: str, secret: str) -> str:
    text = text[:500]
    return text.replace(secret, "***") if secret else text


def _client(config: BsreConfig) -> httpx.Client:
    return httpx.Client(
        base_url=config.base_url,
        auth=httpx.BasicAuth(config.username, config.password),
        timeout=httpx.Timeout(config.timeout),
        headers={"Accept": "application/json, application/pdf"},
    )


def _send(config: BsreConfig, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """The answer, or BsreError("unavailable") when the service cannot be reached in time."""
    try:
        with _client(config) as client:
            return client.request(method, path, **kwargs)
    except httpx.TimeoutException:
        raise BsreError("unavailable", detail=f"no answer within {config.timeout:g} s") from None
    except httpx.HTTPError as exc:
        # `from None`: the request, which may hold the passphrase, stays out of the chain.
        raise BsreError("unavailable", detail=f"{type(exc).__name__}: {exc}") from None


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        return None


def _error_text(data: Any) -> tuple[int | None, str]:
    """BSrE's error code (if any) and words from a JSON answer."""
    if not isinstance(data, dict):
        return None, ""
    error = data.get("error")
    if isinstance(error, dict):
        data = {**data, **error}
        error = error.get("message") or error.get("msg")
    words = " ".join(
        str(part) for part in (error, data.get("message"), data.get("msg")) if part
    ).strip()
    code: int | None = None
    raw = data.get("status_code", data.get("code"))
    try:
        code = int(raw) if raw is not None else None
    except (TypeError, ValueError):
        code = None
    if code not in ERROR_CODES:
        found = _CODE_IN_TEXT.search(words)
        if found and int(found.group(1)) in ERROR_CODES:
            code = int(found.group(1))
    return code, words


def _refusal(response: httpx.Response, passphrase: str) -> BsreError:
    """The error for an answer that is not what was asked for."""
    status = response.status_code
    data = _json(response)
    code, words = _error_text(data)
    detail = _scrub(f"HTTP {status}: {words or response.text[:200]}", passphrase)
    if status in (401, 403):
        return BsreError("refused", detail=detail, message=MESSAGES["refused_auth"])
    if status >= 500 or status in (408, 429):
        return BsreError("unavailable", detail=detail)
    if code in ERROR_CODES:
        return BsreError(ERROR_CODES[code], detail=detail)
    lowered = words.lower()
    if "passphrase" in lowered and any(w in lowered for w in ("salah", "wrong", "invalid")):
        return BsreError("wrong_passphrase", detail=detail)
    for case, needles in KEYWORDS:
        if any(needle in lowered for needle in needles):
            return BsreError(case, detail=detail)
    if words and 400 <= status < 500 and status != 404:
        said = _scrub(words, passphrase)[:200]
        return BsreError(
            "refused",
            detail=detail,
            message=f"BSrE menolak permintaan tanda tangan: {said}. Dokumen belum ditandatangani.",
        )
    return BsreError("bad_answer", detail=detail)


def _signed(pdf: bytes) -> bool:
    return pdf.startswith(b"%PDF-") and b"/ByteRange" in pdf


def user_status(config: BsreConfig, nik: str) -> BsreStatus:
    """The certificate status of the signer BSrE knows by `nik`; never raises on a network
    error or an odd answer ("unavailable")."""
    try:
        if config.api == "v2":
            response = _send(config, "POST", "/api/v2/user/check/status", json={"nik": nik})
        else:
            response = _send(config, "GET", f"/api/user/status/{quote(nik, safe='')}")
    except BsreError as error:
        log.warning("BSrE status of NIK %s unavailable: %s", _masked(nik), error.detail)
        return BsreStatus("unavailable", STATUS_MESSAGES["unavailable"], error.detail)
    data = _json(response)
    if isinstance(data, dict) and isinstance(data.get("data"), dict) and "status" not in data:
        data = data["data"]
    raw = str(data.get("status") or data.get("userStatus") or "") if isinstance(data, dict) else ""
    words = str(data.get("message") or "") if isinstance(data, dict) else ""
    detail = f"{raw}: {words}".strip(": ") if raw else f"HTTP {response.status_code}"
    state = STATES.get(raw.upper()) if response.status_code == 200 else None
    if state is None:
        log.warning(
            "BSrE status of NIK %s not understood: HTTP %s %s",
            _masked(nik),
            response.status_code,
            response.text[:200],
        )
        return BsreStatus("unavailable", STATUS_MESSAGES["unavailable"], detail[:500])
    log.info("BSrE status of NIK %s: %s", _masked(nik), raw)
    return BsreStatus(state, STATUS_MESSAGES[state], detail[:500])


def _pages(pdf: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        if len(reader.pages) < 1:
            raise ValueError("no pages")
        return reader
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise SigningError("Berkas bukan PDF yang dapat dibaca.", code="bad_pdf") from exc


def _number(value: float) -> str:
    return str(round(value))


def sign_pdf(
    config: BsreConfig,
    pdf: bytes,
    *,
    nik: str,
    passphrase: str,
    reason: str,
    location: str,
    page: int = -1,
    box: tuple[float, float, float, float] | None = None,
    image_png: bytes | None = None,
    link_qr: str | None = None,
) -> bytes:
    """`pdf` signed by BSrE for the signer `nik`, or a `SigningError` (see the module).

    `page` counts from 0, negative from the end (as `tte.signing.sign_pdf`); `box` is
    (x1, y1, x2, y2) in PDF points from the page's lower left corner, None for an invisible
    signature; the visible signature shows `image_png`, else a QR code of `link_qr`, else
    BSrE's own appearance.
    """
    if not passphrase:
        raise SigningError("Passphrase TTE wajib diisi.", code="wrong_passphrase", retryable=True)
    reader = _pages(pdf)
    count = len(reader.pages)
    index = page + count if page < 0 else page
    if not 0 <= index < count:
        raise SigningError("Halaman tanda tangan tidak ada pada dokumen.", code="bad_pdf")
    if config.api == "v2":
        signed = _sign_v2(
            config, pdf, reader, index, nik, passphrase, reason, location, box, image_png
        )
    else:
        signed = _sign_v1(
            config, pdf, index, nik, passphrase, reason, location, box, image_png, link_qr
        )
    log.info("BSrE signed a PDF for NIK %s (%s, %d bytes)", _masked(nik), config.api, len(signed))
    return signed


def _sign_v1(
    config: BsreConfig,
    pdf: bytes,
    index: int,
    nik: str,
    passphrase: str,
    reason: str,
    location: str,
    box: tuple[float, float, float, float] | None,
    image_png: bytes | None,
    link_qr: str | None,
) -> bytes:
    data: dict[str, str] = {
        "nik": nik,
        "passphrase": passphrase,
        "tampilan": "invisible" if box is None else "visible",
        "reason": reason,
        "location": location,
    }
    files: dict[str, tuple[str, bytes, str]] = {"file": ("dokumen.pdf", pdf, "application/pdf")}
    if box is not None:
        x1, y1, x2, y2 = box
        data.update(
            page=str(index + 1),
            xAxis=_number(x1),
            yAxis=_number(y1),
            width=_number(x2 - x1),
            height=_number(y2 - y1),
            image="true" if image_png else "false",
        )
        if image_png:
            files["imageTTD"] = ("ttd.png", image_png, "image/png")
        elif link_qr:
            data["linkQR"] = link_qr
    response = _send(config, "POST", "/api/sign/pdf", data=data, files=files)
    if response.status_code == 200 and _signed(response.content):
        return response.content
    if response.status_code == 200 and _json(response) is None:
        detail = f"HTTP 200 {response.headers.get('content-type', '')}: {response.text[:100]!r}"
        error = BsreError("bad_answer", detail=_scrub(detail, passphrase))
    else:
        error = _refusal(response, passphrase)
    log.warning("BSrE refused to sign for NIK %s: %s (%s)", _masked(nik), error.code, error.detail)
    raise error


def _sign_v2(
    config: BsreConfig,
    pdf: bytes,
    reader: PdfReader,
    index: int,
    nik: str,
    passphrase: str,
    reason: str,
    location: str,
    box: tuple[float, float, float, float] | None,
    image_png: bytes | None,
) -> bytes:
    properties: dict[str, Any] = {"tampilan": "INVISIBLE", "reason": reason, "location": location}
    if box is not None:
        x1, y1, x2, y2 = box
        top = float(reader.pages[index].mediabox.top)
        properties.update(
            tampilan="VISIBLE",
            page=index + 1,
            originX=round(x1),
            originY=round(top - y2),  # v2 counts from the page's top edge (see PROTOCOL.md)
            width=round(x2 - x1),
            height=round(y2 - y1),
        )
        if image_png:
            properties["imageBase64"] = base64.b64encode(image_png).decode("ascii")
    payload = {
        "nik": nik,
        "passphrase": passphrase,
        "signatureProperties": [properties],
        "file": [base64.b64encode(pdf).decode("ascii")],
    }
    response = _send(config, "POST", "/api/v2/sign/pdf", json=payload)
    data = _json(response)
    if response.status_code == 200 and isinstance(data, dict) and "error" not in data:
        files = data.get("file")
        if isinstance(files, list) and files and isinstance(files[0], str):
            try:
                signed = base64.b64decode(files[0], validate=True)
            except (binascii.Error, ValueError):
                signed = b""
            if _signed(signed):
                return signed
        error = BsreError("bad_answer", detail="HTTP 200 without a signed PDF in file[0]")
    elif response.status_code == 200 and data is None:
        detail = _scrub(f"HTTP 200: {response.text[:100]!r}", passphrase)
        error = BsreError("bad_answer", detail=detail)
    else:
        error = _refusal(response, passphrase)
    log.warning("BSrE refused to sign for NIK %s: %s (%s)", _masked(nik), error.code, error.detail)
    raise error


def verify_pdf(config: BsreConfig, pdf: bytes) -> BsreVerification:
    """BSrE's verification of every signature in `pdf`; a SigningError when it cannot answer."""
    if config.api == "v2":
        response = _send(
            config, "POST", "/api/v2/verify/pdf", json={"file": base64.b64encode(pdf).decode()}
        )
    else:
        response = _send(
            config,
            "POST",
            "/api/sign/verify",
            files={"signed_file": ("dokumen.pdf", pdf, "application/pdf")},
        )
    data = _json(response)
    if response.status_code != 200:
        raise _refusal(response, "")
    if isinstance(data, dict) and isinstance(data.get("data"), dict):
        data = data["data"]
    if not isinstance(data, dict):
        raise BsreError("bad_answer", detail=f"HTTP 200: {response.text[:100]!r}")
    if config.api == "v2":
        return _verification_v2(data)
    return _verification_v1(data)


def _verification_v1(data: dict[str, Any]) -> BsreVerification:
    rows = []
    for item in data.get("details") or []:
        if not isinstance(item, dict):
            continue
        signer = item.get("info_signer") or {}
        document = item.get("signature_document") or {}
        rows.append(
            BsreSignature(
                field=str(item.get("signature_field") or ""),
                signer_name=str(signer.get("signer_name") or ""),
                signed_at=str(document.get("signed_in") or ""),
                intact=bool(document.get("document_integrity")),
                trusted=bool(signer.get("cert_user_certified")),
                reason=str(document.get("reason") or ""),
                location=str(document.get("location") or ""),
            )
        )
    summary = str(data.get("summary") or "")
    valid = bool(rows) and "NOT VALID" not in summary.upper() and "VALID" in summary.upper()
    valid = valid and all(row.intact and row.trusted for row in rows)
    return BsreVerification(valid, summary, str(data.get("notes") or ""), tuple(rows))


def _verification_v2(data: dict[str, Any]) -> BsreVerification:
    rows = []
    for item in data.get("signatureInformations") or []:
        if not isinstance(item, dict):
            continue
        rows.append(
            BsreSignature(
                field=str(item.get("fieldName") or ""),
                signer_name=str(item.get("signerName") or ""),
                signed_at=str(item.get("signatureDate") or ""),
                intact=bool(item.get("integrityValid")) and not item.get("modified"),
                trusted=bool(item.get("certificateTrusted")),
                reason=str(item.get("reason") or ""),
                location=str(item.get("location") or ""),
            )
        )
    summary = str(data.get("conclusion") or "")
    valid = summary.upper() == "VALID" and bool(rows)
    valid = valid and all(row.intact and row.trusted for row in rows)
    return BsreVerification(valid, summary, str(data.get("description") or ""), tuple(rows))
