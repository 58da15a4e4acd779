"""S2a, a new family card (KK baru) of Kab. Way Kanan, walked as its people do on a phone.

A couple married last month comes to the counter. The operator receives them from "Mulai
prosedur" at /loket/: the first try has a NIK typed wrong and a form left at home, the page keeps
everything typed and the files already attached ("sudah dilampirkan") and says what is wrong
beside each field; the second try is complete. The same couple asking again is warned of the
open application. The operator types the KK (step 2): finds the husband by NIK with the form's
family search, chooses him as head, types the wife with a relation that does not exist (refused,
beside the field, the rest kept) and then right. The Kasi corrects the RT on the case page and
passes it (3), the Kabid validates (4), the Kadis signs with TTE (5), the operator archives (6),
the petugas tells the applicant on WhatsApp (7).

Return path: the Kabid finds the print does not match the files (step 4, "Perbaikan") and sends
it back to the operator who typed it (step 2), as the seed's "Koreksi" outputs say; the operator
corrects it and the Kasi and the Kabid pass it again.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

from django.utils import timezone

from alur.documents.models import CitizenDocument
from alur.intake.models import Application
from alur.intake.tests import samples
from alur.org.models import Office, User
from alur.registry.inputs import AddressInput, ResidentInput
from alur.registry.models import Family, FamilyMember, Resident
from alur.registry.services.residents import resident_register
from alur.tte import pki
from alur.tte.management.commands.tte_dev_setup import DEMO_PASSPHRASE
from alur.tte.services import certificate_upload
from alur.workflow.choices import CaseStatus

PDF = "application/pdf"


def signer_certificate(username: str) -> None:
    """The Kadis's TTE certificate from the development CA, as `make run` issues it."""
    user = User.objects.get(username=username)
    ca = pki.dev_ca()
    cert, key = pki.issue_signer(ca, name=user.get_full_name(), nip=user.nip, office_name="WK")
    p12 = pki.pkcs12_bytes(cert, key, ca[0], DEMO_PASSPHRASE)
    certificate_upload(user=user, p12=p12, passphrase=DEMO_PASSPHRASE, actor=user)


def resident(name: str, sex: str, born: date) -> Resident:
    """A resident of Way Kanan in no KK (registered from their F-1.02 biodata before)."""
    office = Office.objects.get(code="18.08")
    home = AddressInput(
        address="Jl. Pemuda No. 7", district_code="18.08.01", rt="003", rw="002", village="Sidoarjo"
    )
    data = ResidentInput(name=name, sex=sex, birth_place="Way Kanan", birth_date=born, home=home)
    return resident_register(office=office, data=data, actor=None)[0]


def attach(walk: Any, label: str, name: str, data: bytes, mime: str = PDF) -> None:
    walk.page.get_by_label(label, exact=False).first.set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data}]
    )


def shot(walk: Any, name: str) -> None:
    """A full-page screenshot into $JOURNEY_SHOTS (when set), to look at what the phone shows."""
    folder = os.environ.get("JOURNEY_SHOTS")
    if folder:
        walk.page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def open_case(walk: Any, reference: str) -> None:
    """Open the case from "Tugas saya", as its next holder finds it."""
    walk.menu("Tugas saya")
    walk.follow(reference)


def step_done(walk: Any, step: int) -> None:
    walk.press(f"Simpan hasil langkah {step}")
    walk.sees("Langkah selesai")


def step_return(walk: Any, step: int, reason: str) -> None:
    walk.send_back(step, reason)


def receive_at_counter(walk: Any, start_label: str) -> None:
    walk.menu("Mulai prosedur")
    walk.follow(start_label)


def reference_of(walk: Any) -> str:
    found = re.search(r"Nomor permohonan \(untuk lacak\): (\S+)", walk.page.inner_text("body"))
    assert found, walk.page.url
    return found.group(1)


def sign_archive_notify(walk: Any, reference: str, archive_by: str, notify_by: str) -> None:
    """Steps 5-7 of S2a and S2b: the Kadis signs, the operator archives, the petugas notifies."""
    walk.login("waykanan.kadis")
    open_case(walk, reference)
    walk.fill("Passphrase sertifikat TTE", DEMO_PASSPHRASE)
    walk.press("Tandatangani (TTE)")
    walk.sees("Dokumen ditandatangani secara elektronik")
    walk.sees("PDF bertanda tangan")

    walk.login(archive_by)
    open_case(walk, reference)
    step_done(walk, 6)

    walk.login(notify_by)
    open_case(walk, reference)
    step_done(walk, 7)


