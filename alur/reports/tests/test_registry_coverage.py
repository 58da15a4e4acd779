"""Coverage counted from Alur's own register: the rollup's sums equal the indicators worked out
from the residents, and the page shows them to the province and its kab/kota only."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from alur.org.choices import RegionLevel
from alur.org.models import Office, Region
from alur.registry import rollup
from alur.registry.choices import MaritalStatus, ResidentStatus
from alur.registry.inputs import AddressInput, ResidentInput
from alur.registry.models import Resident
from alur.registry.services.events import death_record, move_out
from alur.registry.services.residents import (
    biometrics_record,
    birth_certificate_record,
    death_certificate_record,
    kia_record,
    resident_register,
)
from alur.reports.coverage import RESIDENT_INDICATORS, coverage_rows

pytestmark = pytest.mark.django_db


def indicators_of(offices: list[Office], day: date) -> list[tuple[str, str, int, int]]:
    """domain.md's four indicators per office, worked out here from each resident."""
    rows = []
    for office in sorted(offices, key=lambda o: o.code):
        sums = {key: [0, 0] for key in RESIDENT_INDICATORS}
        residents = Resident.objects.filter(office=office).exclude(status=ResidentStatus.MOVED_OUT)
        if not residents.exists():
            continue
        for r in residents:
            b = r.birth_date
            age = day.year - b.year - ((day.month, day.day) < (b.month, b.day))
            married = r.marital_status != MaritalStatus.SINGLE
            if r.status == ResidentStatus.DEAD:
                sums["akta_kematian"][0] += bool(r.death_certificate_no)
                sums["akta_kematian"][1] += 1
                continue
            if age <= 18:
                sums["akta_lahir_0_18"][0] += bool(r.birth_certificate_no)
                sums["akta_lahir_0_18"][1] += 1
            if age >= 17 or married:
                sums["rekam_ktp_el"][0] += r.biometrics_recorded_at is not None
                sums["rekam_ktp_el"][1] += 1
            if age < 17 and not married:
                sums["kia"][0] += r.kia_issued_at is not None
                sums["kia"][1] += 1
        rows += [(office.code, key, n, d) for key, (n, d) in sums.items()]
    return rows


def district_in(office: Office) -> str:
    region = Region.objects.filter(
        level=RegionLevel.DISTRICT, code__startswith=office.code + "."
    ).order_by("code")
    return region.values_list("code", flat=True).first()


def populate(offices: list[Office], today: date) -> None:
    """Residents of every age class and status with documents issued in a pattern."""
    for index, office in enumerate(offices):
        home = AddressInput(address="Jl. Sudirman 1", district_code=district_in(office))
        for n in range(8 + index):
            born = today.replace(year=today.year - (2, 5, 16, 17, 18, 19, 40, 70, 30)[n % 9])
            data = ResidentInput(
                name=f"Warga {office.code} {n}",
                sex="LP"[n % 2],
                birth_place="Padang",
                birth_date=born - timedelta(days=n),
                home=home,
                marital_status=MaritalStatus.MARRIED if n in (2, 6, 8) else MaritalStatus.SINGLE,
            )
            resident, _warnings = resident_register(office=office, data=data, actor=None)
            if n % 3 == 0:
                birth_certificate_record(resident=resident, number=f"LT-{n}", actor=None)
            if n % 2 == 0:
                kia_record(resident=resident, actor=None)
            if n % 4 != 1:
                biometrics_record(resident=resident, actor=None)
            if n == 7:
                death_record(resident=resident, died_on=today, actor=None)
                if index:
                    death_certificate_record(resident=resident, number=f"KM-{n}", actor=None)
            if n == 5:
                move_out(
                    residents=[resident],
                    destination_code="18.72",
                    destination_address="Jl. Baru 2",
                    moved_on=today,
                    actor=None,
                )


@pytest.fixture
def sumbar() -> list[Office]:
    today = timezone.localdate()
    rollup.rebuild(today)
    offices = list(Office.objects.filter(parent__code="13").order_by("code")[:3])
    populate(offices[:2], today)
    return offices


def test_the_rollup_sums_equal_the_indicators_counted_from_the_residents(sumbar) -> None:
    today = timezone.localdate()
    rows = coverage_rows(sumbar)
    assert rows == indicators_of(sumbar, today)
    assert {r[0] for r in rows} == {sumbar[0].code, sumbar[1].code}  # the third has nobody
    assert [r for r in rows if r[1] == "akta_kematian"] == [
        (sumbar[0].code, "akta_kematian", 0, 1),
        (sumbar[1].code, "akta_kematian", 1, 1),
    ]
    rollup.rebuild(today)
    assert coverage_rows(sumbar) == rows
    assert coverage_rows([]) == []


def test_the_page_shows_the_province_its_kabkota_and_refuses_others(sumbar, persona: Any) -> None:
    first, second, empty = sumbar
    client = Client()
    client.force_login(persona("sumbar.kabid"))
    page = client.get("/laporan/").content.decode()
    assert "/laporan/cakupan-register/" in page
    page = client.get("/laporan/cakupan-register/").content.decode()
    assert "Cakupan menurut register Alur" in page
    assert f"per {rollup.as_of():%d-%m-%Y}" in page
    for code, indicator, numerator, denominator in indicators_of([first, second], rollup.as_of()):
        assert f"{numerator}/{denominator}" in page, (code, indicator)
    assert (first.short_name or first.name) in page and (empty.short_name or empty.name) in page
    assert "Belum ada penduduk tercatat" in page
    own = client.get(f"/laporan/cakupan-register/?kantor={second.code}").content.decode()
    own = own[own.index('id="cakupan-register"') :]  # the table, not the choice of office
    assert (second.short_name or second.name) in own and (first.short_name or first.name) not in own

    client.force_login(persona("babel.kabid"))
    assert client.get("/laporan/cakupan-register/?kantor=13").status_code == 404
    assert client.get(f"/laporan/cakupan-register/?kantor={first.code}").status_code == 404
    babel = client.get("/laporan/cakupan-register/").content.decode()
    babel = babel[babel.index('id="cakupan-register"') :]
    assert "Bangka" in babel and (first.short_name or first.name) not in babel

    client.force_login(persona("metro.mitra.dinsos"))
    assert client.get("/laporan/cakupan-register/").status_code == 403
