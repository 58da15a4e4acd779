"""The signing port: every document Alur signs goes through here, whichever service signs it.

Two backends, chosen per office by `alur.org.backends.signing_backend`:

- `local`: pyHanko with the signer's PKCS#12 kept sealed by Alur (`tte.signing.sign_pdf`), for
  development and offices without BSrE.
- `bsre`: BSrE's esign client service (`tte.bsre.sign_pdf`) with the signer's `User.nik` and the
  passphrase they typed. Alur holds no private key; the passphrase is forwarded once and never
  stored, logged, put in an audit event or in an exception's text.

A flow signs in three steps: `signer_ready` before any number is taken (local: a usable
certificate the passphrase opens; bsre: the signer has a NIK, typed a passphrase and BSrE says
their certificate is active), then `sign_pdf` once the PDF carries its number (a failure raises
`SigningError` with a message for the signer and leaves an audit event `tte.sign_failed` naming
the backend and BSrE's answer), then the flow archives `Signed.pdf` and audits with
`Signed.audit()`.

`signer_status` is what the page shows before the signer tries: it never takes longer than
`STATUS_TIMEOUT` seconds and BSrE's answer is kept for `STATUS_CACHE_SECONDS`.
"""

from __future__ import annotations

import dataclasses
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from PIL import Image, ImageDraw, ImageFont

from alur.audit.services import record
from alur.core.errors import DomainError
from alur.org.access import active_appointments
from alur.org.backends import BACKEND_LABELS, signing_backend
from alur.org.models import Office, User
from alur.tte import bsre, signing
from alur.tte.models import SignerCertificate
from alur.tte.selectors import usable_certificate
from alur.tte.services import unlock_certificate
from alur.tte.signing import DEFAULT_BOX, SIGNED_LINE, SigningError, sha256_hex

log = logging.getLogger(__name__)

__all__ = [
    "STATUS_CACHE_SECONDS",
    "STATUS_TIMEOUT",
    "Signed",
    "Signer",
    "SignerStatus",
    "home_office",
    "sign_pdf",
    "signer_ready",
    "signer_status",
]

STATUS_TIMEOUT = 3.0  # seconds the page waits for BSrE's answer on a certificate's status
STATUS_CACHE_SECONDS = 60

MSG_NO_NIK = (
    "NIK Anda belum tercatat di Alur, sehingga sertifikat BSrE Anda tidak dapat dicari. "
    "Minta admin kantor mengisi NIK pada akun Anda."
)
MSG_NO_PASSPHRASE = "Masukkan passphrase TTE Anda."  # noqa: S105  (a message, not a secret)
MSG_FAILED = (
    "Penandatanganan gagal karena gangguan sistem. Dokumen tidak ditandatangani; coba lagi."
)

# What the signer can do about each state of a BSrE certificate.
BSRE_ACTIONS = {
    "active": "",
    "not_registered": "Daftarkan diri Anda sebagai pemilik sertifikat elektronik melalui "
    "admin TTE (RA) instansi Anda, lalu coba lagi.",
    "expired": "Ajukan pembaruan sertifikat ke admin TTE (RA) instansi Anda.",
    "revoked": "Ajukan sertifikat baru ke admin TTE (RA) instansi Anda.",
    "suspended": "Hubungi admin TTE (RA) instansi Anda untuk mengaktifkan kembali sertifikat.",
    "unavailable": "Bila berlanjut, hubungi admin sistem.",  # the status says to try again
    "no_nik": "",
}
STATE_LABELS = {
    "active": "aktif",
    "no_certificate": "belum ada",
    "no_nik": "NIK belum tercatat",
    "not_registered": "belum terdaftar",
    "expired": "kedaluwarsa",
    "revoked": "dicabut",
    "suspended": "ditangguhkan",
    "unavailable": "layanan tidak dapat dihubungi",
}
NOT_SIGNED = "Dokumen belum ditandatangani."
TRY_AGAIN = "Silakan coba lagi."
LOCAL_MESSAGES = {
    "active": "Sertifikat lokal: aktif.",
    "no_certificate": "Sertifikat lokal: belum ada.",
    "revoked": "Sertifikat lokal: dicabut.",
    "expired": "Sertifikat lokal: kedaluwarsa atau belum berlaku.",
}
LOCAL_ACTIONS = {
    "active": "",
    "no_certificate": "Unggah berkas .p12 Anda di halaman Sertifikat TTE.",
    "revoked": "Unggah sertifikat baru di halaman Sertifikat TTE.",
    "expired": "Unggah sertifikat yang masih berlaku di halaman Sertifikat TTE.",
}