def test_a_new_kk_from_the_counter_to_the_applicants_whatsapp(walk: Any, whatsapp: Any) -> None:
    applicant = whatsapp("6281234560011")
    signer_certificate("waykanan.kadis")
    husband = resident("Andi Pratama", "L", date(1996, 4, 12))
    wife = resident("Rina Lestari", "P", date(1998, 9, 3))

    # Step 1 at the counter: the operator receives the couple from "Mulai prosedur".
    walk.login("waykanan.operator")
    receive_at_counter(walk, "Terima permohonan Kartu Keluarga baru di loket")
    walk.sees("Persyaratan")
    walk.fill("Nama pemohon", "Andi Pratama")
    walk.fill("NIK pemohon", husband.nik[:8] + "13" + husband.nik[10:])  # month 13: a typo
    walk.fill("Nomor HP/WhatsApp", "081234560011")
    walk.fill("Nama kepala keluarga", "Andi Pratama")
    attach(walk, "Buku nikah", "buku-nikah.pdf", samples.pdf())
    walk.press("Simpan dan buat nomor permohonan")
    # The form error keeps what was typed and the file attached; each error beside its field.
    walk.sees("Permohonan belum tersimpan")
    walk.sees("sudah dilampirkan: buku-nikah.pdf")
    walk.sees("Belum dilampirkan: Formulir F-1.02 (biodata penduduk).")
    assert walk.page.locator("input[name=head_name]").input_value() == "Andi Pratama"
    assert walk.page.locator("input[name=applicant_phone]").input_value() == "081234560011"
    shot(walk, "s2a-counter-error")
    walk.page.locator("input[name=applicant_nik]").fill(husband.nik)
    attach(walk, "Formulir F-1.02", "f102.pdf", samples.pdf(b"/Title (F-1.02)"))
    walk.press("Simpan dan buat nomor permohonan")
    walk.sees("Permohonan diterima")
    reference = reference_of(walk)
    application = Application.objects.get(case__reference=reference)
    assert sorted(a.requirement for a in application.attachments.all()) == ["f102", "marriage"]

    # The same couple asking again is warned, with the open application linked.
    receive_at_counter(walk, "Terima permohonan Kartu Keluarga baru di loket")
    walk.fill("Nama pemohon", "Andi Pratama")
    walk.fill("NIK pemohon", husband.nik)
    walk.fill("Nomor HP/WhatsApp", "081234560011")
    walk.fill("Nama kepala keluarga", "Andi Pratama")
    attach(walk, "Buku nikah", "nikah-2.jpg", samples.jpeg(), "image/jpeg")
    attach(walk, "Formulir F-1.02", "f102.pdf", samples.pdf())
    walk.press("Simpan dan buat nomor permohonan")
    walk.sees("Permohonan serupa belum selesai")
    walk.sees(reference)
    assert Application.objects.filter(applicant_nik=husband.nik).count() == 1
    walk.follow(reference)  # the officer checks it and does not go on

    # Step 2: the operator types the KK, the head found by NIK with the family search.
    open_case(walk, reference)
    walk.fill("NIK salah satu anggota atau No. KK", husband.nik)
    walk.press("Cari keluarga")
    walk.sees("belum tercatat dalam KK")
    walk.press(f"Pilih {husband.name}")
    walk.sees("Isian diisi dari")
    assert walk.page.locator("input[name=head_nik]").input_value() == husband.nik
    walk.page.locator("textarea[name=members]").fill(f"{wife.nik} pacar")
    walk.fill("Kode pos", "34763")
    walk.press("Simpan isian dan teruskan")
    walk.sees("Isian belum tersimpan")
    walk.sees(re.compile("tulis NIK lalu hubungan"))
    assert walk.page.locator("textarea[name=members]").input_value() == f"{wife.nik} pacar"
    assert walk.page.locator("input[name=postal_code]").input_value() == "34763"
    shot(walk, "s2a-entry-error")
    walk.page.locator("textarea[name=members]").fill(f"{wife.nik} istri")
    walk.press("Simpan isian dan teruskan")
    walk.sees("Data tersimpan")
    family = Family.objects.get(head=husband)

    # Step 3: the Kasi's correction of the RT goes back to the operator (Perbaikan): the Kasi
    # does not rewrite the entry. The operator corrects it in the reopened entry and passes it
    # on, and the Kasi checks it again.
    walk.login("waykanan.kasi.dafduk")
    open_case(walk, reference)
    assert walk.page.get_by_role("button", name="Simpan koreksi").count() == 0
    step_return(walk, 3, "RT pada KK seharusnya 004.")
    walk.login("waykanan.operator")
    open_case(walk, reference)
    walk.sees("RT pada KK seharusnya 004.")
    walk.page.locator("input[name=rt]").fill("004")
    walk.press("Simpan isian dan teruskan")
    walk.sees("Data tersimpan")
    walk.login("waykanan.kasi.dafduk")
    open_case(walk, reference)
    step_done(walk, 3)

    # Step 4: the Kabid finds the print does not match the files and sends it back to the
    # operator (Perbaikan), who saves the entry again; the Kasi and the Kabid pass it.
    walk.login("waykanan.kabid.dafduk")
    open_case(walk, reference)
    step_return(walk, 4, "Kode pos pada cetakan tidak sesuai formulir F-1.02.")
    walk.login("waykanan.operator")
    open_case(walk, reference)
    walk.sees("Kode pos pada cetakan tidak sesuai formulir F-1.02.")
    walk.page.locator("input[name=postal_code]").fill("34764")
    walk.press("Simpan isian dan teruskan")
    walk.sees("Data tersimpan")
    walk.login("waykanan.kasi.dafduk")
    open_case(walk, reference)
    step_done(walk, 3)
    walk.login("waykanan.kabid.dafduk")
    open_case(walk, reference)
    step_done(walk, 4)

    sign_archive_notify(walk, reference, "waykanan.operator", "waykanan.petugas")

    application.case.refresh_from_db()
    assert application.case.status == CaseStatus.DONE
    family.refresh_from_db()
    assert family.rt == "004" and family.postal_code == "34764" and family.version == 3
    members = {m.resident_id: m.relation for m in FamilyMember.objects.filter(family=family)}
    assert members == {husband.pk: "kepala", wife.pk: "istri"}
    kk = CitizenDocument.objects.get(case=application.case, kind="kk")
    assert kk.signed_at is not None and kk.archived_at is not None
    assert kk.data["version"] == 3 and timezone.localdate(kk.signed_at) == timezone.localdate()
    # The applicant hears it on WhatsApp (a template: they have not written in 24 hours).
    assert any(reference in text or "Kartu Keluarga" in text for text in applicant.everything())
