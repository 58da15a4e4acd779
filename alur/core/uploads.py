"""Checking an uploaded file before it is stored: only JPEG, PNG and PDF, known by their bytes.

Every upload of the product passes here: the counter's and WhatsApp's application files, the
outreach letters, the handover proof and the records of outside steps.

The name and the declared type come from the sender and are not trusted; the kind is read from
the file's own signature. A PDF is read with a PDF parser and refused when it can run script,
start a program, act on opening, send a form out or carry other files, or is encrypted or damaged.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"

EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}

NOT_ALLOWED = "Berkas bukan PDF atau gambar yang sah (hanya JPG, PNG atau PDF)."
ACTIVE_PDF = "Berkas PDF berisi skrip atau perintah yang dapat dijalankan; kirim PDF biasa."
EMBEDDED_PDF = "Berkas PDF berisi lampiran berkas lain di dalamnya; kirim PDF biasa tanpa lampiran."
BOMB_PDF = "Berkas PDF berisi data termampatkan yang terlalu besar bila dibuka; kirim PDF biasa."
COMPLEX_PDF = "Berkas PDF terlalu rumit untuk diperiksa; cetak ulang ke PDF lalu kirim lagi."
ENCRYPTED_PDF = (
    "Berkas PDF terkunci (terenkripsi) sehingga isinya tidak dapat diperiksa; "
    "kirim PDF tanpa kata sandi atau kunci."
)
DAMAGED_PDF = (
    "Berkas PDF rusak atau tidak lengkap sehingga tidak dapat dibaca; "
    "simpan ulang atau pindai ulang dokumennya lalu kirim lagi."
)
HUGE_IMAGE = (
    "Ukuran gambar terlalu besar (lebar × tinggi lebih dari 40 juta piksel); "
    "kirim foto dengan resolusi lebih kecil."
)

# What a PDF is refused for, read by a PDF parser (pypdf) after every filter: dictionary keys
# that run script or act on their own (/AA on the document, a page, an annotation or a field;
# /OpenAction of any kind, a link opened on opening included), the actions that run script,
# start a program, send a form out, pull data in or open another file, and what carries files
# or players.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/OpenAction", "/XFA", "/RichMediaContent"}
_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/GoToE",
    "/GoToR",
    "/RichMediaExecute",
}
_ACTIVE_SUBTYPES = {"/RichMedia"}
_EMBEDDED_KEYS = {"/EmbeddedFiles", "/EF"}
# The same names searched in the bytes outside streams and in the text of object streams; PDF
# names may spell letters as #xx (/J#61vaScript), which are decoded first.
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_ACTIVE_NAMES = re.compile(
    rb"/(JavaScript|JS|AA|OpenAction|Launch|EmbeddedFiles?|RichMedia|SubmitForm|ImportData"
    rb"|GoToE|GoToR|XFA)(?![A-Za-z0-9])"
)
_STREAM_BODY = re.compile(rb"(?<![A-Za-z])stream\r?\n.*?endstream", re.DOTALL)
# Streams are opened through their whole filter chain, up to this many bytes in all; a file
# that expands further is refused. Reading one PDF stops after MAX_PDF_SECONDS.
MAX_INFLATED_BYTES = 64 * 1024 * 1024
MAX_PDF_SECONDS = 10.0
_PYPDF_LIMITS = (
    "zlib_maximum_output_length",
    "lzw_maximum_output_length",
    "run_length_maximum_output_length",
    "array_based_stream_maximum_output_length",
    "brotli_maximum_output_length",
    "jbig2_maximum_output_length",
    "stream_decoding_work_maximum_length",
)
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


def detect(data: bytes) -> str | None:
    """The type a file's bytes show, when it is a whole JPEG, PNG or PDF; else None."""
    if data.startswith(b"\xff\xd8\xff") and b"\xff\xd9" in data[-4096:]:
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n") and b"IEND" in data[-64:]:
        return PNG
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return PDF
    return None


def _plain_names(data: bytes) -> bytes:
    return _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)


def _has_active_names(data: bytes) -> bool:
    return _ACTIVE_NAMES.search(_plain_names(data)) is not None


def _name(obj: DictionaryObject, key: str) -> str | None:
    """The name under `key`, followed through an indirect reference as a viewer follows it."""
    value = obj.get(key)
    if isinstance(value, IndirectObject):
        value = value.get_object()
    return str(value) if isinstance(value, NameObject) else None


def _refusal(obj: DictionaryObject) -> str | None:
    """Why a PDF holding this dictionary is refused, or None when it is harmless."""
    keys = set(obj.keys())
    kind, subtype = _name(obj, "/Type"), _name(obj, "/Subtype")
    if keys & _EMBEDDED_KEYS or kind == "/EmbeddedFile" or subtype == "/FileAttachment":
        return EMBEDDED_PDF
    if keys & _ACTIVE_KEYS or _name(obj, "/S") in _ACTIVE_ACTIONS:
        return ACTIVE_PDF
    if subtype in _ACTIVE_SUBTYPES:
        return ACTIVE_PDF
    return None


