"""The logistics.* step keys (SOP S1), each declared once with its description, handler and
panel. The handlers run inside the engine's transition, read the step's data with the app's
forms and call the services; a refusal (DomainError) refuses the transition as a whole.

Form handlers also run when a step is returned or rejected; they act on "done" only.
"""

from __future__ import annotations

from typing import Any

from alur.core.errors import DomainError
from alur.core.web import form_data
from alur.logistics import rounds
from alur.logistics.forms import HandoverForm, PickupForm, ReceiveForm, ScheduleForm, ShipForm
from alur.logistics.models import Allocation, AllocationLine, Shipment
from alur.logistics.rules import DEFAULT_COVER_DAYS
from alur.logistics.services.allocation import (
    allocation_propose,
    allocation_publish,
    allocation_schedule,
)
from alur.logistics.services.handover import handover_post
from alur.logistics.services.shares import shares_announce
from alur.logistics.services.shipments import (
    Upload,
    shipment_dispatch,
    shipment_pickup,
    shipment_receive,
)
from alur.sop.registry import Completion, KeyKind, declare
from alur.workflow.choices import Outcome


def _done(context: Any) -> bool:
    return context.outcome == Outcome.DONE


def _shipment(context: Any) -> Shipment:
    shipment = Shipment.objects.filter(case=context.case).first()
    if shipment is None:
        raise DomainError("Belum ada pengiriman blanko yang dicatat untuk perkara ini.")
    return shipment


def allocation_of(case: Any) -> Allocation:
    allocation = Allocation.objects.filter(case=case).select_related("office").first()
    if allocation is None:
        raise DomainError("Belum ada usulan pembagian blanko untuk perkara ini.")
    return allocation


def _upload(context: Any) -> Upload | None:
    """The file a step's page sent with the form, as the view read it (bytes, type, name)."""
    upload = context.data.get("upload")
    return upload if isinstance(upload, tuple) and len(upload) == 3 else None


def on_ship(context: Any) -> None:
    if not _done(context):
        return
    data = form_data(ShipForm(context.data))
    shipment_dispatch(
        case=context.case,
        office=context.case.office,
        item=data["item"],
        quantity=data["quantity"],
        carrier=data["carrier"],
        waybill=data["waybill"],
        serial_text=data["serials"],
        dispatched_at=context.task.completed_at,
        actor=context.actor,
        upload=_upload(context),
    )


def on_pickup(context: Any) -> None:
    """Step 14: the province's team records the airport pick-up it did (who, when, the
    shipping document)."""
    if not _done(context):
        return
    data = form_data(PickupForm(context.data))
    shipment_pickup(
        shipment=_shipment(context),
        picked_up_at=data["picked_up_at"],
        note=data["note"],
        upload=_upload(context),
        actor=context.actor,
    )


def on_cover_letter(context: Any) -> None:
    """Step 12: the signed covering letter and the request letter go to the Badan Penghubung."""
    if not _done(context):
        return
    rounds.cover_letter_send(case=context.case, step=context.step.number, actor=context.actor)


def on_receive(context: Any) -> None:
    if not _done(context):
        return
    data = form_data(ReceiveForm(context.data))
    shipment = shipment_receive(
        shipment=_shipment(context),
        received=data["received"],
        damaged=data["damaged"] or 0,
        serial_text=data["serials"],
        note=data["note"],
        actor=context.actor,
    )
    allocation_propose(
        office=shipment.office,
        item=shipment.item,
        total=shipment.quantity_received or 0,
        cover_days=data["cover_days"] or DEFAULT_COVER_DAYS,
        shipment=shipment,
        case=context.case,
        actor=context.actor,
    )


def on_allocate(context: Any) -> None:
    if not _done(context):
        return
    allocation_publish(allocation=allocation_of(context.case), actor=context.actor)


def on_schedule(context: Any) -> None:
    if not _done(context):
        return
    allocation = allocation_of(context.case)
    form = ScheduleForm(context.data, lines=allocation.lines.select_related("office"))
    form_data(form)
    allocation_schedule(allocation=allocation, schedule=form.schedule(), actor=context.actor)
    shares_announce(allocation=allocation, actor=context.actor)


def on_handover(context: Any) -> None:
    """Step 19 runs once per kab/kota: the share of the task's office changes hands."""
    if not _done(context):
        return
    allocation = allocation_of(context.case)
    line = (
        AllocationLine.objects.select_related("allocation", "office")
        .filter(allocation=allocation, office=context.task.office)
        .first()
    )
    if line is None:
        raise DomainError(f"{context.task.office} tidak termasuk dalam pembagian ini.")
    if line.share == 0 and line.handed_over_at is None:
        return  # nothing was allocated to this office: nothing changes hands
    data = form_data(HandoverForm(context.data, line=line))
    handover_post(line=line, bast=data["bast"], hibah=data["hibah"], actor=context.actor)


# What each key means (the SOP's own words are in its step's activity).
DESCRIPTIONS = {
    "logistics.ship": "Record a shipment of blanks: carrier, document number, quantities.",
    "logistics.pickup": "Record the pick-up of a shipment of blanks at the airport: when, who "
    "went, and the shipping document they were handed.",
    "logistics.cover_letter": "Send the Kadis's signed covering letter to the liaison office "
    "(Badan Penghubung), with the request letter it covers.",
    "logistics.receive": "Inspect a delivery of blanks and take it into the office's stock.",
    "logistics.allocate": "Fix each receiving office's share of the stock, with the rule behind "
    "it (need, pending prints, stock left).",
    "logistics.schedule": "Agree the pick-up or delivery date with each receiving office.",
    "logistics.handover": "Hand blanks over with a signed hibah statement and a BAST; the stock "
    "moves to the receiving office.",
}
HANDLERS = {
    "logistics.ship": on_ship,
    "logistics.pickup": on_pickup,
    "logistics.cover_letter": on_cover_letter,
    "logistics.receive": on_receive,
    "logistics.allocate": on_allocate,
    "logistics.schedule": on_schedule,
    "logistics.handover": on_handover,
}


def register_all() -> None:
    from alur.logistics.panels import step_panel
    from alur.logistics.views import read_step, step_refused

    completion = Completion(read=read_step, refused=step_refused)

    for key, handler in HANDLERS.items():
        declare(
            key,
            KeyKind.FORM,
            handler,
            description=DESCRIPTIONS[key],
            panel=step_panel,
            replaces_outcome=True,
            completion=completion,
        )
