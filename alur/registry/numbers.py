"""NIK and No. KK: each new number is the next free serial of its prefix.

- NIK = kecamatan code (6) + birth date DDMMYY, day + 40 for women + serial 0001–9999.
- No. KK = region code (6) + issue date DDMMYY + serial 0001–9999.

The serial is taken under a row lock on the prefix's counter (`NumberCounter`), and a serial
that an existing NIK already holds (a resident registered with the number SIAK gave them) is
skipped: a collision takes the next serial. The counter row is created on first use; two
transactions creating it at once are serialised by its unique constraint.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import connection

from alur.core.errors import DomainError
from alur.core.locking import locked_row
from alur.core.validators import is_ascii_digits
from alur.intake.nik import FEMALE_DAY_OFFSET
from alur.registry.choices import Sex
from alur.registry.models import Family, NumberCounter, Resident

MAX_SERIAL = 9999


def _locked_counter(kind: str, prefix: str) -> NumberCounter:
    return locked_row(NumberCounter, kind=kind, prefix=prefix)


def _next_free(kind: str, prefix: str, taken: Iterable[str], what: str) -> str:
    if not connection.in_atomic_block:
        raise RuntimeError("numbers must be taken in the transaction that uses them")
    counter = _locked_counter(kind, prefix)
    used = set(taken)
    serial = counter.last_serial
    while True:
        serial += 1
        if serial > MAX_SERIAL:
            raise DomainError(
                f"Nomor urut {what} untuk {prefix} sudah habis (9999).", code="exhausted"
            )
        number = f"{prefix}{serial:04d}"
        if number not in used:
            break
    counter.last_serial = serial
    counter.save(update_fields=["last_serial"])
    return number


def _digits(code: str) -> str:
    digits = code.replace(".", "")
    if len(digits) != 6 or not is_ascii_digits(digits):
        raise DomainError(f"Kode wilayah {code!r} harus kode kecamatan (6 angka).", code="region")
    return digits


def nik_prefix(kecamatan_code: str, birth_date: date, sex: str) -> str:
    if sex not in Sex.values:
        raise DomainError("Jenis kelamin harus L atau P.", code="sex")
    day = birth_date.day + (FEMALE_DAY_OFFSET if sex == Sex.FEMALE else 0)
    return f"{_digits(kecamatan_code)}{day:02d}{birth_date:%m%y}"


def nik_generate(*, kecamatan_code: str, birth_date: date, sex: str) -> str:
    """A new NIK, unique: the next serial of its prefix that no resident holds."""
    prefix = nik_prefix(kecamatan_code, birth_date, sex)
    taken = Resident.objects.filter(nik__startswith=prefix).values_list("nik", flat=True)
    return _next_free("nik", prefix, taken, "NIK")


def no_kk_generate(*, region_code: str, issued_on: date) -> str:
    """A new No. KK for a family of kecamatan `region_code` issued on `issued_on`."""
    prefix = f"{_digits(region_code)}{issued_on:%d%m%y}"
    taken = Family.objects.filter(no_kk__startswith=prefix).values_list("no_kk", flat=True)
    return _next_free("kk", prefix, taken, "No. KK")
