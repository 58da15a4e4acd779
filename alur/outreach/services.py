"""Every change of Dukcapil Siaga (S3): one transaction each, with its audit event.

- `referral_submit`: a partner's account refers a resident; the S3 case starts and step 1 (the
  partner's) is done with it. From the public form (`actor` None) the referral waits for a
  partner of the office to take it up (`referral_forward`).
- A referral must say how to find the resident (an address, a map point or a contact number),
  and the same person may not be referred twice while the first referral is not refused or
  cancelled: same NIK, or same name, birth date and village.
- `letters_require` / `letter_receive`: the supporting letters the officer found necessary.
- `visit_schedule` / `visit_record`: jemput bola; only the assigned officer records the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.intake.files import FileRejected, check_upload
from alur.intake.nik import check_nik
from alur.org.access import Capability, can, require
from alur.org.choices import PositionKind
from alur.org.models import Office, User
from alur.outreach.choices import Category, Channel, LetterKind, VisitResult
from alur.outreach.models import Referral, SupportingLetter, Visit
from alur.registry.services import biometrics_record, district_of
from alur.workflow import engine
from alur.workflow.choices import CaseStatus, TaskStatus
from alur.workflow.models import Case, Task
from alur.workflow.services import case_start, procedure, task_complete, task_reassign

SOP_CODE = "S3"
REFER_KEY = "outreach.refer"
VISIT_KEY = "outreach.visit"
ENDED = (CaseStatus.REJECTED, CaseStatus.CANCELLED)

MSG_UNFINDABLE = (
    "Rujukan belum dapat diproses: tidak ada cara menemukan penduduk tersebut. Isi alamat atau "
    "lokasi, titik peta (lintang dan bujur), atau nomor HP yang dapat dihubungi."
)
MSG_NAME = "Nama penduduk yang dirujuk wajib diisi (boleh nama panggilan bila tidak diketahui)."
MSG_REPORTER = "Nama pelapor wajib diisi."
MSG_CATEGORY = "Pilih kategori penduduk rentan (Permendagri 96/2019)."
MSG_NOT_ASSIGNED = (
    "Kunjungan ini ditugaskan kepada {officer}; hasil perekaman hanya dapat dicatat oleh "
    "petugas yang ditugaskan."
)
MSG_LETTERS_MISSING = (
    "Surat pendukung belum lengkap: {missing}. Catat surat yang sudah diterima pada halaman "
    "rujukan sebelum data penduduk didaftarkan."
)
PHONE = re.compile(r"^\+?[0-9][0-9 -]{6,18}$")


class DuplicateReferral(DomainError):
    """The same person is already referred; `existing` is that referral."""

    def __init__(self, existing: Referral) -> None:
        super().__init__(
            f"{existing.name} sudah dirujuk sebelumnya dengan nomor {existing.number} "
            f"({timezone.localtime(existing.submitted_at):%d-%m-%Y}). Lihat rujukan tersebut; "
            "tidak perlu merujuk lagi.",
            code="duplicate",
        )
        self.existing = existing

    @property
    def url(self) -> str:
        return reverse("outreach:detail", kwargs={"pk": self.existing.pk})


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


def _clean(data: ReferralInput) -> dict[str, Any]:
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


def _duplicate(office: Office, values: dict[str, Any]) -> Referral | None:
    same = Q()
    if values["nik"]:
        same |= Q(nik=values["nik"])
    if values["birth_date"] and values["village"]:
        same |= Q(
            name__iexact=values["name"],
            birth_date=values["birth_date"],
            village__iexact=values["village"],
        )
    if not same:
        return None
    live = Q(case__isnull=True) | ~Q(case__status__in=ENDED)
    return (
        Referral.objects.select_related("office")
        .filter(same, live, office=office)
        .order_by("pk")
        .first()
    )


def _is_partner(actor: User | None, office: Office) -> bool:
    return actor is not None and engine.holds(actor, office.pk, PositionKind.MITRA)


@transaction.atomic
def referral_create(
    *, office: Office, data: ReferralInput, actor: User | None, channel: str
) -> Referral:
    """Record a referral (no case yet). `actor` None: the public form."""
    if actor is not None:
        require(actor, Capability.REFER_RESIDENTS, office)
    if channel not in Channel.values:
        raise DomainError("Saluran rujukan tidak dikenal.")
    values = _clean(data)
    # One referral of a person at a time: serialise referrals of one office on its row.
    Office.objects.select_for_update().filter(pk=office.pk).first()
    existing = _duplicate(office, values)
    if existing is not None:
        raise DuplicateReferral(existing)
    referral = Referral.objects.create(
        office=office,
        channel=channel,
        referred_by=actor,
        submitted_at=timezone.now(),
        **values,
    )
    record(
        actor=actor,
        office=office,
        action="outreach.referral_create",
        obj=referral,
        after={"channel": channel, "category": referral.category, "name": referral.name},
    )
    return referral


def _start(referral: Referral, partner: User) -> Case:
    case = case_start(
        code=SOP_CODE,
        office=referral.office,
        subject=f"Dukcapil Siaga: {referral.name}",
        actor=partner,
    )
    task = case.tasks.get(step=procedure(case).first)
    task_complete(task=task, actor=partner, outcome="done", data={"referral": referral.pk})
    referral.refresh_from_db()
    return case


@transaction.atomic
def referral_submit(*, office: Office, data: ReferralInput, actor: User) -> Referral:
    """A partner refers a resident from their account: the S3 case starts with it."""
    if not _is_partner(actor, office):
        require(actor, Capability.REFER_RESIDENTS, office)
        raise DomainError("Rujukan lewat akun hanya untuk mitra kantor ini.", code="not_partner")
    referral = referral_create(office=office, data=data, actor=actor, channel=Channel.PARTNER)
    _start(referral, actor)
    return referral


@transaction.atomic
def referral_forward(*, referral: Referral, actor: User) -> Referral:
    """A partner takes up a referral that came from the public form: the S3 case starts."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("office")
        .get(pk=referral.pk)
    )
    if not _is_partner(actor, referral.office):
        raise DomainError("Hanya mitra kantor ini yang dapat meneruskan rujukan.", code="partner")
    if referral.case_id is not None:
        raise ConflictError(f"Rujukan {referral.number} sudah diteruskan.")
    _start(referral, actor)
    referral.refresh_from_db()
    return referral


