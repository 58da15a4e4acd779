"""SIAK's print: a plain A4 page with the number, the name, the data and a QR code that opens
the verification page, signed (PAdES) with the local server's own development key of the
"Kepala Dinas". Not the national layout: enough for Alur to attach, hash, archive and show."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

SIGNER_NAME = "Kepala Dinas Kependudukan dan Pencatatan Sipil (SIAK lokal)"
TITLES = {
    "akta_kelahiran": "KUTIPAN AKTA KELAHIRAN",
    "akta_kematian": "KUTIPAN AKTA KEMATIAN",
    "kk": "KARTU KELUARGA",
    "nik": "BIODATA PENDUDUK",
}


@cache
def signing_key() -> tuple[bytes, bytes]:
    """The server's development key and self-signed certificate (DER), made once per process."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, SIGNER_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SIAK lokal (pengembangan)"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_der, cert.public_bytes(serialization.Encoding.DER)


def certificate_pem() -> bytes:
    return x509.load_der_x509_certificate(signing_key()[1]).public_bytes(serialization.Encoding.PEM)


FOOTER_OWN_KEY = "Dokumen ini ditandatangani secara elektronik dan dicetak dari SIAK (lokal)."
FOOTER_BSRE = (
    "Dokumen ini ditandatangani secara elektronik oleh Kepala Dinas dengan sertifikat "
    "elektronik BSrE."
)


def _page(
    kind: str, number: str, lines: list[tuple[str, str]], verify_url: str, *, bsre: bool = False
) -> bytes:
    """The page; with `bsre` the QR code is left to BSrE's visible signature (its linkQR)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{TITLES.get(kind, kind)} {number}")
    width, height = A4
    pdf.setFont("Helvetica-Bold", 15)
    pdf.drawCentredString(width / 2, height - 80, TITLES.get(kind, kind.upper()))
    pdf.setFont("Helvetica", 11)
    pdf.drawCentredString(width / 2, height - 100, f"Nomor: {number}")
    y = height - 150
    for label, value in lines:
        pdf.setFont("Helvetica", 10)
        pdf.drawString(70, y, label)
        pdf.drawString(230, y, f": {value}")
        y -= 18
    if not bsre:
        widget = QrCodeWidget(verify_url)
        x1, y1, x2, y2 = widget.getBounds()
        size = 90.0
        drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, pdf, 70, 120)
    else:  # above the box where BSrE draws the QR (peers/siak/tte.py BOX: 405-515 x 90-200)
        pdf.setFont("Helvetica", 8)
        pdf.drawRightString(515, 212, "Kepala Dinas Kependudukan dan Pencatatan Sipil")
    pdf.setFont("Helvetica", 8)
    pdf.drawString(70, 105, "Pindai kode QR untuk memeriksa keaslian dokumen.")
    pdf.drawString(70, 70, FOOTER_BSRE if bsre else FOOTER_OWN_KEY)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _sign(pdf: bytes) -> bytes:
    key_der, cert_der = signing_key()
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert_der),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore(),
    )
    meta = signers.PdfSignatureMetadata(
        field_name="TTE",
        reason="Dokumen kependudukan dicetak dari SIAK",
        location="SIAK lokal",
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=TextStampStyle(stamp_text=f"Ditandatangani secara elektronik\n{SIGNER_NAME}"),
        new_field_spec=fields.SigFieldSpec(
            sig_field_name="TTE", on_page=0, box=(300, 110, 530, 190)
        ),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    return pdf_signer.sign_pdf(writer).getvalue()


def print_document(kind: str, number: str, lines: list[tuple[str, str]], verify_url: str) -> bytes:
    """The signed PDF of one document."""
    return _sign(_page(kind, number, lines, verify_url))


def print_unsigned(kind: str, number: str, lines: list[tuple[str, str]], verify_url: str) -> bytes:
    """The PDF of one document before the Kadis's TTE through BSrE (no signature yet)."""
    return _page(kind, number, lines, verify_url, bsre=True)


def lines_for(data: dict[str, Any], labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(label, str(data[key])) for key, label in labels.items() if data.get(key)]
