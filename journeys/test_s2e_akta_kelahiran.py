"""S2e, a birth certificate (akta kelahiran) of Kab. Way Kanan, walked as its people do on a phone.

A mother applies on WhatsApp (08117961700) with the four files. The registration officer checks
them (step 2) and returns the application: the F-2.01 sent is unreadable. The mother hears why on
WhatsApp, sends the form again (KIRIM … SELESAI) and the application comes back to the officer,
who passes it on. The Kasi verifies (3); she is also the acting Kabid and verifies again as Kabid
(4): Way Kanan lets an acting head do so, and the case page says it happened. The Kasi gives the
blank (5), the operator finds the parents' KK and enters and prints the certificate (6). The
mother and two witnesses sign the register at the counter (7): the officer who witnessed it
records it on the case page with a photo of the signed page. The officer hands the files to the
Kadis (8), the Kadis signs with TTE (9), and the officer tells the mother on WhatsApp (10).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from alur.documents.models import CitizenDocument
from alur.intake.models import Application
from alur.intake.tests import samples
from alur.org.models import Office
from alur.registry.choices import Relation
from alur.registry.inputs import AddressInput, ResidentInput
from alur.registry.models import Family, Resident
from alur.registry.services.families import family_create
from alur.registry.services.residents import resident_register
from alur.tte.management.commands.tte_dev_setup import DEMO_PASSPHRASE
from alur.workflow.choices import CaseStatus
from alur.workflow.models import ApplicantNotice, OutsideRecord
from journeys.test_s2a_kk_baru import open_case, shot, signer_certificate, step_done

BIRTH_NUMBER = "08117961700"
MOTHER_PHONE = "6281234567890"


def parents_family(
    father: str, mother: str, office_code: str = "18.08"
) -> tuple[Family, Resident, Resident]:
    """A married couple's KK in the registry (both registered from their biodata before)."""
    office = Office.objects.get(code=office_code)
    home = AddressInput(
        address="Jl. Merdeka No. 12",
        district_code=f"{office_code}.01",
        rt="002",
        rw="001",
        village="Blambangan Umpu",
    )

    def person(name: str, sex: str, born: date) -> Resident:
        data = ResidentInput(
            name=name, sex=sex, birth_place="Way Kanan", birth_date=born, home=home
        )
        return resident_register(office=office, data=data, actor=None)[0]

    husband = person(father, "L", date(1993, 2, 14))
    wife = person(mother, "P", date(1995, 7, 21))
    family = family_create(
        office=office, head=husband, home=home, members=[(wife, Relation.WIFE)], actor=None
    )
    return family, husband, wife


def from_inbox_waiting(walk: Any, reference: str) -> None:
    """Open a case from "Tugas saya", in the list of steps waiting on outside parties."""
    walk.menu("Tugas saya")
    walk.sees("Menunggu pihak luar")
    shot(walk, f"inbox-waiting-{walk.who}")
    walk.page.locator("section.task.waiting", has_text=reference).get_by_role(
        "link", name="Buka perkara"
    ).click()
    walk.check()


def record_outside(walk: Any, step: int, party: str, *, photo: bytes | None = None) -> None:
    """Record an outside party's step on the case page: who, when (now), a photo."""
    card = walk.page.locator(f"form.record:has(button:text('Simpan catatan langkah {step}'))")
    card.get_by_label("Nama pihak yang melakukan").fill(party)
    if photo is not None:
        card.get_by_label("Foto/pindaian (tidak wajib)").set_input_files(
            files=[{"name": "register.jpg", "mimeType": "image/jpeg", "buffer": photo}]
        )
    walk.press(f"Simpan catatan langkah {step}")
    walk.sees("Langkah pihak luar tercatat")


