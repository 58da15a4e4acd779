"""The citizen's dialog with taps: menus as list messages, choices as reply buttons (the typed
word still understood), a file checked against its requirement when it arrives, an application
refused at YA that keeps everything, and edited or deleted answers applied.

The citizen's messages reach our webhook signed as Meta sends them; their files are uploaded to
the local Graph API server and fetched from it; our replies go to that server, read back here.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.utils import timezone

from alur.intake.models import Application
from alur.intake.tests.samples import jpeg, pdf
from alur.whatsapp.models import Conversation
from alur.whatsapp_cloud import payloads, transport
from peers.graph_api import RunningServer
from peers.graph_api.server import start_server

CITIZEN = "6281234567802"
AKTA_LAHIR = ("108117961700", "628117961700")
KTP_KIA = ("108117961600", "628117961600")  # two services: KTP-el penggantian, KIA
NIK = "1808015503950001"  # Way Kanan, born 15-03-1995, female
CHILD_NIK = "1808011503200002"  # Way Kanan, born 15-03-2020, male
_ids = itertools.count(1)


@pytest.fixture
def graph(settings: Any) -> Iterator[RunningServer]:
    running = start_server(port=0, app_secret=settings.WHATSAPP_APP_SECRET)
    settings.WHATSAPP_API_BASE = running.base_url
    transport.reset_client()
    yield running
    running.stop()
    transport.reset_client()


class Phone:
    """The citizen writing to one business number; each call returns what reached the phone
    in answer: (type, readable text, the options offered)."""

    def __init__(self, client: Any, graph: RunningServer, capture: Any) -> None:
        self.client, self.graph, self.capture = client, graph, capture
        self.number = AKTA_LAHIR
        self.last_id = ""

    def on(self, number: tuple[str, str]) -> Phone:
        self.number = number
        httpx.post(
            self.graph.control("inbound"), json={"from": CITIZEN, "phone_number_id": number[0]}
        )
        return self

    def _post(self, message: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
        message["id"] = self.last_id = f"wamid.taps{next(_ids)}"
        message["timestamp"] = str(int(time.time()) + next(_ids))  # strictly in order
        seen = len(self._received())
        body = payloads.encode(
            payloads.message_notification(
                phone_number_id=self.number[0], display_phone_number=self.number[1], message=message
            )
        )
        header = payloads.signature_header(body, settings.WHATSAPP_APP_SECRET)
        with self.capture(execute=True):
            response = self.client.post(
                "/whatsapp/webhook/",
                body,
                content_type="application/json",
                HTTP_X_HUB_SIGNATURE_256=header[payloads.SIGNATURE_HEADER],
            )
        assert response.status_code == 200
        return [_readable(m["message"]) for m in self._received()[seen:]]

    def _received(self) -> list[dict[str, Any]]:
        return httpx.get(self.graph.control("messages"), params={"to": CITIZEN}).json()["data"]

    def say(self, text: str) -> list[tuple[str, str, list[str]]]:
        return self._post(payloads.text_message(CITIZEN, text))

    def tap(self, reply_id: str) -> list[tuple[str, str, list[str]]]:
        """Tap the option `reply_id` of the last buttons or list the phone received."""
        last = [m for m in self._received() if m["message"]["type"] == "interactive"][-1]
        interactive = last["message"]["interactive"]
        if interactive["type"] == "button":
            message = payloads.button_reply_message(
                CITIZEN, reply_id=reply_id, title=reply_id.title(), context_id=last["id"]
            )
        else:
            message = payloads.list_reply_message(
                CITIZEN, reply_id=reply_id, title=reply_id, context_id=last["id"]
            )
        assert reply_id in _readable(last["message"])[2]
        return self._post(message)

    def send_file(self, data: bytes, mime: str, name: str) -> list[tuple[str, str, list[str]]]:
        media_id = transport.upload_media(self.number[0], data, mime, name)
        digest = hashlib.sha256(data).hexdigest()
        if mime.startswith("image/"):
            message = payloads.image_message(
                CITIZEN, media_id=media_id, mime_type=mime, sha256=digest
            )
        else:
            message = payloads.document_message(
                CITIZEN, media_id=media_id, mime_type=mime, sha256=digest, filename=name
            )
        return self._post(message)

    def edit(self, original: str, text: str) -> list[tuple[str, str, list[str]]]:
        edited = {
            "original_message_id": original,
            "message": {"type": "text", "text": {"body": text}},
        }
        return self._post({"from": CITIZEN, "type": "edit", "edit": edited})

    def delete(self, original: str) -> list[tuple[str, str, list[str]]]:
        return self._post(
            {"from": CITIZEN, "type": "revoke", "revoke": {"original_message_id": original}}
        )


def _readable(message: dict[str, Any]) -> tuple[str, str, list[str]]:
    kind = message["type"]
    if kind == "text":
        return kind, message["text"]["body"], []
    if kind == "interactive":
        interactive = message["interactive"]
        action = interactive["action"]
        if interactive["type"] == "button":
            options = [b["reply"]["id"] for b in action["buttons"]]
        else:
            options = [r["id"] for s in action["sections"] for r in s["rows"]]
        return kind, interactive["body"]["text"], options
    return kind, str(message.get(kind)), []


def _text(replies: list[tuple[str, str, list[str]]]) -> str:
    return "\n".join(text for _kind, text, _options in replies)


@pytest.fixture
def phone(db: None, client: Any, graph: RunningServer, django_capture_on_commit_callbacks: Any):
    return Phone(client, graph, django_capture_on_commit_callbacks).on(AKTA_LAHIR)


def _form() -> dict[str, Any]:
    return Conversation.objects.get(citizen=CITIZEN).data


def _to_files(phone: Phone) -> None:
    phone.say("Halo")
    phone.say("Siti Aminah")
    phone.say(NIK)
    phone.tap("SAMA")
    phone.say("Putri Aminah")
    phone.say((timezone.localdate().replace(day=1)).strftime("%d-%m-%Y"))
    phone.say("Blambangan Umpu")
    assert Conversation.objects.get(citizen=CITIZEN).state == "files"


def test_a_photo_only_requirement_refuses_a_pdf_at_once_and_nothing_is_lost(
    phone: Phone,
) -> None:
    """The issue's case: a PDF for the KIA's photo was taken, then everything thrown away at YA."""
    phone.on(KTP_KIA)
    first = phone.say("Halo")
    assert "nomor WhatsApp resmi" in first[0][1] and "BERHENTI" in first[0][1]
    kind, _, options = first[-1]
    assert kind == "interactive" and options[:2] == ["1", "2"] and "STATUS" in options
    assert "Kartu Identitas Anak" in _text(phone.tap("2"))
    phone.say("Siti Aminah")
    phone.say(NIK)
    assert phone.say("2")[-1][2] == ["SAMA"]  # the phone number: a button, "2" is no number
    phone.tap("SAMA")
    phone.say("Bima Putra")
    phone.say(CHILD_NIK)
    phone.say("15-03-2020")
    for _ in range(3):  # akta, KK, parents' KTP-el: a PDF each
        asked = phone.send_file(pdf(), "application/pdf", "berkas.pdf")
    assert "Pas foto" in asked[-1][1] and asked[-1][2] == ["LEWATI"]  # optional: a button
    refused = _text(phone.send_file(pdf(), "application/pdf", "foto.pdf"))
    assert "hanya menerima gambar" in refused and "Pas foto" in refused
    form = _form()
    assert len([f for f in form["files"].values() if f]) == 3 and form["fields"]["nik"] == NIK
    summary = phone.send_file(jpeg(), "image/jpeg", "foto.jpg")
    assert summary[-1][2] == ["YA", "BATAL"]
    done = _text(phone.tap("YA"))
    application = Application.objects.get(applicant_phone=CITIZEN)
    assert application.case.reference in done and application.service_code == "S2d"
    media = list(application.attachments.values_list("source_media_id", flat=True))
    assert len(media) == 4 and all(media)


def test_an_application_refused_at_ya_keeps_its_answers_and_files(phone: Phone) -> None:
    _to_files(phone)
    for _ in range(4):
        phone.send_file(pdf(), "application/pdf", "berkas.pdf")
    conversation = Conversation.objects.get(citizen=CITIZEN)
    assert conversation.state == "confirm"
    # What the dialog took is refused by the application's own checks (e.g. a rule changed).
    conversation.data["fields"]["nik"] = "1808010000000000"
    conversation.save()
    refused = phone.tap("YA")
    assert "belum dapat dikirim" in _text(refused) and "NIK pemohon" in refused[-1][1]
    assert not Application.objects.exists()
    form = _form()
    assert len([f for f in form["files"].values() if f]) == 4
    assert form["fields"]["child_name"] == "Putri Aminah" and "nik" not in form["fields"]
    assert phone.say(NIK)[-1][2] == ["YA", "BATAL"]  # straight back to the summary
    phone.tap("YA")
    assert Application.objects.get(applicant_phone=CITIZEN).attachments.count() == 4


def test_an_edited_answer_is_applied_and_a_deleted_file_is_asked_again(phone: Phone) -> None:
    phone.say("Halo")
    phone.say("Siti Aminh")
    typo = phone.last_id
    phone.say(NIK)
    nik = phone.last_id
    changed = _text(phone.edit(typo, "Siti Aminah"))
    assert "diubah" in changed and "Siti Aminah" in changed
    assert _form()["fields"]["name"] == "Siti Aminah"
    assert "Nomor HP" in changed  # and the question it stands at, again
    refused = _text(phone.edit(nik, "12"))  # the NIK edited to nonsense: kept
    assert "tidak dapat kami terima" in refused and _form()["fields"]["nik"] == NIK
    phone.tap("SAMA")
    phone.say("Putri Aminah")
    phone.say(timezone.localdate().replace(day=1).strftime("%d-%m-%Y"))
    phone.say("Blambangan Umpu")
    phone.send_file(pdf(), "application/pdf", "surat-lahir.pdf")
    sent = phone.last_id
    phone.send_file(pdf(), "application/pdf", "buku-nikah.pdf")
    assert len(_form()["files"]) == 2
    again = _text(phone.delete(sent))
    assert "sudah kami hapus" in again and "Surat keterangan lahir" in again
    assert list(_form()["files"]) == ["marriage"]


def test_an_edit_the_dialog_no_longer_holds_is_answered_so(phone: Phone) -> None:
    phone.say("Halo")
    assert "tidak dapat" in _text(phone.edit("wamid.long-gone", "Siti"))
    assert "fields" in _form() and not _form()["fields"]


def test_typed_words_still_work_and_nonsense_at_the_summary_keeps_the_form(phone: Phone) -> None:
    _to_files(phone)
    for _ in range(4):
        phone.send_file(pdf(), "application/pdf", "berkas.pdf")
    phone.say("apa ini")  # not understood: the summary again, nothing lost
    assert Conversation.objects.get(citizen=CITIZEN).state == "confirm"
    assert phone.say("ya")[-1][2] == ["STATUS", "MENU"]  # typed, not tapped
    assert Application.objects.filter(applicant_phone=CITIZEN).count() == 1
    assert "Langkah sekarang" in _text(phone.tap("STATUS"))


def test_a_menu_longer_than_ten_rows_is_paged_and_a_page_tap_shows_the_next(phone: Phone) -> None:
    from alur.whatsapp_cloud.models import BusinessNumber

    codes = ["S2a", "S2b", "S2c", "S2d", "S2e", "S2f", "S2a", "S2b", "S2c", "S2d"]
    BusinessNumber.objects.filter(phone_number_id=KTP_KIA[0]).update(service_codes=codes)
    phone.on(KTP_KIA)
    first = phone.say("Halo")[-1]
    assert first[2] == [*map(str, range(1, 9)), "HALAMAN 2"]
    second = phone.tap("HALAMAN 2")
    assert len(second) == 1 and second[0][2] == ["9", "10", "STATUS", "PETUGAS", "HALAMAN 1"]
    assert Conversation.objects.get(citizen=CITIZEN).state == "menu"  # the dialog untouched
    assert "Kartu Identitas Anak" in _text(phone.tap("10"))


def test_batal_on_a_one_service_number_says_so_and_waits_at_the_menu(phone: Phone) -> None:
    """The walk's case: BATAL started a new form at once, and "Halo" became the name."""
    phone.say("Halo")  # the first message: the number's one service starts at once
    phone.say("Siti Aminah")
    cancelled = phone.say("BATAL")
    assert "Permohonan dibatalkan; data dan berkas yang belum dikirim dihapus." in cancelled[0][1]
    assert "Nama" not in _text(cancelled)
    assert cancelled[-1][2] == ["1", "STATUS", "PETUGAS"]
    conversation = Conversation.objects.get(citizen=CITIZEN)
    assert conversation.state == "menu" and conversation.data == {}
    greeted = phone.say("Halo")  # a greeting at the menu: the menu again, not an answer
    assert greeted[-1][2] == ["1", "STATUS", "PETUGAS"] and "Maaf" not in _text(greeted)
    assert Conversation.objects.get(citizen=CITIZEN).state == "menu"
    started = _text(phone.tap("1"))
    assert "Permohonan Akta kelahiran" in started and "Nama pemohon" in started
    assert _form()["fields"] == {}
    phone.say("Siti Aminah")
    assert _form()["fields"]["name"] == "Siti Aminah"


