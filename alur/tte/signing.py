"""The one module that signs and verifies PDFs (TTE, PAdES) with pyHanko.

`sign_pdf` unlocks the signer's PKCS#12 only in memory for that one call and adds a visible
PAdES B-B signature with a text stamp; `verify_pdf` checks every signature in a PDF against the
trusted roots (`tte.certificates.trusted_roots`) without any network access (no OCSP, no CRL).

Both use pyHanko's synchronous API, which cannot run inside an event loop: call them from
workers, commands or ordinary (sync) views, never inside an open database transaction.

Every failure to sign is a `SigningError` whose message tells the signer, in Bahasa Indonesia,
what went wrong, and whose `retryable` says whether trying again can help (a mistyped
passphrase: yes; an expired certificate or a document already signed: no).
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.utils import timezone
from pyhanko import stamp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from alur.core.errors import DomainError
from alur.org.regions import zone_label
from alur.tte.certificates import WRONG_PASSPHRASE, trusted_roots
from alur.tte.models import SignerCertificate

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_BOX",
    "SignatureCheck",
    "SigningError",
    "sha256_hex",
    "sign_pdf",
    "verify_pdf",
]

DEFAULT_BOX = (330.0, 40.0, 560.0, 130.0)  # lower right of an A4 page, in points
SIGNED_LINE = "Ditandatangani secara elektronik"


class SigningError(DomainError):
    """Signing refused or failed; `message` is for the signer, `retryable` whether to retry,
    `detail` the signing service's own words (for the audit and logs; never a passphrase)."""

    def __init__(
        self, message: str, *, code: str = "signing", retryable: bool = False, detail: str = ""
    ) -> None:
        super().__init__(message, code=code)
        self.retryable = retryable
        self.detail = detail


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    signer_cn: str
    signed_at: datetime | None
    intact: bool  # the signed bytes are unchanged
    valid: bool  # intact and the cryptographic signature is correct
    trusted: bool  # the signer's certificate chains to a trusted root
    reason: str  # the signer's stated reason, or why the check failed


def sha256_hex(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _reader(pdf: bytes) -> PdfFileReader:
    try:
        return PdfFileReader(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError) as exc:
        raise SigningError("Berkas bukan PDF yang dapat dibaca.", code="bad_pdf") from exc


def _filled_fields(reader: PdfFileReader) -> set[str]:
    return {name for name, _value, _ref in fields.enumerate_sig_fields(reader, filled_status=True)}


def _stamp_text(lines: Sequence[str], moment: datetime, zone: str) -> str:
    """The stamp's lines and the signing time in the office's own zone (WIB, WITA or WIT):
    pyHanko's own `%(ts)s` would print the server's zone."""
    # pyHanko fills `%(ts)s` (and `%(signer)s`) with %-formatting: escape the caller's text.
    body = [line.replace("%", "%%") for line in lines if line]
    local = moment.astimezone(ZoneInfo(zone))
    return "\n".join([*body, SIGNED_LINE, f"Tanggal: {local:%d-%m-%Y %H:%M} {zone_label(zone)}"])


def _default_lines(certificate: SignerCertificate) -> list[str]:
    user = certificate.user
    lines = [user.get_full_name() or certificate.subject_cn]
    if user.nip:
        lines.append(f"NIP. {user.nip}")
    return lines


def sign_pdf(
    *,
    pdf: bytes,
    certificate: SignerCertificate,
    passphrase: str,
    reason: str,
    location: str,
    field_name: str = "TTE",
    stamp_lines: Sequence[str] | None = None,
    page: int = -1,
    box: tuple[float, float, float, float] = DEFAULT_BOX,
    zone: str = "Asia/Jakarta",
) -> bytes:
    """`pdf` with a visible PAdES signature by `certificate`'s holder in field `field_name` on
    `page` (negative counts from the end) inside `box` (x1, y1, x2, y2 in points).

    The stamp shows `stamp_lines` (default: the holder's name and NIP), "Ditandatangani secara
    elektronik" and the signing time. The input bytes are never modified.
    """
    now = timezone.now()
    if certificate.revoked_at is not None:
        raise SigningError("Sertifikat sudah dicabut dan tidak dapat dipakai.", code="revoked")
    if certificate.not_after < now:
        raise SigningError("Sertifikat sudah kedaluwarsa.", code="expired")
    if certificate.not_before > now:
        raise SigningError("Sertifikat belum berlaku.", code="not_yet_valid")

    reader = _reader(pdf)
    if field_name in _filled_fields(reader):
        raise SigningError("Dokumen ini sudah ditandatangani.", code="already_signed")

    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            certificate.p12(), other_certs=[], passphrase=passphrase.encode()
        )
    except ValueError as exc:
        raise SigningError(WRONG_PASSPHRASE, code="wrong_passphrase", retryable=True) from exc
    signing_cert = signer.signing_cert
    if signing_cert is None or sha256_hex(signing_cert.dump()) != certificate.fingerprint_sha256:
        raise SigningError("Isi sertifikat tidak cocok dengan data tersimpan.", code="mismatch")

    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason or None,
        location=location or None,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=stamp.TextStampStyle(
            stamp_text=_stamp_text(stamp_lines or _default_lines(certificate), now, zone),
        ),
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=field_name,
            on_page=page,
            box=box,  # type: ignore[arg-type]  # pyHanko says int; PDF points may be fractional
        ),
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        output = pdf_signer.sign_pdf(writer)
    except (PyHankoSigningError, PdfError, ValueError) as exc:
        log.warning("TTE signing failed for certificate %s: %s", certificate.pk, exc)
        raise SigningError(f"Penandatanganan gagal: {exc}", code="failed") from exc
    return output.getvalue()


def _validation_context() -> ValidationContext:
    return ValidationContext(
        trust_roots=[_asn1(root) for root in trusted_roots()],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


def verify_pdf(pdf: bytes) -> list[SignatureCheck]:
    """One check per signature in `pdf`, in signing order; an unsigned PDF gives []."""
    reader = _reader(pdf)
    checks: list[SignatureCheck] = []
    for embedded in reader.embedded_signatures:
        name = embedded.field_name
        signer_cn = ""
        try:
            signer_cn = embedded.signer_cert.subject.native.get("common_name", "")
        except (ValueError, KeyError, AttributeError):
            signer_cn = ""
        stated_reason = str(embedded.sig_object.get("/Reason", "") or "")
        try:
            status = validate_pdf_signature(
                embedded, signer_validation_context=_validation_context()
            )
        except Exception as exc:  # a damaged signature must not hide the others
            log.info("TTE verification of field %s failed: %s", name, exc)
            checks.append(
                SignatureCheck(
                    field=name,
                    signer_cn=signer_cn,
                    signed_at=None,
                    intact=False,
                    valid=False,
                    trusted=False,
                    reason=f"Tanda tangan tidak dapat diperiksa: {exc}",
                )
            )
            continue
        checks.append(
            SignatureCheck(
                field=name,
                signer_cn=signer_cn,
                signed_at=status.signer_reported_dt,
                intact=bool(status.intact),
                valid=bool(status.intact and status.valid),
                trusted=bool(status.intact and status.valid and status.trusted),
                reason=stated_reason,
            )
        )
    return checks
