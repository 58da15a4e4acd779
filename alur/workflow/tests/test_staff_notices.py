"""Staff told of their work (a decision landing on them, a case returned) and escalation by the
case's promise and the office's queue times, not each step's work standard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError
from alur.org.models import Office, User
from alur.workflow import digest, services, staff_notices
from alur.workflow import notice_selectors as selectors
from alur.workflow.models import Case, Notification, StepQueueTime
from alur.workflow.sla import sla_sweep
from alur.workflow.tests.drive import holder, run_to_end, run_until_step, start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_waiting_yet(db: None) -> None:
    """The demo's own cases leave notices: each test starts from none."""
    Notification.objects.all().delete()


def _users(**filters: Any) -> set[str]:
    return set(Notification.objects.filter(**filters).values_list("user__username", flat=True))


def test_a_review_step_tells_each_holder_of_its_post_with_a_link() -> None:
    case = start("S2e")
    task = run_until_step(case, 3)  # the Kasi Pencatatan Sipil verifies
    holders = {u.username for u in staff_notices.task_holders(task)}
    assert holders and _users(task=task) == holders
    notice = Notification.objects.filter(task=task).first()
    assert notice is not None and notice.kind == staff_notices.TASK_REVIEW
    assert notice.link == f"/perkara/{case.reference}/"
    assert case.reference in notice.message and notice.title == case.reference
    # Routine work (the operator entering the data) is in the inbox, not a notice.
    assert not Notification.objects.filter(task__case=case, task__step=6).exists()


def test_a_case_returned_lands_on_who_did_the_step() -> None:
    case = start("S2e")
    kasi_task = run_until_step(case, 3)
    kasi = holder(kasi_task)
    kabid_task = run_until_step(case, 4)
    services.task_complete(
        task=kabid_task,
        actor=holder(kabid_task),
        outcome="return",
        return_to=3,
        reason="Fotokopi KK tidak terbaca",
    )
    back = Notification.objects.get(kind=staff_notices.TASK_RETURNED)
    assert back.user == kasi and back.task is not None and back.task.step == 3
    assert "kembali kepada Anda" in back.message


def test_a_decided_review_leaves_the_waiting_list_for_every_holder(
    client: Any, persona: Callable[[str], User]
) -> None:
    case = start("S2e")
    task = run_until_step(case, 3)
    kasi = persona("waykanan.kasi.capil")
    notice = Notification.objects.get(user=kasi, task=task)
    client.force_login(kasi)
    assert case.reference in client.get("/pemberitahuan/").content.decode()
    services.task_complete(task=task, actor=holder(task), outcome="done")
    # Done for everyone told of it, whoever decided, in the same transaction.
    assert not Notification.objects.filter(task=task, done_at__isnull=True).exists()
    notice.refresh_from_db()
    assert notice.done_at is not None
    page = client.get("/pemberitahuan/").content.decode()
    waiting, _sep, done = page.partition("Sudah selesai")
    assert case.reference not in waiting and case.reference in done
    assert notice not in selectors.notifications_list(kasi)
    assert notice in selectors.notifications_done(kasi)


def test_a_finished_case_closes_the_notices_of_its_tasks() -> None:
    case = start("S2e")
    run_to_end(case)
    case.refresh_from_db()
    assert case.status == "done"
    assert Notification.objects.filter(task__case=case).exists()
    assert not Notification.objects.filter(task__case=case, done_at__isnull=True).exists()


def test_a_step_past_its_work_standard_alerts_no_one() -> None:
    case = start("S2e")
    task = run_until_step(case, 3)
    task.due_at = timezone.now() - timedelta(minutes=30)  # its 5-minute standard long past
    task.save(update_fields=["due_at"])
    assert sla_sweep() == 0
    assert not Notification.objects.filter(
        kind__in=[staff_notices.CASE_PROMISE, staff_notices.TASK_QUEUE]
    ).exists()


def test_the_promise_about_to_be_missed_alerts_the_superiors_once(client: Any) -> None:
    case = start("S2e")
    task = run_until_step(case, 3)
    case.refresh_from_db()
    # S2: one working day (450 minutes) once the files are complete; told with a quarter left.
    assert case.due_at is not None and case.promise_warn_at is not None
    assert case.clock_started_at < case.promise_warn_at < case.due_at
    assert sla_sweep(now=case.promise_warn_at - timedelta(minutes=1)) == 0
    assert sla_sweep(now=case.promise_warn_at + timedelta(minutes=1)) == 1
    # Unclaimed, the step belongs to the Kasi posts of Pencatatan Sipil: their superior (the
    # acting Kabid Pencatatan Sipil) is told, not the Kabid Pendaftaran Penduduk.
    assert _users(kind=staff_notices.CASE_PROMISE) == {"waykanan.kasi.capil"}
    notice = Notification.objects.get(kind=staff_notices.CASE_PROMISE)
    assert notice.task == task and "hampir melewati janji layanan" in notice.message
    assert AuditEvent.objects.filter(action="case.promise_alert", object_id=str(case.pk)).exists()
    assert sla_sweep(now=case.due_at + timedelta(hours=1)) == 0  # once only


def test_a_case_waiting_for_the_applicant_is_not_alerted() -> None:
    case = start("S2e")
    run_until_step(case, 3)
    Case.objects.filter(pk=case.pk).update(
        paused_at=timezone.now(), promise_warn_at=timezone.now() - timedelta(hours=1)
    )
    assert sla_sweep() == 0


