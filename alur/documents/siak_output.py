"""The case's output in an office on SIAK: the document SIAK printed.

In SIAK the Kadis signs the KK, akta or SKPWNI with their TTE and SIAK prints it with
Dukcapil's QR code; Alur does not render or sign it. The SOP's signing step (`documents.sign`,
the Kadis's) completes when the Kadis attaches the PDF SIAK printed for each paper output of
the case ("Ditandatangani di SIAK"). Each file is checked before anything is written: a real
PDF within the size limit and free of active content (`alur.core.uploads`), carrying an
electronic signature that is intact, cryptographically valid and covers the whole file (read
with pyHanko; SIAK's signing CA is not Alur's, so trust in it is SIAK's business), and showing
in its text the number recorded at the SIAK entry (the register number, the No. KK). Then, in
one transaction, each PDF is archived with its SHA-256 (`alur.tte.services.document_archive`,
so the archive and `/verifikasi/<code>/` show it), the document is marked signed, the registry
records the akta's number, and the step completes. Any refusal leaves everything as it was.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from alur.audit.services import record
from alur.core.errors import DomainError
from alur.core.uploads import DEFAULT_MAX_BYTES, PDF, FileRejected, check_upload
from alur.documents.choices import PAPER, OutputKind
from alur.documents.definitions import require_service
from alur.documents.issuing import certificate_issued, sign_task
from alur.documents.models import CitizenDocument
from alur.documents.render import signer_position
from alur.documents.services import case_documents
from alur.documents.siak import siak_of
from alur.org.models import User
from alur.registry.port import is_siak
from alur.tte.models import IssuedDocument
from alur.tte.selectors import signature_block
from alur.tte.services import document_archive
from alur.tte.signing import SigningError, sha256_hex, verify_pdf
from alur.workflow.models import Case

log = logging.getLogger(__name__)

MAX_BYTES = DEFAULT_MAX_BYTES  # SIAK's KK and akta PDFs are one or two pages: well below 5 MB
MSG_NOT_SIAK = "Kantor ini menandatangani dokumen di Alur; lampiran dari SIAK tidak dipakai."
MSG_STEP = "Tugas tanda tangan dokumen perkara ini belum sampai kepada Anda."
MSG_MISSING = "Lampirkan {label} yang dicetak dari SIAK (PDF)."
MSG_NOT_PDF = "{label}: berkas harus PDF yang dicetak dari SIAK."
MSG_UNREADABLE = "{label}: PDF tidak dapat dibaca; unduh ulang dari SIAK lalu lampirkan lagi."
MSG_UNSIGNED = (
    "{label}: PDF ini tidak bertanda tangan elektronik. Lampirkan dokumen yang sudah "
    "ditandatangani Kepala Dinas (TTE) di SIAK."
)
MSG_BROKEN = (
    "{label}: tanda tangan elektronik pada PDF ini tidak utuh atau tidak sah (berkas berubah "
    "setelah ditandatangani). Unduh ulang dari SIAK lalu lampirkan lagi."
)
MSG_NUMBER = (
    "{label}: nomor {number} yang dicatat pada entri SIAK tidak tertulis di PDF ini. Periksa "
    "apakah berkasnya dokumen perkara ini, atau koreksi nomornya lebih dahulu."
)
MSG_NO_NUMBER = "{label}: nomor dari SIAK belum dicatat; catat pada langkah Entri di SIAK."
MSG_ARCHIVED = "{label}: PDF yang sama sudah diarsipkan untuk dokumen lain ({number})."
SIGNED_IN_SIAK = "Ditandatangani di SIAK"


@dataclass(frozen=True)
class SiakFile:
    data: bytes
    declared_mime: str
    filename: str


def expected_number(document: CitizenDocument) -> str:
    """The number the SIAK PDF must show: the No. KK of a KK, else the register number."""
    if document.kind == OutputKind.KK and document.family is not None:
        return document.family.no_kk
    return document.register_number


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _text(data: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        log.info("SIAK PDF text not read: %s", error)
        return ""


def _covers_whole_file(data: bytes) -> bool:
    """Whether the last signature's byte range ends at the end of the file (nothing added
    after it was signed)."""
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except (PdfError, ValueError):
        return False
    if not signatures:
        return False
    byte_range = signatures[-1].sig_object.get("/ByteRange")
    try:
        start, length = int(byte_range[2]), int(byte_range[3])
    except (TypeError, IndexError, ValueError):
        return False
    return start + length == len(data)


def check_siak_pdf(document: CitizenDocument, upload: SiakFile | None) -> str:
    """Refuse a file that is not the signed SIAK document of `document`; its SHA-256 if it is."""
    label = document.get_kind_display()
    if upload is None or not upload.data:
        raise DomainError(MSG_MISSING.format(label=label), code=f"berkas_{document.kind}")
    try:
        checked = check_upload(
            upload.data,
            declared_mime=upload.declared_mime,
            filename=upload.filename,
            max_bytes=MAX_BYTES,
        )
    except FileRejected as error:
        raise DomainError(f"{label}: {error.reason}", code="file") from error
    if checked.mime != PDF:
        raise DomainError(MSG_NOT_PDF.format(label=label), code="file")
    try:
        signatures = verify_pdf(upload.data)
    except SigningError as error:
        raise DomainError(MSG_UNREADABLE.format(label=label), code="file") from error
    if not signatures:
        raise DomainError(MSG_UNSIGNED.format(label=label), code="unsigned")
    if not all(s.valid for s in signatures) or not _covers_whole_file(upload.data):
        raise DomainError(MSG_BROKEN.format(label=label), code="broken")
    number = expected_number(document)
    if not number:
        raise DomainError(MSG_NO_NUMBER.format(label=label), code="no_number")
    if _squashed(number) not in _squashed(_text(upload.data)):
        raise DomainError(MSG_NUMBER.format(label=label, number=number), code="number")
    digest = sha256_hex(upload.data)
    if IssuedDocument.objects.filter(sha256=digest).exists():
        raise DomainError(MSG_ARCHIVED.format(label=label, number=number), code="archived")
    return digest


def _needed(case: Case) -> list[CitizenDocument]:
    service = require_service(case)
    documents = {d.kind: d for d in case_documents(case, lock=True)}
    kinds = [k for k in service.outputs if k in PAPER]
    kinds = [k for k in kinds if k in documents or k not in service.optional]
    missing = [k for k in kinds if k not in documents]
    if missing:
        labels = ", ".join(OutputKind(k).label for k in missing)
        raise DomainError(
            f"Konsep {labels} belum ada; isi datanya pada langkah Entri di SIAK.", code="no_draft"
        )
    return [documents[k] for k in kinds if documents[k].signed_at is None]


def _title(document: CitizenDocument) -> str:
    head = document.family.head if document.family else None
    who = head.name if head and document.kind == OutputKind.KK else ""
    who = who or (document.resident.name if document.resident else document.case.reference)
    return f"{document.get_kind_display()} {who}"


def attach_kinds(case: Case) -> list[CitizenDocument]:
    """The paper documents of `case` whose SIAK PDF is still to be attached."""
    return [
        d
        for d in case_documents(case)
        if d.kind in PAPER and d.signed_at is None and d.kind in require_service(case).outputs
    ]


def siak_documents_attach(
    *, case: Case, actor: User, files: dict[str, SiakFile]
) -> list[CitizenDocument]:
    """The Kadis attaches the PDF SIAK printed for each paper output of `case` (by kind): the
    signing step completes with them (see the module's description)."""
    case = Case.objects.select_related("office", "sop").get(pk=case.pk)
    if not is_siak(case.office):
        raise DomainError(MSG_NOT_SIAK, code="not_siak")
    now = timezone.now()
    with transaction.atomic():
        task = sign_task(case, actor)
        if task is None:
            raise DomainError(MSG_STEP, code="step")
        pending = _needed(case)
        digests = {d.pk: check_siak_pdf(d, files.get(d.kind)) for d in pending}
        position = signer_position(pending[0]) if pending else None
        block = signature_block(position, actor) if position is not None else None
        title = f"{block.acting} {block.position_title}".strip() if block else "Kepala Dinas"
        signer = actor.get_full_name() or actor.username
        for document in pending:
            upload = files[document.kind]
            number = expected_number(document)
            issued = document_archive(
                office=case.office,
                kind=PAPER[document.kind],
                title=_title(document),
                pdf=upload.data,
                number=number,
                signer_name=signer,
                signer_position=title,
                subject_person=_subject(document),
                cause=document,
                actor=actor,
                issued_at=now,
            )
            pdf = {
                "sha256": digests[document.pk],
                "size": len(upload.data),
                "filename": upload.filename[:120],
                "attached_at": now.isoformat(),
                "attached_by": signer,
            }
            document.data = dict(document.data) | {"siak": siak_of(document.data) | {"pdf": pdf}}
            document.issued, document.signed_at, document.signed_by = issued, now, actor
            document.verify_code = issued.verify_code
            document.save(update_fields=["issued", "signed_at", "signed_by", "data", "verify_code"])
            certificate_issued(document, actor)
            record(
                actor=actor,
                office=case.office,
                action="documents.siak_attach",
                obj=document,
                after={
                    "number": number,
                    "register_number": document.register_number,
                    "document": issued.pk,
                    "sha256": issued.sha256,
                    "signed": SIGNED_IN_SIAK,
                },
            )
        from alur.workflow.services import task_complete

        task_complete(task=task, actor=actor, outcome="done")
    return case_documents(case)


def _subject(document: CitizenDocument) -> str:
    head = document.family.head if document.kind == OutputKind.KK and document.family else None
    if head is not None:
        return head.name
    return document.resident.name if document.resident else ""
