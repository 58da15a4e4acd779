"""S0, the weekly service report of Prov. Kep. Bangka Belitung, walked as its people do on a phone.

The Kasi opens last week from "Mulai prosedur" and sets its format (step 1); the pelaksana sends
the form to every kab/kota (2); the Kadis of Kab. Bangka sends by the web form and the Kadis of
Kab. Belitung by the Excel form downloaded from the page (3); the pelaksana closes the period,
recaps it into the provincial report (4) and submits the draft (5); the Kasi sends it back once
("Perbaikan") and the pelaksana corrects it; it is checked (6), initialled by the Kabid (7) and
the Sekretaris (8), signed by the Kadis with the certificate's passphrase (9), numbered and
issued (10, 11), sent to the Kadis's WhatsApp (12) and to the PJ Korwil of Ditjen Dukcapil (13):
the recipients Babel configured, reached through the local Graph API server.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from alur.letters.models import LetterStatus
from alur.letters.selectors import case_letter
from alur.org.models import User
from alur.outbox.validation import normalize_whatsapp_number
from alur.reports.choices import PeriodStatus, Source, SubmissionStatus
from alur.reports.excel import FIRST_ROW
from alur.reports.models import ReportPeriod
from alur.tte import pki
from alur.tte.management.commands.tte_dev_setup import DEMO_PASSPHRASE
from alur.tte.services import certificate_upload
from alur.workflow.choices import CaseStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _case(walk: Any, reference: str) -> None:
    """Open the case from "Tugas saya", as its next holder finds it."""
    walk.menu("Tugas saya")
    walk.follow(reference)


def _done(walk: Any, step: int) -> None:
    walk.press(f"Simpan hasil langkah {step}")
    walk.sees("Langkah selesai")


def _fill_figures(walk: Any, start: int) -> None:
    """Every service count of the form on the page, as the Kadis types them."""
    boxes = walk.page.locator("form input[inputmode=numeric]")
    for index in range(boxes.count()):
        boxes.nth(index).fill(str(start + 3 * index))


def _signer_certificate(username: str) -> None:
    """The Kadis's TTE certificate from the development CA, as `make run` issues it."""
    user = User.objects.get(username=username)
    ca = pki.dev_ca()
    cert, key = pki.issue_signer(ca, name=user.get_full_name(), nip=user.nip, office_name="Babel")
    p12 = pki.pkcs12_bytes(cert, key, ca[0], DEMO_PASSPHRASE)
    certificate_upload(user=user, p12=p12, passphrase=DEMO_PASSPHRASE, actor=user)


