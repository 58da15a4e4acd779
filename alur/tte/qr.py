"""QR codes that point to a document's public verification page, for the printed page (SVG in
the WeasyPrint HTML)."""

from __future__ import annotations

import io

import segno

QR_ERROR = "m"  # survives a fold or a stamp over part of the code
QR_SCALE = 4
QR_BORDER = 2


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error=QR_ERROR, micro=False)


def qr_svg(url: str, *, scale: int = QR_SCALE) -> str:
    """`<svg ...>` markup (no XML declaration) to place inline in an HTML document."""
    out = io.BytesIO()
    qr_code(url).save(
        out,
        kind="svg",
        scale=scale,
        border=QR_BORDER,
        xmldecl=False,
        svgns=True,
        nl=False,
        title="Kode QR verifikasi dokumen",
    )
    return out.getvalue().decode("utf-8")
