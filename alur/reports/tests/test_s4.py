"""S4 as the Sumatera Barat personas run it: a month of PIAK data imported (one kab/kota
missing, one jump flagged), validated, computed against the yearly targets, charted, exported
for LAKIP and reviewed by the Sekretariat."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from alur.core.errors import DomainError
from alur.reports.choices import JobStatus, PeriodStatus
from alur.reports.demo import demo_figures
from alur.reports.selectors import reporters
from alur.reports.services import coverage as coverage_services
from alur.reports.services.coverage import coverage_import_create
from alur.reports.services.periods import period_ensure
from alur.reports.tests.drivers import coverage_csv, import_coverage
from alur.workflow import services as engine
from alur.workflow.choices import CaseStatus, Outcome
from alur.workflow.models import Notification
from alur.workflow.tests.drive import active, holder, run_to_end, run_until_step, start

pytestmark = pytest.mark.django_db


def test_a_month_is_imported_validated_computed_charted_and_exported(persona: Any) -> None:
    case = start("S4")
    task = run_until_step(case, 3)
    staff = holder(task)
    period = period_ensure(case=case, actor=staff)
    with pytest.raises(DomainError, match="belum diimpor"):
        engine.task_complete(task=task, actor=staff, outcome=Outcome.DONE)

    offices = reporters(period)
    missing, jumping = offices[0], offices[1]

    def edit(lines: list[str]) -> list[str]:
        out = []
        for line in lines:
            cells = line.split(",")
            if cells[0] == jumping.code:
                cells[2] = str(int(cells[3]) // 2)  # akta lahir coverage halves
            if cells[0] != missing.code:
                out.append(",".join(cells))
        return out

    data = ("\n".join(edit(coverage_csv(period).decode().splitlines())) + "\n").encode()
    job = import_coverage(period, staff, data, "piak-bulan-ini.csv")
    assert job.status == JobStatus.DONE and job.done == job.total == len(offices) - 1
    assert any(missing.code in w and "tidak ada data" in w for w in job.warnings)
    assert any(jumping.code in w and "berubah" in w for w in job.warnings), job.warnings

    case = run_to_end(case)
    assert case.status == CaseStatus.DONE
    period.refresh_from_db()
    assert period.status == PeriodStatus.CLOSED
    report = period.recap
    province = report["province"]["cells"]["rekam_ktp_el"]
    expected_n = sum(demo_figures(o.code, "rekam_ktp_el", 4)[0] for o in offices[1:])
    expected_d = sum(demo_figures(o.code, "rekam_ktp_el", 4)[1] for o in offices[1:])
    assert (province["numerator"], province["denominator"]) == (expected_n, expected_d)
    assert province["percent"] == round(100 * expected_n / expected_d, 2)
    assert report["missing"] == [missing.code]
    ranks = [r["rank"] for r in report["rows"] if r["rank"] is not None]
    assert ranks == list(range(1, len(offices)))
    [jumped] = [r for r in report["rows"] if r["code"] == jumping.code]
    assert jumped["cells"]["akta_lahir_0_18"]["meets"] is False
    assert len(report["trend"]) == 4  # three demo months and this one
    assert report["exports"][0].endswith(".xlsx") and report["exports"][1].endswith(".pdf")
    assert Notification.objects.filter(
        kind="reports.lakip", user=persona("sumbar.sekretaris")
    ).exists()

    client = Client()
    client.force_login(persona("sumbar.kabid"))
    page = client.get(f"/laporan/periode/{period.pk}/").content.decode()
    assert page.count("<svg") == 5  # the trend and one ranking per indicator
    assert "Tanpa data: " + missing.code in page
    pdf = client.get(f"/laporan/periode/{period.pk}/lakip.pdf")
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/laporan/periode/{period.pk}/lakip.xlsx")
    assert xlsx.content.startswith(b"PK")
    status = client.get(f"/laporan/impor/{job.pk}/?json=1").json()
    assert status["percent"] == 100 and status["status"] == "done"
    client.force_login(persona("babel.kabid"))
    assert client.get(f"/laporan/periode/{period.pk}/").status_code == 404


def test_the_import_page_shows_progress_while_the_worker_reads(persona: Any) -> None:
    case = start("S4")
    run_until_step(case, 3)
    staff = persona("sumbar.staf")
    period = period_ensure(case=case, actor=staff)
    job = coverage_import_create(
        period=period, actor=staff, data=coverage_csv(period), filename="piak.csv"
    )
    client = Client()
    client.force_login(staff)
    queued = client.get(f"/laporan/impor/{job.pk}/?json=1").json()
    assert queued["status"] == "queued" and queued["percent"] == 0
    seen: list[tuple[int, int]] = []
    original = coverage_services._progress

    def spy(job_id: int, done: int, total: int) -> None:
        original(job_id, done, total)
        seen.append((done, total))

    coverage_services._progress = spy
    try:
        coverage_services.coverage_import_run(job.pk)
    finally:
        coverage_services._progress = original
    assert seen[-1] == (19, 19)
    assert client.get(f"/laporan/impor/{job.pk}/?json=1").json()["percent"] == 100
    assert [t.step for t in active(case)] == [3]
