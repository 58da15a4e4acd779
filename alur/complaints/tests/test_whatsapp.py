"""A reporter complains over the WhatsApp complaints number, end to end.

The reporter's messages arrive at our webhook signed as Meta sends them; our replies and the
answer go out through the outbox to the local Graph API server, which records them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from django.test import Client

from alur.complaints import services
from alur.complaints.choices import Category, Channel, Status
from alur.complaints.models import Complaint
from alur.complaints.tests.conftest import OFFICER
from alur.outbox.models import OutboundMessage
from alur.whatsapp.tests.conftest import webhook_text
from peers.graph_api import RunningServer
from peers.graph_api.server import start_server

pytestmark = pytest.mark.django_db

REPORTER = "6281298765432"
COMPLAINTS = ("108117961900", "628117961900")  # the demo complaints number of Way Kanan


@pytest.fixture
def graph(settings: Any) -> Iterator[RunningServer]:
    running = start_server(port=0, app_secret=settings.WHATSAPP_APP_SECRET)
    settings.WHATSAPP_API_BASE = running.base_url
    httpx.post(running.control("inbound"), json={"from": REPORTER})  # the 24-hour window is open
    yield running
    running.stop()


def replies(after: int = 0) -> list[str]:
    rows = OutboundMessage.objects.filter(recipient=REPORTER, id__gt=after).order_by("id")
    return [row.payload.get("body", "") for row in rows]


def last_id() -> int:
    return OutboundMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def reporter(
    client: Client, graph: RunningServer, django_capture_on_commit_callbacks: Any
) -> Callable[[str], list[str]]:
    """Send a text as the reporter to the complaints number; returns what we queued in answer."""

    def send(text: str) -> list[str]:
        last = last_id()
        with django_capture_on_commit_callbacks(execute=True):
            webhook_text(client, COMPLAINTS, REPORTER, text)
        return replies(after=last)

    return send


def test_a_complaint_over_whatsapp_is_answered_there_and_rated(
    reporter: Callable[[str], list[str]],
    graph: RunningServer,
    persona: Callable[[str], Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    opening = reporter("Halo, saya mau mengadu")
    assert "layanan pengaduan" in opening[-1] and "Siapa nama Anda?" in opening[-1]
    assert reporter("Siti Aminah")[-1].startswith("Ceritakan permasalahan Anda")
    assert "nomor permohonan" in reporter("KTP-el saya belum jadi sejak Agustus.")[-1]
    unknown = reporter("S2E-1808-260101-ZZZZZZ")
    assert any("tidak ditemukan" in reply for reply in unknown) and "LEWATI" in unknown[-1]
    summary = reporter("LEWATI")[-1]
    assert "Siti Aminah" in summary and "Kirim pengaduan ini?" in summary
    done = reporter("YA")
    complaint = Complaint.objects.get(reporter_phone=REPORTER)
    assert complaint.channel == Channel.WHATSAPP and complaint.status == Status.RECEIVED
    assert complaint.whatsapp_number.phone_number_id == COMPLAINTS[0]
    assert complaint.case.reference in done[-1] and "Perkiraan jawaban" in done[-1]
    status = reporter("STATUS")[-1]
    assert complaint.case.reference in status and "Diterima" in status
    # A lone number before any answer is not a score: the conversation starts again.
    assert "Siapa nama Anda?" in reporter("5")[-1]
    reporter("BATAL")

    last = last_id()
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_register(
            complaint=complaint, actor=persona(OFFICER), category=Category.DELAY
        )
        services.complaint_answer(
            complaint=complaint,
            actor=persona(OFFICER),
            answer="KTP-el Anda sudah dicetak dan dapat diambil di loket.",
        )
    answer, survey = replies(after=last)
    # One survey: the SKM replaces the old 1–5 question on WhatsApp.
    assert "sudah dicetak" in answer and "angka 1" not in answer
    assert "Survei Kepuasan Masyarakat" in survey  # asked after the answer (alur.survey)
    sent = httpx.get(graph.control("messages"), params={"to": REPORTER}).json()["data"]
    bodies = [m["message"].get("text", {}).get("body") for m in sent]
    assert answer in bodies  # it reached WhatsApp, not only our outbox

    from alur.survey.models import Answer

    reporter("4")  # a typed number answers the survey's question, not an old 1–5 score
    assert Answer.objects.get(survey__case=complaint.case, element=1).score == 4
    complaint.refresh_from_db()
    assert complaint.satisfaction is None
    answered = reporter(complaint.case.reference)[-1]
    assert "Dijawab" in answered and "sudah dicetak" in answered


def test_an_empty_complaint_is_asked_again(reporter: Callable[[str], list[str]]) -> None:
    reporter("Halo")
    reporter("Budi")
    asked = reporter("   ")
    assert "tidak boleh kosong" in asked[0]
    assert not Complaint.objects.exists()
