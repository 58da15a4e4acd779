"""The supporting letters of a referral: required by the officer, received, asked of the
referring partner and sent by them; and the Kasi's verification, refused while one is missing."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.core.uploads import FileRejected, check_upload
from alur.org.access import Capability, require
from alur.org.models import Office, User
from alur.outreach.choices import LetterKind
from alur.outreach.models import Referral, SupportingLetter
from alur.outreach.selectors import is_own, letters_missing, partner_of
from alur.outreach.services.referrals import SOP_CODE
from alur.workflow.choices import TaskStatus
from alur.workflow.models import Case, Notification, Task
from alur.workflow.services import procedure, task_complete

MSG_LETTERS_MISSING = (
    "Surat pendukung belum lengkap: {missing}. Catat surat yang sudah diterima pada halaman "
    "rujukan sebelum data penduduk didaftarkan."
)

MSG_VERIFY_MISSING = (
    "Berkas belum dapat diverifikasi: surat pendukung belum lengkap ({missing}). Catat surat "
    "yang sudah diterima, atau minta kepada mitra yang merujuk."
)

MSG_NOT_OWN = "Rujukan ini bukan rujukan Anda; surat hanya dapat dikirim oleh mitra yang merujuk."


def require_staff(actor: User, office: Office | int) -> None:
    require(actor, Capability.HANDLE_CASES, office)


@transaction.atomic
def letters_require(*, referral: Referral, kinds: list[str], actor: User) -> list[SupportingLetter]:
    """The officer's finding: which supporting letters this resident needs. Letters no longer
    needed are dropped unless already received."""
    require_staff(actor, referral.office_id)
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
    require_staff(actor, referral.office_id)
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
    require_staff(actor, referral.office_id)
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
