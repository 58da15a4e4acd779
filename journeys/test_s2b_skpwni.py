"""S2b, a move letter (SKPWNI) of Kab. Way Kanan, walked as its people do on a phone.

The head of a demo family comes to the counter to move the whole family to Bandar Lampung. The
operator receives him from "Mulai prosedur" at /loket/: the No. KK typed one digit short is
refused beside its field while the files attached stay attached; the second try is complete. The
operator types the letter (step 2): finds the family by the head's NIK with the form's family
search and chooses it (every member's NIK filled in), first names a destination inside Way Kanan
(refused beside the field: an SKPWNI is for leaving the regency, the rest kept), then Bandar
Lampung. The Kasi corrects the destination address on the case page and passes it (3), the
Kabid verifies (4), the Kadis signs with TTE (5), the operator archives (6), the petugas tells
the applicant on WhatsApp (7).

Return path: the Kabid's correction and verification (step 4, "Perbaikan") sends the letter back
to the Kasi (step 3), who passes it again, as the seed's "Koreksi" outputs say.
"""

from __future__ import annotations

from typing import Any

from alur.documents.models import CitizenDocument
from alur.intake.models import Application
from alur.intake.tests import samples
from alur.registry.choices import ResidentStatus
from alur.registry.demo import load_demo_families
from alur.registry.models import Family, FamilyMember
from alur.workflow.choices import CaseStatus
from journeys.test_s2a_kk_baru import (
    attach,
    open_case,
    receive_at_counter,
    reference_of,
    shot,
    sign_archive_notify,
    signer_certificate,
    step_done,
    step_return,
)


def test_a_family_moves_out_from_the_counter_to_the_applicants_whatsapp(walk: Any) -> None:
    signer_certificate("waykanan.kadis")
    load_demo_families(1, ["18.08"])
    family = Family.objects.select_related("head").get(office__code="18.08")
    head = family.head
    members = [m.resident for m in FamilyMember.objects.filter(family=family, until__isnull=True)]

    # Step 1 at the counter: the operator receives the head of the family.
    walk.login("waykanan.operator")
    receive_at_counter(walk, "Terima permohonan Surat Keterangan Pindah WNI (SKPWNI) di loket")
    walk.fill("Nama pemohon", head.name.title())
    walk.fill("NIK pemohon", head.nik)
    walk.fill("Nomor HP/WhatsApp", "081234560021")
    walk.fill("Nomor KK", family.no_kk[:-1])  # one digit short
    walk.fill("Alamat tujuan pindah", "Jl. Teuku Umar No. 5, Kedaton, Bandar Lampung")
    walk.fill("Alasan pindah", "Pekerjaan")
    attach(walk, "Formulir F-1.03", "f103.pdf", samples.pdf())
    attach(walk, "Kartu Keluarga (KK) asli", "kk.jpg", samples.jpeg(), "image/jpeg")
    walk.press("Simpan dan buat nomor permohonan")
    walk.sees("Permohonan belum tersimpan")
    walk.sees("sudah dilampirkan: f103.pdf")
    walk.sees("sudah dilampirkan: kk.jpg")
    assert walk.page.locator("input[name=reason]").input_value() == "Pekerjaan"
    shot(walk, "s2b-counter-error")
    walk.page.locator("input[name=kk_number]").fill(family.no_kk)
    walk.press("Simpan dan buat nomor permohonan")
    walk.sees("Permohonan diterima")
    reference = reference_of(walk)
    application = Application.objects.get(case__reference=reference)
    assert sorted(a.requirement for a in application.attachments.all()) == ["f103", "kk"]

    # Step 2: the operator finds the family by the head's NIK and types the letter.
    open_case(walk, reference)
    walk.fill("NIK salah satu anggota atau No. KK", head.nik)
    walk.press("Cari keluarga")
    walk.sees(f"KK {family.no_kk}")
    walk.press(f"Pilih KK {family.no_kk}")
    walk.sees("Isian diisi dari")
    niks = walk.page.locator("textarea[name=niks]").input_value().split()
    assert sorted(niks) == sorted(m.nik for m in members)
    walk.fill("Kode wilayah tujuan", "18.08")  # inside Way Kanan: not for an SKPWNI
    walk.press("Simpan isian dan teruskan")
    walk.sees("Isian belum tersimpan")
    errors = walk.page.locator("form ul.errorlist").first.inner_text()
    assert "SKPWNI hanya untuk pindah ke luar kabupaten/kota" in errors, errors
    address = walk.page.locator("input[name=destination_address]").input_value()
    assert address == "Jl. Teuku Umar No. 5, Kedaton, Bandar Lampung"
    assert sorted(walk.page.locator("textarea[name=niks]").input_value().split()) == sorted(niks)
    shot(walk, "s2b-entry-error")
    walk.fill("Kode wilayah tujuan", "18.71")
    walk.press("Simpan isian dan teruskan")
    walk.sees("Data tersimpan")

    # Step 3: the Kasi's correction of the destination address goes back to the operator
    # (Perbaikan), who corrects it on the case page and passes it on; the Kasi checks it again.
    walk.login("waykanan.kasi.pindah")
    open_case(walk, reference)
    assert walk.page.get_by_role("button", name="Simpan koreksi").count() == 0
    step_return(walk, 3, "Nomor rumah tujuan seharusnya 15.")
    walk.login("waykanan.operator")
    open_case(walk, reference)
    walk.sees("Nomor rumah tujuan seharusnya 15.")
    walk.page.get_by_text("Koreksi isian").click()
    walk.page.locator("input[name='koreksi-destination_address']").fill(
        "Jl. Teuku Umar No. 15, Kedaton, Bandar Lampung"
    )
    walk.press("Simpan koreksi")
    walk.sees("Koreksi tersimpan")
    walk.press("Simpan isian dan teruskan")
    walk.sees("Data tersimpan")
    walk.login("waykanan.kasi.pindah")
    open_case(walk, reference)
    step_done(walk, 3)

    # Step 4: the Kabid sends it back to the Kasi (Perbaikan: the reason is missing), who
    # passes it again; then the Kabid verifies the letter.
    walk.login("waykanan.kabid.dafduk")
    open_case(walk, reference)
    step_return(walk, 4, "Alasan pindah belum tertulis pada surat; mohon dilengkapi.")
    walk.login("waykanan.kasi.pindah")
    open_case(walk, reference)
    walk.sees("Alasan pindah belum tertulis pada surat; mohon dilengkapi.")
    step_done(walk, 3)
    walk.login("waykanan.kabid.dafduk")
    open_case(walk, reference)
    step_done(walk, 4)

    sign_archive_notify(walk, reference, "waykanan.operator", "waykanan.petugas")

    application.case.refresh_from_db()
    assert application.case.status == CaseStatus.DONE
    letter = CitizenDocument.objects.get(case=application.case, kind="skpwni")
    assert letter.signed_at is not None and letter.archived_at is not None
    assert letter.data["destination"]["address"].startswith("Jl. Teuku Umar No. 15")
    assert sorted(letter.data["movers_nik"]) == sorted(m.nik for m in members)
    for member in members:
        member.refresh_from_db()
        assert member.status == ResidentStatus.MOVED_OUT
    assert not FamilyMember.objects.filter(family=family, until__isnull=True).exists()