@dataclass(frozen=True)
class SignerStatus:
    """The signer's certificate as the sign form shows it."""

    backend: str  # "local" | "bsre"
    label: str  # the backend's name for people, e.g. "BSrE (BSSN)"
    state: str  # active, no_certificate, no_nik, not_registered, expired, revoked, suspended...
    message: str  # Bahasa Indonesia, e.g. "Sertifikat BSrE: aktif."
    action: str = ""  # what the signer can do about it (Bahasa); "" when nothing is needed
    detail: str = ""  # the service's own words, for the audit and logs
    certificate: SignerCertificate | None = None

    @property
    def ok(self) -> bool:
        return self.state == "active"

    @property
    def headline(self) -> str:
        """E.g. "Sertifikat BSrE: aktif", "Sertifikat lokal: belum ada"."""
        who = "BSrE" if self.backend == "bsre" else "lokal"
        return f"Sertifikat {who}: {STATE_LABELS.get(self.state, self.state)}"


@dataclass(frozen=True)
class Signer:
    """A signer checked by `signer_ready`, with what the backend needs for one signing session.
    The passphrase is kept out of `repr` and never leaves this object except to the backend."""

    backend: str
    user: User
    office: Office
    certificate: SignerCertificate | None = None
    nik: str = ""
    passphrase: str = field(default="", repr=False)


@dataclass(frozen=True)
class Signed:
    """A signed PDF and what the audit event of the signing records."""

    pdf: bytes
    backend: str
    certificate: str  # SHA-256 fingerprint of the signing certificate (as embedded in the PDF)
    signer_cn: str = ""

    def audit(self) -> dict[str, str]:
        return {"backend": self.backend, "certificate": self.certificate}


def home_office(user: User) -> Office | None:
    """The office whose backend applies to `user` outside a document (the certificate page)."""
    first = active_appointments(user).order_by("position__office__code").first()
    return first.position.office if first else None


def _label(backend: str) -> str:
    return BACKEND_LABELS["signing"].get(backend, backend)


def _bsre_config(timeout: float | None = None) -> bsre.BsreConfig:
    config = bsre.BsreConfig.from_settings()
    if timeout is not None and timeout < config.timeout:
        config = dataclasses.replace(config, timeout=timeout)
    return config


def _cache_key(nik: str) -> str:
    return f"tte.port.bsre_status:{sha256_hex(nik.encode())[:32]}"


def _bsre_status(nik: str, *, fresh: bool, timeout: float | None) -> bsre.BsreStatus:
    key = _cache_key(nik)
    if not fresh:
        kept = cache.get(key)
        if isinstance(kept, bsre.BsreStatus):
            return kept
    status = bsre.user_status(_bsre_config(timeout), nik)
    if status.state != "unavailable":  # a service that did not answer is asked again next time
        cache.set(key, status, STATUS_CACHE_SECONDS)
    else:
        cache.delete(key)
    return status


def _local_status(user: User) -> SignerStatus:
    label = _label("local")
    try:
        certificate = usable_certificate(user)
    except SigningError as error:
        state = error.code if error.code in LOCAL_MESSAGES else "expired"
        return SignerStatus(
            backend="local",
            label=label,
            state=state,
            message=LOCAL_MESSAGES[state],
            action=LOCAL_ACTIONS[state],
            detail=error.message,
        )
    return SignerStatus(
        backend="local",
        label=label,
        state="active",
        message=LOCAL_MESSAGES["active"],
        certificate=certificate,
    )


