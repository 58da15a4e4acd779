"""The register of record, behind one port with two backends (`alur.org.backends.
registry_backend(office)`):

- `standalone`: Alur keeps the office's register and issues its numbers itself (`numbers.py`:
  NIK, No. KK; `alur.documents.numbering`: the akta/SKPWNI register numbers). For the demo,
  training, and an office without SIAK.
- `siak`: SIAK Terpusat is the register of record. The operator enters the resident or family
  in SIAK, SIAK issues the NIK, the No. KK and the register number, and the operator records
  them in Alur. Alur never makes one up: the generators refuse (`refuse_in_siak`), and what the
  operator types is checked here before it is kept: structure (16 ASCII digits, known province,
  real date, serial not 0000), region (a new NIK or No. KK carries the kecamatan of the resident
  or family, in the office's kab/kota), a new NIK's birth date and sex matching the data, and no
  other resident or family already holding it.

What SIAK's side does beyond the numbers it prints (how a number is reserved, corrected or
voided in SIAK) is not public and stays outside Alur: a correction here records the number SIAK
shows after the operator corrected it there."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import DomainError
from alur.intake.nik import check_kk, check_nik
from alur.org.backends import registry_backend
from alur.org.models import Office, User
from alur.registry.inputs import regency_of
from alur.registry.models import Family, Resident

MSG_SIAK_ISSUES = (
    "{what} diterbitkan oleh SIAK, bukan oleh Alur: kantor ini memakai SIAK sebagai register "
    "kependudukan. Entri datanya di SIAK, lalu catat {what} yang diterbitkan SIAK."
)
MSG_MISSING = "Isi {what} yang diterbitkan SIAK."
MSG_REGION = (
    "{what} {number} memuat kode kecamatan {found}, padahal {whose} tercatat di kecamatan "
    "{expected}. Periksa lagi angka yang diterbitkan SIAK."
)
MSG_OTHER_REGENCY = (
    "{what} {number} memuat kode kabupaten/kota {found}; SIAK kantor ini menerbitkan nomor "
    "wilayah {expected}."
)
MSG_NIK_TAKEN = "NIK {nik} sudah terdaftar atas nama {name}; periksa lagi NIK dari SIAK."
MSG_KK_TAKEN = (
    "No. KK {no_kk} sudah terdaftar untuk keluarga {name}; periksa lagi No. KK dari SIAK."
)
MSG_KK_EARLY = (
    "Tanggal terbit pada No. KK {no_kk} ({day:%d-%m-%Y}) sebelum permohonan diterima "
    "({since:%d-%m-%Y}); No. KK baru diterbitkan SIAK untuk permohonan ini."
)


def is_siak(office: Office | None) -> bool:
    """Whether SIAK is the register of record of `office` (it issues the numbers)."""
    return registry_backend(office) == "siak"


def refuse_in_siak(office: Office | None, what: str, *, code: str = "siak_issues") -> None:
    """Refuse to make up `what` (a NIK, a No. KK, a register number) in an office on SIAK."""
    if is_siak(office):
        raise DomainError(MSG_SIAK_ISSUES.format(what=what), code=code)


def _regency(office: Office) -> str:
    return office.region_id or office.code


def _region_checked(
    *, what: str, number: str, found: str, expected: str, office: Office, whose: str, code: str
) -> None:
    if regency_of(found) != _regency(office):
        raise DomainError(
            MSG_OTHER_REGENCY.format(
                what=what, number=number, found=regency_of(found), expected=_regency(office)
            ),
            code=code,
        )
    if found != expected.strip():
        raise DomainError(
            MSG_REGION.format(
                what=what, number=number, found=found, whose=whose, expected=expected.strip()
            ),
            code=code,
        )


def siak_nik_check(
    nik: str,
    *,
    office: Office,
    district_code: str,
    birth_date: date,
    sex: str,
    holder: Resident | None = None,
    code: str = "siak_nik",
    today: date | None = None,
) -> str:
    """The NIK SIAK issued to a new resident of kecamatan `district_code` born on `birth_date`
    of sex `sex`, checked; refused (about `code`) with the reason in Bahasa Indonesia. `holder`:
    the resident it is for (a correction), who may already hold it."""
    nik = nik.strip()
    if not nik:
        raise DomainError(MSG_MISSING.format(what="NIK"), code=code)
    check = check_nik(nik, today=today or timezone.localdate())
    if not check.is_valid:
        raise DomainError(" ".join(check.errors), code=code)
    _region_checked(
        what="NIK",
        number=nik,
        found=check.district_code,
        expected=district_code,
        office=office,
        whose="penduduk ini",
        code=code,
    )
    strict = check_nik(nik, birth_date=birth_date, sex=sex, today=today or timezone.localdate())
    if strict.warnings:  # a NIK SIAK has just issued encodes the data it was issued for
        raise DomainError(
            " ".join(strict.warnings) + " NIK baru dari SIAK harus sesuai dengan data ini.",
            code=code,
        )
    others = Resident.objects.filter(nik=nik)
    if holder is not None:
        others = others.exclude(pk=holder.pk)
    other = others.first()
    if other is not None:
        raise DomainError(MSG_NIK_TAKEN.format(nik=nik, name=other.name), code=code)
    return nik


def siak_no_kk_check(
    no_kk: str,
    *,
    office: Office,
    district_code: str,
    family: Family | None = None,
    code: str = "siak_no_kk",
    today: date | None = None,
    not_before: date | None = None,
) -> str:
    """The No. KK SIAK issued to a new family of kecamatan `district_code`, checked; refused
    (about `code`). `family`: the family it is for (a correction), which may already hold it.
    `not_before`: the day the application came in (a KK issued for it is not older)."""
    no_kk = no_kk.strip()
    today = today or timezone.localdate()
    if not no_kk:
        raise DomainError(MSG_MISSING.format(what="No. KK"), code=code)
    check = check_kk(no_kk, today=today)
    if not check.is_valid:
        raise DomainError(" ".join(check.errors), code=code)
    issued = check.birth_date  # DDMMYY read as a day not after today (check_kk)
    if issued is not None and not_before is not None and issued < not_before:
        raise DomainError(MSG_KK_EARLY.format(no_kk=no_kk, day=issued, since=not_before), code=code)
    _region_checked(
        what="No. KK",
        number=no_kk,
        found=check.district_code,
        expected=district_code,
        office=office,
        whose="alamat KK ini",
        code=code,
    )
    others = Family.objects.filter(no_kk=no_kk).select_related("head")
    if family is not None:
        others = others.exclude(pk=family.pk)
    other = others.first()
    if other is not None:
        raise DomainError(MSG_KK_TAKEN.format(no_kk=no_kk, name=other.head.name), code=code)
    return no_kk


@transaction.atomic
def resident_nik_correct(
    *, resident: Resident, nik: str, actor: User | None, reason: str
) -> Resident:
    """Record the NIK SIAK shows for `resident` after the operator corrected a mistyped one
    (SIAK mode only: a NIK Alur issued itself never changes)."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if nik.strip() == resident.nik:
        return resident  # unchanged: a corrected birth date or sex keeps its NIK
    if not is_siak(resident.office):
        raise DomainError("NIK penduduk tidak dapat diubah.", code="siak_nik")
    nik = siak_nik_check(
        nik,
        office=resident.office,
        district_code=resident.district_id,
        birth_date=resident.birth_date,
        sex=resident.sex,
        holder=resident,
    )
    before = resident.nik
    resident.nik, resident.updated_at = nik, timezone.now()
    resident.save(update_fields=["nik", "updated_at"])
    record(
        actor=actor,
        office=resident.office,
        action="registry.siak_nik_correct",
        obj=resident,
        before={"nik": before},
        after={"nik": nik},
        reason=reason,
    )
    return resident


@transaction.atomic
def family_no_kk_correct(*, family: Family, no_kk: str, actor: User | None, reason: str) -> Family:
    """Record the No. KK SIAK shows for a new `family` after a mistyped one was corrected."""
    family = Family.objects.select_for_update().get(pk=family.pk)
    if not is_siak(family.office):
        raise DomainError("No. KK tidak dapat diubah.", code="siak_no_kk")
    no_kk = siak_no_kk_check(
        no_kk, office=family.office, district_code=family.district_id, family=family
    )
    if no_kk == family.no_kk:
        return family
    before = family.no_kk
    family.no_kk = no_kk
    family.save(update_fields=["no_kk"])
    record(
        actor=actor,
        office=family.office,
        action="registry.siak_no_kk_correct",
        obj=family,
        before={"no_kk": before},
        after={"no_kk": no_kk},
        reason=reason,
    )
    return family
