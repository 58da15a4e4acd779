"""The ledger: movements with their documents, never negative, never edited, always reconciled."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError
from alur.logistics import ledger
from alur.logistics.choices import Item, MovementKind, RequestStatus
from alur.logistics.ledger import blank_consume
from alur.logistics.models import POSTED_LINE_MESSAGE, LedgerLine, PostedLineError, Stock
from alur.logistics.services.requests import blank_request_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def bangka(office):
    return office("19.01")


def receive(office, quantity: int, item: str = Item.RIBBON) -> LedgerLine:
    return ledger.movement_post(
        office=office,
        item=item,
        kind=MovementKind.RECEIPT,
        quantity=quantity,
        document_ref="SPB/2026/014",
        actor=None,
    )


def test_each_movement_is_a_line_with_its_balance_and_audit(bangka, persona) -> None:
    operator = persona("bangka.operator")
    first = receive(bangka, 5)
    used = blank_consume(bangka, Item.RIBBON, cause="KTP-el 1901015503950001", actor=operator)
    counted = ledger.stock_count_record(
        office=bangka, item=Item.RIBBON, counted=2, document_ref="BA-SO/07", actor=operator
    )
    assert [(x.seq, x.kind, x.quantity, x.balance) for x in (first, used, counted)] == [
        (1, "receipt", 5, 5),
        (2, "issue", -1, 4),
        (3, "adjustment", -2, 2),
    ]
    assert used.cause_type == "text" and used.posted_by == operator
    stock = Stock.objects.get(office=bangka, item=Item.RIBBON)
    assert (stock.balance, stock.last_seq) == (2, 3)
    events = AuditEvent.objects.filter(
        object_type="logistics.ledgerline",
        object_id__in=[str(x.pk) for x in (first, used, counted)],
    )
    assert sorted(events.values_list("action", flat=True)) == [
        "logistics.adjustment",
        "logistics.issue",
        "logistics.receipt",
    ]


def test_consuming_the_last_blank_then_none_left(bangka, persona) -> None:
    operator = persona("bangka.operator")
    ledger.stock_count_record(
        office=bangka, item=Item.KIA, counted=1, document_ref="BA-SO/10", actor=operator
    )
    blank_consume(bangka, Item.KIA, cause="KIA", actor=operator)
    with pytest.raises(DomainError) as refused:
        blank_consume(bangka, Item.KIA, cause="KIA", actor=operator)
    assert refused.value.code == "out_of_stock"
    assert refused.value.message == (
        f"Stok Blanko KIA di {bangka} habis; kartu tidak dapat dicetak. "
        "Ajukan permohonan blanko ke provinsi."
    )
    assert ledger.balance_of(bangka, Item.KIA) == 0


def test_outsiders_cannot_move_an_offices_stock(bangka, persona) -> None:
    for outsider in ("babel.kabid", "metro.operator", "belitung.operator"):
        with pytest.raises(PermissionDenied):
            blank_consume(bangka, Item.KTP_EL, cause="x", actor=persona(outsider))


def test_a_negative_count_is_refused(bangka, persona) -> None:
    with pytest.raises(DomainError) as refused:
        ledger.stock_count_record(
            office=bangka,
            item=Item.KTP_EL,
            counted=-3,
            document_ref="BA-SO/08",
            actor=persona("bangka.operator"),
        )
    assert refused.value.message == "Hasil hitung stok (stok opname) tidak boleh negatif."


def test_a_count_that_matches_posts_no_line_but_is_audited(bangka, persona) -> None:
    balance = ledger.balance_of(bangka, Item.KTP_EL)
    lines = LedgerLine.objects.count()
    assert (
        ledger.stock_count_record(
            office=bangka,
            item=Item.KTP_EL,
            counted=balance,
            document_ref="BA-SO/09",
            actor=persona("bangka.operator"),
        )
        is None
    )
    assert LedgerLine.objects.count() == lines
    assert AuditEvent.objects.filter(action="logistics.count_matched", office=bangka).exists()


def test_every_movement_needs_a_document(bangka) -> None:
    with pytest.raises(DomainError, match="harus memiliki dokumen dasar"):
        ledger.movement_post(
            office=bangka, item=Item.RIBBON, kind="receipt", quantity=1, actor=None
        )
    with pytest.raises(DomainError, match="harus lebih dari 0"):
        ledger.damaged_record(
            office=bangka, item=Item.KTP_EL, quantity=0, document_ref="BA", actor=None
        )
    with pytest.raises(DomainError, match="tidak dapat diposting langsung"):
        ledger.movement_post(
            office=bangka,
            item=Item.RIBBON,
            kind="transfer_in",
            quantity=1,
            document_ref="x",
            actor=None,
        )


def test_damaged_more_than_in_stock_is_refused(bangka) -> None:
    balance = ledger.balance_of(bangka, Item.KTP_EL)
    with pytest.raises(DomainError, match=f"tinggal {balance:,}".replace(",", ".")):
        ledger.damaged_record(
            office=bangka,
            item=Item.KTP_EL,
            quantity=balance + 1,
            document_ref="BA-RUSAK/1",
            actor=None,
        )


def test_an_edit_of_a_posted_line_is_refused_in_the_orm(bangka) -> None:
    line = receive(bangka, 3)
    line.quantity = 300
    with pytest.raises(PostedLineError) as refused:
        line.save()
    assert refused.value.message == POSTED_LINE_MESSAGE
    assert "tidak dapat diubah atau dihapus" in POSTED_LINE_MESSAGE
    with pytest.raises(PostedLineError):
        line.delete()
    with pytest.raises(PostedLineError):
        LedgerLine.objects.filter(pk=line.pk).update(quantity=300)
    with pytest.raises(PostedLineError):
        LedgerLine.objects.filter(pk=line.pk).delete()
    line.refresh_from_db()
    assert line.quantity == 3


def test_an_edit_of_a_posted_line_is_refused_by_the_database(bangka) -> None:
    line = receive(bangka, 3)
    table = LedgerLine._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET quantity = 300 WHERE id = %s", [line.pk])  # noqa: S608
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [line.pk])  # noqa: S608
    line.refresh_from_db()
    assert line.quantity == 3


def _raw_line(stock: Stock, **values) -> LedgerLine:
    fields = {
        "stock": stock,
        "office_id": stock.office_id,
        "item": stock.item,
        "seq": stock.last_seq + 1,
        "kind": MovementKind.ADJUSTMENT,
        "quantity": -1,
        "balance": stock.balance - 1,
        "occurred_on": timezone.localdate(),
        "posted_at": timezone.now(),
        "document_ref": "raw",
    }
    fields.update(values)
    return LedgerLine.objects.bulk_create([LedgerLine(**fields)])[0]


def test_the_database_refuses_a_negative_balance_and_a_line_that_does_not_follow(bangka) -> None:
    receive(bangka, 1)
    stock = Stock.objects.get(office=bangka, item=Item.RIBBON)
    balance = stock.balance
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_line(stock, quantity=-(balance + 1), balance=-1)
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw_line(stock, quantity=1, balance=balance + 5)  # a balance out of thin air
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw_line(stock, seq=stock.last_seq + 2, quantity=1, balance=balance + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_line(stock, kind=MovementKind.RECEIPT, quantity=-1, balance=balance - 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_line(stock, document_ref="", quantity=1, balance=balance + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(pk=stock.pk).update(balance=-1)


def test_requests_carry_their_justification_from_the_ledger(bangka, persona) -> None:
    operator = persona("bangka.operator")
    request = blank_request_submit(
        office=bangka,
        item=Item.KTP_EL,
        quantity=300,
        backlog=120,
        justification="Perekaman sekolah",
        letter_number="470/12/2026",
        actor=operator,
    )
    assert request.stock_on_hand == ledger.balance_of(bangka, Item.KTP_EL)
    assert request.monthly_use > 0  # the demo printed for twelve weeks
    assert request.status == RequestStatus.SUBMITTED
    with pytest.raises(DomainError, match="Tuliskan alasan"):
        blank_request_submit(
            office=bangka,
            item=Item.KTP_EL,
            quantity=3,
            backlog=0,
            justification=" ",
            actor=operator,
        )
    with pytest.raises(PermissionDenied):
        blank_request_submit(
            office=bangka,
            item=Item.KTP_EL,
            quantity=3,
            backlog=0,
            justification="x",
            actor=persona("belitung.operator"),
        )
