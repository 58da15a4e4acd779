"""Finding a family by NIK or No. KK, only in the offices where the person handles cases."""

from collections.abc import Callable
from typing import Any

import pytest

from alur.registry.demo import load_demo_families
from alur.registry.models import Family, Resident
from alur.registry.selectors import family_by_no_kk, family_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def family() -> Family:
    load_demo_families(1, ["18.08"])
    return Family.objects.get()


def test_a_family_is_found_by_its_no_kk_and_by_any_members_nik(
    family: Family, persona: Callable[[str], Any]
) -> None:
    operator = persona("waykanan.operator")
    by_kk = family_search(operator, family.no_kk)
    assert [c.family for c in by_kk.families] == [family]
    assert by_kk.families[0].members[0].resident == family.head
    child = by_kk.families[0].members[-1].resident
    by_nik = family_search(operator, f" {child.nik} ")
    assert [c.family for c in by_nik.families] == [family] and not by_nik.loose
    assert family_by_no_kk(operator, family.no_kk) == family


def test_a_resident_in_no_kk_is_found_alone_and_nonsense_finds_nothing(
    family: Family, persona: Callable[[str], Any], office: Callable[[str], Any]
) -> None:
    from datetime import date

    loose = Resident.objects.create(
        office=office("18.08"),
        nik="1808015503950001",
        name="SITI AMINAH",
        sex="P",
        birth_place="WAY KANAN",
        birth_date=date(1995, 3, 15),
        address="Jl. Contoh",
        district=family.district,
        registered_at=family.head.registered_at,
        updated_at=family.head.registered_at,
    )
    operator = persona("waykanan.operator")
    found = family_search(operator, loose.nik)
    assert found.families == [] and found.loose == [loose]
    for query in ("", "12345", "abcdabcdabcdabcd", "1808015503950002"):
        assert family_search(operator, query).empty


def test_another_office_finds_nothing(family: Family, persona: Callable[[str], Any]) -> None:
    metro = persona("metro.operator")
    assert family_search(metro, family.no_kk).empty
    assert family_search(metro, family.head.nik).empty
    assert family_by_no_kk(metro, family.no_kk) is None
