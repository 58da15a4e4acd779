"""S1 end to end through the engine as the demo personas, and each refusal on the way."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError
from alur.logistics import ledger, selectors
from alur.logistics.choices import AllocationStatus, Item, MovementKind, ShipmentStatus
from alur.logistics.models import Allocation, AllocationLine, LedgerLine, Shipment
from alur.logistics.services.allocation import allocation_approve, available
from alur.logistics.services.handover import HIBAH_MISSING
from alur.logistics.services.shipments import expected_arrival
from alur.logistics.tests.conftest import archived, s1_decide, s1_round
from alur.tte.models import DocumentKind
from alur.tte.services import document_revoke
from alur.workflow import cancel
from alur.workflow import services as workflow
from alur.workflow.choices import CaseStatus, Outcome, TaskStatus
from alur.workflow.tests.drive import active, holder, run_to_end, step_once

pytestmark = pytest.mark.django_db


def complete(task, data=None, actor=None):
    return workflow.task_complete(
        task=task, actor=actor or holder(task), outcome=Outcome.DONE, data=data or {}
    )


def drive_to(case, number: int, decide=None):
    """Run the case (with the S1 data) until step `number` is open; its first task."""
    decide = decide or s1_decide()
    for _ in range(60):
        for task in active(case):
            if task.step == number:
                return task
        step_once(case, decide)
    raise AssertionError(f"step {number} never opened")


def test_s1_runs_end_to_end_and_every_ledger_reconciles(office, persona) -> None:
    province = office("19")
    before = ledger.balance_of(province, Item.KTP_EL)
    case = run_to_end(s1_round(), s1_decide())
    assert case.status == CaseStatus.DONE

    shipment = Shipment.objects.get(case=case)
    assert shipment.status == ShipmentStatus.RECEIVED
    assert (shipment.quantity_received, shipment.quantity_damaged) == (990, 10)
    assert shipment.expected_at > shipment.dispatched_at
    assert shipment.dispatched_by == persona("babel.penghubung")

    allocation = Allocation.objects.get(case=case)
    assert allocation.status == AllocationStatus.PUBLISHED
    lines = list(allocation.lines.select_related("office"))
    children = province.children.count()
    assert len(lines) == children == 7
    assert sum(line.share for line in lines) == 990  # exactly what was received in good order
    assert all(line.handed_over_at and line.bast for line in lines if line.share)

    # The province took in 1,000, wrote off 10 and handed the 990 over: back where it started.
    assert ledger.balance_of(province, Item.KTP_EL) == before
    for line in lines:
        if line.share:
            into = LedgerLine.objects.get(
                office=line.office, kind=MovementKind.TRANSFER_IN, cause_id=str(line.pk)
            )
            assert into.quantity == line.share and into.counterpart == province
            assert into.document == line.bast
            out = LedgerLine.objects.get(
                office=province, kind=MovementKind.TRANSFER_OUT, cause_id=str(line.pk)
            )
            assert out.quantity == -line.share and out.counterpart == line.office

    kabid = persona("babel.kabid")
    checks = selectors.stock_checks(kabid)
    assert checks and all(check.ok for check in checks)
    (received,) = [c for c in selectors.allocation_checks(kabid) if c.allocation == allocation]
    assert (received.received, received.allocated, received.handed_over) == (990, 990, 990)
    actions = set(AuditEvent.objects.filter(office=province).values_list("action", flat=True))
    assert {
        "logistics.shipment_dispatch",
        "logistics.shipment_receive",
        "logistics.allocation_propose",
        "logistics.allocation_approve",
        "logistics.allocation_publish",
        "logistics.allocation_schedule",
        "logistics.handover",
        "logistics.transfer_out",
    } <= actions


def test_the_kadis_edits_shares_with_a_reason(office) -> None:
    codes = [o.code for o in office("19").children.order_by("code")]
    shares = dict.fromkeys(codes, 100) | {codes[0]: 390}
    case = run_to_end(s1_round(), s1_decide(kadis_shares=shares))
    allocation = Allocation.objects.get(case=case)
    assert allocation.approval_reason == "Disesuaikan dengan jadwal perekaman"
    got = {line.office.code: line.approved for line in allocation.lines.select_related("office")}
    assert got == shares


def test_receiving_more_than_was_shipped_is_refused() -> None:
    case = s1_round()
    task = drive_to(case, 15)
    with pytest.raises(DomainError) as refused:
        complete(task, {"received": 1000, "damaged": 5})
    assert refused.value.message == (
        "Jumlah diterima (1.005: 1.000 baik, 5 rusak) melebihi jumlah yang dikirim (1.000)."
    )
    task.refresh_from_db()
    assert task.status != TaskStatus.DONE
    assert not LedgerLine.objects.filter(cause_type="logistics.shipment").exists()
    complete(task, {"received": 1000, "damaged": 0})
    assert Shipment.objects.get(case=case).status == ShipmentStatus.RECEIVED


def test_a_short_delivery_needs_an_inspection_note() -> None:
    task = drive_to(s1_round(), 15)
    with pytest.raises(DomainError, match="kurang 50 dari yang dikirim"):
        complete(task, {"received": 950, "damaged": 0})
    complete(task, {"received": 950, "damaged": 0, "note": "Satu dus belum tiba"})
    assert Shipment.objects.get(case=task.case).shortfall == 50


def test_serials_must_match_what_arrived() -> None:
    task = drive_to(s1_round(), 15)
    with pytest.raises(DomainError, match=r"berisi 1\.000 blanko, tidak sama"):
        complete(task, {"received": 900, "damaged": 0, "serials": "KTP0010001-KTP0011000"})
    with pytest.raises(DomainError, match="tidak termasuk rentang yang dikirim"):
        complete(
            task,
            {"received": 1000, "damaged": 0, "serials": "KTP0020001-KTP0021000"},
        )


def test_allocating_more_than_is_in_stock_is_refused(office, persona) -> None:
    case = s1_round()
    drive_to(case, 16)
    allocation = Allocation.objects.get(case=case)
    province = office("19")
    free = available(province, Item.KTP_EL, excluding=allocation)
    first = allocation.lines.order_by("office__code").first()
    with pytest.raises(DomainError) as refused:
        allocation_approve(
            allocation=allocation,
            actor=persona("babel.kadis"),
            shares={first.office_id: free + 1},
            reason="Kebutuhan mendesak",
        )
    assert "melebihi stok Blanko KTP-el yang tersedia" in refused.value.message
    assert refused.value.message.startswith("Jumlah porsi (")
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.PROPOSED


def test_approval_rules_reason_negative_and_who(persona) -> None:
    case = s1_round()
    drive_to(case, 16)
    allocation = Allocation.objects.get(case=case)
    line = allocation.lines.order_by("office__code").first()
    kadis = persona("babel.kadis")
    with pytest.raises(DomainError, match="Tuliskan alasan perubahan porsi"):
        allocation_approve(
            allocation=allocation, actor=kadis, shares={line.office_id: line.proposed + 1}
        )
    with pytest.raises(DomainError, match="tidak boleh negatif"):
        allocation_approve(
            allocation=allocation, actor=kadis, shares={line.office_id: -1}, reason="x"
        )
    for outsider in ("babel.kabid", "metro.kadis"):
        with pytest.raises(PermissionDenied):
            allocation_approve(allocation=allocation, actor=persona(outsider))


def test_the_list_is_fixed_only_after_the_kadis_approved() -> None:
    case = s1_round()
    task16 = drive_to(case, 16)
    complete(task16)  # the disposition without approving the proposal
    (task17,) = [t for t in active(case) if t.step == 17]
    with pytest.raises(DomainError, match="belum disetujui Kepala Dinas"):
        complete(task17)


def _at_handover(shares: dict[str, int] | None = None):
    case = s1_round()
    drive_to(case, 19, s1_decide(kadis_shares=shares))
    tasks = [t for t in active(case) if t.step == 19]
    return case, tasks


def _two_shares(office) -> dict[str, int]:
    codes = [o.code for o in office("19").children.order_by("code")]
    return dict.fromkeys(codes, 0) | {codes[0]: 500, codes[1]: 490}


def test_a_transfer_without_a_signed_bast_and_hibah_statement_is_refused(office, persona) -> None:
    case, tasks = _at_handover(_two_shares(office))
    task = tasks[0]
    province = office("19")
    lines_before = LedgerLine.objects.count()
    with pytest.raises(DomainError) as refused:
        complete(task, {})
    assert refused.value.message == (
        "Serah terima blanko memerlukan Berita Acara Serah Terima (BAST) yang sudah "
        "ditandatangani dan diarsipkan."
    )
    letter = archived(province, kind=DocumentKind.SURAT)
    with pytest.raises(DomainError, match="bukan Berita Acara Serah Terima"):
        complete(task, {"bast": letter.pk})
    foreign = archived(task.office)
    with pytest.raises(DomainError, match="bukan terbitan"):
        complete(task, {"bast": foreign.pk})
    revoked = archived(province)
    document_revoke(document=revoked, actor=persona("babel.kadis"), reason="Salah jumlah")
    with pytest.raises(DomainError, match="dicabut"):
        complete(task, {"bast": revoked.pk})
    assert LedgerLine.objects.count() == lines_before
    task.refresh_from_db()
    assert task.status != TaskStatus.DONE

    good = archived(province)
    with pytest.raises(DomainError) as refused:
        complete(task, {"bast": good.pk})
    assert refused.value.message == HIBAH_MISSING
    statement = DocumentKind.SURAT_PERNYATAAN
    with pytest.raises(DomainError, match="bukan terbitan"):
        complete(task, {"bast": good.pk, "hibah": archived(province, kind=statement).pk})
    with pytest.raises(DomainError, match="bukan surat pernyataan"):
        complete(task, {"bast": good.pk, "hibah": archived(task.office).pk})
    assert LedgerLine.objects.count() == lines_before

    hibah = archived(task.office, kind=statement)
    complete(task, {"bast": good.pk, "hibah": hibah.pk})
    line = AllocationLine.objects.get(allocation__case=case, office=task.office)
    assert line.bast == good and line.hibah == hibah and line.handed_over_at is not None
    other = tasks[1]
    with pytest.raises(DomainError, match="sudah dipakai"):
        complete(other, {"bast": good.pk, "hibah": archived(other.office, kind=statement).pk})
    with pytest.raises(DomainError, match="yang dipilih tidak ditemukan"):
        complete(other, {"bast": archived(province).pk, "hibah": hibah.pk})


def test_an_office_with_a_zero_share_completes_without_a_bast(office) -> None:
    codes = [o.code for o in office("19").children.order_by("code")]
    shares = dict.fromkeys(codes, 0) | {codes[0]: 990}
    case, tasks = _at_handover(shares)
    zero = next(t for t in tasks if t.office.code == codes[1])
    complete(zero, {})
    assert not LedgerLine.objects.filter(office=zero.office, kind="transfer_in").exists()
    step_once(case, s1_decide())
    case.refresh_from_db()
    assert case.status == CaseStatus.DONE


def test_a_step_that_does_not_go_on_posts_nothing() -> None:
    """A receipt step ended otherwise than done (rejected where the engine allows it, or the
    round cancelled) takes nothing into stock and shares nothing out."""
    case = s1_round()
    task = drive_to(case, 15)
    try:
        workflow.task_complete(
            task=task, actor=holder(task), outcome=Outcome.REJECT, reason="Blanko tidak datang"
        )
    except DomainError:  # the SOP gives step 15 no refusal: its holder cancels the round
        cancel.case_cancel(case=case, actor=holder(task), reason="Blanko tidak datang")
    case.refresh_from_db()
    assert case.status in (CaseStatus.REJECTED, CaseStatus.CANCELLED)
    assert Shipment.objects.get(case=case).status == ShipmentStatus.DISPATCHED
    assert not Allocation.objects.filter(case=case).exists()


def test_the_shipment_arrives_two_working_days_later(office) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    wib = ZoneInfo("Asia/Jakarta")
    province = office("19")
    friday = datetime(2026, 3, 6, 10, 0, tzinfo=wib)
    arrival = expected_arrival(province, friday)
    assert arrival.date().isoformat() == "2026-03-10"  # Monday, then Tuesday


def test_a_delivery_step_without_recipients_refuses_to_complete() -> None:
    """Step 10 sends the signed request letter: with nobody to send it to, the step says so and
    stays open instead of completing silently."""
    from alur.letters.models import Letter

    case = s1_round()
    task = drive_to(case, 10)
    letter = Letter.objects.get(case=case)
    letter.recipients.all().delete()
    with pytest.raises(DomainError, match="belum punya penerima"):
        complete(task)
    task.refresh_from_db()
    assert task.status != TaskStatus.DONE
