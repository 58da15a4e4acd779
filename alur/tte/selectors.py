"""The reads of issued documents and signatures: finding a document again (staff by search,
anyone by the code on its QR), the certificate a signer signs with, and the signature block
printed under a document."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from alur.org.access import (
    Capability,
    DataClass,
    active_appointments,
    office_ids_for,
    office_ids_seeing,
)
from alur.org.choices import AppointmentKind
from alur.org.models import Position, User
from alur.org.selectors import holders_of
from alur.tte.models import VERIFY_ALPHABET, DocumentKind, IssuedDocument, SignerCertificate
from alur.tte.pdf import SignatureBlock
from alur.tte.signing import SigningError

__all__ = [
    "archive_search",
    "certificates_of",
    "document_by_code",
    "document_for_download",
    "readable_documents",
    "signature_block",
    "usable_certificate",
    "verification_url",
]

ACTING_PREFIX: dict[str, str] = {AppointmentKind.PLT: "Plt.", AppointmentKind.PLH: "Plh."}


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


def certificates_of(user: User) -> QuerySet[SignerCertificate]:
    """A signer's own certificates, the longest valid first."""
    return SignerCertificate.objects.filter(user=user).order_by("-not_after")


def usable_certificate(user: User) -> SignerCertificate:
    """The certificate `user` signs with now; SigningError telling them why there is none."""
    now = timezone.now()
    certificates = list(SignerCertificate.objects.filter(user=user).order_by("-not_after"))
    for certificate in certificates:
        if certificate.is_usable(now):
            return certificate
    if not certificates:
        raise SigningError(
            "Anda belum memiliki sertifikat elektronik. Unggah berkas .p12 Anda di halaman "
            "Sertifikat TTE.",
            code="no_certificate",
        )
    if all(c.revoked_at is not None for c in certificates):
        raise SigningError("Sertifikat Anda sudah dicabut.", code="revoked")
    raise SigningError("Sertifikat Anda sudah kedaluwarsa atau belum berlaku.", code="expired")


def signature_block(position: Position, signer: User | None) -> SignatureBlock:
    """The signature block: the signer (or the position's current holder on a draft), with
    "Plt."/"Plh." when they act in the position."""
    if signer is None:
        holders = holders_of(position.office, position.kind)
        signer = holders[0] if holders else None
    acting = ""
    if signer is not None:
        appointment = active_appointments(signer).filter(position=position).order_by("kind").first()
        if appointment is not None:
            acting = ACTING_PREFIX.get(appointment.kind, "")
    return SignatureBlock(
        position_title=position.title,
        name=(signer.get_full_name() or signer.username) if signer else "",
        nip=signer.nip if signer else "",
        acting=acting,
    )
