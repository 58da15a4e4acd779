"""The archive of issued documents: keeping each signed file with its SHA-256, revoking and
replacing it, and finding it again (staff by search, anyone by the code on its QR).

Files are stored content-addressed (`arsip/<office>/<yyyy>/<mm>/<sha256>.pdf`). Archiving the same
bytes twice returns the row already kept, so a retried issue never makes a second record.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from alur.audit.services import record, snapshot
from alur.core.errors import DomainError
from alur.letters.models_archive import (
    VERIFY_ALPHABET,
    VERIFY_CODE_LENGTH,
    DocumentKind,
    DocumentStatus,
    IssuedDocument,
)
from alur.letters.signing import sha256_hex
from alur.org.access import Capability, DataClass, office_ids_for, office_ids_seeing, require
from alur.org.models import Office, User

__all__ = [
    "archive_search",
    "document_archive",
    "document_by_code",
    "document_for_download",
    "document_replace",
    "document_revoke",
    "is_pdf",
    "new_verify_code",
    "readable_documents",
    "verification_url",
]

PDF_MAGIC = b"%PDF-"
AUDIT_FIELDS = [
    "kind",
    "title",
    "number",
    "classification",
    "issued_at",
    "signer_name",
    "signer_position",
    "sha256",
    "size",
    "status",
    "revoked_at",
    "revoke_reason",
    "replaced_by",
    "object_type",
    "object_id",
]


def is_pdf(content: bytes) -> bool:
    return content.startswith(PDF_MAGIC)


def new_verify_code() -> str:
    """A random code of unambiguous letters and digits (about 80 bits)."""
    return "".join(secrets.choice(VERIFY_ALPHABET) for _ in range(VERIFY_CODE_LENGTH))


def _cause_key(cause: Model | None) -> tuple[str, str]:
    if cause is None:
        return "", ""
    if cause.pk is None:
        raise ValueError("the cause of a document must be saved first")
    return cause._meta.label_lower, str(cause.pk)


def _create(
    *,
    office: Office,
    kind: str,
    title: str,
    pdf: bytes,
    digest: str,
    number: str,
    classification: str,
    signer_name: str,
    signer_position: str,
    subject_person: str,
    cause_key: tuple[str, str],
    actor: User | None,
    issued_at: datetime | None,
    verify_code: str | None = None,
) -> IssuedDocument:
    object_type, object_id = cause_key
    document = IssuedDocument(
        office=office,
        kind=kind,
        title=title.strip(),
        number=number.strip(),
        classification=classification.strip(),
        issued_at=issued_at or timezone.now(),
        signer_name=signer_name.strip(),
        signer_position=signer_position.strip(),
        sha256=digest,
        size=len(pdf),
        verify_code=verify_code or new_verify_code(),
        subject_person=subject_person.strip(),
        object_type=object_type,
        object_id=object_id,
        issued_by=actor,
    )
    document.file.save(f"{digest}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document


def _check_new(office: Office, kind: str, title: str, pdf: bytes, actor: User | None) -> None:
    if actor is not None:
        require(actor, Capability.VIEW_OFFICE, office)
    if kind not in DocumentKind.values:
        raise DomainError(f"Jenis dokumen {kind!r} tidak dikenal.")
    if not title.strip():
        raise DomainError("Judul dokumen wajib diisi.")
    if not is_pdf(pdf):
        raise DomainError("Berkas dokumen harus PDF.", code="bad_pdf")


def document_archive(
    *,
    office: Office,
    kind: str,
    title: str,
    pdf: bytes,
    number: str = "",
    classification: str = "",
    signer_name: str = "",
    signer_position: str = "",
    subject_person: str = "",
    cause: Model | None = None,
    actor: User | None = None,
    issued_at: datetime | None = None,
    verify_code: str | None = None,
) -> IssuedDocument:
    """Keep the issued file `pdf` of `office` (audited); the row already kept for the same bytes
    when there is one. `actor`, when given, must be staff of the office. `verify_code`: the code
    the document's QR already carries (default: a new one)."""
    _check_new(office, kind, title, pdf, actor)
    digest = sha256_hex(pdf)
    cause_key = _cause_key(cause)
    with transaction.atomic():
        existing = IssuedDocument.objects.filter(sha256=digest).first()
        if existing is None:
            try:
                with transaction.atomic():
                    document = _create(
                        office=office,
                        kind=kind,
                        title=title,
                        pdf=pdf,
                        digest=digest,
                        number=number,
                        classification=classification,
                        signer_name=signer_name,
                        signer_position=signer_position,
                        subject_person=subject_person,
                        cause_key=cause_key,
                        actor=actor,
                        issued_at=issued_at,
                        verify_code=verify_code,
                    )
            except IntegrityError:
                existing = IssuedDocument.objects.filter(sha256=digest).first()
                if existing is None:
                    raise
            else:
                record(
                    actor=actor,
                    office=office,
                    action="issued_document.archive",
                    obj=document,
                    after=snapshot(document, AUDIT_FIELDS),
                )
                return document
        if existing.office_id != office.pk:
            raise DomainError("Berkas yang sama sudah diarsipkan oleh kantor lain.")
        return existing


