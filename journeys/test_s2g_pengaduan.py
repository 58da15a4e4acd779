"""S2g, complaints of Kab. Way Kanan, walked as its people do on a phone.

A citizen complains on WhatsApp to the complaints number; the receiving officer registers it and,
the problem being complex, reports it to the complaint-handling official (the Sekretaris), who
consults the answering team (the Kabid); the official decides, the officer answers the reporter
on WhatsApp, and the reporter rates the answer there. A second complaint is taken at the
counter and answered at once (step 3 "Tidak": the SOP's short way to its end), and its reporter
rates it on the tracking page.
"""

from __future__ import annotations

import re
from typing import Any

from alur.complaints.choices import Status
from alur.complaints.models import Complaint
from alur.workflow.choices import CaseStatus

COMPLAINTS_NUMBER = "08117961900"
CITIZEN = "6281234500123"


def _open_from_inbox(walk: Any, reference: str) -> None:
    walk.menu("Tugas saya")
    walk.follow(reference)


def test_a_complaint_on_whatsapp_is_escalated_answered_and_rated(walk: Any, whatsapp: Any) -> None:
    citizen = whatsapp(CITIZEN).to(COMPLAINTS_NUMBER)
    assert any("Siapa nama Anda" in r for r in citizen.say("Halo"))
    citizen.say("Sri Wahyuni")
    citizen.say(
        "KTP-el saya sudah 3 bulan belum jadi padahal sudah rekam di kecamatan Blambangan Umpu, "
        "dan setiap ke kantor disuruh kembali minggu depan."
    )
    summary = citizen.say("LEWATI")
    assert any("(YA)" in r for r in summary)
    filed = " ".join(citizen.say("YA"))
    reference = re.search(r"S2G-\d{4}-\d{6}-[A-Z2-9]{6}", filed)
    assert reference, filed
    reference = reference.group(0)

    # Step 2 and 3: the receiving officer registers it; the problem is complex.
    walk.login("waykanan.pengaduan")
    _open_from_inbox(walk, reference)
    walk.sees("Sri Wahyuni")
    walk.page.get_by_label("Kategori").select_option(label="Keterlambatan penyelesaian")
    walk.fill("Analisis permasalahan", "Perekaman ada di SIAK; pencetakan tertahan blanko.")
    walk.press("Catat di register pengaduan")
    walk.sees(re.compile(r"\d{4}/PGD/18\.08/\d{4}"))
    walk.fill(
        "Permasalahan lebih kompleks? Alasan diteruskan",
        "Perlu keputusan soal prioritas pencetakan blanko.",
    )
    walk.press("Teruskan ke pejabat pengelola pengaduan")
    # Step 4: the officer reports to the complaint-handling official.
    walk.press(re.compile("Laporkan|Simpan hasil langkah 4"))

    # Step 5: the answering team (its chair, the Kabid) consults and proposes a solution.
    walk.login("waykanan.kabid.dafduk")
    _open_from_inbox(walk, reference)
    walk.fill("Pendapat Anda", "Cetak lebih dahulu; blanko tersedia minggu ini.")
    walk.press("Catat pendapat")
    walk.fill(
        "Solusi hasil konsultasi",
        "KTP-el dicetak Kamis ini dan dapat diambil di kantor Dinas mulai Jumat.",
    )
    walk.press("Simpan solusi dan teruskan ke pejabat pengelola")

    # Step 6: the official decides and hands the solution to the officer.
    walk.login("waykanan.sekretaris")
    _open_from_inbox(walk, reference)
    walk.press("Putuskan dan serahkan kepada petugas")

    # Step 7: the officer answers the reporter on WhatsApp.
    walk.login("waykanan.pengaduan")
    _open_from_inbox(walk, reference)
    walk.press("Sampaikan jawaban kepada pelapor")
    walk.sees("Dijawab")

    complaint = Complaint.objects.get(case__reference=reference)
    assert complaint.status == Status.ANSWERED
    assert complaint.case.status == CaseStatus.DONE
    answer = " ".join(citizen.everything())
    # The answer, then the satisfaction survey (SKM), one element per list: a tap answers it.
    assert "dicetak Kamis ini" in answer and "Survei Kepuasan Masyarakat" in answer
    citizen.tap("4. Sangat sesuai")
    from alur.survey.models import Answer

    assert Answer.objects.get(survey__case=complaint.case, element=1).score == 4


def test_a_complaint_at_the_counter_is_answered_at_once_and_rated(walk: Any) -> None:
    walk.login("waykanan.pengaduan")
    walk.menu("Mulai prosedur")
    walk.follow("Catat pengaduan di loket")
    walk.fill("Nama pelapor", "Hendra Gunawan")
    walk.fill("Nomor HP pelapor (bila ada)", "0812 7788 9900")
    walk.fill("Isi pengaduan", "Nama ibu di KK saya salah ketik, tertulis SITI AMINA.")
    walk.press("Terima pengaduan")
    walk.sees("Pengaduan diterima")
    reference = walk.page.url.rstrip("/").rsplit("/", 1)[-1]

    walk.page.get_by_label("Kategori").select_option(label="Data kependudukan tidak sesuai")
    walk.press("Catat di register pengaduan")
    walk.fill(
        "Jawaban / solusi untuk pelapor",
        "Ajukan perubahan data KK di loket dengan membawa akta kelahiran; selesai hari ini.",
    )
    walk.press("Jawab langsung dan tutup")
    walk.sees("Dijawab")
    walk.follow("Cetak lembar jawaban")

    # The reporter rates the answer on the public tracking page.
    walk.page.context.clear_cookies()
    walk.goto("/pengaduan/lacak/")
    walk.fill("Nomor pengaduan", reference)
    walk.fill("4 angka terakhir nomor HP", "9900")
    walk.press("Lacak")
    walk.sees("Ajukan perubahan data KK")
    walk.page.get_by_label("4", exact=True).check()
    walk.press("Kirim penilaian")
    walk.sees("Terima kasih atas penilaian Anda")

    complaint = Complaint.objects.get(case__reference=reference)
    assert complaint.status == Status.ANSWERED and complaint.satisfaction == 4
    assert complaint.case.status == CaseStatus.DONE
