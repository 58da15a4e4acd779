"""Every change to blank stock, requests, shipments, allocations and hand-overs.

Each service runs in one transaction with its audit events. Ledger lines are appended under a row
lock on the office's `Stock` row for the item; a transfer locks its two rows in office-id order so
that two transfers never wait for each other crosswise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model, Sum
from django.utils import timezone
from django.utils.formats import date_format

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.core.locking import locked_row
from alur.core.numbers import number as n
from alur.letters.models_archive import DocumentKind, DocumentStatus, IssuedDocument
from alur.logistics import rules, serials
from alur.logistics.choices import (
    AllocationStatus,
    DeliveryMethod,
    Item,
    MovementKind,
    RequestStatus,
    ShipmentStatus,
)
from alur.logistics.models import (
    Allocation,
    AllocationLine,
    BlankRequest,
    LedgerLine,
    Shipment,
    Stock,
)
from alur.org.access import DENIED_MESSAGE, Capability, can, posts_of, require
from alur.org.choices import PositionKind
from alur.org.models import Office, User
from alur.org.selectors import holders_of
from alur.outbox.choices import Channel, Kind
from alur.outbox.services import message_enqueue, normalize_whatsapp_number
from alur.worktime.calendar import working_intervals_on
from alur.worktime.selectors import calendar_for

AIR_FREIGHT_WORKING_DAYS = 2
MAX_QUANTITY = 10_000_000
SHARE_TEMPLATE = "porsi_blanko_ktp_el"  # approved WhatsApp template (utility, one body parameter)

# A file as a view reads it: (bytes, the declared type, the sender's file name).
Upload = tuple[bytes, str, str]


class OutOfStock(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="out_of_stock")


def item_label(item: str) -> str:
    try:
        return Item(item).label
    except ValueError:
        raise DomainError(f"Barang '{item}' tidak dikenal.") from None


def _check_quantity(quantity: Any, what: str = "Jumlah", *, allow_zero: bool = False) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise DomainError(f"{what} harus bilangan bulat.")
    if quantity < 0:
        raise DomainError(f"{what} tidak boleh negatif.")
    if quantity == 0 and not allow_zero:
        raise DomainError(f"{what} harus lebih dari 0.")
    if quantity > MAX_QUANTITY:
        raise DomainError(f"{what} terlalu besar.")
    return quantity


def _require_staff(actor: User | None, office: Office) -> None:
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


def _locked_stock(office: Office, item: str) -> Stock:
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


def _append(
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
    _check_quantity(quantity)
    _require_staff(actor, office)
    stock = _locked_stock(office, item)
    return _append(
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
    _require_staff(actor, office)
    stock = _locked_stock(office, item)
    if stock.balance < 1:
        raise OutOfStock(
            f"Stok {item_label(item)} di {office} habis; kartu tidak dapat dicetak. "
            "Ajukan permohonan blanko ke provinsi."
        )
    return _append(
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
    _check_quantity(counted, "Hasil hitung stok", allow_zero=True)
    _require_staff(actor, office)
    document = Document(ref=document_ref)
    document.check()
    stock = _locked_stock(office, item)
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
    return _append(
        stock,
        kind=MovementKind.ADJUSTMENT,
        quantity=difference,
        actor=actor,
        document=document,
        occurred_on=occurred_on,
        note=note or f"Stok opname: dihitung {n(counted)}",
    )


def _check_bast(bast: IssuedDocument | None, source: Office) -> IssuedDocument:
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


def _transfer(
    *,
    source: Office,
    target: Office,
    item: str,
    quantity: int,
    bast: IssuedDocument,
    actor: User | None,
    cause: Model | None,
) -> tuple[LedgerLine, LedgerLine]:
    if source.pk == target.pk:
        raise DomainError("Kantor asal dan tujuan mutasi tidak boleh sama.")
    first, second = sorted([source, target], key=lambda o: o.pk)
    stocks = {first.pk: _locked_stock(first, item), second.pk: _locked_stock(second, item)}
    document = Document(ref=bast.number or bast.title, issued=bast, cause=cause)
    out = _append(
        stocks[source.pk],
        kind=MovementKind.TRANSFER_OUT,
        quantity=-quantity,
        actor=actor,
        document=document,
        counterpart=target,
        note=f"Serah terima ke {target}",
    )
    into = _append(
        stocks[target.pk],
        kind=MovementKind.TRANSFER_IN,
        quantity=quantity,
        actor=actor,
        document=document,
        counterpart=source,
        note=f"Serah terima dari {source}",
    )
    return out, into


@transaction.atomic
def transfer_post(
    *,
    source: Office,
    target: Office,
    item: str,
    quantity: int,
    bast: IssuedDocument | None,
    actor: User | None,
) -> tuple[LedgerLine, LedgerLine]:
    """Move stock from one office to another, on both ledgers, against a signed BAST of the
    handing-over office. Allocated blanks go through `handover_post`."""
    _check_quantity(quantity)
    if actor is not None and not (
        can(actor, Capability.HANDLE_CASES, source) or can(actor, Capability.HANDLE_CASES, target)
    ):
        raise PermissionDenied(DENIED_MESSAGE)
    bast = _check_bast(bast, source)
    return _transfer(
        source=source,
        target=target,
        item=item,
        quantity=quantity,
        bast=bast,
        actor=actor,
        cause=None,
    )


# --- requests ------------------------------------------------------------------------------


def issued_in_window(office: Office, item: str, today: date | None = None) -> int:
    since = (today or timezone.localdate()) - timedelta(days=rules.USE_WINDOW_DAYS)
    total = LedgerLine.objects.filter(
        office=office, item=item, kind=MovementKind.ISSUE, occurred_on__gt=since
    ).aggregate(total=Sum("quantity"))["total"]
    return -(total or 0)


def balance_of(office: Office, item: str) -> int:
    stock = Stock.objects.filter(office=office, item=item).only("balance").first()
    return stock.balance if stock else 0


@transaction.atomic
def blank_request_submit(
    *,
    office: Office,
    item: str,
    quantity: int,
    backlog: int,
    justification: str,
    actor: User,
    letter_number: str = "",
) -> BlankRequest:
    """A kab/kota asks its province for blanks; stock and monthly use are taken from its ledger."""
    require(actor, Capability.HANDLE_CASES, office)
    item_label(item)
    _check_quantity(quantity, "Jumlah yang diminta")
    _check_quantity(backlog, "Jumlah sudah rekam belum cetak", allow_zero=True)
    if office.parent_id is None:
        raise DomainError(f"{office} tidak memiliki kantor provinsi untuk dimintai blanko.")
    if not justification.strip():
        raise DomainError("Tuliskan alasan permohonan blanko.")
    request = BlankRequest.objects.create(
        office=office,
        item=item,
        quantity=quantity,
        backlog=backlog,
        stock_on_hand=balance_of(office, item),
        monthly_use=rules.monthly_use(issued_in_window(office, item)),
        justification=justification.strip(),
        letter_number=letter_number.strip(),
        requested_at=timezone.now(),
        requested_by=actor,
    )
    record(
        actor=actor,
        office=office,
        action="logistics.request",
        obj=request,
        after={
            "item": item,
            "quantity": quantity,
            "backlog": backlog,
            "stock_on_hand": request.stock_on_hand,
            "monthly_use": request.monthly_use,
            "letter_number": request.letter_number,
        },
    )
    from alur.logistics.rounds import notify_province

    notify_province(request)
    return request


# --- shipment and receipt ------------------------------------------------------------------


def expected_arrival(office: Office, dispatched_at: datetime) -> datetime:
    """About two working days by air: the close of the office's second working day after."""
    cal = calendar_for(office)
    day = timezone.localtime(dispatched_at, cal.timezone).date()
    found = 0
    for _ in range(60):
        day += timedelta(days=1)
        intervals = working_intervals_on(cal, day)
        if intervals:
            found += 1
            if found == AIR_FREIGHT_WORKING_DAYS:
                return intervals[-1][1]
    return datetime.combine(day, time(16), tzinfo=cal.timezone)


