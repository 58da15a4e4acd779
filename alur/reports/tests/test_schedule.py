"""Report periods open by hand (Mulai prosedur) and by the province's clock: once per period,
audited, caught up after the worker was down; S0's form goes out at the distribution hour and an
early report completes its step once it opens; a delivery step without recipients refuses."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from alur.audit.models import AuditEvent
from alur.core.errors import ConflictError, DomainError
from alur.org.selectors import holders_of
from alur.outbox.validation import normalize_whatsapp_number
from alur.reports import schedule
from alur.reports.choices import Frequency, SubmissionStatus
from alur.reports.models import ReportDefinition, ReportPeriod
from alur.reports.services.weekly import period_close, submission_send
from alur.reports.tests.conftest import WIB, WITA, kab_kota
from alur.reports.tests.drivers import figures
from alur.reports.timeliness import due_period
from alur.workflow import services as engine
from alur.workflow.choices import CaseStatus, Outcome, TaskStatus
from alur.workflow.models import Case, Notification
from alur.workflow.tests.drive import active, holder, run_until_step

pytestmark = pytest.mark.django_db

EIGHT = time(8, 0)


def _weekly() -> ReportDefinition:
    return ReportDefinition.objects.select_related("office").get(sop_code="S0")


def _monthly() -> ReportDefinition:
    return ReportDefinition.objects.select_related("office").get(sop_code="S4")


def _week(moment: datetime, zone: str = "Asia/Jakarta") -> tuple[str, str, str]:
    starts, ends, at = due_period(
        Frequency.WEEKLY,
        moment,
        distribute_weekday=3,
        distribute_day=1,
        distribute_time=EIGHT,
        zone=zone,
    )
    return starts.isoformat(), ends.isoformat(), at.isoformat()


def test_the_due_week_turns_at_the_distribution_hour_in_the_provinces_zone() -> None:
    before = datetime(2026, 11, 19, 7, 59, tzinfo=WIB)  # a Thursday
    at = datetime(2026, 11, 19, 8, 0, tzinfo=WIB)
    assert _week(before)[:2] == ("2026-11-06", "2026-11-12")
    assert _week(at) == ("2026-11-13", "2026-11-19", "2026-11-19T08:00:00+07:00")
    assert _week(datetime(2026, 11, 25, 23, 0, tzinfo=WIB))[:2] == ("2026-11-13", "2026-11-19")
    # 08.00 WITA is 07.00 WIB: a WITA province's week turns an hour earlier on a WIB clock.
    assert _week(datetime(2026, 11, 19, 7, 0, tzinfo=WIB), "Asia/Makassar")[1] == "2026-11-19"
    month = due_period(
        Frequency.MONTHLY,
        datetime(2026, 12, 1, 8, 0, tzinfo=WITA),
        distribute_weekday=3,
        distribute_day=1,
        distribute_time=EIGHT,
        zone="Asia/Makassar",
    )
    assert month[:2] == (date(2026, 11, 1), date(2026, 11, 30))
    earlier = due_period(
        Frequency.MONTHLY,
        datetime(2026, 12, 1, 7, 59, tzinfo=WITA),
        distribute_weekday=3,
        distribute_day=1,
        distribute_time=EIGHT,
        zone="Asia/Makassar",
    )
    assert earlier[:2] == (date(2026, 10, 1), date(2026, 10, 31))


def test_the_clock_opens_each_week_once_sends_the_form_and_catches_up(clock: Any) -> None:
    definition = _weekly()
    clock.set(datetime(2026, 11, 19, 8, 0, tzinfo=WIB))
    period = schedule.scheduled_open(definition=definition)
    assert period.label == "13 November s.d. 19 November 2026"
    assert period.case is not None and period.case.started_by is None
    assert period.distributed_at is not None  # step 2's form went out at the hour
    assert Notification.objects.filter(kind="reports.form").count() == 14  # Kadis + operator × 7
    # The case waits for its people: the Kasi confirms the format, the pelaksana step 2.
    assert [(t.step, t.position_kind) for t in active(period.case)] == [(1, "kasi")]
    events = AuditEvent.objects.filter(object_id=str(period.pk), action="report.period.schedule")
    assert events.count() == 1 and events.get().actor is None
    client = Client()
    client.force_login(holder(active(period.case)[0]))
    page = client.get(f"/perkara/{period.case.reference}/").content.decode()
    assert "sudah dikirim otomatis ke kab/kota" in page
    assert "dibuka otomatis" in client.get("/laporan/").content.decode()

    clock.set(datetime(2026, 11, 19, 8, 1, tzinfo=WIB))
    again = schedule.due_periods_open()
    assert [p.pk for p in again if p.definition_id == definition.pk] == [period.pk]
    assert Case.objects.filter(sop__code="S0").count() == 1
    assert Notification.objects.filter(kind="reports.form").count() == 14

    # The worker was down for two Thursdays: its next run opens the latest week only.
    clock.set(datetime(2026, 12, 3, 10, 30, tzinfo=WIB))
    caught = schedule.scheduled_open(definition=definition)
    assert caught.label == "27 November s.d. 3 Desember 2026"
    late = AuditEvent.objects.get(object_id=str(caught.pk), action="report.period.schedule")
    assert late.after["late_minutes"] == 150
    skipped = [c for c in schedule.period_choices(definition) if c.taken is None]
    assert "20 November s.d. 26 November 2026 (terlewat)" in [
        schedule.choice_text(c) for c in skipped
    ]
    # One period, one case: the database says so too.
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportPeriod.objects.create(
            definition=definition, starts_on=period.starts_on, ends_on=period.ends_on
        )


def test_a_month_opens_on_its_day_with_the_kabids_direction_waiting(clock: Any) -> None:
    definition = _monthly()
    clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=WIB))
    period = schedule.scheduled_open(definition=definition)
    assert period.label == "November 2026"
    assert period.distributed_at is None  # S4 sends no form
    assert [(t.step, t.position_kind) for t in active(period.case)] == [(1, "kabid")]


def test_an_early_report_completes_its_step_when_it_opens(
    clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    definition = _weekly()
    clock.set(datetime(2026, 11, 19, 8, 0, tzinfo=WIB))
    period = schedule.scheduled_open(definition=definition)
    office = kab_kota()[0]
    values = figures(office, definition.field_keys)
    operator = holders_of(office, "operator")[0]
    with pytest.raises(DomainError, match="Kepala Dinas"):
        submission_send(period=period, office=office, actor=operator, values=values)
    clock.set(datetime(2026, 11, 19, 9, 15, tzinfo=WIB))
    kadis = holders_of(office, "kadis")[0]
    sent = submission_send(period=period, office=office, actor=kadis, values=values)
    assert sent.status == SubmissionStatus.SUBMITTED and sent.timeliness == "on_time"

    clock.set(datetime(2026, 11, 20, 16, 0, tzinfo=WIB))  # past every deadline
    pelaksana = holders_of(definition.office, "pelaksana")[0]
    with pytest.raises(DomainError, match="langkah 3"):
        period_close(period=period, actor=pelaksana)  # steps 1 and 2 come first
    clock.set(datetime(2026, 11, 19, 10, 0, tzinfo=WIB))
    case = period.case
    for step in (1, 2):
        [task] = active(case)
        assert task.step == step
        with django_capture_on_commit_callbacks(execute=True):
            engine.task_complete(task=task, actor=holder(task), outcome=Outcome.DONE)
    own = case.tasks.get(step=3, office=office)
    assert own.status == TaskStatus.DONE and own.completed_by == kadis
    assert "19-11-2026 09.15 WIB" in own.reason
    assert case.tasks.filter(step=3, status=TaskStatus.OPEN).count() == 6


def test_the_kasi_opens_a_week_by_hand_and_sets_its_format(clock: Any, persona: Any) -> None:
    definition = _weekly()
    kasi = persona("babel.kasi")
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=WIB))  # a Monday
    with pytest.raises(DomainError, match="Pilih periode"):
        schedule.period_start(definition=definition, actor=kasi, offset=5)
    period = schedule.period_start(
        definition=definition,
        actor=kasi,
        offset=-1,
        deadline_time=time(15, 0),
        note="Atas petunjuk Kabid: tenggat pukul 15.00.",
    )
    assert period.label == "6 November s.d. 12 November 2026"
    definition.refresh_from_db()
    assert definition.deadline_time == time(15, 0)
    first = period.case.tasks.get(step=1)
    assert first.status == TaskStatus.DONE and first.completed_by == kasi
    assert [(t.step, t.position_kind) for t in active(period.case)] == [(2, "pelaksana")]
    assert period.distributed_at is None  # the pelaksana sends it at step 2
    with pytest.raises(ConflictError, match="sudah dibuka"):
        schedule.period_start(definition=definition, actor=kasi, offset=-1)
    # The clock does not open that week again; it opens its own, the latest due one.
    due = schedule.scheduled_open(definition=definition)
    assert due.starts_on.isoformat() == "2026-11-13" and due.pk != period.pk


def test_start_pages_belong_to_the_positions_the_sops_name(clock: Any, persona: Any) -> None:
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=WIB))
    client = Client()
    client.force_login(persona("babel.kasi"))
    listing = client.get("/mulai/").content.decode()
    assert "Buka periode laporan mingguan" in listing
    assert "Mulai rekap cakupan bulanan" not in listing
    page = client.get("/laporan/mulai/S0/").content.decode()
    assert "13 November s.d. 19 November 2026 (periode berjalan)" in page
    assert 'value="14:00"' in page and 'value="08:00"' in page
    response = client.post(
        "/laporan/mulai/S0/",
        {
            "period": "0",
            "fields_text": "kk | Kartu Keluarga\nakta_lahir | Akta Kelahiran",
            "distribute_weekday": "3",
            "distribute_time": "08:00",
            "deadline_weekday": "4",
            "deadline_time": "14:00",
            "note": "",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "Periode dibuka" in body, body
    period = ReportPeriod.objects.get(definition__sop_code="S0", starts_on=date(2026, 11, 13))
    assert period.definition.field_keys == ["kk", "akta_lahir"]
    assert f"/perkara/{period.case.reference}/" == response.redirect_chain[-1][0]
    # A typing mistake is named, and what was typed stays.
    bad = client.post(
        "/laporan/mulai/S0/",
        {"period": "-1", "fields_text": "kk Kartu Keluarga", "distribute_time": "8 pagi"},
    ).content.decode()
    assert "kk Kartu Keluarga" in bad and "8 pagi" in bad and "Jam pengiriman" in bad
    client.force_login(persona("babel.kabid"))
    assert client.get("/laporan/mulai/S0/").status_code == 403
    client.force_login(persona("sumbar.kabid"))
    assert client.get("/laporan/mulai/S4/").status_code == 200
    assert client.get("/laporan/mulai/S0/").status_code == 403
    assert client.get("/laporan/mulai/S9/").status_code == 404


def test_the_definition_form_shows_times_as_typed_and_checks_recipients(persona: Any) -> None:
    definition = _weekly()
    client = Client()
    client.force_login(persona("babel.kasi"))
    url = f"/laporan/definisi/{definition.pk}/"
    page = client.get(url).content.decode()
    assert 'value="14:00"' in page
    form = {
        "title": definition.title,
        "fields_text": "\n".join(f"{f['key']} | {f['label']}" for f in definition.fields),
        "distribute_weekday": "3",
        "distribute_day": "1",
        "distribute_time": "07:30",
        "auto_start": "on",
        "deadline_weekday": "4",
        "deadline_time": "14:00",
        "deadline_day": "10",
        "remind_hours": "3",
        "jump_threshold": "5",
        "recipients_text": (
            "Kepala Dinas | wa | 0812-7000-0002 | 12\nDitjen | email | bukan-surel | 13"
        ),
        "reason": "",
    }
    refused = client.post(url, form).content.decode()
    assert "Penerima baris 2: alamat surel" in refused and "bukan-surel" in refused
    form["recipients_text"] = "Kepala Dinas | wa | 0812-7000-0002 | 11"
    assert "langkah pengiriman SOP S0 adalah 12 atau 13" in client.post(url, form).content.decode()
    form["recipients_text"] = (
        "Kepala Dinas | wa | 0812-7000-0002 | 12\nDitjen | email | laporan@contoh.go.id | 13"
    )
    assert client.post(url, form).status_code == 302
    definition.refresh_from_db()
    assert definition.distribute_time == time(7, 30)
    assert definition.recipients == [
        ["Kepala Dinas", "whatsapp", "6281270000002", 12],
        ["Ditjen", "email", "laporan@contoh.go.id", 13],
    ]


def test_a_delivery_step_without_recipients_refuses_and_says_where_to_set_them(
    clock: Any, s0_collecting: Any, persona: Any
) -> None:
    definition = _weekly()
    ReportDefinition.objects.filter(pk=definition.pk).update(recipients=[])
    case, _period = s0_collecting()
    clock.real()
    task = run_until_step(case, 12)
    with pytest.raises(DomainError, match="Langkah 12 belum memiliki penerima"):
        engine.task_complete(task=task, actor=holder(task), outcome=Outcome.DONE)
    client = Client()
    client.force_login(holder(task))
    page = client.get(f"/perkara/{case.reference}/").content.decode()
    assert "Langkah ini belum memiliki penerima" in page
    kadis = persona("babel.kadis")
    ReportDefinition.objects.filter(pk=definition.pk).update(
        recipients=[["Kepala Dinas", "whatsapp", normalize_whatsapp_number(kadis.phone), 12]]
    )
    engine.task_complete(task=task, actor=holder(task), outcome=Outcome.DONE)
    step13 = run_until_step(case, 13)
    with pytest.raises(DomainError, match="Langkah 13 belum memiliki penerima"):
        engine.task_complete(task=step13, actor=holder(step13), outcome=Outcome.DONE)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_the_demo_opens_a_week_and_a_month_once(clock: Any, persona: Any) -> None:
    from alur.reports.demo import load_demo_reports

    clock.real()
    load_demo_reports(open_periods=True)
    load_demo_reports(open_periods=True)
    week = ReportPeriod.objects.get(definition__sop_code="S0", status="open")
    statuses = sorted(s.timeliness for s in week.submissions.all())
    assert statuses == ["late", "late", "on_time", "on_time", "on_time"]
    assert week.case.tasks.filter(step=3, status=TaskStatus.OPEN).count() == 2
    month = ReportPeriod.objects.get(definition__sop_code="S4", status="open")
    assert [(t.step, t.position_kind) for t in active(month.case)] == [(3, "pelaksana")]
    assert not month.imports.exists()
    client = Client()
    client.force_login(persona("sumbar.staf"))
    sample = client.get(f"/laporan/periode/{month.pk}/contoh-impor.xlsx")
    assert sample.status_code == 200 and sample.content.startswith(b"PK")
