"""The sample residents of `make run`: valid NIKs, counted by the rollup, loaded once."""

import pytest
from django.core.management import call_command
from django.db.models import Sum

from alur.audit.models import AuditEvent
from alur.intake.nik import check_nik
from alur.org.models import Office
from alur.registry.choices import Relation, ResidentStatus
from alur.registry.models import Family, Resident, ResidentCount
from alur.registry.selectors import family_card
from alur.reports.coverage import coverage_rows

pytestmark = pytest.mark.django_db


def test_sample_residents_have_valid_niks_and_are_counted_once() -> None:
    call_command("load_demo_residents", "--per-office", "40", "--families", "0", verbosity=0)
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

    call_command("load_demo_residents", "--per-office", "40", "--families", "0", verbosity=0)
    assert Resident.objects.count() == len(residents)  # a second run adds nothing


def test_demo_families_have_a_head_a_spouse_and_children_and_load_once() -> None:
    call_command("load_demo_residents", "--families", "3", "--kantor", "18.08", verbosity=0)
    families = list(Family.objects.select_related("office", "head"))
    assert len(families) == 3 and {f.office.code for f in families} == {"18.08"}
    for family in families:
        card = family_card(family)
        relations = [m.relation for m in card.members]
        assert relations[:2] == [Relation.HEAD, Relation.WIFE] and Relation.CHILD in relations
        assert card.members[0].resident == family.head
        for member in card.members:
            resident = member.resident
            check = check_nik(resident.nik, birth_date=resident.birth_date, sex=resident.sex)
            assert check.is_valid and not check.warnings, (resident.nik, check.errors)
            assert resident.district_id == family.district_id
        children = [m.resident for m in card.members if m.relation == Relation.CHILD]
        assert all(c.mother_name == card.members[1].resident.name for c in children)
    assert AuditEvent.objects.filter(action="registry.family_create").count() == 3
    assert ResidentCount.objects.aggregate(total=Sum("count"))["total"] == Resident.objects.count()

    call_command("load_demo_residents", "--families", "3", "--kantor", "18.08", verbosity=0)
    assert Family.objects.count() == 3  # a second run adds none