def _may_dispatch(actor: User | None, office: Office) -> bool:
    if actor is None:
        return True
    return (office.pk, PositionKind.PENGHUBUNG) in posts_of(actor) or can(
        actor, Capability.HANDLE_CASES, office
    )


@transaction.atomic
def shipment_dispatch(
    *,
    office: Office,
    quantity: int,
    carrier: str,
    waybill: str,
    actor: User | None,
    item: str = Item.KTP_EL,
    serial_text: str = "",
    dispatched_at: datetime | None = None,
    case: Any = None,
    upload: Upload | None = None,
) -> Shipment:
    """The liaison office reports that blanks left by air for `office` (the province), with a
    photo or scan of the air waybill (surat muatan udara) when it has one."""
    if not _may_dispatch(actor, office):
        raise PermissionDenied(DENIED_MESSAGE)
    item_label(item)
    _check_quantity(quantity, "Jumlah yang dikirim")
    if not carrier.strip():
        raise DomainError("Tuliskan ekspedisi atau maskapai pengangkut.")
    if not waybill.strip():
        raise DomainError("Tuliskan nomor surat muatan udara atau resi pengiriman.")
    ranges = serials.parse(serial_text)
    if ranges and serials.count(ranges) != quantity:
        raise DomainError(
            f"Rentang nomor seri berisi {n(serials.count(ranges))} blanko, tidak sama dengan "
            f"jumlah dikirim ({n(quantity)})."
        )
    if case is not None and Shipment.objects.filter(case=case).exists():
        raise ConflictError("Pengiriman untuk perkara ini sudah dicatat.")
    now = timezone.now()
    dispatched_at = dispatched_at or now
    if dispatched_at > now + timedelta(minutes=5):
        raise DomainError("Waktu pengiriman tidak boleh di masa depan.")
    shipment = Shipment.objects.create(
        case=case,
        office=office,
        item=item,
        quantity_shipped=quantity,
        carrier=carrier.strip(),
        waybill=waybill.strip(),
        serials_shipped=ranges,
        dispatched_at=dispatched_at,
        expected_at=expected_arrival(office, dispatched_at),
        dispatched_by=actor,
    )
    digest = _store(shipment, "waybill_scan", upload)
    record(
        actor=actor,
        office=office,
        action="logistics.shipment_dispatch",
        obj=shipment,
        after={
            "item": item,
            "quantity": quantity,
            "carrier": shipment.carrier,
            "waybill": shipment.waybill,
            "serials": ranges,
            "expected_at": shipment.expected_at,
            "waybill_scan_sha256": digest,
        },
    )
    return shipment


