"""Numbers and dates in Indonesian words, as official letters write them: "dua puluh tiga",
"Senin", "23 November 2026", and the berita acara opening "Senin tanggal dua puluh tiga bulan
November tahun dua ribu dua puluh enam"."""

from __future__ import annotations

from datetime import date

from babel.dates import get_day_names, get_month_names
from num2words import num2words

__all__ = [
    "date_in_words",
    "date_long",
    "day_name",
    "month_name",
    "number_in_words",
    "period_label",
]

LOCALE = "id"


def number_in_words(n: int) -> str:
    """`n` (0 or more) in words: 23 → "dua puluh tiga", 1000 → "seribu", 0 → "nol"."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"an integer is required, not {type(n).__name__}")
    if n < 0:
        raise ValueError(f"negative numbers are not written in words: {n}")
    return str(num2words(n, lang=LOCALE))


def day_name(d: date) -> str:
    """The weekday of `d`: "Senin" ... "Minggu"."""
    return str(get_day_names("wide", locale=LOCALE)[d.weekday()])


def month_name(m: int) -> str:
    """The month `m` (1-12): "Januari" ... "Desember"."""
    if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12:
        raise ValueError(f"a month is 1 to 12, not {m!r}")
    return str(get_month_names("wide", locale=LOCALE)[m])


def date_long(d: date) -> str:
    """ "23 November 2026": the date as a letter's date line writes it."""
    return f"{d.day} {month_name(d.month)} {d.year}"


def date_in_words(d: date) -> str:
    """ "Senin tanggal dua puluh tiga bulan November tahun dua ribu dua puluh enam"."""
    return (
        f"{day_name(d)} tanggal {number_in_words(d.day)} bulan {month_name(d.month)} "
        f"tahun {number_in_words(d.year)}"
    )


def period_label(year: int, month: int | None = None) -> str:
    """ "Oktober 2026" for a month, "Tahun 2026" for a whole year."""
    return f"{month_name(month)} {year}" if month else f"Tahun {year}"
