"""The reporter's conversation on a complaints number (`BusinessNumber.Purpose.COMPLAINTS`).

name → the complaint in one message → the related application's tracking number (or LEWATI) →
a summary → "YA" files the complaint (an S2g case) and answers with its tracking number.
"STATUS" (or a complaint's tracking number) answers with its state and, once closed, the answer.
After the answer, a reply of one number is the reporter's satisfaction score (1–5).
The complaint is filed, found and rated by `alur.complaints.services`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from alur.complaints.choices import Channel, Status
from alur.complaints.models import Complaint
from alur.core.errors import DomainError
from alur.core.validators import person_name, typed_number
from alur.whatsapp.models import Conversation
from alur.whatsapp.state import ComplaintForm

if TYPE_CHECKING:
    from alur.whatsapp.conversation import Fetched, Turn

SKIP = "LEWATI"
REFERENCE = re.compile(r"\bS2G-\d{4}-\d{6}-[A-Z2-9]{6}\b")
RATING_DAYS = 30  # how long after the answer a lone number is read as the satisfaction score
NAME_LIMIT = 120


def menu(turn: Turn) -> None:
    """Start (again): greet and ask the reporter's name."""
    turn.move(Conversation.State.FIELDS, ComplaintForm().to_json(), service_code="S2g")
    turn.say(
        f"Selamat datang di layanan pengaduan {turn.number.office.short_name}. Kami akan mencatat "
        "pengaduan Anda. Ketik BATAL kapan saja untuk berhenti, atau STATUS untuk melihat "
        "pengaduan Anda.\n\nSiapa nama Anda?"
    )


def respond(turn: Turn, text: str, fetched: Fetched | None) -> None:
    upper = text.upper()
    state = turn.conversation.state
    form = ComplaintForm.from_json(turn.conversation.data)
    if upper == "STATUS" or (REFERENCE.search(upper) and form.step != "application"):
        match = REFERENCE.search(upper)
        status(turn, match.group(0) if match else None)
        return
    at_start = state == Conversation.State.MENU or form.step == "name"
    if at_start and typed_number(text, max_digits=3) is not None and _rate(turn, text):
        return  # a lone number where a name is asked: the score of the last answer
    if state == Conversation.State.MENU:
        menu(turn)
        return
    if fetched is not None:
        turn.say(
            "Mohon tuliskan dalam pesan teks. Berkas dapat ditunjukkan saat petugas menghubungi."
        )
        _ask(turn, form)
        return
    if state == Conversation.State.CONFIRM:
        confirm(turn, form, upper)
        return
    if form.step == "name":
        if not text or len(text) > NAME_LIMIT:
            turn.say(f"Mohon tulis nama Anda (paling banyak {NAME_LIMIT} huruf).")
            return
        try:
            form.name = person_name(text)
        except ValidationError as error:
            turn.say(" ".join(error.messages))
            return
        form.step = "text"
    elif form.step == "text":
        if not text:
            turn.say("Isi pengaduan tidak boleh kosong.")
            _ask(turn, form)
            return
        form.step, form.text = "application", text[:4000]
    elif form.step == "application":
        if upper != SKIP:
            from alur.complaints.services import application_find

            try:
                application_find(turn.number.office, text)
            except DomainError as error:
                turn.say(f"{error.message} Ketik {SKIP} bila tidak ada.")
                return
        form.step, form.application = "confirm", "" if upper == SKIP else upper
        turn.move(Conversation.State.CONFIRM, form.to_json())
        summary(turn, form)
        return
    else:
        menu(turn)
        return
    turn.move(state, form.to_json())
    _ask(turn, form)


def _ask(turn: Turn, form: ComplaintForm) -> None:
    if form.step == "name":
        turn.say("Siapa nama Anda?")
    elif form.step == "text":
        turn.say(
            "Ceritakan permasalahan Anda dalam satu pesan: apa yang terjadi, kapan, dan di mana."
        )
    elif form.step == "application":
        turn.say(
            "Apakah pengaduan ini tentang permohonan dokumen? Kirim nomor permohonannya "
            f"(mis. S2E-1808-260105-K7QM4X), atau ketik {SKIP}."
        )
    else:
        summary(turn, form)


def summary(turn: Turn, form: ComplaintForm) -> None:
    turn.say(
        f"Ringkasan pengaduan:\n- Nama: {form.name}\n- Pengaduan: {form.text[:500]}\n"
        f"- Permohonan terkait: {form.application or '-'}\n\n"
        "Balas YA untuk mengirim pengaduan, atau BATAL untuk membatalkan."
    )


def confirm(turn: Turn, form: ComplaintForm, upper: str) -> None:
    from alur.complaints.services import complaint_submit

    if upper not in ("YA", "Y", "KIRIM"):
        turn.say("Balas YA untuk mengirim pengaduan, atau BATAL untuk membatalkan.")
        return
    try:
        complaint = complaint_submit(
            office=turn.number.office,
            channel=Channel.WHATSAPP,
            reporter_name=form.name,
            reporter_phone=turn.citizen,
            text=form.text,
            application_reference=form.application,
            whatsapp_number=turn.number,
            client_token=f"wa:{turn.inbound.message_id}"[:64],
        )
    except DomainError as error:
        turn.say(f"Pengaduan belum dapat dikirim: {error.message} Ketik MENU untuk mulai lagi.")
        turn.reset()
        return
    case = complaint.case
    due = date_format(timezone.localtime(case.due_at), "l, j F Y H:i") if case.due_at else "-"
    turn.say(
        f"Pengaduan Anda diterima. Nomor pengaduan: {case.reference}\n"
        f"Perkiraan jawaban: {due}.\nKirim STATUS kapan saja untuk melihat perkembangannya."
    )
    turn.reset()


def _mine(turn: Turn) -> list[Complaint]:
    return list(
        Complaint.objects.filter(reporter_phone=turn.citizen, office=turn.number.office)
        .select_related("case")
        .order_by("-created_at")[:20]
    )


def status(turn: Turn, reference: str | None) -> None:
    complaints = [c for c in _mine(turn) if reference is None or c.case.reference == reference]
    if not complaints:
        turn.say("Kami tidak menemukan pengaduan dari nomor ini. Periksa nomor pengaduan Anda.")
        return
    complaint = complaints[0]
    lines = [f"Pengaduan {complaint.case.reference}: {complaint.get_status_display()}."]
    if complaint.is_closed and complaint.answer:
        lines.append(f"Jawaban: {complaint.answer[:1500]}")
    turn.say("\n".join(lines))


def _rate(turn: Turn, text: str) -> bool:
    """A lone number after an answer is the satisfaction score; False when nothing awaits one."""
    from alur.complaints.services import complaint_rate

    since = timezone.now() - timedelta(days=RATING_DAYS)
    answered = [
        c
        for c in _mine(turn)
        if c.status == Status.ANSWERED and c.closed_at and c.closed_at >= since
    ]
    if not answered:
        return False
    complaint = answered[0]
    try:
        rated = complaint_rate(complaint=complaint, score=text, channel=Channel.WHATSAPP)
    except DomainError as error:
        turn.say(error.message)
        return True
    turn.say(
        f"Terima kasih atas penilaian Anda ({rated.satisfaction} dari 5) untuk pengaduan "
        f"{complaint.case.reference}."
    )
    return True
