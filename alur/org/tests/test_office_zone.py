from zoneinfo import ZoneInfo

from alur.org.models import Office


def test_zone_is_the_offices_time_zone_and_follows_an_edit() -> None:
    office = Office(code="99.99", name="Dinas Uji", short_name="Uji", timezone="Asia/Jakarta")
    assert office.zone == ZoneInfo("Asia/Jakarta")
    office.timezone = "Asia/Jayapura"
    assert office.zone == ZoneInfo("Asia/Jayapura")
