"""Numbers and dates in Indonesian words, checked against how official letters write them."""

from __future__ import annotations

from datetime import date

import pytest

from alur.tte.words import date_in_words, date_long, day_name, month_name, number_in_words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (11, "sebelas"),
        (19, "sembilan belas"),
        (21, "dua puluh satu"),
        (23, "dua puluh tiga"),
        (100, "seratus"),
        (101, "seratus satu"),
        (1000, "seribu"),
        (1100, "seribu seratus"),
        (2026, "dua ribu dua puluh enam"),
        (1_000_000, "satu juta"),
    ],
)
def test_number_in_words(n: int, words: str) -> None:
    assert number_in_words(n) == words


def test_negative_and_non_integers_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        number_in_words(-1)
    with pytest.raises(TypeError):
        number_in_words(2.5)  # type: ignore[arg-type]  # a float on purpose
    with pytest.raises(TypeError):
        number_in_words(True)


def test_day_and_month_names() -> None:
    # 23 November 2026 is a Monday; 27 November 2026 a Friday; 29 November 2026 a Sunday.
    assert day_name(date(2026, 11, 23)) == "Senin"
    assert day_name(date(2026, 11, 27)) == "Jumat"
    assert day_name(date(2026, 11, 29)) == "Minggu"
    assert [month_name(m) for m in (1, 2, 3, 5, 8, 11, 12)] == [
        "Januari",
        "Februari",
        "Maret",
        "Mei",
        "Agustus",
        "November",
        "Desember",
    ]
    for bad in (0, 13):
        with pytest.raises(ValueError):
            month_name(bad)


def test_date_long() -> None:
    assert date_long(date(2026, 11, 23)) == "23 November 2026"
    assert date_long(date(2027, 1, 5)) == "5 Januari 2027"


def test_date_in_words_is_the_berita_acara_opening() -> None:
    assert date_in_words(date(2026, 11, 23)) == (
        "Senin tanggal dua puluh tiga bulan November tahun dua ribu dua puluh enam"
    )
    assert date_in_words(date(2000, 8, 1)) == ("Selasa tanggal satu bulan Agustus tahun dua ribu")
