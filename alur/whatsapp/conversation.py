"""The citizen's conversation on a service number, in Bahasa Indonesia.

menu → the chosen service's requirement list → its fields, one question at a time (NIK checked
as it is typed) → its documents, one at a time (media fetched, checked, kept) → a summary →
"YA" makes the application (a workflow case) and answers with its tracking number. "STATUS" or
a tracking number answers with the current step; "MENU" shows the menu; "BATAL" cancels the
form being filled in (the citizen is told so) and shows the menu. A conversation
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
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from alur.whatsapp.dialogs import dialog_for
from alur.whatsapp.models import Conversation, InboundMessage
from alur.whatsapp.uploads import drop_staged
from alur.whatsapp_cloud.models import BusinessNumber

if TYPE_CHECKING:
    from alur.outbox.content import WhatsAppContent

MEDIA_KINDS = ("image", "document")
# What `Turn` keeps in `Conversation.data` beside the dialog's state: a paged list to page through.
ASK_KEYS = ("_list",)
PURPOSE_TEXT: dict[str, str] = {
    BusinessNumber.Purpose.APPLICATIONS: "permohonan dokumen kependudukan",
    BusinessNumber.Purpose.COMPLAINTS: "pengaduan layanan kependudukan",
    BusinessNumber.Purpose.REPORTS: "penerimaan laporan dari kabupaten/kota",
}

# What may take a turn before the purpose's dialog, in this order (dotted paths to functions
# `(turn, text, fetched) -> bool`, True when it answered the message): the citizen's consent
# (STOP/MULAI), a conversation handed to staff, the satisfaction survey.
INTERCEPTORS: tuple[str, ...] = (
    "alur.whatsapp.consent.intercept",
    "alur.whatsapp.handoff.intercept",
    "alur.whatsapp.dialogs.survey.intercept",
)


class MediaPending(Exception):
    """A message's media could not be fetched yet (the Graph API is down or slow): its task is
    retried, and the later messages of its conversation wait for it."""


# How often a message's media is tried (once per run of its handling task, 60 s apart) before
# the citizen is asked to send the file again; the media id itself stays valid for 30 days.
MEDIA_ATTEMPTS = 6
# A handling task answers at most this many waiting messages of its conversation in one run.
MAX_PENDING = 50


@dataclass(frozen=True)
class Fetched:
    """A media message's bytes, fetched before the transaction, or why they could not be
    (`retryable`: the Graph API may serve them on a later try)."""

    data: bytes | None
    mime_type: str
    filename: str
    problem: str = ""
    retryable: bool = False


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
        return Fetched(None, inbound.media_mime_type, name, error.reason, error.retryable)
    return Fetched(data, info.mime_type or inbound.media_mime_type, name)


def handle(inbound_id: int) -> None:
    """Answer one inbound message by its number's purpose; idempotent (handled once).

    A conversation's (business number + citizen) messages are answered in the order they were
    sent (the Cloud API `timestamp`, then the order they were stored), whatever order their
    tasks run in: every message of the conversation not answered yet and sent before this
    one is answered first, each under the conversation's row lock. A message whose media
    cannot be fetched yet holds the later ones (MediaPending: the task is retried) until its
    attempts are used up; the citizen is then asked to send the file again and the rest go on.
    """
    inbound = InboundMessage.objects.select_related("number", "number__office").get(pk=inbound_id)
    if inbound.handled_at is not None or inbound.number is None:
        return
    dialog = dialog_for(inbound.number)
    for _ in range(MAX_PENDING):
        pending = _earliest_unanswered(inbound)
        if pending is None:
            return
        if dialog.take is not None and dialog.take(pending.pk):
            continue
        _answer(pending)


def _earliest_unanswered(inbound: InboundMessage) -> InboundMessage | None:
    """The first message of `inbound`'s conversation not answered yet, up to `inbound`."""
    return (
        InboundMessage.objects.select_related("number", "number__office")
        .filter(number_id=inbound.number_id, sender=inbound.sender, handled_at__isnull=True)
        .filter(Q(sent_at__lt=inbound.sent_at) | Q(sent_at=inbound.sent_at, pk__lte=inbound.pk))
        .order_by("sent_at", "pk")
        .first()
    )


