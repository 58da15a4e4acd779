"""Who sees what: every record belongs to an office; a person reaches only where allowed."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from alur.audit.models import AuditEvent
from alur.org.access import Capability, can, offices_for, require, scope
from alur.org.models import Office


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


@pytest.mark.django_db
def test_a_kota_metro_officer_cannot_read_a_way_kanan_record(persona, office, client) -> None:
    metro = persona("metro.petugas")
    waykanan = office("18.08")
    # The services' and selectors' check ...
    assert not can(metro, Capability.HANDLE_CASES, waykanan)
    with pytest.raises(PermissionDenied):
        require(metro, Capability.HANDLE_CASES, waykanan)
    # ... the scoping of any office-owned table ...
    assert AuditEvent.objects.filter(office=waykanan).exists()
    assert not scope(AuditEvent.objects.filter(office=waykanan), metro, Capability.HANDLE_CASES)
    # ... and the pages: the office and its audit trail answer 404, as if they did not exist.
    client.force_login(persona("metro.kadis"))
    assert client.get("/kantor/18.08/").status_code == 404
    assert client.get("/kantor/18.08/audit/").status_code == 404
    assert client.get("/kantor/18.72/audit/").status_code == 200


@pytest.mark.django_db
def test_staff_reach_their_own_office_only(persona) -> None:
    assert codes(offices_for(persona("waykanan.operator"), Capability.HANDLE_CASES)) == {"18.08"}
    assert codes(offices_for(persona("waykanan.operator"), Capability.VIEW_REPORTS)) == {"18.08"}
    assert not offices_for(persona("waykanan.operator"), Capability.SIGN)
    assert codes(offices_for(persona("waykanan.kadis"), Capability.SIGN)) == {"18.08"}


@pytest.mark.django_db
def test_a_province_sees_its_kab_kota_reports_but_never_their_citizens(persona) -> None:
    kabid = persona("babel.kabid")
    reports = codes(offices_for(kabid, Capability.VIEW_REPORTS))
    children = codes(Office.objects.filter(parent__code="19"))
    assert len(children) == 7
    assert reports == {"19"} | children
    assert codes(offices_for(kabid, Capability.HANDLE_CASES)) == {"19"}
    assert "18.08" not in reports and "13.71" not in reports


@pytest.mark.django_db
def test_the_national_korwil_sees_reports_of_every_office_below(persona) -> None:
    korwil = persona("ditjen.korwil")
    reports = codes(offices_for(korwil, Capability.VIEW_REPORTS))
    assert {"00", "19", "19.71", "18.08", "13", "13.71"} <= reports
    assert not offices_for(korwil, Capability.HANDLE_CASES)


@pytest.mark.django_db
def test_partners_only_refer_residents(persona) -> None:
    mitra = persona("metro.mitra.dinsos")
    assert codes(offices_for(mitra, Capability.REFER_RESIDENTS)) == {"18.72"}
    for capability in Capability:
        if capability != Capability.REFER_RESIDENTS:
            assert not offices_for(mitra, capability), capability


@pytest.mark.django_db
def test_anonymous_and_inactive_people_reach_nothing(persona, office) -> None:
    assert not offices_for(AnonymousUser(), Capability.VIEW_OFFICE)
    kadis = persona("waykanan.kadis")
    kadis.is_active = False
    kadis.save(update_fields=["is_active"])
    assert not can(persona("waykanan.kadis"), Capability.VIEW_OFFICE, office("18.08"))
