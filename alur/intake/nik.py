"""Checking a NIK or a No. KK by its structure alone (domain.md, "NIK and No. KK").

NIK = province(2) kab/kota(2) kecamatan(2) of first registration + birth date DDMMYY (day + 40
for women) + serial 0001–9999. No. KK = region(6) + issue date DDMMYY + serial.

A broken rule is an error; a NIK that disagrees with the recorded birth date or sex is only a
warning, because a corrected birth date or sex keeps its NIK. Pure: the known provinces are passed
in (`province_codes()` reads them from the Region table once).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

MALE = "L"
FEMALE = "P"
SEX_LABELS = {MALE: "laki-laki", FEMALE: "perempuan"}
FEMALE_DAY_OFFSET = 40
_LOCAL = ZoneInfo("Asia/Jakarta")


@dataclass
class NikCheck:
    """What a 16-digit number says of itself, and what is wrong with it."""

    value: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    province_code: str = ""  # "18"
    regency_code: str = ""  # "18.08"
    district_code: str = ""  # "18.08.01"
    birth_date: date | None = None  # for a No. KK: the issue date
    sex: str | None = None  # MALE / FEMALE; None for a No. KK
    serial: str = ""

    @property
    def is_valid(self) -> bool:
        return not self.errors


@cache
def _province_codes() -> frozenset[str]:
    from alur.org.choices import RegionLevel
    from alur.org.models import Region

    return frozenset(
        Region.objects.filter(level=RegionLevel.PROVINCE).values_list("code", flat=True)
    )


def province_codes() -> frozenset[str]:
    """Codes of the provinces in the Region table, read once per process."""
    codes = _province_codes()
    if not codes:  # not loaded yet: do not remember an empty table
        _province_codes.cache_clear()
    return codes


def _today() -> date:
    return datetime.now(tz=_LOCAL).date()


def _full_year(yy: int, day: int, month: int, today: date) -> int:
    """The century that does not put the date in the future."""
    year = 2000 + yy
    try:
        if date(year, month, day) > today:
            year -= 100
    except ValueError:
        # 29 February of a year that is not leap in this century: try the other one.
        if year > today.year:
            year -= 100
    return year


def _structure(
    value: str, label: str, known_provinces: Collection[str] | None, result: NikCheck
) -> bool:
    digits = value.strip()
    result.value = digits
    if digits.isdigit() and not digits.isascii():
        result.errors.append(f"{label} harus ditulis dengan angka biasa 0–9 (16 angka).")
        return False
    if len(digits) != 16 or not digits.isascii() or not digits.isdigit():
        result.errors.append(f"{label} harus terdiri dari 16 angka.")
        return False
    result.province_code = digits[:2]
    result.regency_code = f"{digits[:2]}.{digits[2:4]}"
    result.district_code = f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}"
    result.serial = digits[12:]
    provinces = province_codes() if known_provinces is None else known_provinces
    if result.province_code not in provinces:
        result.errors.append(f"Kode provinsi {result.province_code} pada {label} tidak dikenal.")
    if result.serial == "0000":
        result.errors.append(f"Nomor urut {label} (4 angka terakhir) tidak boleh 0000.")
    return True


def _date_part(
    result: NikCheck, label: str, what: str, day: int, month: int, yy: int, today: date
) -> None:
    if not 1 <= day <= 31:
        result.errors.append(f"Tanggal {what} pada {label} tidak sah.")
        return
    if not 1 <= month <= 12:
        result.errors.append(f"Bulan {what} pada {label} tidak sah.")
        return
    year = _full_year(yy, day, month, today)
    try:
        result.birth_date = date(year, month, day)
    except ValueError:
        result.errors.append(f"Tanggal {what} pada {label} bukan tanggal yang ada.")


def check_nik(
    value: str,
    *,
    birth_date: date | None = None,
    sex: str | None = None,
    known_provinces: Collection[str] | None = None,
    today: date | None = None,
) -> NikCheck:
    """Check a NIK; compare it with the recorded `birth_date` and `sex` ("L"/"P") if given."""
    result = NikCheck(value=value)
    if not _structure(value, "NIK", known_provinces, result):
        return result
    digits = result.value
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    if day > FEMALE_DAY_OFFSET:
        result.sex = FEMALE
        day -= FEMALE_DAY_OFFSET
    elif 1 <= day <= 31:
        result.sex = MALE
    _date_part(result, "NIK", "lahir", day, month, yy, today or _today())
    if result.errors:
        return result
    if birth_date is not None and result.birth_date != birth_date:
        result.warnings.append(
            f"Tanggal lahir pada NIK ({result.birth_date:%d-%m-%Y}) berbeda dengan tanggal lahir "
            f"yang dicatat ({birth_date:%d-%m-%Y})."
        )
    if sex is not None and result.sex != sex:
        result.warnings.append(
            f"Jenis kelamin pada NIK ({SEX_LABELS[result.sex or MALE]}) berbeda dengan yang "
            f"dicatat ({SEX_LABELS.get(sex, sex)})."
        )
    return result


def check_kk(
    value: str,
    *,
    known_provinces: Collection[str] | None = None,
    today: date | None = None,
) -> NikCheck:
    """Check a No. KK: region(6), issue date DDMMYY (in `birth_date`), serial."""
    result = NikCheck(value=value)
    if not _structure(value, "No. KK", known_provinces, result):
        return result
    digits = result.value
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    _date_part(result, "No. KK", "terbit", day, month, yy, today or _today())
    return result
