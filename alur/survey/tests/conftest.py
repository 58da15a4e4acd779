"""Cases to survey: a complaint answered (through the complaints' services) and a document
case handed over (through the documents' service), at Way Kanan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from alur.complaints import services as complaints
from alur.complaints.choices import Category, Channel
from alur.complaints.models import Complaint
from alur.documents.models import CitizenDocument
from alur.workflow.models import Case
from alur.workflow.services import case_start

WAY_KANAN = "18.08"
OFFICER = "waykanan.pengaduan"
COUNTER = "waykanan.petugas"
CITIZEN = "6281298765432"


@pytest.fixture
def answered_complaint(
    office: Callable[[str], Any], persona: Callable[[str], Any]
) -> Callable[..., Complaint]:
    """A complaint registered and answered at step 3 by the receiving officer."""

    def make(channel: str = Channel.WEB, **extra: Any) -> Complaint:
        values: dict[str, Any] = {
            "office": office(WAY_KANAN),
            "channel": channel,
            "reporter_name": "Siti Aminah",
            "reporter_phone": CITIZEN,
            "text": "KTP-el saya belum jadi sejak Agustus.",
        }
        complaint = complaints.complaint_submit(**(values | extra))
        officer = persona(OFFICER)
        complaints.complaint_register(complaint=complaint, actor=officer, category=Category.DELAY)
        return complaints.complaint_answer(
            complaint=complaint, actor=officer, answer="KTP-el Anda sudah dapat diambil."
        )

    return make


@pytest.fixture
def printed_card_case(office: Callable[[str], Any]) -> Callable[[], Case]:
    """A KIA case whose card is printed and waits for its hand-over."""

    def make() -> Case:
        now = timezone.now()
        case = case_start(
            code="S2d", office=office(WAY_KANAN), subject="KIA — Uji", actor=None, submitted=True
        )
        CitizenDocument.objects.create(
            case=case,
            office=case.office,
            kind="kia",
            created_at=now,
            updated_at=now,
            printed_at=now,
            card_serial=f"KIA-UJI-{case.pk}",
        )
        return case

    return make
