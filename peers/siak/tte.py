"""The Kadis's TTE in SIAK: SIAK holds no key; it sends the printed PDF to the BSrE esign client
service (v1 `POST /api/sign/pdf`, multipart, HTTP Basic auth) with the NIK and passphrase the
Kadis typed, and keeps the signed PDF BSrE answers. Every BSrE answer that is not a signed PDF
becomes a `TteRefused` whose text (Bahasa Indonesia) is shown on SIAK's page; nothing is signed
then. The passphrase is sent once and never logged, kept or put in an error text.

It talks HTTP only: no import of the local BSrE server (peers.bsre) or of Alur."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

import httpx
from pyhanko.pdf_utils.reader import PdfFileReader

log = logging.getLogger("peers.siak.tte")

# The visible signature (PDF points from the page's lower left): the QR of the verification
# page that BSrE draws, at the foot of the page, right.
BOX = (405, 90, 110, 110)  # xAxis, yAxis, width, height (printing.py leaves it free)
REASON = "Kepala Dinas menandatangani dokumen kependudukan yang dicetak dari SIAK"
LOCATION = "Dinas Kependudukan dan Pencatatan Sipil"

# BSrE's error codes (peers/bsre/PROTOCOL.md) and what the Kadis reads.
MESSAGES = {
    "wrong_passphrase": "Passphrase salah. Periksa lalu ketik ulang passphrase TTE Anda.",
    "not_registered": "NIK {nik} tidak terdaftar di BSrE sebagai pemilik sertifikat elektronik.",
    "expired": "Sertifikat elektronik NIK {nik} sudah kedaluwarsa. Perbarui di BSrE.",
    "revoked": "Sertifikat elektronik NIK {nik} telah dicabut. Hubungi BSrE.",
    "suspended": "Sertifikat elektronik NIK {nik} sedang ditangguhkan. Hubungi BSrE.",
    "unavailable": "Layanan BSrE tidak dapat dihubungi. Coba lagi beberapa saat lagi.",
    "account": "SIAK ditolak oleh layanan BSrE (akun layanan salah). Hubungi admin SIAK.",
    "bad_answer": "Jawaban BSrE bukan PDF bertanda tangan. Coba lagi.",
    "refused": "BSrE menolak permintaan: {detail}",
}
CODES = {
    2011: "not_registered",
    2031: "wrong_passphrase",
    2051: "expired",
    2052: "revoked",
    2053: "suspended",
}
WORDS = {
    "passphrase": "wrong_passphrase",
    "tidak terdaftar": "not_registered",
    "kedaluwarsa": "expired",
    "expired": "expired",
    "dicabut": "revoked",
    "revoke": "revoked",
    "ditangguhkan": "suspended",
    "suspend": "suspended",
}
# HTTP status SIAK's JSON API answers with, per refusal.
STATUS = {"unavailable": 503, "account": 502, "bad_answer": 502}


@dataclass(frozen=True)
class BsreAccess:
    """Where BSrE is and SIAK's service account there (`--bsre-url/-user/-password`)."""

    url: str
    username: str
    password: str
    timeout: float = 30.0


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    signer_name: str
    signer_nik: str  # the certificate's subject serialNumber, as BSrE puts the NIK


class TteRefused(Exception):
    """Nothing was signed; `message` is for the Kadis (Bahasa Indonesia)."""

    def __init__(self, code: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.detail = code, message, detail

    @property
    def http_status(self) -> int:
        return STATUS.get(self.code, 400)


def _refused(code: str, nik: str = "", detail: str = "") -> TteRefused:
    return TteRefused(code, MESSAGES[code].format(nik=nik, detail=detail or "-"), detail)


def _error(response: httpx.Response, nik: str) -> TteRefused:
    """A BSrE answer that is not a signed PDF, as the refusal the Kadis reads."""
    if response.status_code in (401, 403):
        return _refused("account", nik)
    if response.status_code >= 500 or response.status_code in (408, 429):
        return _refused("unavailable", nik, f"HTTP {response.status_code}")
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return _refused("bad_answer", nik, f"HTTP {response.status_code}")
    words = str(body.get("error") or body.get("message") or "")[:300]
    try:
        number = int(body.get("status_code") or 0)
    except (TypeError, ValueError):
        number = 0
    code = CODES.get(number) or next(
        (code for word, code in WORDS.items() if word in words.lower()), "refused"
    )
    return _refused(code, nik, words)


def _signer(pdf: bytes) -> tuple[str, str]:
    """(common name, serialNumber) of the last signature's certificate; ValueError if none."""
    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception as error:
        raise ValueError("not a PDF") from error
    if not signatures:
        raise ValueError("no signature")
    subject = signatures[-1].signer_cert.subject.native
    return str(subject.get("common_name", "")), str(subject.get("serial_number", ""))


def sign(
    access: BsreAccess, pdf: bytes, *, nik: str, passphrase: str, link_qr: str, filename: str
) -> Signed:
    """The PDF signed by BSrE with the Kadis's certificate, or TteRefused."""
    x, y, width, height = BOX
    data = {
        "nik": nik,
        "passphrase": passphrase,
        "tampilan": "visible",
        "image": "false",
        "linkQR": link_qr,
        "page": "1",
        "xAxis": str(x),
        "yAxis": str(y),
        "width": str(width),
        "height": str(height),
        "reason": REASON,
        "location": LOCATION,
    }
    url = access.url.rstrip("/") + "/api/sign/pdf"
    try:
        response = httpx.post(
            url,
            data=data,
            files={"file": (filename, pdf, "application/pdf")},
            auth=(access.username, access.password),
            timeout=access.timeout,
        )
    except httpx.HTTPError as error:
        log.warning("BSrE unreachable for NIK %s: %s", nik, type(error).__name__)
        raise _refused("unavailable", nik, type(error).__name__) from None
    if response.status_code != 200 or not response.content.startswith(b"%PDF-"):
        refusal = _error(response, nik)
        log.warning("BSrE refused NIK %s: %s (%s)", nik, refusal.code, refusal.detail)
        raise refusal
    try:
        name, serial = _signer(response.content)
    except ValueError:
        log.warning("BSrE answered NIK %s with an unsigned PDF", nik)
        raise _refused("bad_answer", nik) from None
    return Signed(response.content, name, serial)
