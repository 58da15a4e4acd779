"""Every change to citizen documents: drafts, print, hand-over and archive. Each runs in the
caller's transaction (the engine's transition, for the `documents.*` handlers) or its own, and
writes its audit event. Signing is in `issuing.py` (it must not hold a transaction open)."""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.core.uploads import FileRejected, check_upload
from alur.documents.choices import CARDS, PAPER, HandoverMethod, OutputKind
from alur.documents.definitions import EnterRequest, require_service
from alur.documents.models import CitizenDocument
from alur.documents.numbering import register_number_take
from alur.org.access import Capability, require
from alur.org.models import Office, User
from alur.registry.choices import ResidentStatus
from alur.registry.models import Family, Resident
from alur.registry.services.residents import kia_record
from alur.workflow.choices import TaskStatus
from alur.workflow.engine import holds
from alur.workflow.models import Case, Task

MSG_SIGNED = "{doc} sudah ditandatangani; isiannya tidak dapat diubah lagi."
MSG_NO_SERIAL = "Isi nomor seri blanko {kind} yang dipakai untuk mencetak kartu."
MSG_SERIAL_USED = "Nomor seri blanko {serial} sudah tercatat untuk kartu lain."
MSG_NO_BIOMETRICS = "Perekaman biometrik KTP-el {name} belum dilakukan; kartu belum dapat dicetak."
MSG_RECIPIENT = "Isi nama penerima dan identitas yang ditunjukkan (mis. NIK/KTP-el)."
MSG_TRACKING = "Isi nomor resi PT POS."
MSG_NOT_ENTRY_STEP = (
    "Isian perkara ini sudah diteruskan untuk diperiksa dan tidak dapat diubah dari sini. "
    "Koreksi dilakukan oleh operator pada langkah pengisian setelah pemeriksa mengembalikan "
    "perkara (Perbaikan); setelah dikoreksi, isian diperiksa lagi. Bila Anda pemeriksanya, "
    "kembalikan langkah Anda dengan catatan perbaikan."
)
ENTRY_KEY = "documents.enter"


def _staff(actor: User | None, office: Office | int) -> None:
    if actor is not None:
        require(actor, Capability.HANDLE_CASES, office)


def case_documents(case: Case, *, lock: bool = False) -> list[CitizenDocument]:
    rows = CitizenDocument.objects.filter(case=case)
    if lock:
        rows = rows.select_for_update(of=("self",))
    return list(rows.select_related("office", "resident", "family", "issued").order_by("pk"))


def fixed(document: CitizenDocument) -> bool:
    """Signed, or a card printed on its blanko: the entry can no longer change. A paper document
    printed for the register before the Kadis signs may still be corrected (and reprinted)."""
    return bool(document.signed_at or (document.is_card and document.printed_at))


def _label(document: CitizenDocument) -> str:
    return document.get_kind_display()


@transaction.atomic
def draft_ensure(
    *,
    case: Case,
    kind: str,
    actor: User | None,
    resident: Resident | None = None,
    family: Family | None = None,
    data: dict[str, Any] | None = None,
) -> CitizenDocument:
    """Create or update the draft of `kind` for `case` (refused once it is `fixed`)."""
    if kind not in OutputKind.values:
        raise DomainError(f"Jenis dokumen {kind!r} tidak dikenal.")
    _staff(actor, case.office_id)
    now = timezone.now()
    document = CitizenDocument.objects.select_for_update().filter(case=case, kind=kind).first()
    created = document is None
    if document is None:
        document = CitizenDocument(
            case=case, office=case.office, kind=kind, created_at=now, updated_at=now
        )
    elif fixed(document):
        raise ConflictError(MSG_SIGNED.format(doc=_label(document)))
    document.resident = resident or document.resident
    document.family = family or document.family
    if data is not None:
        document.data = data
    document.entered_by, document.updated_at = actor, now
    document.save()
    record(
        actor=actor,
        office=case.office,
        action="documents.draft_create" if created else "documents.draft_update",
        obj=document,
        after={
            "case": case.reference,
            "kind": kind,
            "resident": document.resident.nik if document.resident else None,
            "family": document.family.no_kk if document.family else None,
        },
    )
    return document


@transaction.atomic
def draft_drop(*, case: Case, kind: str, actor: User | None) -> None:
    """Remove the draft of `kind` a corrected entry no longer calls for; refused once it holds
    a register number (printed), which the register keeps without a gap."""
    _staff(actor, case.office_id)
    document = CitizenDocument.objects.select_for_update().filter(case=case, kind=kind).first()
    if document is None:
        return
    if document.printed_at:
        raise ConflictError(
            f"{_label(document)} sudah dicetak dengan nomor register {document.register_number}; "
            "koreksi ini tidak dapat menghapusnya."
        )
    record(
        actor=actor,
        office=case.office,
        action="documents.draft_drop",
        obj=document,
        before={"kind": kind, "family": document.family.no_kk if document.family else None},
    )
    document.delete()


