"""Demo blank stock: the Bangka Belitung province office and its kab/kota (an opening stock
count, three months of printing, and S1 requests waiting at the province), and every other
office whose SOPs print cards (Way Kanan, Kota Metro). Idempotent: each office is stocked once,
and a kab/kota asks once while it has a request open."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from alur.logistics import ledger
from alur.logistics.choices import Item, MovementKind, RequestStatus
from alur.logistics.models import BlankRequest, Stock
from alur.logistics.services.requests import blank_request_submit
from alur.org.choices import PositionKind
from alur.org.models import Office
from alur.org.selectors import holders_of
from alur.sop.selectors import newest_revisions
from alur.workflow.sop_spec import spec_for

PROVINCE = "19"
OPENING = {Item.KTP_EL: 1200, Item.KIA: 400, Item.RIBBON: 12}
WEEKS = 12
PRINT_ACTION = "documents.print"
# The printers' cards and the blank each takes (alur.documents.choices.CARDS).
CARD_ITEMS = (Item.KTP_EL, Item.KIA)


def _figure(code: str, low: int, spread: int) -> int:
    return low + (int(code.replace(".", "")) * 37) % spread


def printing_offices() -> list[Office]:
    """The offices whose SOPs print cards on blanks (a `documents.print` step)."""
    codes = {
        revision.office_code
        for revision in newest_revisions()
        if any(step.action == PRINT_ACTION for step in spec_for(revision).steps)
    }
    return list(Office.objects.filter(code__in=codes, is_active=True).order_by("code"))


def _count(office: Office, item: str, counted: int, start: date) -> None:
    ledger.stock_count_record(
        office=office,
        item=item,
        counted=counted,
        document_ref=f"BA-SO/{office.code}/{start:%Y}/001",
        note="Saldo awal (stok opname)",
        occurred_on=start,
        actor=None,
    )


def _printing(office: Office, weekly: int, start: date) -> None:
    """Twelve weeks of KTP-el printing, one recap line a week."""
    for week in range(1, WEEKS + 1):
        left = ledger.balance_of(office, Item.KTP_EL)
        if left == 0:
            break
        ledger.movement_post(
            office=office,
            item=Item.KTP_EL,
            kind=MovementKind.ISSUE,
            quantity=min(weekly, left),
            document_ref=f"Rekap cetak KTP-el minggu {week}",
            occurred_on=start + timedelta(weeks=week) - timedelta(days=1),
            actor=None,
        )


def _stock_office(office: Office, start: date) -> bool:
    """An opening count of KTP-el and KIA blanks and twelve weeks of printing; False when the
    office already has stock."""
    if Stock.objects.filter(office=office).exists():
        return False
    opening = _figure(office.code, 250, 300)
    _count(office, Item.KTP_EL, opening, start)
    _count(office, Item.KIA, opening // 3, start)
    _printing(office, _figure(office.code, 8, 25), start)
    return True


def _request(office: Office, index: int, today: date) -> None:
    """A kab/kota whose stock runs short asks the province (once while a request is open)."""
    if BlankRequest.objects.filter(
        office=office, status__in=[RequestStatus.SUBMITTED, RequestStatus.ROUND]
    ).exists():
        return
    operators = holders_of(office, PositionKind.OPERATOR)
    if not operators:
        return
    weekly = _figure(office.code, 8, 25)
    blank_request_submit(
        office=office,
        item=Item.KTP_EL,
        quantity=weekly * 8,
        backlog=_figure(office.code, 40, 160),
        justification="Perekaman meningkat menjelang pemilihan kepala daerah; stok tidak cukup "
        "untuk dua bulan.",
        letter_number=f"470/{100 + index}/Disdukcapil/{today:%Y}",
        actor=operators[0],
    )


@transaction.atomic
def load_demo_stock() -> None:
    today = timezone.localdate()
    start = today - timedelta(weeks=WEEKS)
    province = Office.objects.filter(code=PROVINCE).first()
    if province is not None and not Stock.objects.filter(office=province).exists():
        for item, quantity in OPENING.items():
            _count(province, item, quantity, start)
    children = (
        list(Office.objects.filter(parent=province, is_active=True).order_by("code"))
        if province
        else []
    )
    for index, office in enumerate(children):
        if _stock_office(office, start) and index % 2 == 0:
            _request(office, index, today)
    for office in printing_offices():
        _stock_office(office, start)