def _store(shipment: Shipment, field: str, upload: Upload | None) -> str | None:
    """Keep a photo or scan on the shipment (JPG, PNG or PDF, checked by its bytes); its hash."""
    if upload is None:
        return None
    from alur.intake.files import FileRejected, check_upload

    data, declared, filename = upload
    try:
        checked = check_upload(data, declared_mime=declared, filename=filename)
    except FileRejected as error:
        raise DomainError(error.reason, code="file") from error
    getattr(shipment, field).save(f"berkas.{checked.extension}", ContentFile(data), save=False)
    shipment.save(update_fields=[field])
    return checked.sha256


@transaction.atomic
def shipment_pickup(
    *,
    shipment: Shipment,
    actor: User | None,
    picked_up_at: datetime | None = None,
    note: str = "",
    upload: Upload | None = None,
) -> Shipment:
    """The province's team collected the blanks at the airport when the Badan Penghubung told
    them (step 14): who went (the person recording it, and the names in the note), when, and
    the shipping document they were handed, when there is one."""
    shipment = Shipment.objects.select_for_update().select_related("office").get(pk=shipment.pk)
    _require_staff(actor, shipment.office)
    if shipment.picked_up_at is not None:
        raise ConflictError(f"Penjemputan pengiriman {shipment.waybill} sudah dicatat.")
    now = timezone.now()
    picked_up_at = picked_up_at or now
    if picked_up_at > now + timedelta(minutes=5):
        raise DomainError("Waktu penjemputan tidak boleh di masa depan.")
    if picked_up_at < shipment.dispatched_at:
        raise DomainError("Waktu penjemputan tidak boleh sebelum blanko dikirim.")
    shipment.picked_up_at, shipment.picked_up_by = picked_up_at, actor
    shipment.pickup_note = note.strip()
    shipment.save(update_fields=["picked_up_at", "picked_up_by", "pickup_note"])
    digest = _store(shipment, "pickup_document", upload)
    record(
        actor=actor,
        office=shipment.office,
        action="logistics.shipment_pickup",
        obj=shipment,
        after={"picked_up_at": picked_up_at, "document_sha256": digest},
        reason=shipment.pickup_note,
    )
    return shipment


