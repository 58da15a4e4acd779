"""What S2c and S2d check before their card is made, at the step where the SOP checks it, so that
what is missing goes back to the applicant there instead of stopping the print later.

- S2c step 2 (`registry.check`, "Cek Data dan perekaman KTP-El"): the applicant's biometric
  record must be on the server. When the applicant is at the office, the operator records it now
  (the print form's "perekaman dilakukan sekarang"); when not, the SOP's "Tidak ditemukan" returns
  the case to the applicant, who is told to come for the recording.
  In `webservice` identity mode the step first needs the applicant's data checked against
  Dukcapil's database (`identity_verified`; the check itself is `views_identity`).
- S2d step 2 (`documents.precheck`, the officer's check of the files): a child of 5 or more
  needs the colour photo (the seed: "Foto (3x4) (untuk umur >5th)"); without it the files are
  incomplete and go back to the applicant.

The same rules are checked again when the card is printed (`check_replacement`, `check_kia`,
the document services' `card_check`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from alur.core.errors import DomainError
from alur.documents.entry_data import text
from alur.documents.forms import REPLACEMENT_REASONS
from alur.intake.models import Application
from alur.intake.selectors import application_of
from alur.org.backends import identity_backend
from alur.registry.identity import last_check
from alur.registry.models import Resident
from alur.registry.services.residents import biometrics_record
from alur.workflow.choices import Outcome
from alur.workflow.models import Case
from alur.workflow.services import StepContext

RECORD_NOW = "Pemohon hadir: perekaman biometrik KTP-el dilakukan sekarang"
MSG_NOT_RECORDED = (
    "Rekaman biometrik KTP-el {name} tidak ditemukan dalam server. Bila pemohon hadir, lakukan "
    "perekaman dan centang “{now}”; bila tidak, kembalikan kepada pemohon agar datang untuk "
    "perekaman."
)
MSG_NO_RESIDENT = "NIK {nik} tidak terdaftar di {office}; periksa NIK pemohon."
MSG_IDENTITY_FIRST = (
    "Cocokkan dulu data NIK {nik} dengan database kependudukan Dukcapil: isi dan kirim “Cek "
    "identitas” pada panel Data penduduk."
)
MSG_IDENTITY_FAILED = (
    "Data NIK {nik} belum terverifikasi Dukcapil: {message} Periksa lagi dengan data yang benar, "
    "atau kembalikan kepada pemohon."
)
MSG_PHOTO_BACK = " Berkas belum lengkap: kembalikan kepada pemohon dan centang “{label}”."
MSG_PHOTO = (
    "{name} berusia {age} tahun: pas foto berwarna anak wajib dilampirkan pada permohonan KIA "
    "(untuk anak usia 5 tahun ke atas)."
)
MSG_KIA_AGE = "{name} sudah berusia {age} tahun; KIA hanya untuk anak di bawah 17 tahun."
MSG_REASON = "Pilih alasan penggantian KTP-el: hilang, rusak atau perubahan data."


def applicant_resident(case: Case, nik: str = "") -> Resident | None:
    """The resident the case is for: the NIK the operator entered, else the applicant's."""
    application = application_of(case)
    nik = nik.strip() or (application.applicant_nik if application else "")
    if not nik:
        return None
    return Resident.objects.filter(nik=nik, office=case.office).first()


def identity_verified(case: Case, nik: str = "") -> None:
    """In `webservice` mode the step needs the applicant's NIK checked against Dukcapil's
    database, every element given matching (the panel's "Cek identitas", audited)."""
    application = application_of(case)
    nik = nik.strip() or (application.applicant_nik if application else "")
    result = last_check(case)
    if result is None or (nik and result.nik != nik):
        raise DomainError(MSG_IDENTITY_FIRST.format(nik=nik or "pemohon"), code="identity")
    if not result.ok:
        raise DomainError(
            MSG_IDENTITY_FAILED.format(nik=result.nik, message=result.message), code="identity"
        )


def on_registry_check(context: StepContext) -> None:
    """S2c: the biometric record must be on the server (or recorded now) before printing."""
    if context.outcome != Outcome.DONE or context.case.sop.code != "S2c":
        return
    nik = str(context.data.get("nik") or "")
    if identity_backend(context.case.office) == "webservice":
        identity_verified(context.case, nik)
    resident = applicant_resident(context.case, nik)
    if resident is None and identity_backend(context.case.office) == "webservice":
        return  # Dukcapil knows the resident; the office's register need not
    if resident is None:
        shown = nik or (getattr(application_of(context.case), "applicant_nik", "") or "(kosong)")
        raise DomainError(
            MSG_NO_RESIDENT.format(nik=shown, office=context.case.office), code="no_resident"
        )
    if resident.biometrics_recorded_at is not None:
        return
    if context.data.get("biometrics_now"):
        biometrics_record(resident=resident, actor=context.actor)
        return
    raise DomainError(
        MSG_NOT_RECORDED.format(name=resident.name, now=RECORD_NOW), code="biometrics"
    )


def _birth_date(application: Application) -> date | None:
    raw = (application.fields or {}).get("child_birth_date")
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def precheck_kia(case: Case) -> None:
    """S2d: a child of 5 or more needs the colour photo among the application's files."""
    application = application_of(case)
    if application is None:
        return  # a case started without an application (procedure tests)
    born = _birth_date(application)
    if born is None:
        child = Resident.objects.filter(
            nik=(application.fields or {}).get("child_nik", ""), office=case.office
        ).first()
        born = child.birth_date if child else None
    if born is None:
        return  # the print step checks the registered child again
    age = age_on(born, timezone.localdate())
    if age < 5 or application.attachments.filter(requirement="photo").exists():
        return
    from alur.intake.catalogue import service

    svc = service(application.service_code)
    photo = svc.requirement("photo") if svc else None
    name = (application.fields or {}).get("child_name") or application.applicant_name
    back = MSG_PHOTO_BACK.format(label=photo.label if photo else "Pas foto")
    raise DomainError(MSG_PHOTO.format(name=name, age=age) + back, code="photo")


def on_precheck(context: StepContext) -> None:
    if context.outcome == Outcome.DONE and context.case.sop.code == "S2d":
        precheck_kia(context.case)


def check_replacement(case: Case, resident: Resident, data: dict[str, Any]) -> dict[str, Any]:
    reason = text(data, "reason")
    if reason not in REPLACEMENT_REASONS:
        raise DomainError(MSG_REASON, code="reason")
    return {"reason": reason, "reason_label": REPLACEMENT_REASONS[reason]}


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def check_kia(case: Case, resident: Resident, data: dict[str, Any]) -> dict[str, Any]:
    age = age_on(resident.birth_date, timezone.localdate())
    if age >= 17:
        raise DomainError(MSG_KIA_AGE.format(name=resident.name, age=age), code="age")
    application = application_of(case)
    has_photo = (
        application is not None and application.attachments.filter(requirement="photo").exists()
    )
    if age >= 5 and not has_photo:
        raise DomainError(MSG_PHOTO.format(name=resident.name, age=age), code="photo")
    return {"age": age, "photo": has_photo}
