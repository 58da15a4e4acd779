"""Checking an uploaded file before it is stored: only JPEG, PNG and PDF, known by their bytes.

The name and the declared type come from the sender and are not trusted; the kind is read from
the file's own signature, and a PDF that can run script or start a program is refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from alur.intake.catalogue import Kind

DEFAULT_MAX_BYTES = 5 * 1024 * 1024

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"

EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
KINDS = {JPEG: Kind.IMAGE, PNG: Kind.IMAGE, PDF: Kind.PDF}

NOT_ALLOWED = "Berkas bukan PDF atau gambar yang sah (hanya JPG, PNG atau PDF)."
ACTIVE_PDF = "Berkas PDF berisi skrip atau perintah yang dapat dijalankan; kirim PDF biasa."

# PDF name objects may spell letters as #xx (/J#61vaScript); such names are decoded first.
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_ACTIVE_NAMES = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia)(?![A-Za-z0-9])")


class FileRejected(Exception):
    """The file is not accepted; `reason` is shown to the sender as it is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CheckedFile:
    mime: str
    extension: str
    size: int
    sha256: str

    @property
    def kind(self) -> Kind:
        return KINDS[self.mime]


def detect(data: bytes) -> str | None:
    """The type a file's bytes show, when it is a whole JPEG, PNG or PDF; else None."""
    if data.startswith(b"\xff\xd8\xff") and b"\xff\xd9" in data[-4096:]:
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n") and b"IEND" in data[-64:]:
        return PNG
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return PDF
    return None


def _pdf_is_active(data: bytes) -> bool:
    plain = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    return _ACTIVE_NAMES.search(plain) is not None


def check_upload(
    data: bytes,
    *,
    declared_mime: str,
    filename: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> CheckedFile:
    """Accept `data` as a JPEG, PNG or PDF, or raise FileRejected saying why not.

    `declared_mime` and `filename` are what the sender claims; neither decides the type.
    """
    size = len(data)
    if size == 0:
        raise FileRejected("Berkas kosong.")
    if size > max_bytes:
        limit = max_bytes / (1024 * 1024)
        raise FileRejected(f"Berkas terlalu besar: paling besar {limit:g} MB.")
    mime = detect(data)
    if mime is None:
        raise FileRejected(NOT_ALLOWED)
    if mime == PDF and _pdf_is_active(data):
        raise FileRejected(ACTIVE_PDF)
    return CheckedFile(
        mime=mime,
        extension=EXTENSIONS[mime],
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
    )