@transaction.atomic
def shipment_receive(
    *,
    shipment: Shipment,
    received: int,
    damaged: int,
    actor: User | None,
    serial_text: str = "",
    note: str = "",
) -> Shipment:
    """Inspect an arrived shipment and post it to the province's stock: `received` good blanks
    and `damaged` ones (taken in and written off at once, with the inspection as document)."""
    shipment = Shipment.objects.select_for_update().select_related("office").get(pk=shipment.pk)
    _require_staff(actor, shipment.office)
    if shipment.status != ShipmentStatus.DISPATCHED:
        raise ConflictError(f"Pengiriman {shipment.waybill} sudah diterima.")
    _check_quantity(received, "Jumlah blanko baik", allow_zero=True)
    _check_quantity(damaged, "Jumlah blanko rusak", allow_zero=True)
    arrived = received + damaged
    if arrived > shipment.quantity_shipped:
        raise DomainError(
            f"Jumlah diterima ({n(arrived)}: {n(received)} baik, {n(damaged)} rusak) melebihi "
            f"jumlah yang dikirim ({n(shipment.quantity_shipped)})."
        )
    if arrived == 0:
        raise DomainError("Tidak ada blanko yang diterima; catat jumlah yang tiba.")
    ranges = serials.parse(serial_text)
    if ranges:
        if serials.count(ranges) != arrived:
            raise DomainError(
                f"Rentang nomor seri berisi {n(serials.count(ranges))} blanko, tidak sama dengan "
                f"jumlah yang tiba ({n(arrived)})."
            )
        if shipment.serials_shipped and not serials.within(ranges, shipment.serials_shipped):
            raise DomainError("Nomor seri yang diterima tidak termasuk rentang yang dikirim.")
    if arrived < shipment.quantity_shipped and not note.strip():
        raise DomainError(
            f"Blanko yang tiba kurang {n(shipment.quantity_shipped - arrived)} dari yang dikirim; "
            "tuliskan catatan pemeriksaan."
        )
    now = timezone.now()
    shipment.status = ShipmentStatus.RECEIVED
    shipment.received_at, shipment.received_by = now, actor
    shipment.quantity_received, shipment.quantity_damaged = received, damaged
    shipment.serials_received, shipment.receipt_note = ranges, note.strip()
    shipment.save(
        update_fields=[
            "status",
            "received_at",
            "received_by",
            "quantity_received",
            "quantity_damaged",
            "serials_received",
            "receipt_note",
        ]
    )
    stock = _locked_stock(shipment.office, shipment.item)
    document = Document(ref=shipment.waybill, cause=shipment)
    _append(
        stock,
        kind=MovementKind.RECEIPT,
        quantity=arrived,
        actor=actor,
        document=document,
        note=f"Diterima dari Badan Penghubung ({shipment.carrier})",
    )
    if damaged:
        _append(
            stock,
            kind=MovementKind.DAMAGED,
            quantity=-damaged,
            actor=actor,
            document=document,
            note="Rusak saat pemeriksaan penerimaan",
        )
    record(
        actor=actor,
        office=shipment.office,
        action="logistics.shipment_receive",
        obj=shipment,
        after={
            "received": received,
            "damaged": damaged,
            "shortfall": shipment.shortfall,
            "serials": ranges,
        },
        reason=shipment.receipt_note,
    )
    return shipment


