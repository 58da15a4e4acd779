"""Two printers take the office's last blank at the same moment: one prints, one is told."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from alur.core.errors import DomainError
from alur.logistics import ledger
from alur.logistics.choices import Item
from alur.logistics.models import LedgerLine, Stock
from alur.org.models import Office, User


def race(office: Office, operator: User) -> list[str]:
    barrier = threading.Barrier(2)
    results: list[str] = []

    def issue(number: int) -> None:
        try:
            barrier.wait(timeout=10)
            ledger.blank_consume(office, Item.KTP_EL, cause=f"cetak {number}", actor=operator)
            results.append("printed")
        except DomainError as error:
            results.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgres
def test_two_concurrent_issues_of_the_last_blank(demo_transactional) -> None:
    bangka = Office.objects.get(code="19.01")
    operator = User.objects.get(username="bangka.operator")
    for _round in range(3):
        ledger.stock_count_record(
            office=bangka, item=Item.KTP_EL, counted=1, document_ref="BA-SO/uji", actor=operator
        )
        results = race(bangka, operator)
        assert sorted(results) == ["out_of_stock", "printed"], results
        stock = Stock.objects.get(office=bangka, item=Item.KTP_EL)
        assert stock.balance == 0
        last = LedgerLine.objects.filter(stock=stock).order_by("-seq").first()
        assert last.balance == 0 and last.kind == "issue"