def signer_status(
    user: User, office: Office | None, *, fresh: bool = False, timeout: float | None = None
) -> SignerStatus:
    """The state of the certificate `user` signs with for documents of `office`. Never raises for
    a service that is down or slow: that is the state "unavailable". `timeout` defaults to
    `STATUS_TIMEOUT` (a page must not hang on BSrE)."""
    backend = signing_backend(office)
    if backend == "local":
        return _local_status(user)
    label = _label("bsre")
    nik = (user.nik or "").strip()
    if not nik:
        return SignerStatus(
            backend="bsre",
            label=label,
            state="no_nik",
            message="Sertifikat BSrE: NIK Anda belum tercatat.",
            action=MSG_NO_NIK,
        )
    status = _bsre_status(nik, fresh=fresh, timeout=STATUS_TIMEOUT if timeout is None else timeout)
    return SignerStatus(
        backend="bsre",
        label=label,
        state=status.state,
        message=status.message,
        action=BSRE_ACTIONS.get(status.state, ""),
        detail=status.detail,
    )


def _for_signer(error: DomainError) -> SigningError:
    """`error` as the signer reads it after a failed signing: what happened, that the document
    is not signed, and whether trying again can help."""
    retryable = bool(getattr(error, "retryable", False))
    parts = [error.message.rstrip()]
    if not parts[0].endswith((".", "!", "?")):
        parts[0] += "."
    if "belum ditandatangani" not in error.message.lower():
        parts.append(NOT_SIGNED)
    if retryable and "coba lagi" not in error.message.lower():
        parts.append(TRY_AGAIN)
    return SigningError(
        " ".join(parts),
        code=error.code,
        retryable=retryable,
        detail=str(getattr(error, "detail", "") or ""),
    )


def _audit_failure(
    *, actor: User, office: Office, cause: Model | None, backend: str, error: DomainError
) -> None:
    after: dict[str, Any] = {
        "backend": backend,
        "code": error.code,
        "message": error.message,
    }
    detail = str(getattr(error, "detail", "") or "")
    if detail:
        after["answer"] = detail[:500]
    with transaction.atomic():
        record(actor=actor, office=office, action="tte.sign_failed", obj=cause, after=after)


def signer_ready(
    user: User, office: Office, passphrase: str, *, cause: Model | None = None
) -> Signer:
    """Check, before any number is taken, that `user` can sign documents of `office` now with
    `passphrase`; SigningError (message for the signer) otherwise.

    local: the usable certificate opens with the passphrase. bsre: the signer has a NIK, typed a
    passphrase, and BSrE answers that the certificate is active (asked afresh, with the page's
    short timeout); BSrE checks the passphrase itself when signing. A refusal by BSrE is audited.
    """
    backend = signing_backend(office)
    if backend == "local":
        certificate = usable_certificate(user)
        unlock_certificate(certificate, passphrase)
        return Signer(
            backend="local",
            user=user,
            office=office,
            certificate=certificate,
            passphrase=passphrase,
        )
    if not passphrase:
        raise SigningError(MSG_NO_PASSPHRASE, code="wrong_passphrase", retryable=True)
    status = signer_status(user, office, fresh=True)
    if not status.ok:
        action = "" if "coba lagi" in status.message.lower() else status.action
        message = " ".join(part for part in (status.message, NOT_SIGNED, action) if part)
        error = SigningError(
            message,
            code=status.state,
            retryable=status.state in ("unavailable", "no_nik"),
            detail=status.detail,
        )
        _audit_failure(actor=user, office=office, cause=cause, backend=backend, error=error)
        raise error
    return Signer(backend="bsre", user=user, office=office, nik=user.nik, passphrase=passphrase)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (OSError, ValueError):  # Pillow without FreeType
        return ImageFont.load_default()


