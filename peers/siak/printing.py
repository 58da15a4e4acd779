"""SIAK's print: a plain A4 page with the number, the name, the data (a KK's members in a
table) and a QR code that opens the verification page, signed (PAdES) with the local server's
own development key of the "Kepala Dinas". Not the national layout: enough for Alur to attach,
hash, archive and show."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

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
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

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


# A table (a KK's members) on A4 portrait: its columns (points) and, on the first page, how far
# down it may go: above the QR code, the signature box and BSrE's (tte.BOX: y 90-200).
TABLE_X = 50
TABLE_COLUMNS = (20, 122, 84, 56, 76, 56, 81)
TABLE_FLOOR = 236
PAGE_FLOOR = 60


def _table(rows: Sequence[Sequence[str]]) -> Table:
    """Rows of text (the first one the header) as a ruled table; long names wrap."""
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=8, leading=10)
    head = ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold")
    data = [
        [Paragraph(escape(text), head if i == 0 else cell) for text in row]
        for i, row in enumerate(rows)
    ]
    table = Table(data, colWidths=TABLE_COLUMNS, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _draw_table(
    pdf: canvas.Canvas, rows: Sequence[Sequence[str]], top: float, heading: str
) -> None:
    """The table from `top` down to TABLE_FLOOR on this page; what does not fit goes on the
    next pages (under `heading`, the header row repeated)."""
    width = float(sum(TABLE_COLUMNS))
    _, height = A4
    left: Flowable | None = _table(rows)
    floor = TABLE_FLOOR
    for _page_number in range(100):
        if left is None:
            return
        room = top - floor
        _, needed = left.wrap(width, room)
        if needed <= room:
            left.drawOn(pdf, TABLE_X, top - needed)
            return
        parts = left.split(width, room)
        if parts:
            _, used = parts[0].wrap(width, room)
            parts[0].drawOn(pdf, TABLE_X, top - used)
            left = parts[1] if len(parts) > 1 else None
        if left is None:
            return
        pdf.showPage()
        pdf.setFont("Helvetica-Bold", 11)
        pdf.drawString(TABLE_X, height - 60, heading)
        top, floor = height - 75, PAGE_FLOOR


def _page(
    kind: str,
    number: str,
    lines: list[tuple[str, str]],
    verify_url: str,
    *,
    bsre: bool = False,
    table: Sequence[Sequence[str]] = (),
) -> bytes:
    """The page; with `bsre` the QR code is left to BSrE's visible signature (its linkQR).
    A `table` (a KK's members) follows the lines, on further pages when it is long."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    title = TITLES.get(kind, kind.upper())
    pdf.setTitle(f"{title} {number}")
    width, height = A4
    pdf.setFont("Helvetica-Bold", 15)
    pdf.drawCentredString(width / 2, height - 80, title)
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
    if table:
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(TABLE_X, y - 6, "Anggota keluarga")
        _draw_table(pdf, table, y - 14, f"{title} {number} (lanjutan)")
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


def print_document(
    kind: str,
    number: str,
    lines: list[tuple[str, str]],
    verify_url: str,
    table: Sequence[Sequence[str]] = (),
) -> bytes:
    """The signed PDF of one document (`table`: rows under the lines, the header first)."""
    return _sign(_page(kind, number, lines, verify_url, table=table))


def print_unsigned(
    kind: str,
    number: str,
    lines: list[tuple[str, str]],
    verify_url: str,
    table: Sequence[Sequence[str]] = (),
) -> bytes:
    """The PDF of one document before the Kadis's TTE through BSrE (no signature yet)."""
    return _page(kind, number, lines, verify_url, bsre=True, table=table)


def lines_for(data: dict[str, Any], labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(label, str(data[key])) for key, label in labels.items() if data.get(key)]
