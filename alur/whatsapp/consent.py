"""BERHENTI/STOP and MULAI: the citizen refuses messages from this number, or takes them again.

An interceptor of `alur.whatsapp.conversation` (before any dialog): the word alone, in any case,
typed or as a reply button's id. The choice is kept per citizen and business number by the outbox
(`alur.outbox.consent`), which honours it; the citizen gets one confirmation, itself a reply to
their own message (so it passes their opt-out).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alur.outbox.consent import opt_in, opt_out

if TYPE_CHECKING:
    from alur.whatsapp.conversation import Fetched, Turn

STOP_WORDS = frozenset({"BERHENTI", "STOP"})
START_WORDS = frozenset({"MULAI"})


def _word(text: str) -> str:
    return " ".join(text.split()).upper().strip(".!")


def intercept(turn: Turn, text: str, fetched: Fetched | None) -> bool:
    word = _word(text)
    if word not in STOP_WORDS and word not in START_WORDS:
        return False
    office, sender, source = (
        turn.number.office,
        turn.number.phone_number_id,
        turn.inbound.message_id,
    )
    if word in STOP_WORDS:
        opt_out(office=office, sender=sender, recipient=turn.citizen, source_message_id=source)
        turn.say(
            f"Baik, nomor ini ({turn.number.display_number}) tidak akan mengirim pesan lagi "
            "kepada Anda, kecuali balasan atas pesan Anda sendiri dan pemberitahuan keputusan "
            "atas permohonan atau pengaduan Anda yang wajib kami sampaikan. "
            "Ketik MULAI untuk menerima pesan lagi."
        )
    else:
        opt_in(office=office, sender=sender, recipient=turn.citizen, source_message_id=source)
        turn.say(
            "Baik, Anda akan menerima pesan dari nomor ini lagi. Ketik BERHENTI kapan saja "
            "untuk berhenti. Ketik MENU untuk melihat layanan."
        )
    return True
