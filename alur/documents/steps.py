"""The `documents.*` keys SOP steps name. They run inside the engine's transition
(`task_complete`), so a refused step changes nothing; each dispatches on the case's SOP code
through `definitions.service_for`.

- `documents.enter`: the service's data entry (registry changes and the drafts); "done" needs it.
  In an office on SIAK it is "Entri di SIAK": the data and the numbers SIAK issued (`siak`).
- `documents.sign`: done only by signing (`issuing.documents_sign` completes the task); a bare
  "done" is refused while a paper document is unsigned. In an office on SIAK the Kadis signs in
  SIAK and the step completes by attaching the PDF SIAK printed (`siak_output`); Alur's own
  signing is refused there.
- `documents.print`: cards on a blanko (serial recorded, one blanko out of stock), paper
  documents with their register number.
- `documents.handover`: in person (name and identity shown) or by PT POS (tracking number).
- `documents.archive`: the signed documents and the files are archived.
"""

from __future__ import annotations

from typing import Any

from alur.core.errors import DomainError
from alur.documents.choices import PAPER, OutputKind
from alur.documents.definitions import EnterRequest, require_service
from alur.documents.services import (
    case_documents,
    documents_archive,
    documents_handover,
    documents_print,
)
from alur.documents.siak import MSG_SIGNED_IN_SIAK, entry_run, siak_of
from alur.registry.port import is_siak
from alur.sop.registry import Completion, KeyKind, declare
from alur.workflow.choices import Outcome
from alur.workflow.services import StepContext

FORM, ACTION = KeyKind.FORM, KeyKind.ACTION
MSG_ATTACH_FIRST = (
    "Langkah ini selesai dengan melampirkan dokumen yang dicetak dari SIAK (PDF bertanda tangan "
    "elektronik Kepala Dinas) pada formulir Lampirkan dokumen dari SIAK."
)
MSG_SIGN_FIRST = (
    "Langkah ini selesai dengan menandatangani dokumen: masukkan passphrase sertifikat TTE "
    "Anda pada formulir Tandatangani."
)


def on_enter(context: StepContext) -> None:
    if context.outcome != Outcome.DONE:
        return
    service = require_service(context.case)
    if service.enter is None:
        raise DomainError(f"Layanan {service.name} tidak memiliki isian data.", code="no_enter")
    entry_run(service, EnterRequest(case=context.case, actor=context.actor, data=context.data))
    have = {d.kind for d in case_documents(context.case)}
    missing = [k for k in service.required_outputs if k in PAPER and k not in have]
    if missing:
        labels = ", ".join(OutputKind(k).label for k in missing)
        raise DomainError(f"Konsep {labels} belum terbentuk dari isian.", code="no_draft")


def on_sign(context: StepContext) -> None:
    if context.outcome != Outcome.DONE:
        return
    service = require_service(context.case)
    documents = case_documents(context.case)
    signed = {d.kind for d in documents if d.signed_at is not None}
    made = {d.kind for d in documents}
    needed = [k for k in service.outputs if k in PAPER and (k in made or k not in service.optional)]
    siak = is_siak(context.case.office)
    if any(kind not in signed for kind in needed):
        raise DomainError(MSG_ATTACH_FIRST if siak else MSG_SIGN_FIRST, code="unsigned")
    if siak and any(not siak_of(d.data).get("pdf") for d in documents if d.kind in needed):
        # On SIAK the Kadis signs in SIAK: a document Alur signed itself is not the one SIAK
        # printed, so the step (and the signing it closes) is refused and rolled back.
        raise DomainError(MSG_SIGNED_IN_SIAK, code="signed_in_siak")


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def on_print(context: StepContext) -> None:
    if context.outcome != Outcome.DONE:
        return
    serials = context.data.get("serials") or {}
    documents_print(
        case=context.case,
        actor=context.actor,
        serials={str(k): str(v) for k, v in dict(serials).items()},
        nik=_text(context.data, "nik"),
        extra={k: v for k, v in context.data.items() if k not in ("serials", "nik")},
    )


def on_handover(context: StepContext) -> None:
    if context.outcome != Outcome.DONE:
        return
    data = context.data
    proof = data.get("proof")
    documents_handover(
        case=context.case,
        actor=context.actor,
        method=_text(data, "method"),
        recipient_name=_text(data, "recipient_name"),
        recipient_id=_text(data, "recipient_id"),
        pos_tracking=_text(data, "pos_tracking"),
        proof=proof if isinstance(proof, tuple) else None,
    )


def on_archive(context: StepContext) -> None:
    if context.outcome == Outcome.DONE:
        documents_archive(case=context.case, actor=context.actor)


def register() -> None:
    from alur.documents import checks, panels, views

    declare(
        "registry.check",
        FORM,
        checks.on_registry_check,
        description="Look up the resident in the population registry (SIAK): data, family "
        "card, biometric recording.",
        panel=panels.registry_check_panel,
    )
    declare(
        "documents.precheck",
        ACTION,
        checks.on_precheck,
        description="Before a card is made, check what its holder must send with the "
        "application (KIA: the child's colour photo from age 5); what is missing goes back to "
        "the applicant.",
    )
    declare(
        "documents.enter",
        FORM,
        on_enter,
        description="Enter the document's data (KK, SKPWNI, akta, ...) in the registry and "
        "prepare its draft.",
        panel=panels.enter_panel,
        replaces_outcome=True,
        completion=Completion(
            read=views.read_enter,
            refused=views.enter_refused,
            success="Data tersimpan; konsep dokumen dibuat.",
            anchor=True,
            personal=True,
        ),
    )
    declare(
        "documents.sign",
        FORM,
        on_sign,
        description="The Kadis signs the citizen document electronically (TTE).",
        panel=panels.sign_panel,
        replaces_outcome=True,
    )
    declare(
        "documents.handover",
        FORM,
        on_handover,
        description="Hand the finished document to the applicant, in person or by PT POS "
        "(tracking number), and archive the files.",
        panel=panels.handover_panel,
        replaces_outcome=True,
        completion=Completion(
            read=views.read_handover, success="Penyerahan dokumen tercatat.", personal=True
        ),
    )
    declare(
        "documents.print",
        ACTION,
        on_print,
        description="Print the document or card (KK, KTP-el, KIA, akta) and record the blank "
        "it used.",
        panel=panels.print_panel,
        replaces_outcome=True,
        completion=Completion(read=views.read_print, success="Pencetakan tercatat.", personal=True),
    )
    declare(
        "documents.archive",
        ACTION,
        on_archive,
        description="Register the application in the agenda book and archive its files.",
    )
