"""Writes of the offices' business numbers."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from alur.audit.services import record, snapshot
from alur.whatsapp_cloud.models import BusinessNumber


@transaction.atomic
def business_number_create(
    *,
    office: Any,
    phone_number_id: str,
    display_number: str,
    label: str,
    purpose: str = BusinessNumber.Purpose.APPLICATIONS,
    service_codes: list[str] | None = None,
    actor: Any = None,
) -> BusinessNumber:
    number = BusinessNumber(
        office=office,
        phone_number_id=phone_number_id,
        display_number=display_number,
        label=label,
        purpose=purpose,
        service_codes=service_codes or [],
    )
    number.full_clean()
    number.save()
    fields = ["phone_number_id", "display_number", "label", "purpose", "service_codes"]
    record(
        actor=actor,
        office=office,
        action="whatsapp.number.create",
        obj=number,
        after=snapshot(number, fields),
    )
    return number
