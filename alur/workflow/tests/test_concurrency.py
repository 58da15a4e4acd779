"""Two officers act on one task at the same moment: exactly one wins, the other is told who."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from alur.core.errors import ConflictError
from alur.org.choices import AppointmentKind
from alur.org.models import Position, User
from alur.org.services import appointment_create
from alur.workflow import routing, services
from alur.workflow.models import Task
from alur.workflow.tests.drive import run_until_step, start


def two_holders(task: Task) -> list[User]:
    """Two people who may both act on `task`: its post's holder and, when the post has only one,
    a colleague appointed Plh. to it for two weeks (as an office covers a leave)."""
    people = routing.holders(task.office_id, task.position_kind, task.unit_id)
    if len(people) < 2:
        position = Position.objects.get(
            office_id=task.office_id, kind=task.position_kind, appointments__user=people[0]
        )
        today = timezone.localdate()
        appointment_create(
            user=User.objects.get(username="waykanan.kasi.pindah"),
            position=position,
            starts_on=today,
            ends_on=today + timedelta(days=14),
            kind=AppointmentKind.PLH,
        )
        people = routing.holders(task.office_id, task.position_kind, task.unit_id)
    assert len(people) >= 2, people
    return people[:2]


def race(task_pk: int, people: list[User], action: str) -> dict[str, str]:
    barrier = threading.Barrier(len(people))
    results: dict[str, str] = {}

    def act(user: User) -> None:
        try:
            task = Task.objects.get(pk=task_pk)
            barrier.wait(timeout=10)
            if action == "complete":
                services.task_complete(task=task, actor=user, outcome="done")
            else:
                services.task_claim(task=task, actor=user)
            results[user.username] = "won"
        except ConflictError as error:
            results[user.username] = error.message
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgres
@pytest.mark.parametrize("action", ["complete", "claim"])
def test_exactly_one_of_two_officers_wins(demo_transactional, action: str) -> None:
    for _round in range(5):
        case = start("S2e")
        task = run_until_step(case, 3)
        people = two_holders(task)
        results = race(task.pk, people, action)
        assert sorted(results.values()).count("won") == 1, results
        (loser_message,) = [m for m in results.values() if m != "won"]
        winner = next(u for u in people if results[u.username] == "won")
        assert winner.get_full_name() in loser_message
        assert Task.objects.filter(case=case, step=4).count() == (1 if action == "complete" else 0)


@pytest.mark.postgres
def test_two_officers_working_different_cases_of_one_office_never_deadlock(
    demo_transactional,
) -> None:
    """Each transition locks its own case and task rows only (not the joined office row), so
    parallel work in one office only queues on the office's audit chain."""
    from alur.workflow.tests.drive import run_to_end

    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def work() -> None:
        try:
            barrier.wait(timeout=10)
            for _ in range(4):
                assert run_to_end(start("S2e")).status == "done"
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
