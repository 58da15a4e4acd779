"""One conversation's messages are answered in the order the citizen sent them (the Cloud API
`timestamp`), whatever order their deliveries and tasks come in; a late message is not taken
as the answer to the question asked now; a document whose media the Graph API cannot serve yet
holds the later messages and is fetched when the API is back; reactions are not answered;
edits and deletions reach the dialog linked to the message they change.

The citizen's messages reach our webhook signed as Meta sends them; each delivery is read and
each message answered by calling the services the tasks call, in the order the test chooses
(the race a retried or slow task makes). Documents are uploaded to the local Graph API server
and fetched from it by media id; its fault injection plays the outage.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import httpx
import pytest
from django.conf import settings

from alur.intake.tests.samples import pdf
from alur.outbox.models import OutboundMessage
from alur.whatsapp.conversation import MEDIA_ATTEMPTS, MediaPending, handle
from alur.whatsapp.models import Conversation, InboundMessage, WebhookDelivery
from alur.whatsapp.services import webhook_process
from alur.whatsapp_cloud import payloads, transport
from peers.graph_api import payloads as meta
from peers.graph_api.server import start_server

pytestmark = pytest.mark.django_db

CITIZEN = "6281234567891"
AKTA_LAHIR = ("108117961700", "628117961700")
NIK = "1808015503950001"
START = time.time() - 600  # the walk's messages are stamped from ten minutes ago


@pytest.fixture
def graph(settings: Any):
    running = start_server(port=0, app_secret=settings.WHATSAPP_APP_SECRET)
    settings.WHATSAPP_API_BASE = running.base_url
    transport.reset_client()
    httpx.post(running.control("inbound"), json={"from": CITIZEN})  # the 24-hour window is open
    yield running
    running.stop()
    transport.reset_client()


class Phone:
    """The citizen's phone: each message stamped `at` seconds after START, stored through the
    signed webhook; `answer(message)` runs its handling task."""

    def __init__(self, client: Any, graph: Any) -> None:
        self.client, self.graph = client, graph

    def store(self, message: dict[str, Any]) -> InboundMessage:
        body = payloads.encode(
            payloads.message_notification(
                phone_number_id=AKTA_LAHIR[0], display_phone_number=AKTA_LAHIR[1], message=message
            )
        )
        response = self.client.post(
            "/whatsapp/webhook/",
            body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=payloads.signature_header(body, settings.WHATSAPP_APP_SECRET)[
                payloads.SIGNATURE_HEADER
            ],
        )
        assert response.status_code == 200
        for delivery in WebhookDelivery.objects.filter(state=WebhookDelivery.State.RECEIVED):
            webhook_process(delivery.pk)  # stored; its handling task not run yet
        return InboundMessage.objects.get(message_id=message["id"])

    def text(self, text: str, at: float) -> InboundMessage:
        return self.store(payloads.text_message(CITIZEN, text, at=START + at))

    def document(self, data: bytes, at: float) -> InboundMessage:
        media_id = transport.upload_media(AKTA_LAHIR[0], data, "application/pdf", "skl.pdf")
        return self.store(
            payloads.document_message(
                CITIZEN,
                media_id=media_id,
                mime_type="application/pdf",
                sha256=hashlib.sha256(data).hexdigest(),
                filename="skl.pdf",
                at=START + at,
            )
        )

    def fault(self, fault: dict[str, Any] | None) -> None:
        if fault is None:
            response = httpx.delete(self.graph.control("faults"))
        else:
            response = httpx.post(self.graph.control("faults"), json=fault)
        assert response.status_code == 200


@pytest.fixture
def phone(client: Any, graph: Any) -> Phone:
    return Phone(client, graph)


def replies(after: int = 0) -> list[str]:
    rows = OutboundMessage.objects.filter(recipient=CITIZEN, id__gt=after).order_by("id")
    return [str(row.payload.get("body", "")) for row in rows]


def last_reply_id() -> int:
    return OutboundMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0


def form() -> dict[str, Any]:
    return Conversation.objects.get(citizen=CITIZEN).data


def test_name_then_nik_with_the_names_handling_delayed_are_each_taken_for_what_they_are(
    phone: Phone,
) -> None:
    handle(phone.text("Halo, saya mau urus akta kelahiran anak", at=0).pk)
    assert replies()[-1].startswith("Nama pemohon")
    name = phone.text("Siti Aminah", at=10)
    nik = phone.text(NIK, at=20)
    # The NIK's task runs first (the name's delivery was retried, or another worker is slow):
    handle(nik.pk)
    name.refresh_from_db()
    nik.refresh_from_db()
    assert name.handled_at is not None and nik.handled_at is not None
    assert name.handled_at <= nik.handled_at  # the name was answered first
    fields = form()["fields"]
    assert "Siti Aminah" in fields.values() and NIK in fields.values()
    assert [key for key, value in fields.items() if value == NIK] != [
        key for key, value in fields.items() if value == "Siti Aminah"
    ]
    assert not name.late and not nik.late
    # The name's own task, late, does nothing more.
    before = last_reply_id()
    handle(name.pk)
    assert replies(after=before) == []


def test_a_message_delivered_after_a_later_one_was_answered_is_not_taken_as_the_answer(
    phone: Phone,
) -> None:
    handle(phone.text("Halo", at=0).pk)
    handle(phone.text("Siti Aminah", at=10).pk)
    nik = phone.text(NIK, at=30)
    handle(nik.pk)
    asked = dict(form()["fields"])
    assert NIK in asked.values()
    before = last_reply_id()
    late = phone.text("Budi Santoso", at=20)  # sent before the NIK, delivered after its answer
    handle(late.pk)
    late.refresh_from_db()
    assert late.late and late.handled_at is not None
    assert form()["fields"] == asked  # not applied as the answer to the question now
    (told,) = replies(after=before)
    assert "«Budi Santoso»" in told and "tidak kami pakai sebagai jawaban" in told


def test_a_document_sent_while_the_graph_api_is_down_is_fetched_when_it_is_back(
    phone: Phone,
) -> None:
    handle(phone.text("Halo", at=0).pk)
    handle(phone.text("Siti Aminah", at=1).pk)
    handle(phone.text(NIK, at=2).pk)
    conversation = Conversation.objects.get(citizen=CITIZEN)
    step = 3
    while conversation.state == Conversation.State.FIELDS and step < 20:
        asked = replies()[-1]
        answer = "SAMA" if asked.startswith("Nomor HP") else "Putri Aminah"
        if asked.startswith("Tanggal"):
            answer = "01-02-2026"
        elif asked.startswith("Tempat"):
            answer = "Blambangan Umpu"
        handle(phone.text(answer, at=step).pk)
        step += 1
        conversation.refresh_from_db()
    assert conversation.state == Conversation.State.FILES
    phone.fault({"mode": "down", "endpoint": "media_info"})
    document = phone.document(pdf(), at=step)
    after = phone.text("Sudah saya kirim ya", at=step + 1)
    before = last_reply_id()
    with pytest.raises(MediaPending):
        handle(after.pk)  # the later message's task meets the earlier document first
    document.refresh_from_db()
    after.refresh_from_db()
    assert document.media_attempts == 1 and document.handled_at is None
    assert after.handled_at is None  # held behind the document
    assert replies(after=before) == []  # nobody was asked to resend during the outage

    phone.fault(None)  # the Graph API is back; the task's retry runs
    handle(after.pk)
    document.refresh_from_db()
    after.refresh_from_db()
    assert document.handled_at is not None and after.handled_at is not None
    files = form().get("files") or {}
    assert any(files.values())  # the document was fetched and staged
    assert not any("kirim ulang" in reply.lower() for reply in replies(after=before))


def test_the_citizen_is_asked_to_resend_only_after_the_retries_are_used_up(
    phone: Phone,
) -> None:
    handle(phone.text("Halo", at=0).pk)
    phone.fault({"mode": "down", "endpoint": "media_info"})
    document = phone.document(pdf(), at=5)
    later = phone.text("Siti Aminah", at=6)
    before = last_reply_id()
    for attempt in range(1, MEDIA_ATTEMPTS):
        with pytest.raises(MediaPending):
            handle(later.pk)
        document.refresh_from_db()
        assert document.media_attempts == attempt and replies(after=before) == []
    handle(later.pk)  # the last attempt: the document is answered as not fetched, then the rest
    document.refresh_from_db()
    later.refresh_from_db()
    assert document.media_attempts == MEDIA_ATTEMPTS
    assert document.handled_at is not None and later.handled_at is not None
    assert replies(after=before)  # the citizen heard about the file and got an answer


def test_a_reaction_is_not_answered(phone: Phone) -> None:
    handle(phone.text("Halo", at=0).pk)
    sent = OutboundMessage.objects.filter(recipient=CITIZEN).last()
    assert sent is not None
    before = last_reply_id()
    updated = Conversation.objects.get(citizen=CITIZEN).updated_at
    for emoji in ("👍", None):  # a reaction, then its removal
        reaction = phone.store(
            meta.reaction_message(CITIZEN, message_id="wamid.OUT", emoji=emoji, at=START + 5)
        )
        handle(reaction.pk)
        reaction.refresh_from_db()
        assert reaction.kind == "reaction" and reaction.original_message_id == "wamid.OUT"
        assert reaction.handled_at is not None
    unsupported = phone.store(meta.unsupported_message(CITIZEN, what="reaction", at=START + 6))
    handle(unsupported.pk)
    assert replies(after=before) == []
    assert Conversation.objects.get(citizen=CITIZEN).updated_at == updated


def test_an_edit_and_a_deletion_reach_the_dialog_linked_to_the_original(phone: Phone) -> None:
    handle(phone.text("Halo", at=0).pk)
    name = phone.text("Siti Aminha", at=10)
    handle(name.pk)
    edit = phone.store(
        meta.edit_message(
            CITIZEN, original_message_id=name.message_id, body="Siti Aminah", at=START + 20
        )
    )
    before = last_reply_id()
    handle(edit.pk)
    edit.refresh_from_db()
    assert edit.kind == "edit" and edit.original_message_id == name.message_id
    assert edit.text == "Siti Aminah" and edit.handled_at is not None
    assert "Siti Aminah" in form()["fields"].values()  # the edited answer is applied
    assert "Siti Aminha" not in form()["fields"].values()
    assert replies(after=before)  # and the citizen is told

    revoke = phone.store(
        meta.revoke_message(CITIZEN, original_message_id=name.message_id, at=START + 30)
    )
    before = last_reply_id()
    handle(revoke.pk)
    revoke.refresh_from_db()
    assert revoke.kind == "revoke" and revoke.original_message_id == name.message_id
    assert "Siti Aminah" not in form()["fields"].values()  # the deleted answer is removed
    assert replies(after=before)


def test_an_edit_the_cloud_api_reports_as_unsupported_is_answered_plainly(phone: Phone) -> None:
    handle(phone.text("Halo", at=0).pk)
    before = last_reply_id()
    handle(phone.store(meta.unsupported_message(CITIZEN, what="edit", at=START + 5)).pk)
    (told,) = replies(after=before)
    assert "Perubahan atau penghapusan pesan" in told


def test_a_message_whose_task_was_lost_is_answered_by_the_sweep(phone: Phone) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from alur.whatsapp.services import inbound_answer_stranded

    message = phone.text("Halo", at=0)
    assert inbound_answer_stranded() == 0  # recent: its own task is still to run
    InboundMessage.objects.filter(pk=message.pk).update(
        received_at=timezone.now() - timedelta(minutes=11)
    )
    assert inbound_answer_stranded() == 1
    message.refresh_from_db()
    assert message.handled_at is not None and replies()
    assert inbound_answer_stranded() == 0