def test_a_task_past_the_office_queue_time_alerts_the_superiors(
    persona: Callable[[str], User],
) -> None:
    case = start("S2e")
    task = run_until_step(case, 3)
    services_office = Office.objects.get(pk=task.office_id)
    staff_notices.queue_time_set(
        office=services_office, sop_code="S2e", step=3, minutes=60, actor=persona("waykanan.kadis")
    )
    assert sla_sweep() == 0  # just opened
    task.created_at = timezone.now() - timedelta(days=7)  # far more than 60 working minutes
    task.save(update_fields=["created_at"])
    assert sla_sweep() == 1
    assert _users(kind=staff_notices.TASK_QUEUE) == {"waykanan.kasi.capil"}
    assert "waktu antre 60 menit" in Notification.objects.get(kind="task.queue").message
    assert sla_sweep() == 0


def test_queue_times_are_set_by_the_office_s_managers_only(
    persona: Callable[[str], User], office: Callable[[str], Office]
) -> None:
    way_kanan = office("18.08")
    with pytest.raises(DomainError, match="tidak memiliki langkah 1 "):
        staff_notices.queue_time_set(
            office=way_kanan, sop_code="S2e", step=1, minutes=30, actor=persona("waykanan.kadis")
        )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        staff_notices.queue_time_set(
            office=way_kanan,
            sop_code="S2e",
            step=3,
            minutes=30,
            actor=persona("waykanan.operator"),
        )
    staff_notices.queue_time_set(
        office=way_kanan, sop_code="S2e", step=3, minutes=30, actor=persona("waykanan.kadis")
    )
    staff_notices.queue_time_set(
        office=way_kanan, sop_code="S2e", step=3, minutes=None, actor=persona("waykanan.kadis")
    )
    assert not StepQueueTime.objects.exists()
    assert AuditEvent.objects.filter(action="workflow.queue_time").count() == 2


def test_the_queue_time_page_keeps_what_was_typed_on_an_error(
    client: Any, persona: Callable[[str], User]
) -> None:
    client.force_login(persona("waykanan.operator"))
    assert client.get("/tugas/waktu-antre/").status_code == 403
    client.force_login(persona("waykanan.kadis"))
    form = {"office": "18.08", "sop_code": "S2e", "step": "3", "minutes": "1,5 jam"}
    response = client.post("/tugas/waktu-antre/", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tulis waktu antre dalam menit" in page and 'value="1,5 jam"' in page
    response = client.post("/tugas/waktu-antre/", form | {"step": "٣"})  # Arabic-Indic digit
    assert response.status_code == 400
    response = client.post("/tugas/waktu-antre/", form | {"minutes": "90"})
    assert response.status_code == 302
    assert StepQueueTime.objects.get().minutes == 90
    assert "90 menit" in client.get("/tugas/waktu-antre/").content.decode()


def test_pemberitahuan_lists_unread_first_marks_read_and_keeps_the_preference(
    client: Any, persona: Callable[[str], User]
) -> None:
    first = start("S2e")
    run_until_step(first, 3)
    second = start("S2e")
    run_until_step(second, 3)
    kasi = persona("waykanan.kasi.capil")
    older = Notification.objects.get(user=kasi, task__case=first)
    client.force_login(kasi)
    response = client.post(f"/pemberitahuan/{older.pk}/dibaca/")
    assert response.status_code == 302
    page = client.get("/pemberitahuan/").content.decode()
    # The unread notice (second case) comes before the one just read.
    assert page.index(second.reference) < page.index(first.reference)
    assert f'href="/perkara/{second.reference}/"' in page
    other = Notification.objects.exclude(user=kasi).first()
    assert other is not None
    assert client.post(f"/pemberitahuan/{other.pk}/dibaca/").status_code == 404

    client.post("/pemberitahuan/cara/", {"notice_channel": "app"})
    kasi.refresh_from_db()
    assert kasi.notice_channel == "app"
    assert client.post("/pemberitahuan/cara/", {"notice_channel": "sms"}).status_code == 302
    kasi.refresh_from_db()
    assert kasi.notice_channel == "app"
    assert AuditEvent.objects.filter(action="user.notice_preference").count() == 1


def test_what_is_about_to_miss_shows_to_the_units_supervisors_only(
    client: Any, persona: Callable[[str], User]
) -> None:
    case = start("S2e")
    run_until_step(case, 3)
    Case.objects.filter(pk=case.pk).update(promise_warn_at=timezone.now() - timedelta(minutes=5))
    client.force_login(persona("waykanan.kasi.capil"))
    page = client.get("/tugas/hampir-lewat/").content.decode()
    assert case.reference in page and "sisa" in page and "langkah 3" in page
    client.force_login(persona("waykanan.kabid.dafduk"))  # the other bidang
    assert case.reference not in client.get("/tugas/hampir-lewat/").content.decode()
    client.force_login(persona("waykanan.kadis"))  # the whole office
    assert case.reference in client.get("/tugas/hampir-lewat/").content.decode()
    client.force_login(persona("waykanan.operator"))
    assert client.get("/tugas/hampir-lewat/").status_code == 403


def test_the_digest_cuts_long_titles_after_a_whole_word() -> None:
    subject = "Permintaan blangko KTP-el untuk pelayanan jemput bola kecamatan sebanyak 160 keping"
    notices = [Notification(kind=staff_notices.LETTER_SIGN, title=subject, message="x")]
    text = digest.summary(notices)
    shown = text.split("«", 1)[1].split("»", 1)[0]
    assert shown.endswith("…") and len(shown) <= digest.TITLE_LIMIT
    assert subject.startswith(shown[:-1]) and subject[len(shown) - 1] == " "
    assert staff_notices.clip_words("160 keping Blangko", 12) == "160 keping…"
    assert staff_notices.clip_words("pendek", 12) == "pendek"
