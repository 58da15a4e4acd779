"""What a form or a channel gives for a resident and an address: the dataclasses, their checks,
and how they are copied onto a `Resident` or a `Family`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from alur.core.errors import DomainError
from alur.org.choices import RegionLevel
from alur.org.models import Region
from alur.registry.choices import Citizenship, MaritalStatus, Sex
from alur.registry.models import Family, Resident


@dataclass
class AddressInput:
    address: str
    district_code: str  # the kecamatan, e.g. "18.72.01"
    rt: str = ""
    rw: str = ""
    village: str = ""
    postal_code: str = ""


@dataclass
class ResidentInput:
    name: str
    sex: str
    birth_place: str
    birth_date: date
    home: AddressInput
    religion: str = ""
    marital_status: str = MaritalStatus.SINGLE
    education: str = ""
    occupation: str = ""
    citizenship: str = Citizenship.WNI
    mother_name: str = ""
    father_name: str = ""
    nik: str = ""  # empty: a new NIK is generated
    extra: dict[str, str] = field(default_factory=dict)


def district_of(code: str) -> Region:
    region = Region.objects.filter(code=code.strip(), level=RegionLevel.DISTRICT).first()
    if region is None:
        raise DomainError(f"Kode kecamatan {code!r} tidak dikenal.", code="district")
    return region


def regency_of(code: str) -> str:
    """ "18.72" of a kab/kota or kecamatan code "18.72.01"."""
    return ".".join(code.strip().split(".")[:2])


def clean_resident(data: ResidentInput, today: date) -> None:
    if not data.name.strip():
        raise DomainError("Nama lengkap wajib diisi.", code="name")
    if data.sex not in Sex.values:
        raise DomainError("Pilih jenis kelamin.", code="sex")
    if not data.birth_place.strip():
        raise DomainError("Tempat lahir wajib diisi.", code="birth_place")
    if data.birth_date > today:
        raise DomainError("Tanggal lahir tidak boleh di masa depan.", code="birth_date")
    if not data.home.address.strip():
        raise DomainError("Alamat wajib diisi.", code="address")


def apply_resident(resident: Resident, data: ResidentInput) -> None:
    resident.name = " ".join(data.name.split()).upper()
    resident.sex = data.sex
    resident.birth_place = data.birth_place.strip().upper()
    resident.birth_date = data.birth_date
    resident.religion = data.religion
    resident.marital_status = data.marital_status or MaritalStatus.SINGLE
    resident.education = data.education
    resident.occupation = data.occupation.strip()
    resident.citizenship = data.citizenship or Citizenship.WNI
    resident.mother_name = " ".join(data.mother_name.split()).upper()
    resident.father_name = " ".join(data.father_name.split()).upper()
    apply_address(resident, data.home)


def apply_address(row: Resident | Family, home: AddressInput) -> None:
    row.address = home.address.strip()
    row.rt, row.rw = home.rt.strip(), home.rw.strip()
    row.village = home.village.strip().upper()
    row.district = district_of(home.district_code)
    row.postal_code = home.postal_code.strip()
