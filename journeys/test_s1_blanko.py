"""S1, fetching and distributing blank KTP-el cards in Prov. Kep. Bangka Belitung, walked as its
people do on a phone.

The Kadis of Kab. Belitung asks the province for blanks; the province's Kasi finds the request
among the work waiting for the province and, after the monitoring and evaluation meeting, starts
the round from "Mulai prosedur" with every waiting request (step 1). The Kasi drafts the request
letter to Ditjen Dukcapil from the requests (2); the Kabid sends it back once ("Perbaikan") and
approves it corrected (3); the pelaksana types it (4), the Kasi checks it (5), the Kabid and the
Sekretaris initial it (6, 7), the Kadis signs it (8), the Kasubag Umum confirms its number (9)
and the pelaksana sends it to the PJ Korwil on WhatsApp (10), who forwards it to Ditjen (11).
The pelaksana drafts the Kadis's covering letter to the head of the Badan Penghubung, which is
initialled and signed as the request letter was, and sends both letters there (12). The Badan
Penghubung records the air shipment with the air waybill's scan (13); the province's team
records the airport pick-up (14) and the inspection (15); the Kadis approves the shares, giving
the blanks to Bangka and Belitung (16); the Kabid fixes the list (17); the pelaksana agrees the
schedule, which tells each kab/kota its share on WhatsApp (18). Each share changes hands against
the kab/kota's signed hibah statement and a BAST both Kadis sign (19); the kab/kota without a
share close their step.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from alur.letters.models import LetterStatus
from alur.letters.selectors import case_letter
from alur.logistics import selectors
from alur.logistics.choices import Item, ShipmentStatus
from alur.logistics.ledger import balance_of
from alur.logistics.models import Allocation, BlankRequest, Shipment
from alur.logistics.rounds import cover_letter_for
from alur.logistics.services.handover import HIBAH_MISSING
from alur.org.models import Office, User
from alur.outbox.validation import normalize_whatsapp_number
from alur.tte import pki
from alur.tte.management.commands.tte_dev_setup import DEMO_PASSPHRASE
from alur.tte.services import certificate_upload
from alur.workflow.choices import CaseStatus
from alur.workflow.models import Case

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SHARES = {"19.01": 600, "19.02": 390}  # the Kadis gives the 990 good blanks to two kab/kota


def _signer_certificate(username: str) -> None:
    """A TTE certificate from the development CA, as `make run` issues it."""
    user = User.objects.get(username=username)
    ca = pki.dev_ca()
    cert, key = pki.issue_signer(ca, name=user.get_full_name(), nip=user.nip, office_name="Babel")
    p12 = pki.pkcs12_bytes(cert, key, ca[0], DEMO_PASSPHRASE)
    certificate_upload(user=user, p12=p12, passphrase=DEMO_PASSPHRASE, actor=user)


def _case(walk: Any, reference: str) -> None:
    """Open the case from "Tugas saya", as its next holder finds it."""
    walk.menu("Tugas saya")
    walk.follow(reference)


def _done(walk: Any, step: int, *, within: Any = None) -> None:
    walk.press(re.compile(rf"^Simpan (hasil )?langkah {step}$"), within=within)
    walk.sees("Langkah selesai")


def _letter_waiting(walk: Any, subject: str | re.Pattern[str]) -> None:
    """Open a letter from Naskah dinas → Menunggu saya."""
    walk.menu("Naskah dinas")
    walk.page.locator("section", has_text="Menunggu saya").get_by_role(
        "link", name=subject
    ).first.click()
    walk.check()


def _sign(walk: Any, label: str = "Passphrase sertifikat") -> None:
    walk.page.get_by_label(label, exact=True).fill(DEMO_PASSPHRASE)
    walk.press(re.compile(r"^Tandatangani"))


def _kab_section(walk: Any, office: Office) -> Any:
    """The hand-over section of one kab/kota on the case page (each kab/kota has its task)."""
    return walk.page.locator(
        "section.card", has_text=re.compile(rf"Porsi {re.escape(str(office))}:")
    )


def _documents(person: Any) -> int:
    """Letters that reached a person's WhatsApp: as a document, or (their 24-hour window being
    closed) as the approved template carrying the document."""
    return sum(
        1
        for message in person.everything()
        if message.startswith("[dokumen]") or "naskah_dinas_terbit" in message
    )


def _whatsapp_of(username: str) -> str:
    return normalize_whatsapp_number(User.objects.get(username=username).phone)


def test_a_round_from_the_kab_kota_request_to_each_share_handed_over(
    walk: Any, whatsapp: Any
) -> None:
    for username in ("babel.kadis", "bangka.kadis", "belitung.kadis"):
        _signer_certificate(username)
    province = Office.objects.get(code="19")
    bangka, belitung = Office.objects.get(code="19.01"), Office.objects.get(code="19.02")
    province_stock = balance_of(province, Item.KTP_EL)
    korwil = whatsapp(_whatsapp_of("ditjen.korwil"))
    penghubung = whatsapp(_whatsapp_of("babel.penghubung"))
    bangka_wa, belitung_wa = (
        whatsapp(_whatsapp_of("bangka.kadis")),
        whatsapp(_whatsapp_of("belitung.kadis")),
    )

    # The Kadis of Kab. Belitung asks the province for blanks.
    walk.login("belitung.kadis")
    walk.menu("Stok blanko")
    walk.follow("Permohonan")
    walk.fill("Jumlah diminta", "400")
    walk.fill("Sudah rekam, belum tercetak", "180")
    walk.fill("Nomor surat permohonan", "470/88/Disdukcapil/2026")
    walk.fill("Alasan permohonan", "Stok habis dalam tiga minggu; perekaman pemilih pemula.")
    walk.press("Kirim permohonan")
    walk.sees("Permohonan blanko dikirim ke provinsi.")

    # Step 1: the Kasi finds it waiting for the province and starts the round.
    walk.login("babel.kasi")
    walk.follow(re.compile("^Pemberitahuan"))
    walk.sees(f"Permohonan blanko dari {belitung}: 400 keping")
    walk.menu("Stok blanko")
    walk.follow("Permohonan")
    walk.sees("Menunggu tindak lanjut provinsi (5)")
    walk.menu("Mulai prosedur")
    walk.follow("Mulai putaran pengambilan blanko KTP-el")
    walk.press("Mulai putaran S1")  # the minutes are missing: the browser asks for them
    assert "/putaran/mulai/" in walk.page.url
    walk.fill(
        "Hasil rapat (notulen)",
        "Rapat monev 2 April: stok lima kab/kota tidak cukup dua bulan; ajukan fasilitasi "
        "pengambilan blanko ke Ditjen Dukcapil.",
    )
    walk.press("Mulai putaran S1")
    walk.sees("hasil rapat (langkah 1) tercatat")
    reference = walk.page.url.rstrip("/").rsplit("/", 1)[-1]
    case = Case.objects.get(reference=reference)
    assert BlankRequest.objects.filter(case=case).count() == 5

    # Step 2: the request letter, drafted from the requests.
    walk.press("Susun konsep dari permohonan kab/kota")
    walk.sees("Konsep surat permohonan disusun")
    _done(walk, 2)

    # Step 3: the Kabid sends the concept back once; the Kasi corrects it.
    walk.login("babel.kabid")
    _case(walk, reference)
    walk.send_back(3, "Sebutkan jumlah seluruhnya pada paragraf pertama.")
    walk.login("babel.kasi")
    _case(walk, reference)
    walk.follow("Ubah konsep")
    body = walk.page.get_by_label("Isi")
    body.fill(body.input_value().replace("Dengan hormat,", "Dengan hormat,\n\nJumlah seluruhnya"))
    walk.press("Simpan konsep")
    walk.sees("Perubahan tersimpan")
    walk.goto(f"/perkara/{reference}/")
    _done(walk, 2)
    walk.login("babel.kabid")
    _case(walk, reference)
    _done(walk, 3)

    # Steps 4 to 7: typed, checked, initialled.
    for username, step in (
        ("babel.pelaksana", 4),
        ("babel.kasi", 5),
        ("babel.kabid", 6),
        ("babel.sekretaris", 7),
    ):
        walk.login(username)
        _case(walk, reference)
        _done(walk, step)

    # Step 8: the Kadis signs; step 9: the number; step 10: to the PJ Korwil on WhatsApp.
    walk.login("babel.kadis")
    _case(walk, reference)
    _sign(walk, "Passphrase sertifikat TTE")
    walk.sees("Naskah ditandatangani secara elektronik")
    walk.login("babel.kasubag")
    _case(walk, reference)
    _done(walk, 9)
    walk.login("babel.pelaksana")
    _case(walk, reference)
    _done(walk, 10)
    request_letter = case_letter(case)
    assert request_letter.status == LetterStatus.SIGNED
    assert _documents(korwil) == 1

    # Step 11: the PJ Korwil forwards it to Ditjen Dukcapil.
    walk.login("ditjen.korwil")
    _case(walk, reference)
    walk.fill("Catatan / alasan", "Diteruskan ke Direktorat Fasilitasi Pemanfaatan Data.")
    _done(walk, 11)

    # Step 12: the Kadis's covering letter to the head of the Badan Penghubung.
    walk.login("babel.pelaksana")
    _case(walk, reference)
    walk.press("Susun surat pengantar")
    walk.sees("Surat pengantar tersusun")
    walk.press("Ajukan untuk paraf")
    walk.sees("Naskah diajukan untuk paraf")
    for username in ("babel.kabid", "babel.sekretaris"):
        walk.login(username)
        _letter_waiting(walk, "Permohonan Bantuan Pengambilan Blanko KTP-el")
        walk.press("Paraf")
        walk.sees("Paraf tercatat")
    walk.login("babel.kadis")
    _letter_waiting(walk, "Permohonan Bantuan Pengambilan Blanko KTP-el")
    _sign(walk)
    walk.sees("Naskah ditandatangani secara elektronik")
    walk.login("babel.pelaksana")
    _case(walk, reference)
    _done(walk, 12)
    assert cover_letter_for(case).status == LetterStatus.SIGNED
    assert _documents(penghubung) == 2  # the covering letter and the request letter

    # Step 13: the Badan Penghubung records the air shipment and the air waybill's scan.
    walk.login("babel.penghubung")
    _case(walk, reference)
    walk.fill("Jumlah dikirim", "1000")
    walk.fill("Ekspedisi / maskapai", "Garuda Indonesia Cargo")
    walk.fill("Nomor surat muatan udara / resi", "126-40718833")
    walk.page.get_by_label(re.compile("surat muatan udara \\(JPG")).set_input_files(
        files=[{"name": "smu.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    _done(walk, 13)

    # Steps 14 and 15: the pick-up at the airport and the inspection at the office.
    walk.login("babel.pelaksana")
    _case(walk, reference)
    walk.sees("126-40718833")
    walk.fill(
        "Yang menjemput dan catatan", "Nur Aini dan sopir dinas, Bandara Depati Amir, 4 koli."
    )
    _done(walk, 14)
    walk.fill("Jumlah blanko baik", "990")
    walk.fill("Jumlah blanko rusak", "10")
    walk.fill("Catatan pemeriksaan", "Satu dus basah; 10 keping rusak, berita acara dibuat.")
    _done(walk, 15)

    # Step 16: the Kadis gives the blanks to Bangka and Belitung, with the reason.
    walk.login("babel.kadis")
    _case(walk, reference)
    for child in province.children.order_by("code"):
        walk.page.get_by_label(f"Porsi {child}", exact=True).fill(str(SHARES.get(child.code, 0)))
    walk.fill("Alasan perubahan", "Prioritas dua kabupaten dengan antrean cetak terpanjang.")
    walk.press("Setujui porsi pembagian")
    walk.sees("Porsi pembagian disetujui.")
    _done(walk, 16)

    # Step 17: the Kabid fixes the list; step 18: the schedule, told to each kab/kota.
    walk.login("babel.kabid")
    _case(walk, reference)
    _done(walk, 17)
    walk.login("babel.pelaksana")
    _case(walk, reference)
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    walk.page.get_by_label(f"Cara — {belitung}").select_option(value="deliver")
    for child in (bangka, belitung):
        walk.page.get_by_label(f"Tanggal — {child}").fill(day)
    _done(walk, 18)
    told = " ".join(bangka_wa.everything())
    assert "porsi blanko KTP-el untuk kantor Bapak/Ibu 600 keping, diambil sendiri" in told
    assert "390 keping, diantar petugas provinsi" in " ".join(belitung_wa.everything())

    # Step 19: the province drafts a BAST for each share; its Kadis signs them first.
    for _share in SHARES:
        walk.press(re.compile("^Susun BAST$"))
        walk.sees("Serah Terima")
        walk.press("Ajukan untuk paraf")
        walk.sees("Naskah diajukan untuk paraf")
        walk.goto(f"/perkara/{reference}/")
    walk.login("babel.kadis")
    for child in (bangka, belitung):
        _letter_waiting(walk, re.compile(rf"kepada {re.escape(child.name)}$"))
        _sign(walk)
        walk.sees("Naskah ditandatangani secara elektronik")

    # Each receiving Kadis signs the BAST as the second party; the hand-over is still refused
    # without the kab/kota's hibah statement, which the Kadis then drafts and signs.
    for username, child in (("bangka.kadis", bangka), ("belitung.kadis", belitung)):
        walk.login(username)
        _letter_waiting(walk, re.compile(rf"kepada {re.escape(child.name)}$"))
        _sign(walk, "Passphrase sertifikat (pihak kedua)")
        walk.sees("Berita acara ditandatangani pihak kedua")
        walk.goto(f"/perkara/{reference}/")
        walk.press("Simpan langkah 19", within=_kab_section(walk, child))
        expect(walk.page.locator(".messages")).to_have_text(HIBAH_MISSING)
        walk.press("Susun surat pernyataan hibah", within=_kab_section(walk, child))
        walk.press("Ajukan untuk paraf")
        _sign(walk)
        walk.sees("Naskah ditandatangani secara elektronik")
        walk.goto(f"/perkara/{reference}/")
        _done(walk, 19, within=_kab_section(walk, child))

    # The kab/kota without a share close theirs.
    for child in province.children.exclude(code__in=SHARES).order_by("code"):
        username = User.objects.filter(
            appointments__position__office=child, appointments__position__kind="kadis"
        ).first()
        walk.login(username.username)
        _case(walk, reference)
        walk.sees("Tidak ada porsi")
        _done(walk, 19, within=_kab_section(walk, child))

    # The round is finished; every ledger reconciles and each share changed hands.
    case.refresh_from_db()
    assert case.status == CaseStatus.DONE
    shipment = Shipment.objects.get(case=case)
    assert shipment.status == ShipmentStatus.RECEIVED and shipment.waybill_scan
    assert shipment.picked_up_by == User.objects.get(username="babel.pelaksana")
    allocation = Allocation.objects.get(case=case)
    shares = {line.office.code: line for line in allocation.lines.select_related("office")}
    for code, quantity in SHARES.items():
        line = shares[code]
        assert line.share == quantity and line.handed_over_at and line.bast and line.hibah
    assert sum(line.share for line in shares.values()) == 990
    assert balance_of(province, Item.KTP_EL) == province_stock  # 1,000 in, 10 damaged, 990 out
    kabid = User.objects.get(username="babel.kabid")
    assert all(check.ok for check in selectors.stock_checks(kabid))
    walk.login("babel.kabid")
    walk.menu("Stok blanko")
    walk.follow("Rekonsiliasi")
    walk.sees(reference)
    assert "tidak cocok" not in walk.page.inner_text("body")
