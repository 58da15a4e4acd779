"""Allocation: the province splits its stock among its kab/kota, the Kadis approves the split,
the list is published and each hand-over is scheduled.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.core.numbers import number as n
from alur.logistics import permissions, rules
from alur.logistics.choices import (
    AllocationStatus,
    DeliveryMethod,
    Item,
    MovementKind,
    RequestStatus,
)
from alur.logistics.ledger import balance_of, check_quantity, item_label, require_staff
from alur.logistics.models import (
    Allocation,
    AllocationLine,
    BlankRequest,
    LedgerLine,
    Shipment,
    Stock,
)
from alur.logistics.permissions import Action
from alur.org.models import Office, User


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


def locked_allocation(allocation: Allocation) -> Allocation:
    """The allocation, re-read and locked for the rest of the transaction."""
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
    allocation = locked_allocation(allocation)
    permissions.require(allocation, actor, Action.APPROVE)
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
    allocation = locked_allocation(allocation)
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
    allocation = locked_allocation(allocation)
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