def test_menu_on_a_one_service_number_shows_the_menu_without_starting(phone: Phone) -> None:
    phone.say("Halo")
    shown = phone.say("MENU")
    assert "dibatalkan" not in _text(shown)  # MENU is not a cancellation
    assert shown[-1][2] == ["1", "STATUS", "PETUGAS"]
    assert Conversation.objects.get(citizen=CITIZEN).state == "menu"
    assert "Nama pemohon" in _text(phone.say("mulai permohonan"))  # typed, not tapped
    assert Conversation.objects.get(citizen=CITIZEN).state == "fields"


def test_the_petugas_choice_of_the_menus_reaches_the_staff(phone: Phone) -> None:
    from alur.chat.models import Thread

    phone.on(KTP_KIA)
    menu = phone.say("Halo")[-1]
    assert menu[2][-1] == "PETUGAS"
    assert "petugas" in _text(phone.tap("PETUGAS"))
    assert Thread.objects.filter(citizen=CITIZEN, status=Thread.Status.OPEN).count() == 1


def test_the_summary_shows_a_date_as_typed_and_keeps_it_stored_as_a_date(phone: Phone) -> None:
    born = timezone.localdate().replace(day=1)
    _to_files(phone)  # the child's birth date typed as DD-MM-YYYY
    for _ in range(4):
        summary = phone.send_file(pdf(), "application/pdf", "berkas.pdf")
    assert summary[-1][2] == ["YA", "BATAL"]
    assert born.strftime("%d-%m-%Y") in summary[-1][1]
    assert born.isoformat() not in summary[-1][1]
    assert born.isoformat() in _form()["fields"].values()


def test_the_status_step_is_cut_at_a_word(phone: Phone) -> None:
    """The akta's first step is 170 characters long: shown cut after a whole word, with "…"."""
    from alur.workflow.selectors import timeline

    _to_files(phone)
    for _ in range(4):
        phone.send_file(pdf(), "application/pdf", "berkas.pdf")
    phone.tap("YA")
    case = Application.objects.get(applicant_phone=CITIZEN).case
    rows = [r for r in timeline(case) if r.task.status in ("open", "claimed", "waiting")]
    activity = rows[0].activity
    assert len(activity) > 160
    step = _text(phone.tap("STATUS")).split("Langkah sekarang: ", 1)[1]
    assert step.endswith("…") and len(step) <= 160
    assert activity.startswith(step[:-1]) and activity[len(step) - 1] == " "
