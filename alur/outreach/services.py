"""Every change of Dukcapil Siaga (S3): one transaction each, with its audit event.

- `referral_submit`: a partner's account refers a resident; the S3 case starts and step 1 (the
  partner's) is done with it. From the public form (`actor` None) the referral waits for a
  partner of the office to take it up (`referral_forward`).
- A referral must say how to find the resident (an address, a map point or a contact number),
  and the same person may not be referred twice while the first referral is not refused or
  cancelled: same NIK, or same name, birth date and village.
- `letters_require` / `letter_receive`: the supporting letters the officer found necessary.
- `letters_chase` / `letter_send`: the Kasi asks the referring partner for the letters still
  missing; the partner sends them from the referral's page (the SOP's "komunikasi ke pemohon").
- `referral_verify`: the Kasi's verification (step 3), refused while a letter is missing.
- `visit_schedule` / `visit_record`: jemput bola; the recording officer schedules their own
  visit (or a superior assigns one), and only the assigned officer records the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.core.uploads import FileRejected, check_upload
from alur.intake.nik import check_nik
from alur.org.access import Capability, can, require
from alur.org.choices import PositionKind
from alur.org.models import Office, User
from alur.outreach.choices import Category, Channel, LetterKind, VisitResult
from alur.outreach.models import Referral, SupportingLetter, Visit
from alur.registry.inputs import district_of
from alur.registry.services.residents import biometrics_record
from alur.workflow import engine
from alur.workflow.choices import CaseStatus, TaskStatus
from alur.workflow.models import Case, Notification, Task
from alur.workflow.services import (
    case_cancel,
    case_start,
    procedure,
    task_claim,
    task_complete,
    task_reassign,
)

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
MSG_VERIFY_MISSING = (
    "Berkas belum dapat diverifikasi: surat pendukung belum lengkap ({missing}). Catat surat "
    "yang sudah diterima, atau minta kepada mitra yang merujuk."
)
MSG_NOT_OWN = "Rujukan ini bukan rujukan Anda; surat hanya dapat dikirim oleh mitra yang merujuk."
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


@transaction.atomic
def referral_close(*, referral: Referral, actor: User, reason: str) -> Referral:
    """The officer confirming a referral finds it needs nothing from the office (the resident
    already has documents elsewhere, or cannot be helped by Dukcapil): the case is cancelled
    with the reason and the partner is told. The SOP refuses nothing, so this is no step
    outcome; only the one who holds the open confirmation step may close it."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("office", "case", "referred_by")
        .get(pk=referral.pk)
    )
    if referral.case is None or referral.case.status not in (CaseStatus.OPEN, CaseStatus.WAITING):
        raise ConflictError("Rujukan ini tidak sedang diproses.")
    text = reason.strip()[:500]
    if not text:
        raise DomainError("Tuliskan alasan rujukan ditutup (disampaikan kepada mitra).")
    spec = procedure(referral.case)
    confirm = [s.number for s in spec.steps if s.form == "intake.requirements"]
    task = referral.case.tasks.filter(
        step__in=confirm, status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED)
    ).first()
    if task is None:
        raise DomainError(
            "Rujukan hanya dapat ditutup saat petugas mengonfirmasinya (langkah pertama petugas)."
        )
    task_claim(task=task, actor=actor)  # only one who holds the open step closes it
    case_cancel(case=referral.case, actor=actor, reason=f"Rujukan ditutup: {text}")
    partner = partner_of(referral)
    if partner is not None:
        Notification.objects.create(
            user=partner,
            office=referral.office,
            kind="outreach.closed",
            message=f"Rujukan {referral.number} ({referral.name}) ditutup oleh Disdukcapil: {text}",
            created_at=timezone.now(),
        )
    record(
        actor=actor,
        office=referral.office,
        action="outreach.referral_close",
        obj=referral,
        reason=text,
        after={"case": referral.case.reference},
    )
    return referral


def referral_of(case: Case) -> Referral | None:
    return Referral.objects.filter(case=case).select_related("office", "resident").first()


def partner_of(referral: Referral) -> User | None:
    """The partner who answers for the referral: who referred it from their account, or who
    took up a referral of the public form (and so started its case)."""
    if referral.referred_by_id is not None:
        return referral.referred_by
    if referral.case_id is not None and referral.case.started_by_id is not None:
        return referral.case.started_by
    return None


def is_own(user: Any, referral: Referral) -> bool:
    partner = partner_of(referral)
    return partner is not None and getattr(user, "pk", None) == partner.pk


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
        digest = _store(letter, upload)
        fields.append("file")
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


def _names(letters: list[SupportingLetter]) -> str:
    return ", ".join(letter.get_kind_display() for letter in letters)


def require_letters(referral: Referral) -> None:
    missing = letters_missing(referral)
    if missing:
        raise DomainError(MSG_LETTERS_MISSING.format(missing=_names(missing)), code="letters")


def _store(letter: SupportingLetter, upload: tuple[bytes, str, str]) -> str:
    try:
        checked = check_upload(upload[0], declared_mime=upload[1], filename=upload[2])
    except FileRejected as error:
        raise DomainError(error.reason, code="file") from error
    letter.file.save(f"surat.{checked.extension}", ContentFile(upload[0]), save=False)
    return checked.sha256