# --- allocation ----------------------------------------------------------------------------


def reserved(office: Office, item: str, *, excluding: Allocation | None = None) -> int:
    """Blanks of `office` promised in approved allocations and not yet handed over."""
    lines = AllocationLine.objects.filter(
        allocation__office=office,
        allocation__item=item,
        allocation__status__in=[AllocationStatus.APPROVED, AllocationStatus.PUBLISHED],
        handed_over_at__isnull=True,
    )
    if excluding is not None:
        lines = lines.exclude(allocation=excluding)
    total = 0
    for proposed, approved in lines.values_list("proposed", "approved"):
        total += proposed if approved is None else approved
    return total


def available(office: Office, item: str, *, excluding: Allocation | None = None) -> int:
    return max(0, balance_of(office, item) - reserved(office, item, excluding=excluding))


@transaction.atomic
def allocation_propose(
    *,
    office: Office,
    total: int,
    actor: User | None,
    item: str = Item.KTP_EL,
    cover_days: int = rules.DEFAULT_COVER_DAYS,
    shipment: Shipment | None = None,
    case: Any = None,
) -> Allocation:
    """Propose the split of `total` blanks of the province `office` among its kab/kota."""
    _require_staff(actor, office)
    item_label(item)
    _check_quantity(total, "Jumlah yang dibagi", allow_zero=True)
    _check_quantity(cover_days, "Target ketersediaan (hari)")
    if case is not None and Allocation.objects.filter(case=case).exists():
        raise ConflictError("Usulan pembagian untuk perkara ini sudah dibuat.")
    children = list(Office.objects.filter(parent=office, is_active=True).order_by("code"))
    if not children:
        raise DomainError(f"{office} tidak memiliki kantor kabupaten/kota.")
    free = available(office, item)
    if total > free:
        raise DomainError(
            f"Jumlah yang dibagi ({n(total)}) melebihi stok {item_label(item)} yang tersedia "
            f"di {office} ({n(free)})."
        )
    # The requests the case's round answers (an S1 case), or those still open (no case); the
    # latest of each office wins.
    asked = (
        BlankRequest.objects.filter(case=case, status=RequestStatus.ROUND)
        if case is not None
        else BlankRequest.objects.filter(status=RequestStatus.SUBMITTED)
    )
    requests = {
        r.office_id: r
        for r in asked.filter(office__in=children, item=item).order_by("requested_at", "pk")
    }
    balances = dict(
        Stock.objects.filter(office__in=children, item=item).values_list("office_id", "balance")
    )
    since = timezone.localdate() - timedelta(days=rules.USE_WINDOW_DAYS)
    issued = dict(
        LedgerLine.objects.filter(
            office__in=children, item=item, kind=MovementKind.ISSUE, occurred_on__gt=since
        )
        .values("office_id")
        .annotate(total=Sum("quantity"))
        .values_list("office_id", "total")
    )
    figures = {}
    for child in children:
        request = requests.get(child.pk)
        stock = balances.get(child.pk, 0)
        monthly = rules.monthly_use(-(issued.get(child.pk) or 0))
        backlog = request.backlog if request else 0
        figures[child.code] = (child, request, backlog, stock, monthly)
    needs = {
        code: rules.need(backlog=b, stock=s, monthly_use=m, cover_days=cover_days)
        for code, (_c, _r, b, s, m) in figures.items()
    }
    shares = rules.largest_remainder(total, needs)
    allocation = Allocation.objects.create(
        case=case,
        shipment=shipment,
        office=office,
        item=item,
        total=total,
        cover_days=cover_days,
        proposed_at=timezone.now(),
        proposed_by=actor,
    )
    AllocationLine.objects.bulk_create(
        AllocationLine(
            allocation=allocation,
            office=child,
            request=request,
            backlog=backlog,
            stock=stock,
            monthly_use=monthly,
            need=needs[code],
            proposed=shares[code],
        )
        for code, (child, request, backlog, stock, monthly) in figures.items()
    )
    used = [r.pk for (_c, r, _b, _s, _m) in figures.values() if r is not None]
    BlankRequest.objects.filter(pk__in=used).update(status=RequestStatus.ALLOCATED)
    record(
        actor=actor,
        office=office,
        action="logistics.allocation_propose",
        obj=allocation,
        after={
            "item": item,
            "total": total,
            "cover_days": cover_days,
            "shares": shares,
            "needs": needs,
            "requests": used,
        },
    )
    return allocation


