"""The citizen's conversation on a service number, in Bahasa Indonesia.

menu → the chosen service's requirement list → its fields, one question at a time (NIK checked
as it is typed) → its documents, one at a time (media fetched, checked, kept) → a summary →
"YA" makes the application (a workflow case) and answers with its tracking number. "STATUS" or
a tracking number answers with the current step; "MENU" or "BATAL" starts again. A conversation
idle longer than WHATSAPP_CONVERSATION_IDLE_MINUTES starts again, and the citizen is told so.

Media is fetched before the transaction that records it (never a call to WhatsApp inside an open
transaction); every reply is an outbox row written in the same transaction as the state change.
Each number holds the conversation of its purpose (`BusinessNumber.purpose`), dispatched by
`alur.whatsapp.dialogs`: this module keeps what every turn shares (the idle expiry, MENU and
BATAL, the replies, the saved state).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from alur.whatsapp.dialogs import dialog_for
from alur.whatsapp.models import Conversation, InboundMessage
from alur.whatsapp.uploads import drop_staged
from alur.whatsapp_cloud.models import BusinessNumber

MEDIA_KINDS = ("image", "document")

# What may take a turn before the purpose's dialog, in this order (dotted paths to functions
# `(turn, text, fetched) -> bool`, True when it answered the message): the citizen's consent
# (STOP/MULAI), a conversation handed to staff, the satisfaction survey.
INTERCEPTORS: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fetched:
    """A media message's bytes, fetched before the transaction, or why they could not be."""

    data: bytes | None
    mime_type: str
    filename: str
    problem: str = ""


def fetch_media(inbound: InboundMessage) -> Fetched | None:
    """Download the media of `inbound` (outside any transaction); None for non-media messages."""
    if inbound.kind not in MEDIA_KINDS or not inbound.media_id:
        return None
    from alur.whatsapp_cloud import transport

    name = inbound.filename or f"{inbound.kind}-{inbound.message_id[-8:]}"
    try:
        info = transport.media_info(inbound.media_id)
        data = transport.download_media(info, max_bytes=settings.WHATSAPP_MEDIA_MAX_BYTES)
    except transport.WhatsAppError as error:
        return Fetched(None, inbound.media_mime_type, name, error.reason)
    return Fetched(data, info.mime_type or inbound.media_mime_type, name)


def handle(inbound_id: int) -> None:
    """Answer one inbound message by its number's purpose; idempotent (handled once)."""
    inbound = InboundMessage.objects.select_related("number", "number__office").get(pk=inbound_id)
    if inbound.handled_at is not None or inbound.number is None:
        return
    dialog = dialog_for(inbound.number)
    if dialog.take is not None and dialog.take(inbound_id):
        return
    fetched = fetch_media(inbound)
    with transaction.atomic():
        locked = InboundMessage.objects.select_for_update().get(pk=inbound_id)
        if locked.handled_at is not None:
            return
        conversation, _ = Conversation.objects.select_for_update().get_or_create(
            number=inbound.number,
            citizen=inbound.sender,
            defaults={"updated_at": timezone.now()},
        )
        Turn(conversation, inbound).respond(fetched)
        locked.handled_at = timezone.now()
        locked.save(update_fields=["handled_at"])


class Turn:
    """One turn of a conversation: read the message, move the state, queue the replies."""

    def __init__(self, conversation: Conversation, inbound: InboundMessage) -> None:
        self.conversation = conversation
        self.inbound = inbound
        if inbound.number is None:
            raise ValueError("a turn answers a message sent to one of the office's numbers")
        self.number: BusinessNumber = inbound.number
        self.dialog = dialog_for(self.number)
        self.now = timezone.now()

    @property
    def citizen(self) -> str:
        return self.conversation.citizen

    # -- replies ---------------------------------------------------------------------------

    def say(self, body: str) -> None:
        from alur.outbox.content import whatsapp_text
        from alur.outbox.services import whatsapp_enqueue

        self.conversation.replies += 1
        whatsapp_enqueue(
            office=self.number.office,
            sender=self.number.phone_number_id,
            recipient=self.citizen,
            content=whatsapp_text(body),
            dedupe_key=f"wa-reply:{self.inbound.message_id}:{self.conversation.replies}",
            cause=self.inbound,
        )

    # -- the state -------------------------------------------------------------------------

    def move(self, state: str, data: dict[str, Any], service_code: str | None = None) -> None:
        """Enter `state` with its typed state's JSON (`alur.whatsapp.state`)."""
        self.conversation.state, self.conversation.data = state, data
        if service_code is not None:
            self.conversation.service_code = service_code

    def save(self) -> None:
        self.conversation.updated_at = self.now
        self.conversation.save()

    def reset(self) -> None:
        """Back to the menu; the files the citizen staged are removed once this commits."""
        drop_staged(self.conversation.data)
        self.move(Conversation.State.MENU, {}, service_code="")

    # -- the turn --------------------------------------------------------------------------

    def respond(self, fetched: Fetched | None) -> None:
        text = (self.inbound.text or "").strip()
        idle = timedelta(minutes=settings.WHATSAPP_CONVERSATION_IDLE_MINUTES)
        state = self.conversation.state
        if state != Conversation.State.MENU and self.now - self.conversation.updated_at > idle:
            self.reset()
            self.say(
                "Sesi permohonan Anda berakhir karena tidak ada balasan selama "
                f"{settings.WHATSAPP_CONVERSATION_IDLE_MINUTES} menit. Data yang belum dikirim "
                "tidak disimpan. Silakan mulai lagi."
            )
            self.menu()
        elif self.inbound.kind not in ("text", "interactive", *MEDIA_KINDS):
            self.say(
                "Maaf, kami hanya dapat membaca pesan teks, foto, dan dokumen PDF. "
                "Ketik MENU untuk melihat layanan."
            )
        elif any(import_string(path)(self, text, fetched) for path in INTERCEPTORS):
            pass
        elif text.upper() in ("MENU", "BATAL", "ULANG"):
            self.reset()
            self.menu()
        else:
            self.dialog.respond(self, text, fetched)
        self.save()

    def menu(self) -> None:
        self.dialog.menu(self)

    def not_understood(self, text: str) -> None:
        """The dialog could not read `text` where it stands: say so and show the menu."""
        self.say("Maaf, kami belum memahami pesan Anda.")
        self.menu()
