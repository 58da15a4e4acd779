"""The public verification page and the QR code that points to it."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from weasyprint import HTML

from alur.core.tests.csp import inline_script, inline_style
from alur.org.models import Office
from alur.tte import views_public
from alur.tte.models import DocumentKind, IssuedDocument
from alur.tte.qr import QR_BORDER, qr_svg
from alur.tte.services import document_archive, document_replace, document_revoke

SUBJECT = "Budi Santoso"
URL = "https://alur.example.go.id/verifikasi/ABCDEFGHJKLMNPQR/"


def pdf(text: str) -> bytes:
    return HTML(string=f"<p>{text}</p>").write_pdf()


@pytest.fixture
def waykanan(office) -> Office:
    return office("18.08")


@pytest.fixture
def content() -> bytes:
    return pdf("Kutipan akta kelahiran")


@pytest.fixture
def deed(waykanan: Office, content: bytes) -> IssuedDocument:
    return document_archive(
        office=waykanan,
        kind=DocumentKind.AKTA_KELAHIRAN,
        title="Kutipan akta kelahiran",
        number="1808-LT-01032026-0001",
        signer_name="Drs. Kepala Dinas",
        signer_position="Kepala Dinas Kependudukan dan Pencatatan Sipil",
        subject_person=SUBJECT,
        pdf=content,
    )


def page(client, document: IssuedDocument, **kwargs):
    return client.get(f"/verifikasi/{document.verify_code}/", **kwargs)


def upload(client, document: IssuedDocument, data: bytes, name: str = "akta.pdf"):
    file = SimpleUploadedFile(name, data, content_type="application/pdf")
    return client.post(f"/verifikasi/{document.verify_code}/", {"file": file})


def test_valid_document_shows_public_facts_only(client, deed: IssuedDocument) -> None:
    response = page(client, deed)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Sah" in body
    assert "Akta kelahiran" in body
    assert "1808-LT-01032026-0001" in body
    assert "Drs. Kepala Dinas" in body
    assert "Kepala Dinas Kependudukan dan Pencatatan Sipil" in body
    assert deed.office.name in body
    assert "<wbr>".join(re.findall(".{16}", deed.sha256)) in body
    assert SUBJECT not in body
    assert "Kutipan akta kelahiran" not in body  # the title is staff-facing only
    assert not inline_style(body) and not inline_script(body)
    assert "Content-Security-Policy" in response.headers


def test_date_in_the_office_time_zone(client, deed: IssuedDocument) -> None:
    assert deed.office.timezone == "Asia/Jakarta"
    deed.issued_at = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    deed.save(update_fields=["issued_at"])
    assert "2 Maret 2026 06:30" in page(client, deed).content.decode()


def test_code_is_read_case_insensitively(client, deed: IssuedDocument) -> None:
    assert client.get(f"/verifikasi/{deed.verify_code.lower()}/").status_code == 200


def test_revoked_document_shows_date_and_reason(client, deed: IssuedDocument, persona) -> None:
    document_revoke(document=deed, actor=persona("waykanan.kadis"), reason="Data orang tua keliru")
    body = page(client, deed).content.decode()
    assert "Dicabut" in body
    assert "Data orang tua keliru" in body
    assert SUBJECT not in body


def test_replaced_document_links_to_the_replacement(client, deed: IssuedDocument, persona) -> None:
    new = document_replace(
        document=deed, new_pdf=pdf("versi 2"), actor=persona("waykanan.kadis"), reason="Ralat"
    )
    body = page(client, deed).content.decode()
    assert "Diganti" in body
    assert f'href="/verifikasi/{new.verify_code}/"' in body
    assert SUBJECT not in body
    assert "Sah" in page(client, new).content.decode()


def test_unknown_code_is_an_indonesian_404(client, db) -> None:
    for code in ("ABCDEFGHJKLMNPQR", "not-a-code!"):
        response = client.get(f"/verifikasi/{code}/")
        assert response.status_code == 404
        assert "Dokumen tidak ditemukan" in response.content.decode()


def test_same_bytes_say_same(client, deed: IssuedDocument, content: bytes) -> None:
    body = upload(client, deed, content).content.decode()
    assert "Berkas ini SAMA dengan dokumen yang diterbitkan" in body
    assert "TIDAK SAMA" not in body


def test_one_byte_changed_says_not_same(client, deed: IssuedDocument, content: bytes) -> None:
    tampered = bytearray(content)
    tampered[len(tampered) // 2] ^= 0x01
    body = upload(client, deed, bytes(tampered)).content.decode()
    assert "Berkas ini TIDAK SAMA dengan dokumen yang diterbitkan (mungkin diubah)" in body


def test_non_pdf_is_refused(client, deed: IssuedDocument) -> None:
    body = upload(client, deed, b"GIF89a not a pdf", name="foto.gif").content.decode()
    assert views_public.NOT_PDF in body
    assert "SAMA dengan" not in body


def test_too_large_is_refused(client, deed: IssuedDocument, monkeypatch) -> None:
    monkeypatch.setattr(views_public, "MAX_UPLOAD_BYTES", 100)
    body = upload(client, deed, b"%PDF-1.7\n" + b"0" * 200).content.decode()
    assert views_public.TOO_LARGE in body
    assert "SAMA dengan" not in body


def test_views_and_uploads_are_rate_limited(client, deed: IssuedDocument, content) -> None:
    for _ in range(views_public.VIEW_LIMIT):
        assert page(client, deed).status_code == 200
    limited = page(client, deed)
    assert limited.status_code == 429
    assert "Terlalu banyak permintaan" in limited.content.decode()
    other = page(client, deed, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200
    for _ in range(views_public.UPLOAD_LIMIT):
        assert upload(client, deed, content).status_code == 200
    assert upload(client, deed, content).status_code == 429


def _svg_matrix(svg: str) -> list[list[int]]:
    """The dark modules drawn by segno's SVG path, as rows of 0/1 without the quiet zone."""
    path = re.search(r' d="([^"]+)"', svg).group(1)
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for op, args in re.findall(r"([MmHhVv])([-\d. ]+)", path):
        numbers = [float(n) for n in args.split()]
        if op == "M":
            x, y = numbers
        elif op == "m":
            x, y = x + numbers[0], y + numbers[1]
        elif op == "h":
            for dx in range(int(numbers[0])):
                dark.add((int(x) + dx, int(y)))
            x += numbers[0]
        else:
            raise AssertionError(f"unexpected path command {op}")
    size = max(max(c for c, _ in dark), max(r for _, r in dark)) + 1 - QR_BORDER
    return [[int((c + QR_BORDER, r + QR_BORDER) in dark) for c in range(size)] for r in range(size)]


def test_qr_svg_encodes_the_url() -> None:
    svg = qr_svg(URL)
    assert svg.startswith("<svg")
    assert "<?xml" not in svg
    reference = segno.make(URL, error="m", micro=False)
    assert _svg_matrix(svg) == [list(row) for row in reference.matrix]
    assert reference.mode == "byte"
    assert segno.make("https://alur.example.go.id/verifikasi/ZZZZZZZZZZZZZZZZ/").matrix != (
        reference.matrix
    )


def test_qr_svg_renders_in_weasyprint() -> None:
    document = HTML(string=f"<p>Pindai untuk verifikasi</p>{qr_svg(URL)}").write_pdf()
    assert document.startswith(b"%PDF-")
