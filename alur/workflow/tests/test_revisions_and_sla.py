import copy
from datetime import timedelta

import pytest
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.sop.models import SopRevision
from alur.workflow.models import Notification
from alur.workflow.sla import sla_sweep
from alur.workflow.tests.drive import active, holder, run_to_end, run_until_step, start


@pytest.mark.django_db
def test_a_running_case_keeps_its_revision_and_new_cases_take_the_new_one() -> None:
    running = start("S2e")
    first = SopRevision.objects.get(code="S2e", revision=1)
    definition = copy.deepcopy(first.definition)
    definition["revision"] = 2
    definition["steps"][2]["time"] = {"text": "15 menit", "minutes": 15}  # Kasi gets longer
    SopRevision.objects.create(
        code="S2e",
        revision=2,
        name=first.name,
        office_code=first.office_code,
        definition=definition,
        checksum="r2",
        source="uji",
    )
    fresh = start("S2e")
    assert running.sop.revision == 1 and fresh.sop.revision == 2
    from alur.workflow.services import procedure

    assert procedure(running).step(3).minutes == 5
    assert procedure(fresh).step(3).minutes == 15
    assert run_to_end(running).sop.revision == 1


@pytest.mark.django_db
def test_overdue_tasks_are_marked_once_and_the_superior_is_told(persona) -> None:
    case = start("S2e")
    task = run_until_step(case, 3)  # the Kasi's verification, 5 working minutes
    task.due_at = timezone.now() - timedelta(minutes=30)
    task.save(update_fields=["due_at"])
    assert sla_sweep() == 1
    # Unclaimed, the task belongs to the Kasi posts of the SOP's unit (Pencatatan Sipil): their
    # superior is told (the acting Kabid Pencatatan Sipil), not the Kabid Pendaftaran Penduduk.
    notices = Notification.objects.filter(task=task)
    assert {n.user.username for n in notices} == {"waykanan.kasi.capil"}
    assert all(case.reference in n.message for n in notices)
    assert AuditEvent.objects.filter(action="task.overdue", object_id=str(task.pk)).count() == 1
    assert sla_sweep() == 0  # once only
    assert Notification.objects.filter(task=task).count() == 1


@pytest.mark.django_db
def test_an_overdue_claimed_task_tells_the_holder_s_own_superior(persona) -> None:
    from alur.workflow import services

    case = start("S2e")
    task = run_until_step(case, 3)
    services.task_claim(task=task, actor=persona("waykanan.kasi.capil"))  # Kasi capil holds it
    task.refresh_from_db()
    task.due_at = timezone.now() - timedelta(minutes=1)
    task.save(update_fields=["due_at"])
    sla_sweep()
    # Her superior post is the Kabid Pencatatan Sipil, which she holds herself (Plt.): the notice
    # goes one level up, to the Kadis.
    users = set(Notification.objects.filter(task=task).values_list("user__username", flat=True))
    assert users == {"waykanan.kadis"}


@pytest.mark.django_db
def test_tasks_not_yet_due_and_finished_tasks_are_left_alone() -> None:
    case = start("S2e")
    open_task = active(case)[0]
    done = run_until_step(case, 3)
    from alur.workflow import services

    services.task_complete(task=done, actor=holder(done), outcome="done")
    done.refresh_from_db()
    assert open_task.due_at > timezone.now() - timedelta(days=1)
    assert sla_sweep(now=timezone.now()) == 0


@pytest.mark.django_db
def test_the_superior_reads_the_notice_in_the_app(client, persona) -> None:
    case = start("S2e")
    task = run_until_step(case, 3)
    task.due_at = timezone.now() - timedelta(minutes=5)
    task.save(update_fields=["due_at"])
    sla_sweep()
    client.force_login(persona("waykanan.kasi.capil"))  # the acting Kabid Pencatatan Sipil
    home = client.get("/").content.decode()
    assert 'class="badge count">1<' in home
    page = client.get("/pemberitahuan/").content.decode()
    assert case.reference in page and "melewati tenggat" in page
    client.post("/pemberitahuan/")
    assert 'class="badge count"' not in client.get("/").content.decode()
    for other in ("waykanan.operator", "waykanan.kabid.dafduk"):  # not the other bidang's head
        client.force_login(persona(other))
        assert case.reference not in client.get("/pemberitahuan/").content.decode()
