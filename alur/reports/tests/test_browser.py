"""A kab/kota Kadis sends the weekly report from a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from alur.org.demo import DEMO_PASSWORD
from alur.org.selectors import holders_of
from alur.reports.models import Submission
from alur.reports.selectors import period_of
from alur.reports.tests.conftest import kab_kota
from alur.reports.tests.drivers import figures
from alur.workflow.tests.drive import run_until_step, start


@pytest.mark.browser
def test_a_kadis_sends_the_weekly_report_on_a_phone(phone_page: Any, live_server: Any) -> None:
    case = start("S0")
    run_until_step(case, 3)
    period = period_of(case)
    office = kab_kota()[0]
    kadis = holders_of(office, "kadis")[0]
    url = f"/laporan/periode/{period.pk}/kantor/{office.code}/"

    page = phone_page
    page.goto(f"{live_server.url}/masuk/?next={url}")
    page.get_by_label("Nama pengguna").fill(kadis.username)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}{url}")
    values = figures(office, period.definition.field_keys)
    for item in period.definition.fields:
        page.get_by_label(item["label"], exact=True).fill(str(values[item["key"]]))
    page.get_by_label("Kartu Keluarga (KK)", exact=True).fill("dua belas")
    page.get_by_role("button", name="Kirim ke provinsi").click()
    expect(page.get_by_text("Kartu Keluarga (KK): «dua belas» bukan angka.")).to_be_visible()
    page.get_by_label("Kartu Keluarga (KK)", exact=True).fill("12")
    page.get_by_role("button", name="Kirim ke provinsi").click()
    expect(page.get_by_text("Laporan dikirim ke provinsi.")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Terkirim")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    submission = Submission.objects.get(period=period, office=office)
    assert submission.values["kk"] == 12 and submission.status == "submitted"


@pytest.mark.browser
def test_the_dashboards_show_their_charts_on_a_phone(phone_page: Any, live_server: Any) -> None:
    # One finished case gives the dashboard its times per step. It runs in a thread of its own:
    # its TTE (pyHanko) runs an event loop, and Playwright's already runs in this one.
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from alur.reports.models import ReportPeriod
    from alur.workflow.tests.drive import run_to_end

    def finish() -> None:
        try:
            run_to_end(start("S2e"))
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(finish).result()
    page = phone_page
    page.goto(f"{live_server.url}/masuk/?next=/laporan/dasbor/%3Fkantor%3D18.08")
    page.get_by_label("Nama pengguna").fill("waykanan.kadis")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("#sop svg")).to_be_visible()
    expect(page.locator("#langkah svg")).to_be_visible()
    expect(page.locator("#sop")).to_contain_text("S2e")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    coverage = (
        ReportPeriod.objects.filter(definition__office__code="13")
        .filter(rows__isnull=False)
        .distinct()
        .order_by("-starts_on")
        .first()
    )
    assert coverage is not None  # the demo's months of Sumatera Barat data
    page.context.clear_cookies()  # log out
    page.goto(f"{live_server.url}/masuk/?next=/laporan/periode/{coverage.pk}/")
    page.get_by_label("Nama pengguna").fill("sumbar.kabid")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("svg").first).to_be_visible()
    assert page.locator("svg").count() >= 2  # the trend and the ranking per indicator


@pytest.mark.browser
def test_the_import_progress_moves_on_its_own_under_the_pages_csp(
    phone_page: Any, live_server: Any
) -> None:
    from django.utils import timezone

    from alur.org.models import User
    from alur.reports.choices import JobStatus
    from alur.reports.models import CoverageImport, ReportPeriod

    period = (
        ReportPeriod.objects.filter(definition__office__code="13", rows__isnull=False)
        .distinct()
        .order_by("-starts_on")
        .first()
    )
    assert period is not None
    job = CoverageImport.objects.create(
        period=period,
        filename="piak-sedang-dibaca.csv",
        status=JobStatus.RUNNING,
        total=19,
        done=5,
        created_at=timezone.now(),
        created_by=User.objects.get(username="sumbar.kabid"),
    )
    page = phone_page
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/masuk/?next=/laporan/periode/{period.pk}/")
    page.get_by_label("Nama pengguna").fill("sumbar.kabid")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("#import-status")).to_have_text("Sedang diproses")

    CoverageImport.objects.filter(pk=job.pk).update(done=12)  # the worker reads on
    expect(page.locator("#import-progress")).to_have_js_property("value", 63)
    CoverageImport.objects.filter(pk=job.pk).update(done=19, status=JobStatus.DONE)
    expect(page.locator("#import-status")).to_have_text("Selesai")  # after the page reloads
    assert blocked == []
