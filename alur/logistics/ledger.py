"""The ledger of blank stock: every movement a line, never negative, never edited.

Each posting runs in one transaction with its audit event. Ledger lines are appended under a row
lock on the office's `Stock` row for the item; a transfer locks its two rows in office-id order so
that two transfers never wait for each other crosswise. The S1 stages (requests, shipments,
allocations, hand-overs) in `alur.logistics.services` post through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Model, Sum
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import DomainError
from alur.core.locking import locked_row
from alur.core.numbers import number as n
from alur.logistics import rules
from alur.logistics.choices import Item, MovementKind
from alur.logistics.models import LedgerLine, Stock
from alur.org.access import Capability, require
from alur.org.models import Office, User
from alur.tte.models import DocumentKind, DocumentStatus, IssuedDocument

MAX_QUANTITY = 10_000_000


class OutOfStock(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="out_of_stock")


def item_label(item: str) -> str:
    try:
        return Item(item).label
    except ValueError:
        raise DomainError(f"Barang '{item}' tidak dikenal.") from None


def check_quantity(quantity: Any, what: str = "Jumlah", *, allow_zero: bool = False) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise DomainError(f"{what} harus bilangan bulat.")
    if quantity < 0:
        raise DomainError(f"{what} tidak boleh negatif.")
    if quantity == 0 and not allow_zero:
        raise DomainError(f"{what} harus lebih dari 0.")
    if quantity > MAX_QUANTITY:
        raise DomainError(f"{what} terlalu besar.")
    return quantity


def require_staff(actor: User | None, office: Office) -> None:
    """`actor` None is the system (demo loading, a channel); a person must be the office's staff."""
    if actor is not None:
        require(actor, Capability.HANDLE_CASES, office)


def _cause_key(cause: Model | str | None) -> tuple[str, str]:
    if cause is None:
        return "", ""
    if isinstance(cause, str):
        return "text", cause[:64]
    if cause.pk is None:
        raise ValueError("the cause of a movement must be saved first")
    return cause._meta.label_lower, str(cause.pk)


# --- the ledger ----------------------------------------------------------------------------


def locked_stock(office: Office, item: str) -> Stock:
    """The office's stock row for `item`, locked for the rest of the transaction."""
    item_label(item)
    return locked_row(Stock, office=office, item=item)


def _out_of_stock(stock: Stock, wanted: int) -> OutOfStock:
    label = item_label(stock.item)
    if stock.balance == 0:
        return OutOfStock(f"Stok {label} di {stock.office} habis.")
    return OutOfStock(
        f"Stok {label} di {stock.office} tinggal {n(stock.balance)}; tidak cukup untuk {n(wanted)}."
    )


@dataclass(frozen=True)
class Document:
    """What stands behind a movement: a number, an archived document, or the causing object."""

    ref: str = ""
    issued: IssuedDocument | None = None
    cause: Model | str | None = None

    def check(self) -> None:
        if not (self.ref.strip() or self.issued is not None or self.cause is not None):
            raise DomainError(
                "Setiap mutasi stok harus memiliki dokumen dasar (nomor dokumen atau berkas)."
            )


def append_line(
    stock: Stock,
    *,
    kind: str,
    quantity: int,
    actor: User | None,
    document: Document,
    occurred_on: date | None = None,
    counterpart: Office | None = None,
    note: str = "",
) -> LedgerLine:
    """Append one line to a locked stock row, with its audit event."""
    document.check()
    new_balance = stock.balance + quantity
    if new_balance < 0:
        raise _out_of_stock(stock, -quantity)
    now = timezone.now()
    today = timezone.localdate(now)
    occurred_on = occurred_on or today
    if occurred_on > today:
        raise DomainError("Tanggal dokumen mutasi tidak boleh di masa depan.")
    cause_type, cause_id = _cause_key(document.cause)
    line = LedgerLine.objects.create(
        stock=stock,
        office_id=stock.office_id,
        item=stock.item,
        seq=stock.last_seq + 1,
        kind=kind,
        quantity=quantity,
        balance=new_balance,
        occurred_on=occurred_on,
        posted_at=now,
        posted_by=actor,
        document_ref=document.ref.strip()[:200],
        document=document.issued,
        cause_type=cause_type,
        cause_id=cause_id,
        counterpart=counterpart,
        note=note.strip(),
    )
    stock.balance, stock.last_seq, stock.updated_at = new_balance, line.seq, now
    stock.save(update_fields=["balance", "last_seq", "updated_at"])
    record(
        actor=actor,
        office=stock.office,
        action=f"logistics.{kind}",
        obj=line,
        after={
            "item": stock.item,
            "seq": line.seq,
            "quantity": quantity,
            "balance": new_balance,
            "document_ref": line.document_ref,
            "document": document.issued.pk if document.issued else None,
            "cause": f"{cause_type}:{cause_id}" if cause_type else "",
            "counterpart": counterpart.code if counterpart else None,
        },
        reason=line.note,
    )
    return line


_SIGN = {
    MovementKind.RECEIPT: 1,
    MovementKind.ISSUE: -1,
    MovementKind.DAMAGED: -1,
}


