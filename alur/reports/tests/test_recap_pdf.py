"""The recap PDF drawn with ReportLab: every page repeats the table's header and says "hal. x / y",
the kab/kota rows (late, missing, names with markup characters) and the totals are all there,
for a province and for all 514 kab/kota."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from alur.reports import pdf, recap
from alur.reports.choices import Timeliness

WIB = ZoneInfo("Asia/Jakarta")
DEADLINE = datetime(2026, 11, 20, 14, tzinfo=WIB)
OFFICE = SimpleNamespace(
    kop_government="PEMERINTAH PROVINSI KEPULAUAN BANGKA BELITUNG",
    kop_agency="DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
    name="Disdukcapil Provinsi Kepulauan Bangka Belitung",
    address="Jl. Pulau Bangka, Air Itam, Pangkalpinang",
)


def province(count: int) -> dict:
    fields = [{"key": f"l{n}", "label": f"Layanan {n:02d}"} for n in range(30)]
    reporters, sent, previous = [], {}, {}
    for i in range(count):
        code = f"{i:04d}"
        name = "Kab. A & B <Kepulauan>" if i == 1 else f"Kabupaten Nomor {i}"
        zone = "Asia/Makassar" if i % 2 else "Asia/Jakarta"
        reporters.append(recap.Reporter(code, name, zone, DEADLINE))
        previous[code] = {f["key"]: i + n for n, f in enumerate(fields)}
        if i == 2:
            continue  # missing
        late = i == 3
        sent[code] = recap.Sent(
            {f["key"]: 2 * i + n for n, f in enumerate(fields)},
            DEADLINE + timedelta(minutes=5 if late else -60),
            Timeliness.LATE if late else Timeliness.ON_TIME,
        )
    return recap.build(
        period_label="13–19 November 2026",
        fields=fields,
        reporters=reporters,
        sent=sent,
        previous=previous,
        closed=True,
    )


def pages(pdftotext: str, data: bytes) -> list[str]:
    text = subprocess.run(
        [pdftotext, "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return [page for page in text.split("\f") if page.strip()]


def test_recap_pdf_pages_header_totals_and_marks(poppler: Callable[[str], str]) -> None:
    data = province(120)
    content = pdf.recap_pdf(office=OFFICE, title="Laporan Mingguan Pelayanan", recap=data)
    found = pages(poppler("pdftotext"), content)
    assert len(found) >= 3
    first = " ".join(found[0].split())
    assert "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL" in first
    assert "REKAPITULASI LAPORAN MINGGUAN PELAYANAN" in first
    assert "Periode 13–19 November 2026" in first
    assert "Laporan masuk 119 dari 120 kabupaten/kota" in first
    assert "terlambat 1, tidak melapor 1." in first
    for number, page in enumerate(found, start=1):
        assert f"hal. {number} / {len(found)}" in page
        if number > 1:
            assert "Kab/Kota" in page and "Dikirim" in page  # the header, repeated
    whole = " ".join(" ".join(found).split())
    assert "Kab. A & B <Kepulauan>" in whole
    assert "Tidak melapor" in whole and "Terlambat" in whole
    assert "20-11-2026 15:05 WITA" in whole  # the late one, in its own zone
    assert "20-11-2026 13:00 WIB" in whole
    for n in range(120):
        assert f"Kabupaten Nomor {n}" in whole or n == 1
    totals = data["totals"]
    assert f"JUMLAH {totals['total']} {totals['previous']}" in " ".join(found[-1].split())
    fonts = subprocess.run(
        [poppler("pdffonts"), "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    assert "Bold" in fonts and ("Oblique" in fonts or "Italic" in fonts)


def test_a_recap_of_514_kabkota_has_every_row(poppler: Any) -> None:
    """The national-size recap (its speed is measured in bench/reports.py, not here)."""
    data = province(514)
    content = pdf.recap_pdf(office=OFFICE, title="Rekap", recap=data)
    text = subprocess.run(
        [poppler("pdftotext"), "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    lines = {" ".join(line.split()[-3:]) for line in text.splitlines()}  # "12 Kabupaten Nomor 11"
    missing = [i for i in range(514) if i != 1 and f"Kabupaten Nomor {i}" not in lines]
    assert missing == []  # (row 1's name has markup characters: tested above)
