"""Shared pieces of the reports tests: a clock that can be set, an S0 case at its collecting
step, and a WITA kab/kota among Babel's WIB ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from alur.org.models import Office
from alur.reports.models import ReportPeriod
from alur.reports.selectors import period_of
from alur.workflow.models import Case
from alur.workflow.tests.drive import run_until_step, start

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
# A Thursday: the week of 13–19 November 2026 is reported by Friday 20 November, 14.00 local.
THURSDAY = datetime(2026, 11, 19, 8, 0, tzinfo=WIB)
REAL_NOW = timezone.now


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = THURSDAY
        monkeypatch.setattr(timezone, "now", lambda: self.now.astimezone(ZoneInfo("UTC")))

    def set(self, moment: datetime) -> None:
        self.now = moment

    def real(self) -> None:
        """Back to the real time (signing certificates are issued now)."""
        self.now = REAL_NOW()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def wita_office(db: None) -> Office:
    """Babel's last kab/kota moved to WITA for the test: its deadline is 14.00 WITA."""
    office = Office.objects.filter(parent__code="19").order_by("-code").first()
    assert office is not None
    Office.objects.filter(pk=office.pk).update(timezone="Asia/Makassar")
    office.refresh_from_db()
    return office


@pytest.fixture
def s0_collecting(clock: Clock) -> Callable[[], tuple[Case, ReportPeriod]]:
    def make() -> tuple[Case, ReportPeriod]:
        case = start("S0")
        run_until_step(case, 3)
        period = period_of(case)
        assert period is not None
        return case, period

    return make


def kab_kota(code: str = "19") -> list[Office]:
    return list(Office.objects.filter(parent__code=code).order_by("code"))