def link_case(*, referral_id: Any, case: Case, actor: User | None) -> Referral:
    """Step 1 of S3: the referral becomes the case's. Runs inside the step's transition."""
    try:
        pk = int(referral_id)
    except (TypeError, ValueError):
        raise DomainError(
            "Isi data penduduk rentan yang dirujuk (formulir rujukan).", code="no_referral"
        ) from None
    referral = Referral.objects.select_for_update().filter(pk=pk, office=case.office).first()
    if referral is None:
        raise DomainError("Rujukan tidak ditemukan di kantor ini.", code="no_referral")
    if referral.case_id is not None and referral.case_id != case.pk:
        raise ConflictError(f"Rujukan {referral.number} sudah menjadi perkara lain.")
    referral.case = case
    referral.save(update_fields=["case"])
    record(
        actor=actor,
        office=case.office,
        action="outreach.referral_link",
        obj=referral,
        after={"case": case.reference},
    )
    return referral


def referral_of(case: Case) -> Referral | None:
    return Referral.objects.filter(case=case).select_related("office", "resident").first()


# --- supporting letters -----------------------------------------------------------------


def _staff(actor: User, office: Office | int) -> None:
    require(actor, Capability.HANDLE_CASES, office)


@transaction.atomic
def letters_require(*, referral: Referral, kinds: list[str], actor: User) -> list[SupportingLetter]:
    """The officer's finding: which supporting letters this resident needs. Letters no longer
    needed are dropped unless already received."""
    _staff(actor, referral.office_id)
    unknown = [k for k in kinds if k not in LetterKind.values]
    if unknown:
        raise DomainError("Jenis surat pendukung tidak dikenal.", code="letter_kind")
    now = timezone.now()
    current = {letter.kind: letter for letter in referral.letters.select_for_update()}
    for kind in set(kinds) - set(current):
        SupportingLetter.objects.create(
            referral=referral, kind=kind, requested_by=actor, requested_at=now
        )
    for kind, letter in current.items():
        if kind not in kinds and letter.received_at is None:
            letter.delete()
    record(
        actor=actor,
        office=referral.office,
        action="outreach.letters_require",
        obj=referral,
        before={"letters": sorted(current)},
        after={"letters": sorted(set(kinds))},
    )
    return list(referral.letters.all())


@transaction.atomic
def letter_receive(
    *,
    referral: Referral,
    kind: str,
    actor: User,
    upload: tuple[bytes, str, str] | None = None,
    note: str = "",
) -> SupportingLetter:
    """A needed supporting letter arrived (with its scan, when there is one)."""
    _staff(actor, referral.office_id)
    letter = referral.letters.select_for_update().filter(kind=kind).first()
    if letter is None:
        raise DomainError("Surat ini tidak tercatat sebagai surat yang diperlukan.", code="kind")
    if letter.received_at is not None:
        raise ConflictError(f"{letter.get_kind_display()} sudah tercatat diterima.")
    fields = ["received_at", "received_by", "note"]
    digest = None
    if upload is not None:
        try:
            checked = check_upload(upload[0], declared_mime=upload[1], filename=upload[2])
        except FileRejected as error:
            raise DomainError(error.reason, code="file") from error
        letter.file.save(f"surat.{checked.extension}", ContentFile(upload[0]), save=False)
        fields.append("file")
        digest = checked.sha256
    letter.received_at, letter.received_by, letter.note = timezone.now(), actor, note.strip()[:300]
    letter.save(update_fields=fields)
    record(
        actor=actor,
        office=referral.office,
        action="outreach.letter_receive",
        obj=referral,
        after={"kind": kind, "sha256": digest},
    )
    return letter


