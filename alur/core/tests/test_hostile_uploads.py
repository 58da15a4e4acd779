"""Hostile files at every upload entry point: refused, each with a reason in Bahasa Indonesia.

The counter, the WhatsApp media of an application, the outreach letters and the handover proof
all pass their bytes through alur.intake.files.check_upload (grep check_upload), so the hostile
files are tried there once; the entry points with their own readers (the report workbooks, the
PIAK coverage file, the signing certificate) are tried at their own door. The verification page's
compare form (not a PDF, too large) is tried in alur/letters/tests/test_verification.py.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alur.intake.files import (
    ACTIVE_PDF,
    BOMB_PDF,
    HUGE_IMAGE,
    NOT_ALLOWED,
    FileRejected,
    check_upload,
    read_bounded,
)
from alur.letters.models_signing import NOT_PKCS12
from alur.reports import excel
from alur.reports.whatsapp import _marker

EXE = b"MZ\x90\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode.%%EOF"
HTML = b"<!doctype html><html><script>fetch('/kantor/')</script></html>\n%%EOF"


def pdf(*objects: bytes) -> bytes:
    body = b"%PDF-1.5\n"
    for number, content in enumerate(objects, start=1):
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    return body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def flate_stream(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data, 9)
    return (
        b"<< /Length %d /Filter /FlateDecode " % len(packed)
        + extra
        + b">>\nstream\n"
        + packed
        + b"\nendstream"
    )


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = (
        b"\xff\xc0\x00\x11\x08" + struct.pack(">HH", height, width) + b"\x03" + b"\x01\x11\x00" * 3
    )
    return b"\xff\xd8" + app0 + sof0 + b"\x00" * 32 + b"\xff\xd9"


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def _check(data: bytes, name: str, mime: str = "application/pdf") -> str:
    with pytest.raises(FileRejected) as caught:
        check_upload(data, declared_mime=mime, filename=name)
    return caught.value.reason


HARMLESS = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
SCRIPT = b"<< /S /JavaScript /JS (this.exportDataObject()) >>"
ROOT = b"<< /Type /Catalog /Pages 2 0 R "


@pytest.mark.parametrize(
    ("catalog", "third"),
    [
        (ROOT + b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>", HARMLESS),
        (ROOT + b"/OpenAction << /S /J#61vaScript /J#53 (x) >> >>", HARMLESS),
        (ROOT + b"/OpenAction 3 0 R >>", SCRIPT),
        (ROOT + b"/AA << /WC << /S /SubmitForm /F (https://x.example) >> >> >>", HARMLESS),
        (ROOT + b"/AA << /O << /S /Launch /F (cmd.exe) >> >> >>", HARMLESS),
    ],
)
def test_a_pdf_that_can_act_is_refused(catalog: bytes, third: bytes) -> None:
    assert _check(pdf(catalog, PAGES, third), "akta.pdf") == ACTIVE_PDF
    assert check_upload(pdf(CATALOG, PAGES, HARMLESS), declared_mime="", filename="a.pdf")


def test_a_script_hidden_in_a_compressed_object_stream_is_found() -> None:
    hidden = b"3 0 << /S /JavaScript /JS (app.launchURL('x')) >>"
    data = pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
        PAGES,
        flate_stream(hidden, b"/Type /ObjStm /N 1 /First 4 "),
    )
    assert b"JavaScript" not in data
    assert _check(data, "kk.pdf") == ACTIVE_PDF
    # The same file with a harmless compressed page content is accepted.
    plain = pdf(CATALOG, PAGES, flate_stream(b"BT /F1 12 Tf (Kartu Keluarga) Tj ET"))
    assert check_upload(plain, declared_mime="application/pdf", filename="kk.pdf").mime == (
        "application/pdf"
    )


def test_a_pdf_stream_that_inflates_without_end_is_refused() -> None:
    bomb = flate_stream(b"\x00" * (80 * 1024 * 1024))
    data = pdf(CATALOG, PAGES, bomb)
    assert len(data) < 200 * 1024
    assert _check(data, "ktp.pdf") == BOMB_PDF
    assert "terlalu besar" in BOMB_PDF


@pytest.mark.parametrize(
    ("data", "name"),
    [(png(100_000, 100_000), "foto.png"), (jpeg(65_000, 65_000), "foto.jpg")],
)
def test_an_image_declaring_huge_dimensions_is_refused(data: bytes, name: str) -> None:
    assert _check(data, name, "image/png") == HUGE_IMAGE
    # The same image at a phone camera's size is accepted.
    small = png(4000, 3000) if name.endswith(".png") else jpeg(4000, 3000)
    assert check_upload(small, declared_mime="image/png", filename=name).size == len(small)


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (HTML, "akta.pdf", NOT_ALLOWED),
        (EXE, "akta.pdf", NOT_ALLOWED),
        (pdf(CATALOG, PAGES), "foto.jpg", "berakhiran .jpg tetapi isinya PDF"),
        (png(10, 10), "ktp.JPG", "berakhiran .jpg tetapi isinya gambar PNG"),
        (jpeg(10, 10), "surat.pdf", "berakhiran .pdf tetapi isinya gambar JPG"),
    ],
)
def test_a_file_whose_name_lies_is_refused(data: bytes, name: str, expected: str) -> None:
    assert expected in _check(data, name)


def test_a_name_without_a_known_extension_leaves_the_bytes_to_decide() -> None:
    assert check_upload(png(2, 2), declared_mime="", filename="media-8812").extension == "png"


def test_an_oversized_file_is_refused_before_it_is_read() -> None:
    data = pdf(CATALOG, PAGES, b"<< /Pad (" + b"x" * (5 * 1024 * 1024) + b") >>")
    assert _check(data, "akta.pdf") == "Berkas terlalu besar: paling besar 5 MB."


def test_an_upload_is_read_only_up_to_one_byte_past_the_limit() -> None:
    """Each page's upload goes through read_bounded: a 40 MB file is never held whole."""
    huge = SimpleUploadedFile("bukti.pdf", b"%PDF-1.5\n" + b"x" * (40 * 1024 * 1024), "image/png")
    data, declared, name = read_bounded(huge)
    assert len(data) == 5 * 1024 * 1024 + 1
    assert (declared, name) == ("image/png", "bukti.pdf")
    with pytest.raises(FileRejected, match="terlalu besar"):
        check_upload(data, declared_mime=declared, filename=name)


