"""A citizen asks for a person over WhatsApp: the thread opens in Way Kanan's inbox, the staff
member answers from the page, the citizen's phone (the local Graph API server) receives the
reply, and SELESAI closes it. Also: two unreadable messages in a row open a thread; who may
see the inbox; the reply outside the 24-hour window goes by template, on one line."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.test import Client
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.chat.models import ChatMessage, Thread
from alur.chat.services import thread_reply
from alur.chat.tests.phone import AKTA_LAHIR, CITIZEN, Phone
from alur.intake.tests.samples import pdf
from alur.outbox.choices import Kind
from alur.whatsapp.conversation import Turn
from alur.whatsapp.models import Conversation, InboundMessage


def _staff(persona: Any, username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def test_a_citizen_asks_for_a_person_and_staff_answer_from_the_inbox(
    phone: Phone, persona: Any, django_capture_on_commit_callbacks: Any
) -> None:
    phone.send("Halo")
    phone.send("Bicara dengan petugas")
    thread = Thread.objects.get(citizen=CITIZEN, status=Thread.Status.OPEN)
    assert thread.reason == Thread.Reason.ASKED and thread.office.code == "18.08"
    assert "teruskan ke petugas" in phone.texts()[-1]
    assert AuditEvent.objects.filter(action="chat.open", object_id=str(thread.pk)).exists()

    # While the thread is open, the citizen's messages go to it, not to the dialog.
    before = len(phone.received())
    phone.send("Anak saya lahir di rumah, bagaimana mengurus aktanya?")
    phone.send(document=pdf())
    assert len(phone.received()) == before
    kept = list(thread.messages.filter(direction=ChatMessage.Direction.CITIZEN))
    assert [m.text for m in kept][1] == "Anak saya lahir di rumah, bagaimana mengurus aktanya?"
    assert kept[-1].file and kept[-1].filename == "surat.pdf"

    staff = _staff(persona, "waykanan.petugas.capil")
    listing = staff.get("/percakapan/")
    page = listing.content.decode()
    assert listing.status_code == 200 and thread.masked_citizen in page and "menunggu" in page
    shown = staff.get(f"/percakapan/{thread.pk}/")
    assert "bagaimana mengurus aktanya" in shown.content.decode()
    download = staff.get(f"/percakapan/{thread.pk}/berkas/{kept[-1].pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf()

    # An empty reply is refused in Bahasa, nothing sent.
    empty = staff.post(f"/percakapan/{thread.pk}/", {"action": "reply", "text": "   "})
    assert empty.status_code == 400 and "Tuliskan balasan" in empty.content.decode()

    reply = "Silakan kirim surat keterangan lahir dari bidan; kami bantu dari sini."
    with django_capture_on_commit_callbacks(execute=True):
        answered = staff.post(f"/percakapan/{thread.pk}/", {"action": "reply", "text": reply})
    assert answered.status_code == 302
    assert phone.texts()[-1] == reply  # the citizen's phone received it
    thread.refresh_from_db()
    assert thread.first_reply_seconds is not None and thread.first_reply_at is not None
    assert (
        thread.assigned_to is not None and thread.assigned_to.username == "waykanan.petugas.capil"
    )
    assert AuditEvent.objects.filter(action="chat.reply", object_id=str(thread.pk)).exists()
    assert "median waktu balasan pertama" in staff.get("/percakapan/").content.decode()

    # Given to a colleague of the same office; not to someone of another office.
    colleague = persona("waykanan.operator.capil")
    staff.post(f"/percakapan/{thread.pk}/", {"action": "assign", "assignee": colleague.pk})
    thread.refresh_from_db()
    assert thread.assigned_to == colleague
    outsider = persona("metro.kadis")
    refused = staff.post(f"/percakapan/{thread.pk}/", {"action": "assign", "assignee": outsider.pk})
    assert refused.status_code == 400
    thread.refresh_from_db()
    assert thread.assigned_to == colleague
    assert AuditEvent.objects.filter(action="chat.assign", object_id=str(thread.pk)).count() == 1

    phone.send("SELESAI")
    thread.refresh_from_db()
    assert thread.status == Thread.Status.CLOSED and thread.closed_at is not None
    assert "selesai" in phone.texts()[-1]
    assert AuditEvent.objects.filter(action="chat.close", object_id=str(thread.pk)).exists()
    phone.send("MENU")  # the dialog answers again
    assert Thread.objects.filter(citizen=CITIZEN, status=Thread.Status.OPEN).count() == 0
    assert "Ketik SELESAI" not in phone.texts()[-1]


def test_the_petugas_button_opens_a_thread_and_staff_close_it(
    phone: Phone, persona: Any, django_capture_on_commit_callbacks: Any
) -> None:
    phone.send(button="PETUGAS")
    thread = Thread.objects.get(citizen=CITIZEN, status=Thread.Status.OPEN)
    staff = _staff(persona, "waykanan.pengaduan")
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/percakapan/{thread.pk}/", {"action": "close"})
    thread.refresh_from_db()
    assert thread.status == Thread.Status.CLOSED and thread.closed_by is not None
    assert "selesai" in phone.texts()[-1].lower()


def _misread(phone: Phone, text: str) -> None:
    """The citizen sends `text` and the dialog finds it unreadable (`Turn.not_understood`)."""
    phone.send(text)
    inbound = InboundMessage.objects.filter(sender=CITIZEN).latest("received_at", "pk")
    conversation = Conversation.objects.get(number=inbound.number, citizen=CITIZEN)
    with transaction.atomic():
        turn = Turn(conversation, inbound)
        turn.not_understood(text)
        turn.save()


def test_two_unreadable_messages_in_a_row_open_a_thread(
    phone: Phone, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _misread(phone, "zzz qqq")
    assert not Thread.objects.filter(citizen=CITIZEN).exists()
    offered = [
        reply["reply"]["id"]
        for item in phone.received()
        if item["message"]["type"] == "interactive"
        for reply in item["message"]["interactive"]["action"].get("buttons", [])
    ]
    assert "PETUGAS" in offered  # the first time: a "Petugas" reply button
    with django_capture_on_commit_callbacks(execute=True):
        _misread(phone, "??? !!!")
    thread = Thread.objects.get(citizen=CITIZEN, status=Thread.Status.OPEN)
    assert thread.reason == Thread.Reason.NOT_UNDERSTOOD
    texts = list(
        thread.messages.filter(direction=ChatMessage.Direction.CITIZEN).values_list(
            "text", flat=True
        )
    )
    assert texts == ["zzz qqq", "??? !!!"]
    assert any("teruskan ke petugas" in text for text in phone.texts())


def test_the_inbox_is_for_the_office_that_serves_the_public(phone: Phone, persona: Any) -> None:
    phone.send("PETUGAS")
    thread = Thread.objects.get(citizen=CITIZEN)
    assert (
        _staff(persona, "waykanan.kasi.capil").get(f"/percakapan/{thread.pk}/").status_code == 200
    )
    # another office's staff: the thread does not exist for them
    assert _staff(persona, "metro.kabid").get(f"/percakapan/{thread.pk}/").status_code == 404
    # a post that does not serve the public: no inbox at all
    assert _staff(persona, "babel.kasubag").get("/percakapan/").status_code == 403


def test_a_reply_outside_the_window_goes_by_template_on_one_line(
    phone: Phone, persona: Any, django_capture_on_commit_callbacks: Any
) -> None:
    phone.send("PETUGAS")
    thread = Thread.objects.get(citizen=CITIZEN)
    Thread.objects.filter(pk=thread.pk).update(last_citizen_at=timezone.now() - timedelta(days=2))
    thread.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        message = thread_reply(
            thread=thread,
            actor=persona("waykanan.petugas.capil"),
            text="Berkas sudah lengkap.\nSilakan   datang besok.",
        )
    assert message.outbound is not None and message.outbound.kind == Kind.TEMPLATE
    body = message.outbound.payload["components"][-1]["parameters"][0]["text"]
    assert body == "Berkas sudah lengkap. Silakan datang besok."
    assert message.outbound.payload["name"] == thread.number.status_template
    assert AKTA_LAHIR[0] == message.outbound.sender


def test_a_slow_answer_does_not_reset_the_citizens_application(phone: Phone) -> None:
    phone.send("Halo")  # the akta number starts its application: the first question
    conversation = Conversation.objects.get(citizen=CITIZEN)
    assert conversation.state != Conversation.State.MENU
    phone.send("PETUGAS")
    Conversation.objects.filter(pk=conversation.pk).update(
        updated_at=timezone.now() - timedelta(hours=3)
    )
    phone.send("Masih menunggu jawaban petugas")
    thread = Thread.objects.get(citizen=CITIZEN, status=Thread.Status.OPEN)
    assert thread.messages.filter(text="Masih menunggu jawaban petugas").exists()
    conversation.refresh_from_db()
    assert conversation.state != Conversation.State.MENU  # what was typed is kept
    assert not any("Sesi permohonan Anda berakhir" in text for text in phone.texts())
