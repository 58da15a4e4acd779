"""S4, the monthly coverage recap of Disdukcapil Prov. Sumatera Barat, walked on a phone.

The Kabid starts last month from "Mulai prosedur" with a direction to the Kasi (step 1); the Kasi
directs the staff (2); the staff take the sample import file from the page, upload the PIAK
file, which is refused for a wrong row and accepted once corrected (3), and finish the entry
(4); the Kasi sends the data back for a check ("Perbaikan", 5 → 4), then validates it; the Kabid
hands the LAKIP material to the Sekretariat (6), which accepts it (7).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from alur.reports.choices import JobStatus, PeriodStatus
from alur.reports.models import ReportPeriod
from alur.reports.tests.drivers import coverage_csv
from alur.workflow.choices import CaseStatus


def _case(walk: Any, reference: str) -> None:
    walk.menu("Tugas saya")
    walk.follow(reference)


def _done(walk: Any, step: int) -> None:
    walk.press(f"Simpan hasil langkah {step}")
    walk.sees("Langkah selesai")


def _upload(walk: Any, name: str, data: bytes) -> None:
    walk.page.get_by_label("Berkas data cakupan PIAK (.xlsx atau .csv)").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    walk.press("Unggah data cakupan")
    walk.sees("Berkas diterima")


def _broken(data: bytes) -> bytes:
    """The PIAK file with its second kab/kota's first numerator above its denominator."""
    lines = data.decode().splitlines()
    cells = lines[2].split(",")
    cells[2] = str(int(cells[3]) + 500)
    lines[2] = ",".join(cells)
    return ("\n".join(lines) + "\n").encode()


def test_a_month_from_the_kabids_direction_to_the_lakip_material(walk: Any) -> None:
    # Step 1: the Kabid starts last month with a direction to the Kasi.
    walk.login("sumbar.kabid")
    walk.menu("Mulai prosedur")
    walk.follow("Mulai rekap cakupan bulanan")
    walk.sees("(periode berjalan)")
    walk.fill("Arahan kepada Kasi (disposisi)", "Susun rekap cakupan bulan lalu untuk LAKIP.")
    walk.press("Mulai dan kirim arahan")
    walk.sees("Periode dibuka")
    reference = walk.page.url.rstrip("/").rsplit("/", 1)[-1]
    period = ReportPeriod.objects.get(case__reference=reference)

    # Step 2: the Kasi directs the staff.
    walk.login("sumbar.kasi")
    _case(walk, reference)
    walk.fill("Catatan / alasan", "Staf: terima data PIAK, periksa kelengkapan, lalu impor.")
    _done(walk, 2)

    # Step 3: the staff take the sample file, then upload the PIAK file; a wrong row is named
    # and nothing is imported; the step cannot be finished until a clean file is in.
    walk.login("sumbar.staf")
    _case(walk, reference)
    with walk.page.expect_download() as download:
        walk.page.get_by_role("link", name="Unduh contoh berkas impor").first.click()
    sample = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))["Cakupan"]
    assert sample["A1"].value == "kode_wilayah" and sample.max_row == 20  # 19 kab/kota
    piak = coverage_csv(period)
    _upload(walk, "piak-salah.csv", _broken(piak))
    walk.sees("lebih besar dari penyebutnya")
    walk.press("Simpan hasil langkah 3")
    walk.sees("belum diimpor tanpa kesalahan")
    _upload(walk, "piak.csv", piak)
    walk.sees("Selesai (19 baris)")
    _done(walk, 3)
    _done(walk, 4)

    # Step 5: the Kasi sends the entry back once ("Perbaikan"), the staff re-import and finish.
    walk.login("sumbar.kasi")
    _case(walk, reference)
    walk.send_back(5, "Cocokkan lagi angka KIA dengan berkas cetak Bidang PIAK.")
    walk.login("sumbar.staf")
    _case(walk, reference)
    _upload(walk, "piak-perbaikan.csv", coverage_csv(period, month_index=5))
    walk.sees("Selesai (19 baris)")
    _done(walk, 4)
    walk.login("sumbar.kasi")
    _case(walk, reference)
    _done(walk, 5)

    # Step 6: the Kabid looks at the coverage and hands the LAKIP material to the Sekretariat.
    walk.login("sumbar.kabid")
    _case(walk, reference)
    walk.follow("rincian periode")
    walk.sees("Cakupan per indikator")
    walk.follow(reference)
    _done(walk, 6)

    # Step 7: the Sekretariat accepts it as material for the agency's LAKIP.
    walk.login("sumbar.sekretaris")
    _case(walk, reference)
    _done(walk, 7)
    walk.sees("Selesai")

    period.refresh_from_db()
    assert period.status == PeriodStatus.CLOSED
    assert [j.status for j in period.imports.order_by("pk")] == [
        JobStatus.FAILED,
        JobStatus.DONE,
        JobStatus.DONE,
    ]
    assert period.rows.count() == 19 * 4
    assert len(period.recap["exports"]) == 2
    assert period.case.status == CaseStatus.DONE