def _locked_allocation(allocation: Allocation) -> Allocation:
    return Allocation.objects.select_for_update().select_related("office").get(pk=allocation.pk)


@transaction.atomic
def allocation_approve(
    *,
    allocation: Allocation,
    actor: User,
    shares: dict[int, int] | None = None,
    reason: str = "",
) -> Allocation:
    """The Kadis approves the proposal, or edits shares (by office id) with a reason."""
    allocation = _locked_allocation(allocation)
    require(actor, Capability.SIGN, allocation.office)
    if allocation.status != AllocationStatus.PROPOSED:
        raise ConflictError(
            f"Pembagian ini sudah {allocation.get_status_display().lower()}; tidak dapat diubah."
        )
    lines = list(allocation.lines.select_related("office").select_for_update(of=("self",)))
    by_office = {line.office_id: line for line in lines}
    shares = dict(shares or {})
    unknown = set(shares) - set(by_office)
    if unknown:
        raise DomainError("Porsi hanya dapat diberikan kepada kabupaten/kota dalam usulan.")
    for office_id, value in shares.items():
        label = f"Porsi {by_office[office_id].office}"
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            raise DomainError(f"{label} tidak boleh negatif.")
        _check_quantity(value, label, allow_zero=True)
    final = {line.office_id: shares.get(line.office_id, line.proposed) for line in lines}
    edited = {k: v for k, v in final.items() if v != by_office[k].proposed}
    if edited and not reason.strip():
        raise DomainError("Tuliskan alasan perubahan porsi pembagian.")
    total = sum(final.values())
    free = available(allocation.office, allocation.item, excluding=allocation)
    if total > free:
        raise DomainError(
            f"Jumlah porsi ({n(total)}) melebihi stok {item_label(allocation.item)} yang tersedia "
            f"di {allocation.office} ({n(free)})."
        )
    for line in lines:
        line.approved = final[line.office_id]
    AllocationLine.objects.bulk_update(lines, ["approved"])
    allocation.status = AllocationStatus.APPROVED
    allocation.approved_at, allocation.approved_by = timezone.now(), actor
    allocation.approval_reason = reason.strip()
    allocation.save(update_fields=["status", "approved_at", "approved_by", "approval_reason"])
    record(
        actor=actor,
        office=allocation.office,
        action="logistics.allocation_approve",
        obj=allocation,
        before={by_office[k].office.code: by_office[k].proposed for k in edited},
        after={"shares": {line.office.code: line.approved for line in lines}, "total": total},
        reason=allocation.approval_reason,
    )
    return allocation


@transaction.atomic
def allocation_publish(*, allocation: Allocation, actor: User | None) -> Allocation:
    """The approved split becomes the allocation list (Daftar Porsi Pembagian)."""
    allocation = _locked_allocation(allocation)
    _require_staff(actor, allocation.office)
    if allocation.status == AllocationStatus.PROPOSED:
        raise DomainError("Porsi pembagian belum disetujui Kepala Dinas.")
    if allocation.status == AllocationStatus.PUBLISHED:
        raise ConflictError("Porsi pembagian sudah ditetapkan.")
    allocation.status, allocation.published_at = AllocationStatus.PUBLISHED, timezone.now()
    allocation.save(update_fields=["status", "published_at"])
    record(
        actor=actor,
        office=allocation.office,
        action="logistics.allocation_publish",
        obj=allocation,
        after={"status": allocation.status},
    )
    return allocation


