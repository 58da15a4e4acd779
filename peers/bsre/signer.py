"""Signing and verifying PDFs for the local BSrE, with pyHanko (PAdES B-B, SHA-256).

`sign` adds one signature in a new field (`sig_<random>`), invisible or visible in a box on a
page with the given image, a QR code of a link, or a text stamp with the signer's name.
`verify` reads every signature of a PDF and checks it against the peer's own CA.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pypdf
import segno
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from PIL import Image, UnidentifiedImageError
from pyhanko import stamp
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from peers.bsre.pki import Key


class SignFailure(Exception):
    """The document cannot be signed as asked (unreadable PDF, page out of range, bad image)."""


@dataclass(frozen=True)
class Appearance:
    """A visible signature: on `page` (0-based, negative from the end), in `box` (x1, y1, x2, y2
    in PDF points from the page's lower left corner), showing `image`, else a QR of `link_qr`,
    else the signer's name."""

    page: int
    box: tuple[float, float, float, float]
    image: bytes | None = None
    link_qr: str | None = None


@dataclass(frozen=True)
class Checked:
    field: str
    signer_name: str
    signer_dn: str
    issuer_dn: str
    cert_validity: tuple[datetime, datetime] | None
    signed_at: datetime | None
    reason: str
    location: str
    intact: bool
    valid: bool
    trusted: bool
    whole_file: bool  # nothing was added after this signature (or only later signatures)


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(key: Key) -> asn1_keys.PrivateKeyInfo:
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return asn1_keys.PrivateKeyInfo.load(der)


def reader(pdf: bytes) -> PdfFileReader:
    if not pdf.startswith(b"%PDF-"):
        raise SignFailure("file is not a PDF")
    try:
        return PdfFileReader(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        raise SignFailure(f"file is not a readable PDF: {exc}") from exc


def page_count(pdf: bytes) -> int:
    try:
        return int(reader(pdf).root["/Pages"]["/Count"])
    except (PdfError, KeyError, TypeError, ValueError) as exc:
        raise SignFailure(f"file is not a readable PDF: {exc}") from exc


def _image(data: bytes) -> PdfImage:
    try:
        picture = Image.open(io.BytesIO(data))
        picture.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise SignFailure("imageTTD is not a PNG or JPEG image") from exc
    if picture.format not in ("PNG", "JPEG"):
        raise SignFailure("imageTTD is not a PNG or JPEG image")
    if picture.mode in ("RGB", "RGBA", "L", "LA"):
        return PdfImage(picture)
    return PdfImage(picture.convert("RGBA"))


def _qr_png(link: str) -> bytes:
    out = io.BytesIO()
    segno.make(link, error="m", micro=False).save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def _style(appearance: Appearance, signer_name: str) -> stamp.BaseStampStyle:
    picture = appearance.image or (_qr_png(appearance.link_qr) if appearance.link_qr else None)
    if picture is not None:
        return stamp.StaticStampStyle(
            background=_image(picture), border_width=0, background_opacity=1.0
        )
    text = signer_name.replace("%", "%%")
    return stamp.TextStampStyle(
        stamp_text=f"Ditandatangani secara elektronik oleh\n{text}\n%(ts)s",
        border_width=1,
    )


def sign(
    pdf: bytes,
    *,
    cert: x509.Certificate,
    key: Key,
    ca_cert: x509.Certificate,
    reason: str,
    location: str,
    appearance: Appearance | None,
) -> bytes:
    """`pdf` with one more PAdES signature by `cert`'s holder; the input is not modified."""
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(cert),
        signing_key=_asn1_key(key),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(ca_cert)]),
    )
    pages = page_count(pdf)
    field_name = f"sig_{secrets.token_hex(4)}"
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason or None,
        location=location or None,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    if appearance is None:
        pdf_signer = signers.PdfSigner(meta, signer=signer)
    else:
        if not -pages <= appearance.page < pages:
            raise SignFailure(f"page {appearance.page + 1} is outside the document ({pages})")
        x1, y1, x2, y2 = appearance.box
        if x2 <= x1 or y2 <= y1:
            raise SignFailure("width and height must be positive")
        name = cert.subject.rfc4514_string()
        common = cert.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
        if common:
            value = common[0].value
            name = value if isinstance(value, str) else value.decode()
        pdf_signer = signers.PdfSigner(
            meta,
            signer=signer,
            stamp_style=_style(appearance, name),
            new_field_spec=fields.SigFieldSpec(
                sig_field_name=field_name,
                on_page=appearance.page,
                box=appearance.box,  # type: ignore[arg-type]  # PDF points may be fractional
            ),
        )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        return pdf_signer.sign_pdf(writer).getvalue()
    except (PyHankoSigningError, PdfError, ValueError, KeyError, TypeError) as exc:
        raise SignFailure(f"signing failed: {exc}") from exc


def verify(pdf: bytes, trust_roots: Sequence[x509.Certificate]) -> list[Checked]:
    """One row per signature in `pdf`, in signing order."""
    context = ValidationContext(
        trust_roots=[_asn1_cert(root) for root in trust_roots],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    rows: list[Checked] = []
    embedded_list = reader(pdf).embedded_signatures
    for index, embedded in enumerate(embedded_list):
        cert = embedded.signer_cert
        subject = cert.subject.native if cert is not None else {}
        validity = None
        if cert is not None:
            validity = (cert.not_valid_before, cert.not_valid_after)
        try:
            status = validate_pdf_signature(embedded, context)
            intact, valid, trusted = status.intact, status.valid, status.bottom_line
            signed_at = status.signer_reported_dt
            coverage = status.coverage.name if status.coverage is not None else ""
        except (PyHankoSigningError, PdfError, ValueError, KeyError, TypeError):
            intact = valid = trusted = False
            signed_at, coverage = None, ""
        last = index == len(embedded_list) - 1
        whole = coverage == "ENTIRE_FILE" or (not last and coverage == "ENTIRE_REVISION")
        sig_object = embedded.sig_object
        rows.append(
            Checked(
                field=embedded.field_name or "",
                signer_name=str(subject.get("common_name", "")),
                signer_dn=cert.subject.human_friendly if cert is not None else "",
                issuer_dn=cert.issuer.human_friendly if cert is not None else "",
                cert_validity=validity,
                signed_at=signed_at,
                reason=str(sig_object.get("/Reason", "") or ""),
                location=str(sig_object.get("/Location", "") or ""),
                intact=intact,
                valid=valid,
                trusted=trusted,
                whole_file=whole,
            )
        )
    return rows


def _tag_on(page: pypdf.PageObject, tag: str) -> tuple[float, float] | None:
    found: list[tuple[float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        at = text.find(tag)
        if found or at < 0:
            return
        x = tm[4] + at * size * 0.5 * tm[0]
        y = tm[5]
        found.append((x * cm[0] + y * cm[2] + cm[4], x * cm[1] + y * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return found[0] if found else None


def find_tag(pdf: bytes, tag: str, page: int | None) -> tuple[int, float, float] | None:
    """Where `tag` first appears in the text of `page` (0-based; None: every page in order):
    the page and the tag's baseline start in PDF points. Glyph widths are estimated (half the
    font size), which is near enough for a placeholder character."""
    if not tag:
        return None
    try:
        document = pypdf.PdfReader(io.BytesIO(pdf), strict=False)
        indexes = [page] if page is not None else list(range(len(document.pages)))
        for index in indexes:
            spot = _tag_on(document.pages[index], tag)
            if spot is not None:
                return index, spot[0], spot[1]
    except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise SignFailure(f"file is not a readable PDF: {exc}") from exc
    return None
