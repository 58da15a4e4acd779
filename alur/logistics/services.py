"""The S1 stages of blank stock: requests, shipments, allocations and hand-overs.

Each service runs in one transaction with its audit events; stock moves through the ledger
(`alur.logistics.ledger`), which locks and appends the lines.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
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
from alur.logistics.ledger import (
    Document,
    append_line,
    balance_of,
    check_bast,
    check_quantity,
    issued_in_window,
    item_label,
    locked_stock,
    require_staff,
    transfer_lines,
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
from alur.outbox.content import whatsapp_text
from alur.outbox.services import message_enqueue, normalize_whatsapp_number, whatsapp_enqueue
from alur.worktime.calendar import working_intervals_on
from alur.worktime.selectors import calendar_for

AIR_FREIGHT_WORKING_DAYS = 2
SHARE_TEMPLATE = "porsi_blanko_ktp_el"  # approved WhatsApp template (utility, one body parameter)

# A file as a view reads it: (bytes, the declared type, the sender's file name).
Upload = tuple[bytes, str, str]


# --- requests ------------------------------------------------------------------------------


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
    check_quantity(quantity, "Jumlah yang diminta")
    check_quantity(backlog, "Jumlah sudah rekam belum cetak", allow_zero=True)
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
    require_staff(actor, office)
    item_label(item)
    check_quantity(total, "Jumlah yang dibagi", allow_zero=True)
    check_quantity(cover_days, "Target ketersediaan (hari)")
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
        check_quantity(value, label, allow_zero=True)
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
    require_staff(actor, allocation.office)
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
    require_staff(actor, allocation.office)
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
    require_staff(actor, allocation.office)
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
                whatsapp_enqueue(
                    office=province,
                    sender=sender,
                    recipient=address,
                    content=whatsapp_text(text, template=SHARE_TEMPLATE),
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
