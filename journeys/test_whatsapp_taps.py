"""A mother applies for her baby's akta kelahiran on WhatsApp with taps, then files a complaint.

Through the local Graph API server, as Meta's: every choice she makes (her phone number, sending
the application, its status, the application a complaint is about, sending the complaint) is a
tap on a reply button or a list row; she types only what only she can know (names, NIK, dates,
the place, the complaint) and sends her four files. No command word is typed.

The share of her messages that are taps is printed (and asserted): the closing note of issue 19.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from alur.complaints.models import Complaint
from alur.intake.models import Application
from alur.intake.tests import samples

BIRTH_NUMBER = "08117961700"
COMPLAINTS_NUMBER = "08117961900"
MOTHER = "6281234500777"
NIK = "1808015503950001"  # Way Kanan, born 15-03-1995, female
COMMAND_WORDS = {"YA", "BATAL", "MENU", "STATUS", "LEWATI", "SAMA", "KIRIM", "SELESAI"}


@dataclass
class Tally:
    """The citizen's messages by what she had to do: tap, type data, send a file."""

    taps: list[str] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)
    files: int = 0

    def say(self, citizen: Any, text: str) -> list[str]:
        self.typed.append(text)
        return citizen.say(text)

    def tap(self, citizen: Any, choice: str) -> list[str]:
        self.taps.append(choice)
        return citizen.tap(choice)

    def send(self, citizen: Any, name: str, mime: str, data: bytes) -> list[str]:
        self.files += 1
        return citizen.send_file(name, mime, data)

    @property
    def total(self) -> int:
        return len(self.taps) + len(self.typed) + self.files

    def line(self, walk: str) -> str:
        share = 100 * len(self.taps) / self.total
        return (
            f"{walk}: {self.total} messages — {len(self.taps)} taps ({share:.0f} %), "
            f"{len(self.typed)} typed data, {self.files} files, "
            f"{sum(t.upper() in COMMAND_WORDS for t in self.typed)} command words"
        )


def test_an_akta_kelahiran_and_a_complaint_with_taps_only(whatsapp: Any, capsys: Any) -> None:
    mother = whatsapp(MOTHER).to(BIRTH_NUMBER)
    akta = Tally()
    opening = " ".join(akta.say(mother, "Halo, mau buat akta kelahiran anak"))
    assert "nomor WhatsApp resmi" in opening and "BERHENTI" in opening
    assert "Nama pemohon" in opening
    akta.say(mother, "Sari Wulandari")
    asked = " ".join(akta.say(mother, NIK))
    assert "Pakai nomor ini" in asked  # the phone is a button
    assert any("Nama anak" in r for r in akta.tap(mother, "Pakai nomor ini"))
    akta.say(mother, "Bima Hartono")
    akta.say(mother, (timezone.localdate() - timedelta(days=12)).strftime("%d-%m-%Y"))
    asked = " ".join(akta.say(mother, "Blambangan Umpu"))
    assert "Surat keterangan lahir" in asked
    akta.send(mother, "surat-lahir.pdf", "application/pdf", samples.pdf())
    akta.send(mother, "buku-nikah.jpg", "image/jpeg", samples.jpeg())
    akta.send(mother, "kk.png", "image/png", samples.png())
    summary = " ".join(akta.send(mother, "f201.pdf", "application/pdf", samples.pdf()))
    assert "Kirim permohonan" in summary and "Sari Wulandari" in summary
    filed = " ".join(akta.tap(mother, "Kirim permohonan"))
    found = re.search(r"S2E-1808-\d{6}-[A-Z2-9]{6}", filed)
    assert found, filed
    reference = found.group(0)
    application = Application.objects.get(case__reference=reference)
    assert application.applicant_phone == MOTHER and application.applicant_nik == NIK
    # Each attachment keeps the WhatsApp media id it came with.
    media_ids = list(application.attachments.values_list("source_media_id", flat=True))
    assert len(media_ids) == 4 and all(media_ids), media_ids
    status = " ".join(akta.tap(mother, "Cek status"))
    assert reference in status and "Langkah sekarang" in status

    # A complaint about that application, on the complaints number: the same taps.
    complainant = whatsapp(MOTHER).to(COMPLAINTS_NUMBER)
    complaint = Tally()
    assert any("Siapa nama Anda" in r for r in complaint.say(complainant, "Halo"))
    complaint.say(complainant, "Sari Wulandari")
    listed = " ".join(
        complaint.say(complainant, "Petugas loket meminta biaya untuk akta kelahiran anak saya.")
    )
    assert reference in listed and "Tidak ada" in listed  # her applications, as a list
    summary = " ".join(complaint.tap(complainant, reference))
    assert "Kirim pengaduan" in summary and reference in summary
    filed = " ".join(complaint.tap(complainant, "Kirim pengaduan"))
    found = re.search(r"S2G-1808-\d{6}-[A-Z2-9]{6}", filed)
    assert found, filed
    filed_complaint = Complaint.objects.get(case__reference=found.group(0))
    assert filed_complaint.application is not None
    assert filed_complaint.application.case.reference == reference
    assert found.group(0) in " ".join(complaint.tap(complainant, "Cek status"))

    # No command word typed; every choice was a tap.
    for tally in (akta, complaint):
        assert not any(text.upper() in COMMAND_WORDS for text in tally.typed)
    assert len(akta.taps) == 3 and len(complaint.taps) == 3
    with capsys.disabled():
        print("\n" + akta.line("akta kelahiran") + "\n" + complaint.line("pengaduan"))