def _locked_valid(document: IssuedDocument, actor: User, reason: str) -> IssuedDocument:
    require(actor, Capability.SIGN, document.office_id)
    if not reason.strip():
        raise DomainError("Alasan wajib diisi.")
    locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if locked.status == DocumentStatus.REVOKED:
        raise DomainError(
            f"Dokumen {locked} sudah dicabut pada "
            f"{timezone.localtime(locked.revoked_at):%d-%m-%Y %H:%M}."
        )
    if locked.status == DocumentStatus.REPLACED:
        raise DomainError(f"Dokumen {locked} sudah diganti dengan dokumen lain.")
    return locked


def document_revoke(*, document: IssuedDocument, actor: User, reason: str) -> IssuedDocument:
    """Revoke (cabut) a valid document; the signer's capability in its office is required."""
    with transaction.atomic():
        locked = _locked_valid(document, actor, reason)
        before = snapshot(locked, AUDIT_FIELDS)
        locked.status = DocumentStatus.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoke_reason = reason.strip()
        locked.save(update_fields=["status", "revoked_at", "revoke_reason"])
        record(
            actor=actor,
            office=locked.office,
            action="issued_document.revoke",
            obj=locked,
            before=before,
            after=snapshot(locked, AUDIT_FIELDS),
            reason=locked.revoke_reason,
        )
    _refresh(document, locked)
    return locked


def document_replace(
    *,
    document: IssuedDocument,
    new_pdf: bytes,
    actor: User,
    reason: str,
    title: str | None = None,
    number: str | None = None,
    classification: str | None = None,
    signer_name: str | None = None,
    signer_position: str | None = None,
    subject_person: str | None = None,
) -> IssuedDocument:
    """A new document in place of `document` (the old one becomes *diganti* and points to it).
    Fields left as None are taken over from the old document."""
    if not is_pdf(new_pdf):
        raise DomainError("Berkas pengganti harus PDF.", code="bad_pdf")
    digest = sha256_hex(new_pdf)
    with transaction.atomic():
        old = _locked_valid(document, actor, reason)
        if IssuedDocument.objects.filter(sha256=digest).exists():
            raise DomainError("Berkas pengganti sudah pernah diarsipkan; buat berkas baru.")
        before = snapshot(old, AUDIT_FIELDS)
        new = _create(
            office=old.office,
            kind=old.kind,
            title=old.title if title is None else title,
            pdf=new_pdf,
            digest=digest,
            number=old.number if number is None else number,
            classification=old.classification if classification is None else classification,
            signer_name=old.signer_name if signer_name is None else signer_name,
            signer_position=old.signer_position if signer_position is None else signer_position,
            subject_person=old.subject_person if subject_person is None else subject_person,
            cause_key=(old.object_type, old.object_id),
            actor=actor,
            issued_at=None,
        )
        record(
            actor=actor,
            office=old.office,
            action="issued_document.archive",
            obj=new,
            after=snapshot(new, AUDIT_FIELDS),
            reason=reason.strip(),
        )
        old.status = DocumentStatus.REPLACED
        old.revoked_at = timezone.now()
        old.revoke_reason = reason.strip()
        old.replaced_by = new
        old.save(update_fields=["status", "revoked_at", "revoke_reason", "replaced_by"])
        record(
            actor=actor,
            office=old.office,
            action="issued_document.replace",
            obj=old,
            before=before,
            after=snapshot(old, AUDIT_FIELDS),
            reason=old.revoke_reason,
        )
    _refresh(document, old)
    return new