@transaction.atomic
def allocation_schedule(
    *,
    allocation: Allocation,
    schedule: dict[int, tuple[str, date]],
    actor: User | None,
) -> Allocation:
    """Agree with each kab/kota (by office id) how and when it gets its share."""
    allocation = _locked_allocation(allocation)
    _require_staff(actor, allocation.office)
    if allocation.status != AllocationStatus.PUBLISHED:
        raise DomainError("Jadwal dibuat setelah porsi pembagian ditetapkan.")
    lines = [
        line
        for line in allocation.lines.select_related("office").select_for_update(of=("self",))
        if line.share > 0
    ]
    missing = [str(line.office) for line in lines if line.office_id not in schedule]
    if missing:
        raise DomainError(f"Jadwal serah terima belum diisi untuk: {', '.join(missing)}.")
    today = timezone.localdate()
    changed = {}
    for line in lines:
        method, day = schedule[line.office_id]
        if method not in DeliveryMethod.values:
            raise DomainError(f"Cara serah terima untuk {line.office} tidak dikenal.")
        if day < today:
            raise DomainError(f"Jadwal untuk {line.office} tidak boleh di masa lalu.")
        if line.handed_over_at is not None:
            continue
        line.method, line.scheduled_on = method, day
        changed[line.office.code] = {"method": method, "date": day}
    AllocationLine.objects.bulk_update(lines, ["method", "scheduled_on"])
    record(
        actor=actor,
        office=allocation.office,
        action="logistics.allocation_schedule",
        obj=allocation,
        after=changed,
    )
    return allocation


def share_recipients(office: Office) -> list[tuple[str, str, str]]:
    """Where a kab/kota is told its share, as Alur has it: the WhatsApp number of each person
    holding its Kadis post, and the office's e-mail address. Nothing is guessed."""
    found: list[tuple[str, str, str]] = []
    for user in holders_of(office, PositionKind.KADIS):
        if not user.phone:
            continue
        try:
            number = normalize_whatsapp_number(user.phone)
        except ValidationError:
            continue
        found.append((user.get_full_name() or user.username, Channel.WHATSAPP, number))
    if office.email:
        found.append((office.name, Channel.EMAIL, office.email))
    return found


def share_text(line: AllocationLine, province: Office, reference: str) -> str:
    """The notice of one kab/kota's share and its schedule, on one line (a template parameter
    holds no line breaks)."""
    when = date_format(line.scheduled_on, "l, j F Y") if line.scheduled_on else "-"
    if line.method == DeliveryMethod.DELIVER:
        how = f"diantar petugas provinsi ke kantor Bapak/Ibu pada {when}"
    else:
        where = f"{province.short_name}{', ' + province.city if province.city else ''}"
        how = f"diambil sendiri di {where} pada {when}"
    return (
        f"Yth. Kepala Dinas Dukcapil {line.office}: porsi blanko KTP-el untuk kantor Bapak/Ibu "
        f"{n(line.share)} keping, {how}. Serah terima memerlukan Surat Pernyataan Bersedia "
        "Menerima Hibah yang Bapak/Ibu tandatangani dan BAST yang ditandatangani kedua Kepala "
        f"Dinas di Alur (perkara {reference})."
    )


def _province_whatsapp(office: Office) -> str | None:
    from alur.whatsapp.models import BusinessNumber

    number = (
        BusinessNumber.objects.filter(office=office, is_active=True, is_complaints=False)
        .order_by("pk")
        .first()
    )
    return number.phone_number_id if number else None


