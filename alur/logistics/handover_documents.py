"""The hand-over's documents from the letters templates: the BAST of one kab/kota's share,
drafted by the province with both Kadis as its parties (the province's Kadis signs it first and
the kab/kota's Kadis second; only then can the share be posted), and the kab/kota's "Surat
Pernyataan Bersedia Menerima Hibah", drafted and signed by its Kadis."""

from __future__ import annotations

from django.db import transaction

from alur.core.errors import DomainError
from alur.core.numbers import number
from alur.letters.models import Letter, LetterStatus
from alur.letters.services import LetterInput, letter_create
from alur.logistics.models import AllocationLine
from alur.logistics.permissions import Action, require
from alur.org.models import Office, Position, User
from alur.org.selectors import holders_of

BAST_CLASSIFICATION = "400.12.2.1"  # Pendaftaran Penduduk, identity documents (blanko KTP-el)


def _kadis(office: Office) -> tuple[Position, dict[str, str]]:
    position = (
        Position.objects.filter(office=office, kind="kadis", is_active=True).order_by("pk").first()
    )
    if position is None:
        raise DomainError(f"{office} tidak memiliki jabatan Kepala Dinas untuk BAST.")
    holders = holders_of(office, "kadis")
    holder = holders[0] if holders else None
    party = {
        "name": (holder.get_full_name() if holder else "") or position.title,
        "nip": holder.nip if holder else "",
        "position": position.title,
        "office": office.name,
        "address": office.address,
    }
    return position, party


def _drafted(line: AllocationLine, kind: str) -> Letter | None:
    return (
        Letter.objects.filter(kind=kind, extra__allocation_line=line.pk)
        .exclude(status=LetterStatus.CANCELLED)
        .first()
    )


def bast_for(line: AllocationLine) -> Letter | None:
    """The BAST drafted for `line` and not cancelled, if any."""
    return _drafted(line, "bast")


def hibah_for(line: AllocationLine) -> Letter | None:
    """The hibah statement drafted for `line` and not cancelled, if any."""
    return _drafted(line, "surat_pernyataan")


def _quantity(line: AllocationLine) -> str:
    return number(line.share) + " keping"


def _share(line: AllocationLine, kind: str) -> tuple[AllocationLine, Letter | None]:
    """The share, fresh, and its letter of `kind` if one was drafted; refused for a zero share."""
    line = AllocationLine.objects.select_related("allocation", "allocation__office", "office").get(
        pk=line.pk
    )
    existing = _drafted(line, kind)
    if existing is None and line.share <= 0:
        raise DomainError(f"Porsi {line.office} nol; tidak ada blanko yang diserahterimakan.")
    return line, existing


@transaction.atomic
def bast_draft(*, line: AllocationLine, actor: User) -> Letter:
    """Draft (once) the BAST of `line`'s share; the province's staff then submit and sign it."""
    line, existing = _share(line, "bast")
    require(line.allocation, actor, Action.DRAFT_BAST)
    if existing is not None:
        return existing
    province, target = line.allocation.office, line.office
    signer, first = _kadis(province)
    cosigner, second = _kadis(target)
    item = line.allocation.get_item_display()
    return letter_create(
        office=province,
        actor=actor,
        data=LetterInput(
            kind="bast",
            classification=BAST_CLASSIFICATION,
            subject=f"Serah Terima {item} kepada {target.name}",
            body=(
                f"PIHAK PERTAMA menyerahkan kepada PIHAK KEDUA {item} sesuai daftar pembagian "
                "yang ditetapkan Kepala Dinas, dan PIHAK KEDUA menerimanya dalam keadaan baik."
            ),
            extra={
                "first_party": first,
                "second_party": second,
                "items": [[item, _quantity(line), "baik"]],
                "allocation_line": line.pk,
            },
        ),
        signer=signer,
        cosigner=cosigner,
    )


@transaction.atomic
def hibah_draft(*, line: AllocationLine, actor: User) -> Letter:
    """Draft (once) the kab/kota's statement that it is willing to receive its share as a grant
    (hibah) of the province's goods; its Kadis signs it (no paraf: the signer drafts it)."""
    line, existing = _share(line, "surat_pernyataan")
    if existing is not None:
        return existing
    province, target = line.allocation.office, line.office
    signer, declarant = _kadis(target)
    item = line.allocation.get_item_display()
    return letter_create(
        office=target,
        actor=actor,
        data=LetterInput(
            kind="surat_pernyataan",
            classification=BAST_CLASSIFICATION,
            subject="Surat Pernyataan Bersedia Menerima Hibah",
            body=(
                f"Bersedia menerima hibah barang milik daerah dari {province.name} berupa {item} "
                f"sebanyak {_quantity(line)}, dan bertanggung jawab atas penyimpanan serta "
                "penggunaannya untuk pencetakan dokumen kependudukan."
            ),
            extra={"first_party": declarant, "allocation_line": line.pk},
        ),
        signer=signer,
    )