# --- printing -------------------------------------------------------------------------------


def blank_use(office: Office, item: str, *, cause: Model, actor: User | None) -> None:
    """One blanko of `item` leaves the office's stock for `cause` (the logistics ledger).

    The logistics app keeps the stock; an installation without it prints without a ledger."""
    try:
        logistics = importlib.import_module("alur.logistics.ledger")
    except ImportError:
        return
    logistics.blank_consume(office, item, cause=cause, actor=actor)


def _card_resident(case: Case, kind: str, nik: str) -> Resident:
    resident = Resident.objects.filter(nik=nik.strip(), office=case.office).first() if nik else None
    if resident is None:
        raise DomainError(
            f"Data penduduk untuk {OutputKind(kind).label} belum ada: isi NIK yang terdaftar.",
            code="no_resident",
        )
    return resident


def documents_print(
    *,
    case: Case,
    actor: User | None,
    serials: dict[str, str],
    nik: str = "",
    extra: dict[str, Any] | None = None,
) -> list[CitizenDocument]:
    """Print every output of `case`: cards on a blanko whose serial is recorded (one blanko
    consumed from stock each, after the service's `card_check` of `extra`, the print form's
    data), paper documents with their register number. Run inside the step's transition."""
    service = require_service(case)
    _staff(actor, case.office_id)
    now = timezone.now()
    existing = {d.kind: d for d in case_documents(case, lock=True)}
    printed = []
    for kind in service.outputs:
        document = existing.get(kind)
        if document is None and kind in service.optional:
            continue
        if kind in CARDS and (document is None or not document.printed_at):
            resident = document.resident if document and document.resident else None
            resident = resident or _card_resident(case, kind, nik)
            checked = service.card_check(case, resident, extra or {}) if service.card_check else {}
            base = document.data if document is not None else {}
            document = draft_ensure(
                case=case, kind=kind, actor=actor, resident=resident, data=base | checked
            )
        if document is None:
            raise DomainError(
                f"{OutputKind(kind).label} belum diisi; isi datanya pada langkah pengisian.",
                code="no_draft",
            )
        if document.printed_at:
            printed.append(document)
            continue
        if kind in CARDS:
            _print_card(document, serials.get(kind, "").strip(), actor)
            if kind == OutputKind.KIA and document.resident is not None:
                kia_record(resident=document.resident, actor=actor)
        else:
            register_number_take(document, now)
        document.printed_at, document.printed_by = now, actor
        document.save(update_fields=["printed_at", "printed_by", "card_serial"])
        record(
            actor=actor,
            office=case.office,
            action="documents.print",
            obj=document,
            after={
                "kind": kind,
                "register_number": document.register_number,
                "card_serial": document.card_serial,
            },
        )
        printed.append(document)
    return printed


def _print_card(document: CitizenDocument, serial: str, actor: User | None) -> None:
    resident = document.resident
    if resident is None:
        raise DomainError("Kartu ini belum terhubung dengan data penduduk.", code="no_resident")
    if resident.status != ResidentStatus.ALIVE:
        raise DomainError(f"{resident.name} tidak lagi tercatat sebagai penduduk aktif.")
    if document.kind == OutputKind.KTP_EL and resident.biometrics_recorded_at is None:
        raise DomainError(MSG_NO_BIOMETRICS.format(name=resident.name), code="biometrics")
    if not serial:
        raise DomainError(MSG_NO_SERIAL.format(kind=document.get_kind_display()), code="serial")
    if CitizenDocument.objects.filter(card_serial=serial).exclude(pk=document.pk).exists():
        raise DomainError(MSG_SERIAL_USED.format(serial=serial), code="serial_used")
    document.card_serial = serial
    blank_use(document.office, CARDS[document.kind], cause=document, actor=actor)


# --- hand-over and archive ------------------------------------------------------------------


