"""The sample residents of `make run`: valid NIKs, counted by the rollup, loaded once."""

import pytest
from django.core.management import call_command
from django.db.models import Sum

from alur.intake.nik import check_nik
from alur.org.models import Office
from alur.registry.choices import ResidentStatus
from alur.registry.models import Resident, ResidentCount
from alur.reports.coverage import coverage_rows

pytestmark = pytest.mark.django_db


def test_sample_residents_have_valid_niks_and_are_counted_once() -> None:
    call_command("load_demo_residents", "--per-office", "40", verbosity=0)
    residents = list(Resident.objects.select_related("office"))
    offices = {r.office.code for r in residents}
    assert {"18.08", "13.71", "19.01"} <= offices and len(residents) == 40 * len(offices)
    for resident in residents:
        check = check_nik(resident.nik, birth_date=resident.birth_date, sex=resident.sex)
        assert check.is_valid and not check.warnings, (resident.nik, check.errors)
    counted = ResidentCount.objects.aggregate(total=Sum("count"))["total"]
    assert counted == sum(r.status != ResidentStatus.MOVED_OUT for r in residents)
    waykanan = Office.objects.get(code="18.08")
    rows = {key: (n, d) for _code, key, n, d in coverage_rows([waykanan])}
    living = [r for r in residents if r.office_id == waykanan.pk and r.status == "alive"]
    for numerator, denominator in rows.values():  # every indicator has people, not all covered
        assert 0 <= numerator <= denominator
    assert 0 < rows["akta_lahir_0_18"][1] < len(living)
    assert 0 < rows["rekam_ktp_el"][0] < rows["rekam_ktp_el"][1]

    call_command("load_demo_residents", "--per-office", "40", verbosity=0)
    assert Resident.objects.count() == len(residents)  # a second run adds nothing
