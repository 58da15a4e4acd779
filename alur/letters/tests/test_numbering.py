"""Letter numbers: format, padding, the office's year, idempotence, no gaps, audit, concurrency."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from alur.audit.models import AuditEvent
from alur.core.counters import counter_last
from alur.core.errors import DomainError
from alur.letters.models import IssuedNumber, NumberSeries
from alur.letters.numbering import counter_of, number_take, series_ensure, to_roman
from alur.org.models import Office, Region

WIB = ZoneInfo("Asia/Jakarta")
MARCH = datetime(2026, 3, 10, 9, 0, tzinfo=WIB)


def documents(count: int) -> list[Region]:
    """Saved rows standing for the documents that take numbers (any model with a pk will do)."""
    return list(Region.objects.order_by("code")[:count])


@pytest.fixture
def waykanan(office) -> Office:
    wk = office("18.08")
    series_ensure(office=wk, key="surat", label="Surat keluar")
    return wk


def last_serial(office: Office, year: int, key: str = "surat") -> int | None:
    """The serial last taken in `office`'s series `key` in `year` (None: none taken)."""
    return counter_last(*counter_of(NumberSeries.objects.get(office=office, key=key), year))


def take(office: Office, **kwargs) -> IssuedNumber:
    kwargs.setdefault("series_key", "surat")
    kwargs.setdefault("classification", "400.12.2.1")
    kwargs.setdefault("subject", "Undangan rapat koordinasi")
    kwargs.setdefault("when", MARCH)
    with transaction.atomic():
        return number_take(office=office, **kwargs)


def test_default_format_and_consecutive_serials(waykanan: Office, persona) -> None:
    operator = persona("waykanan.operator")
    first = take(waykanan, actor=operator, recipient="Camat Blambangan Umpu")
    second = take(waykanan, classification="400.12.3.1", actor=operator)
    assert first.number == "400.12.2.1/1/Disdukcapil/2026"
    assert second.number == "400.12.3.1/2/Disdukcapil/2026"
    assert (first.serial, second.serial) == (1, 2)
    assert first.issued_by == operator
    assert first.recipient == "Camat Blambangan Umpu"
    assert last_serial(waykanan, 2026) == 2


def test_region_format_with_padding_unit_and_month_roman(office) -> None:
    wk = office("18.08")
    series_ensure(
        office=wk,
        key="nota_dinas",
        label="Nota dinas",
        fmt="ND/{classification}/{serial}/{unit}/{month_roman}/{year}",
        unit="Sekretariat",
        serial_padding=4,
    )
    issued = take(
        wk,
        series_key="nota_dinas",
        classification="400.12",
        when=datetime(2026, 12, 1, 8, tzinfo=WIB),
    )
    assert issued.number == "ND/400.12/0001/Sekretariat/XII/2026"


@pytest.mark.parametrize(("month", "roman"), [(1, "I"), (4, "IV"), (9, "IX"), (12, "XII")])
def test_roman_months(month: int, roman: str) -> None:
    assert to_roman(month) == roman


@pytest.mark.parametrize(
    "fmt", ["{classification}/{unit}/{year}", "{serial}/{tahun}", "{serial:04}/{year}", "{serial"]
)
def test_series_format_is_validated(office, fmt: str) -> None:
    with pytest.raises(DomainError):
        series_ensure(office=office("18.08"), key="bast", label="BAST", fmt=fmt)