def documents_handover(
    *,
    case: Case,
    actor: User | None,
    method: str,
    recipient_name: str = "",
    recipient_id: str = "",
    pos_tracking: str = "",
    proof: tuple[bytes, str, str] | None = None,  # (content, declared mime, file name)
    when: datetime | None = None,
) -> list[CitizenDocument]:
    """Hand every output of `case` over: in person (who collected it and the identity they
    showed, optionally a photo or scan as proof) or by PT POS (its tracking number)."""
    _staff(actor, case.office_id)
    if method not in HandoverMethod.values:
        raise DomainError("Pilih cara penyerahan: langsung atau lewat PT POS.", code="method")
    recipient_name, recipient_id = recipient_name.strip(), recipient_id.strip()
    pos_tracking = pos_tracking.strip()
    if method == HandoverMethod.IN_PERSON and not (recipient_name and recipient_id):
        raise DomainError(MSG_RECIPIENT, code="recipient")
    if method == HandoverMethod.POS and not pos_tracking:
        raise DomainError(MSG_TRACKING, code="tracking")
    checked = None
    if proof is not None:
        try:
            checked = check_upload(proof[0], declared_mime=proof[1], filename=proof[2])
        except FileRejected as error:
            raise DomainError(f"Bukti serah terima: {error.reason}", code="proof") from error
    documents = case_documents(case, lock=True)
    if not documents:
        raise DomainError("Perkara ini belum memiliki dokumen untuk diserahkan.", code="none")
    now = when or timezone.now()
    for document in documents:
        if document.handed_over_at:
            raise ConflictError(f"{_label(document)} sudah diserahkan.")
        if document.is_paper and not document.signed_at:
            raise DomainError(f"{_label(document)} belum ditandatangani.", code="unsigned")
        if document.is_card and not document.printed_at:
            raise DomainError(f"{_label(document)} belum dicetak.", code="unprinted")
        document.handed_over_at, document.handed_over_by = now, actor
        document.handover_method = method
        document.recipient_name, document.recipient_id = recipient_name, recipient_id
        document.pos_tracking = pos_tracking
        fields = [
            "handed_over_at",
            "handed_over_by",
            "handover_method",
            "recipient_name",
            "recipient_id",
            "pos_tracking",
        ]
        if checked is not None and proof is not None:
            document.handover_proof.save(
                f"bukti.{checked.extension}", ContentFile(proof[0]), save=False
            )
            fields.append("handover_proof")
        document.save(update_fields=fields)
        record(
            actor=actor,
            office=case.office,
            action="documents.handover",
            obj=document,
            after={
                "method": method,
                "recipient_name": recipient_name,
                "recipient_id": recipient_id,
                "pos_tracking": pos_tracking,
                "proof_sha256": checked.sha256 if checked else None,
            },
        )
    # The citizen who received the documents is asked the satisfaction survey, once per case.
    from alur.survey.choices import Source
    from alur.survey.services import survey_invite

    survey_invite(case=case, source=Source.DOCUMENTS, actor=actor, when=now)
    return documents


def documents_archive(*, case: Case, actor: User | None) -> list[CitizenDocument]:
    """The application's files and the signed documents are archived (agenda of the case)."""
    _staff(actor, case.office_id)
    documents = case_documents(case, lock=True)
    now = timezone.now()
    for document in documents:
        if document.kind in PAPER and document.issued_id is None:
            raise DomainError(
                f"{_label(document)} belum ditandatangani, jadi belum dapat diarsipkan.",
                code="unsigned",
            )
        if document.archived_at is None:
            document.archived_at = now
            document.save(update_fields=["archived_at"])
            record(
                actor=actor,
                office=case.office,
                action="documents.archive",
                obj=document,
                after={"issued": document.issued_id},
            )
    return documents


# --- correcting the data entry --------------------------------------------------------------


def entry_task(case: Case, user: User | AnonymousUser) -> Task | None:
    """The open data-entry step (`documents.enter`) of `case` that `user` may act on: its post
    in its unit, not claimed by someone else. The entry changes only there: once the step is
    done the entry goes to its reviews, and it comes back to this step only by a return
    (Perbaikan), whose correction then goes through every review after it again."""
    from alur.workflow.services import procedure

    if not user.is_authenticated or case.finished_at is not None:
        return None
    spec = procedure(case)
    for task in case.tasks.filter(status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED)):
        if (
            spec.step(task.step).form == ENTRY_KEY
            and holds(user, task.office_id, task.position_kind, task.unit_id)
            and task.assignee_id in (None, user.pk)
        ):
            return task
    return None


@transaction.atomic
def entry_correct(*, case: Case, actor: User, data: dict[str, Any]) -> list[CitizenDocument]:
    """The operator corrects the case's data entry at the open entry step (`entry_task`: the
    entry came back by a return) while none of its documents is `fixed`: the service's entry runs
    again, redoing its registry changes, and each draft gets a new version. Anyone else, and any
    other step (data a review has passed, waiting for the next review or the signature), is
    refused: approved data stay as they were approved."""
    require(actor, Capability.HANDLE_CASES, case.office)
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("office", "sop").get(pk=case.pk)
    )
    service = require_service(case)
    documents = case_documents(case, lock=True)
    if service.enter is None or not documents:
        raise DomainError(
            "Belum ada isian untuk dikoreksi; isi data pada langkah pengisian.", code="no_entry"
        )
    for document in documents:
        if fixed(document):
            raise ConflictError(MSG_SIGNED.format(doc=_label(document)))
    if case.finished_at is not None:
        raise ConflictError("Perkara ini sudah selesai; isiannya tidak dapat diubah lagi.")
    task = entry_task(case, actor)
    if task is None:
        raise DomainError(MSG_NOT_ENTRY_STEP, code="not_entry_step")
    from alur.documents.siak import entry_run  # siak builds on this module

    entry_run(service, EnterRequest(case=case, actor=actor, data=data))
    corrected = case_documents(case)
    record(
        actor=actor,
        office=case.office,
        action="documents.entry_correct",
        obj=case,
        after={d.kind: d.data.get("version") for d in corrected} | {"step": task.step},
    )
    return corrected
