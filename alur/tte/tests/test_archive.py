"""The archive of issued documents: keeping, de-duplicating, revoking, replacing, audit, access,
search and download."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from weasyprint import HTML

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError
from alur.org.models import Office
from alur.tte.models import VERIFY_ALPHABET, DocumentKind, DocumentStatus, IssuedDocument
from alur.tte.selectors import archive_search, verification_url
from alur.tte.services import document_archive, document_replace, document_revoke
from alur.tte.signing import sha256_hex

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def pdf(text: str) -> bytes:
    return HTML(string=f"<p>{text}</p>").write_pdf()


@pytest.fixture
def waykanan(office) -> Office:
    return office("18.08")


@pytest.fixture
def metro(office) -> Office:
    return office("18.72")


def archive(office: Office, text: str = "Surat undangan", **kwargs) -> IssuedDocument:
    kwargs.setdefault("kind", DocumentKind.SURAT)
    kwargs.setdefault("title", "Undangan rapat koordinasi")
    kwargs.setdefault("number", "400.12.2.1/7/Disdukcapil/2026")
    kwargs.setdefault("signer_name", "Drs. Kepala Dinas")
    kwargs.setdefault("signer_position", "Kepala Dinas")
    return document_archive(office=office, pdf=pdf(text), **kwargs)


def events(document: IssuedDocument, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action,
            object_type=IssuedDocument._meta.label_lower,
            object_id=str(document.pk),
        )
    )


def test_archive_keeps_file_hash_and_code(waykanan: Office, persona) -> None:
    operator = persona("waykanan.operator")
    content = pdf("Akta kelahiran")
    document = document_archive(
        office=waykanan,
        kind=DocumentKind.AKTA_KELAHIRAN,
        title="Kutipan akta kelahiran",
        pdf=content,
        subject_person="Budi Santoso",
        actor=operator,
    )
    assert document.sha256 == sha256_hex(content)
    assert document.size == len(content)
    assert document.status == DocumentStatus.VALID
    assert document.number == ""
    assert document.issued_by == operator
    with document.file.open("rb") as stored:
        assert stored.read() == content
    assert len(document.verify_code) >= 12
    assert set(document.verify_code) <= set(VERIFY_ALPHABET)
    [event] = events(document, "issued_document.archive")
    assert event.office == waykanan
    assert event.actor == operator
    assert event.after["sha256"] == document.sha256


def test_same_bytes_twice_return_the_same_row(waykanan: Office) -> None:
    content = pdf("Sekali saja")
    first = document_archive(office=waykanan, kind="surat", title="A", pdf=content)
    second = document_archive(office=waykanan, kind="surat", title="A", pdf=content)
    assert first.pk == second.pk
    assert IssuedDocument.objects.filter(sha256=first.sha256).count() == 1
    assert len(events(first, "issued_document.archive")) == 1


def test_archive_refuses_non_pdf_unknown_kind_and_outsiders(waykanan: Office, persona) -> None:
    with pytest.raises(DomainError, match="PDF"):
        document_archive(office=waykanan, kind="surat", title="A", pdf=b"hello")
    with pytest.raises(DomainError, match="tidak dikenal"):
        document_archive(office=waykanan, kind="ktp", title="A", pdf=pdf("x"))
    with pytest.raises(PermissionDenied):
        archive(waykanan, actor=persona("metro.kadis"))
    assert not IssuedDocument.objects.exists()


def test_each_document_gets_its_own_code(waykanan: Office) -> None:
    codes = {archive(waykanan, f"dokumen {i}").verify_code for i in range(5)}
    assert len(codes) == 5


def test_revoke_needs_signer_reason_and_happens_once(waykanan: Office, persona) -> None:
    document = archive(waykanan)
    kadis = persona("waykanan.kadis")
    with pytest.raises(PermissionDenied):
        document_revoke(document=document, actor=persona("metro.kadis"), reason="Salah")
    with pytest.raises(PermissionDenied):
        document_revoke(document=document, actor=persona("waykanan.operator"), reason="Salah")
    with pytest.raises(DomainError, match="Alasan"):
        document_revoke(document=document, actor=kadis, reason="  ")
    document_revoke(document=document, actor=kadis, reason="Salah tanggal")
    document.refresh_from_db()
    assert document.status == DocumentStatus.REVOKED
    assert document.revoked_at is not None
    assert document.revoke_reason == "Salah tanggal"
    [event] = events(document, "issued_document.revoke")
    assert event.actor == kadis
    assert event.reason == "Salah tanggal"
    assert event.before["status"] == "valid" and event.after["status"] == "revoked"
    with pytest.raises(DomainError, match="sudah dicabut"):
        document_revoke(document=document, actor=kadis, reason="Lagi")
    assert len(events(document, "issued_document.revoke")) == 1


def test_replace_makes_a_new_document_and_points_to_it(waykanan: Office, persona) -> None:
    old = archive(waykanan, "versi 1", subject_person="Siti Aminah")
    kadis = persona("waykanan.kadis")
    with pytest.raises(PermissionDenied):
        document_replace(
            document=old, new_pdf=pdf("versi 2"), actor=persona("metro.kadis"), reason="Ralat"
        )
    new = document_replace(
        document=old, new_pdf=pdf("versi 2"), actor=kadis, reason="Ralat nama", title="Ralat"
    )
    old.refresh_from_db()
    assert old.status == DocumentStatus.REPLACED
    assert old.replaced_by == new
    assert old.revoke_reason == "Ralat nama"
    assert new.status == DocumentStatus.VALID
    assert (new.title, new.number, new.subject_person) == ("Ralat", old.number, "Siti Aminah")
    assert new.verify_code != old.verify_code
    assert len(events(old, "issued_document.replace")) == 1
    assert len(events(new, "issued_document.archive")) == 1
    with pytest.raises(DomainError, match="sudah diganti"):
        document_replace(document=old, new_pdf=pdf("versi 3"), actor=kadis, reason="Lagi")
    with pytest.raises(DomainError, match="sudah diganti"):
        document_revoke(document=old, actor=kadis, reason="Lagi")


def test_verification_url(waykanan: Office) -> None:
    document = archive(waykanan)
    url = verification_url(document, "https://alur.example.go.id/")
    assert url == f"https://alur.example.go.id/verifikasi/{document.verify_code}/"


def test_search_by_number_title_person_kind_and_dates_scoped(
    waykanan: Office, metro: Office, persona
) -> None:
    letter = archive(
        waykanan,
        "a",
        number="400.12.2.1/7/Disdukcapil/2026",
        issued_at=datetime(2026, 3, 2, 9, tzinfo=WIB),
    )
    deed = archive(
        waykanan,
        "b",
        kind=DocumentKind.AKTA_KELAHIRAN,
        title="Kutipan akta kelahiran",
        number="1808-LT-01032026-0001",
        subject_person="Budi Santoso",
        issued_at=datetime(2026, 3, 5, 9, tzinfo=WIB),
    )
    metro_letter = archive(metro, "c", number="400.12.2.1/7/Disdukcapil-Metro/2026")
    user = persona("waykanan.operator")
    assert list(archive_search(user, q="400.12.2.1/7")) == [letter]
    assert list(archive_search(user, q="budi")) == [deed]
    assert list(archive_search(user, q="akta")) == [deed]
    assert list(archive_search(user, kind=DocumentKind.SURAT)) == [letter]
    assert list(archive_search(user)) == [deed, letter]  # newest first
    assert list(archive_search(user, date_from=date(2026, 3, 3))) == [deed]
    assert list(archive_search(user, date_to=date(2026, 3, 2))) == [letter]
    assert list(archive_search(persona("metro.kadis"), q="400.12.2.1/7")) == [metro_letter]


def test_archive_page_lists_and_pins_queries(client, waykanan: Office, metro: Office, persona):
    for i in range(3):
        archive(waykanan, f"dokumen {i}", number=f"400/{i}/WK/2026")
    archive(metro, "metro", number="400/9/METRO/2026")
    client.force_login(persona("waykanan.operator"))
    response = client.get("/arsip/")
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/arsip/", {"q": "WK", "kind": "surat"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "400/0/WK/2026" in body and "400/2/WK/2026" in body
    assert "METRO" not in body
    # session, user, appointments, the SOPs the person's offices run (menu), count,
    # unread-notification badge, page
    assert len(queries) == 7, "\n".join(q["sql"][:150] for q in queries.captured_queries)
    for i in range(10):
        archive(waykanan, f"lagi {i}", number=f"400/1{i}/WK/2026")
    with CaptureQueriesContext(connection) as more:
        client.get("/arsip/", {"q": "WK", "kind": "surat"})
    assert len(more) == len(queries)


def test_archive_needs_login_and_staff(client, persona) -> None:
    assert client.get("/arsip/").status_code == 302
    client.force_login(persona("metro.mitra.dinsos"))
    assert client.get("/arsip/").status_code == 403
    client.force_login(persona("waykanan.operator"))
    assert client.get("/arsip/", {"date_from": "bukan tanggal"}).status_code == 200


def test_download_is_scoped_to_the_office(client, waykanan: Office, persona) -> None:
    content = pdf("unduh")
    document = document_archive(
        office=waykanan, kind="surat", title="Unduh", number="400/1/WK/2026", pdf=content
    )
    url = f"/arsip/{document.pk}/unduh/"
    client.force_login(persona("metro.kadis"))
    assert client.get(url).status_code == 404
    client.force_login(persona("waykanan.operator"))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "400-1-WK-2026.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == content
