"""Reads of the offices' business numbers."""

from __future__ import annotations

from collections.abc import Iterable

from alur.org.models import Office
from alur.whatsapp_cloud.models import BusinessNumber

# The numbers staff messages go out from when they are not answers to a complaint.
NOT_COMPLAINTS = (BusinessNumber.Purpose.APPLICATIONS, BusinessNumber.Purpose.REPORTS)


def office_number(office: Office, purposes: Iterable[str] | None = None) -> BusinessNumber | None:
    """The office's first active number (by creation), of one of `purposes` when given."""
    numbers = BusinessNumber.objects.filter(office=office, is_active=True)
    if purposes is not None:
        numbers = numbers.filter(purpose__in=list(purposes))
    return numbers.order_by("pk").first()


def service_number(office: Office, service_code: str) -> BusinessNumber | None:
    """The office's active applications number that takes `service_code`."""
    return next(
        (
            number
            for number in BusinessNumber.objects.filter(
                office=office, is_active=True, purpose=BusinessNumber.Purpose.APPLICATIONS
            )
            if service_code in number.service_codes
        ),
        None,
    )
