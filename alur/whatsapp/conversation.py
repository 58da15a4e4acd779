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
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from alur.core.validators import typed_number
from alur.whatsapp.dialogs import dialog_for
from alur.whatsapp.models import Conversation, InboundMessage
from alur.whatsapp.uploads import drop_staged
from alur.whatsapp_cloud.models import BusinessNumber

if TYPE_CHECKING:
    from alur.outbox.content import WhatsAppContent

MEDIA_KINDS = ("image", "document")
# What `Turn` keeps in `Conversation.data` beside the dialog's state: the last question's options
# and a paged list.
ASK_KEYS = ("_options", "_list")
PURPOSE_TEXT = {
    BusinessNumber.Purpose.APPLICATIONS: "permohonan dokumen kependudukan",
    BusinessNumber.Purpose.COMPLAINTS: "pengaduan layanan kependudukan",
    BusinessNumber.Purpose.REPORTS: "penerimaan laporan dari kabupaten/kota",
}

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
        # The options of the question this turn asks (typed numbers map to them next turn), and
        # a paged list to page through (`ask_list`); kept in `data` under ASK_KEYS.
        self._options: list[str] = []
        self._list: dict[str, Any] | None = None

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

    def _ask(self, content: WhatsAppContent) -> None:
        from alur.outbox.services import whatsapp_enqueue

        self.conversation.replies += 1
        self._options = list(content.payload.get("options") or [])
        whatsapp_enqueue(
            office=self.number.office,
            sender=self.number.phone_number_id,
            recipient=self.citizen,
            content=content,
            dedupe_key=f"wa-reply:{self.inbound.message_id}:{self.conversation.replies}",
            cause=self.inbound,
        )

    def ask_buttons(
        self, body: str, buttons: list[tuple[str, str]], *, header: str = "", footer: str = ""
    ) -> None:
        """A question with up to three reply buttons `(id, title)`; a tap answers with the id,
        which is also the word the citizen may type (or the option's number)."""
        from alur.outbox.content import whatsapp_buttons

        self._ask(whatsapp_buttons(body, buttons, header=header, footer=footer))

    def ask_list(
        self,
        body: str,
        button: str,
        rows: list[tuple[str, str, str]],
        *,
        header: str = "",
        footer: str = "",
        section: str = "",
        page: int = 1,
    ) -> None:
        """A list message of `rows` `(id, title, description)` opened by `button`; over ten
        rows it is paged, and a tap on "Berikutnya" shows the next page without the dialog."""
        from alur.outbox.content import list_pages, whatsapp_list

        content = whatsapp_list(
            body, button, rows, header=header, footer=footer, section=section, page=page
        )
        self._ask(content)
        if list_pages(len(rows)) > 1:
            self._list = {
                "body": body,
                "button": button,
                "rows": [list(row) for row in rows],
                "header": header,
                "footer": footer,
                "section": section,
            }

    def revise(self, original_message_id: str, new_text: str | None) -> None:
        """The citizen edited (`new_text`) or deleted (None) their message `original_message_id`.

        Applied where the dialog still holds that message (an answer or a file of the form being
        filled in), with a reply that says what changed; a deleted answer or file is removed and
        asked again. Otherwise the citizen is told the change cannot be applied any more."""
        revise = self.dialog.revise
        if revise is None or not revise(self, original_message_id, new_text):
            if new_text is None:
                self.say(
                    "Pesan yang Anda hapus sudah kami proses sebelumnya, sehingga tidak dapat "
                    "dibatalkan lagi lewat percakapan ini."
                )
            else:
                self.say(
                    "Perubahan pesan Anda tidak dapat diterapkan lagi karena jawaban itu sudah "
                    f"kami proses. Kirim ulang bila perlu: «{new_text[:200]}»."
                )
        self.save()

    def introduce(self) -> None:
        """The first message on a number says what the number is for and how to stop it."""
        purpose = PURPOSE_TEXT.get(self.number.purpose, "layanan kependudukan")
        self.say(
            f"Ini nomor WhatsApp resmi {self.number.office.short_name} untuk {purpose}. "
            "Ketik BERHENTI kapan saja bila Anda tidak ingin menerima pesan lagi dari nomor ini, "
            "dan MULAI untuk menerimanya kembali."
        )

    # -- the state -------------------------------------------------------------------------

    def move(self, state: str, data: dict[str, Any], service_code: str | None = None) -> None:
        """Enter `state` with its typed state's JSON (`alur.whatsapp.state`)."""
        self.conversation.state, self.conversation.data = state, data
        if service_code is not None:
            self.conversation.service_code = service_code

    def save(self) -> None:
        data = {k: v for k, v in (self.conversation.data or {}).items() if k not in ASK_KEYS}
        if self._options:
            data["_options"] = self._options
        if self._list:
            data["_list"] = self._list
        self.conversation.data = data
        self.conversation.updated_at = self.now
        self.conversation.save()

    def reset(self) -> None:
        """Back to the menu; the files the citizen staged are removed once this commits."""
        drop_staged(self.conversation.data)
        self.move(Conversation.State.MENU, {}, service_code="")

    # -- the turn --------------------------------------------------------------------------

    def _chosen(self, text: str) -> str:
        """A typed option number as the option's id (the text fallback numbers the options)."""
        options = (self.conversation.data or {}).get("_options") or []
        number = typed_number(text, max_digits=2)
        if number is not None and 1 <= number <= len(options):
            return str(options[number - 1])
        return text

    def _page(self, text: str) -> bool:
        """A tap on a paged list's "Berikutnya"/"Sebelumnya": the same list at that page."""
        from alur.outbox.content import LIST_PAGE_PREFIX

        shown = (self.conversation.data or {}).get("_list")
        page = text.upper().removeprefix(LIST_PAGE_PREFIX)
        if not shown or not text.upper().startswith(LIST_PAGE_PREFIX) or not page.isdigit():
            return False
        self.ask_list(
            shown["body"],
            shown["button"],
            [(str(a), str(b), str(c)) for a, b, c in shown["rows"]],
            header=shown.get("header", ""),
            footer=shown.get("footer", ""),
            section=shown.get("section", ""),
            page=int(page),
        )
        return True

    def respond(self, fetched: Fetched | None) -> None:
        text = self._chosen((self.inbound.text or "").strip())
        if self._page(text):
            self.save()
            return
        first = self.conversation.replies == 0
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
            if first:
                self.introduce()
            self.reset()
            self.menu()
        else:
            if first:
                self.introduce()
            self.dialog.respond(self, text, fetched)
        self.save()

    def menu(self) -> None:
        self.dialog.menu(self)

    def not_understood(self, text: str) -> None:
        """The dialog could not read `text` where it stands: say so and show the menu."""
        self.say("Maaf, kami belum memahami pesan Anda.")
        self.menu()