def letters_missing(referral: Referral) -> list[SupportingLetter]:
    return [letter for letter in referral.letters.all() if letter.received_at is None]


def require_letters(referral: Referral) -> None:
    missing = letters_missing(referral)
    if missing:
        names = ", ".join(letter.get_kind_display() for letter in missing)
        raise DomainError(MSG_LETTERS_MISSING.format(missing=names), code="letters")


# --- field visits -----------------------------------------------------------------------


def _visit_task(case: Case) -> Task | None:
    spec = procedure(case)
    steps = [s.number for s in spec.steps if VISIT_KEY in (s.form, s.action)]
    return (
        case.tasks.filter(step__in=steps, status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED))
        .order_by("pk")
        .first()
    )


@transaction.atomic
def visit_schedule(
    *,
    referral: Referral,
    when: datetime,
    officer: User,
    actor: User,
    address: str = "",
) -> Visit:
    """Schedule jemput bola and give the step to the recording officer (a superior's act)."""
    referral = (
        Referral.objects.select_for_update(of=("self",)).select_related("case").get(pk=referral.pk)
    )
    require(actor, Capability.PARAF, referral.office)
    if referral.case is None:
        raise DomainError("Rujukan ini belum menjadi perkara.", code="no_case")
    task = _visit_task(referral.case)
    if task is None:
        raise DomainError("Langkah jemput bola perkara ini belum terbuka.", code="step")
    if timezone.is_naive(when):
        raise ValueError("`when` must be timezone-aware")
    place = address.strip() or referral.address
    if not place:
        raise DomainError("Isi alamat kunjungan.", code="address")
    if referral.visits.filter(result="").exists():
        raise ConflictError("Masih ada kunjungan yang belum dicatat hasilnya.")
    task_reassign(task=task, to_user=officer, actor=actor, reason="Jadwal jemput bola")
    visit = Visit.objects.create(
        referral=referral,
        scheduled_for=when,
        address=place[:300],
        officer=officer,
        scheduled_by=actor,
        scheduled_at=timezone.now(),
    )
    record(
        actor=actor,
        office=referral.office,
        action="outreach.visit_schedule",
        obj=visit,
        after={"officer": officer.pk, "scheduled_for": when, "address": visit.address},
    )
    return visit


@transaction.atomic
def visit_record(*, visit: Visit, actor: User, result: str, note: str = "") -> Visit:
    """The assigned officer records what came of the visit. Biometrics recorded: the resident's
    recording is registered and the jemput bola step is done. Otherwise the visit is closed and
    the Kasi schedules another."""
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("referral", "officer")
        .get(pk=visit.pk)
    )
    referral = visit.referral
    if actor.pk != visit.officer_id:
        raise DomainError(
            MSG_NOT_ASSIGNED.format(officer=visit.officer.get_full_name()), code="not_assigned"
        )
    _staff(actor, referral.office_id)
    if visit.recorded_at is not None:
        raise ConflictError("Hasil kunjungan ini sudah dicatat.")
    if result not in VisitResult.values:
        raise DomainError("Pilih hasil kunjungan.", code="result")
    if result != VisitResult.RECORDED and not note.strip():
        raise DomainError("Tuliskan keterangan mengapa perekaman tidak berhasil.", code="note")
    visit.result, visit.result_note, visit.recorded_at = result, note.strip(), timezone.now()
    visit.save(update_fields=["result", "result_note", "recorded_at"])
    record(
        actor=actor,
        office=referral.office,
        action="outreach.visit_record",
        obj=visit,
        after={"result": result},
        reason=visit.result_note,
    )
    if result == VisitResult.RECORDED:
        if referral.resident is None:
            raise DomainError("Penduduk belum terdaftar; NIK belum ada.", code="no_resident")
        biometrics_record(resident=referral.resident, actor=actor)
        task = _visit_task(referral.case) if referral.case else None
        if task is not None:
            task_complete(task=task, actor=actor, outcome="done", data={"visit": visit.pk})
    return visit


def check_visit_done(case: Case, actor: User | None) -> None:
    """The jemput bola step is done only by the assigned officer's recorded visit."""
    referral = referral_of(case)
    if referral is None:
        raise DomainError("Perkara ini tidak memiliki rujukan.", code="no_referral")
    visit = referral.visits.filter(result=VisitResult.RECORDED).order_by("-recorded_at").first()
    if visit is None:
        raise DomainError(
            "Belum ada kunjungan dengan perekaman berhasil; jadwalkan jemput bola dan catat "
            "hasilnya.",
            code="no_visit",
        )
    if actor is None or actor.pk != visit.officer_id:
        raise DomainError(
            MSG_NOT_ASSIGNED.format(officer=visit.officer.get_full_name()), code="not_assigned"
        )


def may_view(user: Any, referral: Referral) -> bool:
    return can(user, Capability.HANDLE_CASES, referral.office) or can(
        user, Capability.REFER_RESIDENTS, referral.office
    )