@transaction.atomic
def letters_chase(*, referral: Referral, actor: User, note: str = "") -> list[SupportingLetter]:
    """The Kasi asks the referring partner for the letters still missing: a notice to the
    partner naming them, and the letters marked as asked for."""
    _staff(actor, referral.office_id)
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("office", "case", "referred_by")
        .get(pk=referral.pk)
    )
    missing = letters_missing(referral)
    if not missing:
        raise DomainError("Semua surat pendukung sudah diterima; tidak ada yang perlu diminta.")
    partner = partner_of(referral)
    if partner is None:
        raise DomainError(
            "Rujukan ini tidak memiliki mitra yang dapat dihubungi lewat Alur; hubungi pelapor "
            f"({referral.reporter_name}) secara langsung.",
            code="no_partner",
        )
    now = timezone.now()
    note = note.strip()[:300]
    message = (
        f"Disdukcapil meminta surat pendukung untuk rujukan {referral.number} ({referral.name}): "
        f"{_names(missing)}. Kirim lewat halaman rujukan di menu Rujukan penduduk rentan."
        + (f" Catatan: {note}" if note else "")
    )
    Notification.objects.create(
        user=partner,
        office=referral.office,
        kind="outreach.letters",
        message=message,
        created_at=now,
    )
    SupportingLetter.objects.filter(pk__in=[letter.pk for letter in missing]).update(chased_at=now)
    record(
        actor=actor,
        office=referral.office,
        action="outreach.letters_chase",
        obj=referral,
        after={"letters": sorted(letter.kind for letter in missing), "partner": partner.pk},
        reason=note,
    )
    return list(referral.letters.all())


@transaction.atomic
def letter_send(
    *, referral: Referral, kind: str, actor: User, upload: tuple[bytes, str, str] | None
) -> SupportingLetter:
    """The referring partner sends a supporting letter the office needs (its scan)."""
    require(actor, Capability.REFER_RESIDENTS, referral.office)
    if not is_own(actor, referral):
        raise PermissionDenied(MSG_NOT_OWN)
    letter = referral.letters.select_for_update().filter(kind=kind).first()
    if letter is None:
        raise DomainError("Surat ini tidak tercatat sebagai surat yang diperlukan.", code="kind")
    if letter.received_at is not None:
        raise ConflictError(f"{letter.get_kind_display()} sudah tercatat diterima.")
    if upload is None:
        raise DomainError(f"Pilih berkas (foto atau PDF) {letter.get_kind_display()}.", code="file")
    digest = _store(letter, upload)
    letter.received_at, letter.received_by = timezone.now(), actor
    letter.note = "Dikirim mitra lewat Alur"
    letter.save(update_fields=["file", "received_at", "received_by", "note"])
    record(
        actor=actor,
        office=referral.office,
        action="outreach.letter_send",
        obj=referral,
        after={"kind": kind, "sha256": digest},
    )
    return letter


def _verify_step(case: Case) -> int | None:
    """The Kasi's verification: the first `review.decide` step before the registration."""
    spec = procedure(case)
    enter = next((s.number for s in spec.steps if s.form == "documents.enter"), None)
    for step in spec.steps:
        if step.form == "review.decide" and (enter is None or step.number < enter):
            return step.number
    return None


def is_verify_step(case: Case, number: int) -> bool:
    return case.sop.code == SOP_CODE and _verify_step(case) == number


@transaction.atomic
def referral_verify(*, referral: Referral, actor: User, note: str = "") -> Task:
    """Step 3: the Kasi has the supporting letters the officer found necessary and passes the
    file on. Refused, with the letters named, while one is missing."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("office", "case")
        .get(pk=referral.pk)
    )
    if referral.case is None:
        raise DomainError("Rujukan ini belum menjadi perkara.", code="no_case")
    number = _verify_step(referral.case)
    task = (
        referral.case.tasks.filter(
            step=number, status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED)
        ).first()
        if number is not None
        else None
    )
    if task is None:
        raise DomainError("Verifikasi berkas rujukan ini tidak sedang menunggu.", code="step")
    missing = letters_missing(referral)
    if missing:
        raise DomainError(MSG_VERIFY_MISSING.format(missing=_names(missing)), code="letters")
    return task_complete(task=task, actor=actor, outcome="done", reason=note.strip()[:500])


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
    """Schedule jemput bola. The recording officer schedules their own visit (and takes the
    step); a superior (who may initial) gives it to any recording officer."""
    referral = (
        Referral.objects.select_for_update(of=("self",)).select_related("case").get(pk=referral.pk)
    )
    superior = can(actor, Capability.PARAF, referral.office)
    if not superior:
        _staff(actor, referral.office_id)
    if referral.case is None:
        raise DomainError("Rujukan ini belum menjadi perkara.", code="no_case")
    task = _visit_task(referral.case)
    if task is None:
        raise DomainError("Langkah jemput bola perkara ini belum terbuka.", code="step")
    if not superior and (
        officer.pk != actor.pk or not engine.holds(actor, task.office_id, task.position_kind)
    ):
        raise PermissionDenied(
            "Anda hanya dapat menjadwalkan kunjungan Anda sendiri sebagai petugas perekaman; "
            "penugasan petugas lain dilakukan oleh Kasi."
        )
    if timezone.is_naive(when):
        raise ValueError("`when` must be timezone-aware")
    place = address.strip() or referral.address
    if not place:
        raise DomainError("Isi alamat kunjungan.", code="address")
    if referral.visits.filter(result="").exists():
        raise ConflictError("Masih ada kunjungan yang belum dicatat hasilnya.")
    if superior:
        task_reassign(task=task, to_user=officer, actor=actor, reason="Jadwal jemput bola")
    else:
        task_claim(task=task, actor=actor)
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
