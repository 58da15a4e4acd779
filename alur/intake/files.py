"""Checking an uploaded file before it is stored: only JPEG, PNG and PDF, known by their bytes.

The name and the declared type come from the sender and are not trusted; the kind is read from
the file's own signature, and a PDF that can run script or start a program is refused.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from dataclasses import dataclass
from typing import Any

from alur.intake.catalogue import Kind

DEFAULT_MAX_BYTES = 5 * 1024 * 1024

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"

EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
KINDS = {JPEG: Kind.IMAGE, PNG: Kind.IMAGE, PDF: Kind.PDF}

NOT_ALLOWED = "Berkas bukan PDF atau gambar yang sah (hanya JPG, PNG atau PDF)."
ACTIVE_PDF = "Berkas PDF berisi skrip atau perintah yang dapat dijalankan; kirim PDF biasa."
BOMB_PDF = "Berkas PDF berisi data termampatkan yang terlalu besar bila dibuka; kirim PDF biasa."
HUGE_IMAGE = (
    "Ukuran gambar terlalu besar (lebar × tinggi lebih dari 40 juta piksel); "
    "kirim foto dengan resolusi lebih kecil."
)

# PDF name objects may spell letters as #xx (/J#61vaScript); such names are decoded first.
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Actions that run script, start a program, send the form out or pull data in, and the
# containers that carry other files or players.
_ACTIVE_NAMES = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|SubmitForm|ImportData|GoToE|XFA)"
    rb"(?![A-Za-z0-9])"
)
# A script can hide in a compressed stream (an object stream of PDF 1.5), so Flate streams are
# opened and read too, up to this many bytes in all; a file that expands further is refused.
MAX_INFLATED_BYTES = 64 * 1024 * 1024
_FLATE_STREAM = re.compile(rb"/FlateDecode.{0,400}?stream\r?\n", re.DOTALL)
# A decoded image of this many pixels takes hundreds of MB in any viewer.
MAX_PIXELS = 40_000_000
_EXTENSION_KIND = {"jpg": JPEG, "jpeg": JPEG, "jpe": JPEG, "png": PNG, "pdf": PDF}
_KIND_WORD = {JPEG: "gambar JPG", PNG: "gambar PNG", PDF: "PDF"}


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


def _has_active_names(data: bytes) -> bool:
    plain = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    return _ACTIVE_NAMES.search(plain) is not None


def _inflated_streams(data: bytes) -> list[bytes]:
    """The Flate streams of a PDF, opened; FileRejected(BOMB_PDF) past MAX_INFLATED_BYTES."""
    opened: list[bytes] = []
    budget = MAX_INFLATED_BYTES
    for match in _FLATE_STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        raw = data[match.end() : end if end >= 0 else len(data)]
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(raw, budget + 1)
        except zlib.error:
            continue  # a damaged stream hides nothing a reader could run
        if len(chunk) > budget or inflater.unconsumed_tail:
            raise FileRejected(BOMB_PDF)
        budget -= len(chunk)
        opened.append(chunk)
    return opened


def _pdf_is_active(data: bytes) -> bool:
    return _has_active_names(data) or any(_has_active_names(s) for s in _inflated_streams(data))


def _png_pixels(data: bytes) -> int:
    width, height = struct.unpack(">II", data[16:24]) if len(data) >= 24 else (0, 0)
    return width * height


def _jpeg_pixels(data: bytes) -> int:
    """Width × height from the first start-of-frame marker; 0 when none is found."""
    at = 2
    while at + 9 <= len(data):
        if data[at] != 0xFF:
            at += 1
            continue
        marker = data[at + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            at += 1 if marker == 0xFF else 2
            continue
        length = struct.unpack(">H", data[at + 2 : at + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width * height
        at += 2 + length
    return 0


def _extension_lies(filename: str, mime: str) -> bool:
    """The name ends in .jpg, .png or .pdf and the bytes are another of those kinds."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    claimed = _EXTENSION_KIND.get(extension)
    return claimed is not None and claimed != mime


def read_bounded(upload: Any, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, str, str]:
    """An uploaded file as (data, declared type, name), reading at most one byte more than
    allowed: enough for `check_upload` to say "too large" without holding a huge file in
    memory (Django keeps a large upload in a temporary file until it is read)."""
    return upload.read(max_bytes + 1), upload.content_type or "", upload.name or ""


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
    if _extension_lies(filename, mime):
        extension = filename.rsplit(".", 1)[-1].lower()
        raise FileRejected(
            f"Isi berkas tidak sesuai dengan namanya: berakhiran .{extension} "
            f"tetapi isinya {_KIND_WORD[mime]}. Kirim berkas aslinya."
        )
    if mime == PDF and _pdf_is_active(data):
        raise FileRejected(ACTIVE_PDF)
    pixels = _png_pixels(data) if mime == PNG else _jpeg_pixels(data) if mime == JPEG else 0
    if pixels > MAX_PIXELS:
        raise FileRejected(HUGE_IMAGE)
    return CheckedFile(
        mime=mime,
        extension=EXTENSIONS[mime],
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
    )
