"""NIK and No. KK: each new number is the next free serial of its prefix.

- NIK = kecamatan code (6) + birth date DDMMYY, day + 40 for women + serial 0001–9999.
- No. KK = region code (6) + issue date DDMMYY + serial 0001–9999.

The serial is the next value of the prefix's gapless counter (`alur.core.counters`, scope
"registry.number:<kind>:<prefix>"), taken under its row lock; a serial that an existing NIK
already holds (a resident registered with the number SIAK gave them) is skipped: a collision
takes the next serial.

Only in an office whose register of record is its own (`standalone`): where SIAK is the
register (`siak`), SIAK issues every number and both generators refuse (`port.refuse_in_siak`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from alur.core.counters import CounterExhausted, counter_next
from alur.core.errors import DomainError
from alur.core.validators import is_ascii_digits
from alur.intake.nik import FEMALE_DAY_OFFSET
from alur.org.models import Office
from alur.registry.choices import Sex
from alur.registry.models import Family, Resident
from alur.registry.port import refuse_in_siak

MAX_SERIAL = 9999


def _next_free(kind: str, prefix: str, taken: Iterable[str], what: str) -> str:
    used = {int(number[len(prefix) :]) for number in taken if number[len(prefix) :].isdigit()}
    try:
        serial = counter_next("registry.number", kind, prefix, skip=used, ceiling=MAX_SERIAL)
    except CounterExhausted:
        raise DomainError(
            f"Nomor urut {what} untuk {prefix} sudah habis (9999).", code="exhausted"
        ) from None
    return f"{prefix}{serial:04d}"


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


def nik_generate(
    *, kecamatan_code: str, birth_date: date, sex: str, office: Office | None = None
) -> str:
    """A new NIK, unique: the next serial of its prefix that no resident holds. Refused for an
    office on SIAK (`office` None: the deployment's default backend)."""
    refuse_in_siak(office, "NIK", code="siak_nik")
    prefix = nik_prefix(kecamatan_code, birth_date, sex)
    taken = Resident.objects.filter(nik__startswith=prefix).values_list("nik", flat=True)
    return _next_free("nik", prefix, taken, "NIK")


def no_kk_generate(*, region_code: str, issued_on: date, office: Office | None = None) -> str:
    """A new No. KK for a family of kecamatan `region_code` issued on `issued_on`. Refused for
    an office on SIAK (`office` None: the deployment's default backend)."""
    refuse_in_siak(office, "No. KK", code="siak_no_kk")
    prefix = f"{_digits(region_code)}{issued_on:%d%m%y}"
    taken = Family.objects.filter(no_kk__startswith=prefix).values_list("no_kk", flat=True)
    return _next_free("kk", prefix, taken, "No. KK")
