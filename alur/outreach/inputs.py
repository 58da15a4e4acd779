"""What a referral gives (`ReferralInput`), checked and cleaned into the values of its row: a
referral must say how to find the resident (an address, a map point or a contact number)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from alur.core.errors import DomainError
from alur.intake.nik import check_nik
from alur.outreach.choices import Category
from alur.registry.inputs import district_of

MSG_UNFINDABLE = (
    "Rujukan belum dapat diproses: tidak ada cara menemukan penduduk tersebut. Isi alamat atau "
    "lokasi, titik peta (lintang dan bujur), atau nomor HP yang dapat dihubungi."
)

MSG_NAME = "Nama penduduk yang dirujuk wajib diisi (boleh nama panggilan bila tidak diketahui)."

MSG_REPORTER = "Nama pelapor wajib diisi."

MSG_CATEGORY = "Pilih kategori penduduk rentan (Permendagri 96/2019)."

PHONE = re.compile(r"^\+?[0-9][0-9 -]{6,18}$")


@dataclass
class ReferralInput:
    reporter_name: str
    name: str
    category: str
    reporter_phone: str = ""
    reporter_org: str = ""
    nik: str = ""
    sex: str = ""
    birth_place: str = ""
    birth_date: date | None = None
    address: str = ""
    village: str = ""
    district_code: str = ""
    latitude: Any = None
    longitude: Any = None
    contact_name: str = ""
    contact_phone: str = ""
    notes: str = ""


def _coordinate(value: Any, low: int, high: int, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", ".")).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise DomainError(f"{label} harus berupa angka desimal.", code="coordinates") from None
    if not low <= number <= high:
        raise DomainError(f"{label} di luar jangkauan ({low} sampai {high}).", code="coordinates")
    return number


def _phone(value: str, label: str) -> str:
    value = value.strip()
    if value and not PHONE.match(value):
        raise DomainError(f"{label} tidak sah.", code="phone")
    return value


def clean_referral(data: ReferralInput) -> dict[str, Any]:
    if not data.reporter_name.strip():
        raise DomainError(MSG_REPORTER, code="reporter_name")
    if not data.name.strip():
        raise DomainError(MSG_NAME, code="name")
    if data.category not in Category.values:
        raise DomainError(MSG_CATEGORY, code="category")
    nik = data.nik.strip()
    if nik:
        check = check_nik(nik, birth_date=data.birth_date)
        if not check.is_valid:
            raise DomainError(" ".join(check.errors), code="nik")
    if data.birth_date and data.birth_date > timezone.localdate():
        raise DomainError("Tanggal lahir tidak boleh di masa depan.", code="birth_date")
    latitude = _coordinate(data.latitude, -90, 90, "Lintang")
    longitude = _coordinate(data.longitude, -180, 180, "Bujur")
    if (latitude is None) != (longitude is None):
        raise DomainError("Isi lintang dan bujur bersama-sama.", code="coordinates")
    contact_phone = _phone(data.contact_phone, "Nomor HP kontak")
    if not (data.address.strip() or latitude is not None or contact_phone):
        raise DomainError(MSG_UNFINDABLE, code="unfindable")
    return {
        "reporter_name": data.reporter_name.strip()[:150],
        "reporter_phone": _phone(data.reporter_phone, "Nomor HP pelapor"),
        "reporter_org": data.reporter_org.strip()[:150],
        "name": " ".join(data.name.split()).upper()[:150],
        "nik": nik,
        "sex": data.sex if data.sex in ("L", "P") else "",
        "birth_place": data.birth_place.strip()[:100],
        "birth_date": data.birth_date,
        "category": data.category,
        "address": data.address.strip()[:300],
        "village": " ".join(data.village.split()).upper()[:100],
        "district": district_of(data.district_code) if data.district_code.strip() else None,
        "latitude": latitude,
        "longitude": longitude,
        "contact_name": data.contact_name.strip()[:150],
        "contact_phone": contact_phone,
        "notes": data.notes.strip()[:2000],
    }
