"""The inbox's filters and sort order (`workflow.inbox_filters`): kept in the query string,
narrowing only what already reaches the person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alur.workflow.models import Case, Task
from alur.workflow.services import task_claim
from alur.workflow.tests.drive import run_until_step, start

pytestmark = pytest.mark.django_db

KASI = "waykanan.kasi.capil"


def listed(client, persona, query: str = "", username: str = KASI) -> str:  # type: ignore[no-untyped-def]
    client.force_login(persona(username))
    response = client.get(f"/tugas/{query}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def three(persona) -> list[Task]:  # type: ignore[no-untyped-def]
    """Three S2e tasks at step 3 for the Kasi: one overdue, one claimed by her, one that came
    in ten days ago."""
    tasks = [run_until_step(start("S2e"), 3) for _ in range(3)]
    now = timezone.now()
    Task.objects.filter(pk=tasks[0].pk).update(due_at=now - timedelta(hours=2))
    Task.objects.filter(pk=tasks[1].pk).update(due_at=now + timedelta(days=5))
    task_claim(task=Task.objects.get(pk=tasks[1].pk), actor=persona(KASI))
    Task.objects.filter(pk=tasks[2].pk).update(
        created_at=now - timedelta(days=10), due_at=now + timedelta(days=3)
    )
    # Cases without a promise: the inbox measures the step's work standard (Task.due_at).
    Case.objects.update(due_at=None, promise_warn_at=None)
    return [Task.objects.select_related("case").get(pk=t.pk) for t in tasks]


def refs(tasks: list[Task]) -> list[str]:
    return [t.case.reference for t in tasks]


def test_overdue_shows_only_the_overdue_task(client, persona, three) -> None:  # type: ignore[no-untyped-def]
    overdue, claimed, old = refs(three)
    body = listed(client, persona, "?sla=overdue")
    assert overdue in body and claimed not in body and old not in body
    assert "Saringan aktif" in body
    assert 'value="overdue" selected' in body  # the filter stays on the form


def test_on_time_leaves_the_overdue_task_out(client, persona, three) -> None:  # type: ignore[no-untyped-def]
    overdue, claimed, old = refs(three)
    body = listed(client, persona, "?sla=on_time")
    assert overdue not in body and claimed in body and old in body


def test_about_to_miss_finds_a_task_with_little_time_left(client, persona, three) -> None:  # type: ignore[no-untyped-def]
    overdue, claimed, old = refs(three)
    body = listed(client, persona, "?sla=at_risk")
    assert overdue not in body and claimed not in body and old not in body
    assert "Tidak ada tugas yang cocok dengan saringan." in body


def test_assignee_me_and_nobody(client, persona, three) -> None:  # type: ignore[no-untyped-def]
    overdue, claimed, old = refs(three)
    mine = listed(client, persona, "?pelaksana=saya")
    assert claimed in mine and overdue not in mine and old not in mine
    open_ = listed(client, persona, "?pelaksana=belum")
    assert claimed not in open_ and overdue in open_ and old in open_


def test_sop_and_step(client, persona, three) -> None:  # type: ignore[no-untyped-def]
    body = listed(client, persona, "?sop=S2e&langkah=3")
    assert all(r in body for r in refs(three))
    assert not any(r in listed(client, persona, "?sop=S2a") for r in refs(three))
    assert not any(r in listed(client, persona, "?langkah=4") for r in refs(three))


def test_date_range_and_sort_by_start(client, persona, three) -> None:  # type: ignore[no-untyped-def]
    overdue, claimed, old = refs(three)
    today = timezone.localdate()
    recent = listed(client, persona, f"?dari={today - timedelta(days=1)}")
    assert old not in recent and overdue in recent
    before = listed(client, persona, f"?sampai={today - timedelta(days=2)}")
    assert old in before and overdue not in before
    newest = listed(client, persona, "?urut=terbaru")
    assert newest.index(claimed) < newest.index(old)
    oldest = listed(client, persona, "?urut=terlama")
    assert oldest.index(old) < oldest.index(overdue)
    due = listed(client, persona, "")  # the inbox's own order: due first
    assert due.index(overdue) < due.index(old) < due.index(claimed)


def test_bad_values_are_told_and_left_out(client, persona, three) -> None:  # type: ignore[no-untyped-def]
    body = listed(client, persona, "?langkah=%D9%A3&dari=kemarin&sla=zzz&urut=%25&sop=%27")
    assert all(r in body for r in refs(three))  # nothing narrowed by what could not be read
    assert "errorlist" in body
    reversed_ = listed(client, persona, "?dari=2026-12-05&sampai=2026-12-01")
    assert "Tanggal akhir tidak boleh sebelum tanggal awal." in reversed_


def test_filters_do_not_widen_the_inbox(client, persona, three) -> None:  # type: ignore[no-untyped-def]
    for username in ("waykanan.kasi.dafduk", "metro.kasi"):
        body = listed(client, persona, "?sop=S2e&langkah=3&pelaksana=belum", username)
        assert not any(r in body for r in refs(three)), username


def test_the_case_promise_rules_the_inbox_over_the_step_standard(client, persona) -> None:  # type: ignore[no-untyped-def]
    """A step past its work standard in a case whose promise is a day away is on time: the
    inbox shows the promise and the SLA filter agrees; the standard is secondary text."""
    task = run_until_step(start("S2e"), 3)
    now = timezone.now()
    Task.objects.filter(pk=task.pk).update(due_at=now - timedelta(hours=2))
    Case.objects.filter(pk=task.case_id).update(
        due_at=now + timedelta(days=2), promise_warn_at=now + timedelta(days=1)
    )
    reference = Case.objects.get(pk=task.case_id).reference
    assert reference not in listed(client, persona, "?sla=overdue")
    assert reference not in listed(client, persona, "?sla=at_risk")
    body = listed(client, persona, "?sla=on_time")
    assert reference in body
    assert "janji layanan" in body and "standar langkah" in body
    Case.objects.filter(pk=task.case_id).update(due_at=now - timedelta(minutes=5))
    assert reference in listed(client, persona, "?sla=overdue")