def test_a_week_from_its_format_to_the_signed_report_at_ditjen(walk: Any, whatsapp: Any) -> None:
    _signer_certificate("babel.kadis")
    kadis_wa = normalize_whatsapp_number(User.objects.get(username="babel.kadis").phone)
    korwil_wa = normalize_whatsapp_number(User.objects.get(username="ditjen.korwil").phone)

    # Step 1: the Kasi opens last week (its deadline has passed) and keeps the format.
    walk.login("babel.kasi")
    walk.menu("Mulai prosedur")
    walk.follow("Buka periode laporan mingguan")
    walk.sees("Penerima laporan bertanda tangan")
    walk.sees("PJ Korwil Ditjen Dukcapil")
    walk.page.get_by_label(re.compile(r"\(terlewat\)")).first.check()
    walk.fill("Catatan (petunjuk Kabid/Kadis, bila ada)", "Format tetap, atas petunjuk Kabid.")
    walk.press("Buka periode dan tetapkan format")
    walk.sees("Periode dibuka")
    reference = walk.page.url.rstrip("/").rsplit("/", 1)[-1]
    period = ReportPeriod.objects.get(case__reference=reference)

    # Step 2: the pelaksana sends the form to every kab/kota.
    walk.login("babel.pelaksana")
    _case(walk, reference)
    walk.sees("Menyelesaikan langkah ini mengirim formulir Excel ke 7 kab/kota")
    _done(walk, 2)

    # Step 3, Kab. Bangka: the web form on the case page; a count typed in words is refused,
    # named, and nothing typed is lost.
    walk.login("bangka.kadis")
    _case(walk, reference)
    _fill_figures(walk, 11)
    boxes = walk.page.locator("form input[inputmode=numeric]")
    boxes.first.fill("dua belas")
    walk.press("Kirim ke provinsi")
    walk.sees("«dua belas» bukan angka")
    boxes = walk.page.locator("form input[inputmode=numeric]")
    assert (boxes.first.input_value(), boxes.nth(1).input_value()) == ("dua belas", "14")
    boxes.first.fill("12")
    walk.press("Kirim ke provinsi")
    walk.sees("Laporan dikirim ke provinsi")

    # Step 3, Kab. Belitung: the Excel form, downloaded, filled and uploaded from the phone.
    walk.login("belitung.kadis")
    walk.menu("Laporan berkala")
    walk.follow(period.label)
    walk.follow("Belitung")
    with walk.page.expect_download() as download:
        walk.page.get_by_role("link", name="Unduh formulir Excel periode ini").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book["Laporan"]
    row = FIRST_ROW
    while sheet.cell(row=row, column=1).value:
        sheet.cell(row=row, column=3, value=20 + row)
        row += 1
    filled = io.BytesIO()
    book.save(filled)
    walk.page.get_by_label("Berkas Excel formulir (.xlsx)").set_input_files(
        files=[{"name": "laporan-belitung.xlsx", "mimeType": XLSX, "buffer": filled.getvalue()}]
    )
    walk.press("Unggah dan kirim")
    walk.sees("Formulir Excel diterima dan dikirim ke provinsi")
    sent = {s.office.code: s for s in period.submissions.select_related("office")}
    assert [s.status for s in sent.values()] == [SubmissionStatus.SUBMITTED] * 2
    assert {s.source for s in sent.values()} == {Source.WEB, Source.EXCEL}

    # Step 4: past the deadline, the pelaksana closes the week and recaps it (the five who did
    # not send are missing), which drafts the provincial report; step 5 submits the draft.
    walk.login("babel.pelaksana")
    walk.menu("Laporan berkala")
    walk.follow(period.label)
    walk.sees("(2/7)")
    walk.fill("Catatan penutupan", "Tenggat Jumat 14.00 sudah lewat.")
    walk.press(re.compile("^Tutup periode"))
    walk.sees("Periode ditutup")
    walk.follow(reference)
    walk.press("Tutup periode, buat rekap dan konsep laporan")
    walk.sees("konsep laporan provinsi dibuat dari rekap")
    walk.sees("Tidak melapor")
    _done(walk, 5)

    # Step 6: the Kasi sends it back ("Perbaikan"); the pelaksana corrects and submits again.
    walk.login("babel.kasi")
    _case(walk, reference)
    walk.send_back(6, "Sebutkan kab/kota yang belum melapor di paragraf pembuka.")
    walk.login("babel.pelaksana")
    _case(walk, reference)
    walk.follow("Ubah konsep")
    body = walk.page.get_by_label("Isi")
    body.fill(body.input_value() + "\n\nLima kabupaten/kota belum mengirim laporan minggu ini.")
    walk.press("Simpan konsep")
    walk.sees("Perubahan tersimpan")
    walk.goto(f"/perkara/{reference}/")
    _done(walk, 5)
    walk.login("babel.kasi")
    _case(walk, reference)
    _done(walk, 6)

    # Steps 7 and 8: the Kabid's and the Sekretaris's paraf.
    for username, step in (("babel.kabid", 7), ("babel.sekretaris", 8)):
        walk.login(username)
        _case(walk, reference)
        _done(walk, step)

    # Step 9: the Kadis signs with the certificate's passphrase.
    walk.login("babel.kadis")
    _case(walk, reference)
    walk.fill("Passphrase sertifikat TTE", DEMO_PASSPHRASE)
    walk.press("Tandatangani (TTE)")

    # Steps 10 and 11: the Kasubag Umum confirms the number and the issued PDF.
    walk.login("babel.kasubag")
    _case(walk, reference)
    _done(walk, 10)
    _done(walk, 11)

    # Step 12: to the Kadis's WhatsApp; step 13: the Kadis, with the PDF ready to forward to
    # the national group, sends it to the PJ Korwil.
    walk.login("babel.pelaksana")
    _case(walk, reference)
    walk.sees("Dikirim pada langkah ini kepada")
    _done(walk, 12)
    walk.login("babel.kadis")
    _case(walk, reference)
    walk.sees("PJ Korwil Ditjen Dukcapil")
    walk.sees("siap diteruskan ke Grup WhatsApp Nusantara")
    _done(walk, 13)
    walk.sees("Selesai")

    period.refresh_from_db()
    assert period.status == PeriodStatus.CLOSED
    assert period.recap["rates"]["submitted"] == 2 and period.recap["rates"]["missing"] == 5
    case = period.case
    case.refresh_from_db()
    assert case.status == CaseStatus.DONE
    letter = case_letter(case)
    assert letter is not None and letter.status == LetterStatus.SIGNED and letter.version == 2
    filename = f"[dokumen] {letter.kind}-"
    for number in (kadis_wa, korwil_wa):
        received = whatsapp(number).everything()
        assert any(
            text.startswith(filename) or "naskah_dinas_terbit" in text for text in received
        ), (number, received)
    assert {r.address for r in letter.recipients.filter(message__isnull=False)} == {
        kadis_wa,
        korwil_wa,
    }
