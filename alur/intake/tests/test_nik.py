from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alur.intake.nik import FEMALE, MALE, check_kk, check_nik, province_codes

PROVINCES = frozenset({"18", "19", "13", "31"})
TODAY = date(2026, 11, 23)


def nik(
    *,
    region: str = "180801",
    day: int = 17,
    month: int = 8,
    yy: int = 90,
    serial: int = 1,
    female: bool = False,
) -> str:
    return f"{region}{day + (40 if female else 0):02d}{month:02d}{yy:02d}{serial:04d}"


def check(value: str, **kwargs: Any) -> object:
    return check_nik(value, known_provinces=PROVINCES, today=TODAY, **kwargs)


@given(
    province=st.sampled_from(sorted(PROVINCES)),
    rest=st.from_regex(r"\A[0-9]{4}\Z"),
    born=st.dates(min_value=date(1927, 1, 1), max_value=TODAY),
    sex=st.sampled_from([MALE, FEMALE]),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_every_valid_nik_passes_and_round_trips(
    province: str, rest: str, born: date, sex: str, serial: int
) -> None:
    value = nik(
        region=province + rest,
        day=born.day,
        month=born.month,
        yy=born.year % 100,
        serial=serial,
        female=sex == FEMALE,
    )
    result = check_nik(value, birth_date=born, sex=sex, known_provinces=PROVINCES, today=TODAY)
    assert result.errors == []
    assert result.warnings == []
    assert result.birth_date == born
    assert result.sex == sex
    assert result.province_code == province
    assert result.regency_code == f"{province}.{rest[:2]}"
    assert result.district_code == f"{province}.{rest[:2]}.{rest[2:]}"


def test_parses_a_woman_born_in_this_century() -> None:
    result = check(nik(day=5, month=3, yy=21, female=True))
    assert result.errors == []
    assert result.sex == FEMALE
    assert result.birth_date == date(2021, 3, 5)


def test_a_two_digit_year_never_lands_in_the_future() -> None:
    assert check(nik(day=24, month=11, yy=26)).birth_date == date(1926, 11, 24)
    assert check(nik(day=23, month=11, yy=26)).birth_date == date(2026, 11, 23)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("18080117089", "16 angka"),
        ("18080117089000012", "16 angka"),
        ("18080117O8900001", "16 angka"),
        ("９９０８０１１７０８９０００１"[:16], "16 angka"),
        (nik(region="990801"), "Kode provinsi 99"),
        (nik(day=0), "Tanggal lahir"),
        (nik(day=32), "Tanggal lahir"),
        (nik(day=40), "Tanggal lahir"),
        (nik(day=32, female=True), "Tanggal lahir"),
        (nik(month=0), "Bulan lahir"),
        (nik(month=13), "Bulan lahir"),
        (nik(day=30, month=2), "bukan tanggal yang ada"),
        (nik(day=29, month=2, yy=23), "bukan tanggal yang ada"),
        (nik(serial=0), "tidak boleh 0000"),
    ],
)
def test_each_broken_rule_gives_its_error(value: str, message: str) -> None:
    result = check(value)
    assert not result.is_valid
    assert any(message in error for error in result.errors), result.errors


def test_leap_day_is_a_real_date() -> None:
    assert check(nik(day=29, month=2, yy=24)).birth_date == date(2024, 2, 29)
    assert check(nik(day=29, month=2, yy=0)).birth_date == date(2000, 2, 29)


def test_a_mismatch_with_the_record_is_a_warning_not_an_error() -> None:
    result = check(nik(day=17, month=8, yy=90), birth_date=date(1990, 8, 18), sex=FEMALE)
    assert result.errors == []
    assert len(result.warnings) == 2
    assert "Tanggal lahir pada NIK (17-08-1990)" in result.warnings[0]
    assert "laki-laki" in result.warnings[1]


def test_check_kk() -> None:
    good = check_kk("1808011503150002", known_provinces=PROVINCES, today=TODAY)
    assert good.errors == []
    assert good.birth_date == date(2015, 3, 15)
    assert good.sex is None
    assert check_kk("1808015503150002", known_provinces=PROVINCES, today=TODAY).errors
    assert check_kk("1808011503150000", known_provinces=PROVINCES, today=TODAY).errors
    assert check_kk("123", known_provinces=PROVINCES, today=TODAY).errors
    assert check_kk("9908011503150002", known_provinces=PROVINCES, today=TODAY).errors


@pytest.mark.django_db
def test_province_codes_come_from_the_region_table() -> None:
    codes = province_codes()
    assert {"18", "19", "13"} <= codes
    assert "99" not in codes
    assert check_nik(nik()).errors == []
