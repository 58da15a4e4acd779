"""Reading blank stock, scoped by `org.access`: the aggregate report capability reaches the
kab/kota of a province, so the province's staff see every kab/kota's stock position."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from alur.logistics import rules
from alur.logistics.choices import AllocationStatus, MovementKind
from alur.logistics.models import Allocation, AllocationLine, BlankRequest, LedgerLine, Stock
from alur.org.access import Capability, office_ids_for
from alur.org.choices import OfficeLevel
from alur.org.models import Office, User

READ = Capability.VIEW_REPORTS


def reachable(user: User | AnonymousUser) -> QuerySet[Office]:
    return Office.objects.filter(id__in=office_ids_for(user, READ)).order_by("code")


def office_for(user: User | AnonymousUser, code: str) -> Office:
    office = Office.objects.filter(code=code, id__in=office_ids_for(user, READ)).first()
    if office is None:
        raise Http404("Kantor tidak ditemukan.")
    return office


def default_office(user: User | AnonymousUser) -> Office | None:
    """The highest office in reach (a province before its kab/kota)."""
    rank: dict[str, int] = {
        OfficeLevel.NATIONAL: 0,
        OfficeLevel.PROVINCE: 1,
        OfficeLevel.REGENCY: 2,
    }
    offices = list(reachable(user))
    if not offices:
        return None
    return min(offices, key=lambda o: (rank.get(o.level, 3), o.code))


@dataclass(frozen=True)
class Position:
    office: Office
    balance: int
    monthly_use: int
    days_of_cover: int | None
    last_movement: date | None


def position(user: User | AnonymousUser, office: Office, item: str) -> list[Position]:
    """The stock of `office` and of its kab/kota (those in reach), for one item. Three queries."""
    ids = office_ids_for(user, READ)
    offices = list(
        Office.objects.filter(id__in=ids)
        .filter(Q(pk=office.pk) | Q(parent=office))
        .order_by("code")
    )
    since = timezone.localdate() - timedelta(days=rules.USE_WINDOW_DAYS)
    stocks = {
        s["office_id"]: s
        for s in Stock.objects.filter(office__in=offices, item=item)
        .annotate(
            last=Subquery(
                LedgerLine.objects.filter(stock=OuterRef("pk"))
                .order_by("-seq")
                .values("occurred_on")[:1]
            ),
            issued=Sum(
                "lines__quantity",
                filter=Q(lines__kind=MovementKind.ISSUE, lines__occurred_on__gt=since),
            ),
        )
        .values("office_id", "balance", "last", "issued")
    }
    rows = []
    for each in offices:
        stock = stocks.get(each.pk, {})
        balance = stock.get("balance", 0)
        monthly = rules.monthly_use(-(stock.get("issued") or 0))
        rows.append(
            Position(
                each, balance, monthly, rules.days_of_cover(balance, monthly), stock.get("last")
            )
        )
    return rows


def ledger(user: User | AnonymousUser, office: Office, item: str) -> QuerySet[LedgerLine]:
    if office.pk not in office_ids_for(user, READ):
        raise Http404("Kantor tidak ditemukan.")
    return (
        LedgerLine.objects.filter(office=office, item=item)
        .select_related("posted_by", "counterpart", "document")
        .order_by("seq")
    )


@dataclass(frozen=True)
class StockCheck:
    stock: Stock
    lines: int
    sum_of_lines: int
    last_balance: int

    @property
    def ok(self) -> bool:
        return self.stock.balance == self.sum_of_lines == self.last_balance and (
            self.lines == self.stock.last_seq
        )


def stock_checks(user: User | AnonymousUser) -> list[StockCheck]:
    """Each stock in reach: its balance against the sum of its lines and its last line. One
    query."""
    stocks = (
        Stock.objects.filter(office_id__in=office_ids_for(user, READ))
        .select_related("office")
        .annotate(
            n_lines=Count("lines"),
            total=Sum("lines__quantity"),
            last_balance=Subquery(
                LedgerLine.objects.filter(stock=OuterRef("pk"))
                .order_by("-seq")
                .values("balance")[:1]
            ),
        )
        .order_by("office__code", "item")
    )
    return [StockCheck(s, s.n_lines, s.total or 0, s.last_balance or 0) for s in stocks]


@dataclass(frozen=True)
class AllocationCheck:
    allocation: Allocation
    received: int
    allocated: int
    handed_over: int

    @property
    def pending(self) -> int:
        return self.allocated - self.handed_over


def allocation_checks(user: User | AnonymousUser) -> list[AllocationCheck]:
    """Received vs. allocated vs. handed over, per allocation in reach. Two queries."""
    allocations = list(
        Allocation.objects.filter(office_id__in=office_ids_for(user, READ))
        .select_related("office", "shipment")
        .order_by("-proposed_at")[:50]
    )
    lines = AllocationLine.objects.filter(allocation__in=allocations).values_list(
        "allocation_id", "proposed", "approved", "handed_over_at"
    )
    allocated: dict[int, int] = {}
    handed: dict[int, int] = {}
    for allocation_id, proposed, approved, handed_over_at in lines:
        share = proposed if approved is None else approved
        allocated[allocation_id] = allocated.get(allocation_id, 0) + share
        if handed_over_at is not None:
            handed[allocation_id] = handed.get(allocation_id, 0) + share
    return [
        AllocationCheck(
            a,
            a.shipment.quantity_received or 0 if a.shipment else a.total,
            allocated.get(a.pk, 0) if a.status != AllocationStatus.PROPOSED else 0,
            handed.get(a.pk, 0),
        )
        for a in allocations
    ]


def requests_for(user: User | AnonymousUser) -> QuerySet[BlankRequest]:
    return (
        BlankRequest.objects.filter(office_id__in=office_ids_for(user, READ))
        .select_related("office", "requested_by")
        .order_by("-requested_at", "-pk")
    )


# --- S1 rounds -----------------------------------------------------------------------------


def s1_office() -> Office | None:
    """The province office that runs S1 (the owner of the SOP's newest revision)."""
    from alur.sop.models import SopRevision

    revision = (
        SopRevision.objects.filter(code="S1").order_by("-revision").only("office_code").first()
    )
    return Office.objects.filter(code=revision.office_code).first() if revision else None


def round_office(user: User | AnonymousUser) -> Office | None:
    """The S1 office when the person works there (may start or join a round); else None."""
    office = s1_office()
    if office is None or office.pk not in office_ids_for(user, Capability.HANDLE_CASES):
        return None
    return office


@dataclass(frozen=True)
class ShareNotice:
    channel: str
    recipient: str
    status: str
    error: str


def share_notices(lines: list[AllocationLine]) -> dict[int, list[ShareNotice]]:
    """The step-18 notices of these shares (one query), by line: channel, masked recipient,
    status."""
    from alur.outbox.models import OutboundMessage

    found: dict[int, list[ShareNotice]] = {}
    messages = OutboundMessage.objects.filter(
        object_type=AllocationLine._meta.label_lower,
        object_id__in=[str(line.pk) for line in lines],
    ).order_by("created_at", "pk")
    for message in messages:
        found.setdefault(int(message.object_id), []).append(
            ShareNotice(
                message.get_channel_display(),
                message.masked_recipient,
                message.get_status_display(),
                message.last_error,
            )
        )
    return found
