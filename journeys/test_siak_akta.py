"""S2e, a birth certificate of Kab. Way Kanan in an office whose register of record is SIAK,
walked on a phone by the operator and the Kadis.

The application came in and passed its checks (steps 1-5). At step 6 the operator has entered
the child in SIAK; on the case page ("Entri di SIAK") she records the same data and what SIAK
issued: the child's NIK and the akta's register number, and the day. Her first NIK has another
kecamatan's code: the page says so in Bahasa Indonesia and keeps everything she typed; she
corrects it. The Kadis signs the akta with TTE in SIAK; at step 9 she attaches the PDF SIAK
printed: an unsigned print is refused, the signed one is checked, archived with its SHA-256 and
opens from the verification page. The case ends with the SIAK number on the register.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from django.utils import timezone

from alur.documents.models import CitizenDocument
from alur.documents.tests.siak_pdfs import plain_pdf, signed_pdf
from alur.intake.services import application_submit
from alur.intake.tests import samples
from alur.org.models import Office
from alur.tte.signing import sha256_hex
from alur.workflow.choices import CaseStatus
from alur.workflow.tests.drive import run_to_end, run_until_step
from journeys.test_s2a_kk_baru import open_case, shot
from journeys.test_s2e_akta_kelahiran import parents_family


def test_an_akta_kelahiran_ends_with_the_siak_number_and_the_siak_pdf_archived(walk: Any) -> None:
    office = Office.objects.get(code="18.08")
    family, _father, mother = parents_family("Rudi Hartono", "Sari Wulandari")
    office.registry_backend = "siak"
    office.save(update_fields=["registry_backend"])
    today = timezone.localdate()
    born = today - timedelta(days=12)
    application = application_submit(
        office=office,
        channel="counter",
        service_code="S2e",
        applicant={"name": "Sari Wulandari", "nik": mother.nik, "phone": "081234567890"},
        fields={
            "child_name": "Bima Hartono",
            "child_birth_date": born.isoformat(),
            "child_birth_place": "Blambangan Umpu",
        },
        files=[
            ("birth_letter", samples.pdf(), "application/pdf", "surat-lahir.pdf"),
            ("marriage", samples.jpeg(), "image/jpeg", "buku-nikah.jpg"),
            ("kk", samples.png(), "image/png", "kk.png"),
            ("f201", samples.pdf(), "application/pdf", "f201.pdf"),
        ],
    )
    case = application.case
    reference = case.reference
    run_until_step(case, 6)
    nik = f"180801{born:%d%m%y}0001"  # a boy of kecamatan 18.08.01, as SIAK issued it
    number = f"1808-LT-{today:%d%m%Y}-0123"

    # Step 6: the operator records the SIAK entry on the case page.
    walk.login("waykanan.operator.capil")
    open_case(walk, reference)
    walk.sees("Entri di SIAK: Akta kelahiran")
    walk.fill("NIK salah satu anggota atau No. KK", family.no_kk)
    walk.press("Cari keluarga")
    walk.press(f"Pilih KK {family.no_kk}")
    walk.sees("Isian diisi dari")
    walk.page.locator("select[name=sex]").select_option("L")
    walk.fill("Saksi 1", "Joko Susilo")
    walk.fill("Saksi 2", "Maria Ulfa")
    wrong = f"180802{born:%d%m%y}0001"
    walk.fill("NIK anak dari SIAK", wrong)
    walk.fill("Nomor akta kelahiran dari SIAK", number)
    shot(walk, "siak-entry")
    walk.press("Simpan catatan entri SIAK dan teruskan")
    walk.sees("kode kecamatan 18.08.02")
    shot(walk, "siak-entry-refused")
    assert walk.page.get_by_label("NIK anak dari SIAK").input_value() == wrong
    assert walk.page.get_by_label("Nomor akta kelahiran dari SIAK").input_value() == number
    assert walk.page.get_by_label("Saksi 2").input_value() == "Maria Ulfa"
    walk.fill("NIK anak dari SIAK", nik)
    walk.press("Simpan catatan entri SIAK dan teruskan")
    walk.sees("Data tersimpan")
    akta = CitizenDocument.objects.get(case=case, kind="akta_kelahiran")
    assert akta.resident.nik == nik and akta.register_number == number

    # Steps 7 and 8 (the register signed at the counter, the files to the Kadis).
    run_until_step(case, 9)

    # Step 9: the Kadis has signed in SIAK and attaches what SIAK printed.
    walk.login("waykanan.kadis")
    open_case(walk, reference)
    walk.sees("Kepala Dinas menandatangani dokumen (TTE) di SIAK")
    field = walk.page.get_by_label("Kutipan akta kelahiran dari SIAK (PDF)")
    field.set_input_files(
        files=[{"name": "akta.pdf", "mimeType": "application/pdf", "buffer": plain_pdf(number)}]
    )
    walk.press("Lampirkan dokumen dari SIAK")
    walk.sees("tidak bertanda tangan elektronik")
    shot(walk, "siak-attach-refused")
    # pyHanko signs in its own event loop: outside the browser's.
    with ThreadPoolExecutor(max_workers=1) as pool:
        lines = ("KUTIPAN AKTA KELAHIRAN", f"Nomor: {number}", "BIMA HARTONO")
        pdf = pool.submit(signed_pdf, *lines).result()
    walk.page.get_by_label("Kutipan akta kelahiran dari SIAK (PDF)").set_input_files(
        files=[{"name": "akta.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    walk.press("Lampirkan dokumen dari SIAK")
    walk.sees("Dokumen dari SIAK terlampir dan diarsipkan")
    walk.sees("PDF dari SIAK")
    shot(walk, "siak-attached")
    akta.refresh_from_db()
    assert akta.issued is not None and akta.issued.sha256 == sha256_hex(pdf)
    walk.follow("verifikasi")
    walk.sees(number)
    shot(walk, "siak-verification")

    # Step 10: the officer tells the mother; the case ends with the SIAK number registered.
    case = run_to_end(case)
    assert case.status == CaseStatus.DONE
    akta.resident.refresh_from_db()
    assert akta.resident.birth_certificate_no == number
    walk.goto("/dokumen/register/?kantor=18.08&jenis=akta_kelahiran")
    walk.sees(number)
    shot(walk, "siak-register")
