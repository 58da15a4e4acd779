"""What staff see of a citizen's WhatsApp beside their case: the opt-out on the case page, and
the citizen's applications beside a thread only for those who may read that case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from alur.chat.models import Thread
from alur.chat.tests.phone import AKTA_LAHIR, CITIZEN, Phone
from alur.intake.choices import Channel
from alur.intake.services import application_submit
from alur.intake.tests import samples
from alur.whatsapp_cloud.models import BusinessNumber


def _apply() -> Any:
    number = BusinessNumber.objects.get(phone_number_id=AKTA_LAHIR[0])
    return application_submit(
        office=number.office,
        service_code="S2e",
        channel=Channel.WHATSAPP,
        applicant={"name": "Siti Aminah", "nik": "1808011708900001", "phone": CITIZEN},
        fields={
            "child_name": "Budi Santoso",
            "child_birth_date": (timezone.localdate() - timedelta(days=20)).isoformat(),
            "child_birth_place": "Blambangan Umpu",
        },
        files=[
            ("birth_letter", samples.pdf(), "application/pdf", "surat-lahir.pdf"),
            ("marriage", samples.jpeg(), "image/jpeg", "buku-nikah.jpg"),
            ("kk", samples.png(), "image/png", "kk.png"),
            ("f201", samples.pdf(), "application/pdf", "f201.pdf"),
        ],
        whatsapp_number=number,
    )


def _as(persona: Any, username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def test_the_case_page_says_the_citizen_refuses_messages(phone: Phone, persona: Any) -> None:
    application = _apply()
    kasi = _as(persona, "waykanan.kasi.capil")
    url = f"/perkara/{application.case.reference}/"
    assert "menolak pesan" not in kasi.get(url).content.decode()
    phone.send("BERHENTI")
    page = kasi.get(url).content.decode()
    assert "Warga ini menolak pesan sejak" in page


def test_the_history_beside_a_thread_follows_need_to_know(phone: Phone, persona: Any) -> None:
    application = _apply()
    phone.send("PETUGAS")
    thread = Thread.objects.get(citizen=CITIZEN)
    reference = application.case.reference
    handler = _as(persona, "waykanan.kasi.capil").get(f"/percakapan/{thread.pk}/")
    assert reference in handler.content.decode()
    # the complaints officer serves the public (sees the thread) but not this birth case
    other = _as(persona, "waykanan.pengaduan").get(f"/percakapan/{thread.pk}/")
    assert other.status_code == 200 and reference not in other.content.decode()
