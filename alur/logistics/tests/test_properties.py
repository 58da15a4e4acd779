"""Properties: random movements never drive stock negative and always reconcile; the allocation
rule always gives out exactly what was received."""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alur.core.errors import DomainError
from alur.logistics import ledger, rules
from alur.logistics.choices import Item, MovementKind
from alur.logistics.models import LedgerLine, Stock
from alur.logistics.services.allocation import allocation_propose, available
from alur.logistics.tests.conftest import archived
from alur.org.models import Office

OFFICES = ("19", "19.01", "19.02")
ITEM = Item.RIBBON

office_index = st.integers(min_value=0, max_value=len(OFFICES) - 1)
amount = st.integers(min_value=-3, max_value=40)
operation = st.one_of(
    st.tuples(st.just("receipt"), office_index, amount),
    st.tuples(st.just("issue"), office_index, amount),
    st.tuples(st.just("damaged"), office_index, amount),
    st.tuples(st.just("count"), office_index, amount),
    st.tuples(st.just("consume"), office_index, st.just(1)),
    st.tuples(st.just("transfer"), office_index, amount, office_index),
)


def _apply(op: tuple, offices: list[Office], basts: list) -> None:
    kind, index, quantity, *rest = op
    office = offices[index]
    if kind in ("receipt", "issue", "damaged"):
        ledger.movement_post(
            office=office,
            item=ITEM,
            kind=kind,
            quantity=quantity,
            document_ref="BA/uji",
            actor=None,
        )
    elif kind == "count":
        ledger.stock_count_record(
            office=office, item=ITEM, counted=quantity, document_ref="BA-SO/uji", actor=None
        )
    elif kind == "consume":
        ledger.blank_consume(office, ITEM, cause="cetak uji", actor=None)
    else:
        # The two lines S1's hand-over posts (`services.handover`), against the handing-over
        # office's own BAST.
        ledger.check_quantity(quantity)
        ledger.transfer_lines(
            source=office,
            target=offices[rest[0]],
            item=ITEM,
            quantity=quantity,
            bast=ledger.check_bast(basts[index], office),
            actor=None,
            cause=None,
        )


def _expected(op: tuple, books: list[int]) -> list[int] | None:
    """The balances after `op` on the model of the books; None when it must be refused."""
    kind, index, quantity, *rest = op
    after = list(books)
    if kind == "count":
        if quantity < 0:
            return None
        after[index] = quantity
        return after
    if kind == "consume":
        quantity = 1
    if quantity <= 0:
        return None
    if kind == "receipt":
        after[index] += quantity
        return after
    if kind == "transfer":
        target = rest[0]
        if target == index or quantity > books[index]:
            return None
        after[index] -= quantity
        after[target] += quantity
        return after
    if quantity > books[index]:
        return None
    after[index] -= quantity
    return after


def _reconciles(offices: list[Office]) -> list[int]:
    balances = []
    for office in offices:
        stock = Stock.objects.filter(office=office, item=ITEM).first()
        lines = LedgerLine.objects.filter(office=office, item=ITEM)
        if stock is None:
            assert not lines.exists()
            balances.append(0)
            continue
        total = lines.aggregate(total=Sum("quantity"))["total"] or 0
        last = lines.order_by("-seq").first()
        assert stock.balance >= 0
        assert stock.balance == total == (last.balance if last else 0)
        assert stock.last_seq == lines.count()
        assert not lines.filter(balance__lt=0).exists()
        balances.append(stock.balance)
    return balances


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, min_size=1, max_size=14))
def test_random_movements_never_go_negative_and_always_reconcile(ops) -> None:
    with transaction.atomic():
        offices = [Office.objects.get(code=code) for code in OFFICES]
        basts = [archived(office) for office in offices]
        books = _reconciles(offices)
        for op in ops:
            expected = _expected(op, books)
            try:
                with transaction.atomic():
                    _apply(op, offices, basts)
            except DomainError:
                assert expected is None, op
            else:
                assert expected is not None, op
                books = expected
            assert _reconciles(offices) == books
        transaction.set_rollback(True)


weights = st.dictionaries(
    st.from_regex(r"19\.[0-9]{2}", fullmatch=True), st.integers(0, 5000), min_size=1, max_size=9
)


@settings(max_examples=300, deadline=None)
@given(total=st.integers(0, 100_000), weights=weights)
def test_largest_remainder_gives_out_exactly_the_total(total, weights) -> None:
    shares = rules.largest_remainder(total, weights)
    assert set(shares) == set(weights)
    assert sum(shares.values()) == total
    effective = weights if sum(weights.values()) else dict.fromkeys(weights, 1)
    whole = sum(effective.values())
    for key, share in shares.items():
        quota = Fraction(total * effective[key], whole)
        assert quota - 1 < share < quota + 1  # never more than one blank from the exact quota
        if effective[key] == 0:
            assert share == 0


@settings(max_examples=200, deadline=None)
@given(
    backlog=st.integers(0, 10_000),
    stock=st.integers(0, 10_000),
    monthly=st.integers(0, 10_000),
    cover=st.integers(1, 180),
)
def test_need_is_never_negative_and_grows_with_backlog(backlog, stock, monthly, cover) -> None:
    need = rules.need(backlog=backlog, stock=stock, monthly_use=monthly, cover_days=cover)
    assert need >= 0
    more = rules.need(backlog=backlog + 1, stock=stock, monthly_use=monthly, cover_days=cover)
    assert more >= need


@pytest.mark.django_db
def test_a_proposal_sums_to_the_received_total(office, persona) -> None:
    province = office("19")
    ledger.movement_post(
        office=province,
        item=Item.KIA,
        kind=MovementKind.RECEIPT,
        quantity=777,
        document_ref="SMU 126-000",
        actor=None,
    )
    allocation = allocation_propose(
        office=province, item=Item.KIA, total=777, actor=persona("babel.kasi")
    )
    lines = list(allocation.lines.all())
    assert len(lines) == 7 and sum(line.proposed for line in lines) == 777
    for line in lines:
        assert line.need == rules.need(
            backlog=line.backlog,
            stock=line.stock,
            monthly_use=line.monthly_use,
            cover_days=allocation.cover_days,
        )
    free = available(province, Item.KIA)
    with pytest.raises(DomainError, match="melebihi stok Blanko KIA yang tersedia"):
        allocation_propose(
            office=province, item=Item.KIA, total=free + 1, actor=persona("babel.kasi")
        )