def stamp_png(lines: Sequence[str], box: tuple[float, float, float, float]) -> bytes:
    """The visible appearance BSrE draws in `box` (imageTTD): the signer's lines and
    "Ditandatangani secara elektronik", on white, at three pixels per point."""
    width = max(int((box[2] - box[0]) * 3), 60)
    height = max(int((box[3] - box[1]) * 3), 30)
    text = [line for line in lines if line] + [SIGNED_LINE, "Sertifikat Elektronik BSrE - BSSN"]
    size = max(10, min(36, height // (len(text) + 1)))
    font = _font(size)
    while size > 10 and max(font.getlength(line) for line in text) > width - size:
        size -= 1  # the longest line (a post's full title) fits the box
        font = _font(size)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width - 1, height - 1), outline=(40, 40, 40), width=2)
    y = size // 2
    for line in text:
        draw.text((size // 2, y), line, fill=(0, 0, 0), font=font)
        y += int(size * 1.15)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _signing_cert(pdf: bytes) -> tuple[str, str]:
    """The last signature's certificate in `pdf`: its SHA-256 fingerprint and common name."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        embedded = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception:  # a service's PDF we cannot read is a bad answer
        raise SigningError(
            "Layanan TTE mengembalikan berkas yang tidak dapat dibaca. Dokumen tidak "
            "ditandatangani; coba lagi.",
            code="bad_answer",
            retryable=True,
        ) from None
    if not embedded:
        raise SigningError(
            "Layanan TTE mengembalikan dokumen tanpa tanda tangan. Dokumen tidak "
            "ditandatangani; coba lagi.",
            code="bad_answer",
            retryable=True,
        )
    cert = embedded[-1].signer_cert
    return sha256_hex(cert.dump()), str(cert.subject.native.get("common_name", ""))


def sign_pdf(
    signer: Signer,
    *,
    pdf: bytes,
    reason: str,
    location: str,
    cause: Model | None = None,
    field_name: str = "TTE",
    stamp_lines: Sequence[str] | None = None,
    page: int = -1,
    box: tuple[float, float, float, float] = DEFAULT_BOX,
    zone: str = "Asia/Jakarta",
) -> Signed:
    """`pdf` signed by `signer` through their office's backend, visibly in `box` on `page`.

    Call outside any database transaction (BSrE may take seconds). On failure: SigningError with
    the signer's message, and an audit event `tte.sign_failed` on `cause` (backend, code, BSrE's
    answer); nothing else is written.
    """
    try:
        if signer.backend == "local":
            assert signer.certificate is not None  # noqa: S101 - set by signer_ready
            output = signing.sign_pdf(
                pdf=pdf,
                certificate=signer.certificate,
                passphrase=signer.passphrase,
                reason=reason,
                location=location,
                field_name=field_name,
                stamp_lines=stamp_lines,
                page=page,
                box=box,
                zone=zone,
            )
        else:
            lines = list(stamp_lines or [signer.user.get_full_name() or signer.user.username])
            output = bsre.sign_pdf(
                _bsre_config(),
                pdf,
                nik=signer.nik,
                passphrase=signer.passphrase,
                reason=reason,
                location=location,
                page=page,
                box=box,
                image_png=stamp_png(lines, box),
            )
        fingerprint, common_name = _signing_cert(output)
    except DomainError as error:
        _audit_failure(
            actor=signer.user,
            office=signer.office,
            cause=cause,
            backend=signer.backend,
            error=error,
        )
        raise _for_signer(error) from error
    except Exception as exc:
        log.exception("TTE signing through %s failed", signer.backend)
        failure = SigningError(MSG_FAILED, code="failed", retryable=True)
        _audit_failure(
            actor=signer.user,
            office=signer.office,
            cause=cause,
            backend=signer.backend,
            error=failure,
        )
        raise failure from exc
    if signer.backend == "bsre":
        cache.delete(_cache_key(signer.nik))  # the next page asks BSrE afresh
    return Signed(
        pdf=output, backend=signer.backend, certificate=fingerprint, signer_cn=common_name
    )
