"""Signing citizen documents (TTE by the Kadis), in the three parts letters use
(`alur.letters.issuing`), so that no lock is held while PDFs are rendered and signed:

1. A short transaction locks the case's documents, gives each unsigned paper document its
   register number (gapless) and its verification code.
2. Outside any transaction each PDF is rendered with its number and the QR code of
   `/verifikasi/<code>/` and signed through the signing port (`tte.port`: the Kadis's certificate
   held by Alur, or BSrE with the Kadis's NIK), with the passphrase they typed.
3. A second transaction archives each signed PDF (`document_archive`, kind KK, akta, SKPWNI),
   marks the documents signed and completes the case's `documents.sign` task.

A wrong passphrase or an unusable certificate (or a BSrE certificate that is not active) is
refused before anything is written. A failure after part 1 (BSrE down, slow or refusing, a
rendering error) gives the register numbers taken by this attempt back (`_numbers_give_back`):
nothing is signed or archived and no number stays held. A number that cannot be given back
because a later one of its register was taken meanwhile stays with its document, which the next
attempt signs under it (the register has no gap and no number is used twice).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.counters import counter_give_back
from alur.core.errors import DomainError
from alur.documents.choices import PAPER, OutputKind
from alur.documents.definitions import require_service
from alur.documents.models import CitizenDocument
from alur.documents.numbering import register_number_take
from alur.documents.render import document_pdf, signer_position
from alur.documents.services import case_documents
from alur.documents.siak import MSG_SIGNED_IN_SIAK
from alur.org.access import Capability, can
from alur.org.models import User
from alur.registry.port import is_siak
from alur.registry.services.residents import birth_certificate_record, death_certificate_record
from alur.tte import port
from alur.tte.selectors import signature_block, verification_url
from alur.tte.services import document_archive, new_verify_code
from alur.workflow.models import Case, Task
from alur.workflow.selectors import open_task

SIGN_KEY = "documents.sign"


def sign_task(case: Case, actor: User) -> Task | None:
    """The open `documents.sign` task of `case` that `actor` may complete."""
    if not can(actor, Capability.SIGN, case.office):
        return None
    return open_task(case, actor, SIGN_KEY)


def _check(case: Case, actor: User) -> Task:
    task = sign_task(case, actor)
    if task is None:
        raise DomainError(
            "Tugas tanda tangan dokumen perkara ini belum sampai kepada Anda.", code="step"
        )
    return task


def _unsigned(case: Case, kinds: list[str]) -> list[CitizenDocument]:
    documents = {d.kind: d for d in case_documents(case, lock=True)}
    optional = require_service(case).optional
    kinds = [kind for kind in kinds if kind in documents or kind not in optional]
    missing = [kind for kind in kinds if kind not in documents]
    if missing:
        labels = ", ".join(OutputKind(kind).label for kind in missing)
        raise DomainError(
            f"Konsep {labels} belum ada; isi datanya pada langkah pengisian.", code="no_draft"
        )
    return [documents[kind] for kind in kinds if documents[kind].signed_at is None]


def _title(document: CitizenDocument) -> str:
    head = document.family.head if document.family else None
    who = head.name if head else ""
    who = who or (document.resident.name if document.resident else document.case.reference)
    return f"{document.get_kind_display()} {who}"


def documents_sign(
    *, case: Case, actor: User, passphrase: str, base_url: str
) -> list[CitizenDocument]:
    """Sign every paper document of `case` as `actor` (see the module's description)."""
    case = Case.objects.select_related("office", "sop").get(pk=case.pk)
    if is_siak(case.office):  # the Kadis signs in SIAK; the print is attached (siak_output)
        raise DomainError(MSG_SIGNED_IN_SIAK, code="signed_in_siak")
    _check(case, actor)
    kinds = [kind for kind in require_service(case).outputs if kind in PAPER]
    signer = port.signer_ready(actor, case.office, passphrase, cause=case)
    now = timezone.now()
    with transaction.atomic():
        _check(case, actor)
        pending = _unsigned(case, kinds)
        taken = [document.pk for document in pending if document.register_serial is None]
        for document in pending:
            register_number_take(document, now)
            if not document.verify_code:
                document.verify_code = new_verify_code()
                document.save(update_fields=["verify_code"])
    try:
        return _sign_numbered(case, actor, signer, pending, now, base_url)
    except Exception as error:
        _numbers_give_back(case, taken, actor, error)
        raise


def _sign_numbered(
    case: Case,
    actor: User,
    signer: port.Signer,
    pending: list[CitizenDocument],
    now: datetime,
    base_url: str,
) -> list[CitizenDocument]:
    """Render, sign and archive the documents under the numbers they have just taken."""
    position = signer_position(pending[0]) if pending else None
    block = signature_block(position, actor) if position is not None else None
    position_title = f"{block.acting} {block.position_title}".strip() if block else "Kepala Dinas"
    signed: dict[int, port.Signed] = {}
    for document in pending:
        url = verification_url(document.verify_code, base_url)
        rendered = document_pdf(document, signer=actor, when=now, verify_url=url)
        signed[document.pk] = port.sign_pdf(
            signer,
            pdf=rendered.pdf,
            reason=f"{document.get_kind_display()} {_number(document)}",
            location=case.office.city or case.office.short_name,
            cause=document,
            page=rendered.signature_page,
            box=rendered.signature_box,
            stamp_lines=[actor.get_full_name() or actor.username, position_title],
            zone=case.office.timezone,
        )
    with transaction.atomic():
        task = _check(case, actor)
        for document in case_documents(case, lock=True):
            if document.pk not in signed or document.signed_at is not None:
                continue
            issued = document_archive(
                office=case.office,
                kind=PAPER[document.kind],
                title=_title(document),
                pdf=signed[document.pk].pdf,
                number=_number(document),
                signer_name=actor.get_full_name() or actor.username,
                signer_position=position_title,
                subject_person=_subject(document),
                cause=document,
                actor=actor,
                issued_at=now,
                verify_code=document.verify_code,
            )
            document.issued, document.signed_at, document.signed_by = issued, now, actor
            document.save(update_fields=["issued", "signed_at", "signed_by"])
            certificate_issued(document, actor)
            record(
                actor=actor,
                office=case.office,
                action="documents.sign",
                obj=document,
                after={
                    "number": _number(document),
                    "register_number": document.register_number,
                    "document": issued.pk,
                    "sha256": issued.sha256,
                    **signed[document.pk].audit(),
                },
            )
        from alur.workflow.services import task_complete

        task_complete(task=task, actor=actor, outcome="done")
    return case_documents(case)


MSG_NUMBER_RELEASED = "Penandatanganan gagal: {error}"


def _numbers_give_back(case: Case, taken: list[int], actor: User, error: Exception) -> None:
    """Signing failed after part 1: give back the register numbers this attempt took, last first,
    from the documents still unsigned; one that a later number of its register follows stays
    with its document for the next attempt. Audited as `documents.number_release`."""
    detail = (
        error.message
        if isinstance(error, DomainError)
        else "gangguan sistem saat menyusun atau menandatangani PDF"
    )
    with transaction.atomic():
        documents = [
            d
            for d in case_documents(case, lock=True)
            if d.pk in taken and d.signed_at is None and d.register_serial is not None
        ]
        documents.sort(key=lambda d: d.register_serial or 0, reverse=True)
        for document in documents:
            number = document.register_number
            given = counter_give_back(
                "documents.register",
                document.office_id,
                document.kind,
                document.register_year,
                value=document.register_serial or 0,
            )
            if given:
                document.register_year = document.register_serial = None
                document.register_number = ""
                document.save(update_fields=["register_year", "register_serial", "register_number"])
            record(
                actor=actor,
                office=case.office,
                action="documents.number_release",
                obj=document,
                after={"register_number": number, "given_back": given},
                reason=MSG_NUMBER_RELEASED.format(error=detail)[:300],
            )


def certificate_issued(document: CitizenDocument, actor: User) -> None:
    """A signed akta is the resident's: the registry records its number."""
    if document.resident is None:
        return
    if document.kind == OutputKind.AKTA_KELAHIRAN:
        birth_certificate_record(
            resident=document.resident, number=document.register_number, actor=actor
        )
    elif document.kind == OutputKind.AKTA_KEMATIAN:
        death_certificate_record(
            resident=document.resident, number=document.register_number, actor=actor
        )


def _number(document: CitizenDocument) -> str:
    if document.kind == "kk" and document.family:
        return document.family.no_kk
    return document.register_number


def _subject(document: CitizenDocument) -> str:
    head = document.family.head if document.kind == "kk" and document.family else None
    if head is not None:
        return head.name
    return document.resident.name if document.resident else ""
