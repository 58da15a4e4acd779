"""The gapless counters: one sequence per scope, taken under a row lock, given back on rollback;
and the migrations that moved the four apps' own counter tables into them."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from alur.core.counters import CounterExhausted, counter_hold, counter_last, counter_next

# The apps whose counter table a migration ending in "_to_core" moved into core.Counter.
MOVED = ("letters", "complaints", "documents", "registry")


class Rollback(Exception):
    pass


@pytest.mark.django_db
def test_a_sequence_starts_at_one_and_each_scope_counts_alone() -> None:
    with transaction.atomic():
        assert counter_last("test.seq", 1, 2026) is None
        assert [counter_next("test.seq", 1, 2026) for _ in range(3)] == [1, 2, 3]
        assert counter_next("test.seq", 2, 2026) == 1
        assert counter_next("test.seq", 1, 2027) == 1
    assert counter_last("test.seq", 1, 2026) == 3


@pytest.mark.django_db
def test_a_rollback_gives_the_value_back() -> None:
    with transaction.atomic():
        counter_next("test.rollback")
    with pytest.raises(Rollback), transaction.atomic():
        assert counter_next("test.rollback") == 2
        raise Rollback
    with transaction.atomic():
        assert counter_next("test.rollback") == 2


@pytest.mark.django_db
def test_held_values_are_skipped_and_the_ceiling_takes_nothing() -> None:
    with transaction.atomic():
        assert counter_next("test.skip", skip={1, 2, 4}) == 3
        assert counter_next("test.skip", skip={1, 2, 4}) == 5
        with pytest.raises(CounterExhausted):
            counter_next("test.skip", skip={6}, ceiling=6)
        counter_hold("test.skip")
    assert counter_last("test.skip") == 5


@pytest.mark.django_db
def test_a_value_is_taken_only_inside_a_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    # as outside any transaction (the test's own one aside)
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    with pytest.raises(RuntimeError):
        counter_next("test.outside")
    monkeypatch.undo()
    assert counter_last("test.outside") is None


@pytest.mark.postgres
def test_concurrent_takers_get_every_value_once_and_rollbacks_leave_no_gap(
    transactional_db: None,
) -> None:
    """Forty transactions take from one sequence at once; every third rolls back after taking.
    The committed values are exactly 1..N: no repeat, no gap."""
    takers = 40
    barrier = threading.Barrier(takers)
    committed: list[int] = []
    errors: list[BaseException] = []

    def take(index: int) -> None:
        try:
            barrier.wait(timeout=20)
            with transaction.atomic():
                value = counter_next("test.race", 7, 2026)
                if index % 3 == 0:
                    raise Rollback
            committed.append(value)
        except Rollback:
            pass
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(index,)) for index in range(takers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    kept = takers - len(range(0, takers, 3))
    assert sorted(committed) == list(range(1, kept + 1))
    assert counter_last("test.race", 7, 2026) == kept


def _moves(executor: MigrationExecutor) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The four "_to_core" migrations, and the migration each one follows in its app."""
    graph = executor.loader.graph
    moves = sorted(
        node for node in graph.nodes if node[0] in MOVED and node[1].endswith("_to_core")
    )
    before = [
        next(p.key for p in graph.node_map[node].parents if p.key[0] == node[0]) for node in moves
    ]
    assert sorted(app for app, _ in moves) == sorted(MOVED)
    return moves, before


def _old_rows(apps: Any) -> None:
    """One counter row in each retired table, with its last serial, as an existing install has."""
    office = apps.get_model("org", "Office").objects.get(code="18.08")
    series = apps.get_model("letters", "NumberSeries").objects.create(
        office=office, key="migrasi", label="Seri uji migrasi"
    )
    apps.get_model("letters", "SeriesCounter").objects.create(
        series=series, year=2031, last_serial=41
    )
    apps.get_model("complaints", "RegisterCounter").objects.create(
        office=office, year=2031, last_serial=17
    )
    apps.get_model("documents", "RegisterCounter").objects.create(
        office=office, kind="kk", year=2031, last_serial=230
    )
    apps.get_model("registry", "NumberCounter").objects.create(
        kind="nik", prefix="180801010131", last_serial=9
    )


def test_the_migrations_carry_every_counter_on_and_back(demo_transactional: None) -> None:
    from alur.letters.models import NumberSeries
    from alur.org.models import Office

    executor = MigrationExecutor(connection)
    moves, before = _moves(executor)
    executor.migrate(before)
    executor.loader.build_graph()
    _old_rows(executor.loader.project_state(before).apps)

    executor.migrate(moves)
    office = Office.objects.get(code="18.08")
    series = NumberSeries.objects.get(office=office, key="migrasi")
    assert counter_last("letters.series", series.pk, 2031) == 41
    assert counter_last("complaints.register", office.pk, 2031) == 17
    assert counter_last("documents.register", office.pk, "kk", 2031) == 230
    assert counter_last("registry.number", "nik", "180801010131") == 9
    with transaction.atomic():  # the numbers go on from there: no gap, no repeat
        assert counter_next("complaints.register", office.pk, 2031) == 18
        assert counter_next("registry.number", "nik", "180801010131") == 10

    executor.loader.build_graph()
    executor.migrate(before)  # reversed: the values, with the ones taken since, go back
    executor.loader.build_graph()
    old = executor.loader.project_state(before).apps
    complaints = old.get_model("complaints", "RegisterCounter").objects.get(year=2031)
    assert complaints.last_serial == 18
    assert (
        old.get_model("registry", "NumberCounter").objects.get(prefix="180801010131").last_serial
        == 10
    )
    assert old.get_model("letters", "SeriesCounter").objects.get(year=2031).last_serial == 41
    assert counter_last("complaints.register", office.pk, 2031) is None

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert counter_last("documents.register", office.pk, "kk", 2031) == 230
