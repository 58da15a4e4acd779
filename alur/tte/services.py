"""The writes of issued documents and signatures: keeping each signed file with its SHA-256,
revoking and replacing it (the reads, by search or by the code on its QR, are in `selectors`);
uploading a signer's certificate and unlocking it for one signature.

Files are stored content-addressed (`arsip/<office>/<yyyy>/<mm>/<sha256>.pdf`). Archiving the same
bytes twice returns the row already kept, so a retried issue never makes a second record.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from cryptography.hazmat.primitives import hashes
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from alur.audit.services import record, snapshot
from alur.core.errors import DomainError
from alur.org.access import Capability, active_appointments, require
from alur.org.models import Office, User
from alur.tte import pki
from alur.tte.certificates import (
    UNTRUSTED_ISSUER,
    WRONG_PASSPHRASE,
    certificate_of,
    issued_by_trusted_root,
    open_p12,
    seal_p12,
    trusted_roots,
)
from alur.tte.models import (
    VERIFY_ALPHABET,
    VERIFY_CODE_LENGTH,
    DocumentKind,
    DocumentStatus,
    IssuedDocument,
    SignerCertificate,
)
from alur.tte.signing import SigningError, sha256_hex

__all__ = [
    "certificate_upload",
    "document_archive",
    "document_replace",
    "document_revoke",
    "is_pdf",
    "new_verify_code",
    "unlock_certificate",
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


def unlock_certificate(certificate: SignerCertificate, passphrase: str) -> None:
    """Check the passphrase opens the certificate's key; SigningError otherwise."""
    if not passphrase:
        raise SigningError("Masukkan passphrase sertifikat Anda.", code="wrong_passphrase")
    try:
        open_p12(certificate.p12(), passphrase)
    except DomainError as error:
        if error.code != "wrong_passphrase":
            raise
        raise SigningError(WRONG_PASSPHRASE, code="wrong_passphrase", retryable=True) from error


def _first_office(user: User) -> Office | None:
    first = active_appointments(user).order_by("position__office__code").first()
    return first.position.office if first else None


def certificate_upload(
    *, user: User, p12: bytes, passphrase: str, actor: User | None
) -> SignerCertificate:
    """Check a .p12 (passphrase, validity period, trusted issuer) and keep it sealed for `user`."""
    cert = certificate_of(open_p12(p12, passphrase))
    now = timezone.now()
    if cert.not_valid_after_utc < now:
        raise DomainError("Sertifikat sudah kedaluwarsa.", code="expired")
    if cert.not_valid_before_utc > now:
        raise DomainError("Sertifikat belum berlaku.", code="not_yet_valid")
    if not issued_by_trusted_root(cert, trusted_roots()):
        raise DomainError(UNTRUSTED_ISSUER, code="untrusted")
    fingerprint = cert.fingerprint(hashes.SHA256()).hex()
    office = _first_office(user)
    with transaction.atomic():
        if SignerCertificate.objects.filter(fingerprint_sha256=fingerprint).exists():
            raise DomainError("Sertifikat ini sudah pernah diunggah.", code="duplicate")
        certificate = SignerCertificate.objects.create(
            user=user,
            p12_sealed=seal_p12(p12),
            subject_cn=pki.common_name(cert),
            serial=format(cert.serial_number, "x"),
            issuer_cn=pki.common_name(cert, issuer=True),
            fingerprint_sha256=fingerprint,
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            uploaded_at=now,
        )
        record(
            actor=actor,
            office=office,
            action="letters.certificate_upload",
            obj=certificate,
            after={
                "user": user.pk,
                "subject_cn": certificate.subject_cn,
                "serial": certificate.serial,
                "issuer_cn": certificate.issuer_cn,
                "fingerprint_sha256": fingerprint,
                "not_after": certificate.not_after,
            },
        )
    return certificate
