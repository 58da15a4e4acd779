"""A person when the dialog cannot help: the citizen's conversation handed to the office's staff.

An interceptor of `alur.whatsapp.conversation` (after consent, before the survey and the
purpose's dialog):

- "BICARA DENGAN PETUGAS" (or "PETUGAS", or the reply button "Petugas") opens a thread in the
  staff inbox of the number's office (`alur.chat`);
- while a thread is open, the citizen's messages (text and files) go to it, not to the dialog;
  SELESAI closes it (staff close it from the inbox);
- `Turn.not_understood` lands here: the first message the dialog cannot read is answered with
  reply buttons ("Lihat layanan" at the menu, and "Petugas"); a second one in a row opens the
  thread itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from alur.chat.models import MisreadMessage, Thread
from alur.chat.services import citizen_message, open_thread, thread_close, thread_open
from alur.whatsapp.models import Conversation, InboundMessage

if TYPE_CHECKING:
    from alur.whatsapp.conversation import Fetched, Turn

ASK_WORDS = frozenset(
    {"BICARA DENGAN PETUGAS", "BICARA PETUGAS", "PETUGAS", "HUBUNGI PETUGAS", "MINTA PETUGAS"}
)
CLOSE_WORDS = frozenset({"SELESAI"})
BUTTON_ID = "PETUGAS"  # the reply button's id: the same word the citizen could type
BUTTON_TITLE = "Petugas"
MENU_ID, MENU_TITLE = "MENU", "Lihat layanan"


def _word(text: str) -> str:
    return " ".join(text.split()).upper().strip(".!?")


def _file(fetched: Fetched | None) -> tuple[bytes, str, str] | None:
    if fetched is None or fetched.data is None:
        return None
    return fetched.data, fetched.filename, fetched.mime_type


def _keep(turn: Turn, thread: Thread, fetched: Fetched | None) -> None:
    """The citizen's message as they wrote it (not a typed number read as an option's id)."""
    citizen_message(
        thread=thread,
        inbound=turn.inbound,
        text=(turn.inbound.text or "").strip(),
        file=_file(fetched),
        problem=fetched.problem if fetched is not None else "",
    )


def _opened(turn: Turn) -> None:
    turn.say(
        f"Pesan Anda kami teruskan ke petugas {turn.number.office.short_name}. Petugas akan "
        "membalas di sini pada jam layanan. Silakan tulis pertanyaan Anda; berkas juga dapat "
        "dikirim. Ketik SELESAI untuk mengakhiri percakapan dengan petugas."
    )


def intercept(turn: Turn, text: str, fetched: Fetched | None) -> bool:
    word = _word(text)
    thread = open_thread(turn.number, turn.citizen)
    if thread is not None:
        if word in CLOSE_WORDS:
            _keep(turn, thread, None)
            thread_close(thread=thread, actor=None, by_citizen=True)
            turn.say(
                "Percakapan dengan petugas sudah selesai. Terima kasih. "
                "Ketik MENU untuk melihat layanan."
            )
        else:
            _keep(turn, thread, fetched)
        return True
    if word not in ASK_WORDS:
        return False
    thread = thread_open(
        number=turn.number,
        citizen=turn.citizen,
        reason=Thread.Reason.ASKED,
        inbound=turn.inbound,
    )
    _keep(turn, thread, None)
    _opened(turn)
    return True


def _previous_misread(turn: Turn) -> InboundMessage | None:
    """The citizen's message just before this one, if the dialog could not read it either."""
    previous = (
        InboundMessage.objects.filter(number=turn.number, sender=turn.citizen)
        .exclude(pk=turn.inbound.pk)
        .filter(sent_at__lte=turn.inbound.sent_at)
        .order_by("-sent_at", "-received_at", "-pk")
        .first()
    )
    if previous is None or not MisreadMessage.objects.filter(inbound=previous).exists():
        return None
    return previous


def not_understood(turn: Turn, text: str) -> None:
    """The dialog could not read `text`: the first time reply buttons (the menu, "Petugas"); a
    second message in a row it cannot read opens a thread with the office's staff."""
    previous = _previous_misread(turn)
    MisreadMessage.objects.get_or_create(
        inbound=turn.inbound,
        defaults={
            "number": turn.number,
            "citizen": turn.citizen,
            "created_at": timezone.now(),
        },
    )
    if previous is None:
        at_menu = turn.conversation.state == Conversation.State.MENU
        if at_menu:
            body = (
                "Maaf, kami belum memahami pesan Anda. Pilih «Lihat layanan» untuk melihat "
                "layanan kami, atau «Petugas» untuk bicara dengan petugas."
            )
            buttons = [(MENU_ID, MENU_TITLE), (BUTTON_ID, BUTTON_TITLE)]
        else:
            body = (
                "Maaf, kami belum memahami pesan Anda. Silakan jawab pertanyaan sebelumnya, "
                "atau pilih «Petugas» untuk bicara dengan petugas."
            )
            buttons = [(BUTTON_ID, BUTTON_TITLE)]
        turn.ask_buttons(body, buttons)
        return
    thread = thread_open(
        number=turn.number,
        citizen=turn.citizen,
        reason=Thread.Reason.NOT_UNDERSTOOD,
        inbound=turn.inbound,
    )
    citizen_message(thread=thread, inbound=previous, text=previous.text or f"({previous.kind})")
    citizen_message(thread=thread, inbound=turn.inbound, text=text or f"({turn.inbound.kind})")
    turn.say("Maaf, kami masih belum memahami pesan Anda.")
    _opened(turn)


def with_staff(turn: Turn) -> bool:
    """Is the citizen talking with staff on this number? (Their dialog is then not reset when
    idle: the staff's answer may take longer than the dialog's idle window.)"""
    return open_thread(turn.number, turn.citizen) is not None