def _refresh(document: IssuedDocument, fresh: IssuedDocument) -> None:
    for name in ("status", "revoked_at", "revoke_reason", "replaced_by_id"):
        setattr(document, name, getattr(fresh, name))


def verification_url(document: IssuedDocument | str, base_url: str) -> str:
    """The public address the document's QR code points to: `https://host/verifikasi/<code>/`.
    `document` may be the verification code itself, fixed before the document exists."""
    code = document if isinstance(document, str) else document.verify_code
    path = reverse("verification:document", kwargs={"code": code})
    return base_url.rstrip("/") + path


def document_by_code(code: str) -> IssuedDocument | None:
    """The document with verification code `code` (case-insensitive, spaces and dashes ignored)."""
    normalized = "".join(code.split()).replace("-", "").upper()
    if not normalized or len(normalized) > 32 or any(c not in VERIFY_ALPHABET for c in normalized):
        return None
    return (
        IssuedDocument.objects.select_related("office", "replaced_by")
        .filter(verify_code=normalized)
        .first()
    )


def archive_search(
    user: Any,
    *,
    q: str | None = None,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[IssuedDocument]:
    """Issued documents `user` may read (`readable_documents`), newest first. `q` matches
    number, title or the person the document is about; the dates are whole days in the server's
    zone."""
    documents = readable_documents(user)
    if q and q.strip():
        text = q.strip()
        documents = documents.filter(
            Q(number__icontains=text) | Q(title__icontains=text) | Q(subject_person__icontains=text)
        )
    if kind:
        documents = documents.filter(kind=kind)
    zone = timezone.get_current_timezone()
    if date_from:
        documents = documents.filter(issued_at__gte=datetime.combine(date_from, time(), zone))
    if date_to:
        end = datetime.combine(date_to + timedelta(days=1), time(), zone)
        documents = documents.filter(issued_at__lt=end)
    return documents.select_related("office").order_by("-issued_at", "-pk")


# Documents about one resident: personal data (org.access.DataClass.PERSONAL).
CITIZEN_KINDS = frozenset(
    {
        DocumentKind.KK,
        DocumentKind.AKTA_KELAHIRAN,
        DocumentKind.AKTA_KEMATIAN,
        DocumentKind.SKPWNI,
    }
)


def readable_documents(user: Any) -> QuerySet[IssuedDocument]:
    """Issued documents `user` may find and download. A citizen's document (a KK, an akta, an
    SKPWNI, or anything issued for a case or naming a resident) only for the staff who handle
    its case (`workflow.selectors.personal_cases`; one kept without a case, for a post of its
    office that sees personal data); the office's letters and reports for its staff
    (VIEW_OFFICE)."""
    from alur.workflow.selectors import personal_cases

    citizen = Q(kind__in=CITIZEN_KINDS) | ~Q(subject_person="") | Q(citizen_document__isnull=False)
    with_case = Q(citizen_document__isnull=False) & personal_cases(user, "citizen_document__case")
    loose = Q(
        citizen_document__isnull=True, office_id__in=office_ids_seeing(user, DataClass.PERSONAL)
    )
    office = Q(office_id__in=office_ids_for(user, Capability.VIEW_OFFICE))
    return IssuedDocument.objects.filter((citizen & (with_case | loose)) | (~citizen & office))


def document_for_download(user: Any, pk: int) -> IssuedDocument | None:
    """Document `pk` when `user` may read it (`readable_documents`); None otherwise (shown as
    not found)."""
    return readable_documents(user).filter(pk=pk).first()
