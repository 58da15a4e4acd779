"""Templates over the local Graph API server, which refuses what Meta refuses.

The issue's case: an application returned for a missing paper, its applicant silent for more
than 24 hours. The notice carries a new line; WhatsApp refuses the free text (131047), and the
outbox sends the notice's template (`permohonan_dikembalikan`) with the notice as one line, which
the server accepts (it refuses a parameter with a new line: 132018). A template the synced list
says is not approved, or one sent with the wrong number of parameters, is a recorded failure
with its reason, before any call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from alur.intake.checking import requirements_return
from alur.intake.services import application_submit
from alur.intake.tests import samples
from alur.org.models import Office
from alur.outbox.choices import Channel, Kind, MessageStatus
from alur.outbox.models import OutboundMessage
from alur.outbox.senders import SendError, send_whatsapp
from alur.outbox.services import message_enqueue
from alur.outbox.tests.conftest import AKTA_LAHIR, control
from alur.whatsapp_cloud import transport
from alur.whatsapp_cloud.models import DEMO_WABA_ID, BusinessNumber
from alur.whatsapp_cloud.services import templates_sync
from alur.workflow.choices import TaskStatus
from alur.workflow.models import Task
from alur.workflow.tests.drive import holder
from peers.graph_api import RunningServer

PHONE = "081234567890"  # the applicant; she last wrote more than a day ago


def birth_application(office: Office) -> Any:
    return application_submit(
        office=office,
        channel="whatsapp",
        whatsapp_number=BusinessNumber.objects.get(phone_number_id=AKTA_LAHIR),
        service_code="S2e",
        applicant={"name": "Siti Aminah", "nik": "1808011708900001", "phone": PHONE},
        fields={
            "child_name": "Budi Santoso",
            "child_birth_date": "2026-10-01",
            "child_birth_place": "Blambangan Umpu",
        },
        files=[
            ("birth_letter", samples.pdf(), "application/pdf", "surat-lahir.pdf"),
            ("marriage", samples.jpeg(), "image/jpeg", "buku-nikah.jpg"),
            ("kk", samples.png(), "image/png", "kk.png"),
            ("f201", samples.pdf(), "application/pdf", "f201.pdf"),
        ],
    )


def test_a_returned_applications_notice_reaches_the_citizen_outside_the_window(
    demo_transactional: None, graph: RunningServer
) -> None:
    office = Office.objects.get(code="18.08")
    with transaction.atomic():
        application = birth_application(office)
    control(graph, "inbound", {"from": PHONE, "phone_number_id": AKTA_LAHIR, "hours_ago": 30})
    task = Task.objects.get(case=application.case, status=TaskStatus.OPEN)

    # Committed; delivery runs after the commit as a worker would (huey runs inline in tests).
    requirements_return(
        task=task, actor=holder(task), missing=["kk"], note="Foto KK buram.\nKirim ulang."
    )

    [message] = OutboundMessage.objects.filter(object_id=str(application.case.pk))
    notice = application.case.applicant_notices.get()
    assert "\n" in notice.text  # the notice as written: on several lines
    assert message.status == MessageStatus.SENT, message.last_error
    assert message.kind == Kind.TEMPLATE  # the free text met the closed window (131047)
    [sent] = control(graph, "messages", method="GET")["data"]
    assert sent["type"] == "template" and sent["status"] == "accepted"
    template = sent["message"]["template"]
    assert template["name"] == "permohonan_dikembalikan"
    [parameter] = template["components"][0]["parameters"]
    assert "\n" not in parameter["text"]
    assert "Kartu Keluarga (KK)" in parameter["text"] and "Foto KK buram." in parameter["text"]
    assert "Kirim ulang." in parameter["text"]
    requests = control(graph, "requests", method="GET")["data"]
    assert [r["status"] for r in requests if r["endpoint"] == "messages"] == [400, 200]


def test_the_local_server_refuses_a_template_parameter_with_a_new_line(graph: Any) -> None:
    components = [{"type": "body", "parameters": [{"type": "text", "text": "satu\ndua"}]}]
    with pytest.raises(transport.WhatsAppError) as refused:
        transport.send_template(
            AKTA_LAHIR, "6281234567890", "pembaruan_permohonan", "id", components
        )
    assert refused.value.code == 132018 and not refused.value.retryable
    assert "new-line" in refused.value.details

    two = [{"type": "body", "parameters": [{"type": "text", "text": t} for t in ("a", "b")]}]
    with pytest.raises(transport.WhatsAppError) as count:
        transport.send_template(AKTA_LAHIR, "6281234567890", "pembaruan_permohonan", "id", two)
    assert count.value.code == 132000


def template_row(office: Office, name: str, texts: list[str]) -> OutboundMessage:
    with transaction.atomic():
        return message_enqueue(
            office=office,
            channel=Channel.WHATSAPP,
            kind=Kind.TEMPLATE,
            sender=AKTA_LAHIR,
            recipient=PHONE,
            payload={
                "name": name,
                "language": "id",
                "components": [
                    {"type": "body", "parameters": [{"type": "text", "text": t} for t in texts]}
                ],
            },
        )


@pytest.mark.django_db
def test_a_template_not_approved_or_with_the_wrong_parameters_is_refused_before_any_call(
    graph: RunningServer, office: Callable[[str], Office]
) -> None:
    paused = {
        "name": "pembaruan_permohonan",
        "status": "PAUSED",
        "components": [{"type": "BODY", "text": "Pembaruan: {{1}}."}],
    }
    others = [t for t in control(graph, "templates", method="GET")["data"]]
    others = [t for t in others if t["name"] != "pembaruan_permohonan"]
    control(graph, "templates", {"templates": [*others, paused]})
    assert BusinessNumber.objects.get(phone_number_id=AKTA_LAHIR).waba_id == DEMO_WABA_ID
    templates_sync(waba_id=DEMO_WABA_ID)
    control(graph, "reset")  # forget the sync's requests (the catalogue goes back to its seed)

    waykanan = office("18.08")
    with pytest.raises(SendError) as not_approved:
        send_whatsapp(template_row(waykanan, "pembaruan_permohonan", ["Dokumen selesai."]))
    assert not not_approved.value.retryable and not_approved.value.code == 132015
    assert "berstatus «Dijeda»" in not_approved.value.reason

    with pytest.raises(SendError) as wrong:
        send_whatsapp(template_row(waykanan, "permohonan_ditolak", ["a", "b"]))
    assert wrong.value.code == 132000 and "memerlukan 1 parameter isi" in wrong.value.reason
    assert control(graph, "requests", method="GET")["data"] == []  # WhatsApp was not called

    provider_id = send_whatsapp(template_row(waykanan, "permohonan_ditolak", ["Ditolak: NIK."]))
    [sent] = control(graph, "messages", method="GET")["data"]
    assert sent["id"] == provider_id and sent["type"] == "template"


def test_a_notice_whose_template_is_paused_ends_failed_with_the_reason_for_staff(
    demo_transactional: None, graph: RunningServer
) -> None:
    seeded = control(graph, "templates", method="GET")["data"]
    paused = [t | {"status": "PAUSED"} if t["name"] == "permohonan_ditolak" else t for t in seeded]
    control(graph, "templates", {"templates": paused})
    templates_sync(waba_id=DEMO_WABA_ID)
    calls_before = len(control(graph, "requests", method="GET")["data"])

    message = template_row(Office.objects.get(code="18.08"), "permohonan_ditolak", ["NIK."])

    message.refresh_from_db()  # delivered after its commit, as a worker would
    assert message.status == MessageStatus.FAILED and message.error_code == "132015"
    assert "berstatus «Dijeda» di WhatsApp Manager" in message.last_error
    assert len(control(graph, "requests", method="GET")["data"]) == calls_before
