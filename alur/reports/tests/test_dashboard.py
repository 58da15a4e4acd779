"""The SOP dashboards (backlog, throughput, SLA, median and p90 per step against mutu baku) and
the pure pieces: periods, deadlines to the minute, rates, percentiles."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from alur.reports import selectors
from alur.reports.choices import Timeliness
from alur.reports.tests.conftest import WIB, WITA
from alur.reports.timeliness import (
    deadline_day,
    local_deadline,
    period_for,
    rates,
    timeliness_of,
)
from alur.workflow.choices import CaseStatus
from alur.workflow.tests.drive import run_to_end, start


def test_the_week_ends_on_the_last_thursday_and_the_month_is_the_previous_one() -> None:
    assert period_for("weekly", date(2026, 11, 19)) == (date(2026, 11, 13), date(2026, 11, 19))
    assert period_for("weekly", date(2026, 11, 20)) == (date(2026, 11, 13), date(2026, 11, 19))
    assert period_for("weekly", date(2026, 11, 18)) == (date(2026, 11, 6), date(2026, 11, 12))
    assert period_for("monthly", date(2026, 3, 5)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert deadline_day("weekly", date(2026, 11, 19)) == date(2026, 11, 20)
    assert deadline_day("monthly", date(2026, 1, 31), day_of_month=10) == date(2026, 2, 10)


def test_on_time_is_decided_to_the_minute_in_the_reporters_zone() -> None:
    wib = local_deadline(date(2026, 11, 20), time(14, 0), "Asia/Jakarta")
    wita = local_deadline(date(2026, 11, 20), time(14, 0), "Asia/Makassar")
    assert timeliness_of(datetime(2026, 11, 20, 14, 0, 59, tzinfo=WIB), wib) == Timeliness.ON_TIME
    assert timeliness_of(datetime(2026, 11, 20, 14, 1, tzinfo=WIB), wib) == Timeliness.LATE
    # 13.30 WIB is 14.30 WITA: late for a WITA office, on time for a WIB one.
    moment = datetime(2026, 11, 20, 13, 30, tzinfo=WIB)
    assert timeliness_of(moment, wita) == Timeliness.LATE
    assert timeliness_of(moment, wib) == Timeliness.ON_TIME
    assert timeliness_of(datetime(2026, 11, 20, 14, 0, tzinfo=WITA), wita) == Timeliness.ON_TIME
    counted = rates(7, ["on_time"] * 4 + ["late"] * 2)
    assert (counted.reporting_rate, counted.on_time_rate, counted.missing) == (85.7, 57.1, 1)


def test_percentiles_are_nearest_rank() -> None:
    values = list(range(1, 11))
    assert selectors._percentile(values, 0.9) == 9.0
    assert selectors._percentile([5], 0.9) == 5.0
    assert selectors._percentile([], 0.9) is None


@pytest.mark.django_db
def test_the_province_dashboard_shows_sla_and_time_per_step(persona: Any) -> None:
    case = run_to_end(start("S4"))
    assert case.status == CaseStatus.DONE
    client = Client()
    client.force_login(persona("sumbar.kabid"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/laporan/dasbor/")
    page = response.content.decode()
    assert response.status_code == 200
    assert len(queries) < 40
    data = selectors.dashboard(persona("sumbar.kabid"), case.office)
    [s4] = [s for s in data["sops"] if s["code"] == "S4"]
    assert s4["throughput"] == 1 and s4["backlog"] == 0 and s4["sla"] == 100.0
    steps = {s.step: s for s in data["steps"] if s.sop == "S4"}
    assert sorted(steps) == [1, 2, 3, 4, 5, 6, 7]
    assert steps[6].standard == 480 and steps[6].done == 1 and steps[6].median == 0.0
    assert "Kepatuhan SLA per SOP" in page and "mutu baku" in page
    assert page.count("<svg") >= 2
    # Another province's staff do not reach it.
    client.force_login(persona("babel.kabid"))
    response = client.get("/laporan/dasbor/?kantor=13")
    assert response.status_code == 404 and "Sumatera Barat" not in response.content.decode()
