"""PDFs as SIAK prints them, for the tests of an office on SIAK: the document's text (its
number), signed with pyHanko by a signer of a development CA (`alur.tte.pki`), or left
unsigned, or changed after signing."""

from __future__ import annotations

import io
import tempfile
from functools import cache
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from alur.tte.pki import dev_ca, issue_signer

DER = serialization.Encoding.DER


@cache
def _signer() -> signers.SimpleSigner:
    ca = dev_ca(Path(tempfile.mkdtemp(prefix="siak-ca-")))
    cert, key = issue_signer(
        ca, name="Kepala Dinas (uji SIAK)", nip="197001011990031001", office_name="Dukcapil"
    )
    key_der = key.private_bytes(
        DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(ca[0].public_bytes(DER))]
        ),
    )


def plain_pdf(*lines: str) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    y = 800
    for line in ("KEMENTERIAN DALAM NEGERI - SIAK", *lines):
        page.drawString(60, y, line)
        y -= 20
    page.showPage()
    page.save()
    return out.getvalue()


def signed_pdf(*lines: str) -> bytes:
    """A PDF showing `lines`, signed (TTE) as SIAK's print is."""
    writer = IncrementalPdfFileWriter(io.BytesIO(plain_pdf(*lines)))
    meta = signers.PdfSignatureMetadata(field_name="TTE", reason="Kutipan dari SIAK")
    return signers.sign_pdf(writer, meta, signer=_signer()).getvalue()


def changed_after_signing(pdf: bytes) -> bytes:
    """The signed `pdf` with bytes added after its signature."""
    return pdf + b"\n% diubah sesudah ditandatangani\n"


def broken_signature(pdf: bytes) -> bytes:
    """The signed `pdf` with one byte inside the signed range changed."""
    return pdf.replace(b"ReportLab PDF Library", b"ReportLab PDF Librarx", 1)
