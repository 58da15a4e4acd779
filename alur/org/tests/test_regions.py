import pytest
from django.core.exceptions import ValidationError

from alur.audit.models import AuditEvent
from alur.org import regions
from alur.org.choices import OfficeLevel, RegionLevel
from alur.org.models import Office, Region
from alur.org.reference import load_regions
from alur.org.services import office_create


def test_region_facts_follow_from_the_code() -> None:
    assert regions.level_of("18") == RegionLevel.PROVINCE
    assert regions.level_of("18.08") == RegionLevel.REGENCY
    assert regions.level_of("18.08.01") == RegionLevel.DISTRICT
    assert regions.timezone_for("18.08") == "Asia/Jakarta"
    assert regions.timezone_for("61.01") == "Asia/Jakarta"  # Kalimantan Barat is WIB
    assert regions.timezone_for("64.72") == "Asia/Makassar"
    assert regions.timezone_for("73.71") == "Asia/Makassar"
    assert regions.timezone_for("94.71") == "Asia/Jayapura"
    with pytest.raises(ValueError):
        regions.level_of("1808")


@pytest.mark.django_db
def test_reference_data_has_every_province_and_kab_kota() -> None:
    assert Region.objects.filter(level=RegionLevel.PROVINCE).count() == 38
    assert Region.objects.filter(level=RegionLevel.REGENCY).count() == 514
    assert Region.objects.filter(level=RegionLevel.DISTRICT).count() == 7285
    assert Region.objects.get(code="18.08").name == "Kabupaten Way Kanan"
    assert Region.objects.get(code="18.72").parent_id == "18"


@pytest.mark.django_db
def test_loading_again_changes_nothing_and_writes_no_audit() -> None:
    before = AuditEvent.objects.count()
    results = load_regions()
    assert all(r.created == 0 and r.updated == 0 for r in results.values())
    assert results[RegionLevel.REGENCY].unchanged == 514
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_a_renamed_region_is_updated_and_audited() -> None:
    Region.objects.filter(code="18.08").update(name="Kab. Lama")
    results = load_regions()
    assert results[RegionLevel.REGENCY].updated == 1
    assert Region.objects.get(code="18.08").name == "Kabupaten Way Kanan"
    assert AuditEvent.objects.filter(action="regions.load").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("18.99", "tidak dikenal"),
        ("99", "tidak dikenal"),
        ("1808", "tidak valid"),
        ("18.08.01", "kecamatan"),
        ("18.08", "sudah ada"),
    ],
)
def test_a_wrong_region_code_is_refused_clearly(code: str, fragment: str) -> None:
    count = Office.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        office_create(code=code)
    assert fragment in " ".join(excinfo.value.messages)
    assert Office.objects.count() == count


@pytest.mark.django_db
def test_a_new_office_takes_level_parent_and_time_zone_from_its_code() -> None:
    province = office_create(code="73")
    kota = office_create(code="73.71")
    assert province.level == OfficeLevel.PROVINCE and province.parent.code == "00"
    assert kota.level == OfficeLevel.REGENCY and kota.parent == province
    assert kota.timezone == "Asia/Makassar"
    assert kota.name == "Dinas Kependudukan dan Pencatatan Sipil Kota Makassar"
    assert kota.kop_government == "PEMERINTAH KOTA MAKASSAR"
    event = AuditEvent.objects.get(office=kota, action="office.create")
    assert event.after["code"] == "73.71"


@pytest.mark.django_db
def test_an_office_created_before_its_province_is_linked_when_the_province_comes() -> None:
    regency = office_create(code="76.01")
    assert regency.parent is None
    province = office_create(code="76")
    regency.refresh_from_db()
    assert regency.parent == province
    assert AuditEvent.objects.filter(office=regency, action="office.update").exists()


@pytest.mark.django_db
def test_every_demo_post_below_the_head_has_a_superior() -> None:
    from alur.org.choices import PositionKind
    from alur.org.models import Position

    orphans = Position.objects.filter(superior__isnull=True).exclude(
        kind__in=[
            PositionKind.KADIS,
            PositionKind.KORWIL,
            PositionKind.MITRA,
            PositionKind.PENGHUBUNG,
        ]
    )
    assert not orphans.exists(), list(orphans.values_list("office__code", "title"))