@transaction.atomic
def movement_post(
    *,
    office: Office,
    item: str,
    kind: str,
    quantity: int,
    actor: User | None,
    document_ref: str = "",
    cause: Model | str | None = None,
    occurred_on: date | None = None,
    note: str = "",
) -> LedgerLine:
    """Post a receipt, an issue to printing or a damaged count of `quantity` (a positive
    number). Transfers go through `handover_post`, stock counts through `stock_count_record`."""
    if kind not in _SIGN:
        raise DomainError(f"Jenis mutasi '{kind}' tidak dapat diposting langsung.")
    check_quantity(quantity)
    require_staff(actor, office)
    stock = locked_stock(office, item)
    return append_line(
        stock,
        kind=kind,
        quantity=_SIGN[MovementKind(kind)] * quantity,
        actor=actor,
        document=Document(ref=document_ref, cause=cause),
        occurred_on=occurred_on,
        note=note,
    )


@transaction.atomic
def blank_consume(
    office: Office, item: str, *, cause: Model | str, actor: User | None
) -> LedgerLine:
    """One blank of `item` used by printing a card (KTP-el, KIA); `cause` is what was printed."""
    require_staff(actor, office)
    stock = locked_stock(office, item)
    if stock.balance < 1:
        raise OutOfStock(
            f"Stok {item_label(item)} di {office} habis; kartu tidak dapat dicetak. "
            "Ajukan permohonan blanko ke provinsi."
        )
    return append_line(
        stock,
        kind=MovementKind.ISSUE,
        quantity=-1,
        actor=actor,
        document=Document(cause=cause),
        note="Pencetakan",
    )


@transaction.atomic
def damaged_record(
    *,
    office: Office,
    item: str,
    quantity: int,
    document_ref: str,
    actor: User | None,
    note: str = "",
) -> LedgerLine:
    """Blanks found damaged (misprint, broken chip): out of stock, with the berita acara."""
    return movement_post(
        office=office,
        item=item,
        kind=MovementKind.DAMAGED,
        quantity=quantity,
        actor=actor,
        document_ref=document_ref,
        note=note,
    )


@transaction.atomic
def stock_count_record(
    *,
    office: Office,
    item: str,
    counted: int,
    document_ref: str,
    actor: User | None,
    note: str = "",
    occurred_on: date | None = None,
) -> LedgerLine | None:
    """A physical stock count (stok opname): the difference to the books becomes a line.

    Returns None when the count matches the books (the count is still audited)."""
    if isinstance(counted, int) and not isinstance(counted, bool) and counted < 0:
        raise DomainError("Hasil hitung stok (stok opname) tidak boleh negatif.")
    check_quantity(counted, "Hasil hitung stok", allow_zero=True)
    require_staff(actor, office)
    document = Document(ref=document_ref)
    document.check()
    stock = locked_stock(office, item)
    difference = counted - stock.balance
    if difference == 0:
        record(
            actor=actor,
            office=office,
            action="logistics.count_matched",
            obj=stock,
            after={"item": item, "counted": counted, "document_ref": document_ref},
            reason=note,
        )
        return None
    return append_line(
        stock,
        kind=MovementKind.ADJUSTMENT,
        quantity=difference,
        actor=actor,
        document=document,
        occurred_on=occurred_on,
        note=note or f"Stok opname: dihitung {n(counted)}",
    )


def check_bast(bast: IssuedDocument | None, source: Office) -> IssuedDocument:
    """The BAST behind a transfer, locked: a valid one, issued by the handing-over office."""
    if bast is None:
        raise DomainError(
            "Serah terima blanko memerlukan Berita Acara Serah Terima (BAST) yang sudah "
            "ditandatangani dan diarsipkan."
        )
    bast = IssuedDocument.objects.select_for_update().get(pk=bast.pk)
    if bast.kind != DocumentKind.BAST:
        raise DomainError(f"Dokumen {bast} bukan Berita Acara Serah Terima (BAST).")
    if bast.status != DocumentStatus.VALID:
        raise DomainError(
            f"BAST {bast} berstatus {bast.get_status_display().lower()}; gunakan BAST yang sah."
        )
    if bast.office_id != source.pk:
        raise DomainError(f"BAST {bast} bukan terbitan {source}, kantor yang menyerahkan.")
    return bast


def transfer_lines(
    *,
    source: Office,
    target: Office,
    item: str,
    quantity: int,
    bast: IssuedDocument,
    actor: User | None,
    cause: Model | None,
) -> tuple[LedgerLine, LedgerLine]:
    """The two lines of a transfer, both stock rows locked in office-id order."""
    if source.pk == target.pk:
        raise DomainError("Kantor asal dan tujuan mutasi tidak boleh sama.")
    first, second = sorted([source, target], key=lambda o: o.pk)
    stocks = {first.pk: locked_stock(first, item), second.pk: locked_stock(second, item)}
    document = Document(ref=bast.number or bast.title, issued=bast, cause=cause)
    out = append_line(
        stocks[source.pk],
        kind=MovementKind.TRANSFER_OUT,
        quantity=-quantity,
        actor=actor,
        document=document,
        counterpart=target,
        note=f"Serah terima ke {target}",
    )
    into = append_line(
        stocks[target.pk],
        kind=MovementKind.TRANSFER_IN,
        quantity=quantity,
        actor=actor,
        document=document,
        counterpart=source,
        note=f"Serah terima dari {source}",
    )
    return out, into


# --- balances ------------------------------------------------------------------------------


def issued_in_window(office: Office, item: str, today: date | None = None) -> int:
    since = (today or timezone.localdate()) - timedelta(days=rules.USE_WINDOW_DAYS)
    total = LedgerLine.objects.filter(
        office=office, item=item, kind=MovementKind.ISSUE, occurred_on__gt=since
    ).aggregate(total=Sum("quantity"))["total"]
    return -(total or 0)


def balance_of(office: Office, item: str) -> int:
    stock = Stock.objects.filter(office=office, item=item).only("balance").first()
    return stock.balance if stock else 0
