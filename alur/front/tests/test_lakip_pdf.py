"""The LAKIP PDF's charts as a reader sees them: coloured bars beside whole names, not black
blocks drawn over the kab/kota names (WeasyPrint does not style inline SVG from a stylesheet)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from alur.reports.choices import ReportKind
from alur.reports.files import lakip_files
from alur.reports.models import ReportPeriod

pytestmark = pytest.mark.django_db


def test_the_lakip_charts_are_coloured_and_name_every_kab_kota(
    poppler: Any, tmp_path: Path
) -> None:
    period = (
        ReportPeriod.objects.filter(
            definition__kind=ReportKind.COVERAGE, definition__office__code="13"
        )
        .order_by("-starts_on")
        .first()
    )
    assert period is not None, "the demo has S4 months for Sumatera Barat"
    _xlsx, pdf = lakip_files(period)
    (tmp_path / "lakip.pdf").write_bytes(pdf)
    text = subprocess.run(
        [poppler("pdftotext"), "-layout", str(tmp_path / "lakip.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    charts = text[text.index("Tren cakupan provinsi") :]
    for name in ("Kab. Solok Selatan", "Kab. Kepulauan", "Kota Padang Panjang"):
        assert name in charts  # whole, and once per chart: not cut to "Kab. Solok"
    assert charts.count("Kab. Solok Selatan") == charts.count("Kota Padang Panjang")

    subprocess.run(
        [poppler("pdftoppm"), "-r", "40", "-png", str(tmp_path / "lakip.pdf"), str(tmp_path / "p")],
        check=True,
    )
    pages = sorted(tmp_path.glob("p-*.png"))
    last = Image.open(pages[-1]).convert("RGB")  # a page of charts only
    colours = last.getcolors(last.width * last.height) or []
    total = last.width * last.height
    black = sum(n for n, (r, g, b) in colours if r < 40 and g < 40 and b < 40)
    blue = sum(n for n, (r, g, b) in colours if b > 150 and r < 90)  # the bars' #2f6fb3
    orange = sum(n for n, (r, g, b) in colours if r > 170 and g < 110 and b < 60)  # #c2410c
    assert black < 0.005 * total, f"{black} black pixels of {total}"
    assert blue + orange > 0.02 * total