def _answer(message: InboundMessage) -> None:
    """Answer one message (the earliest waiting of its conversation) under the conversation's
    row lock; its media is fetched first, outside the transaction."""
    fetched = fetch_media(message)
    if fetched is not None and fetched.data is None and fetched.retryable:
        attempts = message.media_attempts + 1
        InboundMessage.objects.filter(pk=message.pk).update(media_attempts=attempts)
        if attempts < MEDIA_ATTEMPTS:
            raise MediaPending(f"media {message.message_id}: {fetched.problem}")
    assert message.number is not None  # noqa: S101 - only messages to our numbers are answered
    with transaction.atomic():
        conversation, _ = Conversation.objects.select_for_update().get_or_create(
            number=message.number,
            citizen=message.sender,
            defaults={"updated_at": timezone.now()},
        )
        locked = InboundMessage.objects.select_for_update().get(pk=message.pk)
        if locked.handled_at is not None:
            return  # another worker answered it meanwhile
        locked.number = message.number
        # A message stored after a later one of the conversation was answered (its delivery
        # came late) is not taken as the answer to the question asked now.
        # (A reaction moves no question on: it does not make an earlier message late.)
        locked.late = (
            InboundMessage.objects.filter(
                number_id=locked.number_id,
                sender=locked.sender,
                handled_at__isnull=False,
                sent_at__gt=locked.sent_at,
            )
            .exclude(kind="reaction")
            .exists()
        )
        _turn(Turn(conversation, locked), locked, fetched)
        locked.handled_at = timezone.now()
        locked.save(update_fields=["handled_at", "late"])


def _unsupported_type(message: InboundMessage) -> str:
    unsupported = message.raw.get("unsupported") if isinstance(message.raw, dict) else None
    return str(unsupported.get("type", "")) if isinstance(unsupported, dict) else ""


def _turn(turn: Turn, message: InboundMessage, fetched: Fetched | None) -> None:
    """What one message does: a reaction nothing; an edit or a deletion revises the answer it
    names; a late message is not taken as an answer; any other goes to the dialog."""
    kind = message.kind
    if kind == "reaction" or (kind == "unsupported" and _unsupported_type(message) == "reaction"):
        return  # a thumbs-up is not a question: not answered, the conversation untouched
    if kind in ("edit", "revoke"):
        new_text = message.text if kind == "edit" else None
        if message.original_message_id:
            turn.revise(message.original_message_id, new_text)
        else:
            turn.say(REVISION_NOT_APPLIED)
        turn.save()
    elif kind == "unsupported" and _unsupported_type(message) in ("edit", "revoke"):
        turn.say(REVISION_NOT_APPLIED)
        turn.save()
    elif message.late:
        text = (message.text or "").strip()
        if not any(import_string(path)(turn, text, None) for path in INTERCEPTORS):
            shown = f"«{text[:60]}»" if text else "berkas Anda"
            turn.say(
                f"Pesan {shown} sampai di kami setelah pesan Anda berikutnya sudah kami jawab, "
                "jadi tidak kami pakai sebagai jawaban. Bila masih diperlukan, kirim lagi saat "
                "ditanya."
            )
        turn.save()
    else:
        turn.respond(fetched)


# The states of a form being filled in: BATAL there cancels it, and the citizen is told so.
FILLING = (Conversation.State.FIELDS, Conversation.State.FILES, Conversation.State.CONFIRM)
CANCELLED: dict[str, str] = {BusinessNumber.Purpose.COMPLAINTS: "Pengaduan"}

REVISION_NOT_APPLIED = (
    "Perubahan atau penghapusan pesan tidak dapat kami terapkan di sini. Bila ada jawaban yang "
    "keliru, kirim jawaban yang benar saat ditanya, atau ketik BATAL untuk mulai lagi."
)


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
        # A paged list to page through (`ask_list`); kept in `data` under ASK_KEYS.
        self._list: dict[str, Any] | None = None
        # The citizen's first message on this number (answered with what the number is for).
        self.first = conversation.replies == 0
        self._replies_before = conversation.replies

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
        which is also the word the citizen may type."""
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
        if self.conversation.replies != self._replies_before:
            # Something was said this turn: its list replaces the last one.
            data = {k: v for k, v in (self.conversation.data or {}).items() if k not in ASK_KEYS}
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
        from alur.whatsapp import handoff

        text = (self.inbound.text or "").strip()
        if self._page(text):
            self.save()
            return
        first = self.first
        idle = timedelta(minutes=settings.WHATSAPP_CONVERSATION_IDLE_MINUTES)
        state = self.conversation.state
        if (
            state != Conversation.State.MENU
            and self.now - self.conversation.updated_at > idle
            and not handoff.with_staff(self)  # a thread with staff keeps the dialog's state
        ):
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
            cancelled = text.upper() != "MENU" and state in FILLING
            self.reset()
            if cancelled:
                what = CANCELLED.get(self.number.purpose, "Permohonan")
                self.say(f"{what} dibatalkan; data dan berkas yang belum dikirim dihapus.")
            self.menu()
        else:
            if first:
                self.introduce()
            self.dialog.respond(self, text, fetched)
        self.save()

    def menu(self) -> None:
        """The menu; in the middle of a form, the question it stands at (nothing is lost)."""
        if self.conversation.state != Conversation.State.MENU and self.dialog.again is not None:
            self.dialog.again(self)
        else:
            self.dialog.menu(self)

    def not_understood(self, text: str) -> None:
        """The dialog could not read `text` where it stands: say so and show the menu with a
        "Petugas" button; a second message in a row it cannot read goes to the office's staff
        (`alur.whatsapp.handoff`)."""
        from alur.whatsapp import handoff

        handoff.not_understood(self, text)
