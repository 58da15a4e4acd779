"""Demo blank stock for the Bangka Belitung province office and its kab/kota: an opening stock
count, three months of printing, and a few open requests. Idempotent: done once per database."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from alur.logistics import services
from alur.logistics.choices import Item, MovementKind
from alur.logistics.models import Stock
from alur.org.choices import PositionKind
from alur.org.models import Office
from alur.org.selectors import holders_of

PROVINCE = "19"
OPENING = {Item.KTP_EL: 1200, Item.KIA: 400, Item.RIBBON: 12}
WEEKS = 12


def _figure(code: str, low: int, spread: int) -> int:
    return low + (int(code.replace(".", "")) * 37) % spread


@transaction.atomic
def load_demo_stock() -> None:
    province = Office.objects.filter(code=PROVINCE).first()
    if province is None or Stock.objects.filter(office=province).exists():
        return
    today = timezone.localdate()
    start = today - timedelta(weeks=WEEKS)
    for item, quantity in OPENING.items():
        services.stock_count_record(
            office=province,
            item=item,
            counted=quantity,
            document_ref=f"BA-SO/{PROVINCE}/{start:%Y}/001",
            note="Saldo awal (stok opname)",
            occurred_on=start,
            actor=None,
        )
    children = Office.objects.filter(parent=province, is_active=True).order_by("code")
    for index, office in enumerate(children):
        opening = _figure(office.code, 250, 300)
        weekly = _figure(office.code, 8, 25)
        services.stock_count_record(
            office=office,
            item=Item.KTP_EL,
            counted=opening,
            document_ref=f"BA-SO/{office.code}/{start:%Y}/001",
            note="Saldo awal (stok opname)",
            occurred_on=start,
            actor=None,
        )
        services.stock_count_record(
            office=office,
            item=Item.KIA,
            counted=opening // 3,
            document_ref=f"BA-SO/{office.code}/{start:%Y}/001",
            note="Saldo awal (stok opname)",
            occurred_on=start,
            actor=None,
        )
        for week in range(1, WEEKS + 1):
            left = services.balance_of(office, Item.KTP_EL)
            if left == 0:
                break
            services.movement_post(
                office=office,
                item=Item.KTP_EL,
                kind=MovementKind.ISSUE,
                quantity=min(weekly, left),
                document_ref=f"Rekap cetak KTP-el minggu {week}",
                occurred_on=start + timedelta(weeks=week) - timedelta(days=1),
                actor=None,
            )
        operators = holders_of(office, PositionKind.OPERATOR)
        if operators and index % 2 == 0:
            services.blank_request_submit(
                office=office,
                item=Item.KTP_EL,
                quantity=weekly * 8,
                backlog=_figure(office.code, 40, 160),
                justification="Perekaman meningkat menjelang pemilihan kepala daerah; "
                "stok tidak cukup untuk dua bulan.",
                letter_number=f"470/{100 + index}/Disdukcapil/{today:%Y}",
                actor=operators[0],
            )
