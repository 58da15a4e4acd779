"""S2e, a birth certificate of Kab. Way Kanan in an office whose register of record is SIAK,
walked on a phone by the operator and the Kadis through SIAK's own page (the local SIAK server)
and Alur, with the Kadis's TTE made by the local BSrE server.

The application came in and passed its checks (steps 1-5). At step 6 the operator enters the
birth in SIAK (its page: the child in kecamatan 18.08.01) and SIAK issues the child's NIK and
the akta's register number; on Alur's case page ("Entri di SIAK") she records the same data and
what SIAK issued. Her first NIK has another kecamatan's code: the page says so in Bahasa
Indonesia and keeps everything she typed; she corrects it. The Kadis opens the print in SIAK and
signs it with TTE: NIK and passphrase, sent by SIAK to BSrE. A mistyped passphrase is refused in
Bahasa and signs nothing; the right one signs, and she downloads the signed PDF. At step 9 she
attaches it in Alur: SIAK's unsigned print is refused, the signed one is checked, archived with
its SHA-256 (pdfsig: valid, signed by the Kadis's certificate) and opens from the verification
page. The case ends with the SIAK number on the register.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.utils import timezone

import peers.bsre
from alur.documents.models import CitizenDocument
from alur.intake.services import application_submit
from alur.intake.tests import samples
from alur.org.models import Office, User
from alur.tte.management.commands.tte_dev_setup import DEMO_PASSPHRASE, demo_niks
from alur.tte.signing import sha256_hex
from alur.tte.tests.bsre_peer import Peer
from alur.workflow.choices import CaseStatus
from alur.workflow.tests.drive import run_to_end, run_until_step
from journeys.test_s2a_kk_baru import open_case, shot
from journeys.test_s2e_akta_kelahiran import parents_family
from peers.siak import BsreAccess, RunningServer, start_server


@pytest.fixture
def siak_tte(bsre_server: peers.bsre.RunningServer) -> Iterator[tuple[RunningServer, Peer]]:
    """The local SIAK whose prints the Kadis signs through the local BSrE (both on free ports)."""
    bsre = Peer(bsre_server)
    bsre.control("reset")
    bsre.control("faults", method="DELETE")
    access = BsreAccess(
        bsre_server.base_url, peers.bsre.DEV_USERNAME, peers.bsre.DEV_PASSWORD, timeout=10
    )
    siak = start_server(port=0, bsre=access)
    yield siak, bsre
    siak.stop()


def at_siak(walk: Any, siak: RunningServer, who: str) -> None:
    """Open SIAK's page on the same phone; it passes the same checks as Alur's pages."""
    walk.who = who
    walk.page.goto(f"{siak.root_url}/_siak/")
    walk.check()


def test_an_akta_kelahiran_ends_with_the_siak_number_and_the_siak_pdf_archived(
    walk: Any,
    siak_tte: tuple[RunningServer, Peer],
    poppler: Callable[[str], str],
    tmp_path: Path,
) -> None:
    siak, bsre = siak_tte
    office = Office.objects.get(code="18.08")
    family, _father, mother = parents_family("Rudi Hartono", "Sari Wulandari")
    office.registry_backend = "siak"
    office.save(update_fields=["registry_backend"])
    # As `tte_dev_setup --bsre-users`: officials get a NIK, BSrE knows the Kadis by it.
    demo_niks()
    kadis = bsre.signer(User.objects.get(username="waykanan.kadis"), passphrase=DEMO_PASSPHRASE)
    born = timezone.localdate() - timedelta(days=12)
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

    # Step 6, in SIAK: the operator enters the birth; SIAK issues the NIK and the akta number.
    at_siak(walk, siak, "siak.operator")
    page = walk.page
    page.select_option("select[name=kind]", "akta-kelahiran")
    page.get_by_label("Kode wilayah kecamatan").fill("18.08.01")
    page.locator("input[name=name]").fill("Bima Hartono")
    page.get_by_label("Tanggal lahir").fill(born.isoformat())
    page.select_option("select[name=sex]", "L")
    page.get_by_label("Tempat lahir").fill("Blambangan Umpu")
    page.get_by_label("Nama ayah").fill("Rudi Hartono")
    page.get_by_label("Nama ibu").fill("Sari Wulandari")
    shot(walk, "siak-peer-entry")
    walk.press("Simpan di SIAK")
    walk.sees("SIAK menerbitkan nomor")
    walk.sees("Menunggu TTE Kepala Dinas")
    shot(walk, "siak-peer-issued")
    card = page.locator(".card").first.inner_text()
    number = re.search(r"Nomor (\S+)", card)[1]  # type: ignore[index]
    nik = re.search(r"NIK anak (\d{16})", card)[1]  # type: ignore[index]
    siak_today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    assert re.fullmatch(rf"1808-LT-{siak_today:%d%m%Y}-\d{{4}}", number)
    assert nik.startswith(f"180801{born:%d%m%y}")  # a boy of kecamatan 18.08.01, born that day
    preview = page.get_by_role("link", name="Pratinjau PDF").get_attribute("href")
    unsigned = httpx.get(f"{siak.root_url}{preview}", timeout=10)
    assert unsigned.headers["X-Siak-Status"] == "menunggu_tte"

    # Step 6, in Alur: the operator records the SIAK entry on the case page.
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
    wrong = f"180802{nik[6:]}"  # one digit of the kecamatan mistyped
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
    child = akta.resident
    assert child is not None and child.nik == nik and akta.register_number == number

    # Steps 7 and 8 (the register signed at the counter, the files to the Kadis).
    run_until_step(case, 9)

    # In SIAK: the Kadis signs the print with TTE (NIK and passphrase, through BSrE).
    at_siak(walk, siak, "siak.kadis")
    walk.sees("Belum ditandatangani Kepala Dinas")
    walk.follow(number)
    walk.sees("Menunggu TTE Kepala Dinas")
    walk.page.get_by_label("NIK Kepala Dinas").fill(kadis.nik)
    walk.page.get_by_label("Passphrase TTE").fill("TTE-Demo-2025")
    walk.press("Tandatangani dengan TTE BSrE")
    walk.sees("Passphrase salah.")
    walk.sees("Dokumen belum ditandatangani.")
    shot(walk, "siak-peer-tte-refused")
    listed = httpx.get(f"{siak.root_url}/_siak/api/dokumen", timeout=10).json()["data"]
    assert [(d["number"], d["status"], d["signer"]) for d in listed] == [
        (number, "menunggu_tte", None)
    ]
    assert walk.page.get_by_label("NIK Kepala Dinas").input_value() == kadis.nik
    walk.page.get_by_label("Passphrase TTE").fill(DEMO_PASSPHRASE)
    walk.press("Tandatangani dengan TTE BSrE")
    walk.sees("Ditandatangani secara elektronik oleh")
    walk.sees(f"NIK {kadis.nik}")
    shot(walk, "siak-peer-signed")
    with walk.page.expect_download() as download:
        walk.page.get_by_role("link", name="Unduh PDF bertanda tangan").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf != unsigned.content

    # Step 9, in Alur: the Kadis attaches what SIAK printed; the unsigned print is refused.
    walk.login("waykanan.kadis")
    open_case(walk, reference)
    walk.sees("Kepala Dinas menandatangani dokumen (TTE) di SIAK")
    field = walk.page.get_by_label("Kutipan akta kelahiran dari SIAK (PDF)")
    field.set_input_files(
        files=[{"name": "akta.pdf", "mimeType": "application/pdf", "buffer": unsigned.content}]
    )
    walk.press("Lampirkan dokumen dari SIAK")
    walk.sees("tidak bertanda tangan elektronik")
    shot(walk, "siak-attach-refused")
    walk.page.get_by_label("Kutipan akta kelahiran dari SIAK (PDF)").set_input_files(
        files=[{"name": "akta.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    walk.press("Lampirkan dokumen dari SIAK")
    walk.sees("Dokumen dari SIAK terlampir dan diarsipkan")
    walk.sees("PDF dari SIAK")
    shot(walk, "siak-attached")
    akta.refresh_from_db()
    assert akta.issued is not None and akta.issued.sha256 == sha256_hex(pdf)
    with akta.issued.file.open("rb") as archived_file:
        archived = archived_file.read()
    assert sha256_hex(archived) == akta.issued.sha256
    archived_path = tmp_path / "akta-arsip.pdf"
    archived_path.write_bytes(archived)
    report = subprocess.run(  # noqa: S603 - poppler's pdfsig on a file of ours
        [poppler("pdfsig"), str(archived_path)], capture_output=True, text=True, check=False
    ).stdout
    assert "Signature Validation: Signature is Valid." in report, report
    assert f",serialNumber={kadis.nik}," in report, report  # the Kadis's BSrE certificate
    walk.follow("verifikasi")
    walk.sees(number)
    shot(walk, "siak-verification")

    # Step 10: the officer tells the mother; the case ends with the SIAK number registered.
    case = run_to_end(case)
    assert case.status == CaseStatus.DONE
    child.refresh_from_db()
    assert child.birth_certificate_no == number
    walk.goto("/dokumen/register/?kantor=18.08&jenis=akta_kelahiran")
    walk.sees(number)
    shot(walk, "siak-register")
