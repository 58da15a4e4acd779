"""Requests: a kab/kota asks its province for blanks."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import DomainError
from alur.logistics import rules
from alur.logistics.ledger import balance_of, check_quantity, issued_in_window, item_label
from alur.logistics.models import BlankRequest
from alur.org.access import Capability, require
from alur.org.models import Office, User


@transaction.atomic
def blank_request_submit(
    *,
    office: Office,
    item: str,
    quantity: int,
    backlog: int,
    justification: str,
    actor: User,
    letter_number: str = "",
) -> BlankRequest:
    """A kab/kota asks its province for blanks; stock and monthly use are taken from its ledger."""
    require(actor, Capability.HANDLE_CASES, office)
    item_label(item)
    check_quantity(quantity, "Jumlah yang diminta")
    check_quantity(backlog, "Jumlah sudah rekam belum cetak", allow_zero=True)
    if office.parent_id is None:
        raise DomainError(f"{office} tidak memiliki kantor provinsi untuk dimintai blanko.")
    if not justification.strip():
        raise DomainError("Tuliskan alasan permohonan blanko.")
    request = BlankRequest.objects.create(
        office=office,
        item=item,
        quantity=quantity,
        backlog=backlog,
        stock_on_hand=balance_of(office, item),
        monthly_use=rules.monthly_use(issued_in_window(office, item)),
        justification=justification.strip(),
        letter_number=letter_number.strip(),
        requested_at=timezone.now(),
        requested_by=actor,
    )
    record(
        actor=actor,
        office=office,
        action="logistics.request",
        obj=request,
        after={
            "item": item,
            "quantity": quantity,
            "backlog": backlog,
            "stock_on_hand": request.stock_on_hand,
            "monthly_use": request.monthly_use,
            "letter_number": request.letter_number,
        },
    )
    from alur.logistics.rounds import notify_province

    notify_province(request)
    return request
