"""Hand-over: a kab/kota's share moves out of the province's ledger into its own, against a BAST
and a signed hibah statement.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.logistics.choices import AllocationStatus
from alur.logistics.ledger import check_bast, transfer_lines
from alur.logistics.models import AllocationLine
from alur.org.access import DENIED_MESSAGE, Capability, can
from alur.org.models import Office, User
from alur.tte.models import DocumentKind, DocumentStatus, IssuedDocument

HIBAH_MISSING = (
    "Serah terima blanko memerlukan Surat Pernyataan Bersedia Menerima Hibah yang sudah "
    "ditandatangani Kepala Dinas kabupaten/kota penerima."
)


def _check_hibah(hibah: IssuedDocument | None, receiver: Office) -> IssuedDocument:
    if hibah is None:
        raise DomainError(HIBAH_MISSING)
    hibah = IssuedDocument.objects.select_for_update().get(pk=hibah.pk)
    if hibah.kind != DocumentKind.SURAT_PERNYATAAN:
        raise DomainError(f"Dokumen {hibah} bukan surat pernyataan bersedia menerima hibah.")
    if hibah.status != DocumentStatus.VALID:
        raise DomainError(f"Surat pernyataan {hibah} tidak sah lagi.")
    if hibah.office_id != receiver.pk:
        raise DomainError(f"Surat pernyataan {hibah} bukan terbitan {receiver}.")
    return hibah


@transaction.atomic
def handover_post(
    *,
    line: AllocationLine,
    bast: IssuedDocument | None,
    actor: User | None,
    hibah: IssuedDocument | None = None,
) -> AllocationLine:
    """Hand a kab/kota its share: out of the province's ledger and into the kab/kota's, only
    against a valid BAST issued by the province and signed by both Kadis, and the kab/kota's
    signed statement that it is willing to receive the blanks as a grant (hibah)."""
    line = (
        AllocationLine.objects.select_for_update(of=("self",))
        .select_related("allocation", "allocation__office", "office")
        .get(pk=line.pk)
    )
    allocation = line.allocation
    source, target = allocation.office, line.office
    if actor is not None and not (
        can(actor, Capability.HANDLE_CASES, source) or can(actor, Capability.HANDLE_CASES, target)
    ):
        raise PermissionDenied(DENIED_MESSAGE)
    if line.handed_over_at is not None:
        raise ConflictError(f"Porsi {target} sudah diserahterimakan.")
    if allocation.status != AllocationStatus.PUBLISHED:
        raise DomainError("Serah terima dilakukan setelah porsi pembagian ditetapkan.")
    if line.share <= 0:
        raise DomainError(f"Porsi {target} nol; tidak ada blanko yang diserahterimakan.")
    bast = check_bast(bast, source)
    if AllocationLine.objects.filter(bast=bast).exclude(pk=line.pk).exists():
        raise DomainError(f"BAST {bast} sudah dipakai untuk serah terima lain.")
    hibah = _check_hibah(hibah, target)
    if AllocationLine.objects.filter(hibah=hibah).exclude(pk=line.pk).exists():
        raise DomainError(f"Surat pernyataan {hibah} sudah dipakai untuk serah terima lain.")
    transfer_lines(
        source=source,
        target=target,
        item=allocation.item,
        quantity=line.share,
        bast=bast,
        actor=actor,
        cause=line,
    )
    line.handed_over_at, line.handed_over_by = timezone.now(), actor
    line.bast, line.hibah = bast, hibah
    line.save(update_fields=["handed_over_at", "handed_over_by", "bast", "hibah"])
    record(
        actor=actor,
        office=source,
        action="logistics.handover",
        obj=line,
        after={
            "to": target.code,
            "item": allocation.item,
            "quantity": line.share,
            "bast": bast.pk,
            "hibah": hibah.pk,
        },
    )
    return line