def test_series_ensure_updates_and_is_audited(office, persona) -> None:
    wk = office("18.08")
    kadis = persona("waykanan.kadis")
    series = series_ensure(office=wk, key="bast", label="BAST", actor=kadis)
    again = series_ensure(office=wk, key="bast", label="Berita acara serah terima", actor=kadis)
    assert again.pk == series.pk and again.label == "Berita acara serah terima"
    actions = list(
        AuditEvent.objects.filter(object_id=str(series.pk), action__startswith="number_series.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["number_series.create", "number_series.update"]


def test_year_follows_the_office_time_zone(office) -> None:
    """31 Dec 23:30 WIB is already 1 Jan 00:30 WITA: two offices, two different years."""
    wib = office("18.08")
    wita = office("13.01")
    Office.objects.filter(pk=wita.pk).update(timezone="Asia/Makassar")
    wita.refresh_from_db()
    for each in (wib, wita):
        series_ensure(
            office=each, key="surat", label="Surat keluar", fmt="{serial}/{month_roman}/{year}"
        )
    moment = datetime(2025, 12, 31, 23, 30, tzinfo=WIB)
    assert take(wib, when=moment).number == "1/XII/2025"
    assert take(wita, when=moment).number == "1/I/2026"
    # A new year starts the serial again at 1; the old year's counter is untouched.
    take(wib, when=moment)
    assert take(wib, when=datetime(2026, 1, 1, 0, 5, tzinfo=WIB)).number == "1/I/2026"
    assert last_serial(wib, 2025) == 2


@pytest.mark.parametrize(
    "bad", ["400.12.", "40.12", "abc", "400/12", "400.123", "400.1.2.3.4.5", ""]
)
def test_invalid_classification_is_refused_and_takes_nothing(waykanan: Office, bad: str) -> None:
    with pytest.raises(DomainError) as refused:
        take(waykanan, classification=bad)
    assert "Kode klasifikasi" in refused.value.message
    assert not IssuedNumber.objects.filter(office=waykanan).exists()
    assert last_serial(waykanan, 2026) is None
    assert take(waykanan).serial == 1


def test_unknown_series_and_empty_subject_are_refused(waykanan: Office) -> None:
    with pytest.raises(DomainError, match="belum diatur"):
        take(waykanan, series_key="sop")
    with pytest.raises(DomainError, match="Perihal"):
        take(waykanan, subject="  ")


def test_a_document_asking_twice_gets_the_same_number(waykanan: Office) -> None:
    letter, other = documents(2)
    first = take(waykanan, obj=letter)
    again = take(
        waykanan, obj=letter, subject="Perihal lain", when=datetime(2027, 1, 5, tzinfo=WIB)
    )
    assert again.pk == first.pk and again.number == first.number
    assert take(waykanan, obj=other).serial == 2
    assert IssuedNumber.objects.filter(office=waykanan).count() == 2
    # In another series the same document gets its own number.
    series_ensure(
        office=waykanan, key="bast", label="BAST", fmt="BAST/{classification}/{serial}/{year}"
    )
    assert take(waykanan, series_key="bast", obj=letter).number == "BAST/400.12.2.1/1/2026"


def test_a_rolled_back_document_leaves_no_gap(waykanan: Office) -> None:
    take(waykanan)

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        assert take(waykanan).serial == 2
        raise Abandoned
    assert take(waykanan).serial == 2
    serials = list(IssuedNumber.objects.filter(office=waykanan).values_list("serial", flat=True))
    assert sorted(serials) == [1, 2]


def test_number_take_outside_a_transaction_is_refused(transactional_db) -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        number_take(
            office=Office(pk=1, timezone="Asia/Jakarta"),
            series_key="surat",
            classification="400.12",
            subject="Surat",
        )


def test_taking_a_number_is_audited(waykanan: Office, persona) -> None:
    operator = persona("waykanan.operator")
    (letter,) = documents(1)
    issued = take(waykanan, obj=letter, actor=operator)
    event = AuditEvent.objects.get(action="letter_number.take", object_id=str(issued.pk))
    assert event.office_id == waykanan.pk
    assert event.actor == operator
    assert event.after["number"] == issued.number
    assert event.after["document"] == f"org.region:{letter.pk}"
    take(waykanan, obj=letter, actor=operator)  # the idempotent answer writes nothing more
    assert AuditEvent.objects.filter(action="letter_number.take").count() == 1


def test_another_offices_officer_cannot_take_a_number(waykanan: Office, persona) -> None:
    with pytest.raises(PermissionDenied):
        take(waykanan, actor=persona("metro.operator"))
    assert not IssuedNumber.objects.exists()


@pytest.mark.postgres
def test_fifty_concurrent_requests_get_fifty_consecutive_numbers(demo_transactional) -> None:
    wk = Office.objects.get(code="18.08")
    with transaction.atomic():
        series_ensure(office=wk, key="surat", label="Surat keluar")
    letters = documents(50)
    barrier = threading.Barrier(len(letters))
    numbers: dict[str, str] = {}
    errors: list[BaseException] = []

    def request(letter: Region) -> None:
        try:
            barrier.wait(timeout=20)
            numbers[letter.pk] = take(wk, obj=letter).number
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=(letter,)) for letter in letters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(numbers) == 50
    expected = {f"400.12.2.1/{serial}/Disdukcapil/2026" for serial in range(1, 51)}
    assert set(numbers.values()) == expected
    assert last_serial(wk, 2026) == 50


@pytest.mark.parametrize(
    ("short_name", "unit"),
    [
        ("DP3ACSKB Prov. Kep. Bangka Belitung", "DP3ACSKB"),
        ("Disdukcapil Kab. Way Kanan", "Disdukcapil"),
        ("Dinas Kependudukan Kota Metro", "Disdukcapil"),
    ],
)
def test_a_new_series_prints_the_agency_that_opens_the_short_name(
    office, short_name: str, unit: str
) -> None:
    babel = office("19")
    babel.short_name = short_name
    babel.save(update_fields=["short_name"])
    series = series_ensure(office=babel, key="bast", label="BAST")
    assert series.unit == unit