def test_a_birth_certificate_from_whatsapp_to_the_mother_s_whatsapp(
    walk: Any, whatsapp: Any
) -> None:
    signer_certificate("waykanan.kadis")
    family, _father, mother = parents_family("Rudi Hartono", "Sari Wulandari")
    born = timezone.localdate() - timedelta(days=12)

    # Step 1 on WhatsApp: the mother applies with the four files.
    citizen = whatsapp(MOTHER_PHONE).to(BIRTH_NUMBER)
    assert any("Nama pemohon" in r for r in citizen.say("Halo, mau buat akta kelahiran anak"))
    citizen.say("Sari Wulandari")
    citizen.say(mother.nik)
    citizen.say("SAMA")
    citizen.say("Bima Hartono")
    citizen.say(born.strftime("%d-%m-%Y"))
    asked = citizen.say("Blambangan Umpu")
    assert any("Surat keterangan lahir" in r for r in asked)
    citizen.send_file("surat-lahir.pdf", "application/pdf", samples.pdf())
    citizen.send_file("buku-nikah.jpg", "image/jpeg", samples.jpeg())
    citizen.send_file("kk.png", "image/png", samples.png())
    summary = citizen.send_file("f201.pdf", "application/pdf", samples.pdf(b"/Title (buram)"))
    assert any("YA" in r for r in summary), summary
    filed = " ".join(citizen.say("YA"))
    found = re.search(r"S2E-1808-\d{6}-[A-Z2-9]{6}", filed)
    assert found, filed
    reference = found.group(0)
    case = Application.objects.get(case__reference=reference).case

    # The Kadis sees what the case waits for and who holds it, and no form.
    walk.login("waykanan.kadis")
    walk.goto(f"/perkara/{reference}/")
    walk.sees("Dipegang oleh Siti Rahmawati")
    assert walk.page.get_by_role("button", name="Ambil tugas").count() == 0
    shot(walk, "s2e-not-holder")
    # Another bidang's officer does not handle the case: it is not found for them.
    walk.login("waykanan.petugas")
    answer = walk.page.goto(f"{walk.base}/perkara/{reference}/")
    assert answer is not None and answer.status == 404
    walk.failures.clear()

    # Step 2: the registration officer finds the F-2.01 unreadable and returns it.
    walk.login("waykanan.petugas.capil")
    open_case(walk, reference)
    walk.sees("Lengkap — teruskan")
    walk.page.get_by_label("Formulir F-2.01 (pelaporan pencatatan sipil)").check()
    walk.fill("Catatan untuk pemohon", "Foto formulir F-2.01 buram; kirim ulang yang jelas.")
    walk.press("Kembalikan ke pemohon")
    walk.sees("Permohonan dikembalikan ke pemohon")
    walk.sees("Pemberitahuan kepada pemohon")
    told = " ".join(citizen.everything())
    assert "F-2.01 buram" in told and "KIRIM" in told
    assert ApplicantNotice.objects.get(case=case).channels == "WhatsApp"

    # The mother sends the form again on WhatsApp.
    listed = " ".join(citizen.say("KIRIM"))
    assert "Formulir F-2.01" in listed
    citizen.say("4")
    citizen.send_file("f201-jelas.pdf", "application/pdf", samples.pdf(b"/Title (F-2.01)"))
    assert any("sudah kami teruskan" in r for r in citizen.say("SELESAI"))

    walk.menu("Tugas saya")
    walk.follow(reference)
    walk.press("Lengkap — teruskan")
    walk.sees("Persyaratan lengkap")

    # Steps 3 and 4: the Kasi verifies, then verifies again as the acting Kabid.
    walk.login("waykanan.kasi.capil")
    open_case(walk, reference)
    walk.sees("Berkas memenuhi persyaratan?")
    step_done(walk, 3)
    walk.menu("Tugas saya")
    walk.follow(reference)
    step_done(walk, 4)
    walk.sees("diperiksa orang yang sama dengan langkah 3")
    shot(walk, "s2e-same-reviewer")
    # Step 5: the Kasi gives the blank certificate to the operator.
    walk.menu("Tugas saya")
    walk.follow(reference)
    step_done(walk, 5)

    # Step 6: the operator finds the parents' KK, enters and prints the certificate.
    walk.login("waykanan.operator.capil")
    open_case(walk, reference)
    walk.fill("NIK salah satu anggota atau No. KK", family.no_kk)
    walk.press("Cari keluarga")
    walk.press(f"Pilih KK {family.no_kk}")
    walk.sees("Isian diisi dari")
    walk.page.locator("select[name=sex]").select_option("L")
    walk.fill("Saksi 1", "Joko Susilo")
    walk.fill("Saksi 2", "Maria Ulfa")
    walk.press("Simpan isian dan teruskan")
    walk.sees("Data tersimpan")

    # Step 7: the mother and the witnesses sign the register at the counter; the officer who
    # saw it records it on the case page, with a photo of the signed page.
    walk.login("waykanan.petugas.capil")
    from_inbox_waiting(walk, reference)
    walk.sees("Catat: Pemohon dan Saksi telah menandatangani Register Akta Kelahiran")
    shot(walk, "s2e-record-signing")
    record_outside(
        walk, 7, "Sari Wulandari (pemohon); Joko Susilo, Maria Ulfa (saksi)", photo=samples.jpeg()
    )
    entry = OutsideRecord.objects.get(case=case)
    assert entry.sha256 and entry.party.startswith("Sari Wulandari")
    # Step 8: the officer hands the certificate and the register to the Kadis.
    walk.menu("Tugas saya")
    walk.follow(reference)
    step_done(walk, 8)

    # Step 9: the Kadis checks and signs with TTE.
    walk.login("waykanan.kadis")
    open_case(walk, reference)
    walk.fill("Passphrase sertifikat TTE", DEMO_PASSPHRASE)
    walk.press("Tandatangani (TTE)")
    walk.sees("Dokumen ditandatangani secara elektronik")

    # Step 10: the officer tells the mother on WhatsApp.
    walk.login("waykanan.petugas.capil")
    open_case(walk, reference)
    step_done(walk, 10)

    case.refresh_from_db()
    assert case.status == CaseStatus.DONE
    akta = CitizenDocument.objects.get(case=case, kind="akta_kelahiran")
    assert akta.signed_at is not None and akta.resident.name.lower() == "bima hartono"
    assert any("sudah selesai" in r for r in citizen.everything())