@transaction.atomic
def shares_announce(*, allocation: Allocation, actor: User | None) -> int:
    """Step 18: tell each kab/kota with a share its share and schedule, over WhatsApp from the
    province's number and by e-mail, through the outbox. Refused, naming them, when a kab/kota
    has no number or address in Alur: a notice that reaches nobody is not a notice. Returns how
    many messages were queued."""
    allocation = _locked_allocation(allocation)
    _require_staff(actor, allocation.office)
    if allocation.status != AllocationStatus.PUBLISHED:
        raise DomainError("Porsi diberitahukan setelah porsi pembagian ditetapkan.")
    lines = [
        line
        for line in allocation.lines.select_related("office").order_by("office__code")
        if line.share > 0 and line.handed_over_at is None
    ]
    unscheduled = [str(line.office) for line in lines if line.scheduled_on is None]
    if unscheduled:
        raise DomainError(f"Jadwal serah terima belum diisi untuk: {', '.join(unscheduled)}.")
    province = allocation.office
    sender = _province_whatsapp(province)
    plans: list[tuple[AllocationLine, list[tuple[str, str, str]]]] = []
    unreachable = []
    for line in lines:
        recipients = [r for r in share_recipients(line.office) if r[1] == Channel.EMAIL or sender]
        if not recipients:
            unreachable.append(str(line.office))
        plans.append((line, recipients))
    if unreachable:
        why = "" if sender else f" ({province.short_name} juga belum memiliki nomor WhatsApp resmi)"
        raise DomainError(
            f"Porsi belum dapat diberitahukan kepada {', '.join(unreachable)}: Alur tidak "
            "memiliki nomor WhatsApp Kepala Dinas maupun alamat surel kantornya"
            f"{why}. Lengkapi kontaknya, lalu simpan langkah ini lagi."
        )
    reference = allocation.case.reference if allocation.case_id else str(allocation.pk)
    sent: dict[str, list[str]] = {}
    for line, recipients in plans:
        text = share_text(line, province, reference)
        stamp = f"{line.method}:{line.scheduled_on:%Y%m%d}"
        for name, channel, address in recipients:
            dedupe = f"s1-share:{line.pk}:{stamp}:{channel}:{address}"
            if channel == Channel.WHATSAPP:
                assert sender is not None  # noqa: S101 - filtered above
                message_enqueue(
                    office=province,
                    channel=Channel.WHATSAPP,
                    kind=Kind.TEXT,
                    sender=sender,
                    recipient=address,
                    payload={"body": text},
                    template_fallback={
                        "name": SHARE_TEMPLATE,
                        "language": "id",
                        "components": [
                            {"type": "body", "parameters": [{"type": "text", "text": text}]}
                        ],
                    },
                    dedupe_key=dedupe,
                    cause=line,
                    actor=actor,
                )
            else:
                message_enqueue(
                    office=province,
                    channel=Channel.EMAIL,
                    kind=Kind.TEXT,
                    sender=province.email,
                    recipient=address,
                    payload={
                        "subject": f"Porsi blanko KTP-el {line.office}",
                        "body": f"Yth. {name},\n\n{text}\n\n{province.name}",
                    },
                    dedupe_key=dedupe,
                    cause=line,
                    actor=actor,
                )
            sent.setdefault(line.office.code, []).append(channel)
    record(
        actor=actor,
        office=province,
        action="logistics.shares_announce",
        obj=allocation,
        after={"notified": sent},
    )
    return sum(len(channels) for channels in sent.values())


# --- hand-over -----------------------------------------------------------------------------


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
    bast = _check_bast(bast, source)
    if AllocationLine.objects.filter(bast=bast).exclude(pk=line.pk).exists():
        raise DomainError(f"BAST {bast} sudah dipakai untuk serah terima lain.")
    hibah = _check_hibah(hibah, target)
    if AllocationLine.objects.filter(hibah=hibah).exclude(pk=line.pk).exists():
        raise DomainError(f"Surat pernyataan {hibah} sudah dipakai untuk serah terima lain.")
    _transfer(
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
