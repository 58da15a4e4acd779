"""The server-drawn charts: legible on a phone, whole names, no localised numbers, and colours
that survive WeasyPrint (which does not style inline SVG from the page's stylesheet)."""

from __future__ import annotations

import re
from datetime import date

from alur.core import charts
from alur.logistics.charts import balance_line, stock_bars
from alur.reports.charts import ranked_bars, time_vs_standard, trend_lines

NAMES = [
    "Disdukcapil Kab. Solok",
    "Disdukcapil Kab. Solok Selatan",
    "Disdukcapil Kab. Kepulauan Mentawai",
    "Disdukcapil Kota Padang Panjang",
]


def texts(svg: str) -> list[str]:
    """Each text element's words, its tspans joined."""
    found = re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)
    return [" ".join(re.findall(r"<tspan[^>]*>(.*?)</tspan>", t)) for t in found]


def test_names_are_whole_and_apart() -> None:
    svg = str(ranked_bars([(n, 90.5 - i) for i, n in enumerate(NAMES)], "Peringkat", target=95))
    words = texts(svg)
    for name in NAMES:
        assert name.removeprefix("Disdukcapil ") in words  # wrapped, never cut
    assert words.count("Kab. Solok") == 1


def test_numbers_in_svg_are_never_localised() -> None:
    svg = str(ranked_bars([(n, 40.25) for n in NAMES], "Peringkat", target=40.5))
    svg += str(trend_lines(["08/26", "09/26"], [("A", [40.2, 41.7])], "Tren"))
    svg += str(stock_bars([("Disdukcapil Kab. Bangka", 1234, 12)], "Stok"))
    assert not re.search(r'(?:x|y|x1|x2|y1|y2|cx|cy|width|height)="[\d.]*,', svg)
    for points in re.findall(r'points="([^"]*)"', svg):  # "x,y x,y": a comma between, never in
        assert all(re.fullmatch(r"[\d.]+,[\d.]+", pair) for pair in points.split())
    assert "40,2%" in svg and "1.234 · 12 hr" in svg  # the values as Indonesian writes them


def test_every_shape_and_text_carries_its_own_colour_and_size() -> None:
    svg = str(ranked_bars([(n, 97.0) for n in NAMES], "Peringkat", target=95))
    svg += str(time_vs_standard([("S2e · 3 Verifikasi berkas permohonan", 30, 60, 45)], "Waktu"))
    assert all("fill=" in r for r in re.findall(r"<rect[^>]*>", svg))
    sizes = [int(s) for s in re.findall(r'<text[^>]*font-size="(\d+)"', svg)]
    assert sizes and min(sizes) >= charts.SMALL >= 11
    assert 'width="320"' in svg  # drawn at its size, only shrinking: 12-px text on a phone


def test_the_ledger_axis_runs_over_the_movements_days() -> None:
    points = [(date(2026, 9, 14), 387), (date(2026, 10, 5), 300), (date(2026, 12, 6), 147)]
    svg = str(balance_line(points, "Saldo"))
    words = texts(svg)
    assert "14 Sep 2026" in words and "6 Des 2026" in words
    assert "Okt" in words and "Nov" in words  # the months between
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]
    assert xs[0] < xs[1] < xs[2] and xs[2] - xs[1] > 2 * (xs[1] - xs[0])  # placed by date


def test_wrap_keeps_every_word_within_two_lines() -> None:
    assert charts.wrap("Kab. Kepulauan Mentawai", 120) == ["Kab. Kepulauan", "Mentawai"]
    assert charts.wrap("Kota Solok", 120) == ["Kota Solok"]
    assert charts.short_name("Disdukcapil Kota Solok") == "Kota Solok"