# --- the report workbooks and the PIAK coverage file (alur/reports) --------------------------


def _xlsx_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", "<sst>" + " " * (30 * 1024 * 1024) + "</sst>")
    return out.getvalue()


def test_a_zip_bomb_workbook_is_refused_by_the_weekly_form_reader() -> None:
    data = _xlsx_bomb()
    assert len(data) < 100 * 1024
    with pytest.raises(excel.ImportRejected) as caught:
        excel.form_read(
            data, definition_code="X", starts_on="2026-01-05", office_code="18.08", keys=["a"]
        )
    assert caught.value.problems == [excel.ZIP_BOMB]
    assert _marker(data) == []  # the WhatsApp path reads the form's marker first


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (_xlsx_bomb(), "cakupan.xlsx", excel.ZIP_BOMB),
        (HTML, "cakupan.xlsx", "Berkas bukan buku kerja Excel (.xlsx)."),
        (b"PK\x03\x04" + b"\x00" * 64, "cakupan.xlsx", "Berkas Excel tidak dapat dibaca"),
    ],
)
def test_the_coverage_reader_names_the_problem_instead_of_failing(
    data: bytes, name: str, expected: str
) -> None:
    read = excel.coverage_read(data, name, indicators=["ktp"])
    assert read.rows == []
    assert any(expected in problem for problem in read.problems), read.problems


# --- the signing certificate (.p12) ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"0\x82" + b"\x00" * (65 * 1024), "Berkas sertifikat terlalu besar (paling besar 64 KB)."),
        (pdf(CATALOG, PAGES), NOT_PKCS12),
        (EXE, NOT_PKCS12),
    ],
)
def test_a_certificate_upload_that_is_not_a_certificate_is_refused(
    client, persona, data: bytes, expected: str
) -> None:
    user = persona("waykanan.kadis")
    client.force_login(user)
    upload = SimpleUploadedFile("ttd.p12", data, content_type="application/x-pkcs12")
    response = client.post("/naskah/sertifikat/", {"p12": upload, "passphrase": "rahasia"})
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not user.signer_certificates.exists()