class _Reading:
    """One walk over every object of a PDF, within the decoding and time budgets."""

    def __init__(self, reader: PdfReader) -> None:
        self.reader = reader
        self.decoded = 0
        self.deadline = time.monotonic() + MAX_PDF_SECONDS

    def objects(self) -> Iterator[PdfObject]:
        """The trailer and every indirect object, those packed in object streams included."""
        yield self.reader.trailer
        numbers = {(n, g) for g, table in self.reader.xref.items() for n in table}
        numbers |= {(n, 0) for n in self.reader.xref_objStm}
        for number, generation in sorted(numbers):
            if time.monotonic() > self.deadline:
                raise FileRejected(COMPLEX_PDF)
            obj = self.reader.get_object(IndirectObject(number, generation, self.reader))
            if obj is not None:  # a number whose object is gone: nothing to check
                yield obj

    def stream(self, obj: StreamObject) -> None:
        """Open a stream (every filter in its chain), counting what it inflates to. Images are
        not opened: a viewer decodes them with its own limits, and their size is checked."""
        packed = _name(obj, "/Type") == "/ObjStm"
        if _name(obj, "/Subtype") == "/Image" and not packed:
            width, height = obj.get("/Width", 0), obj.get("/Height", 0)
            if isinstance(width, int) and isinstance(height, int) and width * height > MAX_PIXELS:
                raise FileRejected(HUGE_IMAGE)
            return
        data = obj.get_data()
        self.decoded += len(data)
        if self.decoded > MAX_INFLATED_BYTES:
            raise FileRejected(BOMB_PDF)
        # An object stream is read by the parser; its text is also searched, in case it holds
        # objects the cross-reference table does not list but a viewer would find.
        if packed and _has_active_names(data):
            raise FileRejected(ACTIVE_PDF)

    def check(self, root: PdfObject) -> None:
        pending = [root]
        while pending:
            obj = pending.pop()
            if isinstance(obj, DictionaryObject):
                reason = _refusal(obj)
                if reason:
                    raise FileRejected(reason)
                if isinstance(obj, StreamObject):
                    self.stream(obj)
                pending.extend(obj.values())
            elif isinstance(obj, ArrayObject):
                pending.extend(obj)


def _open_pdf(data: bytes) -> PdfReader:
    """The PDF as a viewer opens it: by its cross-reference table, or, when the table or its
    pointer is missing or broken, by the objects found in the file (viewers recover so too)."""
    try:
        return PdfReader(io.BytesIO(data), strict=False)
    except LimitReachedError:
        raise
    except PyPdfError:
        return PdfReader(io.BytesIO(data + b"\nstartxref\n0\n%%EOF\n"), strict=False)


def _check_pdf(data: bytes) -> None:
    """Read the PDF with a real parser and refuse what can act, carries files or cannot be read.

    Every indirect object is visited, those packed in object streams included, and every
    stream is opened through its whole filter chain, so a name hidden under /ASCIIHexDecode or
    two /FlateDecode layers is seen as a viewer would see it. The bytes outside streams are also
    searched by name, so an object a lenient viewer would recover from a broken table is seen.
    """
    if _has_active_names(_STREAM_BODY.sub(b"stream endstream", data)):
        raise FileRejected(ACTIVE_PDF)
    limits = {name: MAX_INFLATED_BYTES for name in _PYPDF_LIMITS}
    try:
        with apply_configuration(None, **limits):
            reader = _open_pdf(data)
            if reader.is_encrypted:
                raise FileRejected(ENCRYPTED_PDF)
            if not isinstance(reader.trailer.get("/Root", None), DictionaryObject | IndirectObject):
                raise FileRejected(DAMAGED_PDF)
            if not isinstance(reader.root_object, DictionaryObject):
                raise FileRejected(DAMAGED_PDF)
            reading = _Reading(reader)
            for obj in reading.objects():
                reading.check(obj)
    except FileRejected:
        raise
    except LimitReachedError as error:
        raise FileRejected(BOMB_PDF) from error
    except (
        PyPdfError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        RecursionError,
        zlib.error,
    ) as error:
        raise FileRejected(DAMAGED_PDF) from error


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
    if mime == PDF:
        _check_pdf(data)
    pixels = _png_pixels(data) if mime == PNG else _jpeg_pixels(data) if mime == JPEG else 0
    if pixels > MAX_PIXELS:
        raise FileRejected(HUGE_IMAGE)
    return CheckedFile(
        mime=mime,
        extension=EXTENSIONS[mime],
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
    )
