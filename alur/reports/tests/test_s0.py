"""S0 as the Babel personas run it: Thursday's distribution, submissions on time and late across
WIB and WITA to the minute, one kab/kota missing, closing, the recap as the case's letter, its
chain with a send-back, signing and delivery."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError
from alur.letters.models import LetterStatus
from alur.letters.selectors import case_letter
from alur.org.models import User
from alur.org.selectors import holders_of
from alur.outbox.models import OutboundMessage
from alur.outbox.validation import normalize_whatsapp_number
from alur.reports.choices import PeriodStatus, Timeliness
from alur.reports.counts import register_count_provider, unregister_count_provider
from alur.reports.files import recap_xlsx
from alur.reports.models import Submission
from alur.reports.selectors import prefill, recap_compute
from alur.reports.services.reminders import reminders_send
from alur.reports.services.weekly import (
    period_close,
    recap_step_complete,
    submission_save,
    submission_send,
)
from alur.reports.tests.conftest import WIB, WITA, kab_kota
from alur.reports.tests.drivers import figures
from alur.workflow import services as engine
from alur.workflow.choices import CaseStatus, Outcome, TaskStatus
from alur.workflow.models import Notification
from alur.workflow.tests.drive import active, holder, run_to_end

pytestmark = pytest.mark.django_db


def _send(period: Any, office: Any, **extra: Any) -> Submission:
    kadis = holders_of(office, "kadis")[0]
    return submission_send(
        period=period,
        office=office,
        actor=kadis,
        values=figures(office, period.definition.field_keys),
        **extra,
    )


def test_a_week_from_thursday_to_the_signed_delivered_report(
    clock: Any, s0_collecting: Any, wita_office: Any
) -> None:
    case, period = s0_collecting()
    offices = kab_kota()
    assert len(offices) == 7 and offices[-1] == wita_office
    assert (period.starts_on.isoformat(), period.ends_on.isoformat()) == (
        "2026-11-13",
        "2026-11-19",
    )
    assert period.distributed_at is not None
    # Thursday's distribution: a notice to everyone who may report, the Excel form on WhatsApp.
    assert Notification.objects.filter(kind="reports.form", office__in=offices).count() == 14
    forms = OutboundMessage.objects.filter(kind="document", object_id=str(period.pk))
    assert forms.count() == 14 and forms.first().payload["filename"].endswith(".xlsx")
    assert [t.office for t in active(case)] == offices

    on_time_wib = [offices[0], offices[1], offices[2]]
    for office in on_time_wib:
        clock.set(datetime(2026, 11, 20, 13, 59, tzinfo=WIB))
        _send(period, office)
    clock.set(datetime(2026, 11, 20, 14, 0, 59, tzinfo=WIB))  # 14.00 to the minute: on time
    _send(period, offices[3])
    clock.set(datetime(2026, 11, 20, 14, 1, tzinfo=WIB))  # a minute late
    _send(period, offices[4])
    clock.set(datetime(2026, 11, 20, 13, 30, tzinfo=WIB))  # 14.30 WITA: late in its own zone
    _send(period, wita_office)
    # offices[5] never sends.
    statuses = dict(
        Submission.objects.filter(period=period).values_list("office__code", "timeliness")
    )
    assert statuses == {
        offices[0].code: Timeliness.ON_TIME,
        offices[1].code: Timeliness.ON_TIME,
        offices[2].code: Timeliness.ON_TIME,
        offices[3].code: Timeliness.ON_TIME,
        offices[4].code: Timeliness.LATE,
        wita_office.code: Timeliness.LATE,
    }
    deadline = Submission.objects.get(period=period, office=wita_office).deadline_at
    assert deadline.astimezone(WITA).strftime("%a %H:%M") == "Fri 14:00"
    assert deadline.astimezone(WIB).strftime("%H:%M") == "13:00"

    pelaksana = holders_of(period.definition.office, "pelaksana")[0]
    clock.set(datetime(2026, 11, 20, 13, 0, tzinfo=WIB))
    with pytest.raises(DomainError, match="belum dapat ditutup"):
        period_close(period=period, actor=pelaksana)
    clock.set(datetime(2026, 11, 20, 16, 0, tzinfo=WIB))
    period_close(period=period, actor=pelaksana, reason="Tenggat lewat")
    case.refresh_from_db()
    assert [t.step for t in active(case)] == [4]
    assert case.tasks.get(step=3, office=offices[5]).status == TaskStatus.CANCELLED
    with pytest.raises(DomainError, match="sudah ditutup"):
        _send(period, offices[5])

    step4 = active(case)[0]
    recap_step_complete(task=step4, actor=holder(step4))
    period.refresh_from_db()
    rates = period.recap["rates"]
    assert rates == {
        "expected": 7,
        "submitted": 6,
        "on_time": 4,
        "late": 2,
        "missing": 1,
        "reporting_rate": 85.7,
        "on_time_rate": 57.1,
    }
    row = {r["code"]: r for r in period.recap["rows"]}
    assert row[offices[5].code]["status"] == Timeliness.MISSING
    assert row[wita_office.code]["submitted_local"] == "20-11-2026 14:30 WITA"
    assert period.recap["totals"]["total"] == sum(
        sum(figures(o, period.definition.field_keys).values()) for o in offices if o != offices[5]
    )
    letter = case_letter(case)
    assert letter is not None and letter.kind == "laporan"
    assert [i[0] for i in letter.extra["items"]] == [o.short_name for o in offices] + ["Jumlah"]
    assert "Tidak melapor" in letter.extra["items"][5][2]
    assert "tingkat pelaporan 85.7%" in letter.body
    xlsx = load_workbook(__import__("io").BytesIO(recap_xlsx(period)))
    assert xlsx["Rekap"].cell(row=5, column=2).value == offices[0].short_name

    # The Kabid sends the draft back once (the SOP's Perbaikan), then the chain runs to the end.
    sent_back = []

    def decide(task: Any) -> dict:
        if task.step == 7 and not sent_back:
            sent_back.append(task.pk)
            return {"outcome": Outcome.RETURN, "return_to": 5, "reason": "Periksa angka KIA"}
        return {}

    clock.real()
    case = run_to_end(case, decide)
    assert case.status == CaseStatus.DONE and sent_back
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SIGNED and letter.number_id is not None
    # Steps 12 and 13 went to the recipients Babel configured: its Kadis and the PJ Korwil.
    deliveries = OutboundMessage.objects.filter(object_id=str(letter.pk))
    configured = {
        ("whatsapp", normalize_whatsapp_number(User.objects.get(username=name).phone))
        for name in ("babel.kadis", "ditjen.korwil")
    }
    assert {(m.channel, m.recipient) for m in deliveries} == configured
    actions = set(
        AuditEvent.objects.filter(object_type="reports.reportperiod").values_list(
            "action", flat=True
        )
    )
    assert {"report.distribute", "report.period.close", "report.aggregate"} <= actions


def test_the_change_from_last_week_is_in_the_recap(clock: Any, s0_collecting: Any) -> None:
    case, period = s0_collecting()
    for office in kab_kota():
        _send(period, office)
    engine.task_complete(task=active(case)[0], actor=holder(active(case)[0]), outcome=Outcome.DONE)
    period.refresh_from_db()
    first_total = period.recap["totals"]["total"]
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=WIB))
    _case2, period2 = s0_collecting()
    assert period2.starts_on.isoformat() == "2026-11-20"
    office = kab_kota()[0]
    keys = period2.definition.field_keys
    doubled = {k: 2 * v for k, v in figures(office, keys).items()}
    submission_send(
        period=period2, office=office, actor=holders_of(office, "kadis")[0], values=doubled
    )
    recap = recap_compute(period2)
    [row] = [r for r in recap["rows"] if r["code"] == office.code]
    assert row["change"] == 100.0
    assert recap["totals"]["previous"] == first_total


def test_reminders_go_before_the_deadline_to_those_who_have_not_sent(
    clock: Any, s0_collecting: Any
) -> None:
    _case, period = s0_collecting()
    offices = kab_kota()
    _send(period, offices[0])
    clock.set(datetime(2026, 11, 20, 10, 59, tzinfo=WIB))
    assert reminders_send() == 0  # more than 3 hours before 14.00
    clock.set(datetime(2026, 11, 20, 11, 30, tzinfo=WIB))
    reminded = reminders_send()
    assert reminded == 12  # Kadis and operator of the six offices still to send
    assert reminders_send() == 0  # once
    notices = Notification.objects.filter(kind="reports.reminder")
    assert not notices.filter(office=offices[0]).exists()
    assert OutboundMessage.objects.filter(dedupe_key__startswith="report-remind:").count() == 12


def test_the_form_is_prefilled_from_the_offices_own_counts_and_a_change_needs_a_reason(
    clock: Any, s0_collecting: Any
) -> None:
    _case, period = s0_collecting()
    office = kab_kota()[0]

    def provider(o: Any, starts: Any, ends: Any) -> dict[str, int]:
        return {"kk": 41, "akta_lahir": 17, "unknown": 3} if o == office else {}

    register_count_provider(provider)
    try:
        assert prefill(period, office) == {"kk": 41, "akta_lahir": 17}
        operator = holders_of(office, "operator")[0]
        values = figures(office, period.definition.field_keys) | {"kk": 41, "akta_lahir": 20}
        with pytest.raises(DomainError, match="Akta Kelahiran; tuliskan alasan"):
            submission_save(period=period, office=office, actor=operator, values=values)
        draft = submission_save(
            period=period, office=office, actor=operator, values=values, reason="3 akta susulan"
        )
        assert draft.status == "draft" and draft.edit_reason == "3 akta susulan"
        # The operator prepares; sending is the Kadis's step.
        with pytest.raises(DomainError, match="Kepala Dinas"):
            submission_send(period=period, office=office, actor=operator, values=values, reason="x")
        client = Client()
        client.force_login(holders_of(office, "kadis")[0])
        page = client.get(f"/laporan/periode/{period.pk}/kantor/{office.code}/").content.decode()
        assert 'value="20"' in page and "3 akta susulan" in page
    finally:
        unregister_count_provider(provider)


def test_the_web_form_sends_and_another_province_cannot_see_it(
    clock: Any, s0_collecting: Any, persona: Any
) -> None:
    case, period = s0_collecting()
    office = kab_kota()[0]
    client = Client()
    client.force_login(holders_of(office, "kadis")[0])
    url = f"/laporan/periode/{period.pk}/kantor/{office.code}/"
    data = {f"v_{k}": str(v) for k, v in figures(office, period.definition.field_keys).items()}
    response = client.post(url, data | {"kirim": "1"}, follow=True)
    assert "Laporan dikirim ke provinsi" in response.content.decode()
    assert Submission.objects.get(period=period, office=office).timeliness == Timeliness.ON_TIME
    assert not case.tasks.filter(office=office, status__in=["open", "claimed"]).exists()
    # Another kab/kota's staff see only their own row; another province sees nothing.
    other = kab_kota()[1]
    client.force_login(holders_of(other, "operator")[0])
    assert client.get(url).status_code == 404
    client.force_login(persona("sumbar.kabid"))
    assert client.get(f"/laporan/periode/{period.pk}/").status_code == 404
    client.force_login(persona("babel.kabid"))
    page = client.get(f"/laporan/periode/{period.pk}/").content.decode()
    assert "Tepat waktu" in page and "<svg" in page
    assert client.get(f"/laporan/periode/{period.pk}/rekap.pdf").content.startswith(b"%PDF")
    assert period.status == PeriodStatus.OPEN
