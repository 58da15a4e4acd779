from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.org.access import Capability, can
from alur.org.choices import AppointmentKind, PositionKind
from alur.org.models import Appointment, Position
from alur.org.services import appointment_create, appointment_end, user_create


@pytest.mark.django_db
def test_an_end_date_before_the_start_is_refused_in_indonesian(persona, office) -> None:
    position = Position.objects.get(office=office("18.08"), kind=PositionKind.KADIS)
    with pytest.raises(ValidationError) as excinfo:
        appointment_create(
            user=persona("waykanan.sekretaris"),
            position=position,
            kind=AppointmentKind.PLH,
            starts_on=date(2026, 3, 10),
            ends_on=date(2026, 3, 1),
        )
    assert "tidak boleh sebelum tanggal mulai" in str(excinfo.value)
    assert not Appointment.objects.filter(position=position, kind=AppointmentKind.PLH).exists()


@pytest.mark.django_db
def test_the_database_also_refuses_an_end_before_the_start(persona, office) -> None:
    position = Position.objects.get(office=office("18.08"), kind=PositionKind.KADIS)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            user=persona("waykanan.sekretaris"),
            position=position,
            starts_on=date(2026, 3, 10),
            ends_on=date(2026, 3, 1),
        )


@pytest.mark.django_db
def test_a_second_definitive_holder_is_refused(persona, office) -> None:
    position = Position.objects.get(office=office("18.08"), kind=PositionKind.KADIS)
    with pytest.raises(ValidationError) as excinfo:
        appointment_create(
            user=persona("waykanan.sekretaris"), position=position, starts_on=date(2026, 1, 1)
        )
    assert "masih dijabat definitif" in str(excinfo.value)


@pytest.mark.django_db
def test_an_acting_kadis_can_sign_only_during_the_assignment(persona, office) -> None:
    waykanan = office("18.08")
    sekretaris = persona("waykanan.sekretaris")
    assert not can(sekretaris, Capability.SIGN, waykanan)
    today = timezone.localdate()
    position = Position.objects.get(office=waykanan, kind=PositionKind.KADIS)
    appointment = appointment_create(
        user=sekretaris,
        position=position,
        kind=AppointmentKind.PLH,
        starts_on=today,
        ends_on=today + timedelta(days=5),
        decree="800/12/SPT/2026",
    )
    assert can(persona("waykanan.sekretaris"), Capability.SIGN, waykanan)
    appointment_end(
        appointment=appointment, ends_on=today - timedelta(days=0), actor=None, reason="selesai"
    )
    assert can(persona("waykanan.sekretaris"), Capability.SIGN, waykanan)  # still today
    with pytest.raises(ValidationError):
        appointment_end(appointment=appointment, ends_on=today - timedelta(days=1), actor=None)
    actions = AuditEvent.objects.filter(office=waykanan, object_id=str(appointment.pk))
    assert list(actions.values_list("action", flat=True)) == [
        "appointment.create",
        "appointment.end",
    ]


@pytest.mark.django_db
def test_a_past_acting_assignment_grants_nothing(persona, office) -> None:
    waykanan = office("18.08")
    position = Position.objects.get(office=waykanan, kind=PositionKind.KADIS)
    appointment_create(
        user=persona("waykanan.operator"),
        position=position,
        kind=AppointmentKind.PLH,
        starts_on=date(2025, 1, 6),
        ends_on=date(2025, 1, 10),
    )
    assert not can(persona("waykanan.operator"), Capability.SIGN, waykanan)


@pytest.mark.django_db
def test_weak_passwords_are_refused_with_a_reason() -> None:
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="lemah", full_name="Lemah", password="12345678")
    messages = " ".join(excinfo.value.messages).lower()
    assert "kata sandi" in messages
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="nip", full_name="N", password="Kuat-Sekali-2026", nip="123")
    assert "18 angka" in str(excinfo.value)
