"""Shipment and receipt: the Badan Penghubung sends blanks by air, the province collects them at
the airport and takes them into its stock.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.core.numbers import number as n
from alur.logistics import serials
from alur.logistics.choices import Item, MovementKind, ShipmentStatus
from alur.logistics.ledger import (
    Document,
    append_line,
    check_quantity,
    item_label,
    locked_stock,
    require_staff,
)
from alur.logistics.models import Shipment
from alur.org.access import DENIED_MESSAGE, Capability, can, posts_of
from alur.org.choices import PositionKind
from alur.org.models import Office, User
from alur.worktime.calendar import working_intervals_on
from alur.worktime.selectors import calendar_for

AIR_FREIGHT_WORKING_DAYS = 2

# A file as a view reads it: (bytes, the declared type, the sender's file name).
Upload = tuple[bytes, str, str]


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
    check_quantity(quantity, "Jumlah yang dikirim")
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
    from alur.core.uploads import FileRejected, check_upload

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
    require_staff(actor, shipment.office)
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
    require_staff(actor, shipment.office)
    if shipment.status != ShipmentStatus.DISPATCHED:
        raise ConflictError(f"Pengiriman {shipment.waybill} sudah diterima.")
    check_quantity(received, "Jumlah blanko baik", allow_zero=True)
    check_quantity(damaged, "Jumlah blanko rusak", allow_zero=True)
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
    stock = locked_stock(shipment.office, shipment.item)
    document = Document(ref=shipment.waybill, cause=shipment)
    append_line(
        stock,
        kind=MovementKind.RECEIPT,
        quantity=arrived,
        actor=actor,
        document=document,
        note=f"Diterima dari Badan Penghubung ({shipment.carrier})",
    )
    if damaged:
        append_line(
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
